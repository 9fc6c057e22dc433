import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../src/db/target-history.js';
import { type CliFleet, startCliFleet } from '../helpers/cli-fleet.js';

describe('backup-auditor history TARGET', () => {
  let f: CliFleet;
  beforeAll(async () => {
    f = await startCliFleet();
    await f.cli('run-once');
    // The newest backup of payments-db turns out to have failed: a status change, two alarms, a notification.
    const newest = f.sim.fleet.instance('rm-payments')?.backups[0];
    f.sim.fleet.updateBackup('rm-payments', newest?.id as string, { status: 'Failed' });
    await f.cli('run-once');
    // A target whose instance the provider does not know: its polls fail for good.
    writeFileSync(
      f.config,
      readFileSync(f.config, 'utf8').replace('rules:', '  - { id: ghost-db, account: ali, service: rds, instance: rm-ghost }\nrules:'),
    );
  });
  afterAll(() => f?.close());

  const history = async (...args: string[]) => {
    const r = await f.cli('history', ...args, '--json');
    return { ...r, doc: JSON.parse(r.stdout) as { target: string; since: string; events: HistoryEvent[] } };
  };

  it('lists polls, backups, finding changes and notifications of one target in time order', async () => {
    const { doc, code } = await history('payments-db');
    expect(code).toBe(0);
    expect(doc.target).toBe('payments-db');
    const times = doc.events.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const polls = doc.events.filter((e) => e.type === 'poll');
    expect(polls).toHaveLength(2);
    expect(polls.every((p) => p.type === 'poll' && p.outcome === 'ok' && p.items === 8 && p.pages === 1)).toBe(true);
    const backups = doc.events.filter((e) => e.type === 'backup');
    expect(backups.filter((b) => b.type === 'backup' && b.from === null)).toHaveLength(8);
    expect(backups.filter((b) => b.type === 'backup' && b.from === 'completed' && b.to === 'failed')).toHaveLength(1);
    const flips = doc.events.flatMap((e) => (e.type === 'finding' && e.from === 'ok' ? [`${e.rule}:${e.to}`] : []));
    expect(flips.sort()).toEqual(['failed-backup:alarm', 'recent-success:alarm']);
    expect(
      doc.events
        .filter((e) => e.type === 'notification')
        .map((e) => e.type === 'notification' && `${e.rule}/${e.kind}/${e.status}`)
        .sort(),
    ).toEqual(['failed-backup/firing/sent', 'recent-success/firing/sent']);
    // Within one poll's instant the poll comes first, then what it saw, then what was judged of it.
    const second = doc.events.findIndex((e, i) => e.type === 'poll' && i > 0);
    expect(doc.events[second + 1]?.type).toBe('backup');
  });

  it('reads as a timeline, folding the first sighting of many backups into one line', async () => {
    const r = await f.cli('history', 'payments-db');
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^history of payments-db since \d{4}-\d\d-\d\dT[\d:]+Z$/);
    expect(r.stdout).toMatch(/Z {2}poll {5}#\d+ ok: 1 page, 8 items \(\d+ ms\)/);
    expect(r.stdout).toContain('backups  8 first seen: 8 completed (--json lists each)');
    expect(r.stdout).toMatch(/backup {3}\d+: completed → failed \(Failed; full, ended .+, 5\.0 GiB\)/);
    expect(r.stdout).toMatch(/finding {2}failed-backup: ok → alarm: backup \d+ failed at/);
    expect(r.stdout).toContain('notify   firing (failed-backup) to slack: sent');
  });

  it('shows a failed poll with the provider error', async () => {
    await f.cli('run-once', '--target', 'ghost-db');
    const r = await f.cli('history', 'ghost-db', '--since', '1h');
    expect(r.stdout).toMatch(/poll {5}#\d+ failed after 0 pages: not-found: aliyun InvalidDBInstanceId.NotFound/);
    expect(r.stdout).toMatch(/finding {2}target-missing: new → alarm/);
  });

  it('limits the period with --since, as a duration or an instant', async () => {
    const all = await history('payments-db', '--since', '2020-01-01');
    expect(all.doc.since).toBe('2020-01-01T00:00:00Z'); // the config's time zone is UTC
    expect(all.doc.events.filter((e) => e.type === 'poll')).toHaveLength(2);
    const empty = await f.cli('history', 'payments-db', '--since', '1ms');
    expect(empty.stdout).toContain('nothing recorded in that period; try a longer --since');
  });

  it('rejects an unknown target or an unreadable --since with exit 2, saying what would work', async () => {
    const unknown = await f.cli('history', 'nope');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown target "nope"; configured: payments-db, stale-db, ledger-db, pg-db, ghost-db');
    const since = await f.cli('history', 'payments-db', '--since', 'last week');
    expect(since.code).toBe(2);
    expect(since.stderr).toContain('--since: "last week" is neither a duration (7d, 36h, PT12H) nor a past instant');
  });
});
