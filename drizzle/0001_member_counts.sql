-- Counts per (org, status) kept by triggers, so the Users page never scans members to count them.
CREATE TRIGGER members_count_insert AFTER INSERT ON members BEGIN
  INSERT INTO member_counts (org_id, status, count) VALUES (NEW.org_id, NEW.status, 1)
    ON CONFLICT (org_id, status) DO UPDATE SET count = count + 1;
END;
--> statement-breakpoint
CREATE TRIGGER members_count_delete AFTER DELETE ON members BEGIN
  UPDATE member_counts SET count = count - 1 WHERE org_id = OLD.org_id AND status = OLD.status;
END;
--> statement-breakpoint
CREATE TRIGGER members_count_update AFTER UPDATE OF status, org_id ON members
  WHEN OLD.status IS NOT NEW.status OR OLD.org_id IS NOT NEW.org_id BEGIN
  UPDATE member_counts SET count = count - 1 WHERE org_id = OLD.org_id AND status = OLD.status;
  INSERT INTO member_counts (org_id, status, count) VALUES (NEW.org_id, NEW.status, 1)
    ON CONFLICT (org_id, status) DO UPDATE SET count = count + 1;
END;
