import { appendFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until as waitUntil } from '../helpers/wait.js';

// Shared by the fault suite: the scale knob, waits, and the figures each test reports for the summary table.

/**
 * True under vitest.faults.config.ts only: `npm test` also matches these files, and skips them, so
 * the slow suite never runs by accident.
 */
export const IN_FAULTS_SUITE = process.env.BACKUP_AUDITOR_FAULTS_SUITE === '1';

/** `FAULTS_SCALE` multiplies every count (cycles, fuzzed inputs); 1 keeps the suite within a few minutes on 2 cores. */
export const SCALE = Math.max(0.1, Number(process.env.FAULTS_SCALE ?? '1') || 1);
export const scaled = (n: number, min = 1): number => Math.max(min, Math.round(n * SCALE));

/** One seed for the whole suite: `FAULTS_SEED` replays a failing run. */
export const SEED = Number(process.env.FAULTS_SEED ?? '20261123') >>> 0;

/** Where tests append their figures; a fixed path because the test files run in forked workers. */
export const summaryFile = (): string => join(tmpdir(), `backup-auditor-faults-${process.env.FAULTS_RUN_ID ?? 'summary'}.jsonl`);

/** One line of the summary table: a test area and whatever figures it measured. */
export interface Figures {
  readonly area: string;
  readonly cycles?: number;
  readonly kills?: number;
  readonly alarmsExpected?: number;
  readonly alarmsDelivered?: number;
  readonly alarmsDuplicated?: number;
  readonly faultsInjected?: number;
  readonly inputsFuzzed?: number;
  readonly secretsFound?: number;
  readonly seconds?: number;
}

export function record(figures: Figures): void {
  if (!IN_FAULTS_SUITE) return; // a test that also runs under `npm test` leaves no file behind there
  appendFileSync(summaryFile(), `${JSON.stringify(figures)}\n`);
}

export function readFigures(): Figures[] {
  if (!existsSync(summaryFile())) return [];
  return readFileSync(summaryFile(), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Figures);
}

export function resetFigures(): void {
  rmSync(summaryFile(), { force: true });
}

/** Polls `check` every 25 ms until it returns something truthy, or throws after `timeoutMs` naming `what`. */
export const until = <T>(check: () => T | undefined | false | null, timeoutMs: number, what = 'condition'): Promise<T> =>
  waitUntil(check, timeoutMs, 25, what);

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
