import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UNSAFE } from '../../src/core/text.js';
import { escapeHtml, MAX_REASON, oneLine, orderItems, renderHtml, renderText, subject, truncate } from '../../src/notify/render.js';
import { alertItem, digest } from '../helpers/alerts.js';

describe('subject', () => {
  it('states firing and resolved counts with the worst firing severity', () => {
    const d = digest([
      alertItem({ severity: 'warning' }),
      alertItem({ targetId: 'billing-db', severity: 'critical' }),
      alertItem({ kind: 'resolved', targetId: 'crm-db', severity: 'critical' }),
    ]);
    expect(subject(d, '[backup-auditor]')).toBe('[backup-auditor] CRITICAL: 2 firing, 1 resolved');
  });

  it('counts reminders as firing', () => {
    const d = digest([alertItem({ kind: 'reminder', severity: 'info' })]);
    expect(subject(d, '[backup-auditor]')).toBe('[backup-auditor] INFO: 1 firing');
  });

  it('says only "resolved: N" when nothing fires, whatever the resolved severities', () => {
    const d = digest([alertItem({ kind: 'resolved' }), alertItem({ kind: 'resolved', ruleId: 'failed-backup' })]);
    expect(subject(d, '[backup-auditor]')).toBe('[backup-auditor] resolved: 2');
  });

  it('keeps the subject on one line even when the prefix holds a line break', () => {
    expect(subject(digest([alertItem()]), '[ops]\r\nBcc: x@evil')).toBe('[ops] Bcc: x@evil CRITICAL: 1 firing');
    expect(subject(digest([alertItem()]), '')).toBe('CRITICAL: 1 firing');
  });
});

describe('ordering', () => {
  it('lists firing items worst first, then resolved ones', () => {
    const items = orderItems([
      alertItem({ kind: 'resolved', targetId: 'a-resolved', severity: 'critical' }),
      alertItem({ targetId: 'b-info', severity: 'info' }),
      alertItem({ kind: 'reminder', targetId: 'c-critical-reminder' }),
      alertItem({ targetId: 'd-warning', severity: 'warning' }),
      alertItem({ targetId: 'e-critical' }),
    ]);
    expect(items.map((i) => i.targetId)).toEqual(['e-critical', 'c-critical-reminder', 'd-warning', 'b-info', 'a-resolved']);
  });

  it('renders the text body in the same order, with since in ISO-8601 UTC, reason and labels', () => {
    const text = renderText(
      digest([
        alertItem({ kind: 'resolved', targetId: 'crm-db', reason: 'backup completed' }),
        alertItem({ targetId: 'orders-pg', since: Date.parse('2026-03-01T22:00:00.250Z') }),
      ]),
    );
    expect(text.indexOf('orders-pg')).toBeLessThan(text.indexOf('crm-db'));
    expect(text).toContain('[FIRING] CRITICAL orders-pg / recent-success');
    expect(text).toContain('since:  2026-03-01T22:00:00Z');
    expect(text).toContain('reason: no completed backup ended within 24h');
    expect(text).toContain('labels: env=prod, team=payments');
    expect(text).toContain('[RESOLVED] CRITICAL crm-db / recent-success');
  });
});

describe('escaping and truncation', () => {
  const hostile = alertItem({
    targetId: '<img src=x onerror=alert(1)>',
    ruleId: `rule"'&`,
    reason: '<script>alert(1)</script> "quoted" it\'s 🔥',
    labels: { '<k>': '"v"' },
  });

  it('escapes every dynamic string in the HTML body', () => {
    const html = renderHtml(digest([hostile]));
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot; it&#39;s 🔥');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('rule&quot;&#39;&amp;');
    expect(html).toContain('&lt;k&gt;=&quot;v&quot;');
  });

  it('produces a mail-safe document: no scripts, no style sheets, no external resources', () => {
    const html = renderHtml(digest([hostile]));
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<(script|style|link|img|iframe)\b/i);
    expect(html).not.toMatch(/<[^>]*\b(src|href|on[a-z]+)=/i);
  });

  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });

  it('truncates a very long reason with an ellipsis in both bodies', () => {
    const long = alertItem({ reason: 'x'.repeat(5000) });
    const html = renderHtml(digest([long]));
    const text = renderText(digest([long]));
    expect(html).toContain(`${'x'.repeat(MAX_REASON - 1)}…`);
    expect(html).not.toContain('x'.repeat(MAX_REASON));
    expect(text).not.toContain('x'.repeat(MAX_REASON));
  });

  it('never splits an emoji when truncating', () => {
    expect(truncate('🔥🔥🔥', 2)).toBe('🔥…');
    expect(truncate('short', 10)).toBe('short');
  });

  it('strips terminal escape sequences and line breaks from one-line fields in the text body', () => {
    const text = renderText(digest([alertItem({ targetId: 'db\u001b[31m\nFAKE LINE' })]));
    expect(text).toContain('db[31m FAKE LINE / recent-success');
    expect(text).not.toContain('\u001b');
  });
});

describe('escapeHtml() and oneLine() on any text', () => {
  // The long way, always: what each function did before its test-first shortcut.
  const escapeLongWay = (t: string) =>
    t.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
  const oneLineLongWay = (t: string) => t.replace(/[\r\n\t\u2028\u2029]+/g, ' ').replace(UNSAFE, '');
  const text = fc.oneof(
    fc.string({ unit: 'binary' }),
    fc.string({
      unit: fc.constantFrom('a', '&', '<', '"', "'", '\r', '\n', '\t', '\u2028', '\u001b', '\u0085', '\u202e', '\ud800', '\udc00'),
    }),
  );

  it('escapes exactly as replacing every special character would', () => {
    fc.assert(
      fc.property(text, (t) => {
        expect(escapeHtml(t)).toBe(escapeLongWay(t));
      }),
      { numRuns: 2_000 },
    );
  });

  it('puts text on one line exactly as replacing breaks and removing controls would', () => {
    fc.assert(
      fc.property(text, (t) => {
        expect(oneLine(t)).toBe(oneLineLongWay(t));
      }),
      { numRuns: 2_000 },
    );
  });
});
