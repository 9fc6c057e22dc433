import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { silentLogger } from '../../src/core/log.js';
import { type Daemon, startDaemon } from '../../src/daemon/runtime.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { type HttpSink, startHttpSink } from '../helpers/http-sink.js';
import { aliyunAccountYaml, backupSeries, rdsFleet } from '../helpers/rds-fleet.js';
import { until } from '../helpers/wait.js';

// A dead-man's switch: an outside monitor of the healthchecks.io shape hears from every poll cycle,
// and hears `/fail` when the auditor was blind. /healthz says when cycles stopped completing.

const KEY = { accessKeyId: 'LTAI5tHeartbeatKey', accessKeySecret: 'heartbeat-secret-value' };
const H = 3_600_000;

interface World {
  sim: Simulator;
  monitor: HttpSink;
  config: string;
  daemon?: Daemon;
  close(): Promise<void>;
}

async function world(schedule: string, opts: { latencyMs?: number } = {}): Promise<World> {
  const now = Date.now();
  const fleet = rdsFleet(KEY, { 'rm-a': backupSeries(now - 2 * H, 10), 'rm-b': backupSeries(now - 2 * H, 10) });
  const sim = await startSimulator({ fleet, ...(opts.latencyMs !== undefined && { faults: { latencyMs: opts.latencyMs } }) });
  const monitor = await startHttpSink();
  const { dir, cleanup } = tempDir('ba-heartbeat-');
  const config = join(dir, 'backup-auditor.yaml');
  writeFileSync(
    config,
    `database: ./audit.db
schedules: { poll: "${schedule}" }
http: { listen: 127.0.0.1:0 }
heartbeat: { url: { env: HEARTBEAT_URL }, timeout: 2s }
accounts:
  ali: ${aliyunAccountYaml(sim.url, KEY.accessKeyId, KEY.accessKeySecret)}
targets:
  - { id: db-a, account: ali, service: rds, instance: rm-a }
  - { id: db-b, account: ali, service: rds, instance: rm-b }
`,
  );
  const w: World = {
    sim,
    monitor,
    config,
    async close() {
      await w.daemon?.stop(1_000);
      await Promise.all([sim.close(), monitor.close()]);
      cleanup();
    },
  };
  return w;
}

const paths = (sink: HttpSink) => sink.requests.map((r) => r.path);

describe('the heartbeat', () => {
  let w: World | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  it('pings /start and then the bare url for every poll cycle of the daemon, and /fail naming a target it could not see', async () => {
    w = await world('*/2 * * * * *');
    const env = { HEARTBEAT_URL: `${w.monitor.url}/ping/abc-123` };
    w.daemon = await startDaemon({ loaded: loadConfigFile(w.config, { env }), log: silentLogger, deliveryIntervalMs: 200 });
    const monitor = w.monitor;
    await until(() => paths(monitor).includes('/ping/abc-123'), 10_000);
    expect(paths(monitor).indexOf('/ping/abc-123/start')).toBeLessThan(paths(monitor).indexOf('/ping/abc-123'));
    expect(monitor.requests.every((r) => r.method === 'POST')).toBe(true);
    // From now on the provider fails every listing of rm-b: the cycles are blind to db-b.
    w.sim.faults.failNext(10_000, 'server-error', { instance: 'rm-b' });
    await until(() => paths(monitor).includes('/ping/abc-123/fail'), 10_000);
    const fail = monitor.requests.find((r) => r.path === '/ping/abc-123/fail');
    expect(fail?.body).toMatch(/1 of 2 targets not seen/);
    expect(fail?.body).toMatch(/\ndb-b: /);
    expect(fail?.body).not.toContain(KEY.accessKeySecret);
  });

  it('has run-once ping /start and the bare url, and /fail when a poll failed', async () => {
    w = await world('0 0 1 1 *');
    const env = { HEARTBEAT_URL: `${w.monitor.url}/hb` };
    const ok = await runCli(['--config', w.config, 'run-once'], { env });
    expect(ok.code).toBe(0);
    expect(paths(w.monitor)).toEqual(['/hb/start', '/hb']);
    w.sim.faults.failNext(10_000, 'server-error', { instance: 'rm-a' });
    const blind = await runCli(['--config', w.config, 'run-once'], { env });
    // Judged from what the first run saw: still compliant, but this cycle did not see db-a.
    expect(blind.code).toBe(0);
    expect(paths(w.monitor).slice(2)).toEqual(['/hb/start', '/hb/fail']);
    expect(w.monitor.requests[3]?.body).toContain('1 of 2 polls failed');
    // A dry run tells nobody, the monitor included.
    await runCli(['--config', w.config, 'run-once', '--dry-run'], { env });
    expect(w.monitor.requests).toHaveLength(4);
  });

  it('keeps the audit going when the monitor is down, and says so only in the log', async () => {
    w = await world('0 0 1 1 *');
    const env = { HEARTBEAT_URL: 'http://127.0.0.1:9/hb' };
    const r = await runCli(['--config', w.config, 'run-once'], { env });
    expect(r.code).toBe(0);
  });
});

describe('/healthz', () => {
  let w: World | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  it('answers 503 naming the cause when no poll cycle completed within twice the gap between ticks', async () => {
    // Every poll hangs far longer than the one-second gap between ticks.
    w = await world('* * * * * *', { latencyMs: 30_000 });
    w.daemon = await startDaemon({
      loaded: loadConfigFile(w.config, { env: { HEARTBEAT_URL: `${w.monitor.url}/hb` } }),
      log: silentLogger,
    });
    const url = `${w.daemon.httpUrl}/healthz`;
    let body: { ok: boolean; causes: string[]; lastCycleAt: string | null } | undefined;
    await until(async () => {
      const res = await fetch(url);
      body = (await res.json()) as typeof body;
      return res.status === 503;
    }, 10_000);
    expect(body?.ok).toBe(false);
    expect(body?.lastCycleAt).toBeNull();
    expect(body?.causes.join('\n')).toMatch(/polling: no poll cycle completed since the daemon started at .+, more than twice the 1s/);
  });
});
