import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { silentLogger } from '../../src/core/log.js';
import { type Daemon, startDaemon } from '../../src/daemon/runtime.js';
import { type Simulator, setInstanceInfo, startSimulator } from '../../src/simulator/index.js';
import { type HttpSink, startHttpSink } from '../helpers/http-sink.js';
import { backupSeries, rdsFleet } from '../helpers/rds-fleet.js';
import { tempConfig } from '../helpers/temp.js';
import { until } from '../helpers/wait.js';

// The embedded daemon with a discovering account: discovery at start and on schedules.discover,
// generated targets polled on schedules.poll, coverage alarms delivered.

const H = 3_600_000;
const KEY = { accessKeyId: 'LTAI5tDaemonDiscovery', accessKeySecret: 'daemon-discovery-secret' };

let sim: Simulator | undefined;
let slack: HttpSink | undefined;
let daemon: Daemon | undefined;
let cleanup: (() => void) | undefined;
afterEach(async () => {
  await daemon?.stop(5_000);
  await Promise.all([sim?.close(), slack?.close()]);
  cleanup?.();
  daemon = sim = slack = cleanup = undefined;
});

describe('the daemon with discover:', () => {
  it('polls generated targets as instances appear, leaves out excluded ones and replicas, ' +
    "and alarms coverage when a target's instance disappears", async () => {
    const now = Date.now();
    const fleet = rdsFleet(KEY, { 'rm-1': backupSeries(now - 2 * H, 10), 'rm-2': backupSeries(now - 2 * H, 10) });
    sim = await startSimulator({ fleet });
    slack = await startHttpSink();
    // Every discovered primary becomes a target except rm-9*; discovery runs every 2 s.
    const t = tempConfig(
      `database: ./audit.db
schedules: { poll: "* * * * * *", discover: "*/2 * * * * *" }
accounts:
  ali:
    cloud: aliyun
    regionId: cn-hangzhou
    endpoint: "${sim.url}"
    accessKeyId: ${KEY.accessKeyId}
    accessKeySecret: ${KEY.accessKeySecret}
    rateLimit: { perSecond: 50 }
    discover: { exclude: [rm-9*] }
targets:
  - { id: legacy, account: ali, service: rds, instance: rm-1 }
rules: { retention: false }
channels:
  slack: { type: slack, webhook: "${slack.url}/hook" }
alerting: { groupWait: 0s }
`,
      'ba-daemon-discovery-',
    );
    cleanup = t.cleanup;
    const config = t.config;
    daemon = await startDaemon({ loaded: loadConfigFile(config), log: silentLogger, deliveryIntervalMs: 100 });
    const db = new Database(join(t.dir, 'audit.db'), { readonly: true });
    try {
      const polled = (id: string) =>
        db.prepare(`SELECT COUNT(*) FROM poll_runs WHERE target_id = ? AND outcome = 'ok'`).pluck().get(id) as number;
      await until(() => polled('legacy') > 0 && polled('ali/rds/rm-2') > 0);
      // The explicit target covers rm-1: no generated twin.
      expect(polled('ali/rds/rm-1')).toBe(0);

      // A new instance becomes a target at the next discovery; an excluded one and a replica do not.
      fleet.addInstance({ cloud: 'aliyun', service: 'rds', id: 'rm-3', regionId: 'cn-hangzhou', backups: backupSeries(now - 2 * H, 10) });
      fleet.addInstance({ cloud: 'aliyun', service: 'rds', id: 'rm-90', regionId: 'cn-hangzhou', backups: [] });
      fleet.addInstance({ cloud: 'aliyun', service: 'rds', id: 'rr-2', regionId: 'cn-hangzhou', backups: [] });
      setInstanceInfo(fleet, 'rr-2', { replicaOf: 'rm-2' });
      // rm-1 disappears: its explicit target must alarm coverage.
      setInstanceInfo(fleet, 'rm-1', { deleted: true });
      const state = (target: string, rule: string) =>
        db.prepare(`SELECT state FROM findings WHERE target_id = ? AND rule_id = ?`).pluck().get(target, rule) as string | undefined;
      await until(() => state('legacy', 'coverage') === 'alarm' && polled('ali/rds/rm-3') > 0, 20_000);
      expect(polled('ali/rds/rm-90')).toBe(0);
      expect(polled('ali/rds/rr-2')).toBe(0);
      await until(() => slack?.requests.some((r) => r.body.includes('legacy') && r.body.includes('coverage')));
    } finally {
      db.close();
    }
  }, 60_000);
});
