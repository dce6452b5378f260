CREATE TABLE `memory_files` (
	`org_id` integer NOT NULL,
	`user_key` text NOT NULL,
	`path` text NOT NULL,
	`content` text NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	PRIMARY KEY(`org_id`, `user_key`, `path`),
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `runs` (
	`number` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`org_id` integer NOT NULL,
	`agent_id` text NOT NULL,
	`agent_version` integer NOT NULL,
	`thread_id` text,
	`channel` text NOT NULL,
	`status` text NOT NULL,
	`model` text NOT NULL,
	`input` text NOT NULL,
	`output` text,
	`error_code` text,
	`error_message` text,
	`created_by` integer,
	`user_identifier` text,
	`group_identifier` text,
	`ip_address` text,
	`user_agent` text,
	`metadata` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`started_at` text,
	`ended_at` text,
	`time_to_first_token_ms` integer,
	`prompt_tokens` integer DEFAULT 0 NOT NULL,
	`completion_tokens` integer DEFAULT 0 NOT NULL,
	`total_tokens` integer DEFAULT 0 NOT NULL,
	`cost_prompt` real DEFAULT 0 NOT NULL,
	`cost_completion` real DEFAULT 0 NOT NULL,
	`cost_services` real DEFAULT 0 NOT NULL,
	`cost_total` real DEFAULT 0 NOT NULL,
	`currency` text DEFAULT 'USD' NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`agent_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `runs_id_unique` ON `runs` (`id`);--> statement-breakpoint
CREATE INDEX `runs_org_created_idx` ON `runs` (`org_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `runs_agent_created_idx` ON `runs` (`agent_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `runs_thread_created_idx` ON `runs` (`thread_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `runs_status_idx` ON `runs` (`status`,`created_at`);--> statement-breakpoint
CREATE TABLE `threads` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` integer NOT NULL,
	`agent_id` text,
	`created_by` integer,
	`metadata` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`agent_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `threads_org_idx` ON `threads` (`org_id`,`created_at`);