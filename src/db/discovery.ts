import type { BackupPolicy, PolicyUnavailable } from '../domain/policy.js';
import type { DiscoveredInstance } from '../providers/discovery-types.js';
import type { Db } from './client.js';

/** What one discovery of one (account, service) produced: the whole listing, or the error. */
export type DiscoveryOutcome =
  | {
      readonly ok: true;
      readonly instances: readonly DiscoveredInstance[];
      readonly policies: ReadonlyMap<string, BackupPolicy | PolicyUnavailable>;
    }
  | { readonly ok: false; readonly errorKind: string; readonly errorMessage: string };

/** A stored instance as `coverage` and the rules read it. */
export interface StoredInstance {
  readonly account: string;
  readonly service: string;
  readonly instance: string;
  readonly name: string | null;
  readonly region: string | null;
  readonly zone: string | null;
  readonly status: string;
  readonly replica: boolean;
  readonly primaryInstance: string | null;
  readonly tags: Readonly<Record<string, string>>;
  readonly firstSeenAt: number;
  readonly lastSeenAt: number;
  readonly goneAt: number | null;
}

/**
 * Records one discovery in one transaction: the run, every listed instance (first seen kept, last
 * seen moved, `gone_at` cleared), `gone_at` set on instances this successful listing no longer has,
 * and the policies read. A failed run is recorded alone: it says nothing about which instances exist.
 */
export function recordDiscovery(
  db: Db,
  key: { account: string; service: string; startedAt: number; finishedAt: number },
  outcome: DiscoveryOutcome,
): number {
  const c = db.$client;
  return c
    .transaction(() => {
      const run = c
        .prepare(
          `INSERT INTO discovery_runs (account, service, started_at, finished_at, outcome, error_kind, error_message, instances)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          key.account,
          key.service,
          key.startedAt,
          key.finishedAt,
          outcome.ok ? 'ok' : 'error',
          outcome.ok ? null : outcome.errorKind,
          outcome.ok ? null : outcome.errorMessage,
          outcome.ok ? outcome.instances.length : 0,
        );
      const runId = Number(run.lastInsertRowid);
      if (!outcome.ok) return runId;
      const upsert = c.prepare(
        `INSERT INTO discovered_instances (account, service, instance, name, region, zone, status, replica, primary_instance, created_at,
           tags, first_seen_at, last_seen_at, last_seen_run, gone_at)
         VALUES (@account, @service, @instance, @name, @region, @zone, @status, @replica, @primary, @createdAt, @tags, @at, @at, @run, NULL)
         ON CONFLICT (account, service, instance) DO UPDATE SET name = excluded.name, region = excluded.region, zone = excluded.zone,
           status = excluded.status,
           replica = excluded.replica, primary_instance = excluded.primary_instance, created_at = excluded.created_at, tags = excluded.tags,
           last_seen_at = excluded.last_seen_at, last_seen_run = excluded.last_seen_run, gone_at = NULL`,
      );
      for (const i of outcome.instances) {
        upsert.run({
          account: key.account,
          service: key.service,
          instance: i.instance,
          name: i.name,
          region: i.region,
          zone: i.zone,
          status: i.status,
          replica: i.replica ? 1 : 0,
          primary: i.primary,
          createdAt: i.createdAt,
          tags: JSON.stringify(i.tags),
          at: key.finishedAt,
          run: runId,
        });
      }
      c.prepare(
        `UPDATE discovered_instances SET gone_at = ? WHERE account = ? AND service = ? AND last_seen_run <> ? AND gone_at IS NULL`,
      ).run(key.finishedAt, key.account, key.service, runId);
      const policy = c.prepare(
        `INSERT OR REPLACE INTO backup_policies (account, service, instance, read_at, unavailable, automated, retention_days,
           retention_is_count, window_start, window_end, weekdays, source)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      // A failed read keeps the policy read before (its read_at says how old it is); it replaces only an earlier failure.
      const failedRead = c.prepare(
        `INSERT INTO backup_policies (account, service, instance, read_at, unavailable, source) VALUES (?, ?, ?, ?, ?, 'error')
         ON CONFLICT (account, service, instance) DO UPDATE SET read_at = excluded.read_at, unavailable = excluded.unavailable
         WHERE backup_policies.source = 'error'`,
      );
      for (const [instance, p] of outcome.policies) {
        if ('unavailable' in p && p.failed === true) failedRead.run(key.account, key.service, instance, key.finishedAt, p.unavailable);
        else if ('unavailable' in p)
          policy.run(key.account, key.service, instance, key.finishedAt, p.unavailable, null, null, 0, null, null, null, null);
        else {
          const automated = p.automated === null ? null : p.automated ? 1 : 0;
          policy.run(
            key.account,
            key.service,
            instance,
            key.finishedAt,
            null,
            automated,
            p.retentionDays,
            p.retentionIsCount ? 1 : 0,
            p.window?.startMinute ?? null,
            p.window?.endMinute ?? null,
            p.weekdays ? JSON.stringify(p.weekdays) : null,
            p.source,
          );
        }
      }
      return runId;
    })
    .immediate();
}

interface InstanceRow {
  account: string;
  service: string;
  instance: string;
  name: string | null;
  region: string | null;
  zone: string | null;
  status: string;
  replica: number;
  primary_instance: string | null;
  tags: string;
  first_seen_at: number;
  last_seen_at: number;
  gone_at: number | null;
}

/** Every instance ever discovered for an account (all accounts without one), current and gone. */
export function storedInstances(db: Db, account?: string): StoredInstance[] {
  const rows = (
    account === undefined
      ? db.$client.prepare(`SELECT * FROM discovered_instances ORDER BY account, service, instance`).all()
      : db.$client.prepare(`SELECT * FROM discovered_instances WHERE account = ? ORDER BY service, instance`).all(account)
  ) as InstanceRow[];
  return rows.map(toStored);
}

const toStored = (r: InstanceRow): StoredInstance => ({
  account: r.account,
  service: r.service,
  instance: r.instance,
  name: r.name,
  region: r.region,
  zone: r.zone,
  status: r.status,
  replica: r.replica === 1,
  primaryInstance: r.primary_instance,
  tags: JSON.parse(r.tags) as Record<string, string>,
  firstSeenAt: r.first_seen_at,
  lastSeenAt: r.last_seen_at,
  goneAt: r.gone_at,
});

/** One stored instance, current or gone; null when never discovered. */
export function storedInstance(db: Db, account: string, service: string, instance: string): StoredInstance | null {
  const r = db.$client
    .prepare(`SELECT * FROM discovered_instances WHERE account = ? AND service = ? AND instance = ?`)
    .get(account, service, instance) as InstanceRow | undefined;
  return r ? toStored(r) : null;
}

/** The newest successful discovery of (account, service) at or before `now`, or null. */
export function lastDiscovery(db: Db, account: string, service: string, now: number): number | null {
  const at = db.$client
    .prepare(`SELECT MAX(finished_at) FROM discovery_runs WHERE account = ? AND service = ? AND outcome = 'ok' AND finished_at <= ?`)
    .pluck()
    .get(account, service, now);
  return typeof at === 'number' ? at : null;
}

interface PolicyRow {
  read_at: number;
  unavailable: string | null;
  automated: number | null;
  retention_days: number | null;
  retention_is_count: number;
  window_start: number | null;
  window_end: number | null;
  weekdays: string | null;
  source: string | null;
}

/** The stored policy of an instance, with when it was read; null when never read. */
export function storedPolicy(
  db: Db,
  account: string,
  service: string,
  instance: string,
): { readAt: number; policy: BackupPolicy | PolicyUnavailable } | null {
  const r = db.$client
    .prepare(`SELECT * FROM backup_policies WHERE account = ? AND service = ? AND instance = ?`)
    .get(account, service, instance) as PolicyRow | undefined;
  if (!r) return null;
  if (r.unavailable !== null) return { readAt: r.read_at, policy: { unavailable: r.unavailable, failed: r.source === 'error' } };
  return {
    readAt: r.read_at,
    policy: {
      automated: r.automated === null ? null : r.automated === 1,
      retentionDays: r.retention_days,
      retentionIsCount: r.retention_is_count === 1,
      window: r.window_start === null || r.window_end === null ? null : { startMinute: r.window_start, endMinute: r.window_end },
      weekdays: r.weekdays === null ? null : (JSON.parse(r.weekdays) as number[]),
      source: r.source ?? 'unknown',
    },
  };
}
