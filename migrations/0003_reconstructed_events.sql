CREATE TABLE `reconstructed_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`target_id` text NOT NULL,
	`rule_id` text NOT NULL,
	`at` integer NOT NULL,
	`to_state` text NOT NULL,
	`reason` text NOT NULL,
	`listed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `reconstructed_events_target_rule_at` ON `reconstructed_events` (`target_id`,`rule_id`,`at`);