PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_evidence_chain` (
	`seq` integer PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`ref` text NOT NULL,
	`at` integer NOT NULL,
	`digest` blob,
	`hash` blob NOT NULL
);
--> statement-breakpoint
INSERT INTO `__new_evidence_chain`("seq", "kind", "ref", "at", "digest", "hash") SELECT "seq", "kind", "ref", "at", "digest", "hash" FROM `evidence_chain`;--> statement-breakpoint
DROP TABLE `evidence_chain`;--> statement-breakpoint
ALTER TABLE `__new_evidence_chain` RENAME TO `evidence_chain`;--> statement-breakpoint
PRAGMA foreign_keys=ON;