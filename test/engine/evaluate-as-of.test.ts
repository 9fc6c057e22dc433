import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeps } from '../../jobs/deps.js';
import { loadConfigFile } from '../../src/config/load.js';
import { manualClock } from '../../src/core/clock.js';
import { closeDatabase, type Db, openDatabase } from '../../src/db/client.js';
import { recordPoll } from '../../src/db/ingest.js';
import type { NormalizedBackup } from '../../src/domain/backup.js';
import { evaluateTargets } from '../../src/engine/evaluate.js';
import { runCli } from '../helpers/cli.js';
import { completed, H } from '../helpers/stub-source.js';
import { tempConfig } from '../helpers/temp.js';

// "Were we compliant last Tuesday 09:00?": history is recorded over two days with an injected clock,
// then `evaluate --at` and `status --at` answer for past instants.

const T0 = Date.parse('2026-11-10T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

let cleanup: () => void;
let config: string;

beforeAll(() => {
  ({ config, cleanup } = tempConfig(
    `database: ./audit.db
timezone: Europe/Berlin
accounts:
  ali: { cloud: aliyun, regionId: cn-hangzhou, endpoint: "http://127.0.0.1:9", accessKeyId: ak, accessKeySecret: sk }
targets:
  - { id: db1, account: ali, service: rds, instance: rm-1 }
  - { id: never-polled, account: ali, service: rds, instance: rm-2 }
  - { id: empty, account: ali, service: rds, instance: rm-3 }
rules:
  retention: false
`,
    'ba-asof-',
  ));
  const loaded = loadConfigFile(config, { env: {} });
  const db: Db = openDatabase(loaded.databasePath);
  const clock = manualClock(T0);
  const deps = createDeps({ db, loaded, clock });
  const poll = (at: number, backups: NormalizedBackup[]) => {
    recordPoll(db, { targetId: 'db1', startedAt: at - 1000, finishedAt: at, outcome: { ok: true, pages: 1, backups } });
    recordPoll(db, { targetId: 'empty', startedAt: at - 1000, finishedAt: at, outcome: { ok: true, pages: 1, backups: [] } });
    clock.set(at);
    evaluateTargets(deps);
  };
  poll(T0, [completed('b1', T0 - H)]);
  poll(T0 + 30 * H, [completed('b1', T0 - H)]);
  poll(T0 + 32 * H, [completed('b1', T0 - H), completed('b2', T0 + 31.5 * H)]);
  closeDatabase(db);
});
afterAll(() => cleanup());

type Entry = { target: string; rule: string; state: string; since: string; reason: string };
const find = (out: string, target: string, rule: string) =>
  (JSON.parse(out) as Entry[]).find((e) => e.target === target && e.rule === rule);

describe('evaluate --at and status --at', () => {
  it('evaluate --at re-judges what was known then: an alarm 31h after the last backup', async () => {
    const r = await runCli(['--config', config, 'evaluate', '--at', iso(T0 + 31 * H), '--json']);
    expect(r.code).toBe(1);
    expect(find(r.stdout, 'db1', 'recent-success')).toMatchObject({
      state: 'alarm',
      reason: expect.stringContaining('ended 2026-11-09T23:00Z, 1d 8h ago; policy 1d'),
    });
  });

  it('evaluate --at a later instant sees the backup that arrived meanwhile', async () => {
    const r = await runCli(['--config', config, 'evaluate', '--at', iso(T0 + 33 * H), '--json']);
    expect(find(r.stdout, 'db1', 'recent-success')?.state).toBe('ok');
  });

  it('evaluate --at --json reports since as when the recorded state began, not the --at instant', async () => {
    const r = await runCli(['--config', config, 'evaluate', '--at', iso(T0 + 31 * H), '--json']);
    // The alarm was recorded by the evaluation at T0 + 30h; the ok after it, by the one at T0 + 32h.
    expect(find(r.stdout, 'db1', 'recent-success')).toMatchObject({ state: 'alarm', since: '2026-11-11T06:00:00Z' });
    const later = await runCli(['--config', config, 'evaluate', '--at', iso(T0 + 33 * H), '--json']);
    expect(find(later.stdout, 'db1', 'recent-success')).toMatchObject({ state: 'ok', since: '2026-11-11T08:00:00Z' });
  });

  it('evaluate --at --json falls back to the --at instant when no recorded state agrees with the verdict', async () => {
    // At T0 + 25h the backup was 26h old, but no evaluation ran between T0 (ok) and T0 + 30h to record the alarm.
    const r = await runCli(['--config', config, 'evaluate', '--at', iso(T0 + 25 * H), '--json']);
    expect(find(r.stdout, 'db1', 'recent-success')).toMatchObject({ state: 'alarm', since: '2026-11-11T01:00:00Z' });
    expect(find(r.stdout, 'db1', 'failed-backup')).toMatchObject({ state: 'ok', since: '2026-11-10T00:00:00Z' });
  });

  it('evaluate --at reads wall-clock times in the config timezone', async () => {
    // 2026-11-11 08:00 in Berlin is 07:00Z = T0 + 31h.
    const r = await runCli(['--config', config, 'evaluate', '--at', '2026-11-11 08:00', '--json']);
    expect(find(r.stdout, 'db1', 'recent-success')?.state).toBe('alarm');
  });

  it('gives error for data rules where no poll had succeeded, and poll-failing cannot judge before any poll', async () => {
    const r = await runCli(['--config', config, 'evaluate', '--at', iso(T0 + H), '--json']);
    expect(find(r.stdout, 'never-polled', 'recent-success')).toMatchObject({
      state: 'error',
      reason: expect.stringContaining('no successful poll yet'),
    });
    expect(find(r.stdout, 'never-polled', 'poll-failing')).toMatchObject({
      state: 'error',
      reason: expect.stringContaining('not polled yet'),
    });
  });

  it('alarms on a target whose provider never reported any backup', async () => {
    const r = await runCli(['--config', config, 'evaluate', '--at', iso(T0 + H), '--json']);
    expect(find(r.stdout, 'empty', 'recent-success')).toMatchObject({
      state: 'alarm',
      reason: expect.stringContaining('no completed backup on record'),
    });
  });

  it('status --at shows the findings as they were recorded then', async () => {
    const before = await runCli(['--config', config, 'status', '--at', iso(T0 + 31 * H), '--json']);
    expect(before.code).toBe(1);
    expect(find(before.stdout, 'db1', 'recent-success')).toMatchObject({ state: 'alarm', since: '2026-11-11T06:00:00Z' });
    const after = await runCli(['--config', config, 'status', '--at', iso(T0 + 33 * H), '--json']);
    expect(find(after.stdout, 'db1', 'recent-success')).toMatchObject({ state: 'ok', since: '2026-11-11T08:00:00Z' });
  });

  it('evaluate --at writes nothing', async () => {
    const before = await runCli(['--config', config, 'status', '--json']);
    await runCli(['--config', config, 'evaluate', '--at', iso(T0 + 31 * H)]);
    const after = await runCli(['--config', config, 'status', '--json']);
    expect(after.stdout).toBe(before.stdout);
  });

  it('rejects an instant in the future or one that cannot be read, with exit 2', async () => {
    const future = await runCli(['--config', config, 'evaluate', '--at', '2999-01-01T00:00Z']);
    expect(future.code).toBe(2);
    expect(future.stderr).toContain('is in the future');
    const garbage = await runCli(['--config', config, 'status', '--at', 'last tuesday']);
    expect(garbage.code).toBe(2);
    expect(garbage.stderr).toContain('--at: "last tuesday" is not an instant');
  });
});

describe('rules', () => {
  it('lists every rule with its parameters and defaults as JSON', async () => {
    const r = await runCli(['rules', '--json']);
    expect(r.code).toBe(0);
    const docs = JSON.parse(r.stdout) as { id: string; parameters: { name: string; default: unknown; type: string }[] }[];
    expect(docs.map((d) => d.id)).toEqual([
      'recent-success',
      'failed-backup',
      'stuck-running',
      'poll-failing',
      'retention',
      'size-anomaly',
      'target-missing',
      'coverage',
      'backup-policy',
      'evidence-backup',
      'restore-drill',
      'backup-gap',
    ]);
    expect(docs.filter((d) => !(d as { enabledByDefault?: boolean }).enabledByDefault).map((d) => d.id)).toEqual([
      'restore-drill',
      'backup-gap',
    ]);
    expect(docs[0]!.parameters.find((p) => p.name === 'maxAge')).toMatchObject({ default: '24h', type: 'duration' });
    expect(docs[4]!.parameters.find((p) => p.name === 'minCount')).toMatchObject({ default: 7 });
  });

  it('prints a readable list without --json', async () => {
    const r = await runCli(['rules']);
    expect(r.stdout).toMatch(/^recent-success: /m);
    expect(r.stdout).toMatch(/^restore-drill: .*\(off unless configured\)$/m);
    expect(r.stdout).toMatch(/lookback\s+duration\s+default "24h"/);
  });
});
