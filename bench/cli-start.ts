import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createDeps } from '../jobs/deps.js';
import { closeDatabase, openDatabase } from '../src/db/client.js';
import { recordPoll } from '../src/db/ingest.js';
import { evaluateTargets } from '../src/engine/evaluate.js';
import { compiledCli } from '../test/faults/compiled-cli.js';
import { BENCH_ENV, benchConfig, benchConfigYaml, benchTarget } from './eval-fleet.js';
import { type FigureResult, judge, median, round, scaled, tempFolder } from './harness.js';
import { backupsUpTo } from './report-figure.js';

// Figure 8: how long the compiled CLI takes to start, as a user runs it (`backup-auditor --version`):
// a new node process each time. `--version` and `--help` against bare `node -e 0` in the same run,
// interleaved so a machine slowing down slows all three alike; and `status --json` on a big fleet.

/** Wall time of one run of `node args`, in ms; throws when it does not exit with one of `codes`. */
function timedRun(args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; codes?: readonly number[] } = {}): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 256 * 1024 ** 2,
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (!(opts.codes ?? [0]).includes(r.status ?? -1)) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr.toString()}`);
  return ms;
}

export async function cliStartFigures(scale: number): Promise<FigureResult[]> {
  const bin = await compiledCli();
  const runs = scaled(21, scale, 9);
  const cases = { node: ['-e', '0'], version: [bin, '--version'], help: [bin, '--help'] } as const;
  const samples = { node: [] as number[], version: [] as number[], help: [] as number[] };
  for (let i = 0; i < runs + 2; i++) {
    for (const name of ['node', 'version', 'help'] as const) {
      const ms = timedRun(cases[name]);
      if (i >= 2) samples[name].push(ms); // two warm-ups: the file cache, not node, is cold at first
    }
  }
  const bare = median(samples.node);
  const goal = { kind: 'ratio-max' as const, max: 2 };
  return (['version', 'help'] as const).map((name, i) => {
    const ms = median(samples[name]);
    const { ratio, pass } = judge(goal, ms, bare);
    return {
      id: `8${'ab'[i]}`,
      name: `CLI start: backup-auditor --${name} vs bare node -e 0 (compiled)`,
      measured: { value: round(ms, 1), unit: 'ms', how: `median of ${runs} runs` },
      baseline: { value: round(bare, 1), unit: 'ms', how: `median of ${runs} runs, interleaved` },
      ratio,
      goal,
      pass,
      params: { runs, samplesMs: samples[name].map((s) => round(s, 1)), bareSamplesMs: samples.node.map((s) => round(s, 1)) },
    };
  });
}

/** Figure 8c: `status --json` through the compiled CLI on a database of 10,000 targets, each evaluated once. */
export async function statusJsonFigure(scale: number): Promise<FigureResult> {
  const bin = await compiledCli();
  const count = scaled(10_000, scale, 100);
  const targets = Array.from({ length: count }, (_, i) => benchTarget(i));
  const folder = tempFolder('status');
  try {
    writeFileSync(folder.file('backup-auditor.yaml'), benchConfigYaml(targets));
    const db = openDatabase(folder.file('bench.db'));
    const now = Date.parse('2026-11-24T06:00:00Z');
    let findings: number;
    try {
      for (const t of targets) {
        const outcome = { ok: true as const, pages: 1, backups: backupsUpTo(t.index, 8) };
        recordPoll(db, { targetId: t.id, startedAt: now - 2_000, finishedAt: now, outcome });
      }
      evaluateTargets(createDeps({ db, loaded: benchConfig(targets) }), { now });
      findings = db.$client.prepare('SELECT COUNT(*) FROM findings').pluck().get() as number;
    } finally {
      closeDatabase(db);
    }
    const runs = scaled(7, scale, 3);
    // Exit 1: some findings are in alarm (every 23rd target stopped backing up).
    const args = [bin, '--config', folder.file('backup-auditor.yaml'), 'status', '--json'];
    const samples = Array.from({ length: runs + 1 }, () => timedRun(args, { cwd: folder.dir, env: BENCH_ENV, codes: [0, 1] })).slice(1);
    const seconds = median(samples) / 1000;
    const goal = { kind: 'budget-max' as const, max: 0.5, unit: 's' };
    const { ratio, pass } = judge(goal, seconds);
    return {
      id: '8c',
      name: `CLI: status --json, ${count.toLocaleString('en-US')} targets (compiled)`,
      measured: { value: round(seconds, 3), unit: 's', how: `median of ${runs} runs after a warm-up` },
      baseline: null,
      ratio,
      goal,
      pass,
      params: { targets: count, findings, runs, samplesMs: samples.map((s) => round(s, 1)) },
    };
  } finally {
    folder.remove();
  }
}
