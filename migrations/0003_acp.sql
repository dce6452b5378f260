ALTER TABLE `runs` ADD `creation` text;--> statement-breakpoint
ALTER TABLE `threads` ADD `status` text DEFAULT 'idle' NOT NULL;--> statement-breakpoint
ALTER TABLE `threads` ADD `values` text;