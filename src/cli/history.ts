import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { type Clock, iso, systemClock } from '../core/clock.js';
import { formatDuration, parseDuration } from '../core/duration.js';
import { parseInstant } from '../core/time.js';
import { closeDatabase, type Db, openDatabase } from '../db/client.js';
import { type CliIO, EXIT, type GlobalOptions, loadConfig, println } from './io.js';
import { type Colour, colourEnabled, paint } from './progress.js';

type Run = (fn: () => Promise<number> | number) => Promise<void>;

/** One thing that happened to a target; `history --json` prints these in time order. */
export type HistoryEvent =
  | {
      at: string;
      type: 'poll';
      outcome: 'ok' | 'error';
      pages: number;
      items: number;
      problemItems: number;
      durationMs: number;
      error: string | null;
    }
  | {
      at: string;
      type: 'backup';
      backupId: string;
      kind: string;
      from: string | null;
      to: string;
      rawStatus: string;
      endedAt: string | null;
      sizeBytes: number | null;
    }
  | { at: string; type: 'finding'; rule: string; from: string | null; to: string; reason: string }
  | { at: string; type: 'notification'; rule: string | null; channel: string; kind: string; status: string; error: string | null };

const TYPE_ORDER: Record<HistoryEvent['type'], number> = { poll: 0, backup: 1, finding: 2, notification: 3 };
/** More first sightings than this in one poll (the first poll of a long history) print as one line. */
const FIRST_SEEN_LINES = 5;

/** `history TARGET [--since 7d]`: the polls, backups and finding changes of one target, oldest first. */
export function historyCommand(program: Command, io: CliIO, run: Run, clock: Clock = systemClock): void {
  program
    .command('history <target>')
    .description('what happened to one target: polls, backups seen or changed, finding changes and notifications, in time order')
    .option('--since <duration|instant>', 'how far back: a duration (7d, 36h) or an instant (2026-11-17, 2026-11-17T09:00Z)', '7d')
    .option('--json', 'print one JSON document: {target, since, events: [...]}')
    .action((target: string, opts: { since: string; json?: boolean }) =>
      run(() => {
        const loaded = loadConfig(program.opts<GlobalOptions>(), io);
        const now = clock();
        const since = sinceArg(loaded.config.timezone, now).safeParse(opts.since);
        if (!since.success) {
          println(io.stderr, `--since: ${since.error.issues[0]?.message ?? 'invalid'}`);
          return EXIT.usage;
        }
        const configured = loaded.config.targets.map((t) => t.id);
        if (!existsSync(loaded.databasePath)) {
          println(io.stderr, `no database yet at ${loaded.databasePath}: run \`backup-auditor run-once\` first`);
          return configured.includes(target) ? EXIT.compliant : EXIT.usage;
        }
        const db = openDatabase(loaded.databasePath, { migrate: false });
        try {
          if (!configured.includes(target) && !knownInDatabase(db, target)) {
            println(
              io.stderr,
              `unknown target "${target}"; configured: ${configured.join(', ')} (\`backup-auditor status\` lists the findings)`,
            );
            return EXIT.usage;
          }
          const events = targetHistory(db, target, since.data);
          if (opts.json) println(io.stdout, JSON.stringify({ target, since: iso(since.data), events }, null, 2));
          else printHistory(io, target, since.data, events);
          return EXIT.compliant;
        } finally {
          closeDatabase(db);
        }
      }),
    );
}

/** `--since`: a duration back from now, or an instant in the config's time zone. */
const sinceArg = (timeZone: string, now: number) =>
  z.string().transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms !== null && ms > 0) return now - ms;
    const at = parseInstant(text, timeZone);
    if (at !== null && at <= now) return at;
    ctx.addIssue({
      code: 'custom',
      message: `"${text}" is neither a duration (7d, 36h, PT12H) nor a past instant (2026-11-17, 2026-11-17T09:00Z)`,
    });
    return z.NEVER;
  });

function knownInDatabase(db: Db, target: string): boolean {
  return (
    db.$client
      .prepare(`SELECT 1 FROM poll_runs WHERE target_id = ? UNION ALL SELECT 1 FROM findings WHERE target_id = ? LIMIT 1`)
      .get(target, target) !== undefined
  );
}

/** Everything recorded about a target from `since` on, oldest first; within one instant: poll, backups, findings, notifications. */
export function targetHistory(db: Db, target: string, since: number): HistoryEvent[] {
  const c = db.$client;
  const rows: { t: number; id: number; e: HistoryEvent }[] = [];
  type Poll = {
    id: number;
    started_at: number;
    finished_at: number;
    outcome: 'ok' | 'error';
    pages: number;
    items: number;
    problem_items: number;
    error_kind: string | null;
    error_message: string | null;
  };
  for (const p of c
    .prepare(`SELECT * FROM poll_runs WHERE target_id = ? AND finished_at >= ? ORDER BY finished_at, id`)
    .all(target, since) as Poll[]) {
    const error = p.outcome === 'error' ? `${p.error_kind ?? 'error'}: ${p.error_message ?? ''}` : null;
    rows.push({
      t: p.finished_at,
      id: p.id,
      e: {
        at: iso(p.finished_at),
        type: 'poll',
        outcome: p.outcome,
        pages: p.pages,
        items: p.items,
        problemItems: p.problem_items,
        durationMs: p.finished_at - p.started_at,
        error,
      },
    });
  }
  type BackupEvent = {
    id: number;
    at: number;
    backup_id: string;
    from_status: string | null;
    to_status: string;
    raw_status: string;
    kind: string | null;
    ended_at: number | null;
    size_bytes: number | null;
  };
  const backups = c
    .prepare(`SELECT e.id, e.at, e.backup_id, e.from_status, e.to_status, e.raw_status, b.kind, b.ended_at, b.size_bytes
              FROM backup_events e LEFT JOIN backups b ON b.target_id = e.target_id AND b.backup_id = e.backup_id
              WHERE e.target_id = ? AND e.at >= ? ORDER BY e.at, e.id`)
    .all(target, since) as BackupEvent[];
  for (const b of backups) {
    rows.push({
      t: b.at,
      id: b.id,
      e: {
        at: iso(b.at),
        type: 'backup',
        backupId: b.backup_id,
        kind: b.kind ?? 'unknown',
        from: b.from_status,
        to: b.to_status,
        rawStatus: b.raw_status,
        endedAt: b.ended_at === null ? null : iso(b.ended_at),
        sizeBytes: b.size_bytes,
      },
    });
  }
  type FindingEvent = { id: number; at: number; rule_id: string; from_state: string | null; to_state: string; reason: string };
  for (const f of c
    .prepare(`SELECT * FROM finding_events WHERE target_id = ? AND at >= ? ORDER BY at, id`)
    .all(target, since) as FindingEvent[]) {
    rows.push({
      t: f.at,
      id: f.id,
      e: { at: iso(f.at), type: 'finding', rule: f.rule_id, from: f.from_state, to: f.to_state, reason: f.reason },
    });
  }
  type Notification = {
    id: number;
    created_at: number;
    rule_id: string | null;
    channel: string;
    kind: string;
    status: string;
    last_error: string | null;
  };
  for (const n of c
    .prepare(`SELECT * FROM notifications WHERE target_id = ? AND created_at >= ? ORDER BY created_at, id`)
    .all(target, since) as Notification[]) {
    rows.push({
      t: n.created_at,
      id: n.id,
      e: {
        at: iso(n.created_at),
        type: 'notification',
        rule: n.rule_id,
        channel: n.channel,
        kind: n.kind,
        status: n.status,
        error: n.last_error,
      },
    });
  }
  return rows.sort((a, b) => a.t - b.t || TYPE_ORDER[a.e.type] - TYPE_ORDER[b.e.type] || a.id - b.id).map((r) => r.e);
}

function printHistory(io: CliIO, target: string, since: number, events: readonly HistoryEvent[]): void {
  const colour = colourEnabled(io.stdout, io.env);
  const say = (at: string, what: string, text: string, c?: Colour) =>
    println(
      io.stdout,
      `${at}  ${what.padEnd(8)} ${c ? paint(colour, c, text) : text}`.replace(/[\u0000-\u0008\u000b-\u001a\u007f-\u009f]/g, ' '),
    );
  println(io.stdout, `history of ${target} since ${iso(since)}`);
  if (events.length === 0) {
    println(io.stdout, 'nothing recorded in that period; try a longer --since, or run `backup-auditor run-once`');
    return;
  }
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as HistoryEvent;
    if (e.type === 'poll') {
      const extra = e.problemItems > 0 ? `, ${e.problemItems} with unreadable fields` : '';
      if (e.outcome === 'ok')
        say(
          e.at,
          'poll',
          `ok: ${e.pages} page${e.pages === 1 ? '' : 's'}, ${e.items} items${extra} (${e.durationMs < 1000 ? `${e.durationMs} ms` : formatDuration(e.durationMs)})`,
        );
      else say(e.at, 'poll', `failed after ${e.pages} pages: ${e.error ?? ''}`, 'red');
    } else if (e.type === 'backup') {
      let end = i;
      while (end < events.length && isFirstSeen(events[end] as HistoryEvent, e.at)) end++;
      if (end - i > FIRST_SEEN_LINES) {
        const counts = new Map<string, number>();
        for (const x of events.slice(i, end)) if (x.type === 'backup') counts.set(x.to, (counts.get(x.to) ?? 0) + 1);
        say(e.at, 'backups', `${end - i} first seen: ${[...counts].map(([s, n]) => `${n} ${s}`).join(', ')} (--json lists each)`);
        i = end - 1;
        continue;
      }
      const what = e.from === null ? `first seen ${e.to}` : `${e.from} → ${e.to}`;
      const detail = [e.kind, e.endedAt && `ended ${e.endedAt}`, e.sizeBytes !== null && size(e.sizeBytes)].filter(Boolean).join(', ');
      say(
        e.at,
        'backup',
        `${e.backupId}: ${what} (${e.rawStatus}; ${detail})`,
        e.to === 'failed' ? 'red' : e.to === 'unknown' ? 'yellow' : undefined,
      );
    } else if (e.type === 'finding') {
      say(
        e.at,
        'finding',
        `${e.rule}: ${e.from ?? 'new'} → ${e.to}: ${e.reason}`,
        e.to === 'alarm' ? 'red' : e.to === 'ok' ? 'green' : e.to === 'error' ? 'yellow' : undefined,
      );
    } else {
      say(
        e.at,
        'notify',
        `${e.kind}${e.rule ? ` (${e.rule})` : ''} to ${e.channel}: ${e.status}${e.error ? ` (${e.error})` : ''}`,
        e.status === 'failed' ? 'red' : undefined,
      );
    }
  }
}

const isFirstSeen = (e: HistoryEvent, at: string): boolean => e.type === 'backup' && e.at === at && e.from === null;

function size(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(u === 0 ? 0 : 1)} ${units[u]}`;
}
