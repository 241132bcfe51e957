-- Hand-written (Drizzle has no WITHOUT ROWID, splits an index expression at its commas, and
-- writes no triggers). The Users search reads every source of matches in name order:
-- 1. member_name_words is keyed (org, first letter, status, name, member, word) instead of (org,
--    word, name, member): a search reads each status's words of its first letter in list order
--    and stops at a page. The triggers (as in 0009) now also write the word's first letter.
--    member_name_words_word keeps the word order for a narrow word (few members), sorted.
-- 2. members_org_address_initial: a one-letter search's addresses in name order, per status; only
--    addresses whose first letter is not the name's (the name's range finds the others), so it
--    holds few entries.
-- 3. members_org_sort_search (which held the address and status for a walk of the whole list,
--    now gone) becomes members_org_sort again: the list in name order.
DROP TRIGGER members_words_insert;--> statement-breakpoint
DROP TRIGGER members_words_delete;--> statement-breakpoint
DROP TRIGGER members_words_rename;--> statement-breakpoint
DROP TRIGGER members_words_status;--> statement-breakpoint
DROP TABLE `member_name_words`;--> statement-breakpoint
CREATE TABLE `member_name_words` (
	`org_id` text NOT NULL,
	`initial` text NOT NULL,
	`word` text NOT NULL,
	`sort_name` text NOT NULL,
	`member_id` text NOT NULL,
	`status` text NOT NULL,
	PRIMARY KEY(`org_id`, `initial`, `status`, `sort_name`, `member_id`, `word`)
) WITHOUT ROWID;--> statement-breakpoint
CREATE TRIGGER members_words_insert AFTER INSERT ON members BEGIN
  INSERT OR IGNORE INTO member_name_words (org_id, initial, word, sort_name, member_id, status)
    SELECT NEW.org_id, substr(value, 1, 1), value, NEW.sort_name, NEW.id, NEW.status FROM json_each('[' || replace(json_quote(replace(replace(replace(replace(replace(replace(replace(NEW.sort_name, '-', ' '), ',', ' '), '.', ' '), '(', ' '), ')', ' '), '/', ' '), '"', ' ')), ' ', '","') || ']')
    WHERE key > 0 AND value <> '';
END;
--> statement-breakpoint
CREATE TRIGGER members_words_delete AFTER DELETE ON members BEGIN
  DELETE FROM member_name_words WHERE org_id = OLD.org_id AND status = OLD.status AND sort_name = OLD.sort_name AND member_id = OLD.id
    AND initial IN (SELECT substr(value, 1, 1) FROM json_each('[' || replace(json_quote(replace(replace(replace(replace(replace(replace(replace(OLD.sort_name, '-', ' '), ',', ' '), '.', ' '), '(', ' '), ')', ' '), '/', ' '), '"', ' ')), ' ', '","') || ']'));
END;
--> statement-breakpoint
CREATE TRIGGER members_words_rename AFTER UPDATE OF sort_name, org_id ON members
  WHEN OLD.sort_name IS NOT NEW.sort_name OR OLD.org_id IS NOT NEW.org_id BEGIN
  DELETE FROM member_name_words WHERE org_id = OLD.org_id AND status = OLD.status AND sort_name = OLD.sort_name AND member_id = OLD.id
    AND initial IN (SELECT substr(value, 1, 1) FROM json_each('[' || replace(json_quote(replace(replace(replace(replace(replace(replace(replace(OLD.sort_name, '-', ' '), ',', ' '), '.', ' '), '(', ' '), ')', ' '), '/', ' '), '"', ' ')), ' ', '","') || ']'));
  INSERT OR IGNORE INTO member_name_words (org_id, initial, word, sort_name, member_id, status)
    SELECT NEW.org_id, substr(value, 1, 1), value, NEW.sort_name, NEW.id, NEW.status FROM json_each('[' || replace(json_quote(replace(replace(replace(replace(replace(replace(replace(NEW.sort_name, '-', ' '), ',', ' '), '.', ' '), '(', ' '), ')', ' '), '/', ' '), '"', ' ')), ' ', '","') || ']')
    WHERE key > 0 AND value <> '';
END;
--> statement-breakpoint
-- A status change alone (archive, join, invite again) moves the member's words to the new status.
CREATE TRIGGER members_words_status AFTER UPDATE OF status ON members
  WHEN OLD.status IS NOT NEW.status AND OLD.sort_name IS NEW.sort_name AND OLD.org_id IS NEW.org_id BEGIN
  UPDATE member_name_words SET status = NEW.status WHERE org_id = NEW.org_id AND status = OLD.status AND sort_name = NEW.sort_name AND member_id = NEW.id
    AND initial IN (SELECT substr(value, 1, 1) FROM json_each('[' || replace(json_quote(replace(replace(replace(replace(replace(replace(replace(NEW.sort_name, '-', ' '), ',', ' '), '.', ' '), '(', ' '), ')', ' '), '/', ' '), '"', ' ')), ' ', '","') || ']'));
END;
--> statement-breakpoint
INSERT OR IGNORE INTO member_name_words (org_id, initial, word, sort_name, member_id, status)
  SELECT m.org_id, substr(w.value, 1, 1), w.value, m.sort_name, m.id, m.status FROM members m, json_each('[' || replace(json_quote(replace(replace(replace(replace(replace(replace(replace(m.sort_name, '-', ' '), ',', ' '), '.', ' '), '(', ' '), ')', ' '), '/', ' '), '"', ' ')), ' ', '","') || ']') w
  WHERE w.key > 0 AND w.value <> '';--> statement-breakpoint
DROP INDEX `members_org_sort_search`;--> statement-breakpoint
CREATE INDEX `members_org_sort` ON `members` (`org_id`,`sort_name`,`id`);--> statement-breakpoint
CREATE INDEX `members_org_address_initial` ON `members` (`org_id`,substr(`email_norm`, 1, 1),`status`,`sort_name`,`id`) WHERE substr(email_norm, 1, 1) <> substr(sort_name, 1, 1);
--> statement-breakpoint
CREATE INDEX `member_name_words_word` ON `member_name_words` (`org_id`,`word`,`sort_name`,`member_id`);
