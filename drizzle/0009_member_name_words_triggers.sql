-- The Users search's words (member_name_words, see schema.ts), kept by triggers like member_counts:
-- every word of a member's sort name but the first. A word is what lies between the characters
-- of NAME_SEPARATORS (src/domain/member-search.ts: space - , . ( ) / "); the name becomes a JSON
-- array by turning those into spaces, quoting it (json_quote escapes quotes and backslashes, never
-- makes a space) and turning each space into '","'. Empty words (two separators in a row) are
-- dropped, and json_each's key 0 (the first word) is left to sort_name's own index.
CREATE TRIGGER members_words_insert AFTER INSERT ON members BEGIN
  INSERT OR IGNORE INTO member_name_words (org_id, word, sort_name, member_id, status)
    SELECT NEW.org_id, value, NEW.sort_name, NEW.id, NEW.status FROM json_each('[' || replace(json_quote(replace(replace(replace(replace(replace(replace(replace(NEW.sort_name, '-', ' '), ',', ' '), '.', ' '), '(', ' '), ')', ' '), '/', ' '), '"', ' ')), ' ', '","') || ']')
    WHERE key > 0 AND value <> '';
END;
--> statement-breakpoint
CREATE TRIGGER members_words_delete AFTER DELETE ON members BEGIN
  DELETE FROM member_name_words WHERE org_id = OLD.org_id AND sort_name = OLD.sort_name AND member_id = OLD.id
    AND word IN (SELECT value FROM json_each('[' || replace(json_quote(replace(replace(replace(replace(replace(replace(replace(OLD.sort_name, '-', ' '), ',', ' '), '.', ' '), '(', ' '), ')', ' '), '/', ' '), '"', ' ')), ' ', '","') || ']'));
END;
--> statement-breakpoint
CREATE TRIGGER members_words_rename AFTER UPDATE OF sort_name, org_id ON members
  WHEN OLD.sort_name IS NOT NEW.sort_name OR OLD.org_id IS NOT NEW.org_id BEGIN
  DELETE FROM member_name_words WHERE org_id = OLD.org_id AND sort_name = OLD.sort_name AND member_id = OLD.id
    AND word IN (SELECT value FROM json_each('[' || replace(json_quote(replace(replace(replace(replace(replace(replace(replace(OLD.sort_name, '-', ' '), ',', ' '), '.', ' '), '(', ' '), ')', ' '), '/', ' '), '"', ' ')), ' ', '","') || ']'));
  INSERT OR IGNORE INTO member_name_words (org_id, word, sort_name, member_id, status)
    SELECT NEW.org_id, value, NEW.sort_name, NEW.id, NEW.status FROM json_each('[' || replace(json_quote(replace(replace(replace(replace(replace(replace(replace(NEW.sort_name, '-', ' '), ',', ' '), '.', ' '), '(', ' '), ')', ' '), '/', ' '), '"', ' ')), ' ', '","') || ']')
    WHERE key > 0 AND value <> '';
END;
--> statement-breakpoint
-- A status change alone (archive, join, invite again) rewrites the status in place.
CREATE TRIGGER members_words_status AFTER UPDATE OF status ON members
  WHEN OLD.status IS NOT NEW.status AND OLD.sort_name IS NEW.sort_name AND OLD.org_id IS NEW.org_id BEGIN
  UPDATE member_name_words SET status = NEW.status WHERE org_id = NEW.org_id AND sort_name = NEW.sort_name AND member_id = NEW.id
    AND word IN (SELECT value FROM json_each('[' || replace(json_quote(replace(replace(replace(replace(replace(replace(replace(NEW.sort_name, '-', ' '), ',', ' '), '.', ' '), '(', ' '), ')', ' '), '/', ' '), '"', ' ')), ' ', '","') || ']'));
END;
--> statement-breakpoint
INSERT OR IGNORE INTO member_name_words (org_id, word, sort_name, member_id, status)
  SELECT m.org_id, w.value, m.sort_name, m.id, m.status FROM members m, json_each('[' || replace(json_quote(replace(replace(replace(replace(replace(replace(replace(m.sort_name, '-', ' '), ',', ' '), '.', ' '), '(', ' '), ')', ' '), '/', ' '), '"', ' ')), ' ', '","') || ']') w
  WHERE w.key > 0 AND w.value <> '';
