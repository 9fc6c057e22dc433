import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../src/db/client.js';
import { addSilence } from '../../src/db/silences.js';
import { lastCompleteWeek } from '../../src/report/period.js';
import type { ComplianceReport, TargetReport } from '../../src/report/types.js';
import { CHROMIUM, chromiumMissing, launchChromium } from '../helpers/chromium.js';
import { runCli } from '../helpers/cli.js';
import { type MailedFleet, startMailedFleet } from '../helpers/mailed-fleet.js';
import { backupSeries } from '../helpers/rds-fleet.js';

// A fresh install, one run, then the report of the last complete week: the providers list weeks of
// history the auditor never watched. What their listing shows is reconstructed and marked as such; a
// healthy target is honestly green, a stopped one honestly red, and nothing unknown reads as 0%.
// The silence an operator added during the week is listed; the HTML reads on a wide screen and a
// phone, and the PDF is a whole document.

const H = 3_600_000;
const D = 24 * H;
const KEY = { accessKeyId: 'LTAI5tFirstWeekKey', accessKeySecret: 'first-week-secret' };

describe('the first weekly report after install', () => {
  let w: MailedFleet;
  let env: NodeJS.ProcessEnv;
  let report: ComplianceReport;
  const now = Date.now();
  const week = lastCompleteWeek(now, 'UTC');
  const target = (id: string): TargetReport => {
    const t = report.targets.find((x) => x.id === id);
    if (!t) throw new Error(`no target ${id}`);
    return t;
  };

  beforeAll(async () => {
    w = await startMailedFleet({
      key: KEY,
      targets: {
        // A completed backup every day for five weeks, the newest two hours ago.
        healthy: backupSeries(now - 2 * H, 35),
        // Daily until three days before the last complete week began, then nothing.
        stopped: backupSeries(week.start - 3 * D, 26),
        // Daily until five days before the week ended, then nothing.
        lapsed: backupSeries(week.end - 5 * D, 30),
      },
      secret: KEY.accessKeySecret,
      rules: `rules:\n  retention: false\nreport:\n  chromium: ${CHROMIUM}\n`,
    });
    env = { SMTP_URL: w.smtp.url, SLACK_WEBHOOK_URL: `${w.slack.url}/hook` };
    expect((await runCli(['--config', w.config, 'run-once'], { env })).code).toBe(1);
    // An operator silenced the lapsed target for an afternoon of the week, when it was added.
    const db = openDatabase(join(w.dir, 'audit.db'));
    const at = week.start + 2 * D + 13 * H;
    addSilence(db, {
      matchers: { target: 'lapsed-db' },
      startsAt: at,
      endsAt: at + 4 * H,
      reason: 'storage migration, ticket OPS-4711',
      author: 'mei@example.com',
      now: at,
    });
    closeDatabase(db);
    const r = await runCli(['--config', w.config, 'report', '--format', 'json'], { env });
    expect(r.code).toBe(0);
    report = JSON.parse(r.stdout) as ComplianceReport;
  });
  afterAll(() => w?.close());

  it('reports the last complete week, reconstructed from the listing, for a target watched for minutes', () => {
    expect(report.period.label).toBe(week.label);
    const healthy = target('healthy-db');
    expect(healthy.compliance).toBe(1);
    expect(healthy.evidenceCoverage).toBeGreaterThan(0.99);
    expect(healthy.reconstructed?.share).toBeGreaterThan(0.99);
    expect(healthy.daily.every((d) => d.reconstructed === 1 && d.compliance === 1)).toBe(true);
    // Not watched yet, not blind: nothing went dark, the auditor was installed after the week.
    expect(healthy.unwatchedMs).toBe(report.period.lengthMs);
    expect(healthy.blindMs).toBe(0);
    expect(report.fleet.blindTargets).toEqual([]);
  });

  it('shows a target whose backups stopped as non-compliant, from the same reconstruction', () => {
    const stopped = target('stopped-db');
    expect(stopped.compliance).not.toBeNull();
    // recent-success alarmed from two days before the week to its end: judged, and non-compliant, all week.
    expect(stopped.compliance).toBe(0);
    expect(stopped.evidenceCoverage).toBe(1);
    expect(stopped.reconstructed?.share).toBeGreaterThan(0.99);
  });

  it('shows a target whose backups stopped five days before the week ended as mostly non-compliant, RPO five days', () => {
    const lapsed = target('lapsed-db');
    expect(lapsed.compliance).toBeGreaterThan(0.3);
    expect(lapsed.compliance).toBeLessThan(0.5);
    expect(lapsed.evidenceCoverage).toBe(1);
    expect(lapsed.rpo.openMs).toBe(5 * D);
    expect(lapsed.rpo.longestMs).toBe(5 * D);
    expect(lapsed.rpo.met).toBe(false);
    expect(report.fleet.worstRpo.map((r) => r.target).slice(0, 2)).toEqual(['stopped-db', 'lapsed-db']);
  });

  it('lists the silence of the week with its author, reason and matcher', async () => {
    expect(report.exceptions.silences).toEqual([
      expect.objectContaining({
        author: 'mei@example.com',
        reason: 'storage migration, ticket OPS-4711',
        matchers: expect.objectContaining({ target: 'lapsed-db' }),
      }),
    ]);
    const md = (await runCli(['--config', w.config, 'report'], { env })).stdout;
    expect(md).toContain('mei@example.com');
    expect(md).toContain('storage migration, ticket OPS-4711');
  });

  it('says what the reconstructed figures rest on, in words and in the fleet figures', async () => {
    expect(report.fleet.reconstructedShare).toBeGreaterThan(0.99);
    expect(report.fleet.daily.every((d) => d.reconstructed > 0.99)).toBe(true);
    const md = (await runCli(['--config', w.config, 'report'], { env })).stdout;
    expect(md).toMatch(
      /of the week reconstructed from the provider's listing at .+; backups the provider had already deleted are not in it/,
    );
    expect(md).not.toMatch(/\| healthy-db \| 0\.0% \|/);
    expect(md).toContain('| Day | Compliance | Reconstructed | Completed |');
  });

  it('keeps observed evidence apart: the alarms of the report are only those the auditor raised', () => {
    const stopped = target('stopped-db');
    // The run raised recent-success after the week; nothing in the week was observed.
    expect(stopped.resolvedAlarms).toEqual([]);
    expect(stopped.openedAlarms).toBe(0);
  });

  it.skipIf(chromiumMissing)(
    'renders HTML that fits 1280 px and 390 px screens, and a PDF with pages',
    async () => {
      const out = join(w.dir, 'week.html');
      expect((await runCli(['--config', w.config, 'report', '--out', out], { env })).code).toBe(0);
      const browser = await launchChromium();
      try {
        for (const width of [1280, 390]) {
          const page = await browser.newPage({ viewport: { width, height: 900 } });
          await page.setContent(readFileSync(out, 'utf8'));
          const fit = await page.evaluate<{ scroll: number; inner: number }>(
            '({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth })',
          );
          expect(fit.scroll, `at ${width} px`).toBeLessThanOrEqual(fit.inner);
          expect(await page.locator('svg[role="img"][aria-label]').count()).toBeGreaterThan(0);
          await page.close();
        }
      } finally {
        await browser.close();
      }
      const pdf = join(w.dir, 'week.pdf');
      expect((await runCli(['--config', w.config, 'report', '--out', pdf], { env })).code).toBe(0);
      const text = readFileSync(pdf).toString('latin1');
      expect(text.slice(0, 5)).toBe('%PDF-');
      expect(text.trimEnd().endsWith('%%EOF')).toBe(true);
      expect(text.match(/\/Type\s*\/Page\b/g)?.length ?? 0).toBeGreaterThan(0);
    },
    60_000,
  );

  it('reconstructs again on demand, with the same result', async () => {
    const again = await runCli(['--config', w.config, 'report', '--format', 'json', '--reconstruct'], { env });
    expect(again.stderr).toMatch(/reconstructed 3 targets/);
    const second = JSON.parse(again.stdout) as ComplianceReport;
    expect(second.targets.map((t) => [t.id, t.compliance])).toEqual(report.targets.map((t) => [t.id, t.compliance]));
  });
});
