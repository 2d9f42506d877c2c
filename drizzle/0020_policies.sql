CREATE TABLE "policies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"title" text NOT NULL,
	"level" text NOT NULL,
	"issuer" text NOT NULL,
	"doc_number" text,
	"issued_on" date NOT NULL,
	"effective_on" date,
	"status" text DEFAULT 'current' NOT NULL,
	"status_reason" text,
	"category" text NOT NULL,
	"summary" text DEFAULT '' NOT NULL,
	"body" text DEFAULT '' NOT NULL,
	"search_text" text DEFAULT '' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "policies_issued_idx" ON "policies" USING btree ("issued_on" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "policies_level_idx" ON "policies" USING btree ("level");--> statement-breakpoint
CREATE INDEX "policies_status_idx" ON "policies" USING btree ("status");--> statement-breakpoint
-- Chinese full-text search as for calls (migration 0009): a stored tsvector of the segmented words,
-- GIN-indexed, not declared in the drizzle schema so that `select *` does not carry it.
ALTER TABLE "policies" ADD COLUMN "search_vector" tsvector GENERATED ALWAYS AS (to_tsvector('simple', "search_text")) STORED;
--> statement-breakpoint
CREATE INDEX "policies_search_vector_idx" ON "policies" USING gin ("search_vector") WITH (fastupdate = off);
--> statement-breakpoint
-- The public policy pages, a policy's attachments and the public statistics (signed contracts and
-- their current value) are served through the public cache: their writes bump the data version
-- as those of the other public tables do (migration 0009).
CREATE CONSTRAINT TRIGGER policies_data_version_insert AFTER INSERT ON "policies"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_data_version();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER policies_data_version_update AFTER UPDATE ON "policies"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_data_version();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER policies_data_version_delete AFTER DELETE ON "policies"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_data_version();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER attachments_policy_data_version_insert AFTER INSERT ON "attachments"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.owner_type = 'policy') EXECUTE FUNCTION bump_data_version();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER attachments_policy_data_version_delete AFTER DELETE ON "attachments"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.owner_type = 'policy') EXECUTE FUNCTION bump_data_version();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER contracts_signed_data_version_insert AFTER INSERT ON "contracts"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.signed_at IS NOT NULL) EXECUTE FUNCTION bump_data_version();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER contracts_signed_data_version_update AFTER UPDATE ON "contracts"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.signed_at IS NOT NULL OR NEW.signed_at IS NOT NULL) EXECUTE FUNCTION bump_data_version();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER contracts_signed_data_version_delete AFTER DELETE ON "contracts"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.signed_at IS NOT NULL) EXECUTE FUNCTION bump_data_version();
