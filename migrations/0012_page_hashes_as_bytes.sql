PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_poll_page_blobs` (
	`hash` blob PRIMARY KEY NOT NULL,
	`encoding` text NOT NULL,
	`base` blob,
	`depth` integer DEFAULT 0 NOT NULL,
	`bytes` integer NOT NULL,
	`data` blob NOT NULL
);
--> statement-breakpoint
INSERT INTO `__new_poll_page_blobs`("hash", "encoding", "base", "depth", "bytes", "data") SELECT "hash", "encoding", "base", "depth", "bytes", "data" FROM `poll_page_blobs`;--> statement-breakpoint
DROP TABLE `poll_page_blobs`;--> statement-breakpoint
ALTER TABLE `__new_poll_page_blobs` RENAME TO `poll_page_blobs`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE TABLE `__new_poll_pages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`poll_id` integer NOT NULL,
	`page` integer NOT NULL,
	`hash` blob NOT NULL,
	`request_id` text
);
--> statement-breakpoint
INSERT INTO `__new_poll_pages`("id", "poll_id", "page", "hash", "request_id") SELECT "id", "poll_id", "page", "hash", "request_id" FROM `poll_pages`;--> statement-breakpoint
DROP TABLE `poll_pages`;--> statement-breakpoint
ALTER TABLE `__new_poll_pages` RENAME TO `poll_pages`;--> statement-breakpoint
CREATE UNIQUE INDEX `poll_pages_poll_page` ON `poll_pages` (`poll_id`,`page`);--> statement-breakpoint
CREATE TABLE `__new_poll_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`target_id` text NOT NULL,
	`slot` text,
	`started_at` integer NOT NULL,
	`finished_at` integer NOT NULL,
	`outcome` text NOT NULL,
	`error_kind` text,
	`error_code` text,
	`error_message` text,
	`request_id` text,
	`error_permanent` integer,
	`pages` integer DEFAULT 0 NOT NULL,
	`items` integer DEFAULT 0 NOT NULL,
	`problem_items` integer DEFAULT 0 NOT NULL,
	`problems` text,
	`content_hash` blob,
	`pages_not_kept` integer DEFAULT 0 NOT NULL,
	`polls` integer,
	`last_finished_at` integer,
	`max_gap_ms` integer,
	`last_slot` text,
	`open` integer DEFAULT false NOT NULL
);
--> statement-breakpoint
INSERT INTO `__new_poll_runs`("id", "target_id", "slot", "started_at", "finished_at", "outcome", "error_kind", "error_code", "error_message", "request_id", "error_permanent", "pages", "items", "problem_items", "problems", "content_hash", "pages_not_kept", "polls", "last_finished_at", "max_gap_ms", "last_slot", "open") SELECT "id", "target_id", "slot", "started_at", "finished_at", "outcome", "error_kind", "error_code", "error_message", "request_id", "error_permanent", "pages", "items", "problem_items", "problems", "content_hash", "pages_not_kept", "polls", "last_finished_at", "max_gap_ms", "last_slot", "open" FROM `poll_runs`;--> statement-breakpoint
DROP TABLE `poll_runs`;--> statement-breakpoint
ALTER TABLE `__new_poll_runs` RENAME TO `poll_runs`;--> statement-breakpoint
CREATE INDEX `poll_runs_target_finished` ON `poll_runs` (`target_id`,`finished_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `poll_runs_target_slot` ON `poll_runs` (`target_id`,`slot`);--> statement-breakpoint
CREATE INDEX `poll_runs_open` ON `poll_runs` (`target_id`) WHERE open = 1;