/**
 * A provider's automated-backup policy for one instance, in one shape for every service.
 * `null` fields mean the provider did not say; rules treat that as "cannot judge", never as compliant.
 */
export interface BackupPolicy {
  /** Automated backups on; OTC/DDS `keep_days: 0` and a UCloud empty weekday mask mean off. */
  readonly automated: boolean | null;
  /** How long automated backups are kept, in days (or, for UCloud UPgSQL, files: see `retentionIsCount`). */
  readonly retentionDays: number | null;
  /** True where the provider keeps N backup files, not N days (UCloud `BackupCount`): a daily schedule makes them equal. */
  readonly retentionIsCount: boolean;
  /** Backup window start and end, minutes after 00:00 UTC; the end may be below the start (crossing midnight). */
  readonly window: { readonly startMinute: number; readonly endMinute: number } | null;
  /** Weekdays with a backup, 0 = Sunday … 6 = Saturday, ascending; null when the provider does not say. */
  readonly weekdays: readonly number[] | null;
  /** The provider API the policy was read from, for findings (`DescribeBackupPolicy`). */
  readonly source: string;
}

/** Why no policy could be read: the service exposes none (TiDB), or reading it failed. */
export interface PolicyUnavailable {
  readonly unavailable: string;
  /** True when reading it failed (retried at the next discovery), false/absent when the service has none. */
  readonly failed?: boolean;
}
