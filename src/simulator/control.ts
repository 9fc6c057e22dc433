import { z } from 'zod';
import { jsonResponse, type SimResponse } from './api.js';
import { FAULT_NAMES, type Faults } from './faults.js';
import type { Fleet } from './fleet.js';
import type { AccountRateLimiter } from './rate-limits.js';
import type { RequestLog } from './request-log.js';

/** An instant as epoch ms or ISO-8601 text. */
const instant = z.union([z.number().int(), z.iso.datetime({ offset: true }).transform((s) => Date.parse(s))]);

const backupBody = z.strictObject({
  id: z.string().min(1).optional(),
  status: z.string().min(1),
  kind: z.enum(['full', 'incremental']).default('full'),
  mode: z.enum(['Automated', 'Manual']).default('Automated'),
  startedAt: instant,
  endedAt: instant.nullable().default(null),
  sizeBytes: z.number().nonnegative().default(0),
  method: z.enum(['Physical', 'Logical']).optional(),
});

const backupPatch = z.strictObject({
  status: z.string().min(1).optional(),
  kind: z.enum(['full', 'incremental']).optional(),
  mode: z.enum(['Automated', 'Manual']).optional(),
  startedAt: instant.optional(),
  endedAt: instant.nullable().optional(),
  sizeBytes: z.number().nonnegative().optional(),
  method: z.enum(['Physical', 'Logical']).optional(),
});

const faultsBody = z.strictObject({
  clear: z.boolean().optional(),
  latencyMs: z.number().int().nonnegative().max(600_000).optional(),
  failNext: z
    .strictObject({
      count: z.number().int().positive(),
      fault: z.enum(FAULT_NAMES),
      instance: z.string().min(1).optional(),
      api: z.string().min(1).optional(),
    })
    .optional(),
  rates: z
    .strictObject({
      throttleRate: z.number().min(0).max(1).optional(),
      errorRate: z.number().min(0).max(1).optional(),
      malformedRate: z.number().min(0).max(1).optional(),
      seed: z.number().int().optional(),
    })
    .optional(),
});

const rateLimitBody = z.strictObject({
  perSecond: z.number().positive().max(100_000),
  burst: z.number().int().min(1).max(100_000).optional(),
});

/** The parts of a running simulator the control API reads and changes. */
export interface ControlTarget {
  readonly fleet: Fleet;
  readonly faults: Faults;
  readonly requests: RequestLog;
  readonly rateLimits?: AccountRateLimiter;
}

/**
 * The simulator's own JSON API under `/_sim/`, so a simulator in another process (the `simulate`
 * command) can be driven by tests and the CLI:
 * - `GET /_sim/fleet`: accounts (without secrets) and instances with their backups
 * - `GET /_sim/requests`: request counts per API, and requests refused by rate limits (per account)
 * - `POST /_sim/instances/:id/backups`: add a backup `{status, startedAt, endedAt?, sizeBytes?, kind?, mode?, method?, id?}`
 * - `PATCH|DELETE /_sim/instances/:id/backups/:backupId`: change or remove one
 * - `POST /_sim/faults`: `{clear?, latencyMs?, failNext?: {count, fault, instance?, api?}, rates?}`
 * - `PUT /_sim/accounts/:accessKeyId/rate-limit`: `{perSecond, burst?}`; `DELETE` lifts it
 */
export function handleControl(method: string, path: string, body: string, sim: ControlTarget): SimResponse {
  try {
    return route(method, path.replace(/\/+$/, ''), body, sim);
  } catch (err) {
    // Fleet methods throw on unknown instances, duplicate ids and bad fault settings.
    const message = err instanceof Error ? err.message : String(err);
    return jsonResponse(/no instance|no backup|no account/.test(message) ? 404 : 400, { error: message });
  }
}

function route(method: string, path: string, body: string, sim: ControlTarget): SimResponse {
  if (path === '/_sim/fleet') return method === 'GET' ? jsonResponse(200, sim.fleet.snapshot()) : notAllowed();
  if (path === '/_sim/requests') {
    return method === 'GET'
      ? jsonResponse(200, {
          total: sim.requests.total,
          byApi: sim.requests.byApi,
          rateLimited: sim.requests.rateLimited,
          rateLimitedByAccount: sim.rateLimits?.refused ?? {},
        })
      : notAllowed();
  }
  const rateLimit = /^\/_sim\/accounts\/([^/]+)\/rate-limit$/.exec(path);
  if (rateLimit) {
    const accessKeyId = decodeURIComponent(rateLimit[1] as string);
    if (method === 'DELETE') return jsonResponse(200, publicAccount(sim.fleet.setRateLimit(accessKeyId, undefined)));
    if (method !== 'PUT') return notAllowed();
    const input = parse(rateLimitBody, body);
    if ('error' in input) return input.error;
    const { perSecond, burst } = input.value;
    return jsonResponse(200, publicAccount(sim.fleet.setRateLimit(accessKeyId, { perSecond, ...(burst !== undefined && { burst }) })));
  }
  if (path === '/_sim/faults') {
    if (method === 'GET') return jsonResponse(200, sim.faults.state());
    if (method !== 'POST') return notAllowed();
    const input = parse(faultsBody, body);
    if ('error' in input) return input.error;
    const { clear, latencyMs, failNext, rates } = input.value;
    if (clear) sim.faults.clear();
    if (latencyMs !== undefined) sim.faults.latencyMs = latencyMs;
    if (rates) sim.faults.setRates(rates);
    if (failNext) sim.faults.failNext(failNext.count, failNext.fault, { instance: failNext.instance, api: failNext.api });
    return jsonResponse(200, sim.faults.state());
  }
  const backups = /^\/_sim\/instances\/([^/]+)\/backups(?:\/([^/]+))?$/.exec(path);
  if (backups) {
    const instanceId = decodeURIComponent(backups[1] as string);
    const backupId = backups[2] === undefined ? undefined : decodeURIComponent(backups[2]);
    if (backupId === undefined) {
      if (method !== 'POST') return notAllowed();
      const input = parse(backupBody, body);
      if ('error' in input) return input.error;
      return jsonResponse(201, sim.fleet.addBackup(instanceId, input.value));
    }
    if (method === 'DELETE') {
      return sim.fleet.removeBackup(instanceId, backupId)
        ? jsonResponse(200, { removed: backupId })
        : jsonResponse(404, { error: `simulator: no backup ${backupId} on ${instanceId}` });
    }
    if (method !== 'PATCH') return notAllowed();
    const input = parse(backupPatch, body);
    if ('error' in input) return input.error;
    return jsonResponse(200, sim.fleet.updateBackup(instanceId, backupId, input.value));
  }
  return jsonResponse(404, { error: `no simulator control endpoint ${method} ${path}` });
}

function parse<T>(schema: z.ZodType<T>, body: string): { value: T } | { error: SimResponse } {
  let json: unknown;
  try {
    json = body === '' ? {} : JSON.parse(body);
  } catch {
    return { error: jsonResponse(400, { error: 'body is not JSON' }) };
  }
  const result = schema.safeParse(json);
  if (!result.success) return { error: jsonResponse(400, { error: z.prettifyError(result.error) }) };
  return { value: result.data };
}

/** An account as the control API shows it: never its secret or password. */
function publicAccount(account: { cloud: string; accessKeyId: string; rateLimit?: object }): object {
  return { cloud: account.cloud, accessKeyId: account.accessKeyId, ...(account.rateLimit && { rateLimit: account.rateLimit }) };
}

function notAllowed(): SimResponse {
  return jsonResponse(405, { error: 'method not allowed' });
}
