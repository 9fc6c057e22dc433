import type { Config } from '../config/schema.js';

export interface Routable {
  readonly targetId: string;
  readonly ruleId: string;
  readonly severity: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** `severity`, `rule` and `target` match those fields; every other key of `match` is a label. */
function matches(match: Readonly<Record<string, string>>, item: Routable): boolean {
  return Object.entries(match).every(([key, want]) => {
    if (key === 'severity') return item.severity === want;
    if (key === 'rule') return item.ruleId === want;
    if (key === 'target') return item.targetId === want;
    return item.labels[key] === want;
  });
}

/**
 * The channels a finding goes to: routes are tried in order, the first match wins unless it says
 * `continue: true`; a route without `match` matches everything. With no routes at all, every channel.
 */
export function routeChannels(config: Pick<Config, 'routes' | 'channels'>, item: Routable): string[] {
  if (config.routes.length === 0) return Object.keys(config.channels);
  const out = new Set<string>();
  for (const route of config.routes) {
    if (!matches(route.match, item)) continue;
    route.channels.forEach((c) => out.add(c));
    if (!route.continue) break;
  }
  return [...out];
}
