import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { evidenceHead } from '../../src/db/evidence.js';
import { verifyEvidence } from '../../src/db/evidence-verify.js';
import { tempDatabase } from '../helpers/db.js';
import { writeEvidence } from '../helpers/evidence.js';

let db: Db;
let cleanup: () => void;
beforeEach(() => ({ db, cleanup } = tempDatabase()));
afterEach(() => cleanup());

const kinds = () => db.$client.prepare(`SELECT kind FROM evidence_chain ORDER BY seq`).pluck().all();

describe('the evidence chain', () => {
  it('links every evidence record, after a genesis, in the order they were written', () => {
    writeEvidence(db);
    expect(kinds()).toEqual([
      'genesis',
      'config',
      'backup-events',
      // The first poll's run, sealed by the second poll, which saw something else.
      'poll-run',
      'backup-events',
      'poll',
      'finding-event',
      'notification',
      'silence-added',
      'silence-expired',
      'drill',
      // The second and third polls saw the same: one run, sealed last (as before a report).
      'poll-run',
    ]);
    expect(evidenceHead(db)).toMatchObject({ seq: 12, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('verifies a chain written by the product', () => {
    writeEvidence(db);
    const verdict = verifyEvidence(db, { head: evidenceHead(db)?.hash });
    expect(verdict.problems).toEqual([]);
    expect(verdict).toMatchObject({ ok: true, links: 12 });
  });

  it('links nothing for a redelivered poll slot', () => {
    writeEvidence(db);
    const before = evidenceHead(db);
    writeEvidence(db);
    // Redelivered polls, the same drill id and an unchanged config append nothing; the new writes do.
    expect(kinds().filter((k) => k === 'poll')).toHaveLength(2);
    expect(kinds().filter((k) => k === 'poll-run')).toHaveLength(3);
    expect(evidenceHead(db)?.seq).toBeGreaterThan(before?.seq ?? 0);
    expect(verifyEvidence(db).ok).toBe(true);
  });
});
