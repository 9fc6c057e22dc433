import { z } from 'zod';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const SHORT = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;
const ISO = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Parses `90m`, `24h`, `7d`, `30s`, `2w` or ISO-8601 `PT24H` / `P1DT2H` into milliseconds; null if it is neither. */
export function parseDuration(text: string): number | null {
  const s = text.trim();
  const short = SHORT.exec(s);
  if (short) return Math.round(Number(short[1]) * UNIT_MS[short[2] as keyof typeof UNIT_MS]);
  const iso = ISO.exec(s.toUpperCase());
  if (iso && s.length > 1 && !s.toUpperCase().endsWith('T')) {
    const [, w, d, h, m, sec] = iso;
    if ([w, d, h, m, sec].every((x) => x === undefined)) return null;
    const n = (x: string | undefined) => (x === undefined ? 0 : Number(x));
    return Math.round(n(w) * UNIT_MS.w + n(d) * UNIT_MS.d + n(h) * UNIT_MS.h + n(m) * UNIT_MS.m + n(sec) * UNIT_MS.s);
  }
  return null;
}

/** Formats milliseconds the way people say them: `29h`, `3d 4h`, `45m`, `12s`. */
export function formatDuration(ms: number): string {
  const neg = ms < 0;
  let rest = Math.abs(Math.round(ms / 1000));
  const d = Math.floor(rest / 86_400);
  rest -= d * 86_400;
  const h = Math.floor(rest / 3_600);
  rest -= h * 3_600;
  const m = Math.floor(rest / 60);
  const s = rest - m * 60;
  const parts = d > 0 ? [`${d}d`, h ? `${h}h` : ''] : h > 0 ? [`${h}h`, m ? `${m}m` : ''] : m > 0 ? [`${m}m`] : [`${s}s`];
  return (neg ? '-' : '') + parts.filter(Boolean).join(' ');
}

/** A duration in config: a string such as `24h` or `PT24H`, parsed to milliseconds. */
export const duration = z
  .string()
  .meta({ format: 'duration' })
  .transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === null || ms <= 0) {
      ctx.addIssue({ code: 'custom', message: `invalid duration "${text}": use e.g. 90m, 24h, 7d or PT24H` });
      return z.NEVER;
    }
    return ms;
  });

/** A duration that may be zero (`0s`): for waits that can be switched off, such as `alerting.groupWait`. */
export const durationOrZero = z
  .string()
  .meta({ format: 'duration' })
  .transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === null || ms < 0) {
      ctx.addIssue({ code: 'custom', message: `invalid duration "${text}": use e.g. 0s, 30s, 2m or PT30S` });
      return z.NEVER;
    }
    return ms;
  });
