import { setTimeout as delay } from 'node:timers/promises';
import { rules as defaultRules } from '../../rules/registry.js';
import type { Rule } from '../../rules/types.js';
import type { LoadedConfig } from '../config/load.js';
import { type Clock, systemClock } from '../core/clock.js';
import { type Logger, silentLogger } from '../core/log.js';
import type { Registry } from '../core/registry.js';
import type { Db } from '../db/client.js';
import { notifiers as defaultNotifiers } from '../notify/registry.js';
import type { Notifier } from '../notify/types.js';
import { backupSources as defaultSources } from '../providers/registry.js';
import { fetchTransport, type HttpTransport, undiciTransport } from '../providers/transport.js';
import type { BackupSource } from '../providers/types.js';

/** Everything the processors use, passed in explicitly; tests replace any part. */
export interface AppDeps {
  readonly db: Db;
  readonly loaded: LoadedConfig;
  readonly clock: Clock;
  readonly log: Logger;
  /** Channel calls (Slack) and, when no `http` is given, provider calls too. */
  readonly fetch: typeof fetch;
  /** Provider calls. */
  readonly http: HttpTransport;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  readonly rules: Registry<Rule>;
  readonly sources: Registry<BackupSource>;
  readonly notifiers: Registry<Notifier>;
  /** Per-request timeout for provider and channel calls, ms. */
  readonly timeoutMs: number;
  /** How many targets are polled at once. */
  readonly pollConcurrency: number;
}

export function createDeps(base: { db: Db; loaded: LoadedConfig } & Partial<AppDeps>): AppDeps {
  return { ...defaults(), ...withHttp(base) };
}

/** A `fetch` passed in carries provider calls too, unless an `http` transport is also given. */
function withHttp<T extends Partial<AppDeps>>(base: T): T {
  return base.fetch && !base.http ? { ...base, http: fetchTransport(base.fetch) } : base;
}

/** Everything but the database: what a remote worker, which never opens the database, runs on. */
export function createWorkerDeps(base: { loaded: LoadedConfig } & Partial<Omit<AppDeps, 'db'>>): Omit<AppDeps, 'db'> {
  return { ...defaults(), ...withHttp(base) };
}

function defaults(): Omit<AppDeps, 'db' | 'loaded'> {
  return {
    clock: systemClock,
    log: silentLogger,
    fetch: globalThis.fetch,
    http: undiciTransport(),
    sleep: (ms) => delay(ms),
    random: Math.random,
    rules: defaultRules,
    sources: defaultSources as unknown as Registry<BackupSource>,
    notifiers: defaultNotifiers as unknown as Registry<Notifier>,
    timeoutMs: 20_000,
    pollConcurrency: 4,
  };
}
