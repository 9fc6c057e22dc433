import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { aliyunAccountYaml, backupSeries, numberedInstances, numberedTargetsYaml, rdsFleet } from '../helpers/rds-fleet.js';

// run-once holds each account's rate limit like the daemon does: the simulator enforces the
// provider's quota and answers Throttling.User past it, so any burst shows up in its count.

const KEY = { accessKeyId: 'LTAI5tRunOnceRate01', accessKeySecret: 'run-once-rate-secret' };

describe('run-once and accounts.X.rateLimit', () => {
  let sim: Simulator;
  let dir: string;
  let cleanup: () => void;
  beforeAll(async () => {
    // The provider's quota: 10 a second, no burst; the config asks for 5 (100 ms of slack for jitter).
    const fleet = rdsFleet(
      { ...KEY, rateLimit: { perSecond: 10, burst: 1 } },
      numberedInstances(8, () => backupSeries(Date.now() - 3_600_000, 3)),
    );
    sim = await startSimulator({ fleet });
    ({ dir, cleanup } = tempDir('ba-run-once-rate-'));
  });
  afterAll(async () => {
    await sim.close();
    cleanup();
  });

  it('polls eight targets of one account without tripping its quota of 10 a second, by spacing them at its configured 5', async () => {
    const config = join(dir, 'backup-auditor.yaml');
    writeFileSync(
      config,
      `database: ./audit.db
queue: { pollConcurrency: 8 }
accounts:
  ali: ${aliyunAccountYaml(sim.url, KEY.accessKeyId, KEY.accessKeySecret, 'rateLimit: { perSecond: 5 }')}
targets:
${numberedTargetsYaml(8)}
rules: { retention: false }
`,
    );
    const started = Date.now();
    const r = await runCli(['--config', config, 'run-once', '--json']);
    const elapsed = Date.now() - started;
    expect(r.stderr).toBe('');
    expect(sim.requests.count('aliyun/rds')).toBe(8);
    expect(sim.requests.rateLimited).toBe(0);
    // Eight requests at 5 a second: the last one waits at least 7 × 200 ms.
    expect(elapsed).toBeGreaterThanOrEqual(1_350);
  });
});
