import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Fleet } from '../src/simulator/index.js';
import { startRedis } from '../test/helpers/redis.js';
import { HOUR, until, world } from './daemon-world.js';
import { type FigureResult, judge, round, scaled } from './harness.js';

/** The one account, a line of YAML. */
const aliAccount = (endpoint: string): string =>
  `ali: { cloud: aliyun, regionId: cn-hangzhou, endpoint: "${endpoint}", accessKeyId: LTAI5tScaleBench, ` +
  'accessKeySecret: scale-bench-secret, rateLimit: { perSecond: 5000 } }';

// Figure 7: poll throughput with 1 vs 2 `worker` processes on BullMQ when polling is latency-bound
// (every simulated request takes 300 ms): the owner only ingests and evaluates, workers poll.

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

function startWorker(configPath: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'src/cli/bin.ts'), '--config', configPath, 'worker', '--concurrency', '4', '--log-level', 'info'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('worker started')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}: ${err.slice(-500)}`)));
  });
}

async function pollSeconds(workers: number, targets: number): Promise<number> {
  const redis = await startRedis();
  const now = Date.now();
  const fleet = new Fleet();
  fleet.addAccount({ cloud: 'aliyun', accessKeyId: 'LTAI5tScaleBench', accessKeySecret: 'scale-bench-secret' });
  for (let i = 0; i < targets; i++) {
    fleet.addInstance({
      cloud: 'aliyun',
      service: 'rds',
      id: `rm-s${i}`,
      regionId: 'cn-hangzhou',
      backups: Array.from({ length: 150 }, (_, d) => ({
        status: 'Success',
        kind: 'full' as const,
        mode: 'Automated' as const,
        startedAt: now - d * 6 * HOUR - HOUR,
        endedAt: now - d * 6 * HOUR,
        sizeBytes: 1e9,
      })),
    });
  }
  const w = await world(
    fleet,
    (endpoint) => `redis: ${redis.url}
queue: { prefix: scale${workers}x${process.pid} }
schedules: { poll: "0 0 1 1 *" }
accounts:
  ${aliAccount(endpoint)}
targets:
${Array.from({ length: targets }, (_, i) => `  - { id: s${i}, account: ali, service: rds, instance: rm-s${i} }`).join('\n')}
`,
  );
  const children: ChildProcess[] = [];
  try {
    w.sim.faults.latencyMs = 300;
    const owner = await w.startOwner({ pollConcurrency: 0 });
    for (let i = 0; i < workers; i++) children.push(await startWorker(w.configPath));
    // A first pass warms up connections and workers; the second is timed.
    // Polls recorded: a poll that saw what its target's run saw joins the run, which counts it.
    const polls = () => w.count(`SELECT coalesce(sum(coalesce(polls, 1)), 0) FROM poll_runs`);
    await owner.scheduler.pollAll('warm-up');
    await until(() => polls() === targets, 300_000, 20);
    const t0 = Date.now();
    await owner.scheduler.pollAll('bench');
    await until(() => polls() === 2 * targets, 300_000, 20);
    return (Date.now() - t0) / 1000;
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
    await w.close();
    await redis.stop();
  }
}

export async function scaleOutFigure(scale: number): Promise<FigureResult> {
  const targets = scaled(80, scale, 16);
  const one = await pollSeconds(1, targets);
  const two = await pollSeconds(2, targets);
  const speedup = one / two;
  const goal = { kind: 'ratio-min' as const, min: 1.8 };
  const { pass } = judge(goal, speedup, 1);
  return {
    id: '7',
    name: 'Scale-out: poll throughput, 2 vs 1 BullMQ worker processes',
    measured: {
      value: round(targets / two, 1),
      unit: 'polls/s (2 workers)',
      how: `${targets} targets × 2 pages, 300 ms per request, concurrency 4 per worker`,
    },
    baseline: { value: round(targets / one, 1), unit: 'polls/s (1 worker)', how: 'same run' },
    ratio: round(speedup, 3),
    goal,
    pass,
    params: { targets, oneWorkerSeconds: round(one, 3), twoWorkersSeconds: round(two, 3) },
  };
}
