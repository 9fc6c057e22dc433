import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OwnerDeps } from '../../jobs/deps.js';
import { errorMessage } from '../core/errors.js';
import { databaseAnswers } from '../db/client.js';
import { findingCounts } from '../db/findings.js';
import type { DaemonMetrics } from './metrics.js';

/** What health and metrics read: the database, the queue, the counters. */
type HealthDeps = Pick<OwnerDeps, 'db' | 'queue' | 'log'> & { readonly metrics: DaemonMetrics };

/** Database and queue health: ready only when both answer. */
export async function health(deps: HealthDeps): Promise<{ ok: boolean; db: string; queue: string }> {
  const answer = databaseAnswers(deps.db);
  const db = answer === true ? 'ok' : `error: ${answer}`;
  const queueOk = await Promise.race([deps.queue.ping(), new Promise<boolean>((r) => setTimeout(() => r(false), 2_000).unref())]);
  const queue = deps.queue.kind === 'embedded' ? 'embedded' : queueOk ? 'ok' : 'unreachable';
  return { ok: db === 'ok' && queueOk, db, queue };
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

/** `/healthz` and `/metrics` (Prometheus text) on `listen` (`127.0.0.1:9464`). Rejects with a hint if it cannot listen. */
export async function startHttp(deps: HealthDeps, listen: string): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const sep = listen.lastIndexOf(':');
  const host = listen.slice(0, sep);
  const port = Number(listen.slice(sep + 1));
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://daemon.invalid').pathname;
    const reply = (status: number, type: string, body: string) => res.writeHead(status, { 'content-type': type }).end(body);
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
