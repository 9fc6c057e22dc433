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
 * that chain, and a body past it, or without a base, is gzip alone. A listing page of a week's backups
 * is about 600 B gzipped and 90 B as a delta, so the full page every 32nd change instead of every 16th
 * is 20 B a day less for a target whose listing changes daily; a read inflates 33 blobs at most.
 */
export const MAX_DELTA_DEPTH = 32;

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
 * blob is then referred to once more): as a delta against blob `base` when there is one within
 * MAX_DELTA_DEPTH that reads back, gzip otherwise.
 */
export function storeBlob(db: Db, hash: string, text: string, base: string | null): void {
  const s = statements(db);
  const key = hashBytes(hash);
  if (s.ref.run(key).changes > 0) return;
  const bytes = Buffer.from(text, 'utf8');
  const baseBlob = base === null ? undefined : (s.get.get(hashBytes(base)) as StoredBlob | undefined);
  const baseBody = baseBlob && baseBlob.depth < MAX_DELTA_DEPTH ? blobBody(db, base as string) : null;
  if (baseBody && 'text' in baseBody) {
    const data = deflateRawSync(bytes, { dictionary: Buffer.from(baseBody.text, 'utf8') });
    const baseKey = hashBytes(base as string);
    s.insert.run(key, bytes.length, data, baseKey, (baseBlob?.depth ?? 0) + 1);
    s.ref.run(baseKey);
  } else s.insert.run(key, bytes.length, gzipSync(bytes), null, 0);
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
