CREATE TABLE `backup_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`target_id` text NOT NULL,
	`backup_id` text NOT NULL,
	`poll_id` integer NOT NULL,
	`at` integer NOT NULL,
	`from_status` text,
	`to_status` text NOT NULL,
	`raw_status` text NOT NULL,
	FOREIGN KEY (`poll_id`) REFERENCES `poll_runs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `backup_events_target_at` ON `backup_events` (`target_id`,`at`);--> statement-breakpoint
CREATE TABLE `backups` (
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
	`raw` text NOT NULL,
	`first_seen_at` integer NOT NULL,
	`first_seen_poll` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`last_seen_poll` integer NOT NULL,
	PRIMARY KEY(`target_id`, `backup_id`),
	FOREIGN KEY (`first_seen_poll`) REFERENCES `poll_runs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`last_seen_poll`) REFERENCES `poll_runs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `backups_target_ended` ON `backups` (`target_id`,`ended_at`);--> statement-breakpoint
CREATE INDEX `backups_target_status_kind_ended` ON `backups` (`target_id`,`status`,`kind`,`ended_at`);--> statement-breakpoint
CREATE TABLE `finding_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`target_id` text NOT NULL,
	`rule_id` text NOT NULL,
	`from_state` text,
	`to_state` text NOT NULL,
	`at` integer NOT NULL,
	`reason` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `finding_events_target_rule_at` ON `finding_events` (`target_id`,`rule_id`,`at`);--> statement-breakpoint
CREATE TABLE `findings` (
	`target_id` text NOT NULL,
	`rule_id` text NOT NULL,
	`state` text NOT NULL,
	`severity` text NOT NULL,
	`since` integer NOT NULL,
	`reason` text NOT NULL,
	`details` text,
	`evaluated_at` integer NOT NULL,
	`firing` integer DEFAULT false NOT NULL,
	`last_notified_at` integer,
	`silenced_by` integer,
	PRIMARY KEY(`target_id`, `rule_id`)
);
--> statement-breakpoint
CREATE TABLE `meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `notification_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`notification_id` integer NOT NULL,
	`at` integer NOT NULL,
	`channel` text NOT NULL,
	`outcome` text NOT NULL,
	`error` text,
	FOREIGN KEY (`notification_id`) REFERENCES `notifications`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `notification_attempts_notification` ON `notification_attempts` (`notification_id`);--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`channel` text NOT NULL,
	`kind` text NOT NULL,
	`finding_event_id` integer,
	`target_id` text,
	`rule_id` text,
	`payload` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`claimed_by` text,
	`claimed_until` integer,
	`sent_at` integer,
	`last_error` text,
	FOREIGN KEY (`finding_event_id`) REFERENCES `finding_events`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `notifications_due` ON `notifications` (`status`,`channel`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `poll_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`target_id` text NOT NULL,
	`slot` text,
	`started_at` integer NOT NULL,
	`finished_at` integer NOT NULL,
	`outcome` text NOT NULL,
	`error_kind` text,
	`error_code` text,
	`error_message` text,
	`pages` integer DEFAULT 0 NOT NULL,
	`items` integer DEFAULT 0 NOT NULL,
	`problem_items` integer DEFAULT 0 NOT NULL,
	`problems` text,
	`content_hash` text
);
--> statement-breakpoint
CREATE INDEX `poll_runs_target_finished` ON `poll_runs` (`target_id`,`finished_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `poll_runs_target_slot` ON `poll_runs` (`target_id`,`slot`);--> statement-breakpoint
CREATE TABLE `silences` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`matchers` text NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`reason` text NOT NULL,
	`author` text,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`expired_at` integer
);
--> statement-breakpoint
CREATE INDEX `silences_window` ON `silences` (`starts_at`,`ends_at`);