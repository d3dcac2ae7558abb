ALTER TABLE `outcomes` ADD `error_class` text;--> statement-breakpoint
ALTER TABLE `outcomes` ADD `first_byte_ms` real;--> statement-breakpoint
ALTER TABLE `outcomes` ADD `duration_ms` real;