import type { FindingState } from '../domain/finding.js';

/**
 * State timelines rebuilt from finding_events. A finding keeps its state until the next recorded
 * change, so one (target, rule) over a window is a step function; a target's state at an instant
 * combines its rules' states at that instant.
 */

/** A rule's state; `none` = nothing recorded yet (or no longer being evaluated). */
export type RuleState = FindingState | 'none';

/** A recorded change of one (target, rule): it entered `state` at `at`. */
export interface Change {
  readonly at: number;
  readonly state: RuleState;
  readonly reason: string;
}

/** The combined state of a target over a stretch of time. */
export type TargetState = 'ok' | 'alarm' | 'unknown';

/** A stretch `[from, to)` of constant target state. */
export interface Piece {
  readonly from: number;
  readonly to: number;
  readonly state: TargetState;
  /** The auditor could not see the target (see `blindState`). */
  readonly blind: boolean;
}

/** One rule's changes, oldest first; the first may lie before the window (the state the window starts in). */
export interface RuleTimeline {
  readonly ruleId: string;
  readonly changes: readonly Change[];
}

/**
 * The target's state when its rules are in `states`: `alarm` if any rule alarms; else `unknown` if any
 * cannot judge (`error`) or has no data (`none`), or if every rule is disabled (nothing checks the
 * target, so nothing can be claimed); else `ok`. `skip` (disabled) rules are ignored.
 */
export function combine(states: readonly RuleState[]): TargetState {
  let judged = 0;
  let unknown = false;
  for (const s of states) {
    if (s === 'alarm') return 'alarm';
    if (s === 'skip') continue;
    judged++;
    if (s !== 'ok') unknown = true;
  }
  return unknown || judged === 0 ? 'unknown' : 'ok';
}

/**
 * Cuts `[from, to)` into pieces of constant combined state. `blind(states, at)` says, from the rules'
 * states at an instant, whether the target was unwatched then. Callers add a break at every instant
 * where `blind` changes for reasons other than the states (see `extraBreaks`).
 */
export function sweep(
  timelines: readonly RuleTimeline[],
  from: number,
  to: number,
  blind: (states: ReadonlyMap<string, RuleState>, at: number) => boolean,
  extraBreaks: readonly number[] = [],
): Piece[] {
  const breaks = new Set<number>([from]);
  for (const t of timelines) for (const c of t.changes) if (c.at > from && c.at < to) breaks.add(c.at);
  for (const at of extraBreaks) if (at > from && at < to) breaks.add(at);
  const points = [...breaks].sort((a, b) => a - b);
  const cursor = timelines.map(() => -1);
  const pieces: Piece[] = [];
  for (let i = 0; i < points.length; i++) {
    const at = points[i] as number;
    const next = points[i + 1] ?? to;
    const states = new Map<string, RuleState>();
    timelines.forEach((t, k) => {
      // Advance to the last change at or before `at`: several changes at one instant leave the last one.
      let j = cursor[k] as number;
      while (j + 1 < t.changes.length && (t.changes[j + 1] as Change).at <= at) j++;
      cursor[k] = j;
      states.set(t.ruleId, j === -1 ? 'none' : (t.changes[j] as Change).state);
    });
    const piece: Piece = { from: at, to: next, state: combine([...states.values()]), blind: blind(states, at) };
    const last = pieces[pieces.length - 1];
    if (last && last.state === piece.state && last.blind === piece.blind) pieces[pieces.length - 1] = { ...last, to: next };
    else pieces.push(piece);
  }
  return pieces;
}

/** Milliseconds in each state, and blind, within `[from, to)`. */
export interface Measure {
  readonly ok: number;
  readonly alarm: number;
  readonly unknown: number;
  readonly blind: number;
  /** The longest continuous blind stretch within `[from, to)`. */
  readonly longestBlind: number;
}

/** Sums the pieces' time within `[from, to)`. */
export function measure(pieces: readonly Piece[], from: number, to: number): Measure {
  const m = { ok: 0, alarm: 0, unknown: 0, blind: 0, longestBlind: 0 };
  let run = 0;
  for (const p of pieces) {
    const ms = Math.min(p.to, to) - Math.max(p.from, from);
    if (ms <= 0) continue;
    m[p.state] += ms;
    if (p.blind) {
      m.blind += ms;
      run += ms;
      m.longestBlind = Math.max(m.longestBlind, run);
    } else run = 0;
  }
  return m;
}

/** One stretch of `alarm` of one rule. */
export interface Episode {
  readonly openedAt: number;
  readonly reason: string;
  /** When it left `alarm`; null while still in alarm at the end of the recorded changes. */
  readonly closedAt: number | null;
  readonly closedTo: RuleState | null;
}

/** The alarm episodes in a rule's recorded changes. */
export function episodes(changes: readonly Change[]): Episode[] {
  const out: Episode[] = [];
  let open: { at: number; reason: string } | null = null;
  for (const c of changes) {
    if (c.state === 'alarm') {
      open ??= { at: c.at, reason: c.reason };
    } else if (open) {
      out.push({ openedAt: open.at, reason: open.reason, closedAt: c.at, closedTo: c.state });
      open = null;
    }
  }
  if (open) out.push({ openedAt: open.at, reason: open.reason, closedAt: null, closedTo: null });
  return out;
}
