ALTER TABLE `outcomes` ADD `inspection` text;--> statement-breakpoint
ALTER TABLE `outcomes` ADD `invalid_reason` text;--> statement-breakpoint
ALTER TABLE `outcomes` ADD `predicted_label` text;--> statement-breakpoint
ALTER TABLE `outcomes` ADD `predicted_value` real;