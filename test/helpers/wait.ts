import type { SimBackupInput } from '../../src/simulator/index.js';

/** Checks `check` every `stepMs` until it returns something truthy, or throws after `timeoutMs`. */
export async function until<T>(check: () => T | undefined | false, timeoutMs = 20_000, stepMs = 25): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

const H = 3_600_000;

/** `n` daily completed full backups of 1 GB, the newest ending at `lastEnd` after an hour's run (Alibaba words). */
export const dailyBackups = (lastEnd: number, n: number): SimBackupInput[] =>
  Array.from({ length: n }, (_, i) => ({
    status: 'Success',
    kind: 'full',
    mode: 'Automated',
    startedAt: lastEnd - i * 24 * H - H,
    endedAt: lastEnd - i * 24 * H,
    sizeBytes: 1e9,
  }));
