import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeliveryError } from '../../src/core/errors.js';
import { testDigest } from '../../src/notify/test-message.js';
import { type WebhookBody, type WebhookChannel, webhookNotifier } from '../../src/notify/webhook.js';
import { alertItem, deliveryError, digest, NOW, notifyContext } from '../helpers/alerts.js';
import { type HttpSink, type RecordedRequest, type SinkAnswer, startHttpSink } from '../helpers/http-sink.js';

const SECRET = 'whsec-0123456789abcdef';

let sink: HttpSink | undefined;
afterEach(async () => {
  await sink?.close();
  sink = undefined;
});

async function hookSink(answers: SinkAnswer[] = [], secret: string | null = SECRET): Promise<{ sink: HttpSink; channel: WebhookChannel }> {
  sink = await startHttpSink(answers);
  const channel: WebhookChannel = { type: 'webhook', url: `${sink.url}/backup-auditor?token=q-secret`, ...(secret ? { secret } : {}) };
  return { sink, channel };
}

async function failure(p: Promise<unknown>): Promise<DeliveryError> {
  const e = await deliveryError(p);
  expect(e.message).not.toContain('q-secret');
  expect(e.message).not.toContain(SECRET);
  return e;
}

/** What a receiver does: recompute the HMAC over the raw body and compare in constant time. */
function verifies(body: string, signature: string, secret: string): boolean {
  const want = Buffer.from(createHmac('sha256', secret).update(body).digest('hex'));
  const got = Buffer.from(signature);
  return want.length === got.length && timingSafeEqual(want, got);
}

/** The receiver's whole check, as webhookNotifier's TSDoc describes it: signature, then freshness. */
function accepts(req: RecordedRequest, secret: string, receiverNowMs: number, maxSkewS = 300): boolean {
  if (!verifies(req.body, String(req.headers['x-signature']), secret)) return false;
  const ts = Number(req.headers['x-timestamp']);
  const signedTs = Date.parse((JSON.parse(req.body) as WebhookBody).createdAt) / 1000;
  return ts === signedTs && Math.abs(receiverNowMs / 1000 - ts) <= maxSkewS;
}

describe('webhook notifier against an HTTP sink', () => {
  it('posts version-1 JSON with every item, signed so the receiver can verify it with the secret', async () => {
    const { sink, channel } = await hookSink();
    const items = [
      alertItem({ kind: 'resolved', targetId: 'crm-db' }),
      alertItem({ targetId: 'orders-pg', reason: '<b>"hostile"</b> 🔥' }),
    ];
    await webhookNotifier.send(digest(items, 'audit-hook'), channel, 'audit-hook', notifyContext());

    const req = sink.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.headers['content-type']).toBe('application/json');
    expect(verifies(req.body, String(req.headers['x-signature']), SECRET)).toBe(true);
    expect(verifies(req.body, String(req.headers['x-signature']), 'wrong-secret')).toBe(false);
    const body = JSON.parse(req.body) as WebhookBody;
    expect(body).toMatchObject({ version: 1, createdAt: '2026-03-02T08:00:00Z', channel: 'audit-hook' });
    expect(body.items.map((i) => i.target)).toEqual(['orders-pg', 'crm-db']);
    expect(body.items[0]).toEqual({
      kind: 'firing',
      target: 'orders-pg',
      rule: 'recent-success',
      state: 'alarm',
      severity: 'critical',
      since: '2026-03-02T06:30:00Z',
      reason: '<b>"hostile"</b> 🔥',
      labels: { team: 'payments', env: 'prod' },
    });
  });

  it('sends X-Timestamp in unix seconds, matching the signed createdAt, so a receiver can reject stale deliveries', async () => {
    const { sink, channel } = await hookSink();
    await webhookNotifier.send({ ...digest([alertItem()]), createdAt: NOW + 750 }, channel, 'audit-hook', notifyContext());

    const req = sink.requests[0]!;
    expect(req.headers['x-timestamp']).toBe(String(NOW / 1000));
    expect(accepts(req, SECRET, NOW + 60_000)).toBe(true);
    expect(accepts(req, SECRET, NOW + 10 * 60_000)).toBe(false);
    expect(accepts({ ...req, headers: { ...req.headers, 'x-timestamp': String(NOW / 1000 + 3600) } }, SECRET, NOW + 3600_000)).toBe(false);
    expect(accepts({ ...req, body: req.body.replace('2026-03-02T08:00:00Z', '2026-03-02T09:00:00Z') }, SECRET, NOW)).toBe(false);
  });

  it('marks a test message as a test in the body and in its item', async () => {
    const { sink, channel } = await hookSink();
    await webhookNotifier.send(
      testDigest({ channel: 'audit-hook', configPath: '/etc/ba.yaml', host: 'ops-1' }, NOW),
      channel,
      'audit-hook',
      notifyContext(),
    );

    const body = JSON.parse(sink.requests[0]!.body) as WebhookBody;
    expect(body.test).toBe(true);
    expect(body.items).toHaveLength(1);
    expect(body.items[0]).toMatchObject({ kind: 'test', state: 'ok' });
    expect(body.items[0]?.reason).toMatch(/config \/etc\/ba\.yaml, channel "audit-hook".*No action is needed/);
  });

  it('leaves the test flag out of ordinary alerts', async () => {
    const { sink, channel } = await hookSink();
    await webhookNotifier.send(digest([alertItem()]), channel, 'audit-hook', notifyContext());
    expect(JSON.parse(sink.requests[0]!.body)).not.toHaveProperty('test');
  });

  it('sends no signature header when the channel has no secret', async () => {
    const { sink, channel } = await hookSink([], null);
    await webhookNotifier.send(digest([alertItem()]), channel, 'audit-hook', notifyContext());
    expect(sink.requests[0]?.headers['x-signature']).toBeUndefined();
  });

  it('accepts any 2xx answer', async () => {
    const { sink, channel } = await hookSink([{ status: 204, body: '' }]);
    await webhookNotifier.send(digest([alertItem()]), channel, 'audit-hook', notifyContext());
    expect(sink.requests).toHaveLength(1);
  });

  it('treats 410 as permanent and names the host only', async () => {
    const { sink, channel } = await hookSink([{ status: 410, body: 'gone' }]);
    const err = await failure(webhookNotifier.send(digest([alertItem()]), channel, 'audit-hook', notifyContext()));
    expect(err.permanent).toBe(true);
    expect(err.message).toBe(`webhook (127.0.0.1:${sink.port}): 410 "gone"`);
  });

  it('treats 503 as transient', async () => {
    const { channel } = await hookSink([{ status: 503, body: 'maintenance', headers: { 'retry-after': '120' } }]);
    const err = await failure(webhookNotifier.send(digest([alertItem()]), channel, 'audit-hook', notifyContext()));
    expect(err.permanent).toBe(false);
    expect(err.message).toContain('503 "maintenance" (retry after 120 s)');
    expect(err.retryAfterMs).toBe(120_000);
  });

  it('reads a Retry-After given as an HTTP date against the injected clock', async () => {
    const { channel } = await hookSink([{ status: 429, headers: { 'retry-after': new Date(NOW + 90_000).toUTCString() } }]);
    const err = await failure(webhookNotifier.send(digest([alertItem()]), channel, 'audit-hook', notifyContext()));
    expect(err.retryAfterMs).toBe(90_000);
  });

  it('ignores Retry-After on a permanent failure', async () => {
    const { channel } = await hookSink([{ status: 404, headers: { 'retry-after': '60' } }]);
    const err = await failure(webhookNotifier.send(digest([alertItem()]), channel, 'audit-hook', notifyContext()));
    expect(err.permanent).toBe(true);
    expect(err.retryAfterMs).toBeUndefined();
  });

  it.each([408, 429])('treats %i as transient', async (status) => {
    const { channel } = await hookSink([{ status }]);
    const err = await failure(webhookNotifier.send(digest([alertItem()]), channel, 'audit-hook', notifyContext()));
    expect(err.permanent).toBe(false);
  });

  it('does not follow a redirect, which would turn the POST into a GET', async () => {
    const { sink, channel } = await hookSink([{ status: 302, headers: { location: '/elsewhere' } }]);
    const err = await failure(webhookNotifier.send(digest([alertItem()]), channel, 'audit-hook', notifyContext()));
    expect(err.permanent).toBe(false);
    expect(err.message).toContain('302 (redirect not followed');
    expect(sink.requests).toHaveLength(1);
  });

  it('does not echo the secret or the URL token when the receiver does', async () => {
    const { channel } = await hookSink([{ status: 400, body: `bad signature for ${SECRET} at ?token=q-secret` }]);
    const err = await failure(webhookNotifier.send(digest([alertItem()]), channel, 'audit-hook', notifyContext()));
    expect(err.permanent).toBe(true);
    expect(err.message).toContain('[redacted]');
  });
});
