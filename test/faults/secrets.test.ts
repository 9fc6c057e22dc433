import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { blobBody } from '../../src/db/page-blobs.js';
import { type CycleWorld, SECRETS, startCycleWorld } from './cycle-world.js';
import { IN_FAULTS_SUITE, record } from './support.js';

/** Every page body the database keeps, decompressed as `history --poll` reads it. */
function pageBodies(path: string): string[] {
  const c = new Database(path, { readonly: true });
  try {
    const hashes = c.prepare(`SELECT DISTINCT lower(hex(hash)) FROM poll_pages`).pluck().all() as string[];
    return hashes.map((h) => {
      const found = blobBody({ $client: c }, h);
      return 'text' in found ? found.text : `unreadable: ${found.problem}`;
    });
  } finally {
    c.close();
  }
}

// A full cycle with recognisable secrets, then every place they could leak is searched: the debug
// logs, the database files, every report format, and what each channel received.

let w: CycleWorld | undefined;
/** The last 30 days up to now: every backup of the fleet and every finding of the cycle. */
const period = (): string[] => ['--from', new Date(Date.now() - 30 * 86_400_000).toISOString(), '--to', new Date().toISOString()];
afterAll(async () => w?.close());

describe.runIf(IN_FAULTS_SUITE)('secrets', () => {
  it('appear nowhere: not in debug logs, the database, reports or notifications', async () => {
    const started = Date.now();
    w = await startCycleWorld();
    const outputs: { where: string; text: string }[] = [];
    const run = async (...args: string[]): Promise<void> => {
      const r = await w!.cli(...args);
      expect(r.code, `${args.join(' ')}: ${r.stderr.slice(-500)}`).toBeLessThanOrEqual(1);
      expect(r.stderr).not.toMatch(/ERR_MODULE_NOT_FOUND/);
      outputs.push({ where: `${args[0]} stdout`, text: r.stdout }, { where: `${args[0]} stderr`, text: r.stderr });
    };
    await run('run-once');
    await run('status');
    await run('status', '--json');
    await run(
      'drill',
      'record',
      '--target',
      'ali-rds-failing',
      '--result',
      'failed',
      '--at',
      new Date(Date.now() - 3_600_000).toISOString(),
    );
    await run('drill', 'list', '--json');
    await run('history', 'ali-rds-failing');
    for (const format of ['md', 'html', 'json', 'csv'])
      await run('report', ...period(), '--format', format, '--out', join(w.dir, `report.${format}`));
    await run('report', ...period(), '--send');
    await run('run-once'); // a second cycle: reminders, resolved, nothing new
    await run('evidence', 'export', ...period(), '--out', join(w.dir, 'bundle.tar.gz'));

    for (const f of readdirSync(w.dir)) outputs.push({ where: f, text: readFileSync(join(w.dir, f)).toString('latin1') });
    // What is compressed in those files, read back: the bundle's files and every page body the database keeps.
    const bundle = join(w.dir, 'bundle');
    mkdirSync(bundle);
    execFileSync('tar', ['-xzf', join(w.dir, 'bundle.tar.gz'), '-C', bundle]);
    for (const f of readdirSync(bundle, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()))
      outputs.push({ where: `bundle ${f.name}`, text: readFileSync(join(f.parentPath, f.name), 'utf8') });
    const pages = pageBodies(join(w.dir, 'audit.db'));
    expect(pages.length).toBeGreaterThan(0);
    for (const text of pages) outputs.push({ where: 'a stored page body', text });
    for (const m of w.smtp.messages) outputs.push({ where: 'email', text: m.raw });
    for (const r of w.slack.requests) outputs.push({ where: 'slack body', text: r.body });
    for (const r of w.webhook.requests) outputs.push({ where: 'webhook', text: `${JSON.stringify(r.headers)}\n${r.body}` });

    // The Slack token is the webhook URL's path: only the request line may carry it, never a body.
    const hits = outputs.flatMap((o) =>
      Object.entries(SECRETS)
        .filter(([, v]) => o.text.includes(v) || o.text.includes(encodeURIComponent(v)))
        .map(([k]) => `${k} in ${o.where}`),
    );
    const files = readdirSync(w.dir);
    record({ area: 'secrets (full cycle, debug logs)', secretsFound: hits.length, seconds: Math.round((Date.now() - started) / 1000) });

    expect(files).toEqual(expect.arrayContaining(['audit.db', 'report.md', 'report.html', 'report.json', 'report.csv']));
    expect(w.smtp.messages.length).toBeGreaterThan(0);
    expect(w.slack.requests.length).toBeGreaterThan(0);
    expect(w.webhook.requests.length).toBeGreaterThan(0);
    expect(outputs.some((o) => o.where.endsWith('stderr') && o.text.includes('"level":20'))).toBe(true); // debug lines were written
    // The secrets were really used: the relay demanded the password, Slack got its token in the URL, the webhook was signed.
    expect(w.slack.requests[0]?.path).toContain(SECRETS.slackToken);
    expect(JSON.stringify(w.webhook.requests[0]?.headers)).toMatch(/signature/i);
    expect(hits).toEqual([]);
  });
});
