import { SingleBar } from 'cli-progress';
import { colourEnabled, isTerminal, paint, visible } from './colour.js';

export { type Colour, colourEnabled, isTerminal, paint, visible } from './colour.js';

/**
 * A one-line progress display for long operations (drawn by cli-progress), only ever on a terminal:
 * piped output and `--json` stay free of escape codes. The colours are in colour.ts.
 */

type Stream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

/** What a long operation reports as it goes. */
export interface ProgressReporter {
  /** Work on an item began (`current` says where: an account, a target). */
  started(current: string): void;
  /** An item finished; `failed` counts it in the errors so far. */
  finished(failed: boolean): void;
  /** Removes the line; call once at the end, before printing results. */
  done(): void;
}

/** Reports nothing: not a terminal, or `--json`. */
export const silentProgress: ProgressReporter = { started() {}, finished() {}, done() {} };

/**
 * One redrawn line on stderr: `polling [#####.....] 5/10 targets · account ali-prod · 1 error`.
 * Nothing at all unless stderr is a terminal and JSON was not asked for.
 */
export function progressFor(
  io: { stderr: NodeJS.WritableStream; env: NodeJS.ProcessEnv },
  opts: { verb: string; noun: string; total: number; json?: boolean },
): ProgressReporter {
  if (opts.json || opts.total === 0 || !isTerminal(io.stderr, io.env)) return silentProgress;
  return new LineProgress(io.stderr as Stream, opts.verb, opts.noun, opts.total, colourEnabled(io.stderr, io.env));
}

/** The terminal implementation; exported for tests with a fake terminal stream. */
export class LineProgress implements ProgressReporter {
  #done = 0;
  #errors = 0;
  #current = '';
  readonly #bar: SingleBar;
  #started = false;

  constructor(
    private readonly stream: Stream,
    private readonly verb: string,
    private readonly noun: string,
    private readonly total: number,
    private readonly colour: boolean,
  ) {
    // cli-progress draws and redraws the line (cursor handling, throttling); the text is ours.
    this.#bar = new SingleBar({
      stream: stream as NodeJS.WriteStream,
      format: () => this.line(),
      clearOnComplete: true,
      hideCursor: false,
      linewrap: false,
      fps: 15,
    });
  }

  started(current: string): void {
    this.#current = current;
    this.#draw();
  }

  finished(failed: boolean): void {
    this.#done = Math.min(this.total, this.#done + 1);
    if (failed) this.#errors++;
    this.#draw();
  }

  done(): void {
    if (this.#started) this.#bar.stop();
    this.#started = false;
  }

  /** The line as it is drawn now. */
  line(): string {
    const width = 20;
    const filled = Math.round((this.#done / this.total) * width);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
    const errors = this.#errors === 0 ? '0 errors' : paint(this.colour, 'red', `${this.#errors} error${this.#errors === 1 ? '' : 's'}`);
    const parts = [`${this.verb} ${bar} ${this.#done}/${this.total} ${this.noun}`, ...(this.#current ? [this.#current] : []), errors];
    const text = parts.join(' · ');
    const columns = this.stream.columns || 100; // 0 on a terminal that reports no size
    // A line wider than the terminal wraps, and redrawing then only returns to the start of the last row.
    return visible(text).length < columns ? text : visible(text).slice(0, Math.max(10, columns - 2));
  }

  #draw(): void {
    if (!this.#started) {
      this.#bar.start(this.total, this.#done);
      this.#started = true;
    } else this.#bar.update(this.#done);
  }
}
