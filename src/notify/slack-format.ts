import { iso } from '../core/clock.js';
import type { AlertItem } from '../domain/alert.js';
import type { Severity } from '../domain/finding.js';
import { headline, orderItems, type ShownItem, shownItem } from './render.js';
import type { Digest } from './types.js';

/** Slack's documented limits (Block Kit reference): exceeding any of them rejects the whole message. */
export const SLACK_LIMITS = { blocks: 50, sectionText: 3000, headerText: 150, fallbackText: 4000 } as const;

interface TextObject {
  readonly type: 'plain_text' | 'mrkdwn';
  readonly text: string;
  readonly emoji?: boolean;
  readonly verbatim?: boolean;
}

/** The Block Kit blocks this module emits. */
export type SlackBlock =
  | { readonly type: 'header'; readonly text: TextObject }
  | { readonly type: 'section'; readonly text: TextObject }
  | { readonly type: 'context'; readonly elements: readonly TextObject[] };

/** An incoming-webhook message: `text` is the notification and fallback, `blocks` the rendered body. */
export interface SlackPayload {
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}

const ICON: Record<Severity | 'resolved' | 'test', string> = {
  critical: ':red_circle:',
  warning: ':large_orange_circle:',
  info: ':large_blue_circle:',
  resolved: ':white_check_mark:',
  test: ':test_tube:',
};

/**
 * Renders a digest as a Block Kit message: a header with the counts, a context line, one section per
 * item (firing and worst first), and "…and N more" when the 50-block limit cuts the list.
 * Provider text is escaped for mrkdwn (`& < >`), so `<!channel>` or `<http://x|y>` in a reason shows
 * as text and can neither ping nor link; sections are also `verbatim` so bare URLs and #names in
 * provider text are not auto-linked.
 */
export function slackPayload(digest: Digest): SlackPayload {
  const items = orderItems(digest.items);
  const title = `backup-auditor: ${headline(digest)}`;
  const fixed: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(title, SLACK_LIMITS.headerText), emoji: true } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: `As of ${iso(digest.createdAt)}`, verbatim: true }] },
  ];
  const room = SLACK_LIMITS.blocks - fixed.length;
  // Keep one block for the "more" line only when the items do not all fit.
  const shown = items.length <= room ? items : items.slice(0, room - 1);
  const blocks: SlackBlock[] = [...fixed, ...shown.map(itemSection)];
  const hidden = items.length - shown.length;
  if (hidden > 0) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `…and ${hidden} more` }] });
  return { text: fallbackText(title, items), blocks };
}

function itemSection(item: AlertItem): SlackBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: itemText(item), verbatim: true } };
}

/** One item as mrkdwn within the 3000-character section limit; the reason gets whatever room is left. */
export function itemText(item: AlertItem): string {
  const s: ShownItem = shownItem(item);
  const icon = ICON[item.kind === 'resolved' || item.kind === 'test' ? item.kind : item.severity];
  const head = `${icon} *${s.kind}* · ${s.severity} · *${escapeWithin(s.target, 400)}* / ${escapeWithin(s.rule, 300)}`;
  const meta = `since ${s.since}${s.labels === '' ? '' : ` · ${escapeWithin(s.labels, 600)}`}`;
  const used = head.length + meta.length + 2;
  const reason = escapeWithin(s.reason, SLACK_LIMITS.sectionText - used);
  return `${head}\n${meta}\n${reason}`;
}

/** The notification text: the headline and as many item lines as fit in 4000 characters. */
function fallbackText(title: string, items: readonly AlertItem[]): string {
  const limit = SLACK_LIMITS.fallbackText;
  let text = escapeMrkdwn(title);
  for (let i = 0; i < items.length; i++) {
    const s = shownItem(items[i] as AlertItem);
    const line = `\n• ${s.kind} ${s.severity} ${escapeWithin(s.target, 200)} / ${escapeWithin(s.rule, 200)}`;
    const more = `\n…and ${items.length - i} more`;
    // Always leave room to say how many were left out.
    if (text.length + line.length + more.length > limit) return text + more;
    text += line;
  }
  return text;
}

const MRKDWN_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** Escapes the three characters Slack's mrkdwn gives meaning to: `&`, `<`, `>`. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/[&<>]/g, (c) => MRKDWN_ESCAPES[c] ?? c);
}

/**
 * Escapes `text` and keeps the result within `max` UTF-16 units, cutting whole code points before
 * escaping so neither an entity (`&amp;`) nor an emoji is ever split.
 */
export function escapeWithin(text: string, max: number): string {
  const whole = escapeMrkdwn(text);
  if (whole.length <= max) return whole;
  let out = '';
  for (const point of text) {
    const piece = MRKDWN_ESCAPES[point] ?? point;
    if (out.length + piece.length > max - 1) break;
    out += piece;
  }
  return `${out}…`;
}

/** Cuts our own (never provider) text to `max` UTF-16 units. */
function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
