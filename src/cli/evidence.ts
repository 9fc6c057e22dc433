import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { iso } from '../core/clock.js';
import { publicKeyPem } from '../core/signature.js';
import { closeDatabase, openDatabase } from '../db/client.js';
import { type EvidenceVerdict, verifyEvidence } from '../db/evidence-verify.js';
import { exportCommand, verifyBundleFile } from './evidence-export.js';
import { type CliIO, EXIT, type GlobalOptions, loadConfig, println } from './io.js';

type Run = (fn: () => Promise<number> | number) => Promise<void>;

const verifyOptions = z.object({
  head: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'must be the 64 hex digits of a chain hash, as a report prints it')
    .optional(),
  json: z.boolean().optional(),
  bundle: z.string().min(1, 'must name a bundle file').optional(),
});

/**
 * `evidence verify [--head HASH] [--bundle FILE] [--json]`, `evidence export` (src/cli/evidence-export.ts) and
 * `evidence public-key`: proving the stored evidence was not changed, and handing it to an auditor.
 */
export function evidenceCommand(program: Command, io: CliIO, run: Run): void {
  const evidence = program
    .command('evidence')
    .description('prove the evidence: verify its hash chain, export it for an auditor, print the report signing key');
  evidence
    .command('verify')
    .description('recompute the evidence chain from the records and name the first broken link (exit 0 intact, 1 broken)')
    .option('--head <hash>', 'a chain head published earlier (printed in every report): the chain must still hold it')
    .option('--bundle <file>', 'check an exported bundle (evidence export) offline instead of the database')
    .option('--json', 'print the verdict as JSON')
    .action((opts: unknown) =>
      run(() => {
        const o = verifyOptions.safeParse(opts);
        if (!o.success) {
          for (const i of o.error.issues) println(io.stderr, `evidence verify: --${String(i.path[0])}: ${i.message}`);
          return EXIT.usage;
        }
        if (o.data.bundle !== undefined) return verifyBundleFile(io, o.data.bundle, o.data);
        const loaded = loadConfig(program.opts<GlobalOptions>(), io, { checkSecrets: false });
        if (!existsSync(loaded.databasePath)) {
          println(io.stderr, `evidence verify: no database at ${loaded.databasePath}`);
          return EXIT.runtime;
        }
        const db = openDatabase(loaded.databasePath, { migrate: false });
        let verdict: EvidenceVerdict;
        try {
          verdict = verifyEvidence(db, o.data.head === undefined ? {} : { head: o.data.head });
        } finally {
          closeDatabase(db);
        }
        if (o.data.json) println(io.stdout, JSON.stringify(verdictJson(verdict), null, 2));
        else printVerdict(io, verdict);
        return verdict.ok ? EXIT.compliant : EXIT.alarm;
      }),
    );
  exportCommand(evidence, program, io, run);
  evidence
    .command('public-key')
    .description('print the PEM public key of evidence.signingKey, which checks the signatures of signed reports')
    .action(() =>
      run(() => {
        const loaded = loadConfig(program.opts<GlobalOptions>(), io, { checkSecrets: false });
        const ref = loaded.config.evidence?.signingKey;
        if (ref === undefined) {
          println(
            io.stderr,
            'evidence public-key: the config has no evidence.signingKey (e.g. `evidence: { signingKey: { file: signing.pem } }`)',
          );
          return EXIT.usage;
        }
        io.stdout.write(publicKeyPem(loaded.secret(ref, 'evidence.signingKey'), 'evidence.signingKey'));
        return EXIT.compliant;
      }),
    );
}

const verdictJson = (v: EvidenceVerdict) => ({
  ok: v.ok,
  head: v.head,
  links: v.links,
  genesisAt: v.genesisAt === null ? null : iso(v.genesisAt),
  problems: v.problems,
  openRuns: v.openRuns,
});

function printVerdict(io: CliIO, v: EvidenceVerdict): void {
  const since = v.genesisAt === null ? '' : ` since ${iso(v.genesisAt)} (rows written before then predate the chain)`;
  const head = v.head ? `head ${v.head.seq} ${v.head.hash}` : 'no links yet';
  const [first, ...rest] = v.problems;
  if (!first) {
    const open =
      v.openRuns === 0 ? '' : `; ${v.openRuns} open runs of identical polls are chained when sealed (before a report at the latest)`;
    println(io.stdout, `evidence chain intact: ${v.links} links${since}; ${head}${open}`);
    return;
  }
  println(io.stdout, `evidence chain BROKEN: ${first.break}: ${first.message}`);
  for (const p of rest) println(io.stdout, `  also ${p.break}: ${p.message}`);
  println(io.stdout, `(${v.links} links checked${since}; ${head})`);
}
