import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderJson, renderJsonChunks, reportData } from '../../src/report/render-json.js';
import type { ComplianceReport } from '../../src/report/types.js';
import { sampleReport, targetReport } from '../helpers/report-fixture.js';

// renderJson writes a clean report straight out and only falls back to plainData when the text shows
// a character it would change. This is the long way, always: the output must be the same text.
const INVISIBLE = /[\u0080-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const theLongWay = (report: ComplianceReport): string =>
  `${JSON.stringify(reportData(report), null, 2).replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;

/** Text drawn from every UTF-16 unit (lone surrogates, controls, bidi, backslashes) with the troublesome ones made common. */
const anyText = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({
    unit: fc.constantFrom(
      'a',
      '\\',
      'b',
      'f',
      'r',
      'u',
      '0',
      '1',
      'd',
      '8',
      '\r',
      '\n',
      '\t',
      '\u0000',
      '\u001b',
      '\u007f',
      '\u0085',
      '\u2028',
      '\u202e',
      '\u2066',
      '\ud800',
      '\udc00',
      '"',
    ),
  }),
);

function reportWith(id: string, key: string, value: string, reason: string): ComplianceReport {
  const base = sampleReport();
  const target = targetReport({
    id,
    labels: { [key]: value },
    currentAlarms: [{ rule: 'failed-backup', severity: 'warning', since: '2026-11-15T02:00:00Z', reason }],
  });
  const alarm = {
    target: id,
    rule: 'failed-backup',
    severity: 'warning' as const,
    openedAt: '2026-11-15T02:00:00Z',
    closedAt: null,
    durationMs: null,
    reason,
  };
  // Nothing else in it beyond ASCII, so a check that only looks past ASCII would be caught.
  const fleet = {
    ...base.fleet,
    groups: { ...base.fleet.groups, account: [], labels: {} },
    worstOffenders: [id],
    worstRpo: [{ target: id, longestMs: 3_600_000, p95Ms: 3_600_000, openMs: 60_000, objectiveMs: null, met: null }],
    blindTargets: [],
    alarmsOpened: [alarm],
    alarmsClosed: [],
  };
  // The exceptions carry the same texts: author, reason and matchers of a silence, an exclusion, a disabled rule.
  const exceptions = {
    silences: [
      {
        id: 1,
        author: value,
        reason,
        from: '2026-11-10T08:00:00Z',
        until: '2026-11-12T08:00:00Z',
        expired: false,
        createdAt: '2026-11-10T08:00:00Z',
        matchers: { target: id, rule: null, labels: { [key]: value } },
        heldBack: 1,
      },
    ],
    exclusions: [
      { account: key, match: id, reason },
      { account: 'ali', match: value, reason: null },
    ],
    disabledRules: [{ target: id, rule: 'retention', where: `targets[0].rules.${key}` }],
  };
  return { ...base, fleet, targets: [target, targetReport()], exceptions };
}

describe('renderJson()', () => {
  it('writes the same text as cleaning every string first, whatever the strings hold', () => {
    fc.assert(
      fc.property(anyText, anyText, anyText, anyText, (id, key, value, reason) => {
        const report = reportWith(id, key, value, reason);
        expect(renderJson(report)).toBe(theLongWay(report));
      }),
      { numRuns: 300 },
    );
  });

  it('writes the same text as cleaning first when one string alone holds something, the rest plain ASCII', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 }), anyText, (where, text) => {
        const fields = ['db-1', 'team', 'payments', 'no completed backup in 26h'];
        fields[where] = text;
        const report = reportWith(...(fields as [string, string, string, string]));
        expect(renderJson(report)).toBe(theLongWay(report));
      }),
      { numRuns: 500 },
    );
  });

  it('writes a clean report without changing a character and cleans one with a control character', () => {
    const clean = reportWith('db-1', 'team', 'payments', 'no completed backup in 26h');
    expect(renderJson(clean)).toBe(theLongWay(clean));
    const dirty = renderJson(reportWith('db-\u001b[31m1', 'te\u202eam', 'pay\rments', 'x\u0085y'));
    expect(JSON.parse(dirty).targets[0]).toMatchObject({ id: 'db-[31m1', labels: { team: 'pay\nments' } });
    expect(dirty).not.toMatch(/\\u001b|\u202e|\u0085/);
  });

  it('comes in pieces of one target each, which joined are the whole text', () => {
    const report = sampleReport(5);
    const pieces = [...renderJsonChunks(report)];
    expect(pieces).toHaveLength(report.targets.length + 2);
    expect(pieces.join('')).toBe(theLongWay(report));
    for (const [i, piece] of pieces.slice(1, -1).entries()) {
      expect(JSON.parse(piece.replace(/^,/, '')).id).toBe(report.targets[i]?.id);
    }
  });

  it('is one piece for a fleet without targets', () => {
    const empty = { ...sampleReport(), targets: [] };
    expect([...renderJsonChunks(empty)]).toEqual([theLongWay(empty)]);
  });
});
