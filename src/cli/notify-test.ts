import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import { systemClock } from '../core/clock.js';
import { DeliveryError, errorMessage } from '../core/errors.js';
import { notifiers } from '../notify/registry.js';
import { testDigest } from '../notify/test-message.js';
import type { NotifyContext } from '../notify/types.js';
import { type CliIO, EXIT, type GlobalOptions, loadConfig, println } from './io.js';
import { logger } from './logger.js';

/** How long one test delivery may take, as for outbox deliveries. */
const TIMEOUT_MS = 15_000;

/**
 * `notify test CHANNEL`: sends one test message straight through the channel's notifier and reports
 * the outcome. It bypasses the outbox on purpose: it answers "does this channel work right now?", so
 * nothing is queued, retried or written, and no database is opened or created.
 */
export function notifyCommand(program: Command, io: CliIO, run: (fn: () => Promise<number> | number) => Promise<void>): void {
  const notify = program.command('notify').description('check the alert channels');
  notify
    .command('test')
    .argument('<channel>', 'a channel name from the config')
    .description('send a clearly marked test message through one channel now (no outbox, no database); exit 3 if it fails')
    .action((name: string) => run(() => sendTestMessage(name, program.opts<GlobalOptions>(), io)));
}

async function sendTestMessage(name: string, opts: GlobalOptions, io: CliIO): Promise<number> {
  // Only the tested channel's secrets matter: an unset account key must not stop a Slack test, and
  // this channel's own missing secret is reported as its delivery failure below.
  const loaded = loadConfig(opts, io, { checkSecrets: false });
  const channels = loaded.config.channels;
  const channel = Object.hasOwn(channels, name) ? channels[name] : undefined;
  if (!channel) {
    const known = Object.entries(channels).map(([n, c]) => `${n} (${c.type})`);
    println(
      io.stderr,
      `unknown channel "${name}"; ${known.length === 0 ? 'the config has no channels' : `configured channels: ${known.join(', ')}`}`,
    );
    return EXIT.usage;
  }
  const ctx: NotifyContext = {
    clock: systemClock,
    fetch: globalThis.fetch,
    log: logger(io),
    timeoutMs: TIMEOUT_MS,
    secret: (ref, where) => loaded.secret(ref, where),
  };
  const digest = testDigest({ channel: name, configPath: loaded.path, host: hostname() }, ctx.clock());
  const who = `channel ${name} (${channel.type})`;
  const started = performance.now();
  try {
    await notifiers.get(channel.type).send(digest, channel, name, ctx);
  } catch (err) {
    // Notifiers keep secrets out of DeliveryError messages; anything else is a bug, still worth its message.
    const why =
      err instanceof DeliveryError
        ? `${err.message} ` +
          `(${err.permanent ? 'permanent: fix the channel, retrying will not help' : 'transient: a later attempt may succeed'})`
        : `unexpected error: ${errorMessage(err)}`;
    println(io.stderr, `${who}: failed: ${why}`);
    return EXIT.runtime;
  }
  println(io.stdout, `${who}: delivered in ${Math.round(performance.now() - started)} ms`);
  return EXIT.compliant;
}
