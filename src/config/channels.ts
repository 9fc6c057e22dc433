import { z } from 'zod';
import { duration } from '../core/duration.js';
import { secretRef } from './secret.js';

// Where findings go: channels, the routes that pick them, and the heartbeat an outside monitor hears.

const url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

export const emailChannel = z.strictObject({
  type: z.literal('email'),
  smtp: secretRef,
  from: z.string().min(3),
  to: z.array(z.email()).min(1),
  cc: z.array(z.email()).default([]),
  subjectPrefix: z.string().default('[backup-auditor]'),
  sendResolved: z.boolean().optional(),
  /** smtp:// only: refuse to send unless the server upgrades with STARTTLS (smtps:// is always TLS). */
  requireTls: z.boolean().default(false),
  /** `false` accepts a relay's self-signed or otherwise unverifiable certificate. */
  tlsRejectUnauthorized: z.boolean().default(true),
});
export const slackChannel = z.strictObject({
  type: z.literal('slack'),
  webhook: secretRef,
  sendResolved: z.boolean().optional(),
});
export const webhookChannel = z.strictObject({
  type: z.literal('webhook'),
  url,
  secret: secretRef.optional(),
  sendResolved: z.boolean().optional(),
});
export const channel = z.discriminatedUnion('type', [emailChannel, slackChannel, webhookChannel]);
export type ChannelConfig = z.infer<typeof channel>;

const regex = z.string().refine(
  (r) => {
    try {
      new RegExp(r);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a valid regular expression' },
);

export const route = z.strictObject({
  /** `severity`, `rule` and `target` match those fields; any other key matches a target label. Exact. */
  match: z.record(z.string(), z.string()).default({}),
  /** Like `match`, with regular expressions that must match the whole value. */
  matchRe: z.record(z.string(), regex).default({}),
  channels: z.array(z.string().min(1)).min(1),
  continue: z.boolean().default(false),
  /** Reminder interval while a finding routed here stays in alarm; default `alerting.repeatInterval`. */
  repeatInterval: duration.optional(),
});
export type RouteConfig = z.infer<typeof route>;

/**
 * A dead-man's switch: after each poll cycle the auditor pings `url` the healthchecks.io way (`/start`
 * when a cycle begins, the bare url when it finished healthy, `/fail` when it was blind), so an outside
 * monitor alarms when the auditor stops or degrades. The url is a secret: it lets anyone report for us.
 */
export const heartbeat = z.strictObject({ url: secretRef, timeout: duration.default(10_000) });
export type HeartbeatConfig = z.infer<typeof heartbeat>;
