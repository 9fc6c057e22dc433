import { afterEach, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { silentLogger } from '../../src/core/log.js';
import { type Daemon, startDaemon } from '../../src/daemon/runtime.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { auditRows } from '../helpers/db.js';
import { type HttpSink, startHttpSink } from '../helpers/http-sink.js';
import { aliyunAccountYaml, backupSeries, numberedInstances, numberedTargetsYaml, rdsFleet } from '../helpers/rds-fleet.js';
import { tempConfig } from '../helpers/temp.js';
import { until } from '../helpers/wait.js';

// The daemon in its embedded mode (no Redis): the same processors as scale-out, in one process.
// Signals and failing starts of the real `start` process: daemon-shutdown.test.ts.

const H = 3_600_000;
const KEY = { accessKeyId: 'LTAI5tDaemonTest', accessKeySecret: 'daemon-secret' };

interface World {
  sim: Simulator;
  slack: HttpSink;
  dir: string;
  config: string;
  cleanup: () => void;
  daemon?: Daemon;
}
let w: World | undefined;
afterEach(async () => {
  if (!w) return;
  await w.daemon?.stop(5_000);
  await Promise.all([w.sim.close(), w.slack.close()]);
  w.cleanup();
  w = undefined;
});

async function world(schedule: string, instances = 3, report?: string): Promise<World> {
  const now = Date.now();
  // rm-0 is stale (40h), the others are fine.
  const fleet = rdsFleet(
    KEY,
    numberedInstances(instances, (i) => backupSeries(now - (i === 0 ? 40 : 2) * H, 300)),
  );
  const sim = await startSimulator({ fleet });
  const slack = await startHttpSink();
  const { dir, config, cleanup } = tempConfig(
    `database: ./audit.db
schedules: { poll: "${schedule}"${report ? `, report: "${report}"` : ''} }
http: { listen: 127.0.0.1:0 }
accounts:
  ali: ${aliyunAccountYaml(sim.url, KEY.accessKeyId, KEY.accessKeySecret, 'rateLimit: { perSecond: 50 }')}
targets:
${numberedTargetsYaml(instances)}
rules: { retention: false }
channels:
  slack: { type: slack, webhook: "${slack.url}/hook" }
alerting: { groupWait: 1s }
${report ? 'report: { channels: [slack] }\n' : ''}`,
    'ba-daemon-',
  );
  w = { sim, slack, dir, config, cleanup };
  return w;
}

describe('start (embedded)', () => {
  it('polls on its cron schedule once per slot, evaluates and delivers one digest', async () => {
    const v = await world('* * * * * *'); // every second; slots are minutes, so one poll per target per minute
    const loaded = loadConfigFile(v.config, { env: {} });
    v.daemon = await startDaemon({ loaded, log: silentLogger, deliveryIntervalMs: 200 });
    await until(() => v.slack.requests.length >= 1);
    expect(v.slack.requests[0]!.body).toContain('db-0');
    await new Promise((r) => setTimeout(r, 1500));
    const polls = auditRows(v.dir, `SELECT target_id, slot, COUNT(*) AS n FROM poll_runs GROUP BY target_id, slot`) as { n: number }[];
    expect(polls.every((p) => p.n === 1)).toBe(true);
    expect(v.slack.requests).toHaveLength(1);
  });

  it('sends the weekly report on its schedule, once per week however often the schedule fires', async () => {
    const v = await world('0 0 1 1 *', 1, '* * * * * *');
    const loaded = loadConfigFile(v.config, { env: {} });
    v.daemon = await startDaemon({ loaded, log: silentLogger });
    await until(() => v.slack.requests.find((r) => /compliance/i.test(r.body)));
    await new Promise((r) => setTimeout(r, 2_500));
    expect(v.slack.requests.filter((r) => /compliance/i.test(r.body))).toHaveLength(1);
  });

  it('serves /healthz and /metrics with polls, findings and queue depth', async () => {
    const v = await world('0 0 1 1 *');
    const loaded = loadConfigFile(v.config, { env: {} });
    v.daemon = await startDaemon({ loaded, log: silentLogger, deliveryIntervalMs: 200 });
    await v.daemon.scheduler.pollAll('2026-11-23T00:00:00Z');
    await until(() => v.slack.requests.length >= 1);
    const health = await fetch(`${v.daemon.httpUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true, db: 'ok', queue: 'embedded', lastCycleAt: null, causes: [] });
    const metrics = await (await fetch(`${v.daemon.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/backup_auditor_polls_total\{outcome="ok"\} 3/);
    expect(metrics).toMatch(/backup_auditor_findings\{state="alarm"\} [1-9]/);
    expect(metrics).toMatch(/backup_auditor_poll_duration_seconds_count 3/);
    expect(metrics).toMatch(/backup_auditor_notifications_total\{channel="slack",outcome="sent"\} [1-9]/);
  });

  it('never polls a target twice at once, and a slow poll does not pile up', async () => {
    const v = await world('0 0 1 1 *', 1);
    v.sim.faults.latencyMs = 400;
    const loaded = loadConfigFile(v.config, { env: {} });
    v.daemon = await startDaemon({ loaded, log: silentLogger });
    await Promise.all([v.daemon.scheduler.pollAll('2026-11-23T00:00:00Z'), v.daemon.scheduler.pollAll('2026-11-23T00:01:00Z')]);
    await until(() => (auditRows(v.dir, `SELECT COUNT(*) AS n FROM poll_runs`)[0] as { n: number }).n >= 1);
    await new Promise((r) => setTimeout(r, 1500));
    expect(auditRows(v.dir, `SELECT COUNT(*) AS n FROM poll_runs`)).toEqual([{ n: 1 }]);
    expect(v.sim.requests.count()).toBe(3); // one poll of 3 pages, not two
  });
});
