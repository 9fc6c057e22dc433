import { deflateRawSync, gunzipSync, gzipSync, inflateRawSync } from 'node:zlib';
import type { Statement } from 'better-sqlite3';
import type { Db } from './client.js';
import { hashBytes } from './evidence.js';
import { perConnection } from './statements.js';

/**
 * The stored page bodies. A listing that changed since the last poll differs from the page before it
 * by a backup or two, so a body is stored as a delta: raw deflate with the same target's previous page
 * as its preset dictionary (zlib's deflateSetDictionary), which costs about what changed
 * instead of the whole page again. Reading a body inflates its bases first; MAX_DELTA_DEPTH bounds
 * that chain: a body past it is a delta on the chain's first blob (gzip), and a body without a base is
 * gzip alone. Deeper chains would store less, but every page stored reads its base through its chain,
 * and the soak's RSS grew with the inflating that takes.
 */
export const MAX_DELTA_DEPTH = 16;

interface Statements {
  readonly ref: Statement;
  readonly unref: Statement;
  readonly refs: Statement;
  readonly remove: Statement;
  readonly get: Statement;
  readonly insert: Statement;
}

const statements = perConnection(
  (c): Statements => ({
    ref: c.prepare(`UPDATE poll_page_blobs SET refs = refs + 1 WHERE hash = ?`),
    unref: c.prepare(`UPDATE poll_page_blobs SET refs = refs - 1 WHERE hash = ?`),
    refs: c.prepare(`SELECT refs, base FROM poll_page_blobs WHERE hash = ?`),
    remove: c.prepare(`DELETE FROM poll_page_blobs WHERE hash = ?`),
    get: c.prepare(`SELECT iif(base IS NULL, NULL, lower(hex(base))) AS base, depth, data FROM poll_page_blobs WHERE hash = ?`),
    insert: c.prepare(`INSERT INTO poll_page_blobs (hash, bytes, data, base, depth, refs) VALUES (?, ?, ?, ?, ?, 1)`),
  }),
);

interface StoredBlob {
  /** The dictionary's blob when `data` is a delta; null when it is gzip. */
  readonly base: string | null;
  readonly depth: number;
  readonly data: Buffer;
}

/** A body read back, or why it cannot be. */
export type BlobBody = { readonly text: string } | { readonly problem: string };

/**
 * Stores `text` under `hash` for one more page row that names it, unless a blob has it already (that
 * blob is then referred to once more): as a delta against blob `base` when its chain is shorter than
 * MAX_DELTA_DEPTH, else against the gzip blob that chain starts from, gzip alone when neither reads back.
 */
export function storeBlob(db: Db, hash: string, text: string, base: string | null): void {
  const s = statements(db);
  const key = hashBytes(hash);
  if (s.ref.run(key).changes > 0) return;
  const bytes = Buffer.from(text, 'utf8');
  // Past the deepest chain, the delta goes on the chain's first blob: still smaller than gzip alone,
  // as a page keeps its shape when its backups change, and read back with one blob to inflate first.
  const on = base === null ? null : chainBase(db, base);
  const baseBody = on === null ? null : blobBody(db, on.hash);
  if (on !== null && baseBody !== null && 'text' in baseBody) {
    const data = deflateRawSync(bytes, { dictionary: Buffer.from(baseBody.text, 'utf8') });
    const baseKey = hashBytes(on.hash);
    s.insert.run(key, bytes.length, data, baseKey, on.depth + 1);
    s.ref.run(baseKey);
  } else s.insert.run(key, bytes.length, gzipSync(bytes), null, 0);
}

/** The blob a delta on `base` is stored against: `base` itself within MAX_DELTA_DEPTH, else its chain's first. */
function chainBase(db: Db, base: string): { readonly hash: string; readonly depth: number } | null {
  const s = statements(db);
  let at: { hash: string; blob: StoredBlob | undefined } = { hash: base, blob: s.get.get(hashBytes(base)) as StoredBlob | undefined };
  if (at.blob && at.blob.depth < MAX_DELTA_DEPTH) return { hash: base, depth: at.blob.depth };
  for (let steps = 0; at.blob?.base && steps <= MAX_DELTA_DEPTH; steps++) {
    at = { hash: at.blob.base, blob: s.get.get(hashBytes(at.blob.base)) as StoredBlob | undefined };
  }
  return at.blob?.depth === 0 ? { hash: at.hash, depth: 0 } : null;
}

/** The body stored under `hash`, inflating its bases first. */
export function blobBody(db: Db, hash: string): BlobBody {
  const s = statements(db);
  const chain: StoredBlob[] = [];
  for (let at: string | null = hash; at !== null; ) {
    const blob = s.get.get(hashBytes(at)) as StoredBlob | undefined;
    if (!blob) return { problem: chain.length === 0 ? 'is gone from poll_page_blobs' : `needs blob ${at}, which is gone` };
    chain.push(blob);
    if (chain.length > MAX_DELTA_DEPTH + 1) return { problem: 'has a chain of bases longer than any this database writes' };
    at = blob.base;
  }
  try {
    let text = '';
    for (const blob of chain.reverse()) {
      const data = blob.base === null ? gunzipSync(blob.data) : inflateRawSync(blob.data, { dictionary: Buffer.from(text, 'utf8') });
      text = data.toString('utf8');
    }
    return { text };
  } catch {
    return { problem: 'does not decompress' };
  }
}

/**
 * Drops one reference from each blob named in `hashes` (a page row removed), and removes each blob
 * nothing refers to any more, which releases its base in turn. Returns how many blobs went.
 */
export function releaseBlobs(db: Db, hashes: readonly Buffer[]): number {
  const s = statements(db);
  const pending = [...hashes];
  let removed = 0;
  for (let hash = pending.pop(); hash !== undefined; hash = pending.pop()) {
    s.unref.run(hash);
    const blob = s.refs.get(hash) as { refs: number; base: Buffer | null } | undefined;
    if (!blob || blob.refs > 0) continue;
    s.remove.run(hash);
    removed++;
    if (blob.base) pending.push(blob.base);
  }
  return removed;
}
