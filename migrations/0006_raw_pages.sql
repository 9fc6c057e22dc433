CREATE TABLE `poll_page_blobs` (
	`hash` text PRIMARY KEY NOT NULL,
	`encoding` text NOT NULL,
	`bytes` integer NOT NULL,
	`data` blob NOT NULL
);
--> statement-breakpoint
CREATE TABLE `poll_pages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`poll_id` integer NOT NULL,
	`page` integer NOT NULL,
	`hash` text NOT NULL,
	`request_id` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `poll_pages_poll_page` ON `poll_pages` (`poll_id`,`page`);--> statement-breakpoint
ALTER TABLE `poll_runs` ADD `pages_not_kept` integer DEFAULT 0 NOT NULL;