import { mdTable } from './render-md-rpo.js';
import type { Format } from './render-md-target.js';
import type { ComplianceReport } from './types.js';
import { field, local, moreNote, prose } from './view.js';
import { authorText, disabledGroups, matcherText, targetsText } from './view-exceptions.js';

/** The Exceptions section: silences in force during the period, coverage exclusions, disabled rules; "None" for an empty list. */
export function exceptionsSection(report: ComplianceReport, fmt: Format, maxRows: number): string[] {
  const { esc } = fmt;
  const name = (s: string) => esc(field(s));
  const when = (isoText: string) => local(report, isoText);
  const x = report.exceptions;
  const out = ['## Exceptions', '', 'What was kept out of the audit: silences, coverage exclusions and disabled rules.', ''];
  const more = (shown: number, total: number, what: string): void => {
    const note = moreNote(shown, total, what);
    if (note) out.push(note, '');
  };

  out.push('### Silences', '');
  const silences = x.silences.slice(0, maxRows);
  if (silences.length === 0) out.push('None: no silence was in force during the period.', '');
  else {
    out.push(
      ...mdTable(
        ['Silence', 'Matches', 'From', 'Until', 'Who', 'Why', 'Held back'],
        silences.map((s) => [
          `#${s.id}`,
          esc(matcherText(s.matchers)),
          when(s.from),
          `${when(s.until)}${s.expired ? ' (expired early)' : ''}`,
          esc(authorText(s)),
          esc(prose(s.reason)),
          String(s.heldBack),
        ]),
      ),
    );
    more(silences.length, x.silences.length, 'silences');
  }

  out.push('### Excluded from coverage', '');
  const exclusions = x.exclusions.slice(0, maxRows);
  if (exclusions.length === 0) out.push('None.', '');
  else {
    out.push(
      ...mdTable(
        ['Account', 'Excluded', 'Reason'],
        exclusions.map((c) => [name(c.account), name(c.match), c.reason === null ? 'no reason given' : esc(prose(c.reason))]),
      ),
    );
    more(exclusions.length, x.exclusions.length, 'exclusions');
  }

  out.push('### Disabled rules', '');
  const groups = disabledGroups(x.disabledRules);
  if (groups.length === 0) out.push('None: every rule is enabled for every target.', '');
  else {
    const shown = groups.slice(0, maxRows);
    out.push(
      ...mdTable(
        ['Rule', 'Disabled by', 'Targets'],
        shown.map((g) => [name(g.rule), g.where === null ? 'unknown' : name(g.where), esc(targetsText(g.targets))]),
      ),
    );
    more(shown.length, groups.length, 'disabled rules');
  }
  return out;
}
