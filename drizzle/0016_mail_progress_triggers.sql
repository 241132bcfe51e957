-- An import's emails counted per (status, delivery status) by triggers, in the statement that
-- writes the email, so the mail progress reads a few counts and the counts never part from the rows.
CREATE TRIGGER mail_outbox_import_count_insert AFTER INSERT ON mail_outbox WHEN NEW.import_id IS NOT NULL BEGIN
  INSERT INTO import_mail_counts (import_id, status, delivery_status, count) VALUES (NEW.import_id, NEW.status, coalesce(NEW.delivery_status, ''), 1)
    ON CONFLICT (import_id, status, delivery_status) DO UPDATE SET count = count + 1;
END;
--> statement-breakpoint
CREATE TRIGGER mail_outbox_import_count_delete AFTER DELETE ON mail_outbox WHEN OLD.import_id IS NOT NULL BEGIN
  UPDATE import_mail_counts SET count = count - 1
    WHERE import_id = OLD.import_id AND status = OLD.status AND delivery_status = coalesce(OLD.delivery_status, '');
END;
--> statement-breakpoint
CREATE TRIGGER mail_outbox_import_count_update AFTER UPDATE OF status, delivery_status, import_id ON mail_outbox
  WHEN (OLD.import_id IS NOT NULL OR NEW.import_id IS NOT NULL)
    AND (OLD.status IS NOT NEW.status OR OLD.delivery_status IS NOT NEW.delivery_status OR OLD.import_id IS NOT NEW.import_id) BEGIN
  UPDATE import_mail_counts SET count = count - 1
    WHERE OLD.import_id IS NOT NULL AND import_id = OLD.import_id AND status = OLD.status AND delivery_status = coalesce(OLD.delivery_status, '');
  INSERT INTO import_mail_counts (import_id, status, delivery_status, count)
    SELECT NEW.import_id, NEW.status, coalesce(NEW.delivery_status, ''), 1 WHERE NEW.import_id IS NOT NULL
    ON CONFLICT (import_id, status, delivery_status) DO UPDATE SET count = count + 1;
END;
