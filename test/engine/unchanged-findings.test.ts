import { afterEach, beforeEach, expect, it } from 'vitest';
import { createDeps } from '../../jobs/deps.js';
import { loadConfigText } from '../../src/config/load.js';
import type { Db } from '../../src/db/client.js';
import { recordPoll } from '../../src/db/ingest.js';
import { lastEvaluated } from '../../src/db/report-reads.js';
import { evaluateTargets } from '../../src/engine/evaluate.js';
import { tempDatabase } from '../helpers/db.js';

// Re-evaluating mostly confirms what is stored: such findings are not rewritten, yet the target's
// last evaluation (what reports read to tell a stopped auditor from a quiet fleet) still moves on.

const YAML = `accounts:
  ali: { cloud: aliyun, regionId: cn-hangzhou, endpoint: "http://127.0.0.1:9", accessKeyId: ak, accessKeySecret: sk }
targets:
  - { id: a, account: ali, service: rds, instance: rm-a }
`;
const T0 = Date.parse('2026-11-10T06:00:00Z');
const MIN = 60_000;
const H = 60 * MIN;

let db: Db;
let cleanup: () => void;
beforeEach(() => ({ db, cleanup } = tempDatabase()));
afterEach(() => cleanup());

const evaluate = (now: number) =>
  evaluateTargets(createDeps({ db, loaded: loadConfigText(YAML, '/tmp/backup-auditor.yaml', { env: {} }) }), { now });

const rows = () =>
  db.$client.prepare(`SELECT rule_id, reason, evaluated_at FROM findings WHERE target_id = 'a' ORDER BY rule_id`).all() as {
    rule_id: string;
    reason: string;
    evaluated_at: number;
  }[];

const eventCount = () => db.$client.prepare(`SELECT count(*) FROM finding_events`).pluck().get() as number;

it('rewrites no finding when nothing changed, and stamps one so the target counts as evaluated', () => {
  evaluate(T0);
  const before = rows();
  const events = eventCount();

  evaluate(T0 + MIN);

  const after = rows();
  expect(after.map((r) => r.reason)).toEqual(before.map((r) => r.reason));
  expect(after.filter((r) => r.evaluated_at === T0 + MIN)).toHaveLength(1);
  expect(after.filter((r) => r.evaluated_at === T0)).toHaveLength(before.length - 1);
  expect(eventCount()).toBe(events);
  expect(lastEvaluated(db, 'a')).toBe(T0 + MIN);
});

it('rewrites a finding whose reason changed though its state did not, and only that one', () => {
  recordPoll(db, {
    targetId: 'a',
    startedAt: T0 - 2000,
    finishedAt: T0 - 1000,
    outcome: {
      ok: true,
      pages: 1,
      backups: [
        {
          backupId: 'b1',
          name: null,
          kind: 'full',
          trigger: 'automated',
          status: 'completed',
          rawStatus: 'Success',
          startedAt: T0 - 3 * H,
          endedAt: T0 - 2 * H,
          sizeBytes: 1024,
          raw: { BackupId: 'b1' },
        },
      ],
    },
  });
  evaluate(T0);
  const before = new Map(rows().map((r) => [r.rule_id, r]));

  evaluate(T0 + 10 * MIN);

  const rewritten = rows().filter((r) => r.evaluated_at === T0 + 10 * MIN);
  expect(rewritten.length).toBeGreaterThan(0);
  for (const r of rewritten) expect(r.reason).not.toBe(before.get(r.rule_id)?.reason);
  expect(rows().find((r) => r.rule_id === 'recent-success')?.reason).toContain('2h 10m ago');
  expect(lastEvaluated(db, 'a')).toBe(T0 + 10 * MIN);
});
