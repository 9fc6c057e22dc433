import { type FigureResult, type Goal, judge, round, scaled } from './harness.js';
import { measureScans, REQUEST_MS, type ScanRun } from './scan-daemon.js';
import { SCAN_APIS, scanAccounts, scanFloorS } from './scan-fleet.js';

// Figures 2 and 2b: a fleet spread over the five simulated APIs, each account under a rate limit,
// every request taking 20 ms. The floor is what the rate limits allow: requests ÷ the accounts' total
// allowed rate. The daemon (embedded) must come close to it, with no poll failing on throttling and
// a peak RSS its config explains rather than its fleet's size.

/** The daemon's peak RSS, both figures: memory must not grow with the fleet beyond what its config needs. */
const PEAK_RSS_MIB = 256;

interface ScanFigure {
  readonly id: string;
  readonly name: string;
  readonly goal: Goal & { readonly kind: 'ratio-max' };
  run(scale: number): ScanRun;
}

/** Figure 2: 2,000 targets, one account per API at 100 requests/s. */
export const FLEET_SCAN: ScanFigure = {
  id: '2',
  name: 'Fleet scan: wall time / rate-limit floor (five APIs)',
  goal: { kind: 'ratio-max', max: 1.15 },
  run: (scale) => ({
    shape: { perApi: scaled(400, scale, 20), accountsPerApi: 1, perSecond: 100 },
    // Enough polls in flight to keep five accounts at their limit with 20 ms per request, with room for jitter.
    pollsAtOnce: 32,
    warmScanAfterMs: 20_000,
  }),
};

/** Figure 2b: ten times the fleet, 20,000 targets in 20 accounts (four an API) at 20 requests/s each. */
export const FLEET_SCAN_20K: ScanFigure = {
  id: '2b',
  name: 'Fleet scan, 20,000 targets: wall time / rate-limit floor (20 accounts)',
  goal: { kind: 'ratio-max', max: 1.1 },
  run: (scale) => {
    const shape = { perApi: scaled(4_000, scale, 40), accountsPerApi: 4, perSecond: 20 };
    return {
      shape,
      // 20 accounts × 20/s at 20 ms a request keep 8 requests in flight; each poll waits for its
      // account's next slot while holding its place, so every account needs a few polls queued at
      // its limiter to never leave a slot unused.
      pollsAtOnce: 64,
      // Start-up with a 20,000-target config, then the scan at start (50 s at the floor), before the tick.
      warmScanAfterMs: 20_000 + 2_000 * scanFloorS(shape),
    };
  },
};

export async function fleetScanFigure(figure: ScanFigure, scale: number): Promise<FigureResult> {
  const run = figure.run(scale);
  const m = await measureScans(run);
  const floor = scanFloorS(run.shape);
  const accounts = scanAccounts(run.shape);
  const { ratio, pass } = judge(figure.goal, m.warmS, floor);
  return {
    id: figure.id,
    name: figure.name,
    measured: {
      value: round(m.warmS, 2),
      unit: 's',
      how:
        `${m.targets} targets, 1 page each, ${REQUEST_MS} ms per request; \`start\` (embedded, ${run.pollsAtOnce} polls at once), ` +
        'the scheduled scan after the one at start: from its tick to the end of its last poll',
    },
    baseline: {
      value: round(floor, 2),
      unit: 's',
      how: `floor: ${m.targets} requests ÷ (${accounts} accounts × ${run.shape.perSecond}/s)`,
    },
    ratio,
    goal: figure.goal,
    pass: pass && m.failed === 0 && m.peakRssMiB < PEAK_RSS_MIB,
    note:
      `failed polls ${m.failed} of both scans (throttled ${m.throttled}); ` +
      `peak RSS of the daemon process ${m.peakRssMiB} MiB (goal < ${PEAK_RSS_MIB}); ` +
      `daemon main thread busy ${m.mainThreadCpuS} s of the scan (${round((m.mainThreadCpuS * 1000) / m.targets, 2)} ms a poll); ` +
      'the scan right after start (`--poll-now`, an empty database, code not yet optimised): ' +
      `${round(m.coldS, 2)} s, ${round(m.coldS / floor, 3)}× the floor`,
    params: {
      targets: m.targets,
      perApi: run.shape.perApi,
      apis: SCAN_APIS.length,
      accounts,
      perSecond: run.shape.perSecond,
      pollConcurrency: run.pollsAtOnce,
      failedPolls: m.failed,
      throttled: m.throttled,
      peakRssMiB: m.peakRssMiB,
      mainThreadCpuS: m.mainThreadCpuS,
      coldScanS: round(m.coldS, 2),
    },
  };
}
