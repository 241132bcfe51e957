CREATE TABLE `audit_events` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`actor_id` text,
	`action` text NOT NULL,
	`member_id` text,
	`subject` text,
	`detail` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`actor_id`) REFERENCES `directory_people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `audit_org_id` ON `audit_events` (`org_id`,`id`);--> statement-breakpoint
CREATE INDEX `audit_org_action` ON `audit_events` (`org_id`,`action`,`id`);--> statement-breakpoint
CREATE INDEX `audit_org_actor` ON `audit_events` (`org_id`,`actor_id`,`id`);--> statement-breakpoint
CREATE TABLE `directory_people` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`entra_object_id` text,
	`mail` text,
	`user_principal_name` text,
	`display_name` text DEFAULT '' NOT NULL,
	`given_name` text,
	`surname` text,
	`job_title` text,
	`department` text,
	`account_enabled` integer DEFAULT true NOT NULL,
	`is_admin` integer DEFAULT false NOT NULL,
	`removed_at` integer,
	`mail_norm` text,
	`upn_norm` text,
	`display_norm` text DEFAULT '' NOT NULL,
	`given_norm` text,
	`surname_norm` text,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `directory_people_org_oid` ON `directory_people` (`org_id`,`entra_object_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `directory_people_org_upn` ON `directory_people` (`org_id`,`upn_norm`);--> statement-breakpoint
CREATE INDEX `directory_people_org_mail` ON `directory_people` (`org_id`,`mail_norm`);--> statement-breakpoint
CREATE INDEX `directory_people_org_display` ON `directory_people` (`org_id`,`display_norm`);--> statement-breakpoint
CREATE INDEX `directory_people_org_given` ON `directory_people` (`org_id`,`given_norm`);--> statement-breakpoint
CREATE INDEX `directory_people_org_surname` ON `directory_people` (`org_id`,`surname_norm`);--> statement-breakpoint
CREATE TABLE `directory_syncs` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`status` text NOT NULL,
	`trigger` text NOT NULL,
	`added` integer DEFAULT 0 NOT NULL,
	`updated` integer DEFAULT 0 NOT NULL,
	`removed` integer DEFAULT 0 NOT NULL,
	`message` text,
	`locked_until` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`finished_at` integer,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `directory_syncs_org` ON `directory_syncs` (`org_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `import_rows` (
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
);
--> statement-breakpoint
CREATE INDEX `import_rows_email` ON `import_rows` (`import_id`,`email_norm`);--> statement-breakpoint
CREATE TABLE `imports` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`created_by` text,
	`file_name` text NOT NULL,
	`size` integer NOT NULL,
	`status` text DEFAULT 'queued' NOT NULL,
	`detected` text,
	`total` integer DEFAULT 0 NOT NULL,
	`processed` integer DEFAULT 0 NOT NULL,
	`ready_count` integer DEFAULT 0 NOT NULL,
	`skipped_count` integer DEFAULT 0 NOT NULL,
	`error_count` integer DEFAULT 0 NOT NULL,
	`sent_count` integer DEFAULT 0 NOT NULL,
	`failure_message` text,
	`locked_until` integer,
	`locked_by` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`finished_at` integer,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `directory_people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `imports_org_created` ON `imports` (`org_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `imports_status_lock` ON `imports` (`status`,`locked_until`);--> statement-breakpoint
CREATE TABLE `invitations` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`member_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`invited_by` text,
	`sent_count` integer DEFAULT 1 NOT NULL,
	`last_sent_at` integer,
	`delivery_status` text DEFAULT 'queued' NOT NULL,
	`revoked_at` integer,
	`accepted_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`invited_by`) REFERENCES `directory_people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invitations_token_hash_unique` ON `invitations` (`token_hash`);--> statement-breakpoint
CREATE INDEX `invitations_member` ON `invitations` (`member_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `mail_outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text,
	`kind` text NOT NULL,
	`to` text NOT NULL,
	`subject` text NOT NULL,
	`html` text NOT NULL,
	`text` text NOT NULL,
	`idempotency_key` text NOT NULL,
	`invitation_id` text,
	`status` text DEFAULT 'queued' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`locked_until` integer,
	`locked_by` text,
	`provider_id` text,
	`last_error` text,
	`delivery_status` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`sent_at` integer,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`invitation_id`) REFERENCES `invitations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mail_outbox_idempotency_key_unique` ON `mail_outbox` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `mail_outbox_due` ON `mail_outbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `mail_outbox_provider` ON `mail_outbox` (`provider_id`);--> statement-breakpoint
CREATE INDEX `mail_outbox_org_created` ON `mail_outbox` (`org_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `member_counts` (
	`org_id` text NOT NULL,
	`status` text NOT NULL,
	`count` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`org_id`, `status`)
);
--> statement-breakpoint
CREATE TABLE `members` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`person_id` text,
	`email` text NOT NULL,
	`email_norm` text NOT NULL,
	`name` text DEFAULT '' NOT NULL,
	`sort_name` text DEFAULT '' NOT NULL,
	`status` text NOT NULL,
	`invited_at` integer,
	`invited_by` text,
	`activated_at` integer,
	`archived_at` integer,
	`archived_by` text,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`person_id`) REFERENCES `directory_people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`invited_by`) REFERENCES `directory_people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`archived_by`) REFERENCES `directory_people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `members_org_email` ON `members` (`org_id`,`email_norm`);--> statement-breakpoint
CREATE INDEX `members_org_sort` ON `members` (`org_id`,`sort_name`,`id`);--> statement-breakpoint
CREATE INDEX `members_org_status_sort` ON `members` (`org_id`,`status`,`sort_name`,`id`);--> statement-breakpoint
CREATE INDEX `members_person` ON `members` (`person_id`);--> statement-breakpoint
CREATE TABLE `mileage_rates` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`year` integer NOT NULL,
	`rate_milli` integer NOT NULL,
	`previous_rate_milli` integer,
	`set_by` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`set_by`) REFERENCES `directory_people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `mileage_rates_org_year` ON `mileage_rates` (`org_id`,`year`,`created_at`);--> statement-breakpoint
CREATE TABLE `organizations` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text,
	`name` text NOT NULL,
	`domains` text DEFAULT '[]' NOT NULL,
	`directory_delta_link` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `organizations_tenant_id_unique` ON `organizations` (`tenant_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `organizations_name_unique` ON `organizations` (`name`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`person_id` text NOT NULL,
	`org_id` text NOT NULL,
	`roles` text DEFAULT '[]' NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`person_id`) REFERENCES `directory_people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `sessions_person` ON `sessions` (`person_id`);--> statement-breakpoint
CREATE TABLE `webhook_events` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
