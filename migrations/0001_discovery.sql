CREATE TABLE `backup_policies` (
	`account` text NOT NULL,
	`service` text NOT NULL,
	`instance` text NOT NULL,
	`read_at` integer NOT NULL,
	`unavailable` text,
	`automated` integer,
	`retention_days` integer,
	`retention_is_count` integer DEFAULT false NOT NULL,
	`window_start` integer,
	`window_end` integer,
	`weekdays` text,
	`source` text,
	PRIMARY KEY(`account`, `service`, `instance`)
);
--> statement-breakpoint
CREATE TABLE `discovered_instances` (
	`account` text NOT NULL,
	`service` text NOT NULL,
	`instance` text NOT NULL,
	`name` text,
	`region` text,
	`zone` text,
	`status` text NOT NULL,
	`replica` integer NOT NULL,
	`primary_instance` text,
	`created_at` integer,
	`tags` text DEFAULT '{}' NOT NULL,
	`first_seen_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`last_seen_run` integer NOT NULL,
	`gone_at` integer,
	PRIMARY KEY(`account`, `service`, `instance`),
	FOREIGN KEY (`last_seen_run`) REFERENCES `discovery_runs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `discovery_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account` text NOT NULL,
	`service` text NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer NOT NULL,
	`outcome` text NOT NULL,
	`error_kind` text,
	`error_message` text,
	`instances` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `discovery_runs_account_service_finished` ON `discovery_runs` (`account`,`service`,`finished_at`);