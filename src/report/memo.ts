/**
 * A memo for what a report formats over and over (the same instants and dates for every target):
 * `compute()` once per key, remembered in `cache` until it holds `limit` entries, then forgotten all
 * at once, so a long-running daemon's memo stays bounded.
 */
export function remembered<V>(cache: Map<string, V>, limit: number, key: string, compute: () => V): V {
  let value = cache.get(key);
  if (value === undefined) {
    value = compute();
    if (cache.size >= limit) cache.clear();
    cache.set(key, value);
  }
  return value;
}
