import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { drillFacts, drillsSince, listDrills, recordDrill } from '../../src/db/drills.js';
import { drillInput } from '../../src/domain/drill.js';
import { tempDatabase } from '../helpers/db.js';

const T0 = Date.parse('2026-11-20T10:00:00Z');
let db: Db;
let cleanup: () => void;
beforeEach(() => ({ db, cleanup } = tempDatabase()));
afterEach(() => cleanup());

const input = (over: Record<string, unknown> = {}) =>
  drillInput.parse({
    id: 'drill-42',
    target: 'orders-db',
    result: 'ok',
    at: T0,
    durationMs: 2_520_000,
    note: 'restored to staging',
    ...over,
  });

describe('recording drills', () => {
  it('records a drill once and answers a repeat with identical content as a repeat, writing nothing', () => {
    const first = recordDrill(db, input(), { now: T0 + 1000, source: 'cli' });
    expect(first).toMatchObject({
      kind: 'created',
      drill: { id: 'drill-42', targetId: 'orders-db', recordedAt: T0 + 1000, source: 'cli' },
    });
    const again = recordDrill(db, input(), { now: T0 + 5000, source: 'http' });
    expect(again).toMatchObject({ kind: 'repeat', drill: { recordedAt: T0 + 1000, source: 'cli' } });
    expect(listDrills(db)).toHaveLength(1);
  });

  it('refuses the same id with other content, naming what differs, and keeps the first', () => {
    recordDrill(db, input(), { now: T0, source: 'cli' });
    const other = recordDrill(db, input({ result: 'failed', note: 'checksum mismatch' }), { now: T0, source: 'cli' });
    expect(other).toMatchObject({ kind: 'conflict', fields: ['result', 'note'], drill: { result: 'ok' } });
    expect(listDrills(db).map((d) => d.result)).toEqual(['ok']);
  });

  it('generates an id when none is given, so two such drills are two', () => {
    const a = recordDrill(db, input({ id: undefined }), { now: T0, source: 'cli' });
    const b = recordDrill(db, input({ id: undefined }), { now: T0, source: 'cli' });
    expect(a.drill.id).not.toBe(b.drill.id);
    expect(a.drill.id).toMatch(/^drill-/);
    expect(listDrills(db, 'orders-db')).toHaveLength(2);
  });

  it('validates what it is given, naming the field', () => {
    const bad = drillInput.safeParse({ target: 'x', result: 'maybe', at: T0, evidenceUrl: 'ftp://x/y', note: 'n'.repeat(2001) });
    expect(bad.success).toBe(false);
    const paths = bad.error?.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['result', 'evidenceUrl', 'note']));
  });

  it('gives evaluation only the drills known at its instant, newest first, with the newest ok one however old', () => {
    recordDrill(db, input({ id: 'old-ok', at: T0 - 100 * 86_400_000 }), { now: T0 - 100 * 86_400_000, source: 'cli' });
    for (let i = 0; i < 25; i++)
      recordDrill(db, input({ id: `f${i}`, result: 'failed', at: T0 - i * 3_600_000 }), { now: T0, source: 'cli' });
    recordDrill(db, input({ id: 'late', at: T0 - 1000 }), { now: T0 + 86_400_000, source: 'http' });
    const facts = drillFacts(db, 'orders-db', T0);
    expect(facts[0]?.id).toBe('f0');
    expect(facts.map((f) => f.id)).toContain('old-ok');
    expect(facts.map((f) => f.id)).not.toContain('late');
    expect(drillFacts(db, 'orders-db', T0 + 86_400_000).map((f) => f.id)).toContain('late');
  });
});

describe('reading drills from a database not yet migrated to have them', () => {
  it('finds none rather than failing (history and drill list open without migrating)', () => {
    db.$client.exec('DROP TABLE drills');
    expect(listDrills(db)).toEqual([]);
    expect(drillsSince(db, 'orders-db', 0)).toEqual([]);
  });
});
