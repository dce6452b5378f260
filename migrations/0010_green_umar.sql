CREATE TABLE `inbound_endpoints` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` integer NOT NULL,
	`credential_id` text NOT NULL,
	`service` text NOT NULL,
	`token_hash` text NOT NULL,
	`secret_ciphertext` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`credential_id`) REFERENCES `credentials`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `inbound_endpoints_token_hash_unique` ON `inbound_endpoints` (`token_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `inbound_endpoints_credential_idx` ON `inbound_endpoints` (`credential_id`);--> statement-breakpoint
CREATE TABLE `inbound_events` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` integer NOT NULL,
	`credential_id` text NOT NULL,
	`service` text NOT NULL,
	`type` text NOT NULL,
	`payload` text NOT NULL,
	`received_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `inbound_events_org_idx` ON `inbound_events` (`org_id`,`service`,`received_at`);--> statement-breakpoint
CREATE INDEX `inbound_events_received_idx` ON `inbound_events` (`received_at`);--> statement-breakpoint
ALTER TABLE `credentials` ADD `base_url` text;