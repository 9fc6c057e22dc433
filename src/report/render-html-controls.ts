import { e, FONT, h2, MUTED, name, para, table } from './render-html-blocks.js';
import type { ComplianceReport } from './types.js';
import { local, prose } from './view.js';
import { CONTROLS_INTRO, partsText, unjudgedText, VERDICT_TEXT } from './view-controls.js';

const COLOR = { pass: '#067647', fail: '#b42318', partial: '#b54708', 'no-evidence': '#475467' } as const;
const h3 = (text: string): string => `<h3 style="${FONT}font-size:14px;margin:14px 0 6px;color:#101828;">${text}</h3>`;
const verdict = (v: keyof typeof COLOR): string => `<b style="color:${COLOR[v]};">${e(VERDICT_TEXT[v])}</b>`;

/** The Controls section (only when the config has `frameworks:`), mail-safe: inline styles, every text escaped. */
export function controlsHtml(report: ComplianceReport, maxRows: number): string {
  const c = report.controls;
  if (!c) return '';
  const parts = [h2('Controls'), para(`<span style="${MUTED}">${e(CONTROLS_INTRO)}</span>`)];
  for (const f of c.frameworks) {
    parts.push(
      h3(`${name(f.title)} (${e(f.id)}): ${verdict(f.verdict)}`),
      table(
        ['Control', 'Verdict', 'Why / evidence'],
        f.controls.map((ctl) => {
          const alarms = ctl.alarms.slice(0, maxRows).map((a) => {
            const until = a.until === null ? 'still in alarm' : `until ${e(local(report, a.until))}`;
            return `${name(a.rule)} on <b>${name(a.target)}</b> since ${e(local(report, a.since))}, ${until}: ${e(prose(a.reason))}`;
          });
          if (ctl.alarms.length > maxRows) alarms.push(e(`… ${ctl.alarms.length - maxRows} more alarms`));
          const notJudged = ctl.unjudged.length > 0 ? [`Not judged: ${e(unjudgedText(ctl.unjudged))}`] : [];
          const evidence = ctl.verdict === 'pass' ? [] : ctl.evidence.slice(0, 3).map((x) => `<code>${e(x)}</code>`);
          return [
            `<b>${name(ctl.id)}</b> ${e(prose(ctl.title, 200))}`,
            `${verdict(ctl.verdict)}<br><span style="${MUTED}">${e(partsText(ctl))}</span>`,
            [...alarms, ...notJudged, ...evidence].join('<br>') || e('Every target judged by every bearing rule; none alarmed.'),
          ];
        }),
        [0, 2],
      ),
    );
  }
  return parts.join('\n');
}
