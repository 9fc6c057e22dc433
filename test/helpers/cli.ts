import { type ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in this process with captured streams. */
export async function runCli(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliResult> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d: Buffer) => (stdout += d.toString()));
  err.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await main(args, { stdout: out, stderr: err, env: { ...opts.env }, cwd: opts.cwd ?? process.cwd() });
  return { code, stdout, stderr };
}

const ROOT = resolve(import.meta.dirname, '..', '..');

/**
 * Starts the CLI as a real child process: through tsx, from source, or with `entry` a compiled
 * `bin.js` (see test/faults/compiled-cli.ts), which starts in a fraction of the time.
 */
export function spawnCli(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; entry?: string } = {},
): ChildProcess & { result: Promise<CliResult & { signal: NodeJS.Signals | null }> } {
  const argv = opts.entry ? [opts.entry, ...args] : ['--import', 'tsx', join(ROOT, 'src/cli/bin.ts'), ...args];
  const child = spawn(process.execPath, argv, {
    cwd: opts.cwd ?? ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const result = new Promise<CliResult & { signal: NodeJS.Signals | null }>((res) =>
    child.on('close', (code, signal) => res({ code: code ?? -1, signal, stdout, stderr })),
  );
  return Object.assign(child, { result });
}

export { tempDir } from './temp.js';
