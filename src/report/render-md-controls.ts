import type { Format } from './render-md-target.js';
import type { ComplianceReport } from './types.js';
import { field, local, prose } from './view.js';
import { CONTROLS_INTRO, partsText, unjudgedText, VERDICT_TEXT } from './view-controls.js';

/** The Controls section (only when the config has `frameworks:`): per framework, each control's verdict and why. */
export function controlsSection(report: ComplianceReport, fmt: Format, maxRows: number): string[] {
  const c = report.controls;
  if (!c) return [];
  const { esc, strong, code } = fmt;
  const out = ['## Controls', '', esc(CONTROLS_INTRO), ''];
  for (const f of c.frameworks) {
    out.push(`### ${esc(field(f.title))} (${esc(f.id)}): ${strong(VERDICT_TEXT[f.verdict])}`, '');
    for (const ctl of f.controls) {
      out.push(
        `- ${strong(`${esc(field(ctl.id))} ${esc(field(ctl.title, 200))}`)}: ${strong(VERDICT_TEXT[ctl.verdict])} (${partsText(ctl)})`,
      );
      for (const a of ctl.alarms.slice(0, maxRows)) {
        const until = a.until === null ? 'still in alarm' : `until ${local(report, a.until)}`;
        out.push(`  - ${esc(field(a.rule))} on ${esc(field(a.target))} since ${local(report, a.since)}, ${until}: ${esc(prose(a.reason))}`);
      }
      if (ctl.alarms.length > maxRows) out.push(`  - … ${ctl.alarms.length - maxRows} more alarms (report --format json lists them all)`);
      if (ctl.unjudged.length > 0) out.push(`  - Not judged: ${esc(unjudgedText(ctl.unjudged))}`);
      if (ctl.verdict !== 'pass' && ctl.evidence.length > 0) out.push(`  - Evidence: ${ctl.evidence.slice(0, 3).map(code).join(', ')}`);
    }
    out.push('');
  }
  return out;
}
