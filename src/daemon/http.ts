import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OwnerDeps } from '../../jobs/deps.js';
import { iso } from '../core/clock.js';
import { formatDuration } from '../core/duration.js';
import { errorMessage } from '../core/errors.js';
import { databaseAnswers } from '../db/client.js';
import { findingCounts } from '../db/findings.js';
import { DRILLS_PATH, type DrillApi, handleDrills } from './http-drills.js';
import type { DaemonMetrics } from './metrics.js';

/** What the daemon knows of its poll cycles: when the last completed, and how far apart they may be. */
export interface CycleAge {
  readonly completedAt: number | undefined;
  readonly startedAt: number;
  /** The longest gap between two poll ticks of the schedules. */
  readonly gapMs: number;
  readonly now: number;
}

/** What health and metrics read: the database, the queue, the counters, the poll cycles. */
type HealthDeps = Pick<OwnerDeps, 'db' | 'queue' | 'log'> & {
  readonly metrics: DaemonMetrics;
  readonly lastCycle?: () => CycleAge;
  /** Why the database cannot be written, and since when; undefined while it can. */
  readonly store?: () => { readonly cause: string; readonly since: number } | undefined;
  /** `POST /api/v1/drills` (http-drills.ts); answered 404 when absent or without a token. */
  readonly drills?: DrillApi;
};

/** What /healthz answers: ready only when there is no cause; each cause is a sentence an operator can act on. */
export interface Health {
  readonly ok: boolean;
  readonly db: string;
  readonly queue: string;
  readonly lastCycleAt: string | null;
  readonly causes: readonly string[];
}

/**
 * Database, queue and poll-cycle health. Not ready when the database does not answer, when (scale-out)
 * Redis does not, or when no poll cycle completed within twice the longest gap between poll ticks:
 * a daemon that runs but no longer sees its fleet is not healthy.
 */
export async function health(deps: HealthDeps): Promise<Health> {
  const causes: string[] = [];
  const answer = databaseAnswers(deps.db);
  const db = answer === true ? 'ok' : `error: ${answer}`;
  if (answer !== true) causes.push(`database: ${answer}`);
  const store = deps.store?.();
  if (store) causes.push(`database: cannot be written since ${iso(store.since)} (${store.cause}); nothing is being recorded`);
  const queueOk = await Promise.race([deps.queue.ping(), new Promise<boolean>((r) => setTimeout(() => r(false), 2_000).unref())]);
  const queue = deps.queue.kind === 'embedded' ? 'embedded' : queueOk ? 'ok' : 'unreachable';
  if (!queueOk) causes.push(deps.queue.kind === 'embedded' ? 'queue: shutting down' : 'queue: Redis does not answer');
  const cycle = deps.lastCycle?.();
  if (cycle && cycle.gapMs > 0) {
    const since = cycle.completedAt ?? cycle.startedAt;
    if (cycle.now - since > 2 * cycle.gapMs) {
      const what = cycle.completedAt === undefined ? `since the daemon started at ${iso(since)}` : `since ${iso(since)}`;
      causes.push(`polling: no poll cycle completed ${what}, more than twice the ${formatDuration(cycle.gapMs)} between poll ticks`);
    }
  }
  const lastCycleAt = cycle?.completedAt === undefined ? null : iso(cycle.completedAt);
  return { ok: causes.length === 0, db, queue, lastCycleAt, causes };
}

async function refreshGauges(deps: HealthDeps): Promise<void> {
  deps.metrics.findings.reset();
  for (const r of findingCounts(deps.db)) deps.metrics.findings.set({ state: r.state }, r.n);
  deps.metrics.queueDepth.reset();
  const depth = await deps.queue.depth().catch(() => ({}));
  for (const [queue, d] of Object.entries(depth)) {
    for (const [state, n] of Object.entries(d ?? {})) deps.metrics.queueDepth.set({ queue, state }, n);
  }
}

/** Why `listen` failed, in the config's terms, with what to do about it. */
function listenError(listen: string, err: NodeJS.ErrnoException): Error {
  const why =
    err.code === 'EADDRINUSE'
      ? 'is in use: change http.listen or stop the other process'
      : err.code === 'EACCES'
        ? 'is not permitted (ports below 1024 need privileges): change http.listen'
        : err.code === 'EADDRNOTAVAIL'
          ? 'is not an address of this machine: change http.listen'
          : `cannot be listened on (${err.message}): change http.listen`;
  return new Error(`http.listen ${listen} ${why}`, { cause: err });
}

/**
 * `/healthz`, `/metrics` (Prometheus text) and `POST /api/v1/drills` on `listen` (`127.0.0.1:9464`). Rejects with a
 * hint if it cannot listen.
 */
export async function startHttp(deps: HealthDeps, listen: string): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const sep = listen.lastIndexOf(':');
  const host = listen.slice(0, sep);
  const port = Number(listen.slice(sep + 1));
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://daemon.invalid').pathname;
    const reply = (status: number, type: string, body: string) => res.writeHead(status, { 'content-type': type }).end(body);
    if (path === DRILLS_PATH) {
      void handleDrills(req, res, deps.drills).catch((err: unknown) => {
        deps.log.error({ err: errorMessage(err) }, 'drills request failed');
        if (!res.headersSent) reply(500, 'application/json', '{"error":"internal error"}\n');
      });
      return;
    }
    if (req.method !== 'GET') return reply(405, 'text/plain', 'method not allowed\n');
    if (path === '/healthz') {
      void health(deps).then((h) => reply(h.ok ? 200 : 503, 'application/json', `${JSON.stringify(h)}\n`));
      return;
    }
    if (path === '/metrics') {
      void refreshGauges(deps)
        .then(() => deps.metrics.registry.metrics())
        .then(
          (text) => reply(200, deps.metrics.registry.contentType, text),
          (err: unknown) => reply(500, 'text/plain', `metrics failed: ${errorMessage(err)}\n`),
        );
      return;
    }
    reply(404, 'text/plain', 'try /healthz or /metrics\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(listenError(listen, err)));
    server.listen(port, host, () => resolve());
  });
  const a = server.address() as AddressInfo;
  const url = `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
  deps.log.info({ url }, 'health and metrics listening');
  return {
    server,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
