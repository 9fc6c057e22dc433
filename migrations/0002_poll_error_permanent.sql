ALTER TABLE `poll_runs` ADD `request_id` text;--> statement-breakpoint
ALTER TABLE `poll_runs` ADD `error_permanent` integer;