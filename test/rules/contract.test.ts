import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rules } from '../../rules/registry.js';
import type { BackupFact, CoverageFact, DrillFact, PolicyEvidence, PollFact, TargetHistory } from '../../rules/types.js';
import { DAY, NOW, TARGET } from '../helpers/history-builder.js';

// Instants around NOW, including exact collisions, so boundaries and ties are exercised.
const instant = fc.integer({ min: NOW - 40 * DAY, max: NOW + DAY });
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });
// Provider text from a small alphabet, so it can never spell the words the reason check looks for.
const text = (maxLength: number, minLength = 0) =>
  fc.string({ unit: fc.constantFrom('a', 'b', '1', '-', ' ', '"', 'é'), minLength, maxLength });

const backupFact: fc.Arbitrary<BackupFact> = fc.record({
  backupId: text(8, 1),
  name: maybe(text(12)),
  kind: fc.constantFrom('full', 'incremental', 'differential', 'unknown'),
  status: fc.constantFrom('completed', 'failed', 'running', 'expired', 'deleting', 'unknown'),
  rawStatus: text(10),
  startedAt: maybe(instant),
  endedAt: maybe(instant),
  sizeBytes: maybe(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2 ** 45 }))),
  firstSeenAt: instant,
});

const pollFact: fc.Arbitrary<PollFact> = fc.record({
  startedAt: instant,
  finishedAt: instant,
  ok: fc.boolean(),
  errorKind: maybe(fc.constantFrom('network', 'auth', 'throttled', 'not-found')),
  errorMessage: maybe(text(20)),
});

const minute = fc.integer({ min: 0, max: 1439 });
const policyEvidence: fc.Arbitrary<PolicyEvidence> = fc.oneof(
  fc.constant({ kind: 'not-discovering' as const }),
  fc.constant({ kind: 'not-read' as const }),
  fc.record({
    kind: fc.constant('read' as const),
    readAt: instant,
    policy: fc.oneof(
      fc.record({ unavailable: text(20, 1), failed: fc.boolean() }),
      fc.record({
        automated: fc.option(fc.boolean(), { nil: null }),
        retentionDays: maybe(fc.integer({ min: 0, max: 800 })),
        retentionIsCount: fc.boolean(),
        window: maybe(fc.record({ startMinute: minute, endMinute: minute })),
        weekdays: maybe(fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { maxLength: 7 })),
        source: text(10, 1),
      }),
    ),
  }),
);
const coverageFact: fc.Arbitrary<CoverageFact> = fc.oneof(
  fc.record({ kind: fc.constant('targeted' as const), lastDiscoveryAt: instant }),
  fc.record({ kind: fc.constant('missing' as const), lastDiscoveryAt: instant, goneAt: maybe(instant) }),
  fc.record({
    kind: fc.constant('uncovered' as const),
    account: text(6, 1),
    service: text(5, 1),
    instance: text(8, 1),
    name: maybe(text(10)),
    firstSeenAt: instant,
  }),
  fc.record({ kind: fc.constant('resolved' as const), why: text(20, 1) }),
  fc.constant({ kind: 'not-discovered' as const }),
);

const drillFact: fc.Arbitrary<DrillFact> = fc.record({
  id: text(6, 1),
  result: fc.constantFrom('ok', 'failed'),
  at: instant,
  durationMs: maybe(fc.integer({ min: 0, max: 3 * DAY })),
  backupId: maybe(text(8, 1)),
  note: maybe(text(30)),
  recordedAt: instant,
});

// Deliberately not sorted and not cut at `now`: a rule must stay total even when the port's promises are broken.
const targetHistory: fc.Arbitrary<TargetHistory> = fc.record(
  {
    backups: fc.array(backupFact, { maxLength: 15 }),
    polls: fc.array(pollFact, { maxLength: 8 }),
    policy: policyEvidence,
    coverage: coverageFact,
    drills: fc.array(drillFact, { maxLength: 6 }),
  },
  { requiredKeys: ['backups', 'polls'] },
);

describe.each(rules.all.map((r) => [r.id, r] as const))('rule %s', (_id, rule) => {
  it('parses {} to its defaults', () => {
    expect(rule.params.safeParse({}).success).toBe(true);
  });

  it('evaluate() never throws and always gives a readable reason, for any stored history', () => {
    const params = rule.params.parse({});
    fc.assert(
      fc.property(targetHistory, instant, (history, now) => {
        const result = rule.evaluate({ target: TARGET, history, now, params });
        expect(['ok', 'alarm', 'error', 'skip']).toContain(result.state);
        expect(result.reason.length).toBeGreaterThan(0);
        expect(result.reason).not.toMatch(/undefined|NaN|Infinity|\[object /);
      }),
      { numRuns: 300 },
    );
  });

  it('evaluate() is pure: the same history and instant give the same result', () => {
    const params = rule.params.parse({});
    fc.assert(
      fc.property(targetHistory, instant, (history, now) => {
        const copy = structuredClone(history);
        expect(rule.evaluate({ target: TARGET, history, now, params })).toEqual(
          rule.evaluate({ target: TARGET, history: copy, now, params }),
        );
        expect(history).toEqual(copy);
      }),
      { numRuns: 100 },
    );
  });
});
