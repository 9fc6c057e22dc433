import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { DRILL_RESULTS, DRILL_SOURCES } from '../domain/drill.js';

/**
 * Restore drills: someone restored a backup of a target and recorded how it went. Kept apart from the
 * audit tables in schema.ts, which re-exports it; drizzle.config.ts lists this file for drizzle-kit.
 * Instants are epoch milliseconds (UTC).
 */
export const drills = sqliteTable(
  'drills',
  {
    /** The client's idempotency key (or one generated for it): recording the same id twice records it once. */
    id: text('id').primaryKey(),
    targetId: text('target_id').notNull(),
    /** The backup that was restored, when the recorder said. */
    backupId: text('backup_id'),
    result: text('result', { enum: DRILL_RESULTS }).notNull(),
    /** The drill's instant (when the restore was done). */
    at: integer('at').notNull(),
    /** How long the restore took. */
    durationMs: integer('duration_ms'),
    note: text('note'),
    /** A link to the evidence (ticket, log, runbook run); http(s) only. */
    evidenceUrl: text('evidence_url'),
    recordedAt: integer('recorded_at').notNull(),
    source: text('source', { enum: DRILL_SOURCES }).notNull(),
  },
  (t) => [index('drills_target_at').on(t.targetId, t.at)],
);
