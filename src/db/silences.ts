import { z } from 'zod';
import type { Db } from './client.js';
import { appendEvidence } from './evidence.js';

/** What a silence matches; every given matcher must match. */
export const silenceMatchers = z
  .strictObject({
    target: z.string().min(1).optional(),
    rule: z.string().min(1).optional(),
    labels: z.record(z.string(), z.string()).optional(),
  })
  .refine((m) => m.target !== undefined || m.rule !== undefined || Object.keys(m.labels ?? {}).length > 0, {
    message: 'a silence needs at least one of --target, --rule or --label',
  });
export type SilenceMatchers = z.infer<typeof silenceMatchers>;

export interface Silence {
  readonly id: number;
  readonly matchers: SilenceMatchers;
  readonly startsAt: number;
  readonly endsAt: number;
  readonly reason: string;
  readonly author: string | null;
  readonly createdAt: number;
  readonly expiredAt: number | null;
}

interface Row {
  id: number;
  matchers: string;
  starts_at: number;
  ends_at: number;
  reason: string;
  author: string | null;
  created_at: number;
  expired_at: number | null;
}

/** A `silences` row as SQLite returns it. */
export type SilenceRow = Row;

export const toSilence = (r: Row): Silence => ({
  id: r.id,
  matchers: silenceMatchers.parse(JSON.parse(r.matchers)),
  startsAt: r.starts_at,
  endsAt: r.ends_at,
  reason: r.reason,
  author: r.author,
  createdAt: r.created_at,
  expiredAt: r.expired_at,
});

export function addSilence(
  db: Db,
  s: { matchers: SilenceMatchers; startsAt: number; endsAt: number; reason: string; author: string | null; now: number },
): Silence {
  const c = db.$client;
  const insert = c.prepare(
    `INSERT INTO silences (matchers, starts_at, ends_at, planned_ends_at, reason, author, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *`,
  );
  const add = c.transaction((): Row => {
    const r = insert.get(JSON.stringify(s.matchers), s.startsAt, s.endsAt, s.endsAt, s.reason, s.author, s.now) as Row;
    appendEvidence(db, 'silence-added', { ref: String(r.id), at: r.created_at, row: { ...r } });
    return r;
  });
  return toSilence(add.immediate());
}

/** Silences in force at `now` (start ≤ now < end). */
export function activeSilences(db: Db, now: number): Silence[] {
  return (db.$client.prepare(`SELECT * FROM silences WHERE starts_at <= ? AND ends_at > ? ORDER BY id`).all(now, now) as Row[]).map(
    toSilence,
  );
}

/** Every silence, or with `current` only those not yet over at `now` (active or scheduled). */
export function listSilences(db: Db, now: number, current: boolean): Silence[] {
  const rows = current
    ? (db.$client.prepare(`SELECT * FROM silences WHERE ends_at > ? ORDER BY starts_at, id`).all(now) as Row[])
    : (db.$client.prepare(`SELECT * FROM silences ORDER BY starts_at, id`).all() as Row[]);
  return rows.map(toSilence);
}

/** Ends a silence now. Returns false when there is no such silence or it was already over. */
export function expireSilence(db: Db, id: number, now: number): boolean {
  const c = db.$client;
  const expire = c.prepare(`UPDATE silences SET ends_at = ?, expired_at = ? WHERE id = ? AND ends_at > ? RETURNING *`);
  return c
    .transaction((): boolean => {
      const r = expire.get(now, now, id, now) as Row | undefined;
      if (r) appendEvidence(db, 'silence-expired', { ref: String(id), at: now, row: { ...r } });
      return r !== undefined;
    })
    .immediate();
}

export function silenceMatches(s: Silence, item: { targetId: string; ruleId: string; labels: Readonly<Record<string, string>> }): boolean {
  const m = s.matchers;
  return (
    (m.target === undefined || m.target === item.targetId) &&
    (m.rule === undefined || m.rule === item.ruleId) &&
    Object.entries(m.labels ?? {}).every(([k, v]) => item.labels[k] === v)
  );
}
