import type { LoadedConfig } from '../config/load.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { parseHttpUrl, postBody } from './http.js';

/** What a ping says: a cycle began, finished healthy, or finished blind (or could not record). */
export type HeartbeatSignal = 'start' | 'success' | 'fail';

export interface HeartbeatDeps {
  readonly loaded: LoadedConfig;
  readonly fetch: typeof fetch;
  readonly log: Logger;
}

/** Longest body a `/fail` ping carries: healthchecks.io keeps the first 100 kB; a monitor needs a few lines. */
const MAX_BODY = 2_000;

/**
 * Pings the config's `heartbeat` the way healthchecks.io (and monitors of its shape) expect: `<url>/start`
 * when a cycle begins, `<url>` when it finished healthy, `<url>/fail` with a short plain-text reason when
 * it was blind. Does nothing without `heartbeat:`. Never throws: a monitor that cannot be reached must
 * not stop the audit; the failure is logged without the url, which is a secret. Resolves to whether the
 * monitor took the ping.
 */
export async function pingHeartbeat(deps: HeartbeatDeps, signal: HeartbeatSignal, body = ''): Promise<boolean> {
  const beat = deps.loaded.config.heartbeat;
  if (!beat) return true;
  try {
    const url = parseHttpUrl(deps.loaded.secret(beat.url, 'heartbeat.url'), 'heartbeat.url');
    if (signal !== 'success') url.pathname = `${url.pathname.replace(/\/+$/, '')}/${signal}`;
    const answer = await postBody(
      { fetch: deps.fetch, timeoutMs: beat.timeout },
      url,
      body.slice(0, MAX_BODY),
      { 'content-type': 'text/plain; charset=utf-8' },
      'heartbeat',
    );
    if (answer.status >= 200 && answer.status < 300) return true;
    deps.log.warn({ signal, status: answer.status }, 'heartbeat monitor refused the ping');
  } catch (err) {
    deps.log.warn({ signal, err: errorMessage(err) }, 'heartbeat ping failed');
  }
  return false;
}
