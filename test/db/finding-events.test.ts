import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { findingsAsOf, readTargetFindings, writeFinding } from '../../src/db/findings.js';
import type { FindingState } from '../../src/domain/finding.js';
import { tempDatabase } from '../helpers/db.js';

// The flip history on a real SQLite file with the real migrations: one finding_events row per
// state change, none for an evaluation that keeps the state.

const T0 = Date.parse('2026-11-20T12:00:00Z');
const MIN = 60_000;
let db: Db;
let cleanup: () => void;
beforeEach(() => ({ db, cleanup } = tempDatabase()));
afterEach(() => cleanup());

/** Records one evaluation of orders-pg/recent-success, as the engine does after judging. */
function evaluate(state: FindingState, now: number, reason = `${state} at ${now}`): void {
  writeFinding(db, readTargetFindings(db, 'orders-pg').get('recent-success'), {
    targetId: 'orders-pg',
    ruleId: 'recent-success',
    state,
    severity: 'critical',
    reason,
    details: undefined,
    now,
    notify: [],
    firing: state === 'alarm',
    silencedBy: null,
  });
}

interface EventRow {
  from: string | null;
  to: string;
  at: number;
  reason: string;
}
const events = (): EventRow[] =>
  db.$client
    .prepare(
      `SELECT from_state AS "from", to_state AS "to", at, reason FROM finding_events ` +
        `WHERE target_id = 'orders-pg' AND rule_id = 'recent-success' ORDER BY id`,
    )
    .all() as EventRow[];

describe('finding_events, the flip history', () => {
  it('records alarm, then error, then alarm again as three events with their from and to states', () => {
    evaluate('alarm', T0, 'last completed backup ended 30h ago');
    evaluate('error', T0 + 30 * MIN, 'rule failed: boom');
    evaluate('alarm', T0 + 60 * MIN, 'last completed backup ended 31h ago');

    expect(events()).toEqual([
      { from: null, to: 'alarm', at: T0, reason: 'last completed backup ended 30h ago' },
      { from: 'alarm', to: 'error', at: T0 + 30 * MIN, reason: 'rule failed: boom' },
      { from: 'error', to: 'alarm', at: T0 + 60 * MIN, reason: 'last completed backup ended 31h ago' },
    ]);
  });

  it('records no event for an evaluation that keeps the state, and keeps the finding’s since', () => {
    evaluate('alarm', T0);
    evaluate('alarm', T0 + 30 * MIN);
    evaluate('error', T0 + 60 * MIN);
    evaluate('error', T0 + 90 * MIN);

    expect(events().map((e) => [e.from, e.to])).toEqual([
      [null, 'alarm'],
      ['alarm', 'error'],
    ]);
    expect(readTargetFindings(db, 'orders-pg').get('recent-success')).toMatchObject({ state: 'error', since: T0 + 60 * MIN });
  });

  it('answers what was recorded at each instant from those events', () => {
    evaluate('alarm', T0);
    evaluate('error', T0 + 30 * MIN);
    evaluate('alarm', T0 + 60 * MIN);

    const at = (t: number) => findingsAsOf(db, t).map((f) => [f.state, f.since]);
    expect(at(T0 - 1)).toEqual([]);
    expect(at(T0 + 29 * MIN)).toEqual([['alarm', T0]]);
    expect(at(T0 + 45 * MIN)).toEqual([['error', T0 + 30 * MIN]]);
    expect(at(T0 + 90 * MIN)).toEqual([['alarm', T0 + 60 * MIN]]);
  });
});
