import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDeps } from '../../jobs/deps.js';
import { reportJob } from '../../jobs/report.js';
import { type LoadedConfig, loadConfigFile } from '../../src/config/load.js';
import { manualClock } from '../../src/core/clock.js';
import { DeliveryError } from '../../src/core/errors.js';
import { createLogger } from '../../src/core/log.js';
import { closeDatabase, type Db, openDatabase } from '../../src/db/client.js';
import { recordPoll } from '../../src/db/ingest.js';
import { readReportLock, reportLockKey } from '../../src/db/report-locks.js';
import { addSilence } from '../../src/db/silences.js';
import { evaluateTargets } from '../../src/engine/evaluate.js';
import { buildReport } from '../../src/report/build.js';
import { type IsoWeek, lastCompleteWeek, parseIsoWeek, weekPeriod } from '../../src/report/period.js';
import { runScheduledReport } from '../../src/report/schedule.js';
import { sendReport } from '../../src/report/send-report.js';
import type { ComplianceReport } from '../../src/report/types.js';
import { CHROMIUM, chromiumMissing } from '../helpers/chromium.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { type HttpSink, type SinkAnswer, startHttpSink } from '../helpers/http-sink.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';
import { completed } from '../helpers/stub-source.js';

// Two weeks of hourly history (2026-W45 and W46, Europe/Berlin): orders-db backs up daily; crm-db's
// polls start failing on Saturday 14 Nov 10:00Z with a hostile error message and are still failing
// when W46 ends, so it is blind and in alarm at the period end. A silence on crm-db, added on Friday
// 13 Nov, holds its notifications back through the week.

const H = 3_600_000;
const TZ = 'Europe/Berlin';
const START = Date.parse('2026-11-01T23:00:00Z'); // W45 begins
const END = Date.parse('2026-11-16T03:00:00Z');
const FAILING_FROM = Date.parse('2026-11-14T10:00:00Z');
const SILENCED_FROM = Date.parse('2026-11-13T00:00:00Z');
/** Monday 16 Nov 08:00 in Berlin: when the schedule reports W46. */
const MONDAY = Date.parse('2026-11-16T07:00:00Z');
const ACCOUNT_SECRET = 'sk-SECRET-do-not-print-7f3a';
const HOSTILE_ERROR = '<img src=x onerror=alert(1)> \u001b[31mred\u001b[0m "quoted"';

let dir: string;
let cleanup: () => void;
let config: string;
let smtp: SmtpSink;
let slack: HttpSink;
const opened: Db[] = [];

/** (Re)writes the config with the current sinks; `report.channels` as given, `report` options after them. */
function writeConfig(channels: readonly string[] = ['mail', 'chat'], reportOptions = ''): void {
  writeFileSync(
    config,
    `database: ./audit.db
timezone: ${TZ}
accounts:
  ali: { cloud: aliyun, regionId: cn-hangzhou, endpoint: "http://127.0.0.1:9", accessKeyId: ak, accessKeySecret: ${ACCOUNT_SECRET} }
targets:
  - { id: orders-db, account: ali, service: rds, instance: rm-1, labels: { team: payments } }
  - { id: crm-db, account: ali, service: rds, instance: rm-2, labels: { team: "<script>alert(1)</script>" } }
rules: { retention: false, size-anomaly: false }
channels:
  mail: { type: email, smtp: "${smtp.url}", from: auditor@example.com, to: [dba@example.com] }
  chat: { type: slack, webhook: "${slack.url}/services/T000/B000/XXXXSECRET" }
  hook: { type: webhook, url: "${slack.url}/hook", secret: hook-secret }
report: { channels: [${channels.join(', ')}]${reportOptions} }
`,
  );
}

async function sinks(slackAnswers: readonly SinkAnswer[] = []): Promise<void> {
  await Promise.all([smtp?.close(), slack?.close()]);
  smtp = await startSmtpSink();
  slack = await startHttpSink(slackAnswers);
  writeConfig();
}

function loaded(): LoadedConfig {
  return loadConfigFile(config, { env: {} });
}

/** Deps on their own database connection, as a separate daemon would have. */
function daemonDeps(at = MONDAY) {
  const l = loaded();
  const db = openDatabase(l.databasePath);
  opened.push(db);
  return createDeps({ db, loaded: l, clock: manualClock(at), timeoutMs: 5_000 });
}

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('ba-report-cli-'));
  config = join(dir, 'backup-auditor.yaml');
  await sinks();
  const l = loaded();
  const db = openDatabase(l.databasePath);
  const clock = manualClock(START);
  const deps = createDeps({ db, loaded: l, clock });
  const daily = (prefix: string, t: number) =>
    Array.from({ length: 20 }, (_, i) => Date.UTC(2026, 9, 28 + i, 2))
      .filter((end) => end <= t)
      .map((end) => completed(`${prefix}-${end}`, end, { name: `nightly <b>${prefix}</b>` }));
  for (let t = START; t <= END; t += H) {
    clock.set(t);
    if (t === SILENCED_FROM) {
      const endsAt = Date.parse('2026-11-20T00:00:00Z');
      addSilence(db, {
        matchers: { target: 'crm-db' },
        startsAt: t,
        endsAt,
        reason: 'crm-db moves to a new account',
        author: 'ops',
        now: t,
      });
    }
    recordPoll(db, { targetId: 'orders-db', startedAt: t - 1000, finishedAt: t, outcome: { ok: true, pages: 1, backups: daily('o', t) } });
    recordPoll(db, {
      targetId: 'crm-db',
      startedAt: t - 1000,
      finishedAt: t,
      outcome:
        t >= FAILING_FROM
          ? { ok: false, pages: 0, error: { kind: 'auth', message: HOSTILE_ERROR } }
          : { ok: true, pages: 1, backups: daily('c', t) },
    });
    evaluateTargets(deps);
  }
  closeDatabase(db);
});
afterEach(async () => {
  while (opened.length > 0) closeDatabase(opened.pop() as Db);
  // Each test starts with no scheduled report recorded.
  const db = openDatabase(loaded().databasePath);
  db.$client.prepare(`DELETE FROM meta WHERE key LIKE 'report:%'`).run();
  closeDatabase(db);
});
afterAll(async () => {
  await Promise.all([smtp.close(), slack.close()]);
  cleanup();
});

const cli = (...args: string[]) => runCli(['--config', config, 'report', ...args], { cwd: dir });

describe('report arguments', () => {
  it.each([
    [['--week', '2025-W53'], '--week: "2025-W53" does not exist: 2025 has weeks 01 to 52'],
    [['--week', 'last'], '--week: "last" is not an ISO week: use YYYY-Www, e.g. 2026-W47'],
    [['--week', '2999-W01'], '--week: 2999-W01 has not ended yet: it ends 2999-01-07 00:00 (Europe/Berlin)'],
    [['--week', '2026-W46', '--from', '2026-11-01'], '--week: give either --week or --from and --to, not both'],
    [['--from', '2026-11-01'], '--to: --from and --to must be given together'],
    [['--from', 'yesterday', '--to', '2026-11-02'], '--from: "yesterday" is not an instant'],
    [['--from', '2026-11-10', '--to', '2026-11-09'], '--to: must be after --from'],
    [['--from', '2026-11-10', '--to', '2999-01-01T00:00Z'], '--to: "2999-01-01T00:00Z" is in the future'],
    [['--from', '2024-01-01', '--to', '2026-01-01'], '--to: the period may be at most 366 days long'],
    [['--week', '2026-W46', '--format', 'xlsx'], '--format: "xlsx" is not a format: use md, html, json, csv, pdf'],
    [['--week', '2026-W46', '--format', 'pdf'], '--format: pdf is a binary file: give --out FILE'],
  ])('rejects %j with exit 2 and says why', async (args, message) => {
    const r = await cli(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`report: ${message}`);
    expect(r.stdout).toBe('');
  });

  it('refuses --send when the config names no report channel', async () => {
    writeConfig([]);
    const r = await cli('--week', '2026-W46', '--send');
    writeConfig();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('report.channels in the config is empty');
  });
});

describe('report output', () => {
  it('prints Markdown for the last complete week by default', async () => {
    const r = await cli();
    expect(r.code).toBe(0);
    const week = lastCompleteWeek(Date.now(), TZ);
    expect(r.stdout).toContain(`# Backup compliance · week ${Number(week.label.slice(6))}, ${week.label.slice(0, 4)} · `);
    expect(r.stdout).toContain(`Period: ${week.label}, `);
  });

  it('prints the versioned JSON for a week, with the blind target worst first and no secret anywhere', async () => {
    const r = await cli('--week', '2026-W46', '--format', 'json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as ComplianceReport;
    expect(report).toMatchObject({
      version: 2,
      timezone: TZ,
      period: { label: '2026-W46', start: '2026-11-08T23:00:00Z', end: '2026-11-15T23:00:00Z' },
    });
    expect(report.targets.map((t) => t.id)).toEqual(['crm-db', 'orders-db']);
    expect(report.targets[0]?.currentAlarms.map((a) => a.rule)).toContain('poll-failing');
    expect(report.fleet.blindTargets[0]).toMatchObject({ target: 'crm-db', atEnd: true });
    expect(r.stdout).not.toContain(ACCOUNT_SECRET);
    expect(r.stdout).not.toContain('XXXXSECRET');
  });

  it("carries the week's exceptions and every target's achieved RPO in the JSON", async () => {
    const r = await cli('--week', '2026-W46', '--format', 'json');
    const report = JSON.parse(r.stdout) as ComplianceReport;
    expect(report.exceptions).toEqual({
      silences: [
        {
          id: 1,
          author: 'ops',
          reason: 'crm-db moves to a new account',
          from: '2026-11-13T00:00:00Z',
          until: '2026-11-20T00:00:00Z',
          expired: false,
          createdAt: '2026-11-13T00:00:00Z',
          matchers: { target: 'crm-db', rule: null, labels: {} },
          // poll-failing into alarm on Saturday 12:00Z, recent-success on Sunday 03:00Z.
          heldBack: 2,
        },
      ],
      exclusions: [],
      disabledRules: ['orders-db', 'crm-db'].flatMap((target) => [
        { target, rule: 'retention', where: 'rules.retention' },
        { target, rule: 'size-anomaly', where: 'rules.size-anomaly' },
      ]),
    });
    const rpo = new Map(report.targets.map((t) => [t.id, t.rpo]));
    expect(rpo.get('orders-db')).toEqual({ longestMs: 24 * H, p95Ms: 24 * H, openMs: 21 * H, objectiveMs: 24 * H, met: true, backups: 7 });
    // The last backup crm-db listed before its polls failed ended on Saturday 14 Nov 02:00Z.
    expect(rpo.get('crm-db')).toEqual({ longestMs: 45 * H, p95Ms: 45 * H, openMs: 45 * H, objectiveMs: 24 * H, met: false, backups: 6 });
    expect(report.fleet.worstRpo.map((w) => [w.target, w.met])).toEqual([
      ['crm-db', false],
      ['orders-db', true],
    ]);
  });

  it('writes --out and prints nothing; the format follows the file extension', async () => {
    const r = await cli('--week', '2026-W46', '--out', 'weekly.html');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const html = readFileSync(join(dir, 'weekly.html'), 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('writes CSV with --format csv to the --out file', async () => {
    const r = await cli('--from', '2026-11-09 00:00', '--to', '2026-11-16 00:00', '--format', 'csv', '--out', 'weekly.data');
    expect(r.code).toBe(0);
    const lines = readFileSync(join(dir, 'weekly.data'), 'utf8').split('\r\n');
    expect(lines[0]?.startsWith('target,cloud,account,')).toBe(true);
    expect(lines.filter((l) => l !== '')).toHaveLength(3);
  });

  it.skipIf(chromiumMissing !== null)(
    'writes a PDF to --out FILE.pdf, printed by the Chromium found on PATH',
    async () => {
      const bin = join(dir, 'bin');
      mkdirSync(bin, { recursive: true });
      if (!existsSync(join(bin, 'chromium'))) symlinkSync(CHROMIUM, join(bin, 'chromium'));
      const r = await runCli(['--config', config, 'report', '--week', '2026-W46', '--out', 'weekly.pdf'], { cwd: dir, env: { PATH: bin } });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe('');
      const pdf = readFileSync(join(dir, 'weekly.pdf'));
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdf.toString('latin1').trimEnd().endsWith('%%EOF')).toBe(true);
      expect(pdf.length).toBeGreaterThan(1024);
    },
    60_000,
  );

  it('fails with exit 3, writing nothing, naming what it looked for when no Chromium is found', async () => {
    const r = await cli('--week', '2026-W46', '--format', 'pdf', '--out', 'none.pdf');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('report: --format pdf: no Chromium to print the PDF with: report.chromium is not set and none of ');
    expect(r.stderr).toContain('chromium, chromium-browser, google-chrome is on PATH');
    expect(existsSync(join(dir, 'none.pdf'))).toBe(false);
  });

  it('fails with exit 3, writing nothing, when the --out folder does not exist', async () => {
    const r = await cli('--week', '2026-W46', '--out', 'missing/weekly.md');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('cannot write the report to');
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });
});

describe('report --send', () => {
  afterEach(() => sinks());

  it('mails HTML with a text part and posts a Slack summary, again each time it is asked', async () => {
    for (let i = 0; i < 2; i++) {
      const r = await cli('--week', '2026-W46', '--send');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe('report 2026-W46 sent to mail\nreport 2026-W46 sent to chat\n');
    }
    expect(smtp.messages).toHaveLength(2);
    const mail = smtp.messages[0]?.parsed;
    expect(mail?.subject).toMatch(
      /^\[backup-auditor\] Backup compliance · week 46, 2026 · 9–15 Nov: \d+\.\d% compliant .*1 of 2 targets in alarm$/,
    );
    expect(mail?.html).toContain('<svg');
    expect(mail?.html).not.toMatch(/<script/i);
    expect(mail?.text).toContain('# Backup compliance · week 46, 2026 · 9–15 Nov');
    expect(slack.requests).toHaveLength(2);
    const body = slack.requests[0]?.body ?? '';
    expect(JSON.parse(body)).toMatchObject({
      blocks: [
        { type: 'header', text: { text: 'Backup compliance · week 46, 2026 · 9–15 Nov' } },
        expect.anything(),
        expect.anything(),
        expect.anything(),
        expect.anything(),
        expect.anything(),
      ],
    });
    expect(body).toContain('Worst offenders');
    expect(body).toContain('crm-db');
    expect(body).not.toContain('<script>');
  });

  it('posts the JSON report, signed, to a webhook channel', async () => {
    const deps = daemonDeps();
    const report = buildReport(deps, weekPeriod(parseIsoWeek('2026-W46') as IsoWeek, TZ), MONDAY);
    expect(await sendReport(deps, report, ['hook'])).toEqual([{ channel: 'hook', outcome: { ok: true } }]);
    const request = slack.requests[0];
    expect(request?.path).toBe('/hook');
    expect(request?.headers['x-signature']).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(request?.body ?? '{}')).toMatchObject({
      version: 1,
      channel: 'hook',
      items: [],
      report: { version: 2, period: { label: '2026-W46' } },
    });
  });

  it('reports a failing channel with exit 3 and still delivers to the others', async () => {
    await sinks([{ status: 404, body: 'no_service' }]);
    const r = await cli('--week', '2026-W46', '--send');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('report 2026-W46: chat failed: slack webhook (127.0.0.1');
    expect(r.stderr).toContain('(permanent)');
    expect(r.stderr).not.toContain('XXXXSECRET');
    expect(smtp.messages).toHaveLength(1);
  });
});

describe('scheduled report', () => {
  afterEach(() => sinks());

  it('sends one report per channel when two daemons run the schedule at once', async () => {
    const [a, b] = await Promise.all([runScheduledReport(daemonDeps(), MONDAY), runScheduledReport(daemonDeps(), MONDAY)]);
    expect([a.sent, b.sent].flat().sort()).toEqual(['chat', 'mail']);
    expect([a.skipped, b.skipped].flat().sort()).toEqual(['chat', 'mail']);
    expect(smtp.messages).toHaveLength(1);
    expect(slack.requests).toHaveLength(1);
    expect(smtp.messages[0]?.parsed.subject).toContain('week 46, 2026 · 9–15 Nov');
    expect(readReportLock(opened[0] as Db, reportLockKey('2026-W46', 'mail'))).toMatchObject({ state: 'sent' });
  });

  it('sends nothing on a later run for the same week, while report --send still re-sends', async () => {
    await runScheduledReport(daemonDeps(), MONDAY);
    const later = await runScheduledReport(daemonDeps(MONDAY + 2 * H), MONDAY + 2 * H);
    expect(later).toEqual({ period: '2026-W46', sent: [], skipped: ['mail', 'chat'], failed: [] });
    expect(smtp.messages).toHaveLength(1);
    expect((await cli('--week', '2026-W46', '--send')).code).toBe(0);
    expect(smtp.messages).toHaveLength(2);
  });

  it('releases only a channel that failed transiently, so the retry sends there alone', async () => {
    await sinks([{ status: 503, body: 'busy' }]);
    const first = runScheduledReport(daemonDeps(), MONDAY);
    await expect(first).rejects.toBeInstanceOf(DeliveryError);
    await expect(first).rejects.toMatchObject({ permanent: false, message: expect.stringContaining('report 2026-W46: chat:') });
    const retry = await runScheduledReport(daemonDeps(MONDAY + 60_000), MONDAY + 60_000);
    expect(retry).toMatchObject({ sent: ['chat'], skipped: ['mail'] });
    expect(smtp.messages).toHaveLength(1);
    expect(slack.requests).toHaveLength(2);
  });

  it('records a permanent failure and does not retry it', async () => {
    await sinks([{ status: 404, body: 'no_service' }]);
    await expect(runScheduledReport(daemonDeps(), MONDAY)).rejects.toMatchObject({ permanent: true });
    expect(readReportLock(opened[0] as Db, reportLockKey('2026-W46', 'chat'))).toMatchObject({
      state: 'failed',
      error: expect.stringContaining('no_service'),
    });
    expect(await runScheduledReport(daemonDeps(), MONDAY)).toMatchObject({ sent: [], skipped: ['mail', 'chat'] });
  });

  it.skipIf(chromiumMissing !== null)(
    'attaches report-2026-W46.pdf to the email when report.attachPdf asks',
    async () => {
      writeConfig(['mail', 'chat'], `, attachPdf: true, chromium: "${CHROMIUM}"`);
      expect(await runScheduledReport(daemonDeps(), MONDAY)).toMatchObject({ sent: ['mail', 'chat'] });
      const attachments = smtp.messages[0]?.parsed.attachments ?? [];
      expect(attachments.map((a) => [a.filename, a.contentType])).toEqual([['report-2026-W46.pdf', 'application/pdf']]);
      const pdf = attachments[0]?.content ?? Buffer.alloc(0);
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdf.toString('latin1').trimEnd().endsWith('%%EOF')).toBe(true);
      expect(smtp.messages[0]?.parsed.html).toContain('<svg');
      expect(slack.requests).toHaveLength(1);
    },
    60_000,
  );

  it('sends the report without the PDF when Chromium is missing, and the log says why', async () => {
    writeConfig(['mail'], ', attachPdf: true, chromium: ./no-such-chromium');
    const lines: string[] = [];
    const destination = new PassThrough();
    destination.on('data', (d: Buffer) =>
      lines.push(
        ...d
          .toString()
          .split('\n')
          .filter((l) => l !== ''),
      ),
    );
    const deps = { ...daemonDeps(), log: createLogger({ level: 'info', destination }) };
    expect(await runScheduledReport(deps, MONDAY)).toMatchObject({ sent: ['mail'], failed: [] });
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]?.parsed.attachments).toEqual([]);
    const warning = lines.map((l) => JSON.parse(l) as { level: number; msg: string }).find((l) => l.msg.includes('PDF'));
    expect(warning).toMatchObject({
      level: 40,
      msg:
        'report 2026-W46 goes out without its PDF attachment: ' +
        `report.chromium: ${join(dir, 'no-such-chromium')} is not an executable file`,
    });
  });

  it('reports the week named in the job payload, and only a week that has ended', async () => {
    expect(reportJob.payload.safeParse({}).success).toBe(true);
    expect(reportJob.payload.safeParse({ period: '2026-W45' }).success).toBe(true);
    expect(reportJob.payload.safeParse({ period: 'last week' }).success).toBe(false);
    expect(await runScheduledReport(daemonDeps(), MONDAY, { period: '2026-W45' })).toMatchObject({
      period: '2026-W45',
      sent: ['mail', 'chat'],
    });
    await expect(runScheduledReport(daemonDeps(), MONDAY, { period: '2026-W47' })).rejects.toMatchObject({
      permanent: true,
      message: 'report period 2026-W47 has not ended yet',
    });
  });
});
