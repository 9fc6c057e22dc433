import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { findingsExit } from '../../src/cli/io-base.js';
import { printStatus } from '../../src/cli/status.js';
import { statusEntries } from '../../src/cli/status-view.js';
import type { Db } from '../../src/db/client.js';
import { writeFinding } from '../../src/db/findings.js';
import type { FindingState } from '../../src/domain/finding.js';
import { tempDatabase } from '../helpers/db.js';

// `status --json` without a filter, sort or --at reads and writes the findings one at a time; the
// other paths build every entry first. Both must print the same bytes and exit the same way.

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function database(): Db {
  const t = tempDatabase();
  cleanups.push(t.cleanup);
  return t.db;
}

const REASONS = [
  'last completed backup ended 2026-11-18T03:00Z',
  'the "primary" instance',
  'written to C:\\backups',
  'provider says:\r\nline two\ttabbed \u0007 bell \u001b[31mred',
  'bidi \u202e reversed \u2066 isolate, a line separator \u2028 and é, 😀',
  'lone surrogates \ud83d and \udc00 in text',
  `a runaway message ${'x'.repeat(2_500)}`,
];

function record(db: Db, n: number, states: readonly FindingState[]): void {
  for (let i = 0; i < n; i++) {
    writeFinding(db, undefined, {
      targetId: `db-${String(Math.floor(i / 7)).padStart(4, '0')}`,
      ruleId: `rule-${i % 7}`,
      state: states[i % states.length] as FindingState,
      severity: i % 2 === 0 ? 'critical' : 'warning',
      reason: REASONS[i % REASONS.length] as string,
      details: undefined,
      // Findings of one evaluation share their `since`; a few are older, one before 1970.
      now: i % 50 === 0 ? -1_500 : 1_795_500_000_000 - (i % 3) * 3_600_000,
      notify: [],
      firing: false,
      silencedBy: null,
    });
  }
}

function printed(db: Db, view?: Parameters<typeof printStatus>[4]): { stdout: string; code: number } {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (d: Buffer) => chunks.push(d));
  const code = printStatus(db, { stdout: out, stderr: new PassThrough(), env: {}, cwd: '.' }, true, undefined, view);
  return { stdout: Buffer.concat(chunks).toString(), code };
}

describe('status --json of every finding', () => {
  it('prints exactly JSON.stringify of the entries, across several pieces, and exits as they call for', () => {
    const db = database();
    record(db, 1_201, ['ok', 'alarm', 'skip', 'error']);
    const entries = statusEntries(db);
    const { stdout, code } = printed(db);
    expect(stdout).toBe(`${JSON.stringify(entries, null, 2)}\n`);
    expect(code).toBe(findingsExit(entries));
    expect(code).toBe(1);
  });

  it('prints the same as the path that builds every entry (an empty filter)', () => {
    const db = database();
    record(db, 600, ['ok', 'error']);
    const all = printed(db);
    const built = printed(db, { filter: { states: ['ok', 'error'] } });
    expect(all.stdout).toBe(built.stdout);
    expect(all.code).toBe(4); // an error and no alarm: blind, not compliant
    expect(built.code).toBe(4);
  });

  it('prints an empty array for no findings, and exits compliant', () => {
    expect(printed(database())).toEqual({ stdout: '[]\n', code: 0 });
  });

  it('exits compliant when every finding is ok or skipped', () => {
    const db = database();
    record(db, 20, ['ok', 'skip']);
    expect(printed(db).code).toBe(0);
  });
});
