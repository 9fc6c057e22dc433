import type { TargetConfig } from './schema.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The targets of a parsed config, held compactly for the life of the process that loaded it. A fleet's
 * config is thousands of targets that repeat a few accounts, services, regions and zones and mostly
 * have no labels or rules of their own; as parsed, each target kept its own copy of those strings, two
 * empty objects of its own, and part of its fields in a second array (the parser adds them one by
 * one). Here each target is built whole, equal strings are one string, and empty labels and rules are
 * one shared object (the loaded config is frozen, so nothing can write to it).
 */
export function compactTargets(targets: readonly TargetConfig[]): TargetConfig[] {
  const strings = new Map<string, string>();
  const shared = (s: string): string => {
    const known = strings.get(s);
    if (known !== undefined) return known;
    strings.set(s, s);
    return s;
  };
  const none: Record<string, never> = {};
  const empty = (o: Readonly<Record<string, unknown>>): boolean => {
    for (const _ in o) return false;
    return true;
  };
  return targets.map((t) => {
    const out: Mutable<TargetConfig> = {
      id: t.id,
      account: shared(t.account),
      service: shared(t.service),
      instance: t.instance,
      labels: empty(t.labels) ? none : t.labels,
      rules: empty(t.rules) ? none : t.rules,
    };
    if (t.region !== undefined) out.region = shared(t.region);
    if (t.zone !== undefined) out.zone = shared(t.zone);
    if (t.schedule !== undefined) out.schedule = shared(t.schedule);
    return out;
  });
}
