import type { FindingRow } from '../db/findings.js';
import type { AlertKind } from '../domain/alert.js';
import type { FindingState } from '../domain/finding.js';

export interface Decision {
  /** What to send now, if anything. */
  readonly send: AlertKind | null;
  /** Whether the finding counts as firing after this evaluation. */
  readonly firing: boolean;
}

/**
 * State-change alerting: a firing notice when a finding enters `alarm` and was not already firing, a
 * reminder every `repeatIntervalMs` while it stays firing, a resolved notice when a firing finding
 * returns to `ok`. `error` and `skip` change nothing: a poll outage neither resolves nor re-fires an
 * alarm (poll-failing alarms about the outage itself), so alarm → error → alarm sends one message.
 */
export function decide(previous: FindingRow | undefined, next: FindingState, now: number, repeatIntervalMs: number): Decision {
  const wasFiring = previous?.firing ?? false;
  if (next === 'alarm') {
    if (!wasFiring) return { send: 'firing', firing: true };
    const last = previous?.lastNotifiedAt ?? previous?.since ?? now;
    return { send: now - last >= repeatIntervalMs ? 'reminder' : null, firing: true };
  }
  if (next === 'ok') return { send: wasFiring ? 'resolved' : null, firing: false };
  return { send: null, firing: wasFiring };
}
