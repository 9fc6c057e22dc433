import { type ChildProcess, execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { sleep } from './support.js';

// The crash test starts the daemon dozens of times: through tsx each start costs seconds of a loaded
// machine's time, compiled well under two. This compiles the current source (src, jobs, rules) the way
// `npm run build` does, into .tmp/ rather than dist/ so an outdated dist/ is never what gets tested,
// and tells when a started daemon is ready, so kill moments can be measured from there.

const ROOT = resolve(import.meta.dirname, '..', '..');
const OUT = join(ROOT, '.tmp', 'faults-cli');
const LOCK = `${OUT}.lock`;
const STALE_LOCK_MS = 5 * 60_000;

/**
 * Compiles the CLI (incrementally: a rebuild with nothing changed takes seconds) and returns its
 * entry point, for `spawnCli(args, { entry })`. Type errors do not stop it, as they do not stop tsx:
 * the type check is a step of its own. Two suites running side by side take turns.
 */
export async function compiledCli(): Promise<string> {
  await lock();
  try {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const args = [
      tsc,
      '-p',
      join(ROOT, 'tsconfig.build.json'),
      '--outDir',
      join(OUT, 'dist'),
      '--incremental',
      '--tsBuildInfoFile',
      join(OUT, 'tsbuildinfo'),
    ];
    const code = await new Promise<number>((res) =>
      execFile(process.execPath, args, { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }, (err) => res(err ? Number(err.code ?? 1) : 0)),
    );
    const entry = join(OUT, 'dist', 'src', 'cli', 'bin.js');
    // tsc exits 2 when it reports type errors yet wrote every file; anything else means no usable output.
    if ((code !== 0 && code !== 2) || !existsSync(entry))
      throw new Error(`compiling the CLI for the fault suite failed (tsc exit ${code})`);
    // The compiled code finds the drizzle migrations next to its dist/, as in the package.
    const migrations = join(OUT, 'migrations');
    if (!existsSync(migrations)) symlinkSync(join(ROOT, 'migrations'), migrations, 'dir');
    return entry;
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

async function lock(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const since = statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs;
      if (since !== undefined && Date.now() - since > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true }); // a crashed run's
      await sleep(250);
    }
  }
}

/**
 * Resolves once a daemon started with `--log-level info` has logged that it started (database open,
 * loops and scheduler running); rejects if it exits first.
 */
export function daemonStarted(child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    const settle = (then: () => void): void => {
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      child.off('close', onClose);
      then();
    };
    const onData = (d: Buffer): void => {
      log += d.toString();
      if (log.includes('daemon started')) settle(resolve);
    };
    const onClose = (): void => settle(() => reject(new Error(`daemon exited before it started: ${log.slice(-2000)}`)));
    const timer = setTimeout(
      () => settle(() => reject(new Error(`daemon not started within ${timeoutMs} ms: ${log.slice(-2000)}`))),
      timeoutMs,
    );
    child.stderr?.on('data', onData);
    child.on('close', onClose);
  });
}
