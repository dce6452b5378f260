ALTER TABLE `organizations` ADD `openai_base_url` text;--> statement-breakpoint
ALTER TABLE `organizations` ADD `openai_api_key_ciphertext` text;