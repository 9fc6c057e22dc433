import type { ComplianceReport } from './types.js';
import { dur, field } from './view.js';
import { metCell } from './view-rpo.js';

/** A Markdown table of already-escaped cells, and the blank line after it. */
export function mdTable(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`), ''];
}

/** The fleet's worst achieved RPOs: a table, or a sentence when no target has a completed backup on record. */
export function worstRpoSection(report: ComplianceReport, esc: (s: string) => string): string[] {
  const list = report.fleet.worstRpo;
  const out = ['## Worst achieved RPO', ''];
  if (list.length === 0) return [...out, 'None: no target has a completed backup on record.', ''];
  return [
    ...out,
    ...mdTable(
      ['Target', 'Longest gap', '95th percentile', 'Open at the end', 'Objective', 'Met'],
      list.map((r) => [
        esc(field(r.target)),
        dur(r.longestMs),
        dur(r.p95Ms),
        dur(r.openMs),
        r.objectiveMs === null ? 'none' : dur(r.objectiveMs),
        metCell(r),
      ]),
    ),
  ];
}
