import type { AccountConfig, TargetConfig } from '../config/schema.js';
import { AuditorError, errorMessage, ProviderError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { Registry } from '../core/registry.js';
import type { Db } from '../db/client.js';
import { type IngestSummary, recordPoll } from '../db/ingest.js';
import type { NormalizedBackup } from '../domain/backup.js';
import { PERMANENT_POLL_ERROR_KINDS, type PollError, type PollOutcome, type PollRecord } from '../domain/poll.js';
import { type ProviderDeps, providerContext } from '../providers/context.js';
import type { BackupSource, ProviderContext } from '../providers/types.js';
import { collectPageBodies } from './page-bodies.js';

/** What fetching a poll needs: no database, so remote poll workers can do it. */
export interface FetchDeps extends ProviderDeps {
  readonly sources: Registry<BackupSource>;
}

export interface PollSummary extends IngestSummary {
  readonly targetId: string;
  /** The schedule tick the poll belongs to; absent for a one-shot run's. */
  readonly slot?: string | undefined;
  readonly ok: boolean;
  /** The error class (`auth`, `throttled`...) of a failed poll. */
  readonly errorKind?: string;
  readonly error?: string;
  readonly durationMs: number;
}

/** Writes a fetched poll and logs it; the database side of a poll. */
export function ingestPoll(deps: { readonly db: Db; readonly log: Logger }, record: PollRecord): PollSummary {
  const { outcome } = record;
  const summary = recordPoll(deps.db, record);
  const log = { target: record.targetId, pages: outcome.pages, items: summary.items, ms: record.finishedAt - record.startedAt };
  if (summary.duplicate) deps.log.info({ ...log, slot: record.slot }, 'poll already ingested for this slot; ignored');
  else if (outcome.ok) deps.log.info({ ...log, newBackups: summary.newBackups, statusChanges: summary.statusChanges }, 'poll ok');
  else deps.log.warn({ ...log, kind: outcome.error.kind, code: outcome.error.code, error: outcome.error.message }, 'poll failed');
  return {
    ...summary,
    targetId: record.targetId,
    slot: record.slot,
    ok: outcome.ok,
    ...(outcome.ok ? {} : { errorKind: outcome.error.kind, error: `${outcome.error.kind}: ${outcome.error.message}` }),
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
  const pages = collectPageBodies(providerContext(deps, { target: target.id }, opts.throttle));
  const outcome = await fetchListing(deps, pages.ctx, account, target);
  const pageBodies = pages.result();
  if (pageBodies && pageBodies.omitted > 0) {
    const kept = pageBodies.bodies.length;
    deps.log.warn({ target: target.id, kept, omitted: pageBodies.omitted }, 'page bodies over the per-poll cap were not kept');
  }
  return { targetId: target.id, slot: opts.slot, startedAt, finishedAt: deps.clock(), outcome, ...(pageBodies && { pageBodies }) };
}

/** A poll's failure as recorded: class, provider code and request id, and whether waiting can fix it. */
export function pollError(err: unknown): PollError {
  const kind = err instanceof AuditorError ? err.kind : 'internal';
  const code = err instanceof ProviderError ? err.code : undefined;
  const requestId = err instanceof ProviderError ? err.requestId : undefined;
  const permanent = err instanceof AuditorError && err.permanent && PERMANENT_POLL_ERROR_KINDS.includes(kind);
  return {
    kind,
    ...(code !== undefined && { code }),
    ...(requestId !== undefined && { requestId }),
    permanent,
    message: errorMessage(err),
  };
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
    if (!(err instanceof AuditorError)) deps.log.error({ target: target.id, err: errorMessage(err) }, 'unexpected error while polling');
    return { ok: false, pages, error: pollError(err) };
  }
}
