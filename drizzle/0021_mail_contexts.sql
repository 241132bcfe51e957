CREATE TABLE `mail_contexts` (
	`id` integer PRIMARY KEY NOT NULL,
	`import_id` text,
	`params` text NOT NULL,
	FOREIGN KEY (`import_id`) REFERENCES `imports`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mail_contexts_params_import` ON `mail_contexts` (`params`,(CASE WHEN import_id IS NULL THEN '' ELSE import_id END));--> statement-breakpoint
ALTER TABLE `mail_outbox` ADD `context_id` integer REFERENCES mail_contexts(id);