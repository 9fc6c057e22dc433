import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { spawnCli } from '../helpers/cli.js';
import { auditRows } from '../helpers/db.js';
import { aliyunAccountYaml, backupSeries, numberedInstances, numberedTargetsYaml, rdsFleet } from '../helpers/rds-fleet.js';
import { tempConfig } from '../helpers/temp.js';
import { until } from '../helpers/wait.js';

// `start` as a real process: how it fails to start, and how it stops on signals.

const H = 3_600_000;
const ITEMS = 300; // three pages per poll
const KEY = { accessKeyId: 'LTAI5tShutdownTest', accessKeySecret: 'shutdown-secret' };

interface World {
  sim: Simulator;
  dir: string;
  config: string;
  cleanup: () => void;
  busy?: Server;
}
let w: World | undefined;
afterEach(async () => {
  if (!w) return;
  const busy = w.busy;
  if (busy) await new Promise((r) => busy.close(r));
  await w.sim.close();
  w.cleanup();
  w = undefined;
});

async function world(o: { instances: number; listen?: string }): Promise<World> {
  // The newest backup of each ended 2h ago.
  const sim = await startSimulator({
    fleet: rdsFleet(
      KEY,
      numberedInstances(o.instances, () => backupSeries(Date.now() - 2 * H, ITEMS)),
    ),
  });
  const { dir, config, cleanup } = tempConfig(
    `database: ./audit.db
schedules: { poll: "* * * * * *" }
${o.listen ? `http: { listen: "${o.listen}" }\n` : ''}accounts:
  ali: ${aliyunAccountYaml(sim.url, KEY.accessKeyId, KEY.accessKeySecret, 'rateLimit: { perSecond: 50 }')}
targets:
${numberedTargetsYaml(o.instances)}
rules: { retention: false }
`,
    'ba-shutdown-',
  );
  w = { sim, dir, config, cleanup };
  return w;
}

/** Per target: the backups stored and what its ok poll runs recorded. */
function stored(dir: string, targets: number) {
  const backups = auditRows<{ target_id: string; n: number }>(dir, `SELECT target_id, COUNT(*) AS n FROM backups GROUP BY target_id`);
  const polls = auditRows<{ target_id: string; items: number }>(dir, `SELECT target_id, items FROM poll_runs WHERE outcome = 'ok'`);
  return Array.from({ length: targets }, (_, i) => {
    const id = `db-${i}`;
    return {
      id,
      backups: backups.find((b) => b.target_id === id)?.n ?? 0,
      polled: polls.filter((p) => p.target_id === id).map((p) => p.items),
    };
  });
}

function start(config: string, args: string[]) {
  const child = spawnCli(['--config', config, 'start', ...args]);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return { child, stderr: () => stderr };
}

describe('start: failing to start and stopping', () => {
  it('exits 3 within seconds, saying what to do, when http.listen is already in use', async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const listen = `127.0.0.1:${(busy.address() as AddressInfo).port}`;
    const v = await world({ instances: 1, listen });
    v.busy = busy;
    const began = Date.now();
    const { child } = start(v.config, ['--log-level', 'warn']);
    const timeout = new Promise<'hung'>((r) => setTimeout(() => r('hung'), 15_000).unref());
    const r = await Promise.race([child.result, timeout]);
    if (r === 'hung') child.kill('SIGKILL');
    expect(r).not.toBe('hung');
    if (r === 'hung') return;
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`http.listen ${listen} is in use: change http.listen or stop the other process`);
    expect(Date.now() - began).toBeLessThan(15_000);
  }, 30_000);

  it('on SIGTERM during a poll with a short timeout stores each target’s poll whole or not at all, and exits 0', async () => {
    const v = await world({ instances: 2 });
    v.sim.faults.latencyMs = 500;
    const { child } = start(v.config, ['--shutdown-timeout', '200ms', '--log-level', 'warn']);
    await until(() => v.sim.requests.count() >= 2);
    child.kill('SIGTERM');
    const r = await child.result;
    expect(r.code).toBe(0);
    expect(auditRows(v.dir, `PRAGMA integrity_check`)).toEqual([{ integrity_check: 'ok' }]);
    for (const t of stored(v.dir, 2)) {
      // Either the poll never committed, or all its pages did: never a part of one.
      if (t.backups === 0) expect(t.polled, t.id).toEqual([]);
      else expect(t, t.id).toEqual({ id: t.id, backups: ITEMS, polled: [ITEMS] });
    }
  }, 30_000);

  it('on SIGTERM during a poll with a long timeout lets the poll finish and stores all of it, then exits 0', async () => {
    const v = await world({ instances: 2 });
    v.sim.faults.latencyMs = 500;
    const { child } = start(v.config, ['--shutdown-timeout', '30s', '--log-level', 'warn']);
    await until(() => v.sim.requests.count() >= 2);
    expect(stored(v.dir, 2).every((t) => t.backups === 0)).toBe(true); // still in flight
    child.kill('SIGTERM');
    const r = await child.result;
    expect(r.code).toBe(0);
    expect(stored(v.dir, 2)).toEqual([
      { id: 'db-0', backups: ITEMS, polled: [ITEMS] },
      { id: 'db-1', backups: ITEMS, polled: [ITEMS] },
    ]);
    expect(r.stderr).not.toContain('"level":50'); // a clean shutdown logs no error
  }, 30_000);

  it('exits 130 at once on a second SIGTERM while a slow shutdown waits for a poll', async () => {
    const v = await world({ instances: 1 });
    v.sim.faults.latencyMs = 20_000;
    const s = start(v.config, ['--shutdown-timeout', '60s', '--log-level', 'info']);
    await until(() => s.stderr().includes('"msg":"polling"')); // its first page answers in 20 s
    s.child.kill('SIGTERM');
    await until(() => s.stderr().includes('shutting down'));
    const second = Date.now();
    s.child.kill('SIGTERM');
    const r = await s.child.result;
    expect(r.code).toBe(130);
    expect(Date.now() - second).toBeLessThan(3_000);
    expect(r.stderr).toContain('second signal: exiting now');
  }, 30_000);
});
