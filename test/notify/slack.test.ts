import { afterEach, describe, expect, it } from 'vitest';
import type { DeliveryError } from '../../src/core/errors.js';
import { type SlackChannel, slackNotifier } from '../../src/notify/slack.js';
import { SLACK_LIMITS, type SlackPayload } from '../../src/notify/slack-format.js';
import { alertItem, deliveryError, digest, notifyContext } from '../helpers/alerts.js';
import { type HttpSink, type SinkAnswer, startHttpSink } from '../helpers/http-sink.js';

const TOKEN_PATH = '/services/T0001/B0002/sEcReTtOkEn0123456789';

let sink: HttpSink | undefined;
afterEach(async () => {
  await sink?.close();
  sink = undefined;
});

async function slackSink(answers: SinkAnswer[] = []): Promise<{ sink: HttpSink; channel: SlackChannel }> {
  sink = await startHttpSink(answers);
  return { sink, channel: { type: 'slack', webhook: `${sink.url}${TOKEN_PATH}` } };
}

async function failure(p: Promise<unknown>): Promise<DeliveryError> {
  const e = await deliveryError(p);
  expect(e.message).not.toContain('sEcReTtOkEn');
  expect(e.message).not.toContain('/services/');
  return e;
}

const payloadOf = (s: HttpSink, i = 0): SlackPayload => JSON.parse(s.requests[i]?.body ?? 'null') as SlackPayload;
const sectionTexts = (p: SlackPayload): string[] => p.blocks.flatMap((b) => (b.type === 'section' ? [b.text.text] : []));

describe('slack notifier against a webhook sink', () => {
  it('posts Block Kit JSON with a summary and one section per item', async () => {
    const { sink, channel } = await slackSink();
    const items = [alertItem({ targetId: 'orders-pg' }), alertItem({ kind: 'resolved', targetId: 'crm-db', ruleId: 'failed-backup' })];
    await slackNotifier.send(digest(items), channel, 'db-slack', notifyContext());

    expect(sink.requests).toHaveLength(1);
    const req = sink.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe(TOKEN_PATH);
    expect(req.headers['content-type']).toMatch(/^application\/json/);
    const payload = payloadOf(sink);
    expect(payload.text).toContain('CRITICAL: 1 firing, 1 resolved');
    expect(payload.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text' } });
    const sections = sectionTexts(payload);
    expect(sections).toHaveLength(2);
    expect(sections[0]).toContain('orders-pg');
    expect(sections[0]).toContain('recent-success');
    expect(sections[1]).toContain('crm-db');
    expect(sections[1]).toContain('RESOLVED');
  });

  it('escapes mentions and links in provider text so they can neither ping nor link', async () => {
    const { sink, channel } = await slackSink();
    const reason = 'ping <!channel> and <http://evil|click> & <@U123>';
    await slackNotifier.send(digest([alertItem({ reason, targetId: '<!here>' })]), channel, 'db-slack', notifyContext());

    const section = sectionTexts(payloadOf(sink))[0] ?? '';
    expect(section).toContain('ping &lt;!channel&gt; and &lt;http://evil|click&gt; &amp; &lt;@U123&gt;');
    expect(section).toContain('&lt;!here&gt;');
    expect(sink.requests[0]?.body).not.toMatch(/<!channel>|<http:\/\/evil|<!here>|<@U123>/);
    expect(payloadOf(sink).text).not.toContain('<!here>');
  });

  it('stays within Slack limits for many items and very long text', async () => {
    const { sink, channel } = await slackSink();
    const items = Array.from({ length: 120 }, (_, i) =>
      alertItem({ targetId: `db-${String(i).padStart(3, '0')}-${'&'.repeat(300)}`, reason: '<'.repeat(5000) }),
    );
    await slackNotifier.send(digest(items), channel, 'db-slack', notifyContext());

    const payload = payloadOf(sink);
    expect(payload.blocks).toHaveLength(SLACK_LIMITS.blocks);
    // header + context + 47 items + the "more" line = 50 blocks.
    expect(sectionTexts(payload)).toHaveLength(47);
    expect(JSON.stringify(payload.blocks.at(-1))).toContain('…and 73 more');
    for (const text of sectionTexts(payload)) expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(payload.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
    expect(payload.text).toMatch(/…and \d+ more$/);
    // Truncation never leaves half an entity behind.
    for (const text of sectionTexts(payload)) expect(text).not.toMatch(/&(a|am|amp|l|lt)?…/);
  });

  it('treats 404 no_service as permanent and names the host only', async () => {
    const { sink, channel } = await slackSink([{ status: 404, body: 'no_service' }]);
    const err = await failure(slackNotifier.send(digest([alertItem()]), channel, 'db-slack', notifyContext()));
    expect(err.permanent).toBe(true);
    expect(err.message).toBe(`slack webhook (127.0.0.1:${sink.port}): 404 no_service`);
  });

  it.each([
    [400, 'invalid_payload'],
    [403, 'action_prohibited'],
    [410, 'channel_is_archived'],
  ])('treats %i %s as permanent', async (status, body) => {
    const { channel } = await slackSink([{ status, body }]);
    const err = await failure(slackNotifier.send(digest([alertItem()]), channel, 'db-slack', notifyContext()));
    expect(err.permanent).toBe(true);
    expect(err.message).toContain(`${status} ${body}`);
  });

  it('treats 500 as transient', async () => {
    const { channel } = await slackSink([{ status: 500, body: 'internal_error' }]);
    const err = await failure(slackNotifier.send(digest([alertItem()]), channel, 'db-slack', notifyContext()));
    expect(err.permanent).toBe(false);
    expect(err.message).toContain('500 internal_error');
  });

  it('treats 429 as transient and reports Retry-After', async () => {
    const { channel } = await slackSink([{ status: 429, body: 'rate_limited', headers: { 'retry-after': '30' } }]);
    const err = await failure(slackNotifier.send(digest([alertItem()]), channel, 'db-slack', notifyContext()));
    expect(err.permanent).toBe(false);
    expect(err.message).toContain('throttled (429 rate_limited) (retry after 30 s)');
    expect(err.retryAfterMs).toBe(30_000);
  });

  it('caps a very long Retry-After at one hour', async () => {
    const { channel } = await slackSink([{ status: 429, body: 'rate_limited', headers: { 'retry-after': '86400' } }]);
    const err = await failure(slackNotifier.send(digest([alertItem()]), channel, 'db-slack', notifyContext()));
    expect(err.retryAfterMs).toBe(3_600_000);
  });

  it('treats a 200 whose body is not "ok" as a transient failure, without echoing the token', async () => {
    const { channel } = await slackSink([{ status: 200, body: `unexpected: ${TOKEN_PATH}` }]);
    const err = await failure(slackNotifier.send(digest([alertItem()]), channel, 'db-slack', notifyContext()));
    expect(err.permanent).toBe(false);
    expect(err.message).toContain('answered 200 without "ok": "unexpected: [redacted]"');
  });

  it('treats a timeout as transient', async () => {
    const { channel } = await slackSink([{ status: 200, body: 'ok', delayMs: 1000 }]);
    const err = await failure(slackNotifier.send(digest([alertItem()]), channel, 'db-slack', notifyContext({ timeoutMs: 100 })));
    expect(err.permanent).toBe(false);
    expect(err.message).toMatch(/no answer within 100 ms$/);
  });

  it('treats a refused connection as transient', async () => {
    const { sink: s, channel } = await slackSink();
    await s.close();
    sink = undefined;
    const err = await failure(slackNotifier.send(digest([alertItem()]), channel, 'db-slack', notifyContext()));
    expect(err.permanent).toBe(false);
    expect(err.message).toBe(`slack webhook (127.0.0.1:${s.port}): cannot connect (ECONNREFUSED)`);
  });
});
