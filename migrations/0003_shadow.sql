CREATE TABLE `shadow_examples` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`flag_key` text NOT NULL,
	`rollout_id` text,
	`request_id` text NOT NULL,
	`ts` integer NOT NULL,
	`reason` text NOT NULL,
	`similarity` real NOT NULL,
	`blue_status` integer NOT NULL,
	`green_status` integer NOT NULL,
	`blue_latency_ms` real NOT NULL,
	`green_latency_ms` real NOT NULL,
	`blue_body` text NOT NULL,
	`green_body` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `shadow_examples_flag_ts` ON `shadow_examples` (`flag_key`,`ts`);--> statement-breakpoint
ALTER TABLE `outcomes` ADD `kind` text DEFAULT 'served' NOT NULL;--> statement-breakpoint
ALTER TABLE `outcomes` ADD `similarity` real;--> statement-breakpoint
ALTER TABLE `outcomes` ADD `comparator_reason` text;--> statement-breakpoint
ALTER TABLE `outcomes` ADD `paired_latency_ms` real;--> statement-breakpoint
ALTER TABLE `outcomes` ADD `paired_status` integer;