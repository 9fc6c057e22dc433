import { createHmac } from 'node:crypto';
import type { z } from 'zod';
import type { webhookChannel } from '../config/channels.js';
import { iso } from '../core/clock.js';
import { DeliveryError } from '../core/errors.js';
import { MAX_TEXT, plainData, plainText } from '../core/text.js';
import type { AlertItem } from '../domain/alert.js';
import {
  answerExcerpt,
  channelSecret,
  isPermanentStatus,
  parseHttpUrl,
  postBody,
  redirectNote,
  retryAfterMs,
  retryAfterNote,
} from './http.js';
import { orderItems } from './render.js';
import type { Digest, Notifier } from './types.js';

/** A `type: webhook` channel from the config. */
export type WebhookChannel = z.infer<typeof webhookChannel>;

/** One item of the webhook body; the field names match `status --json`. */
export interface WebhookItem {
  /** `firing`, `reminder`, `resolved`, or `test` for a `notify test` message that needs no action. */
  readonly kind: AlertItem['kind'];
  readonly target: string;
  readonly rule: string;
  readonly state: AlertItem['state'];
  readonly severity: AlertItem['severity'];
  /** ISO-8601 UTC. */
  readonly since: string;
  readonly reason: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** The JSON body, version 1. Receivers check `version` before reading anything else. */
export interface WebhookBody {
  readonly version: 1;
  /** ISO-8601 UTC: lets a receiver reject stale or replayed deliveries, since it is covered by the signature. */
  readonly createdAt: string;
  readonly channel: string;
  /** Present, and true, only on a `notify test` message: acknowledge it, alert nobody. */
  readonly test?: true;
  readonly items: readonly WebhookItem[];
  /** Present only on a compliance report (then `items` is empty): the report's JSON, `version` 1 (src/report/types.ts). */
  readonly report?: unknown;
}

/**
 * Builds the body: items in the same order a person sees them in mail and Slack, control characters
 * removed from every string, and reasons, which may quote a provider, cut to MAX_TEXT characters.
 */
export function webhookBody(digest: Digest): WebhookBody {
  return plainData<WebhookBody>({
    version: 1,
    createdAt: iso(digest.createdAt),
    channel: digest.channel,
    ...(isTestDigest(digest) ? { test: true as const } : {}),
    ...(digest.report ? { report: digest.report.json } : {}),
    items: orderItems(digest.items).map((i) => ({
      kind: i.kind,
      target: i.targetId,
      rule: i.ruleId,
      state: i.state,
      severity: i.severity,
      since: iso(i.since),
      reason: plainText(i.reason, MAX_TEXT),
      labels: { ...i.labels },
    })),
  });
}

/** Hex HMAC-SHA256 of the exact body bytes, as sent in `X-Signature`. */
export function signature(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('hex');
}

/** `X-Timestamp`: the digest's createdAt in unix seconds, the same instant as the body's signed `createdAt`. */
export function timestampHeader(digest: Digest): string {
  return String(Math.floor(digest.createdAt / 1000));
}

/** A digest made only of `notify test` items. */
function isTestDigest(digest: Digest): boolean {
  return digest.items.length > 0 && digest.items.every((i) => i.kind === 'test');
}

/**
 * POSTs the digest as JSON with `X-Timestamp` (unix seconds) and, when the channel has a secret,
 * `X-Signature` (hex HMAC-SHA256 of the exact body bytes). Any 2xx is accepted; 4xx other than 408
 * and 429 is permanent; everything else (3xx, 408, 429, 5xx, network) is transient, carrying the
 * answer's `Retry-After` as `retryAfterMs`. Errors name the host only: a URL may carry a token in its
 * path or query.
 *
 * How a receiver verifies a delivery:
 * 1. Read the raw body bytes before any JSON parsing (re-serialising changes the bytes).
 * 2. Compute the hex HMAC-SHA256 of those bytes with the shared secret and compare it with
 *    `X-Signature` in constant time (`crypto.timingSafeEqual` on equal-length buffers); reject on mismatch.
 * 3. Reject stale deliveries: `X-Timestamp` more than a few minutes from the receiver's clock
 *    (5 minutes is usual). The header itself is not signed; the body's `createdAt` is, and names the
 *    same second, so a strict receiver also checks `Date.parse(body.createdAt) / 1000 === X-Timestamp`.
 * Every attempt is assembled and signed afresh with its own `createdAt`, so a retried delivery is never
 * stale. Delivery is at-least-once: when an answer is lost, the same items arrive again in a later body.
 */
export const webhookNotifier: Notifier<WebhookChannel> = {
  id: 'webhook',
  async send(digest, channel, channelName, ctx) {
    const url = parseHttpUrl(channel.url, `channels.${channelName}.url`);
    const who = `webhook (${url.host})`;
    const body = JSON.stringify(webhookBody(digest));
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'backup-auditor',
      'x-timestamp': timestampHeader(digest),
    };
    const secrets = [channel.url, url.pathname, url.search];
    if (channel.secret !== undefined) {
      const key = channelSecret(ctx, channel.secret, `channels.${channelName}.secret`);
      headers['x-signature'] = signature(body, key);
      secrets.push(key);
    }
    const answer = await postBody(ctx, url, body, headers, who);
    if (answer.status >= 200 && answer.status < 300) {
      ctx.log.debug({ channel: channelName, host: url.host, status: answer.status }, 'webhook delivered');
      return;
    }
    const said = answerExcerpt(answer.body, secrets);
    const quoted = said === '' ? '' : ` ${JSON.stringify(said)}`;
    const detail = `${answer.status}${quoted}${redirectNote(answer.status)}${retryAfterNote(answer.headers)}`;
    const permanent = isPermanentStatus(answer.status);
    throw new DeliveryError(`${who}: ${detail}`, {
      permanent,
      retryAfterMs: permanent ? undefined : retryAfterMs(answer.headers, ctx.clock()),
    });
  },
};
