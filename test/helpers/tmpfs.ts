import { spawnSync } from 'node:child_process';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './temp.js';

/** A small file system of its own, which a test can fill up under a running process. */
export interface SmallDisk {
  readonly dir: string;
  /** Writes a filler file until the file system has no room left. */
  fill(): void;
  /** Removes the filler. */
  free(): void;
  close(): void;
}

const run = (args: string[]) => spawnSync(args[0] as string, args.slice(1), { encoding: 'utf8' });

/**
 * Mounts a tmpfs of `size` (`4m`) on a fresh folder, or says why it cannot (mounting needs root and
 * CAP_SYS_ADMIN): tests of a full or read-only disk then skip with that reason.
 */
export function mountSmallDisk(size: string): SmallDisk | { readonly skip: string } {
  const { dir, cleanup } = tempDir('ba-small-disk-');
  const mounted = run(['mount', '-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  if (mounted.status !== 0) {
    cleanup();
    return { skip: `cannot mount a tmpfs here (${(mounted.stderr || mounted.error?.message || 'mount failed').trim()})` };
  }
  const filler = join(dir, 'filler');
  return {
    dir,
    fill() {
      const fd = openSync(filler, 'a');
      const chunk = Buffer.alloc(64 * 1024, 1);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      } finally {
        closeSync(fd);
      }
      // Smaller writes still fit in the last partial block: take those too.
      const fd2 = openSync(filler, 'a');
      try {
        for (;;) writeSync(fd2, Buffer.alloc(512, 1));
      } catch {
        // full
      } finally {
        closeSync(fd2);
      }
    },
    free: () => rmSync(filler, { force: true }),
    close() {
      run(['umount', '-l', dir]);
      cleanup();
    },
  };
}
