import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { type CliFleet, startCliFleet } from '../helpers/cli-fleet.js';

interface Entry {
  target: string;
  rule: string;
  state: string;
  since: string;
  severity: string;
  reason: string;
}

describe('status filters, sorting and table', () => {
  let f: CliFleet;
  beforeAll(async () => {
    f = await startCliFleet();
    expect((await f.cli('run-once')).code).toBe(1);
  });
  afterAll(() => f?.close());

  const json = async (...args: string[]) => {
    const r = await f.cli('status', '--json', ...args);
    return { ...r, entries: JSON.parse(r.stdout) as Entry[] };
  };

  it('keeps the --json contract: the same six fields, in stored order, when nothing is asked for', async () => {
    const { entries, code } = await json();
    expect(code).toBe(1);
    expect(entries.length).toBeGreaterThan(4);
    for (const e of entries) expect(Object.keys(e)).toEqual(['target', 'rule', 'state', 'since', 'severity', 'reason']);
    const order = entries.map((e) => `${e.target}/${e.rule}`);
    expect(order).toEqual([...order].sort());
  });

  it('shows only the states asked for, repeatable or comma-separated, in the table and in JSON', async () => {
    const alarms = await json('--state', 'alarm');
    expect(alarms.entries.map((e) => `${e.target}/${e.rule}`).sort()).toEqual(['ledger-db/failed-backup', 'stale-db/recent-success']);
    expect(alarms.code).toBe(1);
    const two = await json('--state', 'alarm,skip');
    const twoRepeated = await json('--state', 'alarm', '--state', 'skip');
    expect(two.entries).toEqual(twoRepeated.entries);
    expect(new Set(two.entries.map((e) => e.state))).toEqual(new Set(['alarm', 'skip']));
    const ok = await json('--state', 'ok');
    expect(ok.code).toBe(0); // the exit code speaks for what is shown
    const table = await f.cli('status', '--state', 'alarm');
    expect(table.stdout.split('\n').filter((l) => /^\S+-db\s/.test(l))).toHaveLength(2);
  });

  it('filters by labels from the config and by target', async () => {
    const payments = await json('--label', 'team=payments');
    expect(new Set(payments.entries.map((e) => e.target))).toEqual(new Set(['payments-db', 'stale-db']));
    const prodPayments = await json('--label', 'team=payments', '--label', 'env=prod');
    expect(new Set(prodPayments.entries.map((e) => e.target))).toEqual(new Set(['payments-db']));
    const targets = await json('--target', 'pg-db,stale-db', '--state', 'alarm');
    expect(targets.entries.map((e) => e.target)).toEqual(['stale-db']);
  });

  it('sorts by state, target, rule or since', async () => {
    const byState = (await json('--sort', 'state')).entries.map((e) => e.state);
    expect(byState.slice(0, 2)).toEqual(['alarm', 'alarm']);
    const byRule = (await json('--sort', 'rule')).entries.map((e) => e.rule);
    expect(byRule).toEqual([...byRule].sort());
    const bySince = (await json('--sort', 'since')).entries.map((e) => Date.parse(e.since));
    expect(bySince).toEqual([...bySince].sort((a, b) => b - a));
  });

  it('prints target, cloud, rule, state, since and reason, without colour when not on a terminal', async () => {
    const r = await f.cli('status');
    const [header, ...rows] = r.stdout.split('\n');
    expect(header).toMatch(/^TARGET\s+CLOUD\s+RULE\s+STATE\s+SEVERITY\s+SINCE\s+REASON$/);
    expect(rows.find((l) => l.startsWith('pg-db'))).toMatch(/^pg-db\s+ucloud\s+/);
    expect(rows.find((l) => l.startsWith('stale-db'))).toMatch(
      /^stale-db\s+aliyun\s+recent-success\s+ALARM\s+critical\s+\d{4}-\d\d-\d\dT[\d:]+Z \([\dsmhd ]+ ago\)\s+\S/,
    );
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('colours states when asked to (FORCE_COLOR) and never with NO_COLOR', async () => {
    const env = { ALI_SK: 'x', UC_PRIV: 'x', SLACK_WEBHOOK_URL: 'https://h/x' };
    const coloured = await runCli(['--config', f.config, 'status'], { env: { ...env, FORCE_COLOR: '1' } });
    expect(coloured.stdout).toMatch(/\u001b\[31mALARM\s*\u001b\[0m/);
    const plain = await runCli(['--config', f.config, 'status'], { env: { ...env, FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(plain.stdout).not.toContain('\u001b[');
  });

  it('says when the filter matches nothing, and how to see everything', async () => {
    const r = await f.cli('status', '--label', 'team=nobody');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('no finding matches the filter');
  });

  it('rejects bad filters with exit 2, naming the option and what it takes', async () => {
    const state = await f.cli('status', '--state', 'alarm,broken');
    expect(state.code).toBe(2);
    expect(state.stderr).toContain('--state: "broken" is not a state; use alarm, error, ok, skip');
    const sort = await f.cli('status', '--sort', 'color');
    expect(sort.stderr).toContain('--sort: "color" cannot be sorted by; use state, target, rule, since');
    const label = await f.cli('status', '--label', 'team');
    expect(label.stderr).toContain('--label: must be key=value, e.g. team=payments');
    const target = await f.cli('status', '--target', 'nope');
    expect(target.code).toBe(2);
    expect(target.stderr).toContain('--target: unknown target "nope"; known: ledger-db, payments-db, pg-db, stale-db');
  });
});
