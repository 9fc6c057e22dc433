/**
 * ANSI colours, only ever on a terminal: piped output and `--json` stay free of escape codes. Apart from
 * progress.ts so that a command which only colours (status, history) does not load cli-progress.
 */

/** Whether the stream is a terminal a person is looking at. */
export function isTerminal(stream: NodeJS.WritableStream, env: NodeJS.ProcessEnv = {}): boolean {
  return (stream as { isTTY?: boolean }).isTTY === true && env.TERM !== 'dumb';
}

/**
 * Colour on a terminal unless NO_COLOR is set (no-color.org: any non-empty value); FORCE_COLOR
 * (non-empty, not `0`) turns it on anywhere, for people who pipe into `less -R`.
 */
export function colourEnabled(stream: NodeJS.WritableStream, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return isTerminal(stream, env);
}

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, grey: 90, bold: 1, dim: 2 } as const;
/** The colours `paint` knows. */
export type Colour = keyof typeof CODES;

/** Wraps text in an ANSI colour when `on`. */
export const paint = (on: boolean, colour: Colour, text: string): string => (on ? `\u001b[${CODES[colour]}m${text}\u001b[0m` : text);

/** Text without ANSI escapes, for measuring what a person sees. */
export const visible = (text: string): string => text.replace(/\u001b\[[0-9;]*m/g, '');
