-- Groups in the type-ahead (see schema.ts): the columns 0012 added are filled for the rows that
-- exist, then kept by triggers like member_counts.
-- Existing rows: departments normalized as SQLite can (trim, ASCII lower-case; the app's
-- normalizer writes every later value), and each person's count of invited or active members.
UPDATE directory_people SET department_norm = nullif(lower(trim(department)), '') WHERE department IS NOT NULL;
--> statement-breakpoint
UPDATE directory_people SET live_members = (SELECT count(*) FROM members m WHERE m.person_id = directory_people.id AND m.status IN ('invited', 'active'))
  WHERE id IN (SELECT person_id FROM members WHERE status IN ('invited', 'active'));
--> statement-breakpoint
-- One department group per organization and normalized name, with a random id (a UUIDv4 made here).
INSERT INTO directory_groups (id, org_id, kind, name, name_norm)
  SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-'
      || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))),
    org_id, 'department', min(department), department_norm
  FROM directory_people WHERE department_norm IS NOT NULL GROUP BY org_id, department_norm;
--> statement-breakpoint
-- live_members: a member counts while invited or active.
CREATE TRIGGER members_live_insert AFTER INSERT ON members
  WHEN NEW.person_id IS NOT NULL AND NEW.status IN ('invited', 'active') BEGIN
  UPDATE directory_people SET live_members = live_members + 1 WHERE id = NEW.person_id;
END;
--> statement-breakpoint
CREATE TRIGGER members_live_delete AFTER DELETE ON members
  WHEN OLD.person_id IS NOT NULL AND OLD.status IN ('invited', 'active') BEGIN
  UPDATE directory_people SET live_members = max(live_members - 1, 0) WHERE id = OLD.person_id;
END;
--> statement-breakpoint
CREATE TRIGGER members_live_update AFTER UPDATE OF status, person_id ON members
  WHEN (OLD.status IN ('invited', 'active')) IS NOT (NEW.status IN ('invited', 'active')) OR OLD.person_id IS NOT NEW.person_id BEGIN
  UPDATE directory_people SET live_members = max(live_members - 1, 0) WHERE id = OLD.person_id AND OLD.status IN ('invited', 'active');
  UPDATE directory_people SET live_members = live_members + 1 WHERE id = NEW.person_id AND NEW.status IN ('invited', 'active');
END;
--> statement-breakpoint
-- A person of a department nobody had yet creates its group (whoever writes the person).
CREATE TRIGGER directory_people_department_insert AFTER INSERT ON directory_people
  WHEN NEW.department_norm IS NOT NULL BEGIN
  INSERT INTO directory_groups (id, org_id, kind, name, name_norm)
    SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-'
        || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))),
      NEW.org_id, 'department', NEW.department, NEW.department_norm
    WHERE NOT EXISTS (SELECT 1 FROM directory_groups WHERE org_id = NEW.org_id AND name_norm = NEW.department_norm AND kind = 'department');
END;
--> statement-breakpoint
CREATE TRIGGER directory_people_department_update AFTER UPDATE OF department_norm ON directory_people
  WHEN NEW.department_norm IS NOT NULL AND OLD.department_norm IS NOT NEW.department_norm BEGIN
  INSERT INTO directory_groups (id, org_id, kind, name, name_norm)
    SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-'
        || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))),
      NEW.org_id, 'department', NEW.department, NEW.department_norm
    WHERE NOT EXISTS (SELECT 1 FROM directory_groups WHERE org_id = NEW.org_id AND name_norm = NEW.department_norm AND kind = 'department');
END;
--> statement-breakpoint
-- directory_group_members.eligible follows its person: enabled, not left, no invited or active member.
CREATE TRIGGER directory_people_groups_insert AFTER INSERT ON directory_people
  WHEN NEW.entra_object_id IS NOT NULL BEGIN
  UPDATE directory_group_members SET eligible = (NEW.account_enabled = 1 AND NEW.removed_at IS NULL AND NEW.live_members = 0)
    WHERE org_id = NEW.org_id AND person_oid = lower(NEW.entra_object_id);
END;
--> statement-breakpoint
CREATE TRIGGER directory_people_groups_update AFTER UPDATE OF account_enabled, removed_at, live_members, entra_object_id ON directory_people
  WHEN OLD.entra_object_id IS NOT NEW.entra_object_id
    OR (OLD.account_enabled = 1 AND OLD.removed_at IS NULL AND OLD.live_members = 0) IS NOT (NEW.account_enabled = 1 AND NEW.removed_at IS NULL AND NEW.live_members = 0) BEGIN
  UPDATE directory_group_members SET eligible = 0
    WHERE OLD.entra_object_id IS NOT NEW.entra_object_id AND org_id = OLD.org_id AND person_oid = lower(OLD.entra_object_id);
  UPDATE directory_group_members SET eligible = (NEW.account_enabled = 1 AND NEW.removed_at IS NULL AND NEW.live_members = 0)
    WHERE NEW.entra_object_id IS NOT NULL AND org_id = NEW.org_id AND person_oid = lower(NEW.entra_object_id);
END;
