PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_backups` (
	`target_id` text NOT NULL,
	`backup_id` text NOT NULL,
	`name` text,
	`kind` text NOT NULL,
	`trigger` text NOT NULL,
	`status` text NOT NULL,
	`raw_status` text NOT NULL,
	`started_at` integer,
	`ended_at` integer,
	`size_bytes` integer,
	`raw` text,
	`first_seen_at` integer NOT NULL,
	`first_seen_poll` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`last_seen_poll` integer NOT NULL,
	PRIMARY KEY(`target_id`, `backup_id`),
	FOREIGN KEY (`first_seen_poll`) REFERENCES `poll_runs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`last_seen_poll`) REFERENCES `poll_runs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_backups`("target_id", "backup_id", "name", "kind", "trigger", "status", "raw_status", "started_at", "ended_at", "size_bytes", "raw", "first_seen_at", "first_seen_poll", "last_seen_at", "last_seen_poll") SELECT "target_id", "backup_id", "name", "kind", "trigger", "status", "raw_status", "started_at", "ended_at", "size_bytes", "raw", "first_seen_at", "first_seen_poll", "last_seen_at", "last_seen_poll" FROM `backups`;--> statement-breakpoint
DROP TABLE `backups`;--> statement-breakpoint
ALTER TABLE `__new_backups` RENAME TO `backups`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `backups_target_ended` ON `backups` (`target_id`,`ended_at`);--> statement-breakpoint
CREATE INDEX `backups_target_status_kind_ended` ON `backups` (`target_id`,`status`,`kind`,`ended_at`);