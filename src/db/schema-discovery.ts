import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * The discovery tables: what the list-instances APIs reported and the backup policies read with them.
 * Kept apart from the audit tables in schema.ts, which re-exports them so `import * as schema` still
 * gives drizzle every table; drizzle.config.ts lists both files for drizzle-kit. Instants are epoch
 * milliseconds (UTC) in INTEGER columns, as there.
 */

/** One discovery of one (account, service): when, and whether the whole listing was read. */
export const discoveryRuns = sqliteTable(
  'discovery_runs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    account: text('account').notNull(),
    service: text('service').notNull(),
    startedAt: integer('started_at').notNull(),
    finishedAt: integer('finished_at').notNull(),
    outcome: text('outcome', { enum: ['ok', 'error'] }).notNull(),
    errorKind: text('error_kind'),
    errorMessage: text('error_message'),
    instances: integer('instances').notNull().default(0),
  },
  (t) => [index('discovery_runs_account_service_finished').on(t.account, t.service, t.finishedAt)],
);

/** Every instance a list-instances API ever reported, with first and last sighting. */
export const discoveredInstances = sqliteTable(
  'discovered_instances',
  {
    account: text('account').notNull(),
    service: text('service').notNull(),
    instance: text('instance').notNull(),
    name: text('name'),
    region: text('region'),
    zone: text('zone'),
    status: text('status').notNull(),
    /** Read replicas are recorded as such and reported apart from primaries. */
    replica: integer('replica', { mode: 'boolean' }).notNull(),
    primaryInstance: text('primary_instance'),
    createdAt: integer('created_at'),
    /** JSON object of the provider's tags. */
    tags: text('tags').notNull().default('{}'),
    firstSeenAt: integer('first_seen_at').notNull(),
    lastSeenAt: integer('last_seen_at').notNull(),
    lastSeenRun: integer('last_seen_run')
      .notNull()
      .references(() => discoveryRuns.id),
    /** Set by the first successful discovery that no longer lists it; cleared if it comes back. */
    goneAt: integer('gone_at'),
  },
  (t) => [primaryKey({ columns: [t.account, t.service, t.instance] })],
);

/** The provider's automated-backup policy per instance, as last read. */
export const backupPolicies = sqliteTable(
  'backup_policies',
  {
    account: text('account').notNull(),
    service: text('service').notNull(),
    instance: text('instance').notNull(),
    readAt: integer('read_at').notNull(),
    /** Why there is no policy (TiDB exposes none, or the read failed); null when one was read. */
    unavailable: text('unavailable'),
    automated: integer('automated', { mode: 'boolean' }),
    retentionDays: integer('retention_days'),
    retentionIsCount: integer('retention_is_count', { mode: 'boolean' }).notNull().default(false),
    windowStart: integer('window_start'),
    windowEnd: integer('window_end'),
    /** JSON array of weekdays, 0 = Sunday; null when the provider does not say. */
    weekdays: text('weekdays'),
    source: text('source'),
  },
  (t) => [primaryKey({ columns: [t.account, t.service, t.instance] })],
);
