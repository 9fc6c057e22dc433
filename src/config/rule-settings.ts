import { z } from 'zod';
import type { Rule } from '../../rules/types.js';
import type { Registry } from '../core/registry.js';
import { AUDITOR_TARGET_ID, SEVERITIES, type Severity, severity } from '../domain/finding.js';
import type { Config, RuleSettings, TargetConfig } from './schema.js';

/** A rule as it applies to one target after defaults, profiles and the target's override. */
export interface ResolvedRule {
  readonly rule: Rule;
  readonly enabled: boolean;
  /** When disabled: the config path of the `false` that disabled it (`rules.retention`, `profiles[0].rules.retention`, …). */
  readonly disabledBy?: string;
  readonly severity: Severity;
  readonly params: unknown;
}

interface Layer {
  readonly where: string;
  readonly settings: RuleSettings;
}

/** The layers in precedence order: `rules:` defaults, then each profile whose labels all match, then the target. */
function layersFor(config: Pick<Config, 'rules' | 'profiles'>, target: TargetConfig, targetPath: string): Layer[] {
  const layers: Layer[] = [{ where: 'rules', settings: config.rules }];
  config.profiles.forEach((p, i) => {
    if (matches(p, target)) layers.push({ where: `profiles[${i}].rules`, settings: p.rules });
  });
  layers.push({ where: `${targetPath}.rules`, settings: target.rules });
  return layers;
}

const matches = (profile: Config['profiles'][number], target: TargetConfig): boolean =>
  Object.entries(profile.match).every(([k, v]) => target.labels[k] === v);

/** Per (registry, config): each target's resolved rules, and those shared by targets with the same layers. */
interface ResolvedCache {
  readonly byTarget: WeakMap<TargetConfig, readonly ResolvedRule[]>;
  readonly byLayers: Map<string, readonly ResolvedRule[]>;
}

const resolvedCache = new WeakMap<Registry<Rule>, WeakMap<object, ResolvedCache>>();

/**
 * What decides a target's resolved rules besides the config, when the target has no `rules:` of its
 * own: the profiles it matches, whether its account discovers, whether it is the auditor. Undefined
 * for a target with rules of its own.
 */
function layersKey(config: Pick<Config, 'profiles'> & Partial<Pick<Config, 'accounts'>>, target: TargetConfig): string | undefined {
  if (Object.keys(target.rules).length > 0) return undefined;
  const profiles = config.profiles.map((p) => (matches(p, target) ? '1' : '0')).join('');
  const discovers = config.accounts?.[target.account]?.discover !== undefined;
  return `${profiles}:${discovers ? 'd' : ''}:${target.id === AUDITOR_TARGET_ID ? 'a' : ''}`;
}

/**
 * `resolveRules(...).resolved`, once per (registry, config, target): a loaded config never changes
 * (a reload or a discovery makes a new one), and resolving parses every rule's parameters, which an
 * evaluation or a report would otherwise do for every target each time. Targets without rules of
 * their own that match the same profiles share one list: a fleet has thousands of targets and a few
 * profiles, and a list per target was memory that grew with the fleet. Problems were reported when
 * the config was loaded.
 */
export function resolvedRules(
  rules: Registry<Rule>,
  config: Pick<Config, 'rules' | 'profiles'> & Partial<Pick<Config, 'accounts'>>,
  target: TargetConfig,
  targetPath?: string,
): readonly ResolvedRule[] {
  let byConfig = resolvedCache.get(rules);
  if (!byConfig) {
    byConfig = new WeakMap();
    resolvedCache.set(rules, byConfig);
  }
  let cache = byConfig.get(config);
  if (!cache) {
    cache = { byTarget: new WeakMap(), byLayers: new Map() };
    byConfig.set(config, cache);
  }
  const key = layersKey(config, target);
  let resolved = key === undefined ? cache.byTarget.get(target) : cache.byLayers.get(key);
  if (!resolved) {
    resolved = resolveRules(rules, config, target, targetPath).resolved;
    if (key === undefined) cache.byTarget.set(target, resolved);
    else cache.byLayers.set(key, resolved);
  }
  return resolved;
}

/**
 * Resolves every registered rule for a target: built-in default → `rules:` → matching profiles →
 * the target's own setting. `false` disables at that layer, `true` re-enables with what is merged so far.
 * Returns problems (with the config path of the offending layer) instead of throwing.
 */
export function resolveRules(
  rules: Registry<Rule>,
  config: Pick<Config, 'rules' | 'profiles'> & Partial<Pick<Config, 'accounts'>>,
  target: TargetConfig,
  targetPath = `targets[${target.id}]`,
): { resolved: ResolvedRule[]; problems: string[] } {
  const layers = layersFor(config, target, targetPath);
  const problems: string[] = [];
  for (const layer of layers) {
    for (const id of Object.keys(layer.settings)) {
      if (!rules.has(id)) problems.push(`${layer.where}.${id}: unknown rule "${id}"; known: ${rules.ids.join(', ')}`);
    }
  }
  const resolved: ResolvedRule[] = [];
  for (const rule of rules.all) {
    let enabled = rule.enabledByDefault !== false;
    let disabledBy = '';
    let merged: Record<string, unknown> = {};
    // Which layer set each parameter last, so a problem names the line the user has to fix.
    const origin = new Map<string, string>();
    for (const layer of layers) {
      const s = layer.settings[rule.id];
      if (s === undefined) continue;
      if (s === false) {
        enabled = false;
        disabledBy = `${layer.where}.${rule.id}`;
      } else if (s === true) enabled = true;
      else {
        enabled = true;
        merged = { ...merged, ...s };
        for (const key of Object.keys(s)) origin.set(key, `${layer.where}.${rule.id}`);
      }
    }
    const where = (key: PropertyKey | undefined): string => (typeof key === 'string' && origin.get(key)) || `rules.${rule.id}`;
    const { severity: sev, ...rest } = merged;
    const sevParsed = sev === undefined ? { success: true as const, data: rule.defaultSeverity } : severity.safeParse(sev);
    if (!sevParsed.success) problems.push(`${where('severity')}.severity: must be one of ${SEVERITIES.join(', ')}`);
    const params = rule.params.safeParse(rest);
    if (!params.success) {
      for (const issue of params.error.issues) {
        if (issue.code === 'unrecognized_keys') {
          for (const key of issue.keys) problems.push(`${where(key)}.${key}: unknown parameter of ${rule.id}; known: ${knownParams(rule)}`);
        } else problems.push(`${where(issue.path[0])}${issuePath(issue.path)}: ${issue.message}`);
      }
      continue;
    }
    // Discovery rules say nothing about targets of accounts that do not discover: no finding at all
    // (their parameters are still checked above, so `validate` names a bad one).
    if (rule.requires === 'discovery' && config.accounts?.[target.account]?.discover === undefined) continue;
    // A rule off by default that no layer mentions judges nothing and records nothing (like a discovery rule above).
    if (rule.enabledByDefault === false && layers.every((l) => l.settings[rule.id] === undefined)) continue;
    // The auditor's own rules judge the auditor alone, and the target rules never judge it.
    if ((rule.requires === 'auditor') !== (target.id === AUDITOR_TARGET_ID)) continue;
    resolved.push({
      rule,
      enabled,
      ...(!enabled && { disabledBy }),
      severity: sevParsed.success ? sevParsed.data : rule.defaultSeverity,
      params: params.data,
    });
  }
  return { resolved, problems };
}

/**
 * Every target's rule problems, in target order. A target with no `rules:` of its own has exactly the
 * problems of the `rules:` and profile layers that match it, so those are worked out once per set of
 * matching profiles rather than once per target (a fleet has thousands of targets and a few profiles).
 */
export function targetRuleProblems(rules: Registry<Rule>, config: Pick<Config, 'rules' | 'profiles' | 'accounts' | 'targets'>): string[] {
  const problems: string[] = [];
  const byProfiles = new Map<string, readonly string[]>();
  config.targets.forEach((t, i) => {
    const own = Object.keys(t.rules).length > 0;
    const key = own ? '' : config.profiles.map((p) => (matches(p, t) ? '1' : '0')).join('');
    let found = own ? undefined : byProfiles.get(key);
    if (!found) {
      found = resolveRules(rules, config, t, `targets[${i}]`).problems;
      if (!own) byProfiles.set(key, found);
    }
    problems.push(...found);
  });
  return problems;
}

/** `severity, maxAge, kinds`: what a rule accepts, for the message about a parameter it does not. */
function knownParams(rule: Rule): string {
  const names = rule.params instanceof z.ZodObject ? Object.keys(rule.params.shape) : [];
  return ['severity', ...names].join(', ');
}

/** `.maxAge`, `[2].name`: the tail of a config path from a zod issue path. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
}
