import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../src/db/client.js';
import { evidenceHead } from '../../src/db/evidence.js';
import { recordPoll } from '../../src/db/ingest.js';
import { sealOpenRuns } from '../../src/db/poll-runs.js';
import { runCli } from '../helpers/cli.js';
import { writeEvidence } from '../helpers/evidence.js';
import { tempConfig } from '../helpers/temp.js';

const LITERAL = 'hunter2-export-literal-secret';
const ENV_SECRET = 'env-secret-value-never-exported';
const CONFIG = `database: ./audit.db
accounts:
  ali: { cloud: aliyun, regionId: cn-hangzhou, endpoint: "http://127.0.0.1:9", accessKeyId: LTAI5tExport, accessKeySecret: ${LITERAL} }
  ali2: { cloud: aliyun, regionId: cn-hangzhou, endpoint: "http://127.0.0.1:9",
          accessKeyId: LTAI5tOther, accessKeySecret: { env: ALI2_SK } }
targets:
  - { id: orders, account: ali, service: rds, instance: rm-orders }
  - { id: billing, account: ali, service: rds, instance: rm-billing }
evidence: { signingKey: { file: signing.pem } }
`;
const RANGE = ['--from', '2026-11-19T00:00Z', '--to', '2026-11-21T00:00Z'];
const ENV = { ALI2_SK: ENV_SECRET };

let dir: string;
let config: string;
let cleanup: () => void;
let privatePem: string;
let head: string;
beforeAll(() => {
  ({ dir, config, cleanup } = tempConfig(CONFIG, 'ba-export-'));
  privatePem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  writeFileSync(join(dir, 'signing.pem'), privatePem);
  const db = openDatabase(join(dir, 'audit.db'));
  writeEvidence(db);
  // A poll that kept the page the provider answered, and one whose listing changed since (a delta).
  for (const [i, items] of [['b-1'], ['b-1', 'b-2']].entries()) {
    const body = JSON.stringify({ RequestId: `req-${i}`, Items: { Backup: items.map((BackupId) => ({ BackupId })) } });
    const at = Date.parse('2026-11-20T06:00:00Z') + i * 1_800_000;
    recordPoll(db, {
      targetId: 'orders',
      startedAt: at,
      finishedAt: at,
      outcome: { ok: true, pages: 1, backups: [] },
      pageBodies: { bodies: [body], omitted: 0 },
    });
  }
  sealOpenRuns(db);
  head = evidenceHead(db)?.hash ?? '';
  closeDatabase(db);
});
afterAll(() => cleanup());

/** Exports into `name`.tar.gz and extracts it with the system tar into the folder `name`. */
async function exported(name: string, ...args: string[]): Promise<string> {
  const r = await runCli(['--config', config, 'evidence', 'export', ...RANGE, ...args, '--out', join(dir, `${name}.tar.gz`)], { env: ENV });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const into = join(dir, name);
  mkdirSync(into);
  execFileSync('tar', ['-xzf', join(dir, `${name}.tar.gz`), '-C', into]);
  return into;
}

const sh = (script: string, cwd: string) => spawnSync('sh', ['-c', script], { cwd, encoding: 'utf8' });

describe('evidence export', () => {
  it('writes a bundle that sha256sum -c and openssl check, as its README says', async () => {
    const into = await exported('signed');
    const check = sh('sha256sum -c MANIFEST.sha256', into);
    expect(check.status).toBe(0);
    expect(check.stdout).toContain('chain.jsonl: OK');
    expect(check.stdout).toContain('public-key.pem: OK');
    // The pages the provider answered, each named by the SHA-256 its bytes have.
    const pages = sh('for f in pages/*.json; do sha256sum "$f"; done', into).stdout.trim().split('\n');
    expect(pages.length).toBeGreaterThan(0);
    expect(pages).toHaveLength(2);
    for (const line of pages) expect(line).toMatch(/^([0-9a-f]{64}) {2}pages\/\1\.json$/);
    const received = sh('cat pages/*.json', into).stdout;
    expect(received).toContain('{"RequestId":"","Items":{"Backup":[{"BackupId":"b-1"},{"BackupId":"b-2"}]}}');
    expect(check.stdout).toMatch(/pages\/[0-9a-f]{64}\.json: OK/);
    const verified = sh(
      'base64 -d MANIFEST.sha256.sig > sig.bin && ' +
        'openssl pkeyutl -verify -pubin -inkey public-key.pem -rawin -in MANIFEST.sha256 -sigfile sig.bin',
      into,
    );
    expect(verified.stdout).toContain('Signature Verified Successfully');
    const key = await runCli(['--config', config, 'evidence', 'public-key']);
    expect(readFileSync(join(into, 'public-key.pem'), 'utf8')).toBe(key.stdout);
  });

  it('lets a link be recomputed with sed, printf and sha256sum, by the example in its README', async () => {
    const into = await exported('links');
    const readme = readFileSync(join(into, 'README.txt'), 'utf8');
    const example = readme.slice(readme.indexOf('For example'));
    const commands = example.split('\n').filter((l) => /^ {5}(rec=|printf)/.test(l));
    const expected = [...example.matchAll(/-> ([0-9a-f]{64})/g)].map((m) => m[1]);
    expect(commands).toHaveLength(3);
    const out = sh(commands.join('\n'), into);
    expect(out.stdout.split('\n').filter((l) => l !== '')).toEqual(expected.map((h) => `${h}  -`));
    // The head it recomputes is the chain's, which a report would have published.
    expect(expected[1]).toBe(head);
    // Every link, by the README's general recipe, in a shell loop: digest from records.jsonl, hash from the previous one.
    const chain = readFileSync(join(into, 'chain.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const about = JSON.parse(readFileSync(join(into, 'export.json'), 'utf8'));
    let previous: string = about.chain.previousHash;
    for (const link of chain) {
      const script = `rec=$(sed -n 's/^{"seq":${link.seq},"record":\\(.*\\)}$/\\1/p' records.jsonl)
printf '%s' "$rec" | sha256sum
printf '%s%s' ${previous} ${link.digest} | sha256sum`;
      expect(sh(script, into).stdout).toBe(`${link.digest}  -\n${link.hash}  -\n`);
      previous = link.hash;
    }
    expect(chain.at(-1).hash).toBe(head);
  });

  it('puts no secret value in any file: secrets appear as their references', async () => {
    const into = await exported('secrets');
    const body = privatePem.split('\n')[1] as string;
    for (const needle of [LITERAL, ENV_SECRET, body]) expect(sh(`grep -rlF -- '${needle}' .`, into).stdout).toBe('');
    const snapshot = readFileSync(join(into, 'config-snapshot.json'), 'utf8');
    expect(snapshot).toContain('{"env":"ALI2_SK"}');
    expect(snapshot).toContain('{"file":"signing.pem"}');
  });

  it('holds the rows of the range, only of the targets asked for', async () => {
    const into = await exported('orders', '--target', 'orders');
    const rows = (file: string) =>
      readFileSync(join(into, file), 'utf8')
        .trim()
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l));
    expect(rows('polls.jsonl').map((p) => p.target_id)).toEqual(['orders', 'orders', 'orders', 'orders']);
    expect(rows('poll-pages.jsonl').map((p) => p.page)).toEqual([1, 1]);
    expect(rows('backups.jsonl').map((b) => b.backup_id)).toEqual(['1', '2']);
    expect(rows('drills.jsonl').map((d) => d.id)).toEqual(['drill-1']);
    expect(rows('finding-events.jsonl')).toEqual([]);
    expect(rows('silences.jsonl')).toHaveLength(1);
    expect(readdirSync(into)).toEqual(expect.arrayContaining(['findings.jsonl', 'notifications.jsonl', 'backup-events.jsonl']));
  });

  it('is checked offline by evidence verify --bundle, which names a tampered file', async () => {
    await exported('verified');
    const intact = await runCli(['--config', config, 'evidence', 'verify', '--bundle', join(dir, 'verified.tar.gz'), '--head', head]);
    expect(intact.stdout).toBe(`evidence bundle intact: manifest checked, signature valid, 16 links recomputed; head 16 ${head}\n`);
    expect(intact.code).toBe(0);
    const into = await exported('tampered');
    const polls = join(into, 'polls.jsonl');
    writeFileSync(polls, readFileSync(polls, 'utf8').replace('"outcome":"error"', '"outcome":"ok"'));
    const check = sh('sha256sum -c MANIFEST.sha256', into);
    expect(check.status).not.toBe(0);
    expect(check.stdout).toContain('polls.jsonl: FAILED');
    execFileSync('tar', ['-czf', join(dir, 'tampered-again.tar.gz'), '-C', into, '.']);
    const broken = await runCli(['--config', config, 'evidence', 'verify', '--bundle', join(dir, 'tampered-again.tar.gz')]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('evidence bundle BROKEN: polls.jsonl: its SHA-256 differs from MANIFEST.sha256');
  });

  it('names a tampered chain record even when the manifest is rewritten to match', async () => {
    const into = await exported('rewritten');
    const records = join(into, 'records.jsonl');
    writeFileSync(records, readFileSync(records, 'utf8').replace('"reason":"polls fail"', '"reason":"all fine"'));
    sh('sha256sum $(cut -c67- MANIFEST.sha256) > M && mv M MANIFEST.sha256', into);
    expect(sh('sha256sum -c MANIFEST.sha256', into).status).toBe(0);
    execFileSync('tar', ['-czf', join(dir, 'rewritten-again.tar.gz'), '-C', into, '.']);
    const r = await runCli(['--config', config, 'evidence', 'verify', '--json', '--bundle', join(dir, 'rewritten-again.tar.gz')]);
    expect(r.code).toBe(1);
    const verdict = JSON.parse(r.stdout);
    expect(verdict.problems).toContain(`${'MANIFEST.sha256.sig'}: the signature does not match MANIFEST.sha256 and public-key.pem`);
    expect(verdict.problems.some((p: string) => /^link \d+: its record does not hash to its digest: edited$/.test(p))).toBe(true);
  });

  it('refuses to write a bundle where a secret value turns up, naming the secret and the file', async () => {
    const other = tempConfig(CONFIG, 'ba-export-leak-');
    try {
      writeFileSync(join(other.dir, 'signing.pem'), privatePem);
      const db = openDatabase(join(other.dir, 'audit.db'));
      writeEvidence(db);
      const error = { kind: 'auth' as const, code: 'Denied', message: `key ${ENV_SECRET} rejected`, permanent: true };
      recordPoll(db, {
        targetId: 'orders',
        startedAt: Date.parse('2026-11-20T05:00Z'),
        finishedAt: Date.parse('2026-11-20T05:00Z'),
        outcome: { ok: false, pages: 0, error },
      });
      closeDatabase(db);
      const out = join(other.dir, 'leak.tar.gz');
      const r = await runCli(['--config', other.config, 'evidence', 'export', ...RANGE, '--out', out], { env: ENV });
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(
        `evidence export: refused: a secret's value is in the evidence (accounts.ali2.accessKeySecret in polls.jsonl`,
      );
      expect(existsSync(out)).toBe(false);
    } finally {
      other.cleanup();
    }
  });

  it('refuses bad options, naming the option', async () => {
    const out = ['--out', join(dir, 'x.tar.gz')];
    const backwards = await runCli(['--config', config, 'evidence', 'export', '--from', '2026-11-21', '--to', '2026-11-20', ...out]);
    expect(backwards.code).toBe(2);
    expect(backwards.stderr).toContain('evidence export: --to: must be after --from');
    const unknown = await runCli(['--config', config, 'evidence', 'export', ...RANGE, '--target', 'nope', ...out]);
    expect(unknown.stderr).toContain('evidence export: --target: unknown target "nope"');
    const zip = await runCli(['--config', config, 'evidence', 'export', ...RANGE, '--out', join(dir, 'x.zip')]);
    expect(zip.stderr).toContain('evidence export: --out: must name a .tar.gz file');
  });
});
