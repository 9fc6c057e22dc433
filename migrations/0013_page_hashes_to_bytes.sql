-- Hashes written before 0012 are 64 hex digits: store them as their 32 bytes.
UPDATE `poll_runs` SET `content_hash` = unhex(`content_hash`) WHERE typeof(`content_hash`) = 'text';--> statement-breakpoint
UPDATE `poll_pages` SET `hash` = unhex(`hash`) WHERE typeof(`hash`) = 'text';--> statement-breakpoint
-- The bodies keyed by their hash alone, WITHOUT ROWID: no second b-tree repeating every hash beside a rowid.
-- A later table rebuild generated from the schema must keep WITHOUT ROWID (drizzle's schema cannot say it).
CREATE TABLE `__bytes_poll_page_blobs` (
	`hash` blob PRIMARY KEY NOT NULL,
	`encoding` text NOT NULL,
	`base` blob,
	`depth` integer DEFAULT 0 NOT NULL,
	`bytes` integer NOT NULL,
	`data` blob NOT NULL
) WITHOUT ROWID;--> statement-breakpoint
INSERT INTO `__bytes_poll_page_blobs` ("hash", "encoding", "base", "depth", "bytes", "data")
  SELECT CASE WHEN typeof(`hash`) = 'text' THEN unhex(`hash`) ELSE `hash` END, `encoding`,
    CASE WHEN typeof(`base`) = 'text' THEN unhex(`base`) ELSE `base` END, `depth`, `bytes`, `data` FROM `poll_page_blobs`;--> statement-breakpoint
DROP TABLE `poll_page_blobs`;--> statement-breakpoint
ALTER TABLE `__bytes_poll_page_blobs` RENAME TO `poll_page_blobs`;
