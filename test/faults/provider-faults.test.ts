import type Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { runCycle } from '../../jobs/cycle.js';
import { createDeps } from '../../jobs/deps.js';
import { loadConfigText } from '../../src/config/load.js';
import { silentLogger } from '../../src/core/log.js';
import {
  buildFleet,
  type FaultName,
  Faults,
  mixedFleet,
  mulberry32,
  type SimBackup,
  type Simulator,
  simulatorConfig,
  startSimulator,
} from '../../src/simulator/index.js';
import { tempDatabase } from '../helpers/db.js';
import { IN_FAULTS_SUITE, record, SEED, scaled } from './support.js';

// Every API of the simulator misbehaving at once: 20% 5xx, 10% timeouts against a short client timeout,
// 20% throttling in each provider's own format, 5% truncated JSON, and listings that change while they
// are paged. Each target must end polled or alarmed by poll-failing, and no stored backup may be
// anything the provider never listed.

/** The simulator's rates cover throttling, 5xx and truncation; timeouts are drawn here, on their own seeded sequence. */
class FaultsWithTimeouts extends Faults {
  readonly #random: () => number;
  timeouts = 0;
  constructor(
    private readonly timeoutRate: number,
    seed: number,
  ) {
    super({ rates: { throttleRate: 0.2, errorRate: 0.2, malformedRate: 0.05, seed } });
    this.#random = mulberry32(seed ^ 0x5f3759df);
  }
  override pick(api: string, instance: string | undefined): FaultName | undefined {
    if (this.#random() < this.timeoutRate) {
      this.timeouts++;
      return 'timeout';
    }
    return super.pick(api, instance);
  }
}

const CYCLES = scaled(8, 4);
let sim: Simulator | undefined;
afterAll(async () => sim?.close());

describe.runIf(IN_FAULTS_SUITE)('provider faults on every API at once', () => {
  it('ends with every target polled or alarmed by poll-failing, and stores nothing the provider did not list', async () => {
    const started = Date.now();
    const now = Date.now();
    const spec = mixedFleet({ seed: SEED, now, perApi: scaled(12, 6), days: 20 });
    const fleet = buildFleet(spec);
    const faults = new FaultsWithTimeouts(0.1, SEED);
    sim = await startSimulator({ fleet, faults });
    const { db, cleanup } = tempDatabase();
    // Every version of every backup the provider ever listed: what a stored row may be.
    const listed = new Map<string, SimBackup[]>();
    const remember = (instance: string, b: SimBackup): void =>
      void listed.set(`${instance}/${b.id}`, [...(listed.get(`${instance}/${b.id}`) ?? []), b]);
    for (const i of fleet.instances()) for (const b of i.backups) remember(i.id, b);

    const text = simulatorConfig(spec, { url: sim.url, database: './audit.db', tail: 'rules: { poll-failing: { after: 2 } }' });
    const loaded = loadConfigText(text, '/tmp/faults/backup-auditor.yaml');
    const deps = createDeps({
      db,
      loaded,
      log: silentLogger,
      sleep: async () => undefined,
      random: mulberry32(SEED),
      timeoutMs: 250,
      pollConcurrency: 8,
    });

    // Listings change under the pager: a new backup appears at the top and the oldest expires.
    const churn = mulberry32(SEED + 1);
    let changes = 0;
    const mutator = setInterval(() => {
      const instances = fleet.instances().filter((i) => i.backups.length > 2);
      const inst = instances[Math.floor(churn() * instances.length)];
      if (!inst) return;
      const newest = inst.backups[0] as SimBackup;
      const oldest = inst.backups[inst.backups.length - 1] as SimBackup;
      const { id: _id, ...shape } = newest;
      const added = fleet.addBackup(inst.id, {
        ...shape,
        startedAt: newest.startedAt + 60_000,
        endedAt: newest.endedAt === null ? null : newest.endedAt + 60_000,
      });
      remember(inst.id, added);
      fleet.removeBackup(inst.id, oldest.id);
      changes++;
    }, 20);

    try {
      for (let c = 0; c < CYCLES; c++) await runCycle(deps);
    } finally {
      clearInterval(mutator);
    }

    const raw = db.$client as Database.Database;
    const outcomes = new Map<string, string[]>();
    for (const r of raw.prepare(`SELECT target_id AS t, outcome FROM poll_runs ORDER BY id`).all() as { t: string; outcome: string }[])
      outcomes.set(r.t, [...(outcomes.get(r.t) ?? []), r.outcome]);
    const pollFailing = new Set(
      raw.prepare(`SELECT target_id FROM findings WHERE rule_id = 'poll-failing' AND state = 'alarm'`).pluck().all() as string[],
    );
    // Polled: a successful poll, and not (yet) two failures in a row since; otherwise poll-failing must have said so.
    const unaccounted = loaded.config.targets
      .filter((t) => {
        const o = outcomes.get(t.id) ?? [];
        const streak = o.length - 1 - o.lastIndexOf('ok');
        return !(o.includes('ok') && streak < 2) && !pollFailing.has(t.id);
      })
      .map((t) => `${t.id}: ${(outcomes.get(t.id) ?? []).join(',')}`);
    const polledOk = loaded.config.targets.filter((t) => outcomes.get(t.id)?.includes('ok')).length;

    const instanceOf = new Map(loaded.config.targets.map((t) => [t.id, t.instance]));
    const rows = raw.prepare(`SELECT target_id AS t, backup_id AS id, started_at AS startedAt, size_bytes AS size FROM backups`).all() as {
      t: string;
      id: string;
      startedAt: number | null;
      size: number | null;
    }[];
    const foreign = rows.filter((r) => {
      const versions = listed.get(`${instanceOf.get(r.t)}/${r.id}`);
      // Providers round times to the second; sizes are whole MiB, exact in every API's unit.
      return !versions?.some((v) => r.startedAt !== null && Math.abs(v.startedAt - r.startedAt) < 1000 && r.size === v.sizeBytes);
    });
    const injected = Object.values(faults.state().injected).reduce((a, b) => a + b, 0);
    cleanup();

    record({
      area: 'provider faults (5 APIs)',
      cycles: CYCLES,
      faultsInjected: injected + changes,
      seconds: Math.round((Date.now() - started) / 1000),
    });
    expect(unaccounted).toEqual([]);
    expect(rows.length).toBeGreaterThan(0);
    expect(polledOk).toBeGreaterThan(loaded.config.targets.length / 2);
    expect(foreign.slice(0, 5)).toEqual([]);
    expect(faults.timeouts).toBeGreaterThan(0);
    for (const f of ['throttle', 'server-error', 'malformed'] as const) expect(faults.state().injected[f]).toBeGreaterThan(0);
  });
});
