import { iso } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import type { Db } from '../db/client.js';
import { probeWrite, storeWriteProblem } from '../db/store-errors.js';
import { sendStoreNotice } from '../notify/emergency.js';
import { pingHeartbeat } from '../notify/heartbeat.js';
import type { SendDeps } from '../notify/send.js';
import type { DaemonMetrics } from './metrics.js';

/** The store's condition as /healthz reports it. */
export interface StoreProblem {
  readonly cause: string;
  readonly since: number;
}

export interface StoreGuard {
  /** An owner job failed: true when the store could not be written (then it is counted and told). */
  failed(err: unknown, unrecorded: readonly string[]): boolean;
  /** Tries one small write: a failure starts an outage, a success after one ends it. */
  probe(): void;
  problem(): StoreProblem | undefined;
}

/** What is remembered of an outage's unrecorded work: the newest lines, enough for a notice. */
const KEEP_LINES = 50;
/** How long the first failures of an outage may take to say what they lost before the first notice. */
const GATHER_MS = 2_000;
/** The shortest wait before a notice with news (a failed backup seen meanwhile) follows the last one. */
const UPDATE_MS = 10 * 60_000;

/**
 * A daemon whose database cannot be written (disk full, read-only file system, locked beyond the busy
 * timeout) keeps running, and says so: each cause goes straight to the channels (the outbox cannot be
 * written) with what could not be recorded: the first a moment after the outage began, then again when
 * there is news (something more was lost, at most every ten minutes) or `alerting.repeatInterval`
 * later as a reminder; the heartbeat
 * pings `/fail`; a metric counts the failed writes; /healthz names the cause. A write that succeeds
 * again ends the outage and tells the channels so; nothing half-written stays, since every write is
 * one transaction.
 */
export function storeGuard(deps: SendDeps & { readonly db: Db }, metrics: DaemonMetrics): StoreGuard {
  let outage: { cause: string; since: number; unrecorded: string[]; toldAt?: number; toldLines: number } | undefined;
  let gathering: NodeJS.Timeout | undefined;

  const tell = (): void => {
    gathering = undefined;
    if (!outage) return;
    outage.toldAt = deps.clock();
    outage.toldLines = outage.unrecorded.length;
    const notice = { state: 'alarm' as const, cause: outage.cause, since: outage.since, unrecorded: [...outage.unrecorded] };
    deps.log.error({ cause: outage.cause, since: iso(outage.since), unrecorded: notice.unrecorded.length }, 'database cannot be written');
    void sendStoreNotice(deps, notice).catch((err: unknown) => deps.log.error({ err: errorMessage(err) }, 'store notice failed'));
    void pingHeartbeat(deps, 'fail', `the database cannot be written (${outage.cause}); nothing is recorded`);
  };

  /** When to tell: once the first failures had a moment to say what they lost, then again on news or as a reminder. */
  const maybeTell = (): void => {
    if (!outage || gathering) return;
    if (outage.toldAt === undefined) {
      gathering = setTimeout(tell, GATHER_MS);
      gathering.unref();
      return;
    }
    const since = deps.clock() - outage.toldAt;
    const news = outage.unrecorded.length > outage.toldLines;
    if (since >= deps.loaded.config.alerting.repeatInterval || (news && since >= UPDATE_MS)) tell();
  };

  const failed = (err: unknown, unrecorded: readonly string[]): boolean => {
    const problem = storeWriteProblem(err);
    if (problem === undefined) return false;
    const cause = `${problem}: ${errorMessage(err)}`;
    metrics.storeWriteFailures.inc({ cause: problem });
    if (!outage) outage = { cause, since: deps.clock(), unrecorded: [], toldLines: 0 };
    else if (outage.cause !== cause) outage = { ...outage, cause, toldAt: undefined, toldLines: 0 };
    outage.unrecorded.push(...unrecorded);
    const dropped = Math.max(0, outage.unrecorded.length - KEEP_LINES);
    outage.unrecorded.splice(0, dropped);
    outage.toldLines = Math.max(0, outage.toldLines - dropped);
    maybeTell();
    return true;
  };

  return {
    failed,
    probe() {
      try {
        probeWrite(deps.db, deps.clock());
      } catch (err) {
        if (!failed(err, [])) deps.log.error({ err: errorMessage(err) }, 'database write probe failed');
        return;
      }
      if (!outage) return;
      const ended = outage;
      outage = undefined;
      clearTimeout(gathering);
      gathering = undefined;
      deps.log.warn({ cause: ended.cause, since: iso(ended.since) }, 'database can be written again');
      void sendStoreNotice(deps, { state: 'ok', cause: ended.cause, since: ended.since, unrecorded: [] }).catch(() => undefined);
    },
    problem: () => (outage ? { cause: outage.cause, since: outage.since } : undefined),
  };
}
