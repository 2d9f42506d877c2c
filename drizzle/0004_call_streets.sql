ALTER TABLE "calls" ADD COLUMN "street_ids" uuid[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
CREATE INDEX "calls_street_ids_idx" ON "calls" USING gin ("street_ids");--> statement-breakpoint
CREATE INDEX "calls_published_idx" ON "calls" USING btree ("published_at");