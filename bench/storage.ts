import { statSync } from 'node:fs';
import type { Db } from '../src/db/client.js';
import { type DailyFleet, POLLS_A_DAY, startDailyFleet } from './daily-fleet.js';
import { type FigureResult, judge, round, scaled } from './harness.js';
import { growthPer } from './series.js';

/** The database's size on disk and by table or index, with the WAL folded in. */
export interface StorageSnapshot {
  readonly fileBytes: number;
  /** Pages in use by each table and index (SQLite's `dbstat`), in bytes. */
  readonly byName: Readonly<Record<string, number>>;
  /** Of those pages, the bytes holding something (cells, their pointers, page headers): exact to the byte. */
  readonly usedBytes: number;
  /** Pages the file holds but nothing uses. */
  readonly freeBytes: number;
  readonly pageSize: number;
}

/** Checkpoints the WAL into the file (and truncates it), then reads the file's size and what fills it. */
export function storageSnapshot(db: Db, path: string): StorageSnapshot {
  const c = db.$client;
  c.pragma('wal_checkpoint(TRUNCATE)');
  const rows = c.prepare(`SELECT name, sum(pgsize) AS bytes, sum(pgsize - unused) AS used FROM dbstat GROUP BY name`).all() as {
    name: string;
    bytes: number;
    used: number;
  }[];
  const pageSize = c.pragma('page_size', { simple: true }) as number;
  return {
    fileBytes: statSync(path).size,
    byName: Object.fromEntries(rows.map((r) => [r.name, r.bytes])),
    usedBytes: rows.reduce((sum, r) => sum + r.used, 0),
    freeBytes: (c.pragma('freelist_count', { simple: true }) as number) * pageSize,
    pageSize,
  };
}

/** How storage grew between two snapshots, per target-day. */
export interface StorageGrowth {
  /** The file: what the figures judge. */
  readonly fileBytes: number;
  /** Bytes holding something: exact, where the file moves in whole pages of each table and index. */
  readonly usedBytes: number;
  /** How far page rounding can move `fileBytes`: a page for each table or index that grew. */
  readonly pageRoundingBytes: number;
  /** Each table and index that changed, largest growth first. */
  readonly byName: Readonly<Record<string, number>>;
}

export function storageGrowth(before: StorageSnapshot, after: StorageSnapshot, targetDays: number): StorageGrowth {
  const changed = growthPer(before.byName, after.byName, targetDays).filter((g) => g.bytes !== 0);
  return {
    fileBytes: round((after.fileBytes - before.fileBytes) / targetDays, 1),
    usedBytes: round((after.usedBytes - before.usedBytes) / targetDays, 1),
    pageRoundingBytes: round((changed.length * after.pageSize) / targetDays, 1),
    byName: Object.fromEntries(changed.map((g) => [g.name, round(g.bytes, 1)])),
  };
}

/** `name 1234 B, ...`: the largest few, for a note. */
export const describeGrowth = (g: StorageGrowth, n = 5): string =>
  Object.entries(g.byName)
    .slice(0, n)
    .map(([name, bytes]) => `${name} ${Math.round(bytes)} B`)
    .join(', ');

const WARM_UP_DAYS = 2;
const MEASURED_DAYS = 6;

/** Runs `days` simulated days from `first` on, and adds up their failed polls. */
async function runDays(f: DailyFleet, first: number, days: number): Promise<number> {
  let failed = 0;
  for (let d = first; d < first + days; d++) failed += (await f.runDay(d)).failedPolls;
  return failed;
}

/** Storage per target-day of a daily fleet after its warm-up, and the failed polls of all its days. */
async function measure(targets: number, seenRunning: boolean): Promise<{ growth: StorageGrowth; failed: number; files: number[] }> {
  const f = await startDailyFleet({ targets, seenRunning });
  try {
    const failedWarmUp = await runDays(f, 0, WARM_UP_DAYS);
    const before = storageSnapshot(f.db, f.dbPath);
    const failed = await runDays(f, WARM_UP_DAYS, MEASURED_DAYS);
    const after = storageSnapshot(f.db, f.dbPath);
    return {
      growth: storageGrowth(before, after, targets * MEASURED_DAYS),
      failed: failedWarmUp + failed,
      files: [before.fileBytes, after.fileBytes],
    };
  } finally {
    await f.close();
  }
}

/**
 * Figure 9: storage per target-day at steady state, as the evidence issue measures it: 48 polls a day
 * and one new backup a day, so the listing changes once a day (the backup is first listed over). A fleet
 * of Alibaba RDS targets polled every 30 simulated minutes through the real cycle; after a warm-up, the
 * database file's growth divided by targets × days. The same fleet with each backup also listed running
 * at the poll before (two changes a day) is measured beside it and reported in the note.
 */
export async function storageFigure(scale: number): Promise<FigureResult> {
  const targets = scaled(100, scale, 5);
  const started = performance.now();
  const once = await measure(targets, false);
  const twice = await measure(targets, true);
  const growth = once.growth;
  const rounding = Math.round(growth.pageRoundingBytes);
  const goal = { kind: 'budget-max' as const, max: 1024, unit: 'bytes' };
  return {
    id: '9',
    name: 'Storage per target-day: 48 polls and one new backup a day, steady state',
    measured: {
      value: Math.round(growth.fileBytes),
      unit: 'bytes',
      how:
        `database file growth (WAL checkpointed) over days ${WARM_UP_DAYS + 1}–${WARM_UP_DAYS + MEASURED_DAYS} ÷ ` +
        `(${targets} targets × ${MEASURED_DAYS} days), after ${WARM_UP_DAYS} days of warm-up`,
    },
    baseline: null,
    ...judge(goal, growth.fileBytes),
    goal,
    note:
      `${Math.round(growth.usedBytes)} B of it data, page rounding ±${rounding} B; ${describeGrowth(growth)}. ` +
      `Each backup also listed running first (two listing changes a day): ${Math.round(twice.growth.fileBytes)} B`,
    params: {
      targets,
      pollsPerDay: POLLS_A_DAY,
      warmUpDays: WARM_UP_DAYS,
      measuredDays: MEASURED_DAYS,
      failedPolls: once.failed + twice.failed,
      fileBytes: { afterWarmUp: once.files[0], atEnd: once.files[1] },
      perTargetDay: growth,
      seenRunningFirst: twice.growth,
      wallSeconds: round((performance.now() - started) / 1000, 1),
    },
  };
}
