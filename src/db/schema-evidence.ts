import { blob, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { EVIDENCE_KINDS } from '../domain/evidence.js';

/**
 * The evidence chain: one link per evidence record, appended in the transaction that writes the
 * record (src/db/evidence.ts). A link's digest is the SHA-256 of the record's canonical encoding and
 * `hash` the SHA-256 of the previous link's hash followed by the digest, so changing, removing or
 * reordering any record breaks every link after it. The digest is not stored while the record is:
 * it is recomputed from the record, and a copy would cost a third of the chain's size for nothing an
 * attacker could not rewrite along with it. Kept apart from schema.ts, which re-exports it.
 */
export const evidenceChain = sqliteTable('evidence_chain', {
  /** The link's place in the chain, 1 first (the genesis). */
  seq: integer('seq').primaryKey(),
  kind: text('kind', { enum: EVIDENCE_KINDS }).notNull(),
  /** The record's id in its table (the config hash for `config`, what predates the chain for `genesis`). */
  ref: text('ref').notNull(),
  /** The record's instant, epoch milliseconds. */
  at: integer('at').notNull(),
  /** The record's digest (32 bytes), kept only once retention pruned the record (src/db/retention.ts). */
  digest: blob('digest', { mode: 'buffer' }),
  /** 32 bytes: shown and published as 64 lowercase hex digits. */
  hash: blob('hash', { mode: 'buffer' }).notNull(),
});
