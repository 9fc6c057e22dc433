import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetSpec } from '../../src/simulator/index.js';
import { csvCells } from '../helpers/csv.js';
import { type HttpSink, startHttpSink } from '../helpers/http-sink.js';
import { type CycleWorld, startCycleWorld } from './cycle-world.js';
import { IN_FAULTS_SUITE, record } from './support.js';

// Hostile text from providers (backup names, error messages) carrying HTML, Slack mrkdwn, spreadsheet
// formulas, terminal escapes and a 1 MB string, through a full cycle: every output must show it as
// inert text, and stay bounded.

const ESC = '\u001b';
const HOSTILE = [
  '<script>alert(1)</script><img src=x onerror=alert(2)>',
  '<!channel> <https://evil.example/phish|click here> *bold* @here',
  '=HYPERLINK("https://evil.example/x","open")',
  `${ESC}[2J${ESC}[31mRED${ESC}]8;;https://evil.example${ESC}\\link${ESC}]8;;${ESC}\\`,
].join(' ');
const HUGE = `+SUM(1,2) ${'A'.repeat(1_048_576)} <b>tail</b>`;
const MB = 1_048_576;

let w: CycleWorld | undefined;
let aliyunSink: HttpSink | undefined;
afterAll(async () => Promise.all([w?.close(), aliyunSink?.close()]));

/** The newest backup of each failing instance gets a hostile name (UCloud, OTC and Huawei list names). */
function plant(spec: FleetSpec): FleetSpec {
  return {
    ...spec,
    instances: spec.instances.map((i) => {
      const first = i.backups[0];
      if (!first || !/^(uc-pg|otc-rds|hw-dds)-failing$/.test(i.target ?? '')) return i;
      const name = i.target === 'hw-dds-failing' ? HUGE : HOSTILE;
      // A label key that a spreadsheet would run, and a hostile label value, travel through the config.
      return { ...i, labels: { ...i.labels, '+SUM(A1)': HOSTILE }, backups: [{ ...first, name }, ...i.backups.slice(1)] };
    }),
  };
}

interface Output {
  readonly where: string;
  readonly text: string;
}

/** Every string inside a JSON document. */
function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => [k, ...strings(x)]);
  return [];
}

const outputs: Output[] = [];
const of = (...kinds: string[]): Output[] => outputs.filter((o) => kinds.includes(o.where));
const TERMINAL_AND_TEXT = ['status table', 'report md', 'report html', 'report csv', 'email html', 'email text', 'slack'];
const JSON_OUTPUTS = ['webhook', 'status json', 'report json'];

beforeAll(async () => {
  const started = Date.now();
  // Alibaba answers every call with an error whose message is hostile (or 1 MB long).
  const error = (message: string) => ({
    status: 400,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ Code: 'InvalidParameter', Message: message, RequestId: 'REQ-1' }),
  });
  aliyunSink = await startHttpSink(Array.from({ length: 400 }, (_, i) => error(i % 2 === 0 ? HOSTILE : HUGE)));
  w = await startCycleWorld({ spec: plant, aliyunEndpoint: aliyunSink.url, tail: 'rules: { poll-failing: { after: 1 } }' });
  const run = async (...args: string[]): Promise<string> => {
    const r = await (w as CycleWorld).cli(...args);
    if (r.code > 1) throw new Error(`${args.join(' ')} exited ${r.code}: ${r.stderr.slice(-500)}`);
    return r.stdout;
  };
  await run('run-once');
  outputs.push({ where: 'status table', text: await run('status') });
  outputs.push({ where: 'status json', text: await run('status', '--json') });
  const period = ['--from', new Date(Date.now() - 30 * 86_400_000).toISOString(), '--to', new Date().toISOString()];
  for (const format of ['md', 'html', 'json', 'csv']) {
    await run('report', ...period, '--format', format, '--out', join(w.dir, `report.${format}`));
    outputs.push({ where: `report ${format}`, text: readFileSync(join(w.dir, `report.${format}`), 'utf8') });
  }
  for (const m of w.smtp.messages)
    outputs.push({ where: 'email html', text: m.parsed.html || '' }, { where: 'email text', text: m.parsed.text ?? '' });
  for (const r of w.slack.requests) outputs.push({ where: 'slack', text: r.body });
  for (const r of w.webhook.requests) outputs.push({ where: 'webhook', text: r.body });
  if (process.env.FAULTS_DUMP)
    for (const [i, o] of outputs.entries()) writeFileSync(join(process.env.FAULTS_DUMP, `${i}-${o.where.replace(/ /g, '-')}.txt`), o.text);
  record({ area: 'injection (HTML, mrkdwn, CSV, ANSI, 1 MB)', seconds: Math.round((Date.now() - started) / 1000) });
}, 120_000);

describe.runIf(IN_FAULTS_SUITE)('hostile provider text through a full cycle', () => {
  it('reaches every kind of output, so the checks below see it', () => {
    const seen = (where: string): boolean => outputs.some((o) => o.where === where && /script|HYPERLINK|channel|SUM\(A1/.test(o.text));
    expect([...TERMINAL_AND_TEXT, ...JSON_OUTPUTS].filter((k) => !seen(k))).toEqual([]);
  });

  it('shows HTML as text in the email, the HTML report and the Markdown report', () => {
    const live = (o: Output): boolean =>
      (o.where === 'report md' ? /(^|[^\\])<(script|img|b>tail)/i : /<(script|img|b>tail)/i).test(o.text);
    expect(
      of('email html', 'report html', 'report md')
        .filter(live)
        .map((o) => o.where),
    ).toEqual([]);
    expect(of('email html', 'report html').every((o) => o.text.includes('&lt;script&gt;'))).toBe(true);
  });

  it('never lets Slack text mention @channel or make a link', () => {
    const texts = of('slack').flatMap((o) => strings(JSON.parse(o.text)));
    expect(texts.filter((t) => /<!channel>|<https:\/\/evil|<!here>/.test(t))).toEqual([]);
    expect(texts.some((t) => t.includes('&lt;!channel&gt;'))).toBe(true);
  });

  it('starts no CSV cell with a character a spreadsheet would run as a formula', () => {
    const cells = of('report csv').flatMap((o) => csvCells(o.text));
    expect(cells.filter((c) => /^[=+\-@\t\r]/.test(c) && !/^-?\d/.test(c))).toEqual([]);
    expect(cells.some((c) => c.includes('SUM(A1)'))).toBe(true);
  });

  it('writes no terminal escape into the status table, reports, email or Slack', () => {
    const withEsc = of(...TERMINAL_AND_TEXT).filter(
      (o) => o.text.includes(ESC) || (o.where === 'slack' && strings(JSON.parse(o.text)).some((t) => t.includes(ESC))),
    );
    expect(withEsc.map((o) => o.where)).toEqual([]);
  });

  it('cuts the 1 MB string in the status table, reports, email and Slack', () => {
    expect(
      of(...TERMINAL_AND_TEXT)
        .filter((o) => o.text.length >= MB)
        .map((o) => `${o.where}: ${o.text.length}`),
    ).toEqual([]);
  });

  it('keeps the JSON outputs valid JSON', () => {
    for (const o of of(...JSON_OUTPUTS)) expect(() => JSON.parse(o.text), o.where).not.toThrow();
  });

  it('cuts the 1 MB string in the webhook body and status --json', () => {
    expect(
      of(...JSON_OUTPUTS)
        .filter((o) => o.text.length >= MB)
        .map((o) => `${o.where}: ${o.text.length}`),
    ).toEqual([]);
  });
  it('strips terminal escapes from the values of the webhook, status --json and report JSON', () => {
    expect(
      of(...JSON_OUTPUTS)
        .filter((o) => strings(JSON.parse(o.text)).some((t) => t.includes(ESC)))
        .map((o) => o.where),
    ).toEqual([]);
  });
});
