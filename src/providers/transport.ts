import { type Dispatcher, request } from 'undici';

export interface HttpRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/** What providers read of a response's headers: one by name, case-insensitive, as `Headers.get` does. */
export interface ResponseHeaders {
  get(name: string): string | null;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: ResponseHeaders;
  readonly text: string;
}

/**
 * Sends one provider request and reads the whole body. Never follows redirects (a signed URL must not
 * be replayed elsewhere). Rejects on network failure or when `signal` aborts, with the error's
 * `code` (or `cause.code`) naming what failed; any HTTP status resolves.
 */
export type HttpTransport = (req: HttpRequest & { readonly signal: AbortSignal }) => Promise<HttpResponse>;

/** A transport over a WHATWG fetch: what tests inject to count, delay or break requests. */
export function fetchTransport(fetcher: typeof fetch): HttpTransport {
  return async (req) => {
    const res = await fetcher(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      signal: req.signal,
      redirect: 'manual',
    });
    return { status: res.status, headers: res.headers, text: await res.text() };
  };
}

/**
 * The production transport: undici's `request`, the engine under Node's own fetch without the WHATWG
 * streams around it. The daemon sends a request for every page of every poll, and those streams
 * make each fetch cost more main-thread time than storing the page it returned; `request` skips
 * them. Connections are kept alive per origin by the dispatcher (undici's global one unless given).
 */
export function undiciTransport(dispatcher?: Dispatcher): HttpTransport {
  return async (req) => {
    const res = await request(req.url, {
      method: req.method,
      ...(req.headers && { headers: req.headers }),
      ...(req.body !== undefined && { body: req.body }),
      signal: req.signal,
      ...(dispatcher && { dispatcher }),
    });
    const text = await res.body.text();
    return { status: res.statusCode, headers: headerReader(res.headers), text };
  };
}

/**
 * undici's own header object (names in lower case) read as `Headers.get` would: repeated values joined
 * with `, `. Providers read one or two headers of an error at most, so no `Headers` is built per response.
 */
function headerReader(raw: Readonly<Record<string, string | string[] | undefined>>): ResponseHeaders {
  return {
    get(name) {
      const value = raw[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
  };
}
