import { describe, expect, it } from 'vitest';
import { route as routeSchema } from '../../src/config/channels.js';
import type { Config } from '../../src/config/schema.js';
import { type Routable, route, routeChannels, routeMatches } from '../../src/engine/routing.js';

const DAY = 86_400_000;

/** The parts of a config routing reads: three channels, these routes (as written in YAML), the default reminder. */
function config(routes: readonly Record<string, unknown>[]): Pick<Config, 'routes' | 'channels' | 'alerting'> {
  const channel = { type: 'webhook', url: 'http://127.0.0.1:9/hook' } as unknown as Config['channels'][string];
  return {
    routes: routes.map((r) => routeSchema.parse(r)),
    channels: { 'oncall-mail': channel, 'dba-slack': channel, 'audit-hook': channel },
    alerting: { groupWait: 30_000, repeatInterval: DAY, sendResolved: true },
  };
}

/** A critical recent-success finding on orders-pg (team payments, env prod), with overrides. */
const finding = (over: Partial<Routable> = {}): Routable => ({
  targetId: 'orders-pg',
  ruleId: 'recent-success',
  severity: 'critical',
  labels: { team: 'payments', env: 'prod' },
  ...over,
});

describe('notification routing', () => {
  it('route() sends a finding to the route whose `rule` matches its rule', () => {
    const c = config([{ match: { rule: 'size-anomaly' }, channels: ['dba-slack'] }, { channels: ['oncall-mail'] }]);
    expect(routeChannels(c, finding({ ruleId: 'size-anomaly' }))).toEqual(['dba-slack']);
    expect(routeChannels(c, finding({ ruleId: 'recent-success' }))).toEqual(['oncall-mail']);
  });

  it('route() matches `target` exactly, so a target whose id only starts with the value falls through', () => {
    const c = config([{ match: { target: 'orders-pg' }, channels: ['dba-slack'] }, { channels: ['oncall-mail'] }]);
    expect(routeChannels(c, finding({ targetId: 'orders-pg' }))).toEqual(['dba-slack']);
    expect(routeChannels(c, finding({ targetId: 'orders-pg-replica' }))).toEqual(['oncall-mail']);
  });

  it('route() matches `target` through matchRe against the whole id', () => {
    const c = config([{ matchRe: { target: 'orders-.*' }, channels: ['dba-slack'] }, { channels: ['oncall-mail'] }]);
    expect(routeChannels(c, finding({ targetId: 'orders-replica' }))).toEqual(['dba-slack']);
    expect(routeChannels(c, finding({ targetId: 'legacy-orders-pg' }))).toEqual(['oncall-mail']);
  });

  it('route() matches a label through matchRe anchored at both ends, like Alertmanager', () => {
    const c = config([{ matchRe: { env: 'prod|staging' }, channels: ['dba-slack'] }]);
    expect(routeChannels(c, finding({ labels: { env: 'staging' } }))).toEqual(['dba-slack']);
    expect(routeChannels(c, finding({ labels: { env: 'preprod' } }))).toEqual([]);
  });

  it('route() never matches a matcher on a label the target does not have', () => {
    expect(routeMatches(routeSchema.parse({ matchRe: { region: '.*' }, channels: ['dba-slack'] }), finding())).toBe(false);
    expect(routeMatches(routeSchema.parse({ match: { region: '' }, channels: ['dba-slack'] }), finding())).toBe(false);
  });

  it('route() requires every matcher of a route to hold', () => {
    const c = config([{ match: { severity: 'critical', team: 'payments' }, matchRe: { target: 'orders-.*' }, channels: ['dba-slack'] }]);
    expect(routeChannels(c, finding())).toEqual(['dba-slack']);
    expect(routeChannels(c, finding({ severity: 'warning' }))).toEqual([]);
    expect(routeChannels(c, finding({ labels: { team: 'search', env: 'prod' } }))).toEqual([]);
  });

  it('route() stops at the first matching route without `continue`', () => {
    const c = config([
      { match: { team: 'payments' }, channels: ['dba-slack'] },
      { match: { severity: 'critical' }, channels: ['oncall-mail'] },
      { channels: ['audit-hook'] },
    ]);
    expect(route(c, finding())).toMatchObject({ channels: ['dba-slack'], routes: [0] });
  });

  it('route() goes on past a matching route with `continue: true`, collecting each channel once', () => {
    const c = config([
      { match: { team: 'payments' }, channels: ['dba-slack'], continue: true },
      { match: { team: 'search' }, channels: ['audit-hook'] },
      { match: { severity: 'critical' }, channels: ['oncall-mail', 'dba-slack'] },
      { channels: ['audit-hook'] },
    ]);
    expect(route(c, finding())).toMatchObject({ channels: ['dba-slack', 'oncall-mail'], routes: [0, 2] });
  });

  it('route() gives no channels when no route matches', () => {
    const c = config([
      { match: { team: 'search' }, channels: ['dba-slack'] },
      { matchRe: { target: 'billing-.*' }, channels: ['oncall-mail'] },
    ]);
    expect(route(c, finding())).toEqual({ channels: [], routes: [], repeatInterval: DAY });
  });

  it('route() sends to every channel when no routes are configured', () => {
    expect(routeChannels(config([]), finding())).toEqual(['oncall-mail', 'dba-slack', 'audit-hook']);
  });

  it('route() takes the shortest repeatInterval of the matched routes, else the alerting default', () => {
    const c = config([
      { match: { team: 'payments' }, channels: ['dba-slack'], continue: true, repeatInterval: '6h' },
      { match: { severity: 'critical' }, channels: ['oncall-mail'], repeatInterval: '2h' },
    ]);
    expect(route(c, finding()).repeatInterval).toBe(2 * 3_600_000);
    expect(route(c, finding({ severity: 'warning' })).repeatInterval).toBe(6 * 3_600_000);
    expect(route(c, finding({ severity: 'warning', labels: {} })).repeatInterval).toBe(DAY);
  });
});
