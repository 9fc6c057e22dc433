import type { ChannelConfig } from '../config/channels.js';
import type { SecretRef } from '../config/secret.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import type { AlertItem } from '../domain/alert.js';

/**
 * A finished compliance report carried by a digest in place of alert items. It is rendered before it
 * reaches a notifier (all text already cleaned and escaped for its medium), so a notifier only picks
 * its own form: email sends `subject`/`text`/`html`, Slack posts `slack`, a webhook posts `json`.
 */
export interface ReportMessage {
  /** One line naming the period and the fleet's compliance; the channel's subject prefix goes in front. */
  readonly subject: string;
  /** The plain-text body (the email's text part). */
  readonly text: string;
  /** A mail-safe HTML document (the email's HTML part). */
  readonly html: string;
  /** An incoming-webhook message: `text` is the notification and fallback, `blocks` Block Kit. */
  readonly slack: { readonly text: string; readonly blocks: readonly object[] };
  /** The report's versioned JSON document (webhook body field `report`). */
  readonly json: unknown;
  /** The report printed to PDF (`report.attachPdf`): email attaches it; other channels ignore it. */
  readonly pdf?: { readonly filename: string; readonly content: Uint8Array };
}

/** Everything one channel receives from one delivery round: one message, however many items. */
export interface Digest {
  readonly channel: string;
  readonly items: readonly AlertItem[];
  /** When the digest was assembled, epoch ms. */
  readonly createdAt: number;
  /** Set only for a report message (then `items` is empty); absent for every alert digest. */
  readonly report?: ReportMessage;
}

export interface NotifyContext {
  readonly clock: Clock;
  readonly fetch: typeof fetch;
  secret(ref: SecretRef, where: string): string;
  readonly log: Logger;
  /** Per-delivery timeout in ms. */
  readonly timeoutMs: number;
}

/**
 * Delivers a digest over one kind of channel. Contract: resolves only when the far side accepted the
 * message; otherwise throws DeliveryError with `permanent` true when retrying cannot help (unknown
 * webhook, rejected recipient, SMTP 5xx) and false for outages (connection refused, timeouts, 5xx,
 * 429). Error messages never include the channel's secret (webhook URL, SMTP password).
 */
export interface Notifier<C extends ChannelConfig = ChannelConfig> {
  /** The channel `type` in config. */
  readonly id: C['type'];
  send(digest: Digest, channel: C, channelName: string, ctx: NotifyContext): Promise<void>;
}
