import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fleet, type Simulator, startSimulator } from '../../src/simulator/index.js';
import { runCli } from '../helpers/cli.js';
import { daily, HOUR } from '../helpers/cli-fleet.js';
import { auditRows } from '../helpers/db.js';
import { tempConfig } from '../helpers/temp.js';

const ALI = { accessKeyId: 'LTAI5tDrillKey', accessKeySecret: 'drill-test-aliyun-secret' };
let sim: Simulator;
let dir: string;
let config: string;
let cleanup: () => void;

beforeAll(async () => {
  const fleet = new Fleet();
  fleet.addAccount({ cloud: 'aliyun', ...ALI });
  fleet.addInstance({
    cloud: 'aliyun',
    service: 'rds',
    id: 'rm-orders',
    regionId: 'cn-hangzhou',
    backups: daily(Date.now() - 3 * HOUR, 8),
  });
  sim = await startSimulator({ fleet });
  ({ dir, config, cleanup } = tempConfig(
    `database: ./audit.db
timezone: Europe/Berlin
accounts:
  ali: { cloud: aliyun, regionId: cn-hangzhou, endpoint: "${sim.url}", accessKeyId: ${ALI.accessKeyId}, accessKeySecret: { env: ALI_SK } }
targets:
  - { id: orders-db, account: ali, service: rds, instance: rm-orders, rules: { restore-drill: { maxAge: 30d, maxDuration: 4h } } }
rules:
  retention: false
  size-anomaly: false
`,
    'ba-drill-',
  ));
});
afterAll(async () => {
  await sim.close();
  cleanup();
});

const cli = (...args: string[]) => runCli(['--config', config, ...args], { env: { ALI_SK: ALI.accessKeySecret } });
const yesterday = () => new Date(Date.now() - 24 * HOUR).toISOString();
const drillFinding = async () =>
  (JSON.parse((await cli('status', '--json')).stdout) as { target: string; rule: string; state: string; reason: string }[]).find(
    (f) => f.rule === 'restore-drill',
  );

describe('drill record | list', () => {
  it('a target configured with restore-drill alarms after run-once; recording an ok drill resolves it at once', async () => {
    const first = await cli('run-once');
    expect(first.code, first.stderr).toBe(1);
    expect(await drillFinding()).toMatchObject({ target: 'orders-db', state: 'alarm', reason: expect.stringContaining('no successful') });

    const rec = await cli(
      'drill',
      'record',
      '--target',
      'orders-db',
      '--result',
      'ok',
      '--at',
      yesterday(),
      '--duration',
      '42m',
      '--note',
      'restored to staging',
      '--evidence',
      'https://tickets.example.com/OPS-42',
      '--id',
      'OPS-42',
    );
    expect(rec.code, rec.stderr).toBe(0);
    expect(rec.stdout).toContain('drill OPS-42 recorded: orders-db ok');
    expect(rec.stdout).toMatch(/restore-drill: ok: last successful restore drill .* took 42m/);
    expect(await drillFinding()).toMatchObject({ state: 'ok' });
    expect((await cli('run-once')).code).toBe(0);

    const list = await cli('drill', 'list', '--json');
    expect(JSON.parse(list.stdout)).toEqual([
      expect.objectContaining({ id: 'OPS-42', targetId: 'orders-db', result: 'ok', durationMs: 42 * 60_000, source: 'cli' }),
    ]);
    expect((await cli('drill', 'list', '--target', 'orders-db')).stdout).toMatch(/orders-db\s+ok\s+42m\s+OPS-42\s+restored to staging/);
    const history = await cli('history', 'orders-db');
    expect(history.stdout).toMatch(/drill\s+OPS-42: ok, took 42m/);
  });

  it('answers a repeat with the same content as a no-op, and refuses the same id with other content', async () => {
    const at = '2026-11-17 09:00';
    const args = ['drill', 'record', '--target', 'orders-db', '--result', 'failed', '--at', at, '--id', 'OPS-7', '--note', 'WAL missing'];
    expect((await cli(...args)).code).toBe(0);
    const again = await cli(...args);
    expect([again.code, again.stdout]).toEqual([0, expect.stringContaining('already recorded with the same content')]);
    const other = await cli(...args.slice(0, -1), 'checksum mismatch');
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('--id: drill OPS-7 is already recorded with other content (note differ)');
    expect(auditRows<{ note: string }>(dir, `SELECT note FROM drills WHERE id = 'OPS-7'`)).toEqual([{ note: 'WAL missing' }]);
    // 2026-11-17 09:00 in Europe/Berlin.
    expect(auditRows<{ at: number }>(dir, `SELECT at FROM drills WHERE id = 'OPS-7'`)).toEqual([
      { at: Date.parse('2026-11-17T08:00:00Z') },
    ]);
  });

  it.each([
    [['--at', 'last tuesday'], '--at: "last tuesday" is not an instant'],
    [['--at', '2999-01-01T00:00Z'], '--at: "2999-01-01T00:00Z" is in the future'],
    [['--result', 'maybe'], '--result: '],
    [['--duration', 'a while'], '--duration: "a while" is not a duration'],
    [['--evidence', 'ftp://example.com/log'], '--evidence: must be an http(s) URL'],
    [['--note', 'n'.repeat(2001)], '--note: must be at most 2000 characters'],
    [['--id', 'has space'], '--id: must be printable ASCII without spaces'],
    [['--target', 'nope-db'], '--target: unknown target "nope-db"; configured: orders-db'],
  ])('refuses %s naming the option, writing nothing', async (bad, message) => {
    const before = auditRows<{ n: number }>(dir, 'SELECT count(*) AS n FROM drills')[0]?.n;
    const base: Record<string, string> = { '--target': 'orders-db', '--result': 'ok', '--at': yesterday() };
    base[bad[0] as string] = bad[1] as string;
    const r = await cli('drill', 'record', ...Object.entries(base).flat());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(auditRows<{ n: number }>(dir, 'SELECT count(*) AS n FROM drills')[0]?.n).toBe(before);
  });
});
