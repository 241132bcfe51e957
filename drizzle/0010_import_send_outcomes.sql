ALTER TABLE `imports` ADD `suggestions_sent_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `imports` ADD `send_finished_at` integer;--> statement-breakpoint
ALTER TABLE `imports` ADD `suggestions_finished_at` integer;--> statement-breakpoint
ALTER TABLE `imports` ADD `checked_at` integer;
--> statement-breakpoint
-- Hand-written: earlier imports under the new meanings. ready_count no longer includes the rows
-- already invited (sent_count); requests made before this were logged when made, so they count
-- as carried out; a finished check is dated by its import's end (or its start).
UPDATE `imports` SET `ready_count` = `ready_count` - `sent_count` WHERE `sent_count` > 0;--> statement-breakpoint
UPDATE `imports` SET `send_finished_at` = coalesce(`finished_at`, `created_at`) WHERE `send_requested_at` IS NOT NULL;--> statement-breakpoint
UPDATE `imports` SET `suggestions_finished_at` = coalesce(`finished_at`, `created_at`) WHERE `suggestions_requested_at` IS NOT NULL;--> statement-breakpoint
UPDATE `imports` SET `checked_at` = coalesce(`finished_at`, `created_at`) WHERE `status` IN ('ready', 'sending', 'sent');
