import type { DayOutcome } from './daily-fleet.js';

// Figure 10's script: what each target's backups do day by day, and the finding changes that must
// therefore reach the alert channel, each exactly once, on the day it happens. Backups finish at 02:29
// and are listed at 02:30, so every change below happens at the 02:30 poll of its day.

/** A steady target succeeds every day; a failing one fails for a few days, then recovers; a stopped one takes no more backups. */
export type Role = 'steady' | 'fails' | 'stops';

/** One finding change the script causes, as a channel receives it. */
export interface ScriptedChange {
  readonly target: string;
  readonly rule: string;
  readonly kind: 'firing' | 'resolved';
  /** The simulated day (0 is the first) of the cycle that sees it. */
  readonly day: number;
}

/** One item a channel received: a firing, a resolution or a reminder, and the simulated day of its digest. */
export interface Delivered {
  readonly target: string;
  readonly rule: string;
  readonly kind: string;
  readonly day: number;
}

/** How many days a failing target's backups fail before the next one succeeds. */
const FAILED_DAYS = 3;
/**
 * Retention wants seven completed backups ending within seven days; the provider lists seven days. A
 * failed day stays in that window for six more days, so retention resolves this many days after the first failure.
 */
const RETENTION_BACK_AFTER = FAILED_DAYS + 6;
/** The earliest day a script starts: the first two days are the warm-up the memory slope leaves out. */
const FIRST_SCRIPTED_DAY = 3;

export interface SoakScript {
  role(i: number): Role;
  /** The day a failing target's backups start failing, or a stopped one's stop. */
  startDay(i: number): number;
  outcome(i: number, day: number): DayOutcome;
  /** Every change the script causes over the run, for all `targets`. */
  changes(targets: number): ScriptedChange[];
}

/**
 * One target in ten fails for three days and recovers, one in ten stops; their start days are spread over
 * the run so that every change, retention's return included, happens before the last day (`days` ≥ 16).
 */
export function soakScript(days: number): SoakScript {
  if (days < FIRST_SCRIPTED_DAY + RETENTION_BACK_AFTER + 4) throw new Error(`the soak script needs at least 16 days, got ${days}`);
  const spread = days - FIRST_SCRIPTED_DAY - RETENTION_BACK_AFTER - 1;
  const role = (i: number): Role => (i % 10 === 3 ? 'fails' : i % 10 === 7 ? 'stops' : 'steady');
  const startDay = (i: number): number => FIRST_SCRIPTED_DAY + (Math.floor(i / 10) % spread);
  return {
    role,
    startDay,
    outcome(i, day) {
      const from = startDay(i);
      if (role(i) === 'fails') return day >= from && day < from + FAILED_DAYS ? 'Failed' : 'Success';
      if (role(i) === 'stops') return day >= from ? 'none' : 'Success';
      return 'Success';
    },
    changes(targets) {
      const out: ScriptedChange[] = [];
      for (let i = 0; i < targets; i++) {
        const target = `db-${i}`;
        const from = startDay(i);
        const change = (rule: string, kind: ScriptedChange['kind'], day: number) => out.push({ target, rule, kind, day });
        if (role(i) === 'fails') {
          // The day's backup failed, and the last success ended 24 h 1 min before the cycle that sees it.
          for (const rule of ['failed-backup', 'recent-success', 'retention']) change(rule, 'firing', from);
          change('failed-backup', 'resolved', from + FAILED_DAYS);
          change('recent-success', 'resolved', from + FAILED_DAYS);
          change('retention', 'resolved', from + RETENTION_BACK_AFTER);
        } else if (role(i) === 'stops') {
          change('recent-success', 'firing', from);
          // The oldest backup expired with no new one to take its place.
          change('retention', 'firing', from);
        }
      }
      return out;
    },
  };
}

export interface DeliveryCheck {
  readonly scripted: number;
  /** Scripted changes delivered once, on their day. */
  readonly deliveredOnce: number;
  /** `target rule kind (day n)`, for each scripted change that never arrived. */
  readonly missing: readonly string[];
  /** Scripted changes that arrived more than once, with how many times. */
  readonly repeated: readonly string[];
  /** Scripted changes that arrived once, on another day than the script's. */
  readonly wrongDay: readonly string[];
  /** Firings and resolutions the script did not cause. */
  readonly unscripted: readonly string[];
}

const keyOf = (d: { target: string; rule: string; kind: string }): string => `${d.target} ${d.rule} ${d.kind}`;

/** Compares what the channel received (reminders aside) with the script's changes. */
export function checkDeliveries(scripted: readonly ScriptedChange[], delivered: readonly Delivered[]): DeliveryCheck {
  const arrived = new Map<string, number[]>();
  for (const d of delivered) {
    if (d.kind !== 'firing' && d.kind !== 'resolved') continue;
    arrived.set(keyOf(d), [...(arrived.get(keyOf(d)) ?? []), d.day]);
  }
  const missing: string[] = [];
  const repeated: string[] = [];
  const wrongDay: string[] = [];
  let deliveredOnce = 0;
  const expectedKeys = new Set<string>();
  for (const c of scripted) {
    const key = keyOf(c);
    expectedKeys.add(key);
    const days = arrived.get(key) ?? [];
    if (days.length === 0) missing.push(`${key} (day ${c.day})`);
    else if (days.length > 1) repeated.push(`${key} ×${days.length} (days ${days.join(', ')})`);
    else if (days[0] !== c.day) wrongDay.push(`${key} on day ${days[0]}, scripted for day ${c.day}`);
    else deliveredOnce++;
  }
  const unscripted = [...arrived].filter(([key]) => !expectedKeys.has(key)).map(([key, days]) => `${key} (days ${days.join(', ')})`);
  return { scripted: scripted.length, deliveredOnce, missing, repeated, wrongDay, unscripted };
}
