import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildProgram, modulesFor } from '../../src/cli/main.js';
import { programHelp } from '../../src/cli/program-help.js';
import { spawnCli } from '../helpers/cli.js';

/** What commander prints for the program's `--help` at `width` columns (undefined: its own default, here not a terminal). */
async function commanderHelp(width: number | undefined): Promise<string> {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (d: Buffer) => (text += d.toString()));
  const io = { stdout, stderr: new PassThrough(), env: {}, cwd: process.cwd() };
  const program = await buildProgram(io, async () => {}, modulesFor(undefined));
  if (width !== undefined) program.configureOutput({ getOutHelpWidth: () => width });
  program.outputHelp();
  return text;
}

describe('the program help printed without commander', () => {
  it.each([undefined, 30, 60, 80, 100, 132, 250])('is what commander prints at a help width of %s', async (width) => {
    expect(programHelp(width)).toBe(await commanderHelp(width));
  });

  it('is what the executable prints for --help and -h, on a pipe', async () => {
    const expected = await commanderHelp(undefined);
    for (const flag of ['--help', '-h']) {
      const { code, stdout, stderr } = await spawnCli([flag]).result;
      expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: expected, stderr: '' });
    }
  });
});
