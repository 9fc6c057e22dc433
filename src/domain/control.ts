import { z } from 'zod';

/**
 * A control's verdict over a period or at an instant (src/report/controls.ts defines each precisely):
 * `fail` (a bearing rule alarmed for an in-scope target), `partial` (nothing alarmed, but some bearing
 * rule could not judge some target), `no-evidence` (nothing bearing was judged), `pass` (every in-scope
 * target judged by every bearing rule, none alarmed). Unknown is never `pass`.
 */
export const CONTROL_VERDICTS = ['pass', 'fail', 'partial', 'no-evidence'] as const;
export type ControlVerdict = (typeof CONTROL_VERDICTS)[number];
export const controlVerdict = z.enum(CONTROL_VERDICTS);

/** What a control's rules show: that backups happen, or that restores are tested. */
export const EVIDENCE_KINDS = ['backups', 'restores'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];
