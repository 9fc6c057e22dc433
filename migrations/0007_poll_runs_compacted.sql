ALTER TABLE `poll_runs` ADD `polls` integer;--> statement-breakpoint
ALTER TABLE `poll_runs` ADD `last_finished_at` integer;--> statement-breakpoint
ALTER TABLE `poll_runs` ADD `max_gap_ms` integer;--> statement-breakpoint
ALTER TABLE `poll_runs` ADD `last_slot` text;--> statement-breakpoint
ALTER TABLE `poll_runs` ADD `open` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX `poll_runs_open` ON `poll_runs` (`target_id`) WHERE open = 1;