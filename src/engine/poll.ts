import type { AccountConfig, TargetConfig } from '../config/schema.js';
import { AuditorError, errorMessage, ProviderError } from '../core/errors.js';
import { type IngestSummary, recordPoll } from '../db/ingest.js';
import type { NormalizedBackup } from '../domain/backup.js';
import type { PollOutcome, PollRecord } from '../domain/poll.js';
import { accountThrottle } from '../providers/rate-limits.js';
import type { ProviderContext } from '../providers/types.js';
import { LocalRateLimiter } from '../queue/local.js';
import type { AppDeps } from './deps.js';

/** What fetching needs: no database, so remote poll workers can do it. */
export type FetchDeps = Pick<AppDeps, 'loaded' | 'clock' | 'fetch' | 'sleep' | 'random' | 'log' | 'sources' | 'timeoutMs'> &
  Partial<Pick<AppDeps, 'http'>>;

export interface PollSummary extends IngestSummary {
  readonly targetId: string;
  readonly ok: boolean;
  readonly error?: string;
  readonly durationMs: number;
}

/** Reads every page of a target's listing, then writes the whole result (or the error) in one transaction. */
export async function pollTarget(deps: AppDeps, target: TargetConfig): Promise<PollSummary> {
  const record = await fetchPoll(deps, target);
  return ingestPoll(deps, record);
}

/** Writes a fetched poll and logs it; the database side of a poll. */
export function ingestPoll(deps: Pick<AppDeps, 'db' | 'log'>, record: PollRecord): PollSummary {
  const { outcome } = record;
  const summary = recordPoll(deps.db, record);
  const log = { target: record.targetId, pages: outcome.pages, items: summary.items, ms: record.finishedAt - record.startedAt };
  if (summary.duplicate) deps.log.info({ ...log, slot: record.slot }, 'poll already ingested for this slot; ignored');
  else if (outcome.ok) deps.log.info({ ...log, newBackups: summary.newBackups, statusChanges: summary.statusChanges }, 'poll ok');
  else deps.log.warn({ ...log, kind: outcome.error.kind, code: outcome.error.code, error: outcome.error.message }, 'poll failed');
  return {
    ...summary,
    targetId: record.targetId,
    ok: outcome.ok,
    ...(outcome.ok ? {} : { error: `${outcome.error.kind}: ${outcome.error.message}` }),
    durationMs: record.finishedAt - record.startedAt,
  };
}

/**
 * Fetches every page of a target's listing into memory; never throws: a failure becomes an error
 * outcome. `throttle` waits for the account's rate limit before each request.
 */
export async function fetchPoll(
  deps: FetchDeps,
  target: TargetConfig,
  opts: { slot?: string; throttle?: () => Promise<void> } = {},
): Promise<PollRecord> {
  const account = deps.loaded.config.accounts[target.account] as AccountConfig;
  const startedAt = deps.clock();
  const ctx: ProviderContext = {
    clock: deps.clock,
    fetch: deps.fetch,
    http: deps.http,
    log: deps.log.child({ target: target.id }),
    sleep: deps.sleep,
    random: deps.random,
    timeoutMs: deps.timeoutMs,
    secret: (ref, where) => deps.loaded.secret(ref, where),
    ...(opts.throttle && { throttle: opts.throttle }),
  };
  const outcome = await fetchListing(deps, ctx, account, target);
  return { targetId: target.id, slot: opts.slot, startedAt, finishedAt: deps.clock(), outcome };
}

async function fetchListing(deps: FetchDeps, ctx: ProviderContext, account: AccountConfig, target: TargetConfig): Promise<PollOutcome> {
  const backups: NormalizedBackup[] = [];
  let pages = 0;
  try {
    const source = deps.sources.get(`${account.cloud}/${target.service}`);
    for await (const page of source.list(account, target.account, target, ctx)) {
      pages++;
      backups.push(...page.items);
    }
    return { ok: true, pages, backups };
  } catch (err) {
    const kind = err instanceof AuditorError ? err.kind : 'internal';
    const code = err instanceof ProviderError ? err.code : undefined;
    if (!(err instanceof AuditorError)) deps.log.error({ target: target.id, err: errorMessage(err) }, 'unexpected error while polling');
    return { ok: false, pages, error: { kind, ...(code !== undefined && { code }), message: errorMessage(err) } };
  }
}

/** Sees each poll start and finish (the CLI's progress line); must not throw. */
export interface PollObserver {
  started?(target: TargetConfig): void;
  finished?(target: TargetConfig, summary: PollSummary): void;
}

/** Polls targets with at most `deps.pollConcurrency` in flight. */
export async function pollTargets(
  deps: AppDeps,
  targets: readonly TargetConfig[],
  observer: PollObserver = {},
  throttle: (account: string) => Promise<void> = accountThrottle(deps.loaded.config.accounts, new LocalRateLimiter(deps.clock, deps.sleep)),
): Promise<PollSummary[]> {
  const results: PollSummary[] = new Array(targets.length);
  let next = 0;
  const worker = async () => {
    while (next < targets.length) {
      const i = next++;
      const target = targets[i] as TargetConfig;
      observer.started?.(target);
      // Each account's rate limit holds here as in the daemon: a one-shot scan of a big fleet must not trip the provider's throttling.
      results[i] = ingestPoll(deps, await fetchPoll(deps, target, { throttle: () => throttle(target.account) }));
      observer.finished?.(target, results[i] as PollSummary);
    }
  };
  await Promise.all(Array.from({ length: Math.min(deps.pollConcurrency, targets.length) }, worker));
  return results;
}
