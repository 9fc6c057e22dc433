import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { type Clock, systemClock } from '../core/clock.js';
import { aliyunRdsApi } from './aliyun.js';
import { aliyunInstancesApi } from './aliyun-instances.js';
import { jsonResponse, type SimApi, type SimEnv, type SimRequest, type SimResponse } from './api.js';
import { handleControl } from './control.js';
import { type FaultName, type FaultSettings, Faults } from './faults.js';
import type { Fleet } from './fleet.js';
import { huaweiCloudSim } from './huawei.js';
import { gatewayInstancesApi } from './huawei-instances.js';
import { AccountRateLimiter } from './rate-limits.js';
import { RequestLog } from './request-log.js';
import { ucloudTidbApi, ucloudUpgsqlApi } from './ucloud.js';
import { ucloudInstancesApi } from './ucloud-instances.js';

export interface SimulatorOptions {
  readonly fleet: Fleet;
  /** The simulator's "now" for Timestamp checks and rendered links; default the system clock. */
  readonly clock?: Clock;
  /** Default 127.0.0.1: the simulator accepts any request its fleet's keys sign, so it stays local. */
  readonly host?: string;
  /** Default 0: a free port, read it from the result. */
  readonly port?: number;
  /** A fault plan to share, or initial settings for a new one. */
  readonly faults?: Faults | FaultSettings;
  /** The APIs to serve; default every simulated API. */
  readonly apis?: readonly SimApi[];
}

export interface Simulator {
  /** `http://127.0.0.1:<port>`: use as an account's `endpoint`. */
  readonly url: string;
  readonly port: number;
  readonly fleet: Fleet;
  readonly faults: Faults;
  readonly requests: RequestLog;
  /** Per-account quotas (set on the fleet's accounts) and how many requests each refused. */
  readonly rateLimits: AccountRateLimiter;
  /** Stops listening and drops every connection, including requests held by a `timeout` fault. */
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;

/**
 * Every simulated provider API; later clouds append theirs here. `fleet` is needed by the OTC/Huawei
 * APIs, which share one address and pick the cloud from the caller's account before handling.
 */
export function defaultApis(fleet: Fleet): SimApi[] {
  const huawei = huaweiCloudSim(fleet);
  // aliyunInstancesApi first: aliyunRdsApi claims every Alibaba RPC request, whatever its Action.
  return [
    aliyunInstancesApi(),
    ucloudInstancesApi(),
    gatewayInstancesApi(fleet, huawei.tokens),
    aliyunRdsApi(),
    ucloudUpgsqlApi(),
    ucloudTidbApi(),
    ...huawei.apis,
  ];
}

/**
 * Starts a local HTTP server that speaks the providers' list-backups APIs from `fleet`, verifying
 * their authentication, paginating, and injecting faults. It never makes outbound connections.
 */
export async function startSimulator(opts: SimulatorOptions): Promise<Simulator> {
  const env: SimEnv = { fleet: opts.fleet, clock: opts.clock ?? systemClock };
  const faults = opts.faults instanceof Faults ? opts.faults : new Faults(opts.faults);
  const requests = new RequestLog();
  const rateLimits = new AccountRateLimiter();
  const apis = opts.apis ?? defaultApis(opts.fleet);
  const server = createServer((req, res) => {
    answer(req, res).catch((err: unknown) => {
      if (!res.headersSent)
        write(res, jsonResponse(500, { error: `simulator failure: ${err instanceof Error ? err.message : String(err)}` }));
      else res.destroy();
    });
  });

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (body === undefined) return write(res, jsonResponse(413, { error: `body larger than ${MAX_BODY} bytes` }));
    const url = new URL(req.url ?? '/', 'http://simulator.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    if (url.pathname.startsWith('/_sim/'))
      return write(res, handleControl(method, url.pathname, body, { fleet: env.fleet, faults, requests, rateLimits }));

    const simReq = toSimRequest(req, method, url, body);
    const api = apis.find((a) => a.matches(simReq));
    if (!api) {
      record('unmatched', simReq, undefined, 404, undefined);
      return write(res, jsonResponse(404, { error: 'no simulated API matches this request' }));
    }
    const instance = api.instanceOf(simReq);
    if (faults.latencyMs > 0) await delay(faults.latencyMs);
    const claimed = api.accountOf?.(simReq);
    const account = claimed === undefined ? undefined : env.fleet.account(claimed);
    if (account && !rateLimits.take(account, env.clock())) {
      // Over quota: the provider's own throttling answer; queued faults are left for later requests.
      const response = api.faultResponse('throttle', simReq);
      record(api.name, simReq, instance, response.status, undefined, true);
      return write(res, response);
    }
    const fault = faults.pick(api.name, instance);
    if (fault === 'timeout') {
      // Hold the request open; the client's own timeout ends it (or close() does).
      record(api.name, simReq, instance, 0, fault);
      return;
    }
    let response: SimResponse =
      fault === 'throttle' || fault === 'server-error' ? api.faultResponse(fault, simReq) : api.handle(simReq, env);
    if (fault === 'malformed') response = { ...response, body: response.body.slice(0, Math.max(1, Math.floor(response.body.length / 2))) };
    record(api.name, simReq, instance, response.status, fault);
    write(res, response);
  }

  function record(
    api: string,
    req: SimRequest,
    instance: string | undefined,
    status: number,
    fault: FaultName | undefined,
    rateLimited = false,
  ): void {
    const { Signature: _signature, ...params } = req.params;
    requests.add({ api, method: req.method, params, instance, status, fault, ...(rateLimited && { rateLimited }), at: env.clock() });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    fleet: opts.fleet,
    faults,
    requests,
    rateLimits,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function toSimRequest(req: IncomingMessage, method: string, url: URL, body: string): SimRequest {
  // No prototype: a parameter named `__proto__` must stay a parameter.
  const params = Object.create(null) as Record<string, string>;
  for (const [key, value] of url.searchParams) params[key] = value;
  if ((req.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    for (const [key, value] of new URLSearchParams(body)) params[key] = value;
  }
  return { method, path: url.pathname, query: url.searchParams, headers: req.headers, body, params };
}

/** The body as text, or undefined when it exceeds MAX_BODY. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  // Neither header: the request has no body (RFC 9112 6.3), as every signed GET has; node discards the empty stream.
  if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY) return undefined;
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function write(res: ServerResponse, response: SimResponse): void {
  if (res.destroyed || res.writableEnded) return; // the client gave up while we were "slow"
  res.writeHead(response.status, { ...response.headers, 'content-length': Buffer.byteLength(response.body) });
  res.end(response.body);
}
