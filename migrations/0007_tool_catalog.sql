CREATE TABLE `dataset_registry` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` integer NOT NULL,
	`agent_id` text NOT NULL,
	`connector` text NOT NULL,
	`dataset_key` text NOT NULL,
	`operation` text NOT NULL,
	`params` text NOT NULL,
	`cadence_minutes` integer NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`next_pull_at` text NOT NULL,
	`last_pull_at` text,
	`last_status` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `dataset_registry_key_idx` ON `dataset_registry` (`org_id`,`connector`,`dataset_key`);--> statement-breakpoint
CREATE INDEX `dataset_registry_due_idx` ON `dataset_registry` (`enabled`,`next_pull_at`);--> statement-breakpoint
CREATE TABLE `document_attachments` (
	`scope` text NOT NULL,
	`document_id` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	PRIMARY KEY(`scope`, `document_id`),
	FOREIGN KEY (`document_id`) REFERENCES `documents`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `document_attachments_document_idx` ON `document_attachments` (`document_id`);--> statement-breakpoint
CREATE TABLE `documents` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` integer NOT NULL,
	`name` text NOT NULL,
	`content_type` text NOT NULL,
	`size` integer NOT NULL,
	`sha256` text NOT NULL,
	`r2_key` text NOT NULL,
	`chunks` integer NOT NULL,
	`created_by` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `documents_org_idx` ON `documents` (`org_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `gold_marts` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` integer NOT NULL,
	`name` text NOT NULL,
	`sql` text NOT NULL,
	`result` text,
	`row_count` integer,
	`materialized_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `gold_marts_name_idx` ON `gold_marts` (`org_id`,`name`);--> statement-breakpoint
CREATE TABLE `org_search_settings` (
	`org_id` integer PRIMARY KEY NOT NULL,
	`provider` text NOT NULL,
	`url` text,
	`api_key_ciphertext` text,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `silver_mappings` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` integer NOT NULL,
	`name` text NOT NULL,
	`connector` text NOT NULL,
	`dataset_key` text NOT NULL,
	`row_path` text NOT NULL,
	`columns` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `silver_mappings_name_idx` ON `silver_mappings` (`org_id`,`name`);--> statement-breakpoint
CREATE TABLE `skill_toggles` (
	`org_id` integer NOT NULL,
	`skill_id` text NOT NULL,
	`enabled` integer NOT NULL,
	PRIMARY KEY(`org_id`, `skill_id`),
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `skills` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` integer,
	`name` text NOT NULL,
	`summary` text NOT NULL,
	`prompt` text NOT NULL,
	`parts` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`copied_from` text,
	`version` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `skills_org_idx` ON `skills` (`org_id`,`name`);--> statement-breakpoint
CREATE TABLE `subagent_runs` (
	`parent_run_id` text NOT NULL,
	`tool_call_id` text NOT NULL,
	`idx` integer NOT NULL,
	`child_run_id` text NOT NULL,
	`mode` text NOT NULL,
	`task` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	PRIMARY KEY(`parent_run_id`, `tool_call_id`, `idx`)
);
--> statement-breakpoint
CREATE TABLE `warehouse_raw` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`org_id` integer NOT NULL,
	`connector` text NOT NULL,
	`dataset_key` text NOT NULL,
	`payload` text NOT NULL,
	`size` integer NOT NULL,
	`landed_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `warehouse_raw_dataset_idx` ON `warehouse_raw` (`org_id`,`connector`,`dataset_key`,`landed_at`);