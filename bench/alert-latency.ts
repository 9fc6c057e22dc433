import { Fleet } from '../src/simulator/index.js';
import { startRedis } from '../test/helpers/redis.js';
import { HOUR, slackSink, until, world } from './daemon-world.js';
import { type FigureResult, judge, median, round } from './harness.js';

/** The one account, a line of YAML. */
const aliAccount = (endpoint: string): string =>
  `ali: { cloud: aliyun, regionId: cn-hangzhou, endpoint: "${endpoint}", accessKeyId: LTAI5tLatency, ` +
  'accessKeySecret: latency-secret, rateLimit: { perSecond: 100 } }';

// Figure 5: a FAILED backup appears at the provider → the Slack sink has the message. Measured from the
// moment the simulator lists it and the poll is due (a schedule tick), through poll, ingest, evaluation,
// the outbox and delivery, in the real daemon with groupWait 0.

async function latencies(mode: 'embedded' | 'bullmq', reps: number): Promise<number[]> {
  const redis = mode === 'bullmq' ? await startRedis() : undefined;
  const sink = await slackSink();
  const now = Date.now();
  const fleet = new Fleet();
  fleet.addAccount({ cloud: 'aliyun', accessKeyId: 'LTAI5tLatency', accessKeySecret: 'latency-secret' });
  fleet.addInstance({
    cloud: 'aliyun',
    service: 'rds',
    id: 'rm-latency',
    regionId: 'cn-hangzhou',
    backups: Array.from({ length: 20 }, (_, d) => ({
      status: 'Success',
      kind: 'full' as const,
      mode: 'Automated' as const,
      startedAt: now - d * 24 * HOUR - 2 * HOUR,
      endedAt: now - d * 24 * HOUR - HOUR,
      sizeBytes: 1e9,
    })),
  });
  const w = await world(
    fleet,
    (endpoint) => `${redis ? `redis: ${redis.url}\nqueue: { prefix: latency${process.pid} }\n` : ''}schedules: { poll: "0 0 1 1 *" }
accounts:
  ${aliAccount(endpoint)}
targets:
  - { id: latency-db, account: ali, service: rds, instance: rm-latency }
rules: { retention: false }
channels:
  slack: { type: slack, webhook: "${sink.url}" }
alerting: { groupWait: 0s }
`,
  );
  try {
    const owner = await w.startOwner();
    await owner.scheduler.pollAll('warm-up');
    await until(() => w.count(`SELECT COUNT(*) FROM findings`) > 0);
    const out: number[] = [];
    for (let i = 0; i < reps; i++) {
      const seen = sink.received.length;
      const t0 = Date.now();
      w.sim.fleet.addBackup('rm-latency', {
        status: 'Failed',
        kind: 'full',
        mode: 'Automated',
        startedAt: t0 - 60_000,
        endedAt: t0,
        sizeBytes: 0,
      });
      await owner.scheduler.pollAll(`failed-${i}`);
      await until(() => sink.received.slice(seen).some((m) => m.body.includes('failed-backup')));
      out.push((sink.received.find((m, j) => j >= seen && m.body.includes('failed-backup'))?.at ?? Date.now()) - t0);
      // Resolve it again so the next repetition fires anew. Provider times have whole seconds: the
      // completed backup must end in a later second than the failure to count as "after" it.
      await new Promise((r) => setTimeout(r, Math.max(0, t0 + 1_100 - Date.now())));
      const resolvedSeen = sink.received.length;
      w.sim.fleet.addBackup('rm-latency', {
        status: 'Success',
        kind: 'full',
        mode: 'Manual',
        startedAt: Date.now() - 500,
        endedAt: Date.now(),
        sizeBytes: 1e9,
      });
      await owner.scheduler.pollAll(`ok-${i}`);
      await until(() => sink.received.length > resolvedSeen);
    }
    return out;
  } finally {
    await w.close();
    await sink.close();
    await redis?.stop();
  }
}

/** Figure 5a (`embedded`, budget 1 s) or 5b (`bullmq`, on a private redis-server, budget 2 s). */
export async function alertLatencyFigure(mode: 'embedded' | 'bullmq', scale: number): Promise<FigureResult> {
  const reps = Math.max(3, Math.round(7 * Math.min(1, scale * 2)));
  const ms = await latencies(mode, reps);
  const seconds = median(ms) / 1000;
  const goal = { kind: 'budget-max' as const, max: mode === 'embedded' ? 1 : 2, unit: 's' };
  const { ratio, pass } = judge(goal, seconds);
  return {
    id: mode === 'embedded' ? '5a' : '5b',
    name: `Alert latency, ${mode === 'embedded' ? 'embedded' : 'BullMQ on a local redis-server'}: FAILED → Slack sink`,
    measured: { value: round(seconds, 3), unit: 's', how: `median of ${reps} (max ${round(Math.max(...ms) / 1000, 3)} s)` },
    baseline: null,
    ratio,
    goal,
    pass,
    params: { mode, repetitions: reps, samplesMs: ms, groupWait: '0s' },
  };
}
