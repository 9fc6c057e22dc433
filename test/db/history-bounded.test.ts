import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rules } from '../../rules/registry.js';
import type { HistoryNeeds } from '../../rules/types.js';
import { resolveRules } from '../../src/config/rule-settings.js';
import type { Config, TargetConfig } from '../../src/config/schema.js';
import type { Db } from '../../src/db/client.js';
import { loadHistory } from '../../src/db/history.js';
import { recordPoll } from '../../src/db/ingest.js';
import type { NormalizedBackup } from '../../src/domain/backup.js';
import { mergedNeeds } from '../../src/engine/judge.js';
import { tempDatabase } from '../helpers/db.js';
import { completed } from '../helpers/stub-source.js';

// Live evaluation loads only what the rules ask for. This checks, over generated histories and rule
// parameters, that every rule says exactly the same thing on that bounded history as on all of it.

const H = 3_600_000;
const NOW = Date.parse('2026-11-21T12:00:00Z');

const backupArb = fc.record({
  kind: fc.constantFrom('full', 'incremental', 'differential', 'unknown'),
  status: fc.constantFrom('completed', 'completed', 'completed', 'failed', 'running', 'expired', 'deleting', 'unknown'),
  endOffsetH: fc.option(fc.integer({ min: -24 * 40, max: 6 }), { nil: null }),
  durationH: fc.integer({ min: 0, max: 10 }),
  size: fc.option(fc.integer({ min: 0, max: 5_000_000_000 }), { nil: null }),
});

const paramsArb = fc.record({
  'recent-success': fc.record({
    maxAge: fc.constantFrom('12h', '24h', '3d'),
    kinds: fc.constantFrom([], ['full'], ['incremental', 'full']),
  }),
  'failed-backup': fc.record({ lookback: fc.constantFrom('6h', '24h', '10d') }),
  retention: fc.record({
    minCount: fc.integer({ min: 0, max: 12 }),
    window: fc.constantFrom('2d', '7d', '30d'),
    minAge: fc.constantFrom(null, '3d', '20d'),
    kinds: fc.constantFrom([], ['full']),
  }),
  'size-anomaly': fc.record({ history: fc.integer({ min: 2, max: 12 }), maxDrop: fc.constantFrom(0.1, 0.5, 0.9) }),
  'stuck-running': fc.record({ maxDuration: fc.constantFrom('1h', '6h') }),
  'backup-gap': fc.record({
    window: fc.constantFrom('1d', '7d'),
    maxGap: fc.constantFrom('6h', '26h', '3d'),
    kinds: fc.constantFrom([], ['full']),
  }),
});

let db: Db;
let cleanup: () => void;
beforeAll(() => ({ db, cleanup } = tempDatabase()));
afterAll(() => cleanup());

describe('bounded live history', () => {
  it('gives every rule the same verdict as the full history', () => {
    let n = 0;
    fc.assert(
      fc.property(fc.array(backupArb, { maxLength: 80 }), paramsArb, (specs, params) => {
        const targetId = `t${n++}`;
        const backups: NormalizedBackup[] = specs.map((s, i) => {
          const endedAt = s.endOffsetH === null ? null : NOW + s.endOffsetH * H;
          return {
            backupId: String(i),
            name: null,
            kind: s.kind,
            trigger: 'automated',
            status: s.status,
            rawStatus: s.status,
            startedAt: endedAt === null ? NOW - s.durationH * H : endedAt - s.durationH * H,
            endedAt,
            sizeBytes: s.size,
            raw: {},
          } as NormalizedBackup;
        });
        recordPoll(db, { targetId, startedAt: NOW - 60_000, finishedAt: NOW - 30_000, outcome: { ok: true, pages: 1, backups } });
        const target: TargetConfig = { id: targetId, account: 'a', service: 'rds', instance: 'i', labels: {}, rules: {} };
        const config = { rules: params, profiles: [] } as unknown as Pick<Config, 'rules' | 'profiles'>;
        const { resolved, problems } = resolveRules(rules, config, target);
        expect(problems).toEqual([]);
        const full = loadHistory(db, targetId, NOW);
        // readAllUpTo 0: the bounded read itself, however few backups the target has.
        const bounded = loadHistory(db, targetId, NOW, { needs: mergedNeeds(resolved), readAllUpTo: 0 });
        expect(bounded.backups.length).toBeLessThanOrEqual(full.backups.length);
        for (const r of resolved) {
          const ctx = { target: { ...target }, now: NOW, params: r.params };
          expect(r.rule.evaluate({ ...ctx, history: bounded }), r.rule.id).toEqual(r.rule.evaluate({ ...ctx, history: full }));
        }
      }),
      { numRuns: 1000 },
    );
  });

  /** Stores `days` daily completed full backups of target `id` in one poll and returns its default rules' needs. */
  function dailyTarget(id: string, days: number): HistoryNeeds {
    const backups = Array.from({ length: days }, (_, d) => completed(`${id}-${d}`, NOW - d * 24 * H));
    recordPoll(db, {
      targetId: id,
      startedAt: NOW - 60_000,
      finishedAt: NOW - 30_000,
      outcome: { ok: true, pages: Math.ceil(days / 100), backups },
    });
    const target: TargetConfig = { id, account: 'a', service: 'rds', instance: 'i', labels: {}, rules: {} };
    return mergedNeeds(resolveRules(rules, { rules: {}, profiles: [] }, target).resolved);
  }

  it('loads far fewer rows than the full history for a year of daily backups', () => {
    const needs = dailyTarget('year', 365);
    expect(loadHistory(db, 'year', NOW, { needs }).backups.length).toBeLessThan(12);
    expect(loadHistory(db, 'year', NOW).backups.length).toBe(365);
  });

  it('reads a target with few backups whole, bounded or not', () => {
    const needs = dailyTarget('small', 10);
    expect(loadHistory(db, 'small', NOW, { needs })).toEqual(loadHistory(db, 'small', NOW));
    expect(loadHistory(db, 'small', NOW, { needs, readAllUpTo: 0 }).backups.length).toBeLessThan(10);
  });
});
