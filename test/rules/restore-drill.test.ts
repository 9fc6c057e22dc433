import { describe, expect, it } from 'vitest';
import { rules } from '../../rules/registry.js';
import { restoreDrill } from '../../rules/restore-drill.js';
import type { DrillFact } from '../../rules/types.js';
import { resolveRules } from '../../src/config/rule-settings.js';
import type { TargetConfig } from '../../src/config/schema.js';
import { DAY, daysAgo, expectCase, HOUR, history, judge, NOW, paramProblems, type RuleCase, shown } from '../helpers/history-builder.js';

let n = 0;
const drill = (over: Partial<DrillFact> = {}): DrillFact => ({
  id: `d${++n}`,
  result: 'ok',
  at: daysAgo(10),
  durationMs: 2 * HOUR,
  backupId: null,
  note: null,
  recordedAt: over.at ?? daysAgo(10),
  ...over,
});
const withDrills = (drills: DrillFact[]) => ({ ...history(), drills });

const cases: RuleCase[] = [
  {
    name: 'alarms when no drill is on record',
    history: withDrills([]),
    state: 'alarm',
    reason: ['no successful restore drill on record', 'policy 90d'],
  },
  {
    name: 'is ok with a successful drill within maxAge',
    history: withDrills([drill({ at: daysAgo(30) })]),
    state: 'ok',
    reason: [shown(daysAgo(30)), '30d ago', 'took 2h'],
  },
  {
    name: 'alarms when the newest successful drill is older than maxAge',
    history: withDrills([drill({ at: daysAgo(91) })]),
    state: 'alarm',
    reason: [shown(daysAgo(91)), '91d ago', 'policy 90d'],
  },
  {
    name: 'follows maxAge as configured',
    history: withDrills([drill({ at: daysAgo(31) })]),
    params: { maxAge: '30d' },
    state: 'alarm',
  },
  {
    name: 'alarms at once when a failed drill is newer than the last successful one, quoting its note',
    history: withDrills([drill({ at: daysAgo(20) }), drill({ at: daysAgo(2), result: 'failed', note: 'WAL segment missing' })]),
    state: 'alarm',
    reason: [
      `the newest restore drill, at ${shown(daysAgo(2))}, failed: "WAL segment missing"`,
      `last successful drill ${shown(daysAgo(20))}`,
    ],
  },
  {
    name: 'is ok again once a successful drill follows the failed one',
    history: withDrills([drill({ at: daysAgo(2), result: 'failed' }), drill({ at: daysAgo(1) })]),
    state: 'ok',
  },
  {
    name: 'alarms when the newest successful drill took longer than maxDuration',
    history: withDrills([drill({ at: daysAgo(1), durationMs: 5 * HOUR })]),
    params: { maxDuration: '4h' },
    state: 'alarm',
    reason: ['took 5h, longer than the objective', 'restore within 4h'],
  },
  {
    name: 'is ok when the newest successful drill took within maxDuration',
    history: withDrills([drill({ at: daysAgo(1), durationMs: 3 * HOUR })]),
    params: { maxDuration: '4h' },
    state: 'ok',
  },
  {
    name: 'alarms when maxDuration is set and the drill has no duration on record',
    history: withDrills([drill({ at: daysAgo(1), durationMs: null })]),
    params: { maxDuration: '4h' },
    state: 'alarm',
    reason: ['no duration on record'],
  },
  {
    name: 'does not see a drill recorded after now (evaluating as of the past)',
    history: withDrills([drill({ at: daysAgo(1), recordedAt: NOW + HOUR })]),
    state: 'alarm',
    reason: ['no successful restore drill on record'],
  },
  {
    name: 'cannot judge when drills were not loaded',
    history: history(),
    state: 'error',
  },
];

describe('restore-drill', () => {
  it.each(cases)('$name', (c) => expectCase(restoreDrill, c));

  it('names a bad parameter', () => {
    expect(paramProblems(restoreDrill, { maxDuration: 'soon' })).toEqual([expect.stringMatching(/^maxDuration: invalid duration "soon"/)]);
  });

  it('reads only drills, and is not judged from the listing alone', () => {
    expect(restoreDrill.historyNeeds?.(restoreDrill.params.parse({}))).toEqual({ drills: true });
    expect(restoreDrill.judgesListingAlone).toBeFalsy();
    expect(judge(restoreDrill, { history: withDrills([drill({ at: NOW - DAY })]) }).details).toMatchObject({ ageMs: DAY });
  });

  it('is off for a target unless some layer of the config sets it', () => {
    const target: TargetConfig = { id: 't', account: 'a', service: 'rds', instance: 'i', labels: { env: 'prod' }, rules: {} };
    const ids = (config: Parameters<typeof resolveRules>[1], t = target) =>
      resolveRules(rules, config, t)
        .resolved.filter((r) => r.enabled)
        .map((r) => r.rule.id);
    expect(ids({ rules: {}, profiles: [] })).not.toContain('restore-drill');
    expect(resolveRules(rules, { rules: {}, profiles: [] }, target).resolved.map((r) => r.rule.id)).not.toContain('restore-drill');
    expect(ids({ rules: { 'restore-drill': true }, profiles: [] })).toContain('restore-drill');
    expect(ids({ rules: {}, profiles: [{ match: { env: 'prod' }, rules: { 'restore-drill': { maxAge: '30d' } } }] })).toContain(
      'restore-drill',
    );
    expect(ids({ rules: {}, profiles: [] }, { ...target, rules: { 'restore-drill': {} } })).toContain('restore-drill');
    const off = resolveRules(rules, { rules: { 'restore-drill': true }, profiles: [] }, { ...target, rules: { 'restore-drill': false } });
    expect(off.resolved.find((r) => r.rule.id === 'restore-drill')).toMatchObject({
      enabled: false,
      disabledBy: 'targets[t].rules.restore-drill',
    });
  });
});
