import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { z } from 'zod';
import { rules } from '../../rules/registry.js';
import { configSnapshotHash } from '../config/snapshot.js';
import { type Clock, iso, systemClock } from '../core/clock.js';
import { parseDuration } from '../core/duration.js';
import { parseInstant } from '../core/time.js';
import { closeDatabase, type Db, openDatabase } from '../db/client.js';
import { chainConfig } from '../db/evidence.js';
import { addSilence, expireSilence, listSilences, type Silence, silenceMatchers } from '../db/silences.js';
import { type CliIO, EXIT, type GlobalOptions, loadConfig, println } from './io.js';

type Run = (fn: () => Promise<number> | number) => Promise<void>;

const label = z.string().regex(/^[^=\s]+=.*$/, 'must be key=value');

/** `silence add|list|expire`: maintenance windows; silenced findings are evaluated and recorded but not sent. */
export function silenceCommand(program: Command, io: CliIO, run: Run, clock: Clock = systemClock): void {
  const silence = program.command('silence').description('maintenance windows: hold back notifications for matching findings');
  const withDb = (fn: (db: Db, timeZone: string, known: { targets: Set<string> }) => number): Promise<void> =>
    run(() => {
      const loaded = loadConfig(program.opts<GlobalOptions>(), io);
      const db = openDatabase(loaded.databasePath);
      try {
        chainConfig(db, configSnapshotHash(loaded), clock());
        return fn(db, loaded.config.timezone, { targets: new Set(loaded.config.targets.map((t) => t.id)) });
      } finally {
        closeDatabase(db);
      }
    });

  silence
    .command('add')
    .description('add a silence; times without an offset are read in the config timezone')
    .option('--target <id>', 'only this target')
    .option('--rule <id>', 'only this rule')
    .option('--label <key=value...>', 'only targets with these labels')
    .option('--from <instant>', 'start (default: now)')
    .option('--until <instant>', 'end')
    .option('--for <duration>', 'end after this long from the start (2h, 90m, PT4H), instead of --until')
    .requiredOption('--reason <text>', 'why: shown in status and the audit trail')
    .option('--author <name>', 'who (default: the current user)')
    .action(
      (o: {
        target?: string;
        rule?: string;
        label?: string[];
        from?: string;
        until?: string;
        for?: string;
        reason: string;
        author?: string;
      }) =>
        withDb((db, tz, known) => {
          const now = clock();
          const problems: string[] = [];
          const labels: Record<string, string> = {};
          for (const l of o.label ?? []) {
            if (!label.safeParse(l).success) problems.push(`--label: "${l}" must be key=value`);
            else labels[l.slice(0, l.indexOf('='))] = l.slice(l.indexOf('=') + 1);
          }
          if (o.target !== undefined && !known.targets.has(o.target)) problems.push(`--target: unknown target "${o.target}"`);
          if (o.rule !== undefined && !rules.has(o.rule)) problems.push(`--rule: unknown rule "${o.rule}"; known: ${rules.ids.join(', ')}`);
          const startsAt = o.from === undefined ? now : parseInstant(o.from, tz);
          if (startsAt === null)
            problems.push(`--from: "${o.from}" is not an instant (e.g. 2026-11-24T22:00Z or "2026-11-24 22:00" in ${tz})`);
          let endsAt: number | null = null;
          if ((o.until === undefined) === (o.for === undefined)) problems.push('give exactly one of --until or --for');
          else if (o.until !== undefined) {
            endsAt = parseInstant(o.until, tz);
            if (endsAt === null) problems.push(`--until: "${o.until}" is not an instant`);
          } else {
            const d = parseDuration(o.for as string);
            if (d === null || d <= 0) problems.push(`--for: "${o.for}" is not a duration (e.g. 2h, 90m, PT4H)`);
            else if (startsAt !== null) endsAt = startsAt + d;
          }
          if (startsAt !== null && endsAt !== null && endsAt <= startsAt) problems.push('--until must be after --from');
          if (endsAt !== null && endsAt <= now) problems.push('the silence would already be over');
          if (o.reason.trim() === '') problems.push('--reason: must not be empty');
          const matchers = silenceMatchers.safeParse({ target: o.target, rule: o.rule, ...(Object.keys(labels).length > 0 && { labels }) });
          if (!matchers.success) problems.push(...matchers.error.issues.map((i) => i.message));
          if (problems.length > 0 || !matchers.success || startsAt === null || endsAt === null) {
            for (const p of problems) println(io.stderr, p);
            return EXIT.usage;
          }
          const s = addSilence(db, {
            matchers: matchers.data,
            startsAt,
            endsAt,
            reason: o.reason.trim(),
            author: o.author ?? safeUser(),
            now,
          });
          println(io.stdout, `silence ${s.id} added: ${describe(s)}`);
          return EXIT.compliant;
        }),
    );

  silence
    .command('list')
    .description('list silences that are active or scheduled (all with --all)')
    .option('--all', 'include expired silences')
    .option('--json', 'print JSON')
    .action((o: { all?: boolean; json?: boolean }) =>
      withDb((db) => {
        const list = listSilences(db, clock(), !o.all);
        if (o.json)
          println(
            io.stdout,
            JSON.stringify(
              list.map((s) => ({
                ...s,
                startsAt: iso(s.startsAt),
                endsAt: iso(s.endsAt),
                createdAt: iso(s.createdAt),
                expiredAt: s.expiredAt === null ? null : iso(s.expiredAt),
              })),
              null,
              2,
            ),
          );
        else if (list.length === 0)
          println(io.stdout, o.all ? 'no silences' : 'no active or scheduled silences (--all shows expired ones)');
        else for (const s of list) println(io.stdout, `${String(s.id).padStart(4)}  ${state(s, clock())}  ${describe(s)}`);
        return EXIT.compliant;
      }),
    );

  silence
    .command('expire <id>')
    .description('end a silence now')
    .action((id: string) =>
      withDb((db) => {
        const n = Number(id);
        if (!Number.isInteger(n) || n <= 0) {
          println(io.stderr, `expire: "${id}" is not a silence id`);
          return EXIT.usage;
        }
        if (!expireSilence(db, n, clock())) {
          println(io.stderr, `silence ${n} does not exist or is already over`);
          return EXIT.usage;
        }
        println(io.stdout, `silence ${n} expired`);
        return EXIT.compliant;
      }),
    );
}

function describe(s: Silence): string {
  const m = s.matchers;
  const what = [
    m.target && `target=${m.target}`,
    m.rule && `rule=${m.rule}`,
    ...Object.entries(m.labels ?? {}).map(([k, v]) => `${k}=${v}`),
  ]
    .filter(Boolean)
    .join(' ');
  return `${what} from ${iso(s.startsAt)} until ${iso(s.endsAt)} by ${s.author ?? 'unknown'}: ${s.reason}`;
}

const state = (s: Silence, now: number): string => (s.endsAt <= now ? 'expired  ' : s.startsAt > now ? 'scheduled' : 'active   ');

function safeUser(): string | null {
  try {
    return userInfo().username;
  } catch {
    return null;
  }
}
