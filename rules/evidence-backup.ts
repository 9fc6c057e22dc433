import { z } from 'zod';
import { duration } from '../src/core/duration.js';
import { ago, at, span } from './format.js';
import { alarm, defineRule, ok } from './types.js';

/**
 * The auditor's own evidence: its database backups (`dbBackup:`), judged like a target's. Alarms when
 * the newest attempt failed, or the newest checked copy is older than `maxAge`. The daemon evaluates it
 * after each backup run, for the auditor itself (target `backup-auditor`), never for a configured target.
 */
export const evidenceBackup = defineRule({
  id: 'evidence-backup',
  description: "the auditor's own database was backed up and the copy checked within maxAge",
  defaultSeverity: 'critical',
  needsSuccessfulPoll: false,
  requires: 'auditor',
  params: z.strictObject({
    maxAge: duration.prefault('2d').describe('the newest checked copy of the database must be younger than this'),
  }),
  evaluate({ history, now, params }) {
    const policy = `policy ${span(params.maxAge)}`;
    const done = history.backups.filter((b) => b.endedAt !== null && b.endedAt <= now);
    const newest = done.reduce<(typeof done)[number] | undefined>((n, b) => (!n || (b.endedAt ?? 0) > (n.endedAt ?? 0) ? b : n), undefined);
    const copies = done.filter((b) => b.status === 'completed');
    const last = copies.reduce<number | undefined>((n, b) => Math.max(n ?? 0, b.endedAt ?? 0), undefined);
    const lastText = last === undefined ? 'no checked copy on record' : `last checked copy ${at(last)}, ${ago(now - last)} ago`;
    if (newest?.status === 'failed') {
      return alarm(`the backup of the database at ${at(newest.endedAt ?? now)} failed: ${newest.rawStatus}; ${lastText}; ${policy}`);
    }
    if (last === undefined) return alarm(`${lastText}; ${policy}`);
    return now - last > params.maxAge ? alarm(`${lastText}; ${policy}`) : ok(`${lastText}; ${policy}`);
  },
});
