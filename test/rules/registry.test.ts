import { describe, expect, it } from 'vitest';
import { failedBackup } from '../../rules/failed-backup.js';
import { recentSuccess } from '../../rules/recent-success.js';
import { rules } from '../../rules/registry.js';
import { type ResolvedRule, resolveRules } from '../../src/config/rule-settings.js';
import { type Config, type TargetConfig, target as targetSchema } from '../../src/config/schema.js';
import { registry } from '../../src/core/registry.js';
import { DAY, HOUR } from '../helpers/history-builder.js';

type Layers = Pick<Config, 'rules' | 'profiles'>;

const target = (over: Record<string, unknown> = {}): TargetConfig =>
  targetSchema.parse({
    id: 'orders-pg',
    account: 'uc-prod',
    service: 'upgsql',
    instance: 'LLtYwYlt',
    labels: { env: 'prod', team: 'payments' },
    ...over,
  });

/** Resolves the rules of a target given as `targets[0]`, as the evaluate job does. */
function resolve(config: Partial<Layers>, t: TargetConfig = target()): { byId: Map<string, ResolvedRule>; problems: string[] } {
  const { resolved, problems } = resolveRules(rules, { rules: config.rules ?? {}, profiles: config.profiles ?? [] }, t, 'targets[0]');
  return { byId: new Map(resolved.map((r) => [r.rule.id, r])), problems };
}

describe('rule registry', () => {
  it("holds the rules of the design, the auditor's own, then those off unless configured, in order", () => {
    expect(rules.ids).toEqual([
      'recent-success',
      'failed-backup',
      'stuck-running',
      'poll-failing',
      'retention',
      'size-anomaly',
      'target-missing',
      'coverage',
      'backup-policy',
      'evidence-backup',
      'restore-drill',
      'backup-gap',
    ]);
  });
  it('throws "duplicate rule id: recent-success" when two rules share an id', () => {
    expect(() => registry('rule', [recentSuccess, failedBackup, recentSuccess])).toThrow('duplicate rule id: recent-success');
  });
  it('names the known rules when asked for an unknown one', () => {
    expect(() => rules.get('recent-sucess')).toThrow(/unknown rule "recent-sucess"; known: recent-success, failed-backup/);
  });
});

describe('resolveRules', () => {
  it('enables every rule with its built-in defaults and severity when nothing is configured', () => {
    const { byId, problems } = resolve({});
    expect(problems).toEqual([]);
    expect(byId.size).toBe(7);
    expect(byId.get('recent-success')).toMatchObject({ enabled: true, severity: 'critical', params: { maxAge: DAY, kinds: [] } });
    expect(byId.get('failed-backup')).toMatchObject({ enabled: true, severity: 'warning', params: { lookback: DAY } });
  });
  it('applies `rules:` over the built-in defaults', () => {
    const { byId } = resolve({ rules: { 'recent-success': { maxAge: '12h', severity: 'warning' } } });
    expect(byId.get('recent-success')).toMatchObject({ severity: 'warning', params: { maxAge: 12 * HOUR } });
  });
  it('applies a profile whose labels all match over `rules:`', () => {
    const { byId } = resolve({
      rules: { 'recent-success': { maxAge: '12h' } },
      profiles: [{ match: { env: 'prod', team: 'payments' }, rules: { 'recent-success': { maxAge: '6h' } } }],
    });
    expect(byId.get('recent-success')?.params).toMatchObject({ maxAge: 6 * HOUR });
  });
  it('ignores a profile when one of its labels does not match', () => {
    const { byId } = resolve({ profiles: [{ match: { env: 'prod', team: 'search' }, rules: { 'recent-success': { maxAge: '6h' } } }] });
    expect(byId.get('recent-success')?.params).toMatchObject({ maxAge: DAY });
  });
  it('applies the target override over matching profiles', () => {
    const { byId } = resolve(
      { profiles: [{ match: { env: 'prod' }, rules: { 'recent-success': { maxAge: '6h' } } }] },
      target({ rules: { 'recent-success': { maxAge: '3h' } } }),
    );
    expect(byId.get('recent-success')?.params).toMatchObject({ maxAge: 3 * HOUR });
  });
  it('merges parameters from different layers', () => {
    const { byId } = resolve(
      { rules: { 'recent-success': { maxAge: '12h' } } },
      target({ rules: { 'recent-success': { kinds: ['full'] } } }),
    );
    expect(byId.get('recent-success')?.params).toEqual({ maxAge: 12 * HOUR, kinds: ['full'] });
  });
  it('disables a rule for a target with `false`', () => {
    const { byId } = resolve({}, target({ rules: { 'size-anomaly': false } }));
    expect(byId.get('size-anomaly')?.enabled).toBe(false);
    expect(byId.get('retention')?.enabled).toBe(true);
  });
  it('disables a rule everywhere with `false` under `rules:`, and a target re-enables it with `true`', () => {
    const config = { rules: { retention: { minCount: 3 }, 'size-anomaly': false } };
    expect(resolve(config).byId.get('size-anomaly')?.enabled).toBe(false);
    const { byId } = resolve({ rules: { ...config.rules, retention: false } }, target({ rules: { retention: true } }));
    expect(byId.get('retention')).toMatchObject({ enabled: true, params: { minCount: 7 } });
  });
  it('names the config path of the `false` that disabled a rule, the last layer that said so', () => {
    const { byId } = resolve(
      { rules: { retention: false }, profiles: [{ match: { env: 'prod' }, rules: { 'size-anomaly': false } }] },
      target({ rules: { 'stuck-running': false } }),
    );
    expect(byId.get('retention')).toMatchObject({ enabled: false, disabledBy: 'rules.retention' });
    expect(byId.get('size-anomaly')).toMatchObject({ enabled: false, disabledBy: 'profiles[0].rules.size-anomaly' });
    expect(byId.get('stuck-running')).toMatchObject({ enabled: false, disabledBy: 'targets[0].rules.stuck-running' });
    expect(byId.get('recent-success')?.disabledBy).toBeUndefined();
  });
  it('keeps the parameters merged so far when `true` re-enables a rule', () => {
    const { byId } = resolve(
      { rules: { retention: { minCount: 3 } }, profiles: [{ match: { env: 'prod' }, rules: { retention: false } }] },
      target({ rules: { retention: true } }),
    );
    expect(byId.get('retention')).toMatchObject({ enabled: true, params: { minCount: 3 } });
  });
  it('reports an unknown rule id with the path of the layer that names it', () => {
    const { problems } = resolve({}, target({ rules: { 'recent-sucess': { maxAge: '1h' } } }));
    expect(problems).toEqual([
      expect.stringMatching(/^targets\[0\]\.rules\.recent-sucess: unknown rule "recent-sucess"; known: recent-success, /),
    ]);
  });
  it('reports a bad parameter with its full path, as targets[0].rules.recent-success.maxAge', () => {
    const { byId, problems } = resolve({}, target({ rules: { 'recent-success': { maxAge: 'soon' } } }));
    expect(problems).toEqual([expect.stringMatching(/^targets\[0\]\.rules\.recent-success\.maxAge: invalid duration "soon"/)]);
    expect(byId.has('recent-success')).toBe(false);
  });
  it('blames the layer that set a bad parameter, not the last layer that touched the rule', () => {
    const { problems } = resolve(
      { rules: { 'recent-success': { maxAge: 'soon' } } },
      target({ rules: { 'recent-success': { kinds: ['full'] } } }),
    );
    expect(problems).toEqual([expect.stringMatching(/^rules\.recent-success\.maxAge: invalid duration "soon"/)]);
  });
  it('reports an unknown parameter with its path and the parameters the rule knows', () => {
    const { problems } = resolve({ profiles: [{ match: { env: 'prod' }, rules: { retention: { minAgee: '30d' } } }] });
    expect(problems).toEqual([
      'profiles[0].rules.retention.minAgee: unknown parameter of retention; known: severity, minCount, window, minAge, kinds',
    ]);
  });
  it('reports a bad severity with its path', () => {
    const { problems } = resolve({}, target({ rules: { 'failed-backup': { severity: 'page' } } }));
    expect(problems).toEqual(['targets[0].rules.failed-backup.severity: must be one of critical, warning, info']);
  });
});
