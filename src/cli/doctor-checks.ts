import { lookup } from 'node:dns/promises';
import { isIP, Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { connect as tlsConnect } from 'node:tls';
import type { AccountConfig, TargetConfig } from '../config/schema.js';
import type { SecretRef } from '../config/secret.js';
import { AuditorError, errorMessage, ProviderError } from '../core/errors.js';
import type { FetchDeps } from '../engine/poll.js';
import { ALIYUN_RDS_ENDPOINT } from '../providers/aliyun/rds-backups.js';
import { huaweiDdsEndpoint } from '../providers/huaweicloud/dds-backups.js';
import { DEFAULT_IAM_ENDPOINT } from '../providers/huaweicloud/gateway-client.js';
import { otcRdsEndpoint } from '../providers/huaweicloud/otc-rds-backups.js';
import type { ProviderContext } from '../providers/types.js';
import { UCLOUD_ENDPOINT } from '../providers/ucloud/client.js';

/** Every secret an account reads, with its config path. */
export function accountSecrets(name: string, a: AccountConfig): { where: string; ref: SecretRef }[] {
  const at = `accounts.${name}`;
  if (a.cloud === 'ucloud')
    return [
      { where: `${at}.publicKey`, ref: a.publicKey },
      { where: `${at}.privateKey`, ref: a.privateKey },
    ];
  if (a.cloud === 'aliyun') {
    return [
      { where: `${at}.accessKeyId`, ref: a.accessKeyId },
      { where: `${at}.accessKeySecret`, ref: a.accessKeySecret },
      ...(a.securityToken ? [{ where: `${at}.securityToken`, ref: a.securityToken }] : []),
    ];
  }
  if (a.auth.type === 'aksk')
    return [
      { where: `${at}.auth.accessKey`, ref: a.auth.accessKey },
      { where: `${at}.auth.secretKey`, ref: a.auth.secretKey },
    ];
  return [{ where: `${at}.auth.password`, ref: a.auth.password }];
}

/** The addresses an account's polls talk to: the API, and IAM when it logs in with a password. */
export function accountEndpoints(a: AccountConfig): string[] {
  if (a.cloud === 'ucloud') return [a.endpoint ?? UCLOUD_ENDPOINT];
  if (a.cloud === 'aliyun') return [a.endpoint ?? ALIYUN_RDS_ENDPOINT];
  const api = a.endpoint ?? (a.cloud === 'otc' ? otcRdsEndpoint(a.region) : huaweiDdsEndpoint(a.region));
  return a.auth.type === 'password' ? [api, a.iamEndpoint ?? DEFAULT_IAM_ENDPOINT[a.cloud](a.region)] : [api];
}

/** One network step: how long it took, or why it failed. */
export interface Step {
  readonly ok: boolean;
  readonly ms: number;
  readonly error?: string;
}

/** How far the road to one endpoint goes: DNS, TCP, then TLS for https. */
export interface EndpointCheck {
  readonly url: string;
  readonly dns?: Step;
  readonly tcp?: Step;
  /** Only for https. */
  readonly tls?: Step;
  readonly ok: boolean;
  readonly hint?: string;
}

/** DNS lookup, TCP connect, and for https a verified TLS handshake: where exactly the road to an endpoint ends. */
export async function checkEndpoint(url: string, timeoutMs: number): Promise<EndpointCheck> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { url, ok: false, hint: 'not a URL: fix the endpoint in the config' };
  }
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const port = Number(u.port) || (u.protocol === 'https:' ? 443 : 80);
  const dns = await timed(async () => (isIP(host) ? host : (await lookup(host)).address), timeoutMs);
  if (!dns.ok)
    return { url, dns, ok: false, hint: `the name ${host} does not resolve: check the endpoint's spelling and this machine's DNS` };
  const address = dns.value as string;
  const tcp = await timed(() => tcpConnect(address, port, timeoutMs), timeoutMs);
  if (!tcp.ok) {
    const refused = /ECONNREFUSED/.test(tcp.error ?? '');
    return {
      url,
      dns,
      tcp,
      ok: false,
      hint: refused
        ? `nothing listens on ${host}:${port}: check the endpoint's port, or that the service (or simulator) runs`
        : `cannot connect to ${host}:${port}: check firewalls and whether this network needs a proxy`,
    };
  }
  if (u.protocol !== 'https:') return { url, dns, tcp, ok: true };
  const tls = await timed(() => tlsHandshake(address, port, isIP(host) ? undefined : host, timeoutMs), timeoutMs);
  if (!tls.ok)
    return {
      url,
      dns,
      tcp,
      tls,
      ok: false,
      hint:
        'the TLS handshake failed: a proxy intercepting TLS needs its CA in NODE_EXTRA_CA_CERTS; ' +
        'an expired or foreign certificate means a wrong endpoint',
    };
  return { url, dns, tcp, tls, ok: true };
}

async function timed<T>(fn: () => Promise<T>, timeoutMs: number): Promise<Step & { value?: T }> {
  const start = performance.now();
  const timer = new AbortController();
  try {
    const timeout = delay(timeoutMs, undefined, { signal: timer.signal }).then(() =>
      Promise.reject(new Error(`no answer within ${timeoutMs} ms`)),
    );
    timeout.catch(() => {}); // aborted once fn settles
    const value = await Promise.race([fn(), timeout]);
    return { ok: true, ms: Math.round(performance.now() - start), value };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const message = errorMessage(err);
    return {
      ok: false,
      ms: Math.round(performance.now() - start),
      error: code && !message.includes(code) ? `${code}: ${message}` : message,
    };
  } finally {
    timer.abort();
  }
}

function tcpConnect(host: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    socket.once('error', reject);
    socket.connect(port, host, () => {
      socket.end();
      resolve();
    });
  });
}

function tlsHandshake(host: string, port: number, servername: string | undefined, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host, port, ...(servername && { servername }), timeout: timeoutMs }, () => {
      socket.end();
      resolve();
    });
    socket.once('timeout', () => socket.destroy(new Error(`no TLS handshake within ${timeoutMs} ms`)));
    socket.once('error', reject);
  });
}

/** What one signed call about one target showed. */
export interface TargetProbe {
  readonly authOk: boolean | null;
  readonly instanceFound: boolean | null;
  readonly backupsSeen: number | null;
  readonly latencyMs: number | null;
  /** The provider's own words, or why the call could not be made. */
  readonly error?: string;
  /** `auth`, `not-found`, `network`, `config`...: what kind of failure. */
  readonly kind?: string;
  /** Server time minus ours, from the last answer's Date header, ms. */
  readonly serverClockOffsetMs?: number;
}

/**
 * One real signed call through the registered adapter: the first page of the target's listing, then
 * stop. The fetch is wrapped to read the answer's Date header, for the clock hint.
 */
export async function probeTarget(
  deps: Pick<FetchDeps, 'loaded' | 'sources' | 'fetch' | 'clock' | 'log' | 'timeoutMs'>,
  target: TargetConfig,
): Promise<TargetProbe> {
  const account = deps.loaded.config.accounts[target.account] as AccountConfig;
  let offset: number | undefined;
  const fetchWithDate: typeof fetch = async (input, init) => {
    const sent = deps.clock();
    const res = await deps.fetch(input, init);
    const date = Date.parse(res.headers.get('date') ?? '');
    if (Number.isFinite(date)) offset = date - (sent + deps.clock()) / 2;
    return res;
  };
  const ctx: ProviderContext = {
    clock: deps.clock,
    fetch: fetchWithDate,
    log: deps.log.child({ target: target.id }),
    // Retries still happen, but a diagnosis should not wait out a long backoff.
    sleep: (ms) => delay(Math.min(ms, 1_000)),
    random: Math.random,
    timeoutMs: deps.timeoutMs,
    secret: (ref, where) => deps.loaded.secret(ref, where),
  };
  const start = deps.clock();
  const clockOffset = () => (offset === undefined ? {} : { serverClockOffsetMs: Math.round(offset) });
  try {
    const source = deps.sources.get(`${account.cloud}/${target.service}`);
    let seen = 0;
    for await (const page of source.list(account, target.account, target, ctx)) {
      seen = page.total ?? page.items.length;
      break;
    }
    return { authOk: true, instanceFound: true, backupsSeen: seen, latencyMs: deps.clock() - start, ...clockOffset() };
  } catch (err) {
    const kind = err instanceof AuditorError ? err.kind : 'internal';
    const authOk = kind === 'auth' ? false : kind === 'not-found' ? true : null;
    const instanceFound = kind === 'not-found' ? false : null;
    const code = err instanceof ProviderError && err.code && !errorMessage(err).includes(err.code) ? ` [${err.code}]` : '';
    return {
      authOk,
      instanceFound,
      backupsSeen: null,
      latencyMs: deps.clock() - start,
      error: `${errorMessage(err)}${code}`,
      kind,
      ...clockOffset(),
    };
  }
}
