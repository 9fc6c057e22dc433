import { describe, expect, it } from 'vitest';
import { rules } from '../../rules/registry.js';
import { resolvedRules, resolveRules } from '../../src/config/rule-settings.js';
import { account, type Config, type TargetConfig, target as targetSchema } from '../../src/config/schema.js';

const target = (id: string, over: Record<string, unknown> = {}): TargetConfig =>
  targetSchema.parse({ id, account: 'uc-prod', service: 'upgsql', instance: `i-${id}`, labels: { env: 'prod' }, ...over });

const uc = { cloud: 'ucloud', publicKey: 'pk', privateKey: 'sk' };
const config: Pick<Config, 'rules' | 'profiles' | 'accounts'> = {
  rules: { 'recent-success': { maxAge: '12h' } },
  profiles: [{ match: { env: 'prod' }, rules: { 'recent-success': { maxAge: '6h' } } }],
  accounts: { 'uc-prod': account.parse(uc), 'uc-found': account.parse({ ...uc, discover: {} }) },
};

const ids = (list: readonly { rule: { id: string } }[]) => list.map((r) => r.rule.id);

describe('resolvedRules', () => {
  it('gives targets without rules of their own that match the same profiles one shared list', () => {
    const [a, b] = [target('a'), target('b')];
    expect(resolvedRules(rules, config, a)).toBe(resolvedRules(rules, config, b));
    expect(resolvedRules(rules, config, b)).toEqual(resolveRules(rules, config, b).resolved);
  });

  it('resolves apart a target that matches other profiles, has rules of its own, or whose account discovers', () => {
    const shared = resolvedRules(rules, config, target('a'));
    const dev = target('dev', { labels: { env: 'dev' } });
    const own = target('own', { rules: { 'recent-success': { maxAge: '3h' } } });
    const found = target('found', { account: 'uc-found' });
    for (const t of [dev, own, found]) {
      expect(resolvedRules(rules, config, t)).not.toBe(shared);
      expect(resolvedRules(rules, config, t)).toEqual(resolveRules(rules, config, t).resolved);
    }
    expect(resolvedRules(rules, config, own).find((r) => r.rule.id === 'recent-success')?.params).toMatchObject({ maxAge: 3 * 3_600_000 });
    expect(ids(resolvedRules(rules, config, found))).toContain('coverage');
    expect(ids(shared)).not.toContain('coverage');
  });
});
