import { e, FONT, h2, MUTED, name, para, table } from './render-html-blocks.js';
import type { ComplianceReport } from './types.js';
import { field, local, moreNote, prose } from './view.js';
import { authorText, disabledGroups, matcherText, targetsText } from './view-exceptions.js';

const h3 = (text: string): string => `<h3 style="${FONT}font-size:14px;margin:14px 0 6px;color:#101828;">${text}</h3>`;

/** A paragraph saying how many rows were left out, or nothing. */
function more(shown: number, total: number, what: string): string {
  const note = moreNote(shown, total, what);
  return note === null ? '' : para(e(note));
}

/** The Exceptions section: silences in force during the period, coverage exclusions, disabled rules; "None" for an empty list. */
export function exceptionsHtml(report: ComplianceReport, maxRows: number): string {
  const when = (isoText: string): string => e(local(report, isoText));
  const x = report.exceptions;
  const parts = [h2('Exceptions'), para(`<span style="${MUTED}">What was kept out of the audit.</span>`), h3('Silences')];

  const silences = x.silences.slice(0, maxRows);
  parts.push(
    silences.length === 0
      ? para('None: no silence was in force during the period.')
      : table(
          ['Silence', 'From / until', 'Who / why', 'Held back'],
          silences.map((s) => [
            `#${s.id} ${e(matcherText(s.matchers))}`,
            `${when(s.from)}<br>${when(s.until)}${s.expired ? ' (expired early)' : ''}`,
            `<b>${e(authorText(s))}</b><br>${e(prose(s.reason))}`,
            String(s.heldBack),
          ]),
          [0, 2],
        ) + more(silences.length, x.silences.length, 'silences'),
  );

  const exclusions = x.exclusions.slice(0, maxRows);
  parts.push(
    h3('Excluded from coverage'),
    exclusions.length === 0
      ? para('None.')
      : table(
          ['Account / excluded', 'Reason'],
          exclusions.map((c) => [
            `${name(c.account)} / ${name(c.match)}`,
            c.reason === null ? `<span style="${MUTED}">no reason given</span>` : e(prose(c.reason)),
          ]),
          [0, 1],
        ) + more(exclusions.length, x.exclusions.length, 'exclusions'),
  );

  const groups = disabledGroups(x.disabledRules);
  const shown = groups.slice(0, maxRows);
  parts.push(
    h3('Disabled rules'),
    shown.length === 0
      ? para('None: every rule is enabled for every target.')
      : table(
          ['Rule / disabled by', 'Targets'],
          shown.map((g) => [
            `${name(g.rule)}<br><span style="${MUTED}">${e(g.where === null ? 'unknown' : field(g.where))}</span>`,
            e(targetsText(g.targets)),
          ]),
          [0, 1],
        ) + more(shown.length, groups.length, 'disabled rules'),
  );
  return parts.join('\n');
}
