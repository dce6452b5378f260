CREATE TABLE `agent_run_counts` (
	`agent_id` text NOT NULL,
	`agent_version` integer NOT NULL,
	`runs` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`agent_id`, `agent_version`)
);
--> statement-breakpoint
INSERT INTO `agent_run_counts` (`agent_id`, `agent_version`, `runs`) SELECT `agent_id`, `agent_version`, count(*) FROM `runs` GROUP BY `agent_id`, `agent_version`;
--> statement-breakpoint
-- Hand-written (drizzle-kit has no triggers): the counts follow every insert and delete of a run.
CREATE TRIGGER `runs_count_insert` AFTER INSERT ON `runs` BEGIN
  INSERT INTO `agent_run_counts` (`agent_id`, `agent_version`, `runs`) VALUES (NEW.`agent_id`, NEW.`agent_version`, 1)
    ON CONFLICT (`agent_id`, `agent_version`) DO UPDATE SET `runs` = `runs` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `runs_count_delete` AFTER DELETE ON `runs` BEGIN
  UPDATE `agent_run_counts` SET `runs` = `runs` - 1 WHERE `agent_id` = OLD.`agent_id` AND `agent_version` = OLD.`agent_version`;
END;
