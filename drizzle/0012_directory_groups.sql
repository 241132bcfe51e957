CREATE TABLE `directory_group_members` (
	`org_id` text NOT NULL,
	`group_id` text NOT NULL,
	`person_oid` text NOT NULL,
	`eligible` integer DEFAULT false NOT NULL,
	PRIMARY KEY(`group_id`, `person_oid`),
	FOREIGN KEY (`group_id`) REFERENCES `directory_groups`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `directory_group_members_person` ON `directory_group_members` (`org_id`,`person_oid`);--> statement-breakpoint
CREATE INDEX `directory_group_members_eligible` ON `directory_group_members` (`group_id`,`eligible`);--> statement-breakpoint
CREATE TABLE `directory_groups` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`kind` text NOT NULL,
	`entra_object_id` text,
	`name` text NOT NULL,
	`name_norm` text NOT NULL,
	`nested_groups` text DEFAULT '[]' NOT NULL,
	`removed_at` integer,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `directory_groups_org_name` ON `directory_groups` (`org_id`,`name_norm`);--> statement-breakpoint
CREATE UNIQUE INDEX `directory_groups_org_oid` ON `directory_groups` (`org_id`,`entra_object_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `directory_groups_org_department` ON `directory_groups` (`org_id`,`name_norm`) WHERE kind = 'department';--> statement-breakpoint
ALTER TABLE `directory_people` ADD `department_norm` text;--> statement-breakpoint
ALTER TABLE `directory_people` ADD `live_members` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `directory_people_org_department` ON `directory_people` (`org_id`,`department_norm`,`account_enabled`,`live_members`) WHERE removed_at IS NULL AND department_norm IS NOT NULL;--> statement-breakpoint
ALTER TABLE `organizations` ADD `groups_delta_link` text;