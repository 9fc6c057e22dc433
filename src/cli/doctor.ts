import type { Command } from 'commander';
import { z } from 'zod';
import type { LoadedConfig } from '../config/load.js';
import type { AccountConfig } from '../config/schema.js';
import { type Clock, systemClock } from '../core/clock.js';
import { parseDuration } from '../core/duration.js';
import { ConfigError, errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { Registry } from '../core/registry.js';
import { backupSources } from '../providers/registry.js';
import type { BackupSource } from '../providers/types.js';
import { accountEndpoints, accountSecrets, checkEndpoint, type EndpointCheck, probeTarget, type TargetProbe } from './doctor-checks.js';
import { endpointLine, hintFor, type TargetRow, targetTable } from './doctor-view.js';
import { type CliIO, EXIT, type GlobalOptions, loadConfig, println } from './io.js';
import { logger } from './logger.js';
import { colourEnabled, type ProgressReporter, paint, progressFor } from './progress.js';

type Run = (fn: () => Promise<number> | number) => Promise<void>;

const doctorArgs = z.object({
  target: z.array(z.string()),
  timeout: z.string().transform((s, ctx) => {
    const ms = parseDuration(s);
    if (ms === null || ms <= 0 || ms > 300_000) ctx.addIssue({ code: 'custom', message: `"${s}" is not a duration up to 5m (e.g. 10s)` });
    return ms ?? 0;
  }),
});

/** Everything doctor found; `--json` prints it as is. */
export interface DoctorReport {
  readonly ok: boolean;
  readonly accounts: {
    account: string;
    cloud: string;
    secrets: { ok: boolean; problems: string[] };
    endpoints: (EndpointCheck & { line: string })[];
  }[];
  readonly targets: ({ account: string; target: string; hint?: string } & (TargetProbe | { skipped: string }))[];
  readonly channels: { channel: string; type: string; ok: boolean; problems: string[] }[];
}

/** What doctor talks to the world through; tests replace fetch (e.g. to skew the server's clock). */
export interface DoctorDeps {
  readonly fetch: typeof fetch;
  readonly clock: Clock;
  readonly log: Logger;
  readonly sources: Registry<BackupSource>;
  readonly progress: ProgressReporter;
}

/** `doctor`: is every account reachable and accepted, and is every target there? Exit 1 when anything is not. */
export function doctorCommand(program: Command, io: CliIO, run: Run): void {
  program
    .command('doctor')
    .description('check secrets, endpoints (DNS, TCP, TLS) and one signed call per target; exit 1 if anything fails')
    .option('--target <ids...>', 'only these targets (and their accounts)')
    .option('--timeout <duration>', 'per network step and per call', '10s')
    .option('--json', 'print one JSON document instead of tables')
    .action((opts: { target?: string[]; timeout: string; json?: boolean }) =>
      run(async () => {
        const args = doctorArgs.safeParse({
          target: (opts.target ?? []).flatMap((t) => t.split(',')).filter(Boolean),
          timeout: opts.timeout,
        });
        if (!args.success) {
          for (const i of args.error.issues) println(io.stderr, `--${String(i.path[0])}: ${i.message}`);
          return EXIT.usage;
        }
        // Secrets are checked per account below, so a missing one is a finding of doctor, not a refusal to start.
        const loaded = loadConfig(program.opts<GlobalOptions>(), io, { checkSecrets: false });
        const unknown = args.data.target.filter((id) => !loaded.config.targets.some((t) => t.id === id));
        if (unknown.length > 0) {
          println(
            io.stderr,
            `--target: unknown target ${unknown.map((u) => `"${u}"`).join(', ')}; ` +
              `configured: ${loaded.config.targets.map((t) => t.id).join(', ')}`,
          );
          return EXIT.usage;
        }
        const targets = args.data.target.length > 0 ? args.data.target : loaded.config.targets.map((t) => t.id);
        const progress = progressFor(io, { verb: 'checking', noun: 'targets', total: targets.length, json: opts.json === true });
        const report = await runDoctor(
          loaded,
          {
            fetch: globalThis.fetch,
            clock: systemClock,
            log: logger(io),
            sources: backupSources,
            progress,
          },
          { targets, timeoutMs: args.data.timeout },
        );
        progress.done();
        if (opts.json) println(io.stdout, JSON.stringify(report, null, 2));
        else printReport(io, report);
        return report.ok ? EXIT.compliant : EXIT.alarm;
      }),
    );
}

/** Runs every check: accounts (secrets, endpoints) first, then one probe per target of a healthy account, four at a time. */
export async function runDoctor(
  loaded: LoadedConfig,
  deps: DoctorDeps,
  opts: { targets: readonly string[]; timeoutMs: number },
): Promise<DoctorReport> {
  const { config } = loaded;
  const wanted = config.targets.filter((t) => opts.targets.includes(t.id));
  const accountNames = [...new Set(wanted.map((t) => t.account))];
  const accounts = await Promise.all(
    accountNames.map(async (name) => {
      const a = config.accounts[name] as AccountConfig;
      const problems: string[] = [];
      for (const s of accountSecrets(name, a)) {
        try {
          loaded.secret(s.ref, s.where);
        } catch (err) {
          problems.push(err instanceof ConfigError ? err.problems.join('; ') : errorMessage(err));
        }
      }
      const endpoints = await Promise.all(
        accountEndpoints(a).map(async (url) => {
          const e = await checkEndpoint(url, opts.timeoutMs);
          return { ...e, line: endpointLine(e) };
        }),
      );
      return { account: name, cloud: a.cloud, secrets: { ok: problems.length === 0, problems }, endpoints };
    }),
  );
  const byName = new Map(accounts.map((a) => [a.account, a]));
  const rows: DoctorReport['targets'] = new Array(wanted.length);
  let next = 0;
  const worker = async () => {
    while (next < wanted.length) {
      const i = next++;
      const t = wanted[i] as (typeof wanted)[number];
      const acc = byName.get(t.account);
      deps.progress.started(`account ${t.account} · ${t.id}`);
      let row: DoctorReport['targets'][number];
      if (acc && !acc.secrets.ok) row = { account: t.account, target: t.id, skipped: 'a secret of the account is missing' };
      else if (acc && !acc.endpoints.every((e) => e.ok)) row = { account: t.account, target: t.id, skipped: 'the endpoint is unreachable' };
      else {
        const probe = await probeTarget(
          { loaded, sources: deps.sources, fetch: deps.fetch, clock: deps.clock, log: deps.log, timeoutMs: opts.timeoutMs },
          t,
        );
        const hint = hintFor(probe, {
          account: t.account,
          cloud: (config.accounts[t.account] as AccountConfig).cloud,
          timeoutMs: opts.timeoutMs,
        });
        row = { account: t.account, target: t.id, ...probe, ...(hint && { hint }) };
      }
      rows[i] = row;
      deps.progress.finished('skipped' in row || row.error !== undefined);
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, wanted.length) }, worker));
  const channels = Object.entries(config.channels).map(([name, c]) => {
    const refs = c.type === 'email' ? [c.smtp] : c.type === 'slack' ? [c.webhook] : c.secret ? [c.secret] : [];
    const problems: string[] = [];
    for (const ref of refs) {
      try {
        loaded.secret(ref, `channels.${name}.${c.type === 'email' ? 'smtp' : c.type === 'slack' ? 'webhook' : 'secret'}`);
      } catch (err) {
        problems.push(err instanceof ConfigError ? err.problems.join('; ') : errorMessage(err));
      }
    }
    return { channel: name, type: c.type, ok: problems.length === 0, problems };
  });
  const ok =
    accounts.every((a) => a.secrets.ok && a.endpoints.every((e) => e.ok)) &&
    rows.every((r) => !('skipped' in r) && r.error === undefined) &&
    channels.every((c) => c.ok);
  return { ok, accounts, targets: rows, channels };
}

function printReport(io: CliIO, r: DoctorReport): void {
  const colour = colourEnabled(io.stdout, io.env);
  const say = (s = '') => println(io.stdout, s);
  const mark = (ok: boolean) => (ok ? paint(colour, 'green', 'ok') : paint(colour, 'red', 'FAILED'));
  say(colour ? paint(true, 'bold', 'accounts') : 'accounts');
  for (const a of r.accounts) {
    say(`  ${a.account} (${a.cloud})`);
    say(`    secrets   ${a.secrets.ok ? mark(true) : `${mark(false)}: ${a.secrets.problems.join('; ')}`}`);
    for (const e of a.endpoints) {
      say(`    endpoint  ${e.url}  ${e.line}  ${mark(e.ok)}`);
      if (!e.ok && e.hint) say(`              hint: ${e.hint}`);
    }
  }
  say();
  say(
    colour
      ? paint(true, 'bold', 'targets (one signed call each: the first page of the backup listing)')
      : 'targets (one signed call each: the first page of the backup listing)',
  );
  for (const l of targetTable(
    r.targets.map((t) => ({ account: t.account, target: t.target, probe: t, ...(t.hint && { hint: t.hint }) })) as TargetRow[],
    colour,
  ))
    say(`  ${l}`);
  if (r.channels.length > 0) {
    say();
    say(
      colour
        ? paint(true, 'bold', 'channels (secrets only; `backup-auditor notify test NAME` sends a real test message)')
        : 'channels (secrets only; `backup-auditor notify test NAME` sends a real test message)',
    );
    for (const c of r.channels) say(`  ${c.channel} (${c.type})  ${c.ok ? mark(true) : `${mark(false)}: ${c.problems.join('; ')}`}`);
  }
  say();
  const failedTargets = r.targets.filter((t) => 'skipped' in t || t.error !== undefined).length;
  say(
    r.ok
      ? paint(colour, 'green', `all checks passed: ${r.targets.length} targets answered`)
      : paint(
          colour,
          'red',
          `${failedTargets} of ${r.targets.length} targets failed or were not tried; ` +
            'fix the problems above and run `backup-auditor doctor` again',
        ),
  );
}
