import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(prefix = 'ba-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A fresh temporary folder holding `backup-auditor.yaml` with `text`: the folder, the file's path and the cleanup. */
export function tempConfig(text: string, prefix?: string): { dir: string; config: string; cleanup: () => void } {
  const { dir, cleanup } = tempDir(prefix);
  const config = join(dir, 'backup-auditor.yaml');
  writeFileSync(config, text);
  return { dir, config, cleanup };
}
