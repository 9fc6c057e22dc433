import type { SecretRef } from '../config/secret.js';
import { DeliveryError, errorMessage } from '../core/errors.js';
import type { NotifyContext } from './types.js';

/** Helpers shared by the notifiers: secret lookup, HTTP delivery, and quoting a server's answer safely. */

/**
 * Resolves a channel's secret. A missing secret is a permanent DeliveryError: retrying cannot create
 * an environment variable. The resolver's message names where the secret should be, never its value.
 */
export function channelSecret(ctx: NotifyContext, ref: SecretRef, where: string): string {
  try {
    return ctx.secret(ref, where);
  } catch (err) {
    // LoadedConfig.secret already names where the secret belongs; say it once.
    const message = errorMessage(err);
    throw new DeliveryError(message.startsWith(`${where}: `) ? message : `${where}: ${message}`, { permanent: true });
  }
}

/** What an HTTP endpoint answered to a delivery. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

/**
 * POSTs `body` and returns the answer, whatever its status. A timeout, refused connection or DNS
 * failure throws a transient DeliveryError naming `who` (a host, never the URL: webhook URLs are
 * credentials). Redirects are not followed: fetch would turn a redirected POST into a GET and report
 * the GET's success as a delivery.
 */
export async function postBody(
  ctx: Pick<NotifyContext, 'fetch' | 'timeoutMs'>,
  url: URL,
  body: string,
  headers: Readonly<Record<string, string>>,
  who: string,
): Promise<HttpAnswer> {
  const signal = AbortSignal.timeout(ctx.timeoutMs);
  try {
    const res = await ctx.fetch(url, { method: 'POST', body, headers: { ...headers }, signal, redirect: 'manual' });
    return { status: res.status, headers: res.headers, body: await res.text() };
  } catch (err) {
    // The cause is deliberately dropped: fetch errors may carry the request and with it the URL.
    if (signal.aborted) throw new DeliveryError(`${who}: no answer within ${ctx.timeoutMs} ms`, { permanent: false });
    throw new DeliveryError(`${who}: cannot connect (${networkCode(err)})`, { permanent: false });
  }
}

/** Whether retrying a request that got this status cannot help: 4xx except 408 (timeout) and 429 (throttled). */
export function isPermanentStatus(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/** A hint for a 3xx answer, which postBody deliberately does not follow; empty otherwise. */
export function redirectNote(status: number): string {
  return status >= 300 && status < 400 ? ' (redirect not followed: configure the final URL)' : '';
}

/** The longest `Retry-After` honoured: a misbehaving server must not be able to mute a channel for days. */
export const MAX_RETRY_AFTER_MS = 3_600_000;

/**
 * The wait a `Retry-After` header asks for, in ms: delay-seconds or an HTTP-date (measured from `now`),
 * capped at MAX_RETRY_AFTER_MS; a date in the past is 0. Undefined when the header is absent or unreadable.
 */
export function retryAfterMs(headers: Headers, now: number): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  const ms = /^\d{1,10}$/.test(value) ? Number(value) * 1000 : httpDate(value) - now;
  return Number.isNaN(ms) ? undefined : Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms));
}

/** An HTTP-date (all three RFC 9110 forms start with a day name) as epoch ms, else NaN; Date.parse alone takes "-5" for a year. */
function httpDate(value: string): number {
  return /^[A-Za-z]{3}/.test(value) ? Date.parse(value) : Number.NaN;
}

/** ` (retry after 30 s)` when the server said when to come back, else empty. */
export function retryAfterNote(headers: Headers): string {
  const value = headers.get('retry-after')?.trim();
  if (!value) return '';
  if (/^\d{1,6}$/.test(value)) return ` (retry after ${value} s)`;
  const at = httpDate(value);
  return Number.isNaN(at) ? '' : ` (retry after ${new Date(at).toISOString()})`;
}

/**
 * The first line of a server's answer, fit to quote in an error: control characters removed, at most
 * 200 characters, and any of `secrets` (a webhook token echoed back) replaced by `[redacted]`.
 */
export function answerExcerpt(body: string, secrets: readonly string[] = []): string {
  let text = body.trim().split(/\r?\n/, 1)[0] ?? '';
  for (const secret of secrets) if (secret.length >= 4) text = text.split(secret).join('[redacted]');
  text = text.replace(/[\u0000-\u001F\u007F-\u009F]/g, '');
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

/** The URL, or a permanent DeliveryError that names where it came from but never what it holds. */
export function parseHttpUrl(value: string, where: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new DeliveryError(`${where} is not a valid URL`, { permanent: true });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new DeliveryError(`${where} must be an http(s) URL`, { permanent: true });
  }
  return url;
}

function networkCode(err: unknown): string {
  const cause: unknown = err instanceof Error ? err.cause : undefined;
  const code = cause instanceof Error ? (cause as NodeJS.ErrnoException).code : undefined;
  if (typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code)) return code;
  return 'network error';
}
