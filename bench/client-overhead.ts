import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { adapterProcessingCost, recordingFetch } from './adapter-processing.js';
import { type ClientBenchTarget, type Lister, ourAdapter, popCore, rds20140815 } from './aliyun-clients.js';
import { allocatedBytes } from './allocation.js';
import { collectGarbage, type FigureResult, type Goal, judge, median, round } from './harness.js';

/** The figure's definition: one instance with this many backups (10 pages of 100); not scaled, it takes seconds. */
const BACKUPS = 1000;
const WARMUPS = 3;
const MEMORY_RUNS = 3;

type ClientName = 'ours' | 'pop-core' | 'rds20140815';

/** Starts bench/simulator-process.ts in a child process (tsx as its loader) and reads where it listens. */
async function startSimulatorProcess(backups: number): Promise<{ target: ClientBenchTarget; stop: () => Promise<void> }> {
  const script = fileURLToPath(new URL('./simulator-process.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), script, String(backups)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const stop = async () => {
    if (child.exitCode !== null) return;
    child.stdin.end();
    await once(child, 'exit');
  };
  try {
    const lines = createInterface({ input: child.stdout });
    const [line] = (await Promise.race([
      once(lines, 'line'),
      once(child, 'exit').then(() => {
        throw new Error('the simulator process exited before listening');
      }),
    ])) as [string];
    lines.close();
    return { target: JSON.parse(line) as ClientBenchTarget, stop };
  } catch (err) {
    child.kill();
    throw err;
  }
}

interface Sample {
  readonly wallMs: number;
  /** CPU time of this (the client) process: the simulator runs in another. */
  readonly cpuMs: number;
}

async function timed(list: Lister): Promise<Sample> {
  collectGarbage();
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  await list();
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000 };
}

/**
 * Figure 6: listing 1,000 backups of one instance through our Alibaba adapter (signing, fetch, zod
 * validation, normalization, redaction) against the official SDKs returning their raw parsed pages,
 * all against the same simulator process. Time: median wall time of `runs` listings per client in
 * rotating order after warm-ups. Memory: JS heap bytes allocated per listing (sampling heap profiler,
 * garbage included), median of MEMORY_RUNS separate listings.
 */
export async function clientOverheadFigures(scale: number): Promise<FigureResult[]> {
  // Single listings take tens of ms and this machine is shared: many short runs, then the median.
  const runs = Math.max(7, Math.round(21 * Math.min(scale, 1)));
  const sim = await startSimulatorProcess(BACKUPS);
  try {
    const listers: Record<ClientName, Lister> = {
      ours: ourAdapter(sim.target),
      'pop-core': popCore(sim.target),
      rds20140815: rds20140815(sim.target),
    };
    const names = Object.keys(listers) as ClientName[];
    // The clients must see the very same list, or the comparison means nothing.
    const expected = await listers.ours();
    for (const name of names) {
      const ids = await listers[name]();
      if (ids.length !== BACKUPS || ids.join() !== expected.join())
        throw new Error(`${name} listed ${ids.length} backups, not the ${BACKUPS} our adapter listed`);
      for (let w = 0; w < WARMUPS; w++) await listers[name]();
    }
    const bodies: string[] = [];
    await ourAdapter(sim.target, recordingFetch(bodies))();
    const processing = await adapterProcessingCost(bodies, runs);
    const samples: Record<ClientName, Sample[]> = { ours: [], 'pop-core': [], rds20140815: [] };
    for (let r = 0; r < runs; r++) {
      for (let k = 0; k < names.length; k++) {
        const name = names[(r + k) % names.length] as ClientName;
        samples[name].push(await timed(listers[name]));
      }
    }
    const allocated: Record<ClientName, number[]> = { ours: [], 'pop-core': [], rds20140815: [] };
    for (let r = 0; r < MEMORY_RUNS; r++) {
      for (const name of names) {
        collectGarbage();
        allocated[name].push(await allocatedBytes(listers[name]));
      }
    }
    const wall = (n: ClientName) => median(samples[n].map((s) => s.wallMs));
    const cpu = (n: ClientName) => median(samples[n].map((s) => s.cpuMs));
    const bytes = (n: ClientName) => median(allocated[n]);
    const perClient = Object.fromEntries(
      names.map((n) => [
        n,
        {
          wallMsMedian: round(wall(n), 2),
          cpuMsMedian: round(cpu(n), 2),
          wallMsRuns: samples[n].map((s) => round(s.wallMs, 2)),
          allocatedMiBMedian: round(bytes(n) / 1024 / 1024, 2),
          allocatedMiBRuns: allocated[n].map((b) => round(b / 1024 / 1024, 2)),
        },
      ]),
    );
    const params = {
      backups: BACKUPS,
      pageSize: 100,
      requestsPerListing: Math.ceil(BACKUPS / 100),
      warmups: WARMUPS,
      timedRuns: runs,
      memoryRuns: MEMORY_RUNS,
      simulator: 'separate process on 127.0.0.1 (server time is in the wall time of every client alike, not in the CPU time)',
      ourWork: 'sign, fetch, JSON.parse, zod validation, normalization, redaction of download links',
      sdkWork: 'sign, HTTP, JSON parse (pop-core: json-bigint; rds20140815: tea models); no validation or normalization',
      rds20140815Config: "signatureAlgorithm 'v2' (RPC signature v1, POST form): the simulator does not verify its default ACS3 signature",
      clients: perClient,
      ourPageProcessing: {
        ...processing,
        note: 'on the 10 captured pages, no I/O; validation + normalization is what the SDKs do not do',
        validationAndNormalization: {
          cpuMs: round(processing.parseValidateNormalize.cpuMsMedian - processing.parseOnly.cpuMsMedian, 2),
          allocatedMiB: round(processing.parseValidateNormalize.allocatedMiBMedian - processing.parseOnly.allocatedMiBMedian, 2),
        },
      },
    };
    const timeGoal: Goal = { kind: 'ratio-max', max: 1 };
    const rows: FigureResult[] = [];
    for (const [sdk, letters] of [
      ['pop-core', ['a', 'b']],
      ['rds20140815', ['c', 'd']],
    ] as const) {
      rows.push(
        {
          id: `6${letters[0]}`,
          name: `Client overhead, time: our adapter vs ${sdk === 'pop-core' ? '@alicloud/pop-core' : '@alicloud/rds20140815'}`,
          measured: { value: round(wall('ours'), 1), unit: 'ms', how: `median wall time of ${runs} listings of ${BACKUPS}` },
          baseline: { value: round(wall(sdk), 1), unit: 'ms', how: `same, ${sdk}` },
          goal: timeGoal,
          ...judge(timeGoal, wall('ours'), wall(sdk)),
          params: { ...params, cpuRatio: round(cpu('ours') / cpu(sdk)) },
        },
        {
          id: `6${letters[1]}`,
          name: `Client overhead, memory: our adapter vs ${sdk === 'pop-core' ? '@alicloud/pop-core' : '@alicloud/rds20140815'}`,
          measured: {
            value: round(bytes('ours') / 1024 / 1024, 2),
            unit: 'MiB allocated',
            how: `JS heap bytes allocated per listing, median of ${MEMORY_RUNS}`,
          },
          baseline: { value: round(bytes(sdk) / 1024 / 1024, 2), unit: 'MiB allocated', how: `same, ${sdk}` },
          goal: timeGoal,
          ...judge(timeGoal, bytes('ours'), bytes(sdk)),
          params: {
            method: 'V8 sampling heap profiler (1 KiB interval), objects later collected included; Buffers outside the JS heap not counted',
            clients: perClient,
          },
        },
      );
    }
    return rows;
  } finally {
    await sim.stop();
  }
}
