import { alertLatencyFigure } from './alert-latency.js';
import { cliStartFigures, statusJsonFigure } from './cli-start.js';
import { clientOverheadFigures } from './client-overhead.js';
import { evaluationFigures } from './evaluation.js';
import { FLEET_SCAN, FLEET_SCAN_20K, fleetScanFigure } from './fleet-scan.js';
import type { FigureResult, Goal } from './harness.js';
import { ingestFigure } from './ingest.js';
import { largeReportFigures, reportFigure } from './report-figure.js';
import { REDIS_SERVER, type Requirement } from './requirements.js';
import { scaleOutFigure } from './scale-out.js';
import { soakFigures } from './soak.js';
import { storageFigure } from './storage.js';

/** One figure of issue 8: what it is called, its goal, and how it is measured. */
export interface Figure {
  readonly id: string;
  readonly name: string;
  readonly goal: Goal;
  /** Figures that need a capability not built yet say which; they still get their row. */
  readonly run: ((scale: number) => Promise<FigureResult[]> | FigureResult[]) | { readonly needs: string };
  /** What the machine must have; checked before any figure runs, and a figure without it could not run. */
  readonly requires?: readonly Requirement[];
}

export const FIGURES: readonly Figure[] = [
  { id: '1', name: 'Ingest', goal: { kind: 'ratio-min', min: 0.8 }, run: (scale) => [ingestFigure(scale)] },
  {
    id: '2',
    name: 'Fleet scan: wall time / rate-limit floor',
    goal: FLEET_SCAN.goal,
    run: async (scale) => [await fleetScanFigure(FLEET_SCAN, scale)],
  },
  {
    id: '2b',
    name: 'Fleet scan, 20,000 targets: wall time / rate-limit floor; peak RSS',
    goal: FLEET_SCAN_20K.goal,
    run: async (scale) => [await fleetScanFigure(FLEET_SCAN_20K, scale)],
  },
  { id: '3', name: 'Evaluation', goal: { kind: 'ratio-max', max: 2 }, run: (scale) => evaluationFigures(scale) },
  {
    id: '4',
    name: 'Weekly report, 10,000 targets, html + json',
    goal: { kind: 'budget-max', max: 3, unit: 's' },
    run: (scale) => [reportFigure(scale)],
  },
  {
    id: '4b',
    name: 'Weekly report, 50,000 targets, html + json; peak RSS',
    goal: { kind: 'budget-max', max: 10, unit: 's' },
    run: (scale) => largeReportFigures(scale),
  },
  {
    id: '5a',
    name: 'Alert latency, embedded: FAILED in simulator → Slack sink',
    goal: { kind: 'budget-max', max: 1, unit: 's' },
    run: async (scale) => [await alertLatencyFigure('embedded', scale)],
  },
  {
    id: '5b',
    name: 'Alert latency, BullMQ on a local redis-server: FAILED → Slack sink',
    goal: { kind: 'budget-max', max: 2, unit: 's' },
    run: async (scale) => [await alertLatencyFigure('bullmq', scale)],
    requires: [REDIS_SERVER],
  },
  { id: '6', name: 'Client overhead', goal: { kind: 'ratio-max', max: 1 }, run: (scale) => clientOverheadFigures(scale) },
  {
    id: '7',
    name: 'Scale-out: 2 vs 1 BullMQ poll workers',
    goal: { kind: 'ratio-min', min: 1.8 },
    run: async (scale) => [await scaleOutFigure(scale)],
    requires: [REDIS_SERVER],
  },
  {
    id: '8',
    name: 'CLI start: --version and --help vs bare node',
    goal: { kind: 'ratio-max', max: 2 },
    run: (scale) => cliStartFigures(scale),
  },
  {
    id: '8c',
    name: 'CLI: status --json, 10,000 targets',
    goal: { kind: 'budget-max', max: 0.5, unit: 's' },
    run: async (scale) => [await statusJsonFigure(scale)],
  },
  {
    id: '9',
    name: 'Storage per target-day, steady state',
    goal: { kind: 'budget-max', max: 1024, unit: 'bytes' },
    run: async (scale) => [await storageFigure(scale)],
  },
  {
    id: '10',
    name: 'Soak: 30 simulated days in one process',
    goal: { kind: 'budget-max', max: 0.25, unit: 'MiB/day' },
    run: (scale) => soakFigures(scale),
  },
];
