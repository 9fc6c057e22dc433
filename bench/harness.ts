import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Why a row has no number: left out by BENCH_ONLY, its capability not built yet, or it could not run. */
export type Unmeasured = 'skipped' | 'not built' | 'could not run';

/** One row of the table and one entry of results.json. */
export interface FigureResult {
  /** `1`, `3`, `6a`...: the figure number, with a letter when a figure has several rows. */
  readonly id: string;
  readonly name: string;
  /** null when the figure is not measured (yet) or its run failed. */
  readonly measured: Measured | null;
  /** The in-run baseline, or null when the goal is an absolute budget. */
  readonly baseline: Measured | null;
  /** measured/baseline for relative goals; measured/budget (the share of the budget used) for absolute ones. */
  readonly ratio: number | null;
  readonly goal: Goal;
  /** null when not measured. */
  readonly pass: boolean | null;
  /** Why a figure has no number: `not measured yet (needs: ...)` or the error that ended its run. */
  readonly note?: string;
  /** Set when the row has no number: the summary and the exit code tell these apart. */
  readonly unmeasured?: Unmeasured;
  /** Sizes, repetitions and every informational number behind the row. */
  readonly params: Readonly<Record<string, unknown>>;
}

export interface Measured {
  readonly value: number;
  readonly unit: string;
  /** What the number is, e.g. `best of 3 rounds` or `median of 7 after 3 warm-ups`. */
  readonly how: string;
}

/** `ratio <= max`, `ratio >= min` (relative to the baseline), or an absolute budget on the measured value. */
export type Goal =
  | { readonly kind: 'ratio-min'; readonly min: number }
  | { readonly kind: 'ratio-max'; readonly max: number }
  | { readonly kind: 'budget-max'; readonly max: number; readonly unit: string };

export function describeGoal(goal: Goal): string {
  if (goal.kind === 'ratio-min') return `≥ ${goal.min}×`;
  if (goal.kind === 'ratio-max') return `≤ ${goal.max}×`;
  return `≤ ${goal.max} ${goal.unit}`;
}

/** The ratio column and the verdict for a measured value (and its baseline, for relative goals). */
export function judge(goal: Goal, measured: number, baseline?: number): { ratio: number; pass: boolean } {
  if (goal.kind === 'budget-max') return { ratio: round(measured / goal.max), pass: measured <= goal.max };
  if (baseline === undefined || baseline <= 0) throw new Error('a relative goal needs a positive baseline');
  const ratio = measured / baseline;
  return { ratio: round(ratio), pass: goal.kind === 'ratio-min' ? ratio >= goal.min : ratio <= goal.max };
}

/**
 * A row without a number, so the table always shows the whole goal list: skipped by BENCH_ONLY, its
 * capability not built yet (`why` names it), or it could not run (`why` says what stopped it).
 */
export function notMeasured(id: string, name: string, goal: Goal, unmeasured: Unmeasured, why: string): FigureResult {
  const note = unmeasured === 'skipped' ? why : unmeasured === 'not built' ? `not measured yet (needs: ${why})` : `could not run: ${why}`;
  return { id, name, measured: null, baseline: null, ratio: null, goal, pass: null, note, unmeasured, params: {} };
}

/** BENCH_SCALE, default 1; sizes are multiplied by it for a quick run (0.1). */
export function benchScale(): number {
  const raw = process.env.BENCH_SCALE;
  if (raw === undefined || raw === '') return 1;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || n > 10) throw new Error(`BENCH_SCALE must be a number in (0, 10], got ${JSON.stringify(raw)}`);
  return n;
}

/** `n × scale`, rounded, never below `min` (a figure needs some minimum size to mean anything). */
export function scaled(n: number, scale: number, min = 1): number {
  return Math.max(min, Math.round(n * scale));
}

/** Runs `fn` once and returns its result and wall time in ms. */
export function timeSync<T>(fn: () => T): { value: T; ms: number } {
  const start = process.hrtime.bigint();
  const value = fn();
  return { value, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export const round = (n: number, digits = 3): number => Number(n.toFixed(digits));

let gcFn: (() => void) | undefined;

/**
 * A full GC before a measurement, so garbage left by the previous one is not collected (and paid
 * for) inside it. tsx gives no way to pass --expose-gc, so the flag is set at run time and `gc` is
 * fetched from a fresh context, where V8 installs it.
 */
export function collectGarbage(): void {
  if (!gcFn) {
    setFlagsFromString('--expose-gc');
    gcFn = runInNewContext('gc') as () => void;
  }
  gcFn();
}

/**
 * Peak resident set size. Synchronous loops (SQLite work) never yield to a timer, so callers also
 * call `sample()` at natural checkpoints (after each poll); the timer covers async work.
 */
export class RssSampler {
  #peak = process.memoryUsage.rss();
  #timer: NodeJS.Timeout | undefined;

  start(everyMs = 50): this {
    this.#timer = setInterval(() => this.sample(), everyMs);
    this.#timer.unref();
    return this;
  }

  sample(): void {
    const rss = process.memoryUsage.rss();
    if (rss > this.#peak) this.#peak = rss;
  }

  stop(): number {
    if (this.#timer) clearInterval(this.#timer);
    this.sample();
    return this.#peak;
  }
}

export const mib = (bytes: number): number => round(bytes / 1024 / 1024, 1);

/** A fresh folder under os.tmpdir() for a figure's SQLite files, removed (with WAL/SHM files) by `remove()`. */
export function tempFolder(prefix: string): { dir: string; file: (name: string) => string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `ba-bench-${prefix}-`));
  return { dir, file: (name) => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * How fast this machine is right now: the best of three runs of a fixed mix of JavaScript, JSON and
 * hashing, in ms. Ratios cancel the machine out; budgets and the fleet scan's fixed floor do not, and
 * on a shared machine the same code has measured 40 % slower from one minute to the next. Printed
 * beside every figure so a reader can tell a slow run from a slow machine.
 */
export function calibrationMs(): number {
  const rows = Array.from({ length: 2_000 }, (_, i) => ({
    id: `backup-${i}`,
    status: i % 7 === 0 ? 'failed' : 'completed',
    endedAt: 1_780_000_000_000 + i * 60_000,
    sizeBytes: i * 1024 ** 2,
  }));
  const runs: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    const h = createHash('sha256');
    for (let k = 0; k < 40; k++) {
      const copy = JSON.parse(JSON.stringify(rows)) as typeof rows;
      let sum = 0;
      for (const row of copy) sum += row.status === 'failed' ? row.sizeBytes : row.endedAt % 1_000;
      h.update(`${sum}`);
    }
    h.digest('hex');
    runs.push(performance.now() - t0);
  }
  return round(Math.min(...runs), 1);
}
