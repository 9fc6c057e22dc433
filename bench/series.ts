// Arithmetic for the figures that watch a process or a database over simulated days (9, 10).

/** The least-squares slope of `y` over `x`: how much `y` grows per unit of `x`. Needs two distinct x. */
export function slope(points: readonly { readonly x: number; readonly y: number }[]): number {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.x - mx) * (p.y - my);
    sxx += (p.x - mx) ** 2;
  }
  if (!(sxx > 0)) throw new Error(`a slope needs at least two distinct x, got ${n} point(s)`);
  return sxy / sxx;
}

/**
 * How much each table or index grew between two byte counts by name, divided by `units` (target-days),
 * largest first. A name only in `after` grew from nothing; one only in `before` shrank to nothing.
 */
export function growthPer(
  before: Readonly<Record<string, number>>,
  after: Readonly<Record<string, number>>,
  units: number,
): { readonly name: string; readonly bytes: number }[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names]
    .map((name) => ({ name, bytes: ((after[name] ?? 0) - (before[name] ?? 0)) / units }))
    .sort((a, b) => b.bytes - a.bytes || (a.name < b.name ? -1 : 1));
}
