import { z } from 'zod';
import { type Severity, severity } from './finding.js';

/** Why an item is in a message. `test` is a `notify test` message: it reports nothing and needs no action. */
export const ALERT_KINDS = ['firing', 'resolved', 'reminder', 'test'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** What an outbox row carries: an alert item, or a whole report. */
export const NOTIFICATION_KINDS = [...ALERT_KINDS, 'report'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** The finding's state an alert speaks of: `alarm` for firing and reminders, `ok` for resolved and test. */
export const ALERT_STATES = ['ok', 'alarm'] as const;

/** One (target, rule) line of a digest. All text fields may hold hostile provider text: renderers escape. */
export interface AlertItem {
  readonly kind: AlertKind;
  readonly targetId: string;
  readonly ruleId: string;
  readonly severity: Severity;
  readonly state: (typeof ALERT_STATES)[number];
  readonly reason: string;
  /** When the finding entered this state, epoch ms. */
  readonly since: number;
  readonly labels: Readonly<Record<string, string>>;
}

/** An AlertItem as it crosses a queue to whichever worker sends it. */
export const alertItemSchema: z.ZodType<AlertItem> = z.strictObject({
  kind: z.enum(ALERT_KINDS),
  targetId: z.string(),
  ruleId: z.string(),
  severity,
  state: z.enum(ALERT_STATES),
  reason: z.string(),
  since: z.number(),
  labels: z.record(z.string(), z.string()),
});
