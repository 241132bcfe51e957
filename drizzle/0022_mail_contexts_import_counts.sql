-- Hand-written: the import-count triggers of drizzle/0016 find an email's import on the row
-- (emails queued before mail_contexts) or through its context (an invitation email now names its
-- import there, not on each row). Same counts, same rule: they move in the statement that moves the row.
DROP TRIGGER `mail_outbox_import_count_insert`;--> statement-breakpoint
DROP TRIGGER `mail_outbox_import_count_delete`;--> statement-breakpoint
DROP TRIGGER `mail_outbox_import_count_update`;--> statement-breakpoint
CREATE TRIGGER mail_outbox_import_count_insert AFTER INSERT ON mail_outbox
  WHEN NEW.import_id IS NOT NULL OR NEW.context_id IS NOT NULL BEGIN
  INSERT INTO import_mail_counts (import_id, status, delivery_status, count)
    SELECT imp, NEW.status, coalesce(NEW.delivery_status, ''), 1
    FROM (SELECT coalesce(NEW.import_id, (SELECT import_id FROM mail_contexts WHERE id = NEW.context_id)) AS imp) WHERE imp IS NOT NULL
    ON CONFLICT (import_id, status, delivery_status) DO UPDATE SET count = count + 1;
END;
--> statement-breakpoint
CREATE TRIGGER mail_outbox_import_count_delete AFTER DELETE ON mail_outbox
  WHEN OLD.import_id IS NOT NULL OR OLD.context_id IS NOT NULL BEGIN
  UPDATE import_mail_counts SET count = count - 1
    WHERE import_id = coalesce(OLD.import_id, (SELECT import_id FROM mail_contexts WHERE id = OLD.context_id))
      AND status = OLD.status AND delivery_status = coalesce(OLD.delivery_status, '');
END;
--> statement-breakpoint
CREATE TRIGGER mail_outbox_import_count_update AFTER UPDATE OF status, delivery_status, import_id, context_id ON mail_outbox
  WHEN (OLD.import_id IS NOT NULL OR NEW.import_id IS NOT NULL OR OLD.context_id IS NOT NULL OR NEW.context_id IS NOT NULL)
    AND (OLD.status IS NOT NEW.status OR OLD.delivery_status IS NOT NEW.delivery_status
      OR OLD.import_id IS NOT NEW.import_id OR OLD.context_id IS NOT NEW.context_id) BEGIN
  UPDATE import_mail_counts SET count = count - 1
    WHERE import_id = coalesce(OLD.import_id, (SELECT import_id FROM mail_contexts WHERE id = OLD.context_id))
      AND status = OLD.status AND delivery_status = coalesce(OLD.delivery_status, '');
  INSERT INTO import_mail_counts (import_id, status, delivery_status, count)
    SELECT imp, NEW.status, coalesce(NEW.delivery_status, ''), 1
    FROM (SELECT coalesce(NEW.import_id, (SELECT import_id FROM mail_contexts WHERE id = NEW.context_id)) AS imp) WHERE imp IS NOT NULL
    ON CONFLICT (import_id, status, delivery_status) DO UPDATE SET count = count + 1;
END;
