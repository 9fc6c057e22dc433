import { ProviderError } from '../core/errors.js';
import { fetchTransport, type HttpRequest, type HttpResponse } from './transport.js';
import type { ProviderContext } from './types.js';

export type { HttpRequest, HttpResponse } from './transport.js';

/** Sends one request with the context's timeout; network failures become transient ProviderErrors. */
export async function send(ctx: ProviderContext, req: HttpRequest): Promise<HttpResponse> {
  // The rate-limit wait comes first: it must not eat into the request's own timeout.
  if (ctx.throttle) await ctx.throttle();
  // A controller and a timer, not AbortSignal.timeout(): that one costs a transferable object and a
  // timer left running for the whole timeout after every request.
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), ctx.timeoutMs);
  const signal = ctx.signal ? AbortSignal.any([ctx.signal, timeout.signal]) : timeout.signal;
  try {
    return await (ctx.http ?? fetchTransport(ctx.fetch))({ ...req, signal });
  } catch (err) {
    // Parsed only here: every request of every poll passes through, nearly all of them answered.
    const host = safeHost(req.url);
    if (timeout.signal.aborted)
      throw new ProviderError('timeout', `no answer from ${host} within ${ctx.timeoutMs} ms`, { permanent: false });
    if (ctx.signal?.aborted) throw new ProviderError('network', `request to ${host} cancelled`, { permanent: true, cause: err });
    const e = err as { code?: string; cause?: { code?: string }; message?: string };
    const cause = e.cause?.code ?? e.code ?? e.message;
    throw new ProviderError('network', `cannot reach ${host}: ${cause}`, { permanent: false });
  } finally {
    clearTimeout(timer);
  }
}

/** Host and port only: URLs may carry signatures or keys in their query. */
export function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(invalid URL)';
  }
}

export interface RetryPolicy {
  /** Total attempts including the first. */
  readonly attempts: number;
  readonly baseMs: number;
  readonly maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseMs: 500, maxMs: 20_000 };

/**
 * Runs `call`, retrying transient ProviderErrors with exponential backoff and full jitter
 * (honouring a server's retry-after when longer). Permanent errors and non-provider errors are not retried.
 */
export async function withRetry<T>(ctx: ProviderContext, call: () => Promise<T>, policy: RetryPolicy = DEFAULT_RETRY): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof ProviderError) || err.permanent || attempt >= policy.attempts) throw err;
      const backoff = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
      const wait = Math.max(err.retryAfterMs ?? 0, Math.round(backoff / 2 + (ctx.random() * backoff) / 2));
      ctx.log.debug({ attempt, waitMs: wait, kind: err.kind, code: err.code }, 'provider call failed, retrying');
      await ctx.sleep(wait);
    }
  }
}

/** Parses a JSON body, or throws `invalid-response` naming the host (not the URL, which may be signed). */
export function parseJsonBody(res: HttpResponse, url: string): unknown {
  try {
    return JSON.parse(res.text);
  } catch {
    throw new ProviderError(
      'invalid-response',
      `${safeHost(url)} answered HTTP ${res.status} with a body that is not JSON (${res.text.length} bytes)`,
      {
        permanent: false, // truncated bodies happen in transit; a retry often gets the whole page
        httpStatus: res.status,
      },
    );
  }
}

/**
 * `withRetry` for one page of a listing: a body that stays unreadable for the whole retry budget then
 * becomes permanent for this poll (the port's contract for `invalid-response`), so outer layers do not
 * multiply the retries.
 */
export async function withPageRetry<T>(ctx: ProviderContext, call: () => Promise<T>, policy: RetryPolicy = DEFAULT_RETRY): Promise<T> {
  try {
    return await withRetry(ctx, call, policy);
  } catch (err) {
    if (err instanceof ProviderError && err.kind === 'invalid-response' && !err.permanent) {
      throw new ProviderError('invalid-response', `${err.message}; gave up after ${policy.attempts} attempts`, {
        permanent: true,
        ...(err.httpStatus !== undefined && { httpStatus: err.httpStatus }),
        ...(err.requestId !== undefined && { requestId: err.requestId }),
        cause: err,
      });
    }
    throw err;
  }
}
