import { z } from 'zod';

const WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** Minutes east of UTC that `timeZone` is at the instant `utcMs`. */
function offsetMinutes(utcMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utcMs));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60_000);
}

/**
 * Parses an instant typed by a person: ISO-8601 with `Z` or an offset as is; a date or date-time
 * without one (`2026-11-17 09:00`, `2026-11-17`) as wall-clock time in `timeZone` (the config's),
 * which is what "were we compliant last Tuesday 09:00?" means. Returns null when it is neither.
 */
export function parseInstant(text: string, timeZone: string): number | null {
  const s = text.trim();
  if (WITH_ZONE.test(s)) {
    const ms = Date.parse(s);
    return Number.isFinite(ms) ? ms : null;
  }
  const m = LOCAL.exec(s);
  if (!m) return null;
  const [y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x)));
  const wall = Date.UTC(y, mo - 1, d, h, mi, se);
  const check = new Date(wall);
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || se > 59) return null;
  // Two rounds settle the offset even across a DST change between the guess and the answer.
  let utc = wall - offsetMinutes(wall, timeZone) * 60_000;
  utc = wall - offsetMinutes(utc, timeZone) * 60_000;
  return utc;
}

/** A CLI `--at` value: an instant not in the future. */
export function instantArg(timeZone: string, now: number) {
  return z.string().transform((text, ctx) => {
    const ms = parseInstant(text, timeZone);
    if (ms === null) {
      ctx.addIssue({
        code: 'custom',
        message: `"${text}" is not an instant: use 2026-11-17T09:00Z, 2026-11-17T09:00+01:00 or 2026-11-17 09:00 (${timeZone})`,
      });
      return z.NEVER;
    }
    if (ms > now) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is in the future; history is only known up to now` });
      return z.NEVER;
    }
    return ms;
  });
}
