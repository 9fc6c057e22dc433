/**
 * The rule ids most controls share. `backup-gap` and `restore-drill` may not be registered in every
 * build: a control's verdict counts a rule that is not registered as no evidence, never as a pass.
 */

/** Backups happen and succeed: a recent completed one, no unanswered failure, enough of them kept. */
export const BACKUPS_HAPPEN: readonly string[] = ['recent-success', 'failed-backup', 'retention'];

/** As BACKUPS_HAPPEN, and no two consecutive backups too far apart: for controls whose text sets a backup frequency. */
export const BACKUPS_AT_FREQUENCY: readonly string[] = [...BACKUPS_HAPPEN, 'backup-gap'];

/** Restores are tested: a successful restore drill on record within its maxAge, the newest one not failed. */
export const RESTORES_TESTED: readonly string[] = ['restore-drill'];
