import { e, h2, name, para, table } from './render-html-blocks.js';
import type { ComplianceReport } from './types.js';
import { dur } from './view.js';
import { metCell } from './view-rpo.js';

/** The fleet's worst achieved RPOs: a heading and a table, or a sentence when no target has a completed backup on record. */
export function worstRpoHtml(report: ComplianceReport): string {
  const list = report.fleet.worstRpo;
  if (list.length === 0) return h2('Worst achieved RPO') + para('None: no target has a completed backup on record.');
  return (
    h2('Worst achieved RPO') +
    table(
      ['Target', 'Longest gap', '95th pct.', 'Open at end', 'Objective', 'Met'],
      list.map((r) => [
        name(r.target),
        e(dur(r.longestMs)),
        e(dur(r.p95Ms)),
        e(dur(r.openMs)),
        e(r.objectiveMs === null ? 'none' : dur(r.objectiveMs)),
        r.met === false ? `<b style="color:#b42318;">${e(metCell(r))}</b>` : e(metCell(r)),
      ]),
    )
  );
}
