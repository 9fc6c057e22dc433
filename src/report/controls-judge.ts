import { iso } from '../core/clock.js';
import { truncate } from '../core/text.js';
import type { FindingChange } from '../db/report-reads.js';
import type { ControlVerdict } from '../domain/control.js';
import { MAX_REASON } from '../notify/render.js';
import type { ControlAlarm, Unjudged } from './types-controls.js';

/** One (target, rule) pair over a window: its alarms, or that it was ok throughout, or why it was not judged. */
export type PairOutcome =
  | { readonly kind: 'alarm'; readonly alarms: readonly ControlAlarm[] }
  | { readonly kind: 'ok' }
  | { readonly kind: 'unjudged'; readonly why: Unjudged['why'] };

/**
 * Judges one pair from its recorded changes relevant to `[from, to)` (the last one before `from`, then
 * every one within, oldest first: `ruleChanges`). Any `alarm` held for some of the window makes it `alarm`; else every
 * recorded state `ok` makes it `ok`; an `error` or `skip` anywhere, or nothing recorded, leaves it unjudged.
 */
export function judgePair(
  target: string,
  rule: string,
  changes: readonly FindingChange[] | undefined,
  from: number,
  to: number,
): PairOutcome {
  if (!changes || changes.length === 0) return { kind: 'unjudged', why: 'not-evaluated' };
  const alarms: ControlAlarm[] = [];
  let unjudged = false;
  changes.forEach((c, i) => {
    const next = changes[i + 1];
    // A state replaced at or before the window start held for none of the window.
    if (next !== undefined && next.at <= from) return;
    if (c.state === 'alarm') {
      alarms.push({
        target,
        rule,
        since: iso(c.at),
        until: next !== undefined && next.at < to ? iso(next.at) : null,
        reason: truncate(c.reason, MAX_REASON),
      });
    } else if (c.state !== 'ok') unjudged = true;
  });
  if (alarms.length > 0) return { kind: 'alarm', alarms };
  return unjudged ? { kind: 'unjudged', why: 'error' } : { kind: 'ok' };
}

/** A part's verdict from its pairs: fail on any alarm, pass when all are ok, partial when some are, else no evidence. */
export function partVerdict(alarmed: number, ok: number, pairs: number): ControlVerdict {
  if (alarmed > 0) return 'fail';
  if (pairs > 0 && ok === pairs) return 'pass';
  return ok > 0 ? 'partial' : 'no-evidence';
}

/** Verdicts combined (a control's parts, a framework's controls): any fail fails, all pass pass, all without evidence have none. */
export function combine(verdicts: readonly ControlVerdict[]): ControlVerdict {
  if (verdicts.includes('fail')) return 'fail';
  if (verdicts.length > 0 && verdicts.every((v) => v === 'pass')) return 'pass';
  if (verdicts.every((v) => v === 'no-evidence')) return 'no-evidence';
  return 'partial';
}
