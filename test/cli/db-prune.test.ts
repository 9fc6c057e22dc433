import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../src/db/client.js';
import { recordPoll } from '../../src/db/ingest.js';
import { sealOpenRuns } from '../../src/db/poll-runs.js';
import { runCli } from '../helpers/cli.js';
import { listedBackup } from '../helpers/evidence.js';
import { tempConfig } from '../helpers/temp.js';

const DAY = 86_400_000;
const config = (retention: string) => `database: ./audit.db
accounts:
  ali: { cloud: aliyun, regionId: cn-hangzhou, endpoint: "http://127.0.0.1:9", accessKeyId: LTAI5tPrune, accessKeySecret: prune-secret }
targets:
  - { id: orders, account: ali, service: rds, instance: rm-orders }
${retention}
`;

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

describe('db prune', () => {
  it('removes polls and pages past retention now, and evidence verify still passes', async () => {
    const t = tempConfig(config('retention: { polls: 40d, pages: 35d }'), 'ba-prune-');
    cleanup = t.cleanup;
    const db = openDatabase(join(t.dir, 'audit.db'));
    const start = Date.now() - 60 * DAY;
    // A poll a day for 60 days, each seeing one more backup than the day before (so each is a run of its own).
    for (let d = 0; d < 60; d++) {
      const backups = [listedBackup(`b-${d}`)];
      const body = JSON.stringify({ RequestId: `r-${d}`, Items: { Backup: [{ BackupId: `b-${d}` }] } });
      const at = start + d * DAY;
      recordPoll(db, {
        targetId: 'orders',
        startedAt: at,
        finishedAt: at,
        outcome: { ok: true, pages: 1, backups },
        pageBodies: { bodies: [body], omitted: 0 },
      });
    }
    sealOpenRuns(db);
    closeDatabase(db);

    const r = await runCli(['--config', t.config, 'db', 'prune']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // Polls older than 40 days (days 0-20) go with their events and backups; pages older than 35 days (days 0-25).
    expect(r.stdout).toMatch(
      /pruned poll-pages 26, backup-events 21, poll-run 21; 21 backups, \d+ page bodies, 0 failed notifications; 1 retention link appended/,
    );
    const verify = await runCli(['--config', t.config, 'evidence', 'verify', '--json']);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, problems: [] });
    // A bundle over the whole period carries the pruned links, digests only, and still checks.
    const bundle = join(t.dir, 'all.tar.gz');
    const from = new Date(start - DAY).toISOString();
    const exported = await runCli([
      '--config',
      t.config,
      'evidence',
      'export',
      '--from',
      from,
      '--to',
      new Date().toISOString(),
      '--out',
      bundle,
    ]);
    expect(exported.stderr).toBe('');
    const chain = execFileSync('tar', ['-xzOf', bundle, 'chain.jsonl'], { encoding: 'utf8' });
    expect(chain.split('\n').filter((l) => l.includes('"pruned":true'))).toHaveLength(26 + 21 + 21);
    const checked = await runCli(['--config', t.config, 'evidence', 'verify', '--bundle', bundle, '--json']);
    expect(JSON.parse(checked.stdout)).toMatchObject({ ok: true, problems: [] });
    const again = await runCli(['--config', t.config, 'db', 'prune']);
    expect(again.stdout).toContain('pruned no chained record');
  });

  it('says so and keeps everything without retention', async () => {
    const t = tempConfig(config(''), 'ba-prune-');
    cleanup = t.cleanup;
    const r = await runCli(['--config', t.config, 'db', 'prune']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('no retention: configured: everything is kept');
  });

  it.each([
    ['retention: { polls: 10d }', 'retention.polls', 'at least 35d'],
    ['retention: { polls: 100d, pages: 400d }', 'retention.pages', 'cannot be kept longer than the polls'],
    ['retention: { poll: 400d }', 'retention', 'poll'],
  ])('refuses %s, naming the field', async (yaml, field, words) => {
    const t = tempConfig(config(yaml), 'ba-prune-');
    cleanup = t.cleanup;
    const r = await runCli(['--config', t.config, 'validate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(field);
    expect(r.stderr).toContain(words);
  });
});
