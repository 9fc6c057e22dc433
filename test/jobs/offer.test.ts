import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { notifyJob } from '../../jobs/notify.js';
import { offerDueDigests } from '../../jobs/offer.js';
import { loadConfigText } from '../../src/config/load.js';
import { manualClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import type { Db } from '../../src/db/client.js';
import { claimOwner } from '../../src/notify/outbox.js';
import { EmbeddedQueue } from '../../src/queue/embedded.js';
import { alertItem, enqueueAlert } from '../helpers/alerts.js';
import { tempDatabase } from '../helpers/db.js';
import { until } from '../helpers/wait.js';

// The owner's outbox pump with a sender whose outcome never comes back (a worker that died after
// sending, a settle job lost): after the lease the rows must be offered again, not wait for ever.

const NOW = Date.parse('2026-11-21T12:00:00Z');
let db: Db;
let cleanup: () => void;
beforeEach(() => ({ db, cleanup } = tempDatabase()));
afterEach(() => cleanup());

describe('offering due digests', () => {
  it('offers a digest again once its lease ran out without an outcome, under a new job id', async () => {
    enqueueAlert(db, 'slack', alertItem({ targetId: 't1', ruleId: 'failed-backup', reason: 'r', since: NOW, labels: {} }), NOW);
    const loaded = loadConfigText(
      `accounts:
  ali: { cloud: aliyun, regionId: cn-hangzhou, accessKeyId: ak, accessKeySecret: sk }
targets: [{ id: t1, account: ali, service: rds, instance: rm-1 }]
channels: { slack: { type: slack, webhook: "http://127.0.0.1:9/hook" } }
alerting: { groupWait: 0s }
`,
      '/tmp/delivery-loop.yaml',
    );
    const clock = manualClock(NOW);
    const queue = new EmbeddedQueue({ log: silentLogger }, clock);
    const jobs: string[] = [];
    // Takes the digest and reports nothing back.
    queue.consume(notifyJob, async (_payload, meta) => void jobs.push(meta.jobId), { concurrency: 1 });
    const deps = { db, clock, log: silentLogger, queue };
    const offer = () => offerDueDigests(deps, { groupWaitMs: loaded.config.alerting.groupWait, owner: claimOwner() });
    try {
      await offer();
      await until(() => jobs.length === 1);
      expect(db.$client.prepare(`SELECT status FROM notifications`).pluck().get()).toBe('sending');
      await offer();
      expect(jobs).toHaveLength(1);
      clock.advance(11 * 60_000);
      await offer();
      await until(() => jobs.length === 2);
      expect(new Set(jobs).size).toBe(2);
    } finally {
      await queue.close(1_000);
    }
  });
});
