import type { DisabledRule, SilenceException } from './types-exceptions.js';
import { field } from './view.js';

/**
 * Texts of the Exceptions section shared by the Markdown and HTML renderers: cleaned with `field`,
 * not yet escaped (each renderer escapes the whole).
 */

/** What a silence matched: `target db-1, rule failed-backup, label team=payments`. */
export function matcherText(m: SilenceException['matchers']): string {
  const parts = [
    ...(m.target === null ? [] : [`target ${field(m.target)}`]),
    ...(m.rule === null ? [] : [`rule ${field(m.rule, 60)}`]),
    ...Object.keys(m.labels)
      .sort()
      .map((k) => `label ${field(k, 60)}=${field(m.labels[k] ?? '', 60)}`),
  ];
  return parts.length === 0 ? 'everything' : parts.join(', ');
}

/** A silence's author, or `unknown`. */
export const authorText = (s: SilenceException): string => (s.author === null ? 'unknown' : field(s.author, 60));

/** Rules disabled the same way (same rule, same config path), with the targets it applies to, in order. */
export interface DisabledGroup {
  readonly rule: string;
  readonly where: string | null;
  readonly targets: readonly string[];
}

/** The disabled rules grouped by rule and config path, in the order first seen: one `rules:` line disables it for every target. */
export function disabledGroups(list: readonly DisabledRule[]): DisabledGroup[] {
  const groups = new Map<string, { rule: string; where: string | null; targets: string[] }>();
  for (const d of list) {
    const key = `${d.rule}\u0000${d.where ?? ''}`;
    const g = groups.get(key);
    if (g) g.targets.push(d.target);
    else groups.set(key, { rule: d.rule, where: d.where, targets: [d.target] });
  }
  return [...groups.values()];
}

/** `3: db-1, db-2, db-3`, or `120: db-1, db-2, db-3, db-4, db-5 and 115 more`. */
export function targetsText(targets: readonly string[], max = 5): string {
  const shown = targets.slice(0, max).map((t) => field(t));
  const rest = targets.length - shown.length;
  return `${targets.length}: ${shown.join(', ')}${rest > 0 ? ` and ${rest} more` : ''}`;
}
