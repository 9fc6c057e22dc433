import { expect } from 'vitest';
import type { BackupFact, PollFact, Rule, RuleResult, RuleTarget, TargetHistory } from '../../rules/types.js';

/** The fixed evaluation instant every builder counts back from. */
export const NOW = Date.parse('2026-11-21T12:00:00Z');
export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export const secondsAgo = (n: number): number => NOW - n * SECOND;
export const minutesAgo = (n: number): number => NOW - n * MINUTE;
export const hoursAgo = (n: number): number => NOW - n * HOUR;
export const daysAgo = (n: number): number => NOW - n * DAY;

/** `2026-11-20T11:00Z`: an instant as rule reasons print it (rules/format.ts `at`). */
export const shown = (ms: number): string => new Date(ms).toISOString().replace(/:\d{2}\.\d{3}Z$/, 'Z');

export const GiB = 1024 ** 3;

let sequence = 0;

/**
 * A backup with sensible defaults: completed, full, 1 GiB, ended 1h ago after a 30-minute run, first
 * seen when it ended. A running backup started 1h ago and has no end. Pass `null` to blank a time explicitly.
 */
export function backup(over: Partial<BackupFact> = {}): BackupFact {
  const status = over.status ?? 'completed';
  const endedAt = 'endedAt' in over ? (over.endedAt ?? null) : status === 'running' ? null : hoursAgo(1);
  const startedAt = 'startedAt' in over ? (over.startedAt ?? null) : endedAt !== null ? endedAt - 30 * MINUTE : hoursAgo(1);
  const id = over.backupId ?? `b${++sequence}`;
  return {
    backupId: id,
    name: null,
    kind: 'full',
    status,
    rawStatus: status === 'unknown' ? 'Mystery' : status,
    startedAt,
    endedAt,
    sizeBytes: GiB,
    // Seen by the first poll after the backup appeared, but never after the evaluation instant.
    firstSeenAt: Math.min(NOW, endedAt ?? startedAt ?? NOW),
    ...over,
  };
}

/** A poll that finished 5 minutes ago and succeeded; `ok: false` defaults to a network error. */
export function poll(over: Partial<PollFact> = {}): PollFact {
  const ok = over.ok ?? true;
  const finishedAt = over.finishedAt ?? minutesAgo(5);
  const errorKind = ok ? null : (over.errorKind ?? 'network');
  return {
    startedAt: finishedAt - 5 * SECOND,
    finishedAt,
    ok,
    errorKind,
    errorMessage: ok ? null : `${errorKind} error`,
    ...over,
  };
}

/** A successful poll that finished `minutes` ago. */
export const okPoll = (minutes: number): PollFact => poll({ finishedAt: minutesAgo(minutes) });

/** A failed poll, `minutes` ago, of the given error kind. */
export const failedPoll = (minutes: number, errorKind = 'network'): PollFact =>
  poll({ ok: false, errorKind, finishedAt: minutesAgo(minutes) });

/** A failed poll, `minutes` ago, that waiting cannot fix (the provider refused the credentials). */
export const refusedPoll = (minutes: number, over: Partial<PollFact> = {}): PollFact =>
  poll({
    ok: false,
    errorKind: 'auth',
    errorCode: 'SignatureDoesNotMatch',
    requestId: 'REQ-42',
    errorMessage: 'the request signature does not match',
    permanent: true,
    finishedAt: minutesAgo(minutes),
    ...over,
  });

/** A target history; one successful poll 5 minutes ago unless `polls` says otherwise. Polls are put newest first, as the port promises. */
export function history(parts: { backups?: readonly BackupFact[]; polls?: readonly PollFact[] } = {}): TargetHistory {
  const polls = [...(parts.polls ?? [poll()])].sort((a, b) => b.finishedAt - a.finishedAt);
  return { backups: parts.backups ?? [], polls };
}

export const TARGET: RuleTarget = { id: 'orders-pg', service: 'upgsql', instance: 'LLtYwYlt', labels: { env: 'prod' } };

/** One row of a rule's behaviour table. */
export interface RuleCase {
  readonly name: string;
  readonly history: TargetHistory;
  readonly params?: Record<string, unknown>;
  readonly now?: number;
  readonly state: RuleResult['state'];
  /** Text the reason must contain: instants (see `shown`), the policy, the backup. */
  readonly reason?: readonly string[];
}

/** Parses `params` the way config resolution does, then evaluates once at `now` (NOW by default). */
export function judge(rule: Rule, c: Pick<RuleCase, 'history' | 'params' | 'now'>): RuleResult {
  return rule.evaluate({ target: TARGET, history: c.history, now: c.now ?? NOW, params: rule.params.parse(c.params ?? {}) });
}

/** Evaluates one table row and checks what a user would see: the state and the words of the reason. */
export function expectCase(rule: Rule, c: RuleCase): void {
  const result = judge(rule, c);
  expect(result.state, result.reason).toBe(c.state);
  for (const text of c.reason ?? []) expect(result.reason).toContain(text);
}

/** `maxAge: invalid duration "soon": ...`: the problems a params object has, as `path: message` lines. */
export function paramProblems(rule: Rule, params: Record<string, unknown>): string[] {
  const parsed = rule.params.safeParse(params);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`);
}
