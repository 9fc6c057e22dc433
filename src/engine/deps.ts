import { setTimeout as delay } from 'node:timers/promises';
import { rules as defaultRules } from '../../rules/registry.js';
import type { Rule } from '../../rules/types.js';
import { systemClock, type Clock } from '../clock.js';
import type { LoadedConfig } from '../config/load.js';
import type { Db } from '../db/client.js';
import { silentLogger, type Logger } from '../log.js';
import { notifiers as defaultNotifiers } from '../notify/registry.js';
import type { Notifier } from '../notify/types.js';
import { backupSources as defaultSources } from '../providers/registry.js';
import type { BackupSource } from '../providers/types.js';
import type { Registry } from '../registry.js';

/** Everything the processors use, passed in explicitly; tests replace any part. */
export interface AppDeps {
  readonly db: Db;
  readonly loaded: LoadedConfig;
  readonly clock: Clock;
  readonly log: Logger;
  readonly fetch: typeof fetch;
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
  return { ...defaults(), ...base };
}

/** Everything but the database: what a remote worker, which never opens the database, runs on. */
export function createWorkerDeps(base: { loaded: LoadedConfig } & Partial<Omit<AppDeps, 'db'>>): Omit<AppDeps, 'db'> {
  return { ...defaults(), ...base };
}

function defaults(): Omit<AppDeps, 'db' | 'loaded'> {
  return {
    clock: systemClock,
    log: silentLogger,
    fetch: globalThis.fetch,
    sleep: (ms) => delay(ms),
    random: Math.random,
    rules: defaultRules,
    sources: defaultSources as unknown as Registry<BackupSource>,
    notifiers: defaultNotifiers as unknown as Registry<Notifier>,
    timeoutMs: 20_000,
    pollConcurrency: 4,
  };
}
