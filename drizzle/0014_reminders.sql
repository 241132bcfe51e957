CREATE TABLE `reminder_schedules` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`days` integer DEFAULT 0 NOT NULL,
	`next_run_at` integer,
	`updated_by` text,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`requested_by` text,
	`requested_at` integer,
	`requested_before` integer,
	`requested_days` integer,
	`requested_reminded` integer DEFAULT 0 NOT NULL,
	`locked_until` integer,
	`locked_by` text,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`updated_by`) REFERENCES `directory_people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`requested_by`) REFERENCES `directory_people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reminder_schedules_org_id_unique` ON `reminder_schedules` (`org_id`);--> statement-breakpoint
CREATE INDEX `reminder_schedules_due` ON `reminder_schedules` (`next_run_at`);--> statement-breakpoint
ALTER TABLE `invitations` ADD `reminders_sent` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `invitations_open_last_sent` ON `invitations` (`org_id`,`last_sent_at`,`id`) WHERE revoked_at IS NULL AND accepted_at IS NULL;