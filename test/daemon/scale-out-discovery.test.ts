import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { silentLogger } from '../../src/core/log.js';
import { type Daemon, startDaemon } from '../../src/daemon/runtime.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { spawnCli } from '../helpers/cli.js';
import { aliyunAccountYaml, backupSeries, rdsFleet } from '../helpers/rds-fleet.js';
import { tempConfig } from '../helpers/temp.js';
import { useRedis } from '../helpers/use-redis.js';
import { until } from '../helpers/wait.js';

// Generated targets in scale-out: the worker's config lists no target at all, so a poll job of a
// target `discover:` generated must carry it, and the worker polls it from the job alone.

const KEY = { accessKeyId: 'LTAI5tScaleDiscover', accessKeySecret: 'scale-discover-secret' };

const redis = useRedis();
let sim: Simulator;
let daemon: Daemon | undefined;
let child: ReturnType<typeof spawnCli> | undefined;
let cleanup: () => void = () => undefined;
afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await child?.result;
  await daemon?.stop(2_000);
  await sim?.close();
  cleanup();
});

describe('scale-out with discover:', () => {
  it('a worker polls a generated target from its job, the owner stores it', async () => {
    const backups = backupSeries(Date.now() - 3_600_000, 5);
    sim = await startSimulator({ fleet: rdsFleet(KEY, { 'rm-a': backups, 'rm-b': backups }) });
    const t = tempConfig(
      `database: ./audit.db
redis: ${redis.url}
queue: { prefix: sd-${process.pid}, lockDuration: 1s, stalledInterval: 1s }
schedules: { poll: "* * * * * *" }
accounts:
  ali: ${aliyunAccountYaml(sim.url, KEY.accessKeyId, KEY.accessKeySecret, 'discover: {}')}
targets: []
rules: { retention: false }
`,
      'ba-scale-discover-',
    );
    cleanup = t.cleanup;
    const config = t.config;
    child = spawnCli([
      '--config',
      config,
      'worker',
      '--queues',
      'poll',
      '--concurrency',
      '2',
      '--log-level',
      'info',
      '--shutdown-timeout',
      '1s',
    ]);
    let log = '';
    child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    await until(() => log.includes('worker started'), 30_000);
    // The owner polls nothing itself: every poll below went through the worker.
    daemon = await startDaemon({ loaded: loadConfigFile(config, { env: {} }), log: silentLogger, pollConcurrency: 0 });
    const db = new Database(join(t.dir, 'audit.db'), { readonly: true });
    try {
      const polled = () =>
        db.prepare(`SELECT DISTINCT target_id FROM poll_runs WHERE outcome = 'ok' ORDER BY target_id`).pluck().all() as string[];
      await until(() => polled().length === 2, 30_000);
      expect(polled()).toEqual(['ali/rds/rm-a', 'ali/rds/rm-b']);
      expect(db.prepare(`SELECT COUNT(*) FROM backups WHERE target_id = 'ali/rds/rm-a'`).pluck().get()).toBe(5);
      expect(log).not.toMatch(/not in this worker's config/);
    } finally {
      db.close();
    }
  }, 60_000);
});
