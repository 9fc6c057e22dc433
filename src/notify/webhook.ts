import { createHmac } from 'node:crypto';
import type { z } from 'zod';
import { iso } from '../clock.js';
import type { webhookChannel } from '../config/schema.js';
import { DeliveryError } from '../errors.js';
import { answerExcerpt, channelSecret, isPermanentStatus, parseHttpUrl, postBody, redirectNote, retryAfterNote } from './delivery.js';
import { orderItems } from './render.js';
import type { AlertItem, Digest, Notifier } from './types.js';

/** A `type: webhook` channel from the config. */
export type WebhookChannel = z.infer<typeof webhookChannel>;

/** One item of the webhook body; the field names match `status --json`. */
export interface WebhookItem {
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
  readonly items: readonly WebhookItem[];
}

/** Builds the body: items in the same order a person sees them in mail and Slack. */
export function webhookBody(digest: Digest): WebhookBody {
  return {
    version: 1,
    createdAt: iso(digest.createdAt),
    channel: digest.channel,
    items: orderItems(digest.items).map((i) => ({
      kind: i.kind,
      target: i.targetId,
      rule: i.ruleId,
      state: i.state,
      severity: i.severity,
      since: iso(i.since),
      reason: i.reason,
      labels: { ...i.labels },
    })),
  };
}

/** Hex HMAC-SHA256 of the exact body bytes, as sent in `X-Signature`. */
export function signature(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('hex');
}

/**
 * POSTs the digest as JSON, signed with `X-Signature` when the channel has a secret. Any 2xx is
 * accepted; 4xx other than 408 and 429 is permanent; everything else (3xx, 408, 429, 5xx, network)
 * is transient. Errors name the host only: a URL may carry a token in its path or query.
 */
export const webhookNotifier: Notifier<WebhookChannel> = {
  id: 'webhook',
  async send(digest, channel, channelName, ctx) {
    const url = parseHttpUrl(channel.url, `channels.${channelName}.url`);
    const who = `webhook (${url.host})`;
    const body = JSON.stringify(webhookBody(digest));
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'backup-auditor' };
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
    const detail = `${answer.status}${said === '' ? '' : ` ${JSON.stringify(said)}`}${redirectNote(answer.status)}${retryAfterNote(answer.headers)}`;
    throw new DeliveryError(`${who}: ${detail}`, { permanent: isPermanentStatus(answer.status) });
  },
};
