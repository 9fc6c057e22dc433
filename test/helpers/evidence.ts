import { type Db, writeTransaction } from '../../src/db/client.js';
import { recordDrill } from '../../src/db/drills.js';
import { chainConfig } from '../../src/db/evidence.js';
import { writeFinding } from '../../src/db/findings.js';
import { recordPoll } from '../../src/db/ingest.js';
import { claimDue, recordAttempts } from '../../src/db/outbox.js';
import { sealOpenRuns } from '../../src/db/poll-runs.js';
import { addSilence, expireSilence } from '../../src/db/silences.js';
import type { NormalizedBackup } from '../../src/domain/backup.js';

export const T0 = Date.parse('2026-11-20T00:00:00Z');
const H = 3_600_000;

/** Backup `id` as a provider lists it, completed (an hour before T0) or running. */
export const listedBackup = (id: string, status: NormalizedBackup['status'] = 'completed'): NormalizedBackup => ({
  backupId: id,
  name: null,
  kind: 'full',
  trigger: 'automated',
  status,
  rawStatus: status === 'completed' ? 'Success' : 'Running',
  startedAt: T0 - 2 * H,
  endedAt: status === 'completed' ? T0 - H : null,
  sizeBytes: 1024,
  raw: { BackupId: id },
});

/**
 * Writes one of every kind of evidence through the product's own writers: a config snapshot, polls
 * (ok, changed, the same again, failed), a finding change with a delivered notification, a silence added and expired,
 * and a restore drill.
 */
export function writeEvidence(db: Db): void {
  chainConfig(db, 'a'.repeat(64), T0 - H);
  recordPoll(db, {
    targetId: 'orders',
    startedAt: T0,
    finishedAt: T0 + 1000,
    outcome: { ok: true, pages: 1, backups: [listedBackup('1'), listedBackup('2', 'running')] },
  });
  recordPoll(db, {
    targetId: 'orders',
    slot: '2026-11-20T00:30:00Z',
    startedAt: T0 + 30 * 60_000,
    finishedAt: T0 + 30 * 60_000 + 1000,
    outcome: { ok: true, pages: 1, backups: [listedBackup('1'), listedBackup('2')] },
  });
  // Saw what the one before saw: it joins that poll's run.
  recordPoll(db, {
    targetId: 'orders',
    slot: '2026-11-20T01:00:00Z',
    startedAt: T0 + 60 * 60_000,
    finishedAt: T0 + 60 * 60_000 + 1000,
    outcome: { ok: true, pages: 1, backups: [listedBackup('2'), listedBackup('1')] },
  });
  recordPoll(db, {
    targetId: 'billing',
    startedAt: T0,
    finishedAt: T0 + 500,
    outcome: { ok: false, pages: 0, error: { kind: 'auth', code: 'InvalidAccessKeyId', message: 'denied', permanent: true } },
  });
  const item = {
    kind: 'firing' as const,
    targetId: 'billing',
    ruleId: 'poll-health',
    severity: 'critical' as const,
    state: 'alarm' as const,
    reason: 'polls fail',
    since: T0 + H,
    labels: {},
  };
  writeTransaction(db, () =>
    writeFinding(db, undefined, {
      targetId: 'billing',
      ruleId: 'poll-health',
      state: 'alarm',
      severity: 'critical',
      reason: 'polls fail',
      details: undefined,
      now: T0 + H,
      notify: [{ channel: 'ops', item }],
      firing: true,
      silencedBy: null,
    }),
  );
  const claimed = claimDue(db, 'ops', T0 + 2 * H, 'me', 60_000);
  recordAttempts(db, claimed, T0 + 2 * H, () => ({ outcome: 'sent' }));
  const silence = addSilence(db, {
    matchers: { target: 'orders' },
    startsAt: T0,
    endsAt: T0 + 10 * H,
    reason: 'migration',
    author: 'ops',
    now: T0 + 2 * H,
  });
  expireSilence(db, silence.id, T0 + 3 * H);
  recordDrill(db, { id: 'drill-1', target: 'orders', result: 'ok', at: T0 + 3 * H, note: 'restored' }, { now: T0 + 4 * H, source: 'cli' });
  sealOpenRuns(db);
}
