import { execFileSync, spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSimulatorProcess, until, world } from './daemon-world.js';
import { mib, round } from './harness.js';
import { type ScanShape, scanConfigYaml, scanTargets } from './scan-fleet.js';

// The scan figures' run (2, 2b): the compiled daemon in a process of its own scans a simulated fleet
// served by another process, once at start and once at a scheduled tick; the second scan is measured.

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Each simulated request takes this long, as a provider's API does over the network. */
export const REQUEST_MS = 20;

export interface ScanRun {
  readonly shape: ScanShape;
  /** `queue.pollConcurrency` of the config. */
  readonly pollsAtOnce: number;
  /** From writing the config to the scheduled scan that is measured: room for start-up and the scan at start. */
  readonly warmScanAfterMs: number;
}

export interface ScanMeasure {
  readonly targets: number;
  /** The scheduled scan, from its tick to its last poll's end. */
  readonly warmS: number;
  /** The scan at start (`--poll-now`): an empty database, code not yet optimised. */
  readonly coldS: number;
  /** Polls of both scans that did not succeed, and those of them throttled by the simulated cloud. */
  readonly failed: number;
  readonly throttled: number;
  /** Peak resident set size of the daemon process over both scans (Linux VmHWM). */
  readonly peakRssMiB: number;
  /** CPU time of the daemon's main thread during the scheduled scan. */
  readonly mainThreadCpuS: number;
}

/** CPU seconds a process's main thread has used (Linux: utime + stime of its first task, in clock ticks of 10 ms). */
function mainThreadCpu(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Peak resident set size of a process (Linux VmHWM), in bytes. */
function peakRss(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : Number.NaN;
}

/** A cron expression (with seconds) that fires once, at the whole second `t`, in UTC. */
function cronOnceAt(t: Date): string {
  return [t.getUTCSeconds(), t.getUTCMinutes(), t.getUTCHours(), t.getUTCDate(), t.getUTCMonth() + 1, '*'].join(' ');
}

export async function measureScans(run: ScanRun): Promise<ScanMeasure> {
  const { shape } = run;
  // The simulator runs in its own process: it stands in for every cloud, and its CPU is not ours.
  const sim = await startSimulatorProcess([
    'fleet-scan',
    String(shape.perApi),
    String(REQUEST_MS),
    String(shape.accountsPerApi),
    String(shape.perSecond),
  ]);
  // The daemon as operators run it: the compiled `start` in a process of its own, whose peak RSS is
  // read from /proc (built first, so the figure never measures stale JavaScript or tsx itself).
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')], {
    stdio: 'inherit',
  });
  // Two scans: `--poll-now` at start, then one scheduled tick (a cron with seconds, once) later, the
  // one judged. A daemon lives for weeks and scans every interval; its first seconds are spent
  // compiling its own code (perf showed a fifth of the process's samples in V8's optimising compiler
  // threads during a scan right after start), which the cold scan's number shows.
  const tick = new Date(Math.ceil((Date.now() + run.warmScanAfterMs) / 1000) * 1000);
  const w = await world(
    sim,
    (endpoint) =>
      `schedules: { poll: "${cronOnceAt(tick)}" }\nqueue: { pollConcurrency: ${run.pollsAtOnce} }\n${scanConfigYaml(shape, endpoint)}`,
  );
  // BENCH_DAEMON_ARGS passes node flags to it, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to see where a poll's time goes.
  const daemon = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_DAEMON_ARGS ?? '').split(' ').filter(Boolean),
      join(ROOT, 'dist/src/cli/bin.js'),
      '--config',
      w.configPath,
      'start',
      '--poll-now',
      '--log-level',
      'error',
    ],
    {
      // BENCH_DAEMON_OUT=file keeps what the daemon writes (with --trace-gc in BENCH_DAEMON_ARGS, its collections).
      stdio: process.env.BENCH_DAEMON_OUT ? ['ignore', openSync(process.env.BENCH_DAEMON_OUT, 'w'), 'inherit'] : 'ignore',
    },
  );
  try {
    const pid = daemon.pid as number;
    const total = scanTargets(shape);
    await until(() => existsSync(w.dbPath) && w.count(`SELECT COUNT(*) FROM sqlite_master WHERE name = 'poll_runs'`) === 1, 60_000, 50);
    // A poll that saw what its target's open run saw extends that run (poll_runs.last_slot) rather
    // than adding a row: the scheduled scan is the rows of its tick's slot, new or extended (the only
    // slot that is not `now:`, whatever second the tick ran at). Its polls' starts are not kept, so
    // it is timed from its tick. These reads run beside the daemon on a shared machine: few of them.
    const polls = (what: string, where = 'true') => w.count(`SELECT ${what} FROM poll_runs WHERE ${where}`);
    const warm = `(slot NOT LIKE 'now:%' OR last_slot NOT LIKE 'now:%')`;
    await until(() => polls('COUNT(*)') >= total, 600_000, 200);
    if (polls('COUNT(*)', warm) > 0)
      throw new Error('fleet scan: the first scan was still running at the scheduled one; raise warmScanAfterMs');
    const coldS = polls('(MAX(finished_at) - MIN(started_at)) / 1000.0');
    await until(() => Date.now() >= tick.getTime(), run.warmScanAfterMs + 60_000, 5);
    const cpuAtTick = mainThreadCpu(pid);
    await until(() => polls('COUNT(*)', warm) >= total, 600_000, 200);
    const mainThreadCpuS = mainThreadCpu(pid) - cpuAtTick;
    return {
      targets: total,
      warmS: (polls('MAX(coalesce(last_finished_at, finished_at))', warm) - tick.getTime()) / 1000,
      coldS,
      failed: polls('COUNT(*)', `outcome != 'ok'`),
      throttled: polls('COUNT(*)', `error_kind = 'throttled'`),
      peakRssMiB: mib(peakRss(pid)),
      mainThreadCpuS: round(mainThreadCpuS, 2),
    };
  } finally {
    daemon.kill('SIGTERM');
    await new Promise((r) => (daemon.exitCode !== null ? r(null) : daemon.once('exit', r)));
    await w.close();
  }
}
