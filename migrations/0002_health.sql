CREATE TABLE `decisions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`flag_key` text NOT NULL,
	`rollout_id` text NOT NULL,
	`scope` text NOT NULL,
	`action` text NOT NULL,
	`reason` text NOT NULL,
	`stage_index` integer NOT NULL,
	`rollout_version` integer NOT NULL,
	`applied` integer NOT NULL,
	`blue_ready` integer,
	`figures` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `decisions_flag` ON `decisions` (`flag_key`,`id`);--> statement-breakpoint
CREATE INDEX `decisions_rollout` ON `decisions` (`rollout_id`,`id`);--> statement-breakpoint
CREATE TABLE `health_baselines` (
	`rollout_id` text PRIMARY KEY NOT NULL,
	`flag_key` text NOT NULL,
	`captured_at` integer NOT NULL,
	`from_ms` integer NOT NULL,
	`to_ms` integer NOT NULL,
	`metrics` text NOT NULL
);
