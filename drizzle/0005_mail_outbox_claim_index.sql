DROP INDEX `mail_outbox_due`;--> statement-breakpoint
DROP INDEX `mail_outbox_batch`;--> statement-breakpoint
CREATE INDEX `mail_outbox_claim` ON `mail_outbox` (`status`,`batch_key`,`next_attempt_at`,`locked_until`);