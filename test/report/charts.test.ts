import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/render-html.js';
import { daysInWords, fleetTrendSvg } from '../../src/report/render-svg.js';
import { sampleReport } from '../helpers/report-fixture.js';

// The charts of the HTML report are images: a screen reader, a text-only mail client and a PDF's
// text layer only have their title and aria-label, so those state the data.

const report = sampleReport();
const html = renderHtml(report);
const charts = [...html.matchAll(/<svg [^>]*>(?:<title>[^<]*<\/title>)?/g)].map((m) => ({
  role: /\srole="([^"]*)"/.exec(m[0])?.[1],
  label: /\saria-label="([^"]*)"/.exec(m[0])?.[1],
  title: /<title>([^<]*)<\/title>$/.exec(m[0])?.[1],
}));

describe('chart text alternatives', () => {
  it('gives every chart role="img" and a title that is also its aria-label', () => {
    expect(charts).toHaveLength(report.targets.length + 1);
    for (const c of charts) {
      expect(c.role).toBe('img');
      expect(c.label).toBeTruthy();
      expect(c.title).toBe(c.label);
    }
  });

  it("states the fleet's compliance of each day in the trend chart", () => {
    expect(charts[0]?.label).toBe('Fleet compliance per day: Mon 100.0%, Tue 75.0%, Wed 50.0%, Thu 90.0%, Fri 95.0%, Sat 99.0%, Sun 60.0%');
  });

  it('says "no evidence" for a day nobody could judge, and draws it apart from a red bar', () => {
    const days = report.fleet.daily.map((d, i) => (i === 1 || i === 2 ? { ...d, compliance: null, evidenceCoverage: 0 } : d));
    const svg = fleetTrendSvg(days);
    expect(svg).toContain('aria-label="Fleet compliance per day: Mon 100.0%, Tue–Wed no evidence, Thu 90.0%,');
    expect(svg).toMatch(/fill="#d0d5dd" stroke="#667085" stroke-dasharray="4 3"><title>2026-11-10: no evidence/);
    expect(svg).toMatch(/fill="#d92d20"><title>2026-11-15: 60.0% compliant/);
  });

  it('draws a day judged mostly from provider listings pale and dashed, and says so in words', () => {
    const days = report.fleet.daily.map((d, i) => (i < 2 ? { ...d, compliance: 1, reconstructed: 1 } : { ...d, reconstructed: 0.2 }));
    const svg = fleetTrendSvg(days);
    expect(svg).toContain('aria-label="Fleet compliance per day: Mon–Tue 100.0% reconstructed, Wed 50.0%,');
    expect(svg).toContain(
      'fill="#12b76a" fill-opacity="0.45" stroke="#475467" stroke-width="1.5" stroke-dasharray="3 2">' +
        '<title>2026-11-09: 100.0% compliant, evidence for 100.0% of the day, 100.0% of it reconstructed',
    );
    // Observed for the most part: drawn as observed, with the reconstructed part in its tooltip.
    expect(svg).toMatch(/fill="#d92d20"><title>2026-11-15: 60.0% compliant, evidence for 100.0% of the day, 20.0% of it reconstructed/);
  });

  it('says on which days each target had a completed, only failed or no backup', () => {
    expect(charts[1]?.label).toMatch(
      /^evil-&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;A+…: backups per day, 3 of 7 days with a completed backup: /,
    );
    expect(charts[1]?.label).toContain(
      ': Mon completed backup, Tue only failed backups, Wed no backup, Thu completed backup, Fri only failed backups, ' +
        'Sat no backup, Sun completed backup',
    );
    expect(charts[2]?.label).toBe('orders-pg: backups per day, 7 of 7 days with a completed backup: Mon–Sun completed backup');
  });

  it('names days by date when a period is longer than a week, a run of equal days once', () => {
    const days = ['2026-11-09', '2026-11-10', '2026-11-11', '2026-11-12', '2026-11-13', '2026-11-14', '2026-11-15', '2026-11-16'].map(
      (date) => ({ date }),
    );
    expect(daysInWords(days, (i) => (i < 7 ? 'ok' : 'late'))).toBe('9 Nov–15 Nov ok, 16 Nov late');
  });
});
