-- Hand-written (Drizzle has no WITHOUT ROWID): import rows live in their primary key's b-tree, so
-- each row is stored once instead of in the table and again in the key's index (49 bytes a row).
CREATE TABLE `__new_import_rows` (
	`import_id` text NOT NULL,
	`org_id` text NOT NULL,
	`row_number` integer NOT NULL,
	`value` text NOT NULL,
	`email_norm` text,
	`outcome` text,
	`code` text,
	`message` text,
	`suggestion` text,
	`person_id` text,
	`sent_at` integer,
	PRIMARY KEY(`import_id`, `row_number`),
	FOREIGN KEY (`import_id`) REFERENCES `imports`(`id`) ON UPDATE no action ON DELETE cascade
) WITHOUT ROWID;--> statement-breakpoint
INSERT INTO `__new_import_rows` SELECT `import_id`, `org_id`, `row_number`, `value`, `email_norm`, `outcome`, `code`, `message`, `suggestion`, `person_id`, `sent_at` FROM `import_rows`;--> statement-breakpoint
DROP TABLE `import_rows`;--> statement-breakpoint
ALTER TABLE `__new_import_rows` RENAME TO `import_rows`;
