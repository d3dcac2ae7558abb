CREATE TABLE `flag_rules` (
	`flag_key` text NOT NULL,
	`id` text NOT NULL,
	`position` integer NOT NULL,
	`segment_key` text NOT NULL,
	`variant` text,
	`percent` real,
	PRIMARY KEY(`flag_key`, `id`),
	FOREIGN KEY (`flag_key`) REFERENCES `flags`(`key`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`segment_key`) REFERENCES `segments`(`key`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `flag_rules_segment` ON `flag_rules` (`segment_key`);--> statement-breakpoint
CREATE TABLE `flags` (
	`key` text PRIMARY KEY NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`route_method` text NOT NULL,
	`route_path` text NOT NULL,
	`route_host` text,
	`blue_origin` text NOT NULL,
	`green_origin` text NOT NULL,
	`previous_blue_origin` text,
	`timeout_ms` integer DEFAULT 10000 NOT NULL,
	`failover` integer DEFAULT false NOT NULL,
	`unit_key_source` text DEFAULT 'header' NOT NULL,
	`unit_key_name` text DEFAULT 'x-user-id' NOT NULL,
	`kill_switch` integer DEFAULT false NOT NULL,
	`kill_reason` text,
	`settings` text DEFAULT '{}' NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `outcomes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ts` integer NOT NULL,
	`request_id` text NOT NULL,
	`flag_key` text NOT NULL,
	`rollout_id` text,
	`variant` text NOT NULL,
	`reason` text NOT NULL,
	`rule_id` text,
	`stage` text NOT NULL,
	`status` integer NOT NULL,
	`latency_ms` real NOT NULL,
	`error` integer NOT NULL,
	`timeout` integer NOT NULL,
	`shadow_agreement` real,
	`feedback_value` real,
	`colo` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `outcomes_flag_ts` ON `outcomes` (`flag_key`,`ts`);--> statement-breakpoint
CREATE INDEX `outcomes_request` ON `outcomes` (`request_id`);--> statement-breakpoint
CREATE TABLE `overrides` (
	`flag_key` text NOT NULL,
	`unit_key` text NOT NULL,
	`variant` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`flag_key`, `unit_key`),
	FOREIGN KEY (`flag_key`) REFERENCES `flags`(`key`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `rollouts` (
	`id` text PRIMARY KEY NOT NULL,
	`flag_key` text NOT NULL,
	`stages` text NOT NULL,
	`stage_index` integer DEFAULT 0 NOT NULL,
	`stage_started_at` integer NOT NULL,
	`hold_seconds` integer DEFAULT 600 NOT NULL,
	`state` text NOT NULL,
	`ended_at` integer,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`flag_key`) REFERENCES `flags`(`key`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `rollouts_flag_state` ON `rollouts` (`flag_key`,`state`);--> statement-breakpoint
CREATE TABLE `segments` (
	`key` text PRIMARY KEY NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`constraints` text NOT NULL,
	`negate` integer DEFAULT false NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
