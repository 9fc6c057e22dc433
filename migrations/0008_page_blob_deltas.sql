ALTER TABLE `poll_page_blobs` ADD `base` text;--> statement-breakpoint
ALTER TABLE `poll_page_blobs` ADD `depth` integer DEFAULT 0 NOT NULL;