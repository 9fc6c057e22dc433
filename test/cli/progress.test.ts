import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { colourEnabled, LineProgress, paint, progressFor, silentProgress, visible } from '../../src/cli/progress.js';

/** A stream that says it is a terminal, recording what is written. */
function fakeTerminal(columns = 100): PassThrough & { isTTY: boolean; columns: number; text: () => string } {
  const s = Object.assign(new PassThrough(), { isTTY: true, columns });
  let out = '';
  s.on('data', (d: Buffer) => (out += d.toString()));
  return Object.assign(s, { text: () => out });
}

describe('progress line', () => {
  it('counts targets, names the current account and counts errors so far', () => {
    const p = new LineProgress(fakeTerminal(), 'polling', 'targets', 4, false);
    p.started('account ali-prod · orders');
    p.finished(false);
    p.started('account uc-prod · ledger');
    p.finished(true);
    expect(p.line()).toBe('polling [##########..........] 2/4 targets · account uc-prod · ledger · 1 error');
  });

  it('redraws in place on stderr and clears its line when done', () => {
    const term = fakeTerminal();
    const p = progressFor({ stderr: term, env: {} }, { verb: 'polling', noun: 'targets', total: 2 });
    p.started('account a · t1');
    p.finished(false);
    p.done();
    // cli-progress draws: back to column 1, the line, erase to its end; and erases the whole line at the end.
    expect(term.text()).toMatch(
      new RegExp(
        /\u001b\[1Gpolling \[\.+\] 0\/2 targets · account a · t1 · 0 errors\u001b\[0K/.source +
          /\u001b\[1Gpolling \[#+\.+\] 1\/2 .*\u001b\[1G\u001b\[2K$/.source,
      ),
    );
  });

  it('stays within the terminal width so the carriage return can redraw it', () => {
    const p = new LineProgress(fakeTerminal(40), 'polling', 'targets', 10, false);
    p.started('account a-very-long-account-name · a-very-long-target-name');
    expect(visible(p.line()).length).toBeLessThan(40);
  });

  it('writes nothing when stderr is not a terminal, with --json, or on a dumb terminal', () => {
    const pipe = new PassThrough();
    expect(progressFor({ stderr: pipe, env: {} }, { verb: 'v', noun: 'n', total: 3 })).toBe(silentProgress);
    expect(progressFor({ stderr: fakeTerminal(), env: {} }, { verb: 'v', noun: 'n', total: 3, json: true })).toBe(silentProgress);
    expect(progressFor({ stderr: fakeTerminal(), env: { TERM: 'dumb' } }, { verb: 'v', noun: 'n', total: 3 })).toBe(silentProgress);
  });
});

describe('colour', () => {
  it('is on for a terminal, off for a pipe, off with NO_COLOR, and forced with FORCE_COLOR', () => {
    expect(colourEnabled(fakeTerminal(), {})).toBe(true);
    expect(colourEnabled(new PassThrough(), {})).toBe(false);
    expect(colourEnabled(fakeTerminal(), { NO_COLOR: '1' })).toBe(false);
    expect(colourEnabled(fakeTerminal(), { NO_COLOR: '' })).toBe(true); // no-color.org: only a non-empty value counts
    expect(colourEnabled(new PassThrough(), { FORCE_COLOR: '1' })).toBe(true);
    expect(colourEnabled(new PassThrough(), { FORCE_COLOR: '0' })).toBe(false);
    expect(colourEnabled(new PassThrough(), { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(false);
  });

  it('wraps text in an ANSI colour only when on', () => {
    expect(paint(true, 'red', 'ALARM')).toBe('\u001b[31mALARM\u001b[0m');
    expect(paint(false, 'red', 'ALARM')).toBe('ALARM');
  });
});
