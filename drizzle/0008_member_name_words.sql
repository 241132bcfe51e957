CREATE TABLE `member_name_words` (
	`org_id` text NOT NULL,
	`word` text NOT NULL,
	`sort_name` text NOT NULL,
	`member_id` text NOT NULL,
	`status` text NOT NULL,
	PRIMARY KEY(`org_id`, `word`, `sort_name`, `member_id`)
) WITHOUT ROWID;
