/** Rounds a share to 6 decimals (0.0001%): enough for any period, and stable to print and compare. */
export function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** `part / whole` as a rounded share; 0 for an empty whole. */
export function share(part: number, whole: number): number {
  return whole > 0 ? round6(part / whole) : 0;
}

/** `part / whole` as a rounded share; null when nothing was judged: unknown is never zero. */
export function judgedShare(part: number, whole: number): number | null {
  return whole > 0 ? round6(part / whole) : null;
}

/** The change between two shares, or null when either is unknown. */
export function change(now: number | null, before: number | null): number | null {
  if (now === null) return null;
  return before === null ? null : round6(now - before);
}

/** The median of some durations, or null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : Math.round(((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2);
}
