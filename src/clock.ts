/** The current instant as epoch milliseconds. Injected everywhere so rules and schedules are testable "as of" any instant. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

/** A clock that only moves when told to; for tests and the simulator. */
export function manualClock(start: number | string | Date): Clock & { set(t: number | string | Date): void; advance(ms: number): void } {
  let now = toMillis(start);
  const clock = (() => now) as Clock & { set(t: number | string | Date): void; advance(ms: number): void };
  clock.set = (t) => { now = toMillis(t); };
  clock.advance = (ms) => { now += ms; };
  return clock;
}

function toMillis(t: number | string | Date): number {
  const ms = typeof t === 'number' ? t : new Date(t).getTime();
  if (!Number.isFinite(ms)) throw new Error(`not an instant: ${String(t)}`);
  return ms;
}

/** ISO-8601 UTC with seconds, the one format every output uses. */
export function iso(ms: number): string {
  // toISOString always ends in `.sssZ` (extended years too): a slice, not a regex, as every finding's reason formats instants.
  return `${new Date(ms).toISOString().slice(0, -5)}Z`;
}
