import type { Command } from 'commander';
import { z } from 'zod';
import { parseDuration } from '../core/duration.js';
import { createLogger, type Logger } from '../core/log.js';
import { boundHeapGrowth } from '../daemon/heap-growth.js';
import { type Running, startDaemon, startWorker, WORKER_QUEUES } from '../daemon/runtime.js';
import type { QueueName } from '../queue/types.js';
import { type CliIO, EXIT, type GlobalOptions, loadConfig, println } from './io.js';

type Run = (fn: () => Promise<number> | number) => Promise<void>;

const level = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
const common = z.object({
  logLevel: level.optional(),
  shutdownTimeout: z
    .string()
    .default('30s')
    .transform((s, ctx) => {
      const ms = parseDuration(s);
      if (ms === null) ctx.addIssue({ code: 'custom', message: `"${s}" is not a duration (30s, 2m)` });
      return ms ?? 0;
    }),
});

/**
 * Runs until SIGTERM or SIGINT, then shuts down gracefully within the timeout; a second signal exits
 * at once (the operator meant it). Resolves to the exit code.
 */
async function untilSignal(running: Running, timeoutMs: number, log: Logger): Promise<number> {
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  log.info({ signal, timeoutMs }, 'shutting down: no new work; finishing or handing back what runs');
  const hard = (s: NodeJS.Signals) => {
    log.warn({ signal: s }, 'second signal: exiting now');
    process.exit(130);
  };
  process.once('SIGTERM', hard);
  process.once('SIGINT', hard);
  await running.stop(timeoutMs);
  process.off('SIGTERM', hard);
  process.off('SIGINT', hard);
  return EXIT.compliant;
}

function problems(io: CliIO, error: z.ZodError): number {
  for (const i of error.issues)
    println(io.stderr, `--${String(i.path[0] ?? 'option').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${i.message}`);
  return EXIT.usage;
}

/** `start` (the daemon, owner of the database) and `worker` (extra poll/notify capacity on Redis). */
export function daemonCommands(program: Command, io: CliIO, run: Run): void {
  program
    .command('start')
    .description('run the daemon: schedules polls, evaluates, delivers, serves /healthz and /metrics')
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace (default info, or $BACKUP_AUDITOR_LOG)')
    .option('--poll-now', 'poll every target once at start instead of waiting for the first tick')
    .option('--shutdown-timeout <duration>', 'how long in-flight jobs get to finish on SIGTERM', '30s')
    .action((raw: Record<string, unknown>) =>
      run(async () => {
        const opts = common.extend({ pollNow: z.boolean().optional() }).safeParse(raw);
        if (!opts.success) return problems(io, opts.error);
        boundHeapGrowth();
        const loaded = loadConfig(program.opts<GlobalOptions>(), io);
        const log = createLogger({ destination: io.stderr, level: opts.data.logLevel ?? io.env.BACKUP_AUDITOR_LOG ?? 'info' });
        for (const w of loaded.warnings) log.warn(w);
        const daemon = await startDaemon({ loaded, log });
        if (opts.data.pollNow) void daemon.pollNow();
        return untilSignal(daemon, opts.data.shutdownTimeout, log);
      }),
    );

  program
    .command('worker')
    .description('consume poll and notify jobs from Redis (scale-out); needs `redis:` in the config')
    .option('--queues <list>', `comma-separated, from ${WORKER_QUEUES.join(',')}`, WORKER_QUEUES.join(','))
    .option('--concurrency <n>', 'jobs at once per queue', '4')
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace (default info)')
    .option('--shutdown-timeout <duration>', 'how long in-flight jobs get to finish on SIGTERM', '30s')
    .action((raw: Record<string, unknown>) =>
      run(async () => {
        const schema = common.extend({
          queues: z
            .string()
            .transform((s) =>
              s
                .split(',')
                .map((q) => q.trim())
                .filter(Boolean),
            )
            .pipe(
              z.array(z.enum(WORKER_QUEUES as [QueueName, ...QueueName[]], { error: `must be among ${WORKER_QUEUES.join(', ')}` })).min(1),
            ),
          concurrency: z.coerce.number().int().min(1).max(256),
        });
        const opts = schema.safeParse(raw);
        if (!opts.success) return problems(io, opts.error);
        boundHeapGrowth();
        const loaded = loadConfig(program.opts<GlobalOptions>(), io);
        if (!loaded.config.redis) {
          println(
            io.stderr,
            'worker: the config has no `redis:`; ' +
              'in embedded mode `start` runs every job itself (add redis: redis://host:6379 to scale out)',
          );
          return EXIT.usage;
        }
        const log = createLogger({ destination: io.stderr, level: opts.data.logLevel ?? io.env.BACKUP_AUDITOR_LOG ?? 'info' });
        const worker = await startWorker({ loaded, log, queues: opts.data.queues, concurrency: opts.data.concurrency });
        return untilSignal(worker, opts.data.shutdownTimeout, log);
      }),
    );
}
