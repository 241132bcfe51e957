-- Hand-written order and data step (the generated statements, plus the UPDATE that keeps every
-- row's template): an outbox row stores its template in template_name, which an invitation email
-- with a context leaves null, and `template` is derived from it (coalesce(template_name, 'invitation')).
ALTER TABLE `mail_outbox` ADD `template_name` text;--> statement-breakpoint
UPDATE `mail_outbox` SET `template_name` = `template`;--> statement-breakpoint
ALTER TABLE `mail_outbox` DROP COLUMN `template`;--> statement-breakpoint
ALTER TABLE `mail_outbox` ADD `template` text GENERATED ALWAYS AS (coalesce(template_name, 'invitation')) VIRTUAL NOT NULL;
