import { expect, it } from 'vitest';
import { createDeps } from '../../jobs/deps.js';
import { loadConfigText } from '../../src/config/load.js';
import { closeDatabase, openDatabase } from '../../src/db/client.js';
import { evaluateTargets } from '../../src/engine/evaluate.js';

const YAML = `database: ":memory:"
accounts:
  ali: { cloud: aliyun, regionId: cn-hangzhou, endpoint: "http://127.0.0.1:9", accessKeyId: ak, accessKeySecret: sk }
targets:
  - { id: a, account: ali, service: rds, instance: rm-a }
  - { id: b, account: ali, service: rds, instance: rm-b }
  - { id: c, account: ali, service: rds, instance: rm-c }
`;

it('evaluateTargets() with targetIds judges just those the config lists, each once, whatever the order or repeats', () => {
  const loaded = loadConfigText(YAML, '/tmp/backup-auditor.yaml', { env: {} });
  const db = openDatabase(':memory:');
  try {
    const summary = evaluateTargets(createDeps({ db, loaded }), {
      now: Date.parse('2026-11-10T00:00:00Z'),
      targetIds: ['c', 'gone', 'a', 'c'],
    });
    const perTarget = db.$client.prepare('SELECT target_id, COUNT(*) AS n FROM findings GROUP BY target_id ORDER BY target_id').all() as {
      target_id: string;
      n: number;
    }[];
    expect(perTarget.map((r) => r.target_id)).toEqual(['a', 'c']);
    expect(perTarget[0]?.n).toBeGreaterThan(0);
    expect(perTarget[0]?.n).toBe(perTarget[1]?.n);
    expect(summary.findings).toBe((perTarget[0]?.n ?? 0) * 2);
  } finally {
    closeDatabase(db);
  }
});
