ALTER TABLE `mail_outbox` ADD `batch_key` text;--> statement-breakpoint
CREATE INDEX `mail_outbox_batch` ON `mail_outbox` (`batch_key`);--> statement-breakpoint
CREATE INDEX `mail_outbox_invitation` ON `mail_outbox` (`invitation_id`);