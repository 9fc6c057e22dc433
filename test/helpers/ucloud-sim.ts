import { manualClock } from '../../src/core/clock.js';
import type { PollTarget } from '../../src/providers/types.js';
import type { UcloudAccount } from '../../src/providers/ucloud/client.js';
import {
  Fleet,
  type Simulator,
  startSimulator,
  type UcloudTidbOptions,
  type UcloudUpgsqlOptions,
  ucloudTidbApi,
  ucloudUpgsqlApi,
} from '../../src/simulator/index.js';

export const UC_PUBLIC_KEY = 'ucloudtest@example.com1296235120854146120';
export const UC_PRIVATE_KEY = 'c3a1f0e2d9b84d77a6e5f4c3b2a1908f7e6d5c4b';
export const UC_REGION = 'cn-zj';
export const UC_ZONE = 'cn-zj-01';
export const SIM_NOW = Date.parse('2026-03-01T06:00:00Z');
const HOUR = 3_600_000;

/** UCloud instances for the fleet: `service`, and how many daily backups (the newest ending an hour before SIM_NOW). */
export type UcloudInstances = Record<string, { readonly service: 'upgsql' | 'tidb'; readonly backups: number }>;

/**
 * A fleet with one UCloud account and the given instances. Every tenth backup failed; UPgSQL uses
 * UCloud's words (`Success`/`Failed`), TiDB lower-case ones, as its undocumented State might.
 */
export function ucloudFleet(instances: UcloudInstances): Fleet {
  const fleet = new Fleet();
  fleet.addAccount({ cloud: 'ucloud', accessKeyId: UC_PUBLIC_KEY, accessKeySecret: UC_PRIVATE_KEY });
  for (const [id, { service, backups }] of Object.entries(instances)) {
    fleet.addInstance({ cloud: 'ucloud', service, id, regionId: UC_REGION, ...(service === 'upgsql' && { zone: UC_ZONE }) });
    for (let day = 0; day < backups; day++) {
      const startedAt = SIM_NOW - 2 * HOUR - day * 24 * HOUR;
      const failed = day % 10 === 3;
      const status = service === 'upgsql' ? (failed ? 'Failed' : 'Success') : failed ? 'failed' : 'success';
      fleet.addBackup(id, {
        status,
        kind: 'full',
        mode: 'Automated',
        startedAt,
        endedAt: startedAt + HOUR,
        sizeBytes: failed ? 0 : (100 + day) * 1024 ** 2,
      });
    }
  }
  return fleet;
}

export interface UcloudSimOptions {
  readonly upgsql?: UcloudUpgsqlOptions;
  readonly tidb?: UcloudTidbOptions;
}

/** A simulator on 127.0.0.1 speaking both UCloud APIs, whose clock the test controls, and an account pointing at it. */
export async function ucloudSimulator(
  instances: UcloudInstances,
  opts: UcloudSimOptions = {},
): Promise<{ sim: Simulator; clock: ReturnType<typeof manualClock>; account: UcloudAccount }> {
  const clock = manualClock(SIM_NOW);
  const sim = await startSimulator({
    fleet: ucloudFleet(instances),
    clock,
    apis: [ucloudUpgsqlApi(opts.upgsql), ucloudTidbApi(opts.tidb)],
  });
  return { sim, clock, account: ucloudAccountFor(sim.url) };
}

export function ucloudAccountFor(endpoint: string, over: Partial<UcloudAccount> = {}): UcloudAccount {
  return { cloud: 'ucloud', publicKey: UC_PUBLIC_KEY, privateKey: UC_PRIVATE_KEY, endpoint, ...over };
}

/** A target for a UPgSQL instance in the simulator's region and zone. */
export function upgsqlTarget(instance: string): PollTarget {
  return { id: `pg-${instance}`, service: 'upgsql', instance, region: UC_REGION, zone: UC_ZONE };
}

/** A target for a TiDB cluster in the simulator's region. */
export function tidbTarget(instance: string): PollTarget {
  return { id: `tidb-${instance}`, service: 'tidb', instance, region: UC_REGION };
}
