-- Each blob's refs: the page rows that name it and the blobs that are deltas on it, counted once over
-- indexes made for the count alone (kept, they would cost every page stored a second copy of its hash).
CREATE INDEX `poll_pages_hash_count` ON `poll_pages` (`hash`);--> statement-breakpoint
CREATE INDEX `poll_page_blobs_base_count` ON `poll_page_blobs` (`base`);--> statement-breakpoint
UPDATE `poll_page_blobs` SET `refs` = (SELECT count(*) FROM `poll_pages` p WHERE p.`hash` = `poll_page_blobs`.`hash`)
  + (SELECT count(*) FROM `poll_page_blobs` d WHERE d.`base` = `poll_page_blobs`.`hash`);--> statement-breakpoint
DROP INDEX `poll_pages_hash_count`;--> statement-breakpoint
DROP INDEX `poll_page_blobs_base_count`;
