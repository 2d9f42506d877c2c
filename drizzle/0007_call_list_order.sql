DROP INDEX "calls_published_idx";--> statement-breakpoint
CREATE INDEX "calls_published_idx" ON "calls" USING btree ("published_at" DESC NULLS LAST,"id" DESC NULLS LAST);