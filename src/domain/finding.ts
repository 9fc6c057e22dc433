import { z } from 'zod';

/** How urgent a finding is; routes match on it. */
export const SEVERITIES = ['critical', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const severity = z.enum(SEVERITIES);

/**
 * A (target, rule) verdict: `ok`, `alarm`, `error` (could not be judged: never compliant) or `skip`
 * (disabled, or the rule does not apply to the target).
 */
export const FINDING_STATES = ['ok', 'alarm', 'error', 'skip'] as const;
export type FindingState = (typeof FINDING_STATES)[number];
export const findingState = z.enum(FINDING_STATES);

/** The target that findings about the auditor itself hang on (its own evidence backups); no configured target may take it. */
export const AUDITOR_TARGET_ID = 'backup-auditor';
