-- Hand-written order and data steps (the generated statements, plus the UPDATEs that carry rows
-- queued before this migration over): such a row keeps its rendered email as the parameters of the
-- `stored` template, which sends it as it was rendered (src/domain/mail-templates.ts), and its
-- key becomes its send key (without the invitation id, which invitation_id holds).
DROP INDEX `mail_outbox_idempotency_key_unique`;--> statement-breakpoint
DROP INDEX `mail_outbox_invitation`;--> statement-breakpoint
DROP INDEX `mail_outbox_org_created`;--> statement-breakpoint
ALTER TABLE `mail_outbox` ADD `template` text DEFAULT 'stored' NOT NULL;--> statement-breakpoint
ALTER TABLE `mail_outbox` ADD `params` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `mail_outbox` ADD `send_key` text DEFAULT '' NOT NULL;--> statement-breakpoint
UPDATE `mail_outbox` SET `params` = json_object('subject', `subject`, 'html', `html`, 'text', `text`),
  `send_key` = CASE WHEN `invitation_id` IS NOT NULL AND instr(`idempotency_key`, ':' || `invitation_id` || ':') > 0
    THEN replace(`idempotency_key`, ':' || `invitation_id` || ':', ':') ELSE `idempotency_key` END;--> statement-breakpoint
ALTER TABLE `mail_outbox` DROP COLUMN `idempotency_key`;--> statement-breakpoint
ALTER TABLE `mail_outbox` ADD `idempotency_key` text GENERATED ALWAYS AS (CASE WHEN invitation_id IS NULL OR instr(send_key, invitation_id) > 0
    THEN send_key ELSE substr(send_key, 1, instr(send_key, ':')) || invitation_id || substr(send_key, instr(send_key, ':')) END) VIRTUAL NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `mail_outbox_invitation_send` ON `mail_outbox` (`invitation_id`,`send_key`);--> statement-breakpoint
ALTER TABLE `mail_outbox` DROP COLUMN `subject`;--> statement-breakpoint
ALTER TABLE `mail_outbox` DROP COLUMN `html`;--> statement-breakpoint
ALTER TABLE `mail_outbox` DROP COLUMN `text`;--> statement-breakpoint
-- Reminders keyset on (last_sent_at, rowid): the index needs no id.
DROP INDEX `invitations_open_last_sent`;--> statement-breakpoint
CREATE INDEX `invitations_open_last_sent` ON `invitations` (`org_id`,`last_sent_at`) WHERE revoked_at IS NULL AND accepted_at IS NULL;