ALTER TABLE `imports` ADD `send_requested_at` integer;--> statement-breakpoint
ALTER TABLE `imports` ADD `send_requested_by` text REFERENCES directory_people(id);--> statement-breakpoint
ALTER TABLE `imports` ADD `suggestions_requested_at` integer;--> statement-breakpoint
ALTER TABLE `imports` ADD `suggestions_requested_by` text REFERENCES directory_people(id);--> statement-breakpoint
ALTER TABLE `imports` ADD `cursor_row` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `imports` ADD `suggestion_count` integer DEFAULT 0 NOT NULL;