DROP INDEX `members_org_sort`;--> statement-breakpoint
CREATE INDEX `members_org_sort_search` ON `members` (`org_id`,`sort_name`,`id`,`email_norm`,`status`);