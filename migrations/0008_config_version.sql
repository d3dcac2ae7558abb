-- One row the hot path probes instead of the whole flag index: every change of
-- a `flags` row (insert, update, delete — the kill switch, a version bump for
-- rules/overrides/segments/rollouts, a promotion) moves `version` inside the
-- same statement, hence the same D1 batch. Hand-written: drizzle-kit models no
-- triggers. The value never repeats, even after a restore to an earlier point:
-- it is max(previous + 1, the commit's clock in ms). docs/design/scaling.md
CREATE TABLE `config_version` (
	`id` integer PRIMARY KEY NOT NULL CHECK (`id` = 1),
	`version` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `config_version` (`id`, `version`) VALUES (1, CAST(unixepoch('subsec') * 1000 AS INTEGER));
--> statement-breakpoint
CREATE TRIGGER `config_version_on_flag_insert` AFTER INSERT ON `flags` BEGIN
	UPDATE `config_version` SET `version` = max(`version` + 1, CAST(unixepoch('subsec') * 1000 AS INTEGER)) WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `config_version_on_flag_update` AFTER UPDATE ON `flags` BEGIN
	UPDATE `config_version` SET `version` = max(`version` + 1, CAST(unixepoch('subsec') * 1000 AS INTEGER)) WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `config_version_on_flag_delete` AFTER DELETE ON `flags` BEGIN
	UPDATE `config_version` SET `version` = max(`version` + 1, CAST(unixepoch('subsec') * 1000 AS INTEGER)) WHERE `id` = 1;
END;
