import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LAZY_COMMANDS } from '../../src/cli/commands.js';
import { buildProgram, commandWord, modulesFor } from '../../src/cli/main.js';
import { runCli, spawnCli } from '../helpers/cli.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const io = { stdout: new PassThrough(), stderr: new PassThrough(), env: {}, cwd: ROOT };
const run = async (): Promise<void> => {};

/** Every module main.ts imports or requires statically, transitively, as paths from the root or package names. */
function staticImports(file: string, seen = new Set<string>()): Set<string> {
  seen.add(relative(ROOT, file));
  const text = readFileSync(file, 'utf8');
  const required = [...text.matchAll(/createRequire\(import\.meta\.url\)\('([^']+)'\)/g)];
  for (const m of [...text.matchAll(/^import (?!type )[^;]*? from '([^']+)';$/gms), ...required]) {
    const spec = m[1] as string;
    if (!spec.startsWith('.')) seen.add(spec);
    else {
      const next = join(dirname(file), spec.replace(/\.js$/, '.ts'));
      if (!seen.has(relative(ROOT, next))) staticImports(next, seen);
    }
  }
  return seen;
}

describe('commands loaded when they run', () => {
  it('list the same commands, arguments and descriptions in the program help as when every module is loaded', async () => {
    const lazy = await buildProgram(io, run, modulesFor(undefined));
    const eager = await buildProgram(io, run, new Set(LAZY_COMMANDS));
    expect(lazy.commands.length).toBe(eager.commands.length);
    expect(lazy.helpInformation()).toBe(eager.helpInformation());
  });

  it('start the CLI on commander, node and a few small files of its own', () => {
    const loaded = [...staticImports(join(ROOT, 'src/cli/main.ts'))].filter((m) => !m.startsWith('node:'));
    expect(loaded.sort()).toEqual([
      'commander',
      'src/cli/commands.ts',
      'src/cli/help-examples.ts',
      'src/cli/io-base.ts',
      'src/cli/main.ts',
      'src/cli/version.ts',
    ]);
  });

  it('load no command module for the program help or the version, one for a command, every one for completion', () => {
    expect(modulesFor(commandWord(['--help'])).size).toBe(0);
    expect(modulesFor(commandWord(['--config', 'status.yaml', '--version'])).size).toBe(0);
    expect([...modulesFor(commandWord(['-c', 'a.yaml', 'status', '--json']))].map((m) => m.commands[0]?.term)).toEqual([
      'status [options]',
    ]);
    expect([...modulesFor(commandWord(['worker', '--help']))].map((m) => m.commands.map((c) => c.term))).toEqual([
      ['start [options]', 'worker [options]'],
    ]);
    expect(modulesFor(commandWord(['completion', 'bash'])).size).toBe(LAZY_COMMANDS.length);
    expect(modulesFor(commandWord(['sttus'])).size).toBe(0);
  });

  it('find the command word the way commander does', () => {
    expect(commandWord(['--config=x.yaml', 'history', 'orders-db'])).toBe('history');
    expect(commandWord(['-cx.yaml', 'rules'])).toBe('rules');
    expect(commandWord(['help', 'silence'])).toBe('silence');
    expect(commandWord(['help'])).toBe('help');
    expect(commandWord([])).toBeUndefined();
  });
});

describe('the CLI', () => {
  it('prints the version of package.json with --version, the same from the executable as from main()', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(await runCli(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    for (const flag of ['--version', '-V']) {
      const { code, stdout, stderr } = await spawnCli([flag]).result;
      expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    }
  });

  it('shows a command loaded on demand with its own options and example', async () => {
    const r = await runCli(['help', 'history']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: backup-auditor history [options] <target>');
    expect(r.stdout).toContain('--since');
    expect(r.stdout).toContain('$ backup-auditor history orders-db');
  });
});
