import type { Command } from 'commander';
import { type CycleSummary, type PollObserver, runCycle } from '../../jobs/cycle.js';
import { createDeps, createWorkerServices } from '../../jobs/deps.js';
import { configSnapshotHash } from '../config/snapshot.js';
import { errorMessage } from '../core/errors.js';
import type { Registry } from '../core/registry.js';
import { closeDatabase, type Db, openDatabase } from '../db/client.js';
import { chainConfig } from '../db/evidence.js';
import { StoreWriteError, storeWriteProblem } from '../db/store-errors.js';
import { sendStoreNotice } from '../notify/emergency.js';
import { notifiers } from '../notify/registry.js';
import type { SendDeps } from '../notify/send.js';
import type { Notifier } from '../notify/types.js';
import { recordingNotifiers, type WouldSend, withDatabaseCopy, wouldSendText } from './dry-run.js';
import { type CliIO, EXIT, findingsExit, type GlobalOptions, loadConfig, println } from './io.js';
import { logger } from './logger.js';
import { type ProgressReporter, progressFor } from './progress.js';
import { printStatus } from './status.js';
import { statusEntries } from './status-view.js';

/** `run-once`: poll every target, evaluate, deliver, print status, exit 0/1/4. `--dry-run` does it all on a copy and sends nothing. */
export function runOnceCommand(program: Command, io: CliIO, run: (fn: () => Promise<number> | number) => Promise<void>): void {
  program
    .command('run-once')
    .description('poll all targets, evaluate rules, deliver notifications, then exit (0 compliant, 1 alarm, 4 something not judged)')
    .option('--target <id...>', 'only these targets')
    .option('--json', 'print the findings as one JSON array instead of a table')
    .option(
      '--dry-run',
      'poll and evaluate against a copy of the database and print the notifications that would be sent; sends and writes nothing',
    )
    .action((opts: { target?: string[]; json?: boolean; dryRun?: boolean }) =>
      run(async () => {
        // The config is checked before the database is touched: an invalid config writes nothing.
        const loaded = loadConfig(program.opts<GlobalOptions>(), io);
        const unknown = (opts.target ?? []).filter((id) => !loaded.config.targets.some((t) => t.id === id));
        if (unknown.length > 0) {
          println(
            io.stderr,
            `--target: unknown target ${unknown.map((u) => `"${u}"`).join(', ')}; ` +
              `configured: ${loaded.config.targets.map((t) => t.id).join(', ')}`,
          );
          return EXIT.usage;
        }
        const total = opts.target?.length ?? loaded.config.targets.length;
        const progress = progressFor(io, { verb: 'polling', noun: 'targets', total, json: opts.json === true });
        const cycle = async (db: Db, notify?: Registry<Notifier>) => {
          const deps = createDeps({ db, loaded, log: logger(io), ...(notify && { notifiers: notify }) });
          chainConfig(db, configSnapshotHash(loaded), deps.clock());
          try {
            return await runCycle(deps, {
              ...(opts.target && { targetIds: opts.target }),
              observer: pollProgress(progress),
              // A dry run tells nobody anything, the heartbeat monitor included.
              heartbeat: !opts.dryRun,
            });
          } finally {
            progress.done();
          }
        };
        if (opts.dryRun) {
          return withDatabaseCopy(loaded.databasePath, async (copy) => {
            const sent: WouldSend[] = [];
            const summary = await cycle(copy, recordingNotifiers(notifiers, sent));
            if (opts.json) {
              const findings = statusEntries(copy);
              println(
                io.stdout,
                JSON.stringify(
                  {
                    dryRun: true,
                    findings,
                    notifications: sent.map((m) => ({ channel: m.channel, type: m.type, subject: m.subject, items: m.digest.items })),
                  },
                  null,
                  2,
                ),
              );
              return findingsExit(findings);
            }
            println(io.stderr, cycleLine(summary, true));
            println(io.stdout, wouldSendText(sent));
            println(io.stdout);
            const code = printStatus(copy, io, false, undefined, { config: loaded.config });
            println(io.stdout, `(dry run: the findings above were evaluated on a copy; ${loaded.databasePath} is unchanged)`);
            return code;
          });
        }
        let db: Db;
        try {
          db = openDatabase(loaded.databasePath);
        } catch (err) {
          const problem = storeWriteProblem(err);
          if (problem === undefined) throw err;
          const refused = new StoreWriteError(problem, `${errorMessage(err)}; nothing was polled`, []);
          return tellStoreFailure(refused, createWorkerServices({ loaded, log: logger(io) }), io);
        }
        try {
          const summary = await cycle(db);
          if (!opts.json) println(io.stderr, cycleLine(summary));
          return printStatus(db, io, opts.json === true, undefined, { config: loaded.config });
        } catch (err) {
          if (err instanceof StoreWriteError) return tellStoreFailure(err, createDeps({ db, loaded, log: logger(io) }), io);
          throw err;
        } finally {
          closeDatabase(db);
        }
      }),
    );
}

/**
 * The database refused this run's results: tell the channels directly (the outbox is in the same
 * database) what the run saw and could not keep, then fail with exit 3.
 */
async function tellStoreFailure(err: StoreWriteError, deps: SendDeps, io: CliIO): Promise<number> {
  const sent = await sendStoreNotice(deps, {
    state: 'alarm',
    cause: `${err.problem}: ${err.message}`,
    since: deps.clock(),
    unrecorded: err.unrecorded,
  });
  println(io.stderr, `error: ${err.message}`);
  for (const line of err.unrecorded) println(io.stderr, `  not recorded: ${line}`);
  const told = sent.filter((s) => s.outcome.ok).map((s) => s.channel);
  println(io.stderr, told.length > 0 ? `told ${told.join(', ')} directly` : 'no channel could be told');
  return EXIT.runtime;
}

/** Progress: which account is being polled and how many polls failed so far. */
const pollProgress = (progress: ProgressReporter): PollObserver => ({
  pollStarted: (t) => progress.started(`account ${t.account} · ${t.id}`),
  polled: (s) => progress.finished(!s.ok),
});

/** One line about a cycle (polls, changes, delivery), then one per failed poll; for stderr. */
export function cycleLine(s: CycleSummary, dryRun = false): string {
  const failed = s.polls.filter((p) => !p.ok);
  const d = s.delivery;
  const parts = [
    `polled ${s.polls.length} targets (${failed.length} failed)`,
    `${s.evaluation.changes} finding changes`,
    dryRun
      ? `${d.messages} messages would be sent`
      : `${d.messages} messages: ${d.sent} items sent, ${d.retry} to retry, ${d.failed} failed`,
  ];
  const lines = [parts.join('; ')];
  for (const p of failed) lines.push(`  poll ${p.targetId} failed: ${p.error ?? 'unknown error'}`);
  if (s.discovery.length > 0) {
    const failedDiscovery = s.discovery.filter((d) => !d.ok);
    const instances = s.discovery.reduce((n, d) => n + d.instances, 0);
    lines.unshift(`discovered ${instances} instances in ${s.discovery.length} account services (${failedDiscovery.length} failed)`);
    for (const d of failedDiscovery) lines.push(`  discovery of ${d.account}/${d.service} failed: ${d.error ?? 'unknown error'}`);
  }
  return lines.join('\n');
}
