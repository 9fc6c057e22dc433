import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/render-html.js';
import type { ComplianceReport } from '../../src/report/types.js';
import type { GroupSummary } from '../../src/report/types-fleet.js';
import { chromiumMissing, launchChromium } from '../helpers/chromium.js';
import { HOSTILE, sampleReport } from '../helpers/report-fixture.js';

// The HTML report (also the report email's HTML part) on a wide screen and on a phone, in headless
// Chromium: the page never scrolls sideways and nothing sticks out of the screen. A table that cannot
// shrink to a phone's width may scroll inside its own box (that box is checked, not what it clips).
// Nothing is written anywhere: the pages are rendered from strings and measured in the browser.

if (chromiumMissing) console.warn(`report layout test skipped: ${chromiumMissing}`);

/** Without spaces, so it can only wrap where the report lets it break anywhere. */
const long = (what: string): string => `${what}-${'W'.repeat(300)}`;

/** The sample report with every name, label, account, rule and coverage entry as long as a config allows. */
function longNamesReport(): ComplianceReport {
  const base = sampleReport(2);
  const targets = base.targets.map((t, i) => ({
    ...t,
    id: `${long('target')}-${i}`,
    account: long('account'),
    service: long('service'),
    instance: long('instance'),
    labels: { [long('key')]: long('value'), team: HOSTILE.huge, [HOSTILE.quotes]: HOSTILE.emoji },
    currentAlarms: t.currentAlarms.map((a) => ({ ...a, rule: long('rule'), reason: `${long('reason')} ${HOSTILE.huge}` })),
    resolvedAlarms: t.resolvedAlarms.map((a) => ({ ...a, rule: long('rule') })),
  }));
  const ids = targets.map((t) => t.id);
  const group = (value: string | null): GroupSummary => ({ ...(base.fleet.groups.cloud[0] as GroupSummary), value });
  return {
    ...base,
    targets,
    fleet: {
      ...base.fleet,
      worstOffenders: ids,
      groups: {
        cloud: [group(long('cloud'))],
        account: [group(long('account')), group(HOSTILE.huge)],
        labels: { [long('key')]: [group(long('value')), group(null)], team: [group(HOSTILE.huge)] },
      },
      alarmsOpened: base.fleet.alarmsOpened.map((a) => ({ ...a, target: ids[0] ?? '', rule: long('rule') })),
      blindTargets: ids.map((target) => ({ target, blindMs: 3_600_000, longestMs: 3_600_000, atEnd: true })),
    },
    coverage: [
      {
        account: long('account'),
        service: long('service'),
        lastDiscoveryAt: base.generatedAt,
        discovered: 12_345,
        targeted: 12_000,
        excluded: 300,
        uncovered: 45,
        replicas: 6_789,
        uncoveredInstances: [{ instance: long('instance'), name: HOSTILE.huge, firstSeenAt: base.generatedAt }],
        excludedInstances: [],
        missingTargets: [{ target: long('target'), instance: long('instance') }],
      },
    ],
  };
}

interface Layout {
  readonly scrollWidth: number;
  readonly innerWidth: number;
  /** Elements (outside scroll boxes) wider than the screen or reaching past its edges. */
  readonly outside: readonly string[];
  /** Boxes whose content is wider than they are, and whether each holds a table. */
  readonly scrolling: readonly { readonly what: string; readonly table: boolean }[];
  readonly charts: readonly number[];
  /** Left and top of each target card. */
  readonly cards: readonly { readonly left: number; readonly top: number }[];
}

const MEASURE = `(() => {
  const all = [...document.body.querySelectorAll('*')];
  const boxes = all.filter((el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX));
  const inBox = new Set(boxes.flatMap((box) => [...box.querySelectorAll('*')]));
  const what = (el) => el.tagName.toLowerCase() + ' "' + (el.textContent || '').trim().slice(0, 50) + '"';
  const sticksOut = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > window.innerWidth + 0.5 || r.left < -0.5 || r.right > window.innerWidth + 0.5;
  };
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    outside: all.filter((el) => !inBox.has(el) && sticksOut(el)).slice(0, 5).map(what),
    scrolling: boxes
      .filter((box) => box.scrollWidth > box.clientWidth + 1)
      .map((box) => ({ what: what(box), table: box.firstElementChild?.tagName === 'TABLE' })),
    charts: [...document.querySelectorAll('svg')].map((s) => s.getBoundingClientRect().width),
    cards: [...document.querySelectorAll('[style*="display:grid"] > div')].map((c) => {
      const r = c.getBoundingClientRect();
      return { left: Math.round(r.left), top: Math.round(r.top) };
    }),
  };
})()`;

const REPORTS: readonly [string, ComplianceReport][] = [
  ['the sample report', sampleReport(3)],
  ['a report of very long names and labels', longNamesReport()],
];
const WIDTHS = [1280, 390] as const;

describe.skipIf(chromiumMissing !== null)('the HTML report on a wide screen and on a phone', () => {
  let browser: Browser;
  const layouts = new Map<string, Layout>();
  const layout = (report: string, width: number): Layout => {
    const l = layouts.get(`${report} ${width}`);
    if (!l) throw new Error(`not measured: ${report} at ${width} px`);
    return l;
  };

  beforeAll(async () => {
    browser = await launchChromium();
    for (const [name, report] of REPORTS) {
      const html = renderHtml(report);
      for (const width of WIDTHS) {
        const page: Page = await browser.newPage({ viewport: { width, height: 900 } });
        await page.setContent(html, { waitUntil: 'load' });
        layouts.set(`${name} ${width}`, await page.evaluate<Layout>(MEASURE));
        await page.close();
      }
    }
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  describe.each(REPORTS.map(([name]) => name))('%s', (name) => {
    it.each(WIDTHS)('does not scroll sideways at %i px, and no element is wider than the screen or sticks out', (width) => {
      const l = layout(name, width);
      expect(l.innerWidth).toBe(width);
      expect(l.scrollWidth).toBeLessThanOrEqual(width);
      expect(l.outside).toEqual([]);
    });

    it('lets only a table scroll, inside its own box, and only on the phone', () => {
      expect(layout(name, 1280).scrolling).toEqual([]);
      for (const box of layout(name, 390).scrolling) expect(box).toMatchObject({ table: true });
    });

    it('shrinks the charts to the phone screen', () => {
      const wide = layout(name, 1280).charts;
      const phone = layout(name, 390).charts;
      expect(wide[0]).toBe(560);
      for (const w of phone) expect(w).toBeLessThanOrEqual(390 - 24);
    });
  });

  it('puts target cards side by side on a wide screen and one under the other on a phone', () => {
    const wide = layout('the sample report', 1280).cards;
    const phone = layout('the sample report', 390).cards;
    expect(wide).toHaveLength(5);
    expect(wide[1]?.top).toBe(wide[0]?.top);
    expect(wide[1]?.left).toBeGreaterThan(wide[0]?.left ?? Number.POSITIVE_INFINITY);
    expect(new Set(phone.map((c) => c.left)).size).toBe(1);
  });
});
