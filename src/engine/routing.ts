import type { RouteConfig } from '../config/channels.js';
import type { Config } from '../config/schema.js';

export interface Routable {
  readonly targetId: string;
  readonly ruleId: string;
  readonly severity: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** The value a matcher key reads: `severity`, `rule` and `target` are fields, every other key a label. */
function field(item: Routable, key: string): string | undefined {
  if (key === 'severity') return item.severity;
  if (key === 'rule') return item.ruleId;
  if (key === 'target') return item.targetId;
  return item.labels[key];
}

const compiled = new Map<string, RegExp>();
function fullMatch(pattern: string, value: string): boolean {
  let re = compiled.get(pattern);
  if (!re) {
    // Anchored like Alertmanager's match_re: `prod` does not match `preprod`.
    re = new RegExp(`^(?:${pattern})$`);
    compiled.set(pattern, re);
  }
  return re.test(value);
}

export function routeMatches(route: Pick<RouteConfig, 'match' | 'matchRe'>, item: Routable): boolean {
  return (
    Object.entries(route.match).every(([key, want]) => field(item, key) === want) &&
    Object.entries(route.matchRe).every(([key, pattern]) => {
      const value = field(item, key);
      return value !== undefined && fullMatch(pattern, value);
    })
  );
}

export interface Routing {
  readonly channels: string[];
  /** Indexes of the routes that matched, in order. */
  readonly routes: number[];
  /** Reminder interval: the shortest of the matched routes' own, else `alerting.repeatInterval`. */
  readonly repeatInterval: number;
}

/**
 * Where a finding's notifications go: routes are tried in order, the first match wins unless it says
 * `continue: true`; a route without matchers matches everything (the default route). With no routes
 * at all, every channel.
 */
export function route(config: Pick<Config, 'routes' | 'channels' | 'alerting'>, item: Routable): Routing {
  if (config.routes.length === 0)
    return { channels: Object.keys(config.channels), routes: [], repeatInterval: config.alerting.repeatInterval };
  const channels = new Set<string>();
  const routes: number[] = [];
  let repeat: number | undefined;
  for (const [i, r] of config.routes.entries()) {
    if (!routeMatches(r, item)) continue;
    routes.push(i);
    for (const c of r.channels) channels.add(c);
    if (r.repeatInterval !== undefined) repeat = Math.min(repeat ?? Infinity, r.repeatInterval);
    if (!r.continue) break;
  }
  return { channels: [...channels], routes, repeatInterval: repeat ?? config.alerting.repeatInterval };
}

/** The channels a finding goes to (see `route`). */
export function routeChannels(config: Pick<Config, 'routes' | 'channels' | 'alerting'>, item: Routable): string[] {
  return route(config, item).channels;
}
