CREATE TABLE `import_mail_counts` (
	`import_id` text NOT NULL,
	`status` text NOT NULL,
	`delivery_status` text NOT NULL,
	`count` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`import_id`, `status`, `delivery_status`)
) WITHOUT ROWID;
--> statement-breakpoint
ALTER TABLE `mail_outbox` ADD `bounce_reason` text;--> statement-breakpoint
ALTER TABLE `mail_outbox` ADD `import_id` text REFERENCES imports(id);--> statement-breakpoint
CREATE INDEX `invitations_open_bounced` ON `invitations` (`member_id`) WHERE delivery_status = 'bounced' AND revoked_at IS NULL AND accepted_at IS NULL;