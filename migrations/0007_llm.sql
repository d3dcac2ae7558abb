ALTER TABLE `outcomes` ADD `usage` text;--> statement-breakpoint
ALTER TABLE `outcomes` ADD `input_tokens` integer;--> statement-breakpoint
ALTER TABLE `outcomes` ADD `output_tokens` integer;--> statement-breakpoint
ALTER TABLE `outcomes` ADD `cost_usd` real;--> statement-breakpoint
ALTER TABLE `outcomes` ADD `ttft_ms` real;--> statement-breakpoint
ALTER TABLE `outcomes` ADD `inter_token_mean_ms` real;--> statement-breakpoint
ALTER TABLE `outcomes` ADD `inter_token_max_ms` real;