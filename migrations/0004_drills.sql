CREATE TABLE `drills` (
	`id` text PRIMARY KEY NOT NULL,
	`target_id` text NOT NULL,
	`backup_id` text,
	`result` text NOT NULL,
	`at` integer NOT NULL,
	`duration_ms` integer,
	`note` text,
	`evidence_url` text,
	`recorded_at` integer NOT NULL,
	`source` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `drills_target_at` ON `drills` (`target_id`,`at`);