/** The current instant as epoch milliseconds. Injected everywhere so rules and schedules are testable "as of" any instant. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

/**
 * Milliseconds from an arbitrary origin that never go back: what a daemon's queue delays, rate-limit
 * spacing and lock leases are reckoned on, so a wall clock set back an hour does not stall them for one.
 */
export const monotonicClock: Clock = () => performance.now();

/** A clock that only moves when told to, with the sleeper that goes with it; for tests, the simulator and simulated runs. */
export interface ManualClock extends Clock {
  set(t: number | string | Date): void;
  advance(ms: number): void;
  /**
   * Waits `ms` of this clock's time, in no real time. Pass it as the `sleep` beside this clock: a rate
   * limiter or a retry backoff reckons its waits on the clock, and a real sleep under a clock nobody moves
   * waits in real time for instants that never come. Waits end in the order of their instants, one per
   * turn of the event loop, each moving the clock to its end (never back): what it resumes runs, and
   * reads the clock, before the next one moves it on.
   */
  sleep(ms: number): Promise<void>;
}

export function manualClock(start: number | string | Date): ManualClock {
  let now = toMillis(start);
  const clock = (() => now) as ManualClock;
  clock.set = (t) => {
    now = toMillis(t);
  };
  clock.advance = (ms) => {
    now += ms;
  };
  /** Waits not over yet, the earliest end first. */
  const waits: { until: number; wake: () => void }[] = [];
  let turn = false;
  const endNext = (): void => {
    turn = false;
    const next = waits.shift();
    if (!next) return;
    if (next.until > now) now = next.until;
    next.wake();
    if (waits.length > 0) {
      turn = true;
      setImmediate(endNext);
    }
  };
  clock.sleep = (ms) =>
    new Promise<void>((wake) => {
      const until = now + Math.max(0, ms);
      let i = waits.length;
      while (i > 0 && (waits[i - 1] as { until: number }).until > until) i--;
      waits.splice(i, 0, { until, wake });
      if (!turn) {
        turn = true;
        setImmediate(endNext);
      }
    });
  return clock;
}

function toMillis(t: number | string | Date): number {
  const ms = typeof t === 'number' ? t : new Date(t).getTime();
  if (!Number.isFinite(ms)) throw new Error(`not an instant: ${String(t)}`);
  return ms;
}

/** ISO-8601 UTC with seconds, the one format every output uses. */
export function iso(ms: number): string {
  // Written out from the day number (civil-from-days, H. Hinnant) rather than through Date: a report
  // formats a dozen instants for each of thousands of targets, and this spares the Date object and the
  // generic formatting of `toISOString()`. Instants outside years 0000-9999, or not finite, take the Date
  // path (and its errors).
  const t = Math.trunc(ms);
  if (!(t >= MIN_FAST && t < MAX_FAST)) return `${new Date(ms).toISOString().slice(0, -5)}Z`;
  const days = Math.floor(t / DAY_MS);
  const secondOfDay = Math.floor((t - days * DAY_MS) / 1000);
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hour = Math.floor(secondOfDay / 3600);
  const minute = Math.floor((secondOfDay % 3600) / 60);
  const yyyy = year >= 1000 ? year : String(year).padStart(4, '0');
  return `${yyyy}-${TWO[month]}-${TWO[day]}T${TWO[hour]}:${TWO[minute]}:${TWO[secondOfDay % 60]}Z`;
}

const DAY_MS = 86_400_000;
/** 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z: the years written with four digits. */
const MIN_FAST = -62_167_219_200_000;
const MAX_FAST = 253_402_300_800_000;
const TWO = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
