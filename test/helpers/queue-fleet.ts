import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { type AliyunKey, aliyunAccountYaml, backupSeries, numberedInstances, numberedTargetsYaml, rdsFleet } from './rds-fleet.js';
import { tempConfig } from './temp.js';

const SIX_HOURS = 6 * 3_600_000;

export interface QueueFleetOptions {
  readonly key: AliyunKey;
  readonly redisUrl: string;
  /** The queue's key prefix in Redis, unique to the test. */
  readonly prefix: string;
  /** RDS instances `rm-0` …, audited as targets `db-0` … */
  readonly instances: number;
  /** Backups per instance, one every 6h, the newest ending now. */
  readonly perInstance: number;
  /** `schedules.poll` */
  readonly schedule: string;
  /** The account's `rateLimit.perSecond`. */
  readonly perSecond: number;
  /** Serve the daemon's HTTP endpoints (`/metrics`…) on a free loopback port. */
  readonly http?: boolean;
}

/** A BullMQ-mode deployment: the fleet behind the simulator and its config (1 s locks and stall checks) in a fresh folder. */
export async function startQueueFleet(o: QueueFleetOptions): Promise<{ sim: Simulator; dir: string; config: string; cleanup: () => void }> {
  const fleet = rdsFleet(
    o.key,
    numberedInstances(o.instances, () => backupSeries(Date.now(), o.perInstance, { everyMs: SIX_HOURS })),
  );
  const sim = await startSimulator({ fleet });
  const { dir, config, cleanup } = tempConfig(
    `database: ./audit.db
redis: ${o.redisUrl}
queue: { prefix: ${o.prefix}, lockDuration: 1s, stalledInterval: 1s }
schedules: { poll: "${o.schedule}" }
${o.http ? 'http: { listen: 127.0.0.1:0 }\n' : ''}accounts:
  ali: ${aliyunAccountYaml(sim.url, o.key.accessKeyId, o.key.accessKeySecret, `rateLimit: { perSecond: ${o.perSecond} }`)}
targets:
${numberedTargetsYaml(o.instances)}
rules: { retention: false }
`,
    'ba-queue-fleet-',
  );
  return { sim, dir, config, cleanup };
}
