import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { type LoadedConfig, secretRefs } from '../config/load.js';
import { configSnapshot } from '../config/snapshot.js';
import { type Clock, iso, systemClock } from '../core/clock.js';
import { readTarGz, writeTarGz } from '../core/tar.js';
import { parseInstant } from '../core/time.js';
import { closeDatabase, openDatabase, readTransaction } from '../db/client.js';
import { chainSegment, exportPageBodies, exportRows } from '../db/evidence-export.js';
import { sealOpenRuns } from '../db/poll-runs.js';
import { withAutoTargets } from '../discovery/auto-targets.js';
import { bundleFiles, secretsIn } from '../report/evidence-bundle.js';
import { type BundleVerdict, verifyBundle } from '../report/evidence-bundle-verify.js';
import { type CliIO, EXIT, type GlobalOptions, loadConfig, println } from './io.js';

type Run = (fn: () => Promise<number> | number) => Promise<void>;

/** `evidence export`'s options; instants without an offset are in the config's timezone. */
const exportOptions = (timeZone: string) =>
  z
    .object({
      from: z.string(),
      to: z.string(),
      target: z.array(z.string().min(1)).default([]),
      out: z.string().regex(/\.(tar\.gz|tgz)$/, 'must name a .tar.gz file'),
    })
    .transform((o, ctx) => {
      const instant = (option: 'from' | 'to', text: string): number => {
        const ms = parseInstant(text, timeZone);
        if (ms === null) {
          ctx.addIssue({ code: 'custom', path: [option], message: `"${text}" is not an instant: use 2026-11-17T09:00Z or 2026-11-17` });
        }
        return ms ?? 0;
      };
      const from = instant('from', o.from);
      const to = instant('to', o.to);
      if (to <= from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after --from' });
      return { ...o, from, to };
    });

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `evidence export --from I --to I [--target ID ...] --out FILE.tar.gz`: the evidence of a range as a bundle. */
export function exportCommand(evidence: Command, program: Command, io: CliIO, run: Run, clock: Clock = systemClock): void {
  evidence
    .command('export')
    .description('write the evidence of a period as a .tar.gz an auditor checks with sha256sum and openssl (see its README.txt)')
    .requiredOption('--from <instant>', 'period start (ISO-8601, or wall-clock time in the config timezone)')
    .requiredOption('--to <instant>', 'period end, exclusive')
    .option('--target <id>', 'only this target (repeatable; default: every target)', collect)
    .requiredOption('--out <file>', 'the bundle to write, FILE.tar.gz')
    .action((opts: unknown) =>
      run(async () => {
        const loaded = loadConfig(program.opts<GlobalOptions>(), io, { checkSecrets: false });
        const o = exportOptions(loaded.config.timezone).safeParse(opts);
        if (!o.success) {
          for (const i of o.error.issues) println(io.stderr, `evidence export: --${String(i.path[0])}: ${i.message}`);
          return EXIT.usage;
        }
        if (!existsSync(loaded.databasePath)) {
          println(io.stderr, `evidence export: no database at ${loaded.databasePath}`);
          return EXIT.runtime;
        }
        const now = clock();
        const db = openDatabase(loaded.databasePath, { migrate: false });
        let files: ReturnType<typeof bundleFiles>;
        try {
          const known = new Set(withAutoTargets(loaded, db, now).config.targets.map((t) => t.id));
          const unknown = o.data.target.find((t) => !known.has(t));
          if (unknown !== undefined) {
            println(io.stderr, `evidence export: --target: unknown target "${unknown}"; configured: ${[...known].join(', ')}`);
            return EXIT.usage;
          }
          const range = { from: o.data.from, to: o.data.to, targets: o.data.target };
          sealOpenRuns(db); // the bundle's chain segment then covers every poll in it
          const signingKey = loaded.config.evidence?.signingKey;
          const read = readTransaction(db, () => {
            const rows = exportRows(db, range);
            const pages = exportPageBodies(db, rows['poll-pages.jsonl'] ?? []);
            const files = bundleFiles({
              range,
              exportedAt: now,
              rows,
              pages: pages.bodies,
              segment: chainSegment(db, range.from, range.to),
              configSnapshot: configSnapshot(loaded),
              ...(signingKey !== undefined && { signingKey: loaded.secret(signingKey, 'evidence.signingKey') }),
            });
            return { files, problems: pages.problems };
          });
          if (read.problems.length > 0) {
            // A bundle missing a page the provider answered would not be the evidence it claims to be.
            println(io.stderr, `evidence export: refused: ${read.problems.join('; ')}; \`evidence verify\` names what changed`);
            return EXIT.runtime;
          }
          files = read.files;
        } finally {
          closeDatabase(db);
        }
        const leaks = secretsIn(files, resolvedSecrets(loaded));
        if (leaks.length > 0) {
          println(io.stderr, `evidence export: refused: a secret's value is in the evidence (${leaks.join(', ')}); nothing written`);
          return EXIT.runtime;
        }
        await writeTarGz(o.data.out, files, now);
        println(io.stdout, `evidence export: wrote ${o.data.out} (${files.length} files, ${iso(o.data.from)} to ${iso(o.data.to)})`);
        return EXIT.compliant;
      }),
    );
}

/** The values of the config's secrets that can be read here: one that cannot is not looked for. */
function resolvedSecrets(loaded: LoadedConfig): { where: string; value: string }[] {
  return secretRefs(loaded.config).flatMap((u) => {
    try {
      return [{ where: u.where, value: loaded.secret(u.ref, u.where) }];
    } catch {
      return [];
    }
  });
}

/** `evidence verify --bundle FILE`: checks an exported bundle offline. */
export async function verifyBundleFile(io: CliIO, path: string, opts: { head?: string; json?: boolean }): Promise<number> {
  if (!existsSync(path)) {
    println(io.stderr, `evidence verify: --bundle: no file at ${path}`);
    return EXIT.usage;
  }
  let verdict: BundleVerdict;
  try {
    verdict = verifyBundle(await readTarGz(path), opts.head === undefined ? {} : { head: opts.head });
  } catch {
    println(io.stderr, `evidence verify: --bundle: ${path} is not a .tar.gz evidence bundle`);
    return EXIT.usage;
  }
  if (opts.json) println(io.stdout, JSON.stringify(verdict, null, 2));
  else {
    const head = verdict.head ? `head ${verdict.head.seq} ${verdict.head.hash}` : 'no links';
    const signed = verdict.signed ? 'signature valid, ' : 'not signed, ';
    if (verdict.ok) println(io.stdout, `evidence bundle intact: manifest checked, ${signed}${verdict.links} links recomputed; ${head}`);
    else {
      println(io.stdout, `evidence bundle BROKEN: ${verdict.problems[0]}`);
      for (const p of verdict.problems.slice(1)) println(io.stdout, `  also: ${p}`);
    }
  }
  return verdict.ok ? EXIT.compliant : EXIT.alarm;
}
