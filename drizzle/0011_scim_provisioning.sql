CREATE TABLE `scim_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`method` text NOT NULL,
	`path` text NOT NULL,
	`status` integer NOT NULL,
	`outcome` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `scim_requests_org_id` ON `scim_requests` (`org_id`,`id`);--> statement-breakpoint
CREATE TABLE `scim_tokens` (
	`org_id` text PRIMARY KEY NOT NULL,
	`token_hash` text NOT NULL,
	`created_by` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`last_used_at` integer,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `directory_people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `scim_tokens_token_hash_unique` ON `scim_tokens` (`token_hash`);--> statement-breakpoint
CREATE TABLE `scim_users` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`person_id` text NOT NULL,
	`user_name` text NOT NULL,
	`user_name_norm` text NOT NULL,
	`external_id` text,
	`email_norm` text,
	`active` integer NOT NULL,
	`resource` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`person_id`) REFERENCES `directory_people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `scim_users_org_user_name` ON `scim_users` (`org_id`,`user_name_norm`);--> statement-breakpoint
CREATE UNIQUE INDEX `scim_users_org_person` ON `scim_users` (`org_id`,`person_id`);--> statement-breakpoint
CREATE INDEX `scim_users_org_external_id` ON `scim_users` (`org_id`,`external_id`);--> statement-breakpoint
CREATE INDEX `scim_users_org_email` ON `scim_users` (`org_id`,`email_norm`);--> statement-breakpoint
ALTER TABLE `audit_events` ADD `actor_label` text;