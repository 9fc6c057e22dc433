import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { type Clock, iso, systemClock } from '../core/clock.js';
import { formatDuration, parseDuration } from '../core/duration.js';
import { parseInstant } from '../core/time.js';
import { closeDatabase, openDatabase } from '../db/client.js';
import { type HistoryEvent, knownInDatabase, targetHistory } from '../db/target-history.js';
import { type Colour, colourEnabled, paint } from './colour.js';
import { pollIdArg, printPollPages } from './history-poll.js';
import { type CliIO, EXIT, type GlobalOptions, loadConfig, println } from './io.js';

type Run = (fn: () => Promise<number> | number) => Promise<void>;

/** More first sightings than this in one poll (the first poll of a long history) print as one line. */
const FIRST_SEEN_LINES = 5;

/** `history TARGET [--since 7d]`: the polls, backups and finding changes of one target, oldest first. */
export function historyCommand(program: Command, io: CliIO, run: Run, clock: Clock = systemClock): void {
  program
    .command('history <target>')
    .description(
      'what happened to one target: polls, backups seen or changed, restore drills, finding changes and notifications, in time order',
    )
    .option('--since <duration|instant>', 'how far back: a duration (7d, 36h) or an instant (2026-11-17, 2026-11-17T09:00Z)', '7d')
    .option('--json', 'print one JSON document: {target, since, events: [...]}')
    .option('--poll <id>', 'print the page bodies the provider answered at that poll (ids as history lists them) and verify them')
    .option('--raw', 'with --poll: print only the bodies, each exactly as received (for diff or a file)')
    .action((target: string, opts: { since: string; json?: boolean; poll?: string; raw?: boolean }) =>
      run(() => {
        const loaded = loadConfig(program.opts<GlobalOptions>(), io);
        const now = clock();
        const since = sinceArg(loaded.config.timezone, now).safeParse(opts.since);
        if (!since.success) {
          println(io.stderr, `--since: ${since.error.issues[0]?.message ?? 'invalid'}`);
          return EXIT.usage;
        }
        const pollId = opts.poll === undefined ? undefined : pollIdArg.safeParse(opts.poll);
        if (pollId && !pollId.success) {
          println(io.stderr, `--poll: ${pollId.error.issues[0]?.message ?? 'invalid'}`);
          return EXIT.usage;
        }
        if (opts.raw && !pollId) {
          println(io.stderr, '--raw: prints the bodies of one poll: give it with --poll ID');
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
          if (pollId) return printPollPages(io, db, target, pollId.data, { raw: opts.raw === true });
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
          `#${e.id} ok: ${e.pages} page${e.pages === 1 ? '' : 's'}, ${e.items} items${extra} ` +
            `(${e.durationMs < 1000 ? `${e.durationMs} ms` : formatDuration(e.durationMs)})` +
            (e.run ? `; the same ${e.run.polls} times until ${e.run.lastAt}, never more than ${formatDuration(e.run.maxGapMs)} apart` : ''),
        );
      else say(e.at, 'poll', `#${e.id} failed after ${e.pages} pages: ${e.error ?? ''}`, 'red');
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
    } else if (e.type === 'drill') {
      const detail = [
        e.durationMs !== null && `took ${formatDuration(e.durationMs)}`,
        e.backupId && `backup ${e.backupId}`,
        e.note && JSON.stringify(e.note),
      ].filter(Boolean);
      say(e.at, 'drill', `${e.id}: ${e.result}${detail.length ? `, ${detail.join(', ')}` : ''}`, e.result === 'ok' ? 'green' : 'red');
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
