import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { unheard } from '../../jobs/deps.js';
import { ingestJob } from '../../jobs/ingest.js';
import { rules } from '../../rules/registry.js';
import { loadConfigText } from '../../src/config/load.js';
import { createLogger } from '../../src/core/log.js';
import type { Db } from '../../src/db/client.js';
import type { PollRecord } from '../../src/domain/poll.js';
import { tempDatabase } from '../helpers/db.js';

const T0 = Date.parse('2026-11-20T00:00:00Z');
const H = 3_600_000;
let db: Db;
let cleanup: () => void;
beforeEach(() => ({ db, cleanup } = tempDatabase()));
afterEach(() => cleanup());

/** A successful poll of `t` finishing at `at` that lists the same two daily backups each time. */
const poll = (at: number): PollRecord => ({
  targetId: 't',
  slot: new Date(at).toISOString(),
  startedAt: at - 1000,
  finishedAt: at,
  outcome: {
    ok: true,
    pages: 1,
    backups: [1, 2].map((d) => ({
      backupId: `b${d}`,
      name: null,
      kind: 'full' as const,
      trigger: 'automated' as const,
      status: 'completed' as const,
      rawStatus: 'Success',
      startedAt: T0 - d * 24 * H,
      endedAt: T0 - d * 24 * H + H,
      sizeBytes: 1e9,
      raw: { id: `b${d}` },
    })),
  },
});

describe('the ingest job', () => {
  it('reconstructs the past from the first listing once, not again for polls that join its run', async () => {
    const lines: string[] = [];
    const log = createLogger({
      level: 'info',
      destination: new Writable({
        write: (chunk, _enc, done) => {
          lines.push(String(chunk));
          done();
        },
      }),
    });
    const loaded = loadConfigText(
      `accounts:
  ali: { cloud: aliyun, regionId: cn-hangzhou, accessKeyId: ak, accessKeySecret: sk }
targets: [{ id: t, account: ali, service: rds, instance: rm-1 }]
`,
      '/tmp/ingest-job.yaml',
    );
    const deps = { db, loaded, rules, log, clock: () => T0 + 2 * H, events: unheard, requestEvaluation: () => {} };
    for (const at of [T0, T0 + H, T0 + 2 * H]) await ingestJob.process(deps, { record: poll(at) }, { jobId: `ingest:${at}`, attempt: 1 });

    expect(db.$client.prepare(`SELECT polls FROM poll_runs`).pluck().all()).toEqual([3]);
    expect(lines.filter((l) => l.includes('reconstructed the time before the first poll'))).toHaveLength(1);
  });
});
