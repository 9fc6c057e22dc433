/**
 * The rule ids most controls share. `backup-gap` and `restore-drill` may not be registered in every
 * build: a control's verdict counts a rule that is not registered as no evidence, never as a pass.
 */

/** Backups happen and succeed: a recent completed one, no unanswered failure, enough kept, no long gap. */
export const BACKUPS_HAPPEN: readonly string[] = ['recent-success', 'failed-backup', 'retention', 'backup-gap'];

/** Restores are tested: a successful restore drill on record within its maxAge, the newest one not failed. */
export const RESTORES_TESTED: readonly string[] = ['restore-drill'];
