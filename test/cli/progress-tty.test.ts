import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliFleet, startCliFleet } from '../helpers/cli-fleet.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const hasScript = spawnSync('script', ['--version']).status === 0;

/** Runs the CLI on a pseudo-terminal (util-linux `script`), returning everything the terminal showed. */
function onTerminal(args: string, env: NodeJS.ProcessEnv): Promise<string> {
  const child = spawn('script', ['-qfec', `${process.execPath} --import tsx src/cli/bin.ts ${args}`, '/dev/null'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, TERM: 'xterm', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let screen = '';
  child.stdout.on('data', (d: Buffer) => (screen += d.toString()));
  return new Promise((res) => child.on('close', () => res(screen)));
}

describe.skipIf(!hasScript)('progress on a terminal', () => {
  let f: CliFleet;
  beforeAll(async () => (f = await startCliFleet()));
  afterAll(() => f?.close());

  const env = () => ({
    ALI_SK: 'cli-fleet-aliyun-secret',
    UC_PRIV: 'c3a1f0e2d9b84d77a6e5f4c3b2a1908f7e6d5c4b',
    SLACK_WEBHOOK_URL: `${f.slack.url}/x`,
  });

  it('shows targets polled of the total, the current account and the errors so far, then clears the line', async () => {
    const screen = await onTerminal(`--config ${f.config} run-once --dry-run`, env());
    expect(screen).toMatch(/polling \[[#.]+\] 0\/4 targets · account (ali|uc) · \S+ · 0 errors/);
    expect(screen).toMatch(/polling \[#{20}\] 4\/4 targets · account \S+ · \S+ · 0 errors\u001b\[0K/);
    expect(screen).toMatch(/\u001b\[1G\u001b\[2K/); // the line is erased before the table is printed
    expect(screen).toMatch(/\u001b\[31mALARM/); // and the table is coloured on a terminal
  });

  it('shows no progress and no colour with --json', async () => {
    const screen = await onTerminal(`--config ${f.config} run-once --dry-run --json`, env());
    expect(screen).not.toContain('polling [');
    expect(screen).not.toContain('\u001b[');
    expect(JSON.parse(screen.replace(/\r\n/g, '\n')).dryRun).toBe(true);
  });

  it('shows doctor progress too', async () => {
    const screen = await onTerminal(`--config ${f.config} doctor`, env());
    expect(screen).toMatch(/checking \[#{20}\] 4\/4 targets · account \S+ · \S+ · 0 errors/);
    expect(screen).toContain('all checks passed: 4 targets answered');
  });
});
