import type { ControlVerdict } from '../domain/control.js';
import type { ControlResult, Unjudged } from './types-controls.js';

/** How a verdict reads: never "pass" for what could not be judged. */
export const VERDICT_TEXT: Record<ControlVerdict, string> = {
  pass: 'PASS',
  fail: 'FAIL',
  partial: 'PARTIAL',
  'no-evidence': 'NO EVIDENCE',
};

export const CONTROLS_INTRO =
  'Evidence toward each control from the rules bearing on it: fail = a bearing rule alarmed for a target; ' +
  'pass = every target judged by every bearing rule and none alarmed; partial = some could not be judged; ' +
  'no evidence = nothing bearing was judged. A mapping is evidence toward a control, not a certification.';

const WHY: Record<Unjudged['why'], string> = {
  'not-registered': 'not in this build',
  disabled: 'disabled',
  'not-configured': 'not configured',
  'not-applicable': 'not applicable',
  'not-evaluated': 'never evaluated',
  error: 'could not judge',
};

/** `restore-drill not in this build; recent-success disabled for a, b`: why pairs were not judged, grouped by rule and reason. */
export function unjudgedText(list: readonly Unjudged[], maxTargets = 5): string {
  const groups = new Map<string, string[]>();
  for (const u of list) {
    const key = `${u.rule} ${WHY[u.why]}`;
    const targets = groups.get(key) ?? [];
    if (u.target !== null) targets.push(u.target);
    groups.set(key, targets);
  }
  return [...groups]
    .map(([key, targets]) => {
      if (targets.length === 0) return key;
      const shown = targets.slice(0, maxTargets).join(', ');
      return `${key} for ${shown}${targets.length > maxTargets ? ` and ${targets.length - maxTargets} more` : ''}`;
    })
    .join('; ');
}

/** The parts as one line: `backups: pass (12/12 judged); restores: no evidence (0/6 judged)`. */
export const partsText = (c: ControlResult): string =>
  c.parts.map((p) => `${p.kind}: ${VERDICT_TEXT[p.verdict].toLowerCase()} (${p.judged}/${p.pairs} judged)`).join('; ');
