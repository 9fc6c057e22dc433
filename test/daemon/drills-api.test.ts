import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { createLogger } from '../../src/core/log.js';
import { handleDrills } from '../../src/daemon/http-drills.js';
import { type Daemon, startDaemon } from '../../src/daemon/runtime.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { auditRows } from '../helpers/db.js';
import { aliyunAccountYaml, backupSeries, rdsFleet } from '../helpers/rds-fleet.js';
import { tempConfig } from '../helpers/temp.js';
import { until } from '../helpers/wait.js';

// POST /api/v1/drills on the running daemon, over real HTTP: authentication, validation, idempotency,
// and the drill resolving restore-drill through the daemon's own evaluation.

const H = 3_600_000;
const KEY = { accessKeyId: 'LTAI5tDrillApi', accessKeySecret: 'drill-api-secret' };
const TOKEN = 'SeCrEt-drill-api-token-7f3e2d1c';
let sim: Simulator;
let daemon: Daemon;
let dir: string;
let cleanup: () => void;
let url: string;
let logs = '';

beforeAll(async () => {
  sim = await startSimulator({ fleet: rdsFleet(KEY, { 'rm-0': backupSeries(Date.now() - 2 * H, 30) }) });
  let config: string;
  ({ dir, config, cleanup } = tempConfig(
    `database: ./audit.db
http: { listen: 127.0.0.1:0, apiToken: { env: DRILL_TOKEN } }
accounts:
  ali: ${aliyunAccountYaml(sim.url, KEY.accessKeyId, KEY.accessKeySecret)}
targets:
  - { id: orders-db, account: ali, service: rds, instance: rm-0, rules: { restore-drill: { maxAge: 30d } } }
rules: { retention: false }
`,
    'ba-drill-api-',
  ));
  const loaded = loadConfigFile(config, { env: { DRILL_TOKEN: TOKEN } });
  const out = new PassThrough();
  out.on('data', (d: Buffer) => (logs += d.toString()));
  daemon = await startDaemon({ loaded, log: createLogger({ destination: out, level: 'debug' }), evaluateEveryMs: 60 * 60_000 });
  url = `${daemon.httpUrl}/api/v1/drills`;
  await daemon.pollNow();
});
afterAll(async () => {
  await daemon?.stop(5_000);
  await sim.close();
  cleanup();
});

const finding = () =>
  auditRows<{ state: string; reason: string }>(dir, `SELECT state, reason FROM findings WHERE rule_id = 'restore-drill'`)[0];
const post = (body: unknown, token: string | null = TOKEN, raw?: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token !== null && { authorization: `Bearer ${token}` }) },
    body: raw ?? JSON.stringify(body),
  });
const drill = { id: 'OPS-99', target: 'orders-db', result: 'ok', at: new Date(Date.now() - 2 * H).toISOString(), duration: '42m' };

describe('POST /api/v1/drills', () => {
  it('refuses a request without the token, or with a wrong one, with 401', async () => {
    const none = await post(drill, null);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect((await post(drill, 'not-the-token')).status).toBe(401);
    expect((await post(drill, `${TOKEN}x`)).status).toBe(401);
    expect(auditRows(dir, 'SELECT * FROM drills')).toEqual([]);
  });

  it('answers 400 naming the field for malformed JSON, an invalid body or an unknown target, and 413 for a huge one', async () => {
    const bad = async (body: unknown, raw?: string) => {
      const r = await post(body, TOKEN, raw);
      return { status: r.status, error: ((await r.json()) as { error: string }).error };
    };
    expect(await bad(null, '{"target": ')).toEqual({ status: 400, error: 'body: not valid JSON' });
    const invalid = await bad({ ...drill, result: 'maybe', at: '2026-11-17 09:00', evidence: 'ftp://x/y' });
    expect(invalid.status).toBe(400);
    expect(invalid.error).toMatch(/^at: must be an ISO-8601 instant/);
    expect((await bad({ ...drill, result: 'maybe' })).error).toMatch(/^result: /);
    expect((await bad({ ...drill, evidence: 'ftp://x/y' })).error).toBe('evidence: must be an http(s) URL');
    expect((await bad({ ...drill, duration: 'soon' })).error).toBe('duration: "soon" is not a duration (42m, PT1H)');
    expect((await bad({ ...drill, target: 'nope-db' })).error).toBe('target: unknown target "nope-db"');
    expect((await bad({ ...drill, extra: 1 })).error).toMatch(/^body: Unrecognized key/);
    expect((await post(null, TOKEN, JSON.stringify({ ...drill, note: 'x'.repeat(70_000) }))).status).toBe(413);
    expect((await fetch(url)).status).toBe(405);
    expect(auditRows(dir, 'SELECT * FROM drills')).toEqual([]);
  });

  it('records a drill with 201, which resolves restore-drill; a repeat is 200 and other content under its id 409', async () => {
    await until(() => finding()?.state === 'alarm', 20_000, 50, 'restore-drill in alarm after the first poll');
    const created = await post(drill);
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({
      created: true,
      drill: { id: 'OPS-99', targetId: 'orders-db', durationMs: 42 * 60_000, source: 'http' },
    });
    await until(() => finding()?.state === 'ok', 20_000, 50, 'restore-drill ok after the drill');

    const repeat = await post(drill);
    expect([repeat.status, ((await repeat.json()) as { created: boolean }).created]).toEqual([200, false]);
    const conflict = await post({ ...drill, result: 'failed' });
    expect(conflict.status).toBe(409);
    expect(((await conflict.json()) as { error: string }).error).toBe(
      'id: drill OPS-99 is already recorded with other content (result differ)',
    );
    expect(auditRows(dir, 'SELECT id, result FROM drills')).toEqual([{ id: 'OPS-99', result: 'ok' }]);
  });

  it('never writes the token to the logs or the database', async () => {
    expect(logs).toContain('drill recorded');
    expect(logs).not.toContain(TOKEN);
    for (const f of ['audit.db', 'audit.db-wal']) {
      const path = join(dir, f);
      if (existsSync(path)) expect(readFileSync(path).toString('latin1')).not.toContain(TOKEN);
    }
  });
});

describe('without http.apiToken', () => {
  let server: Server;
  beforeAll(async () => {
    server = createServer((req, res) => void handleDrills(req, res, undefined));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('the endpoint is off, and says how to turn it on', async () => {
    const r = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/drills`, { method: 'POST', body: '{}' });
    expect(r.status).toBe(404);
    expect(((await r.json()) as { error: string }).error).toContain('set http.apiToken');
  });
});
