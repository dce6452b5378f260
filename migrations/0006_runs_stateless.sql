ALTER TABLE `runs` ADD `stateless` integer DEFAULT false NOT NULL;
--> statement-breakpoint
UPDATE `runs` SET `stateless` = 1 WHERE `channel` = 'acp' AND json_extract(`creation`, '$.on_completion') IS NOT NULL;
