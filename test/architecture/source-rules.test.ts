import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Rules of the source tree that neither the formatter nor the layer check can see. Each names the
// file and line that breaks it.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function sources(...folders: string[]): { path: string; lines: string[] }[] {
  const out: { path: string; lines: string[] }[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) out.push({ path: relative(ROOT, p), lines: readFileSync(p, 'utf8').split('\n') });
    }
  };
  for (const f of folders) walk(join(ROOT, f));
  return out;
}

const where = (hits: { path: string; line: number; text: string }[]): string[] => hits.map((h) => `${h.path}:${h.line}: ${h.text.trim()}`);

function find(files: { path: string; lines: string[] }[], test: (line: string) => boolean): string[] {
  return where(files.flatMap((f) => f.lines.flatMap((text, i) => (test(text) ? [{ path: f.path, line: i + 1, text }] : []))));
}

const PRODUCT = ['src', 'jobs', 'rules'];

describe('the source tree', () => {
  it('keeps SQL and the SQLite driver behind src/db', () => {
    const outside = sources(...PRODUCT).filter((f) => !f.path.startsWith(join('src', 'db')));
    const sql =
      /\.prepare\(|\$client|from 'better-sqlite3'|from 'drizzle-orm|\b(SELECT\s.+\sFROM|INSERT INTO|DELETE FROM|PRAGMA)\b|UPDATE \w+ SET/;
    expect(find(outside, (line) => sql.test(line))).toEqual([]);
  });

  it('keeps every line within 140 characters', () => {
    expect(find(sources(...PRODUCT, 'test', 'bench'), (line) => line.length > 140)).toEqual([]);
  });

  it('keeps product files under 250 lines', () => {
    const long = sources(...PRODUCT).filter((f) => f.lines.length > 250);
    expect(long.map((f) => `${f.path}: ${f.lines.length} lines`)).toEqual([]);
  });

  it('declares each vocabulary list once, in src/domain', () => {
    const lists = [
      /'full',\s*'incremental'/,
      /'automated',\s*'manual'/,
      /'completed',\s*'failed',\s*'running'/,
      /'critical',\s*'warning',\s*'info'/,
      /'ok',\s*'alarm',\s*'error',\s*'skip'/,
      /'firing',\s*'resolved',\s*'reminder'/,
    ];
    // The simulator speaks the clouds' words (its scripts say `full`, `completed`), not the product's.
    const outside = sources(...PRODUCT).filter(
      (f) => !f.path.startsWith(join('src', 'domain')) && !f.path.startsWith(join('src', 'simulator')),
    );
    expect(find(outside, (line) => lists.some((l) => l.test(line)))).toEqual([]);
  });

  it('has no double cast (as unknown as) in product code', () => {
    expect(find(sources(...PRODUCT), (line) => /\bas unknown as\b/.test(line))).toEqual([]);
  });
});
