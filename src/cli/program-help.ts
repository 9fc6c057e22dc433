import { type HelpItem, LAZY_COMMANDS, PROGRAM } from './commands.js';
import { exampleSection } from './help-examples.js';

/**
 * The program's `--help` as commander prints it, made from the declarations commander is given
 * (PROGRAM, LAZY_COMMANDS, the examples), without loading commander: its loading and its command tree
 * were most of what `--help` cost over a bare node start. The layout is commander 14's (Help.formatHelp:
 * items padded to the widest term, descriptions wrapped at whitespace to the width, `helpWidth` 80 unless
 * stdout is a terminal); test/cli/program-help.test.ts holds the two equal at several widths.
 *
 * `width`: commander's help width, the columns of a terminal stdout, else undefined (80).
 */
export function programHelp(width: number | undefined): string {
  const helpWidth = width ?? 80;
  const options = [PROGRAM.version, PROGRAM.config, PROGRAM.help];
  const commands = [...LAZY_COMMANDS.flatMap((m) => m.commands), PROGRAM.helpCommand];
  const termWidth = Math.max(...[...options, ...commands].map((i) => i.term.length));
  const list = (heading: string, items: readonly HelpItem[]) => [heading, ...items.map((i) => formatItem(i, termWidth, helpWidth)), ''];
  const text = [
    `Usage: ${PROGRAM.name} [options] [command]`,
    '',
    boxWrap(PROGRAM.description, helpWidth),
    '',
    ...list('Options:', options),
    ...list('Commands:', commands),
  ].join('\n');
  return `${text}${exampleSection('')}\n`;
}

/** Below this many columns commander leaves text unwrapped (Help.minWidthToWrap). */
const MIN_WIDTH_TO_WRAP = 40;

/** Help.formatItem: the term padded, two spaces, the description wrapped into what is left of the line. */
function formatItem({ term, description }: HelpItem, termWidth: number, helpWidth: number): string {
  const remaining = helpWidth - termWidth - 4;
  // A description with a line break followed by indentation is taken as formatted by its author.
  const wrapped =
    remaining < MIN_WIDTH_TO_WRAP || /\n[^\S\r\n]/.test(description)
      ? description
      : boxWrap(description, remaining).replace(/\n/g, `\n${' '.repeat(termWidth + 2)}`);
  return `  ${term.padEnd(termWidth)}  ${wrapped.replace(/\n/g, '\n  ')}`;
}

/** Help.boxWrap: each line of `text` wrapped at whitespace to `width`, the space at a break dropped. */
function boxWrap(text: string, width: number): string {
  if (width < MIN_WIDTH_TO_WRAP) return text;
  const wrapLine = (line: string): string => {
    const chunks = line.match(/\s*\S+/g);
    if (chunks === null) return '';
    const lines: string[] = [];
    let current = chunks[0] as string;
    for (const chunk of chunks.slice(1)) {
      if (current.length + chunk.length <= width) current += chunk;
      else {
        lines.push(current);
        current = chunk.trimStart();
      }
    }
    lines.push(current);
    return lines.join('\n');
  };
  return text
    .split(/\r\n|\n/)
    .map(wrapLine)
    .join('\n');
}
