CREATE TABLE `org_month_spend` (
	`org_id` integer NOT NULL,
	`month` text NOT NULL,
	`cost_total` real DEFAULT 0 NOT NULL,
	PRIMARY KEY(`org_id`, `month`)
);
--> statement-breakpoint
INSERT INTO `org_month_spend` (`org_id`, `month`, `cost_total`) SELECT `org_id`, substr(`created_at`, 1, 7), sum(`cost_total`) FROM `runs` GROUP BY `org_id`, substr(`created_at`, 1, 7);
--> statement-breakpoint
-- Hand-written (drizzle-kit has no triggers): the month's spend follows every change of a run's cost.
CREATE TRIGGER `runs_spend_insert` AFTER INSERT ON `runs` WHEN NEW.`cost_total` != 0 BEGIN
  INSERT INTO `org_month_spend` (`org_id`, `month`, `cost_total`) VALUES (NEW.`org_id`, substr(NEW.`created_at`, 1, 7), NEW.`cost_total`)
    ON CONFLICT (`org_id`, `month`) DO UPDATE SET `cost_total` = `cost_total` + excluded.`cost_total`;
END;
--> statement-breakpoint
CREATE TRIGGER `runs_spend_update` AFTER UPDATE OF `cost_total` ON `runs` WHEN NEW.`cost_total` != OLD.`cost_total` BEGIN
  INSERT INTO `org_month_spend` (`org_id`, `month`, `cost_total`) VALUES (NEW.`org_id`, substr(NEW.`created_at`, 1, 7), NEW.`cost_total` - OLD.`cost_total`)
    ON CONFLICT (`org_id`, `month`) DO UPDATE SET `cost_total` = `cost_total` + excluded.`cost_total`;
END;
--> statement-breakpoint
CREATE TRIGGER `runs_spend_delete` AFTER DELETE ON `runs` WHEN OLD.`cost_total` != 0 BEGIN
  UPDATE `org_month_spend` SET `cost_total` = `cost_total` - OLD.`cost_total` WHERE `org_id` = OLD.`org_id` AND `month` = substr(OLD.`created_at`, 1, 7);
END;
