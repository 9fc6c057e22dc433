import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCycle } from '../../jobs/cycle.js';
import { createDeps } from '../../jobs/deps.js';
import { loadConfigText } from '../../src/config/load.js';
import { manualClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { closeDatabase, type Db, openDatabase } from '../../src/db/client.js';
import { evidenceHead } from '../../src/db/evidence.js';
import { verifyEvidence } from '../../src/db/evidence-verify.js';
import { sealOpenRuns } from '../../src/db/poll-runs.js';
import { Fleet, type SimBackupInput, type Simulator, startSimulator } from '../../src/simulator/index.js';
import { runCli } from '../helpers/cli.js';
import { type RecordingProxy, startRecordingProxy } from '../helpers/recording-proxy.js';
import { tempDir } from '../helpers/temp.js';

// One simulated month through the daemon's own cycle, against the simulator, with an injected clock:
// four Alibaba RDS instances polled every 30 minutes, each taking a backup a day (listed running, then
// done), db-1's failing on days 10-12 and db-2's stopping on day 20. A proxy keeps every answer the
// provider gave, which the evidence is held against.

const MIN = 60_000;
const DAY = 1440 * MIN;
const DAYS = 30;
const DAY0 = Date.parse('2026-10-01T00:00:00Z');
const TARGETS = 4;
const KEY = { accessKeyId: 'LTAI5tMonthOfEvidence', accessKeySecret: 'month-of-evidence-secret' };

const outcome = (i: number, day: number): 'Success' | 'Failed' | 'none' =>
  i === 1 && day >= 10 && day <= 12 ? 'Failed' : i === 2 && day >= 20 ? 'none' : 'Success';
const backup = (status: string, startedAt: number, endedAt: number | null, day: number): SimBackupInput => ({
  status,
  kind: 'full',
  mode: 'Automated',
  startedAt,
  endedAt,
  sizeBytes: status === 'Success' ? 40e9 + day * 1e6 : 0,
});

let dir: string;
let cleanup: () => void;
let sim: Simulator;
let proxy: RecordingProxy;
let db: Db;
let config: string;
/** The head a weekly report would have printed after the first week. */
let weekOneHead: string;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('ba-month-'));
  const clock = manualClock(DAY0);
  const fleet = new Fleet();
  fleet.addAccount({ cloud: 'aliyun', ...KEY });
  for (let i = 0; i < TARGETS; i++) {
    const week = Array.from({ length: 7 }, (_, k) =>
      backup('Success', DAY0 - (k + 1) * DAY + 120 * MIN, DAY0 - (k + 1) * DAY + 149 * MIN, -k),
    );
    fleet.addInstance({ cloud: 'aliyun', service: 'rds', id: `rm-${i}`, regionId: 'cn-hangzhou', backups: week });
  }
  sim = await startSimulator({ fleet, clock });
  proxy = await startRecordingProxy(sim.url, clock);
  writeFileSync(join(dir, 'signing.pem'), generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const yaml = `database: ./audit.db
accounts:
  ali: { cloud: aliyun, regionId: cn-hangzhou, endpoint: "${proxy.url}",
         accessKeyId: ${KEY.accessKeyId}, accessKeySecret: ${KEY.accessKeySecret} }
targets:
${Array.from({ length: TARGETS }, (_, i) => `  - { id: db-${i}, account: ali, service: rds, instance: rm-${i} }`).join('\n')}
evidence: { signingKey: { file: signing.pem } }
`;
  config = join(dir, 'backup-auditor.yaml');
  writeFileSync(config, yaml);
  db = openDatabase(join(dir, 'audit.db'));
  const deps = createDeps({ db, loaded: loadConfigText(yaml, config, { env: {} }), clock, sleep: clock.sleep, log: silentLogger });
  const running = new Map<string, string>();
  for (let day = 0; day < DAYS; day++) {
    for (let slot = 0; slot < 48; slot++) {
      const now = DAY0 + day * DAY + slot * 30 * MIN;
      clock.set(Math.max(now, clock()));
      for (let i = 0; i < TARGETS; i++) {
        const id = `rm-${i}`;
        const ends = outcome(i, day);
        if (slot === 4 && ends !== 'none') running.set(id, fleet.addBackup(id, backup('Running', now, null, day)).id);
        const started = running.get(id);
        if (slot === 5 && started !== undefined) {
          fleet.updateBackup(id, started, { ...backup(ends, now - 30 * MIN, now - MIN, day) });
          running.delete(id);
        }
        for (const b of fleet.instance(id)?.backups ?? []) if (b.startedAt < now - 7 * DAY) fleet.removeBackup(id, b.id);
      }
      await runCycle(deps);
    }
    // What the weekly report does before it prints the head.
    if (day === 6) {
      sealOpenRuns(db);
      weekOneHead = evidenceHead(db)?.hash as string;
    }
  }
  db.$client.pragma('wal_checkpoint(TRUNCATE)');
}, 300_000);

afterAll(async () => {
  if (db) closeDatabase(db);
  await proxy?.close();
  await sim?.close();
  cleanup?.();
});

const sh = (script: string, cwd: string) => spawnSync('sh', ['-c', script], { cwd, encoding: 'utf8' });

describe('a simulated month of evidence', () => {
  it('verifies whole, and still holds the head printed after its first week', async () => {
    const r = await runCli(['--config', config, 'evidence', 'verify', '--json', '--head', weekOneHead]);
    const verdict = JSON.parse(r.stdout) as { ok: boolean; links: number; problems: unknown[] };
    expect(verdict).toMatchObject({ ok: true, problems: [] });
    expect(verdict.links).toBeGreaterThan(TARGETS * DAYS * 3);
    expect(r.code).toBe(0);
  });

  it('prints exactly what the provider answered at polls across the month', async () => {
    const polls = db.$client.prepare(`SELECT id, target_id, started_at, finished_at FROM poll_runs ORDER BY id`).all() as {
      id: number;
      target_id: string;
      started_at: number;
      finished_at: number;
    }[];
    for (const day of [1, 9, 11, 17, 22, 29]) {
      for (const p of polls.filter((x) => x.started_at >= DAY0 + day * DAY).slice(0, TARGETS)) {
        const instance = p.target_id.replace('db-', 'rm-');
        const answered = proxy.answers.filter((a) => a.instance === instance && a.at >= p.started_at && a.at <= p.finished_at);
        expect(answered).toHaveLength(1);
        const r = await runCli(['--config', config, 'history', p.target_id, '--poll', String(p.id), '--raw']);
        expect(r.stderr).toBe('');
        // As received, but for the pre-signed download links: their query strings are never kept.
        const unsigned = answered[0]?.body.replace(/(https?:\/\/[^"?]*)\?[^"]*Signature=[^"]*"/g, '$1?[scrubbed]"');
        expect(unsigned).not.toContain('Signature=');
        expect(r.stdout).toBe(`${unsigned}\n`);
      }
    }
  });

  it('names each kind of tampering with a month of records', () => {
    const tampered = (sql: string) => {
      const path = join(dir, `tampered-${Math.random().toString(36).slice(2)}.db`);
      copyFileSync(join(dir, 'audit.db'), path);
      const raw = new Database(path);
      raw.exec(sql);
      raw.close();
      const copy = openDatabase(path);
      try {
        return verifyEvidence(copy, { head: evidenceHead(db)?.hash as string }).problems[0];
      } finally {
        closeDatabase(copy);
      }
    };
    const failedEvent = `(SELECT min(id) FROM backup_events WHERE to_status = 'failed')`;
    expect(tampered(`UPDATE backup_events SET to_status = 'completed' WHERE id = ${failedEvent}`)).toMatchObject({
      break: 'edited',
      kind: 'backup-events',
    });
    expect(tampered(`DELETE FROM finding_events WHERE id = (SELECT max(id) FROM finding_events)`)).toMatchObject({
      break: 'deleted',
      kind: 'finding-event',
    });
    expect(
      tampered(`INSERT INTO backup_events (target_id, backup_id, poll_id, at, from_status, to_status, raw_status)
        SELECT target_id, 'forged', poll_id, at, NULL, 'completed', 'Success' FROM backup_events WHERE id = ${failedEvent}`),
    ).toMatchObject({ break: 'inserted', kind: 'backup-events' });
    expect(
      tampered(`UPDATE evidence_chain SET seq = -seq WHERE seq IN (200, 201);
        UPDATE evidence_chain SET seq = CASE seq WHEN -200 THEN 201 ELSE 200 END WHERE seq IN (-200, -201)`),
    ).toMatchObject({ break: 'reordered', seq: 200 });
    expect(tampered(`DELETE FROM evidence_chain WHERE seq > (SELECT max(seq) - 3 FROM evidence_chain)`)).toMatchObject({
      break: 'truncated',
    });
  });

  it('exports the month as a bundle that sha256sum -c, openssl and evidence verify --bundle accept', async () => {
    const out = join(dir, 'month.tar.gz');
    const range = ['--from', '2026-10-01T00:00Z', '--to', '2026-10-31T00:00Z'];
    const r = await runCli(['--config', config, 'evidence', 'export', ...range, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const into = join(dir, 'month');
    mkdirSync(into);
    execFileSync('tar', ['-xzf', out, '-C', into]);
    expect(sh('sha256sum -c --quiet MANIFEST.sha256', into).status).toBe(0);
    const signed = sh(
      'base64 -d MANIFEST.sha256.sig > sig.bin && ' +
        'openssl pkeyutl -verify -pubin -inkey public-key.pem -rawin -in MANIFEST.sha256 -sigfile sig.bin',
      into,
    );
    expect(signed.stdout).toContain('Signature Verified Successfully');
    expect(Number(sh('ls pages | wc -l', into).stdout.trim())).toBeGreaterThan(TARGETS * DAYS);
    const bundle = await runCli(['--config', config, 'evidence', 'verify', '--bundle', out]);
    expect(bundle.code).toBe(0);
  });
});
