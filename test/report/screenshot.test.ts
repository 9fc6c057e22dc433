import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/render-html.js';
import { sampleReport } from '../helpers/report-fixture.js';
import { tempDir } from '../helpers/temp.js';

// Renders the HTML report, hostile names included, in headless Chromium at a 600 px mail column and
// takes a screenshot. Needs Debian's `chromium` and the `playwright-core` package; without either the
// test is skipped and says which is missing.

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const WIDTH = 600;

/** The part of playwright-core this test uses; imported by name so the suite type-checks without it. */
interface Page {
  on(event: 'console', fn: (m: { type(): string; text(): string }) => void): void;
  on(event: 'pageerror', fn: (e: Error) => void): void;
  on(event: 'dialog', fn: (d: { message(): string; dismiss(): Promise<void> }) => void): void;
  on(event: 'request', fn: (r: { url(): string }) => void): void;
  setContent(html: string, opts?: { waitUntil?: 'load' }): Promise<void>;
  /** Runs a JavaScript expression in the page (a string: this suite is type-checked without the DOM library). */
  evaluate<T>(expression: string): Promise<T>;
  screenshot(opts: { path: string; fullPage: boolean }): Promise<Buffer>;
}
interface Browser {
  newPage(opts: { viewport: { width: number; height: number } }): Promise<Page>;
  close(): Promise<void>;
}
interface PlaywrightCore {
  chromium: { launch(opts: { executablePath: string; args: string[]; headless: boolean }): Promise<Browser> };
}

async function loadPlaywright(): Promise<PlaywrightCore | string> {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} not found (apt-get install chromium, or set CHROMIUM_PATH)`;
  const name = 'playwright-core';
  try {
    return (await import(name)) as PlaywrightCore;
  } catch {
    return 'playwright-core is not installed (npm install --save-dev playwright-core)';
  }
}

const playwright = await loadPlaywright();
const missing = typeof playwright === 'string' ? playwright : null;
if (missing) console.warn(`report screenshot test skipped: ${missing}`);

describe.skipIf(missing !== null)(`HTML report in headless Chromium${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let browser: Browser;
  let page: Page;
  let temp: ReturnType<typeof tempDir>;
  const problems: string[] = [];
  const requests: string[] = [];
  const dialogs: string[] = [];
  const report = sampleReport(3);

  beforeAll(async () => {
    temp = tempDir('ba-report-shot-');
    browser = await (playwright as PlaywrightCore).chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true });
    page = await browser.newPage({ viewport: { width: WIDTH, height: 900 } });
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('request', (r) => requests.push(r.url()));
    await page.setContent(renderHtml(report), { waitUntil: 'load' });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    temp?.cleanup();
  });

  it('renders without console errors, without running hostile script and without fetching anything', () => {
    expect(problems).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('about:') && !u.startsWith('data:'))).toEqual([]);
  });

  it('draws the fleet trend chart and one day chart per target, all visible', async () => {
    const charts = await page.evaluate<{ label: string; width: number; cells: number }[]>(
      "[...document.querySelectorAll('svg')].map((s) => ({ label: s.getAttribute('aria-label') ?? '', " +
        "width: s.getBoundingClientRect().width, cells: s.querySelectorAll('rect').length }))",
    );
    expect(charts).toHaveLength(report.targets.length + 1);
    expect(charts[0]).toMatchObject({ label: expect.stringMatching(/^Fleet compliance per day: Mon /), cells: 7 });
    for (const c of charts) expect(c.width).toBeGreaterThan(100);
    for (const c of charts.slice(1)) expect(c.cells).toBe(7);
  });

  it('clips nothing at 600 px: no horizontal scrolling, every element inside the column', async () => {
    const layout = await page.evaluate<{ scrollWidth: number; innerWidth: number; outside: { tag: string; right: number }[] }>(`(() => {
      const outside = [...document.body.querySelectorAll('*')]
        .map((el) => ({ tag: el.tagName, right: el.getBoundingClientRect().right }))
        .filter((r) => r.right > window.innerWidth + 0.5);
      return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, outside: outside.slice(0, 5) };
    })()`);
    expect(layout.scrollWidth).toBeLessThanOrEqual(layout.innerWidth);
    expect(layout.outside).toEqual([]);
  });

  it('takes a full-page screenshot', async () => {
    const path = join(temp.dir, 'report-600.png');
    await page.screenshot({ path, fullPage: true });
    expect(statSync(path).size).toBeGreaterThan(10_000);
  });
});
