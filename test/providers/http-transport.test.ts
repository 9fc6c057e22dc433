import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/core/errors.js';
import { send } from '../../src/providers/http.js';
import { fetchTransport, type HttpTransport, undiciTransport } from '../../src/providers/transport.js';
import { closedPort } from '../helpers/ports.js';
import { testProviderContext } from '../helpers/provider-context.js';

// Both transports against one real loopback server: the production one (undici `request`) and the
// fetch wrapper tests inject must answer alike, and `send` must map their failures alike.

let server: Server;
let base: string;
const seen: { method: string; url: string; body: string; header: string | undefined }[] = [];

function handle(req: IncomingMessage, res: ServerResponse): void {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (d: string) => (body += d));
  req.on('end', () => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', body, header: req.headers['x-test'] as string | undefined });
    if (req.url === '/redirect') {
      res.writeHead(302, { location: '/elsewhere' }).end();
    } else if (req.url === '/slow') {
      setTimeout(() => res.end('late'), 1_000);
    } else {
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.setHeader('x-request-id', 'req-42');
      res
        .writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ echo: body, ünïcode: '✓' }));
    }
  });
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

const transports: { name: string; make: () => HttpTransport }[] = [
  { name: 'undiciTransport', make: () => undiciTransport() },
  { name: 'fetchTransport', make: () => fetchTransport(globalThis.fetch) },
];

describe.each(transports)('$name', ({ make }) => {
  const signal = () => new AbortController().signal;

  it('sends method, headers and body, and returns status, headers by name and the whole body as text', async () => {
    seen.length = 0;
    const res = await make()({
      method: 'POST',
      url: `${base}/echo?x=1`,
      headers: { 'x-test': 'yes', 'content-type': 'application/json' },
      body: '{"a":1}',
      signal: signal(),
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ echo: '{"a":1}', ünïcode: '✓' });
    expect(res.headers.get('X-Request-Id')).toBe('req-42');
    // A repeated header reads as Headers.get reads it.
    expect(res.headers.get('set-cookie')).toBe('a=1, b=2');
    expect(res.headers.get('x-absent')).toBeNull();
    expect(seen).toEqual([{ method: 'POST', url: '/echo?x=1', body: '{"a":1}', header: 'yes' }]);
  });

  it('resolves an HTTP error status rather than rejecting', async () => {
    const res = await make()({ method: 'GET', url: `${base}/missing`, signal: signal() });
    expect(res.status).toBe(404);
  });

  it('does not follow a redirect: a signed request is never replayed to another URL', async () => {
    seen.length = 0;
    const res = await make()({ method: 'GET', url: `${base}/redirect`, signal: signal() });
    expect(res.status).toBe(302);
    expect(seen.map((s) => s.url)).toEqual(['/redirect']);
  });

  it('send() turns a refused connection into a transient network error naming the host only', async () => {
    const port = await closedPort();
    const ctx = testProviderContext({ clock: () => 0, http: make(), fetch: () => Promise.reject(new Error('fetch must not be used')) });
    const err = await send(ctx, { method: 'GET', url: `http://127.0.0.1:${port}/?Signature=secret-sig` }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: 'network', permanent: false });
    expect((err as Error).message).toBe(`cannot reach 127.0.0.1:${port}: ECONNREFUSED`);
  });

  it('send() gives up after timeoutMs with a transient timeout error', async () => {
    const ctx = testProviderContext({ clock: () => 0, http: make(), timeoutMs: 100 });
    const started = Date.now();
    const err = await send(ctx, { method: 'GET', url: `${base}/slow` }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'timeout', permanent: false });
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('send() reports a cancelled poll as permanent, not as a timeout', async () => {
    const cancel = new AbortController();
    const ctx = testProviderContext({ clock: () => 0, http: make(), signal: cancel.signal, timeoutMs: 5_000 });
    setTimeout(() => cancel.abort(), 50);
    const err = await send(ctx, { method: 'GET', url: `${base}/slow` }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'network', permanent: true });
    expect((err as Error).message).toMatch(/cancelled/);
  });
});

it('send() uses the injected fetch when the context has no transport', async () => {
  const urls: string[] = [];
  const ctx = testProviderContext({
    clock: () => 0,
    fetch: async (input) => {
      urls.push(String(input));
      return new Response('{}', { status: 200 });
    },
  });
  const res = await send(ctx, { method: 'GET', url: 'http://127.0.0.1:1/listing' });
  expect(res.text).toBe('{}');
  expect(urls).toEqual(['http://127.0.0.1:1/listing']);
});
