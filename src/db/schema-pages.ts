import { blob, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * The provider's answers, exactly: each distinct listing response body, compressed, stored once under
 * the SHA-256 of its text (UTF-8). A poll that received the same page as an earlier one refers to the
 * same blob. Bodies only: no request, header or signed URL is ever kept (src/engine/page-bodies.ts).
 * Kept apart from schema.ts, which re-exports it.
 */
export const pollPageBlobs = sqliteTable('poll_page_blobs', {
  /** SHA-256 (32 bytes) of the body text as kept (src/db/poll-pages.ts: its RequestId emptied). */
  hash: blob('hash', { mode: 'buffer' }).primaryKey(),
  /**
   * The blob whose body is `data`'s dictionary: `data` is then raw deflate with that body (the same
   * target's previous page) as its preset dictionary, so a listing that gained one backup costs about
   * that backup (src/db/page-blobs.ts). Null: `data` is gzip alone.
   */
  base: blob('base', { mode: 'buffer' }),
  /** How many blobs must be read to get this one's body: 0 for gzip, the base's depth + 1 otherwise. */
  depth: integer('depth').notNull().default(0),
  /**
   * What still needs this blob: the poll_pages rows naming it and the blobs that are deltas on it.
   * Retention removes a blob once nothing does (src/db/retention.ts).
   */
  refs: integer('refs').notNull().default(0),
  /** The body's length in bytes before compression. */
  bytes: integer('bytes').notNull(),
  data: blob('data', { mode: 'buffer' }).notNull(),
});

/**
 * Which bodies each poll received, page 1 first. The rows of one poll are written together and
 * chained as one `poll-pages` link (src/db/poll-pages.ts), so a stored page is provable.
 */
export const pollPages = sqliteTable(
  'poll_pages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    pollId: integer('poll_id').notNull(),
    /** 1 for the first page. */
    page: integer('page').notNull(),
    /** SHA-256 (32 bytes) of the body with its RequestId emptied: what the blob holds. */
    hash: blob('hash', { mode: 'buffer' }).notNull(),
    /** The body's `RequestId`, different in every answer: kept here so equal listings share a blob. */
    requestId: text('request_id'),
  },
  (t) => [uniqueIndex('poll_pages_poll_page').on(t.pollId, t.page)],
);
