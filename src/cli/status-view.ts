import { iso } from '../clock.js';
import type { Db } from '../db/client.js';
import { findingsAsOf, listFindings, type FindingRow } from '../db/findings.js';

/** The `status --json` shape (DESIGN.md external contract). */
export interface StatusEntry {
  target: string;
  rule: string;
  state: FindingRow['state'];
  since: string;
  severity: FindingRow['severity'];
  reason: string;
}

/** The current findings, or with `at` the ones recorded then (from the flip history). */
export const statusEntries = (db: Db, at?: number): StatusEntry[] =>
  (at === undefined ? listFindings(db) : findingsAsOf(db, at)).map((f) => ({
    target: f.targetId, rule: f.ruleId, state: f.state, since: iso(f.since), severity: f.severity, reason: f.reason,
  }));

const ORDER: Record<StatusEntry['state'], number> = { alarm: 0, error: 1, ok: 2, skip: 3 };

// Terminal output: control characters from provider text must not move the cursor or recolour the screen.
const clean = (s: string): string => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');

/** `target/rule` → silence id, for findings whose notifications a silence holds back now. */
export function silencedFindings(db: Db): Map<string, number> {
  const rows = db.$client.prepare(`SELECT target_id, rule_id, silenced_by FROM findings WHERE silenced_by IS NOT NULL`).all() as {
    target_id: string; rule_id: string; silenced_by: number;
  }[];
  return new Map(rows.map((r) => [`${r.target_id}/${r.rule_id}`, r.silenced_by]));
}

/** A plain aligned table, alarms first; the reason column takes what is left of the line. */
export function statusTable(entries: readonly StatusEntry[], width = 160, silenced: ReadonlyMap<string, number> = new Map()): string {
  if (entries.length === 0) return 'no findings yet: run `backup-auditor run-once` first';
  const rows = [...entries]
    .sort((a, b) => ORDER[a.state] - ORDER[b.state] || a.target.localeCompare(b.target) || a.rule.localeCompare(b.rule))
    .map((e) => {
      const silence = silenced.get(`${e.target}/${e.rule}`);
      const state = e.state.toUpperCase() + (silence === undefined ? '' : ` (silenced #${silence})`);
      return [e.target, e.rule, state, e.severity, e.since, e.reason].map(clean);
    });
  const header = ['TARGET', 'RULE', 'STATE', 'SEVERITY', 'SINCE', 'REASON'];
  const widths = header.slice(0, 5).map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const used = widths.reduce((a, b) => a + b + 2, 0);
  const reasonWidth = Math.max(30, width - used);
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < 5 ? c.padEnd(widths[i] as number) : c.length > reasonWidth ? `${c.slice(0, reasonWidth - 1)}…` : c))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function summaryLine(entries: readonly StatusEntry[]): string {
  const count = (s: StatusEntry['state']) => entries.filter((e) => e.state === s).length;
  const targets = new Set(entries.map((e) => e.target)).size;
  return `${targets} targets, ${entries.length} findings: ${count('alarm')} alarm, ${count('error')} error, ${count('ok')} ok, ${count('skip')} skipped`;
}

export interface OutboxProblem {
  channel: string;
  status: 'pending' | 'failed';
  count: number;
  lastError: string | null;
}

/** Undelivered notifications by channel, so a broken channel is visible where people look. */
export function outboxProblems(db: Db): OutboxProblem[] {
  return db.$client
    .prepare(
      `SELECT channel, status, COUNT(*) AS count, (SELECT last_error FROM notifications n2 WHERE n2.channel = n.channel AND n2.status = n.status AND last_error IS NOT NULL ORDER BY id DESC LIMIT 1) AS lastError
       FROM notifications n WHERE status IN ('pending', 'failed') GROUP BY channel, status ORDER BY channel, status`,
    )
    .all() as OutboxProblem[];
}
