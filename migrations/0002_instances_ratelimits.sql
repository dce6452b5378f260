ALTER TABLE `api_keys` ADD `rate_limit_per_minute` integer;--> statement-breakpoint
ALTER TABLE `organizations` ADD `rate_limit_per_minute` integer;--> statement-breakpoint
ALTER TABLE `runs` ADD `name` text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX `runs_agent_version_created_idx` ON `runs` (`agent_id`,`agent_version`,`created_at`);--> statement-breakpoint
CREATE INDEX `runs_agent_user_created_idx` ON `runs` (`agent_id`,`user_identifier`,`created_at`);--> statement-breakpoint
CREATE INDEX `runs_agent_group_created_idx` ON `runs` (`agent_id`,`group_identifier`,`created_at`);