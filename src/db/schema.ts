import { sql } from 'drizzle-orm';
import { blob, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { NOTIFICATION_KINDS } from '../domain/alert.js';
import { BACKUP_KINDS, BACKUP_STATUSES, BACKUP_TRIGGERS } from '../domain/backup.js';
import { FINDING_STATES, SEVERITIES } from '../domain/finding.js';

// Instants are epoch milliseconds (UTC) in INTEGER columns: exact, sortable, cheap to compare in rules.

// The discovery tables live in their own file; re-exported so `import * as schema` (src/db/client.ts) holds every table.
export { backupPolicies, discoveredInstances, discoveryRuns } from './schema-discovery.js';
export { drills } from './schema-drills.js';
export { evidenceChain } from './schema-evidence.js';
export { pollPageBlobs, pollPages } from './schema-pages.js';

/** One row per finished poll attempt of a target, written in the same transaction as what it saw. */
export const pollRuns = sqliteTable(
  'poll_runs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    targetId: text('target_id').notNull(),
    /** The schedule slot (`2026-11-23T10:30:00Z`) a scheduled poll belongs to: ingesting a slot twice writes it once. */
    slot: text('slot'),
    startedAt: integer('started_at').notNull(),
    finishedAt: integer('finished_at').notNull(),
    /** `ok` or `error`. */
    outcome: text('outcome', { enum: ['ok', 'error'] }).notNull(),
    errorKind: text('error_kind'),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    /** The provider's request id of a failed poll, for its support desk. */
    requestId: text('request_id'),
    /** 1 when waiting cannot fix the failure (auth, not found, rejected request, bad config); null for polls before it was kept. */
    errorPermanent: integer('error_permanent', { mode: 'boolean' }),
    pages: integer('pages').notNull().default(0),
    items: integer('items').notNull().default(0),
    /** Items kept with fields that could not be parsed (status `unknown`, times or sizes null). */
    problemItems: integer('problem_items').notNull().default(0),
    /** The first few of those problems, JSON array of strings, for `status` and audits. */
    problems: text('problems'),
    /** SHA-256 (32 bytes) of the normalized listing: polls that saw the same are one run (src/db/poll-runs.ts). */
    contentHash: blob('content_hash', { mode: 'buffer' }),
    /** Listing pages whose bodies were not kept: past the per-poll cap (MAX_KEPT_BODY_BYTES in src/domain/poll.ts). */
    pagesNotKept: integer('pages_not_kept').notNull().default(0),
    /**
     * A run of identical successful polls is one row (src/db/poll-runs.ts): how many polls it holds, null
     * for a row that is one poll and never a run (a failed poll, or one written before runs were kept).
     */
    polls: integer('polls'),
    /** When the run's last poll finished; `finished_at` is its first's. */
    lastFinishedAt: integer('last_finished_at'),
    /** The longest time between two consecutive polls of the run: the proof it was watched without a gap. */
    maxGapMs: integer('max_gap_ms'),
    /** The schedule slot of the run's last poll, so a redelivered last slot is ingested once. */
    lastSlot: text('last_slot'),
    /** 1 while the run can still grow; it is chained when sealed (src/db/poll-runs.ts). */
    open: integer('open', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [
    index('poll_runs_target_finished').on(t.targetId, t.finishedAt),
    uniqueIndex('poll_runs_target_slot').on(t.targetId, t.slot),
    index('poll_runs_open').on(t.targetId).where(sql`open = 1`),
  ],
);

/** Current state of each backup a provider reported, per target. */
export const backups = sqliteTable(
  'backups',
  {
    targetId: text('target_id').notNull(),
    backupId: text('backup_id').notNull(),
    name: text('name'),
    kind: text('kind', { enum: BACKUP_KINDS }).notNull(),
    trigger: text('trigger', { enum: BACKUP_TRIGGERS }).notNull(),
    status: text('status', { enum: BACKUP_STATUSES }).notNull(),
    rawStatus: text('raw_status').notNull(),
    startedAt: integer('started_at'),
    endedAt: integer('ended_at'),
    sizeBytes: integer('size_bytes'),
    /**
     * The provider's item as received (JSON), with download links and other secrets removed; null when
     * the page that listed it is kept whole (the poll_pages of `last_seen_poll`), which holds it already.
     */
    raw: text('raw'),
    firstSeenAt: integer('first_seen_at').notNull(),
    firstSeenPoll: integer('first_seen_poll')
      .notNull()
      .references(() => pollRuns.id),
    /**
     * When a poll last wrote the row. Polls that join a run (pages kept) leave it as the run's first wrote it:
     * the last sighting is the later of this and that run's `last_finished_at` (LAST_SIGHTING in poll-runs.ts).
     */
    lastSeenAt: integer('last_seen_at').notNull(),
    lastSeenPoll: integer('last_seen_poll')
      .notNull()
      .references(() => pollRuns.id),
  },
  (t) => [
    primaryKey({ columns: [t.targetId, t.backupId] }),
    index('backups_target_ended').on(t.targetId, t.endedAt),
    // Live evaluation reads "newest/oldest completed of each kind" and "running" through this index.
    index('backups_target_status_kind_ended').on(t.targetId, t.status, t.kind, t.endedAt),
  ],
);

/** First sighting and every status change of a backup: the evidence behind any past evaluation. */
export const backupEvents = sqliteTable(
  'backup_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    targetId: text('target_id').notNull(),
    backupId: text('backup_id').notNull(),
    pollId: integer('poll_id')
      .notNull()
      .references(() => pollRuns.id),
    at: integer('at').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    rawStatus: text('raw_status').notNull(),
  },
  (t) => [index('backup_events_target_at').on(t.targetId, t.at)],
);

/** Current state of each (target, rule). */
export const findings = sqliteTable(
  'findings',
  {
    targetId: text('target_id').notNull(),
    ruleId: text('rule_id').notNull(),
    state: text('state', { enum: FINDING_STATES }).notNull(),
    severity: text('severity', { enum: SEVERITIES }).notNull(),
    since: integer('since').notNull(),
    reason: text('reason').notNull(),
    details: text('details'),
    /** When the row was last written, or stamped by an evaluation that rewrote none of the target's findings. */
    evaluatedAt: integer('evaluated_at').notNull(),
    /** 1 while a firing notification went out and no resolved one yet: decides what the next change sends. */
    firing: integer('firing', { mode: 'boolean' }).notNull().default(false),
    lastNotifiedAt: integer('last_notified_at'),
    /** The silence that kept the last evaluation's notification back, if one did. */
    silencedBy: integer('silenced_by'),
  },
  (t) => [primaryKey({ columns: [t.targetId, t.ruleId] })],
);

/** Every state change of a finding (the flip history). */
export const findingEvents = sqliteTable(
  'finding_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    targetId: text('target_id').notNull(),
    ruleId: text('rule_id').notNull(),
    fromState: text('from_state'),
    toState: text('to_state').notNull(),
    at: integer('at').notNull(),
    reason: text('reason').notNull(),
  },
  (t) => [index('finding_events_target_rule_at').on(t.targetId, t.ruleId, t.at)],
);

/**
 * Findings reconstructed for the time before the auditor first evaluated a target: the rules that judge
 * a backup listing alone, evaluated as of past instants over the provider's first listing. Kept apart
 * from `finding_events` (observed evidence), which always wins where both exist.
 */
export const reconstructedEvents = sqliteTable(
  'reconstructed_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    targetId: text('target_id').notNull(),
    ruleId: text('rule_id').notNull(),
    at: integer('at').notNull(),
    toState: text('to_state').notNull(),
    reason: text('reason').notNull(),
    /** When the listing this was reconstructed from was taken (the first successful poll's end). */
    listedAt: integer('listed_at').notNull(),
  },
  (t) => [index('reconstructed_events_target_rule_at').on(t.targetId, t.ruleId, t.at)],
);

/** The outbox: one row per (finding event, reminder or report; channel). */
export const notifications = sqliteTable(
  'notifications',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    channel: text('channel').notNull(),
    kind: text('kind', { enum: NOTIFICATION_KINDS }).notNull(),
    findingEventId: integer('finding_event_id').references(() => findingEvents.id),
    targetId: text('target_id'),
    ruleId: text('rule_id'),
    /** JSON of what the message says about this item (no secrets). */
    payload: text('payload').notNull(),
    status: text('status', { enum: ['pending', 'sending', 'sent', 'failed'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    createdAt: integer('created_at').notNull(),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    claimedBy: text('claimed_by'),
    claimedUntil: integer('claimed_until'),
    sentAt: integer('sent_at'),
    lastError: text('last_error'),
  },
  (t) => [index('notifications_due').on(t.status, t.channel, t.nextAttemptAt)],
);

/** Every delivery attempt, for `status` and audits. */
export const notificationAttempts = sqliteTable(
  'notification_attempts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    notificationId: integer('notification_id')
      .notNull()
      .references(() => notifications.id),
    at: integer('at').notNull(),
    channel: text('channel').notNull(),
    outcome: text('outcome', { enum: ['sent', 'retry', 'failed'] }).notNull(),
    error: text('error'),
  },
  (t) => [index('notification_attempts_notification').on(t.notificationId)],
);

/** Maintenance windows: matching findings are evaluated and recorded but not sent. */
export const silences = sqliteTable(
  'silences',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** JSON `{ target?, rule?, labels? }`: every given matcher must match. */
    matchers: text('matchers').notNull(),
    startsAt: integer('starts_at').notNull(),
    endsAt: integer('ends_at').notNull(),
    reason: text('reason').notNull(),
    author: text('author'),
    createdAt: integer('created_at').notNull().default(sql`(unixepoch() * 1000)`),
    /** Set by `silence expire`: ends_at then becomes that instant; kept for the audit trail. */
    expiredAt: integer('expired_at'),
    /** The end the silence was added with, which `silence expire` does not change (null for silences added before it was kept). */
    plannedEndsAt: integer('planned_ends_at'),
  },
  (t) => [index('silences_window').on(t.startsAt, t.endsAt)],
);

/** Small key/value facts about the database itself (schema owner, last cycle). */
export const meta = sqliteTable('meta', { key: text('key').primaryKey(), value: text('value').notNull() });
