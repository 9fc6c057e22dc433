import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rules } from '../../rules/registry.js';
import { loadConfigText } from '../../src/config/load.js';
import { frameworks } from '../../src/controls/registry.js';
import type { Db } from '../../src/db/client.js';
import { readTargetFindings, writeFinding } from '../../src/db/findings.js';
import type { FindingState } from '../../src/domain/finding.js';
import { judgeControls } from '../../src/report/controls.js';
import type { ControlResult } from '../../src/report/types-controls.js';
import { tempDatabase } from '../helpers/db.js';

// Verdicts over a week of recorded finding history on a real SQLite file: a control fails on any
// bearing alarm and names it, passes only when everything bearing was judged ok, and never passes on
// what could not be judged.

const H = 3_600_000;
const FROM = Date.parse('2026-11-16T00:00:00Z');
const TO = FROM + 7 * 24 * H;
const BACKUPS = ['recent-success', 'failed-backup', 'retention'];

let db: Db;
let cleanup: () => void;
beforeEach(() => ({ db, cleanup } = tempDatabase()));
afterEach(() => cleanup());

function record(target: string, rule: string, state: FindingState, at: number, reason = `${rule} ${state}`): void {
  writeFinding(db, readTargetFindings(db, target).get(rule), {
    targetId: target,
    ruleId: rule,
    state,
    severity: 'critical',
    reason,
    details: undefined,
    now: at,
    notify: [],
    firing: state === 'alarm',
    silencedBy: null,
  });
}

const config = (extra = '') =>
  loadConfigText(
    `accounts:
  ali: { cloud: aliyun, regionId: cn-hangzhou, accessKeyId: k, accessKeySecret: s }
targets:
  - { id: orders-db, account: ali, service: rds, instance: rm-1 }
  - { id: billing-db, account: ali, service: rds, instance: rm-2 }
frameworks: [iso27001, soc2]
${extra}`,
    '/tmp/controls.yaml',
  ).config;

function control(fw: string, id: string, cfg = config(), from = FROM, to = TO): ControlResult {
  const report = judgeControls({ db, config: cfg, rules, frameworks }, [fw], from, to);
  const c = report.frameworks[0]?.controls.find((x) => x.id === id);
  if (!c) throw new Error(`no control ${fw} ${id}`);
  return c;
}

/** Every backups rule ok for both targets since before the week. */
function healthy(): void {
  for (const t of ['orders-db', 'billing-db']) for (const r of BACKUPS) record(t, r, 'ok', FROM - 24 * H);
}

describe('control verdicts from the finding history', () => {
  it('passes A1.2 when every target was judged ok by every backups rule all week', () => {
    healthy();
    const c = control('soc2', 'A1.2');
    expect(c.verdict).toBe('pass');
    expect(c.alarms).toEqual([]);
    expect(c.unjudged).toEqual([]);
    expect(c.parts).toEqual([{ kind: 'backups', rules: BACKUPS, verdict: 'pass', judged: 6, pairs: 6 }]);
  });

  it('fails 8.13 and A1.2 for an alarm during the week, naming the target, the rule, when and why', () => {
    healthy();
    record('orders-db', 'failed-backup', 'alarm', FROM + 30 * H, 'backup b-17 failed at 2026-11-17T05:00Z');
    record('orders-db', 'failed-backup', 'ok', FROM + 40 * H);
    for (const [fw, id] of [
      ['iso27001', '8.13'],
      ['soc2', 'A1.2'],
    ] as const) {
      const c = control(fw, id);
      expect(c.verdict, `${fw} ${id}`).toBe('fail');
      expect(c.alarms).toEqual([
        {
          target: 'orders-db',
          rule: 'failed-backup',
          since: '2026-11-17T06:00:00Z',
          until: '2026-11-17T16:00:00Z',
          reason: 'backup b-17 failed at 2026-11-17T05:00Z',
        },
      ]);
      // The target in alarm first; 8.13 also points to billing-db, where restore testing was not judged.
      expect(c.evidence[0]).toBe('backup-auditor history orders-db --since 2026-11-16T00:00:00Z');
    }
  });

  it('fails for an alarm that started before the week and is still open, with no end', () => {
    healthy();
    record('billing-db', 'recent-success', 'alarm', FROM - 2 * H, 'no completed backup for 26h');
    const c = control('soc2', 'A1.2');
    expect(c.verdict).toBe('fail');
    expect(c.alarms).toMatchObject([{ target: 'billing-db', since: '2026-11-15T22:00:00Z', until: null }]);
    expect(c.evidence).toEqual(['backup-auditor history billing-db --since 2026-11-15T22:00:00Z']);
  });

  it('is partial, not pass, when a rule could not judge one target for part of the week', () => {
    healthy();
    record('billing-db', 'recent-success', 'error', FROM + 50 * H, 'no successful poll yet');
    record('billing-db', 'recent-success', 'ok', FROM + 52 * H);
    const c = control('soc2', 'A1.2');
    expect(c.verdict).toBe('partial');
    expect(c.unjudged).toEqual([{ target: 'billing-db', rule: 'recent-success', why: 'error' }]);
    expect(c.parts[0]).toMatchObject({ judged: 5, pairs: 6 });
  });

  it('is partial when a bearing rule is disabled for a target', () => {
    healthy();
    const cfg = config('profiles:\n  - { match: {}, rules: { retention: false } }\n');
    expect(control('soc2', 'A1.2', cfg).verdict).toBe('partial');
    expect(control('soc2', 'A1.2', cfg).unjudged.map((u) => u.why)).toEqual(['disabled', 'disabled']);
  });

  it('has no evidence when nothing bearing was ever evaluated', () => {
    const c = control('soc2', 'A1.2');
    expect(c.verdict).toBe('no-evidence');
    expect(c.unjudged).toHaveLength(6);
    expect(c.evidence).toEqual([
      'backup-auditor history billing-db --since 2026-11-16T00:00:00Z',
      'backup-auditor history orders-db --since 2026-11-16T00:00:00Z',
    ]);
  });

  it('counts restore-drill not configured as no evidence: restore testing never passes without drills judged', () => {
    healthy();
    const a13 = control('soc2', 'A1.3');
    expect(a13.verdict).toBe('no-evidence');
    expect(a13.unjudged).toEqual([
      { target: 'billing-db', rule: 'restore-drill', why: 'not-configured' },
      { target: 'orders-db', rule: 'restore-drill', why: 'not-configured' },
    ]);
    // 8.13 asks for both: backups pass, restore testing has no evidence, so the control is partial.
    const c = control('iso27001', '8.13');
    expect(c.parts.map((p) => [p.kind, p.verdict])).toEqual([
      ['backups', 'pass'],
      ['restores', 'no-evidence'],
    ]);
    expect(c.verdict).toBe('partial');
  });

  it('judges an instant by the state recorded at or before it', () => {
    healthy();
    record('orders-db', 'failed-backup', 'alarm', FROM + 30 * H);
    record('orders-db', 'failed-backup', 'ok', FROM + 40 * H);
    expect(control('soc2', 'A1.2', config(), FROM + 30 * H, FROM + 30 * H + 1).verdict).toBe('fail');
    expect(control('soc2', 'A1.2', config(), FROM + 40 * H, FROM + 40 * H + 1).verdict).toBe('pass');
  });
});
