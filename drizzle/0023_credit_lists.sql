CREATE TABLE "credit_appeals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"entry_id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"reasons" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"decision_reason" text,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"created_by" uuid,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "credit_entries" ADD COLUMN "reason_code" text DEFAULT 'other' NOT NULL;--> statement-breakpoint
ALTER TABLE "credit_entries" ADD COLUMN "document_no" text;--> statement-breakpoint
ALTER TABLE "credit_entries" ADD COLUMN "decided_on" date;--> statement-breakpoint
ALTER TABLE "credit_entries" ADD COLUMN "status" text DEFAULT 'listed' NOT NULL;--> statement-breakpoint
ALTER TABLE "credit_entries" ADD COLUMN "origin" text DEFAULT 'admin' NOT NULL;--> statement-breakpoint
ALTER TABLE "credit_entries" ADD COLUMN "project_id" uuid;--> statement-breakpoint
ALTER TABLE "credit_entries" ADD COLUMN "decision_note" text;--> statement-breakpoint
ALTER TABLE "credit_entries" ADD COLUMN "decision_by" uuid;--> statement-breakpoint
ALTER TABLE "credit_entries" ADD COLUMN "removed_on" date;--> statement-breakpoint
ALTER TABLE "credit_entries" ADD COLUMN "created_by" uuid;--> statement-breakpoint
ALTER TABLE "credit_entries" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "credit_appeals" ADD CONSTRAINT "credit_appeals_entry_id_credit_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."credit_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_appeals" ADD CONSTRAINT "credit_appeals_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "credit_appeals_entry_idx" ON "credit_appeals" USING btree ("entry_id");--> statement-breakpoint
CREATE INDEX "credit_appeals_status_idx" ON "credit_appeals" USING btree ("status");--> statement-breakpoint
CREATE UNIQUE INDEX "credit_appeals_open_idx" ON "credit_appeals" USING btree ("entry_id") WHERE status = 'open';--> statement-breakpoint
ALTER TABLE "credit_entries" ADD CONSTRAINT "credit_entries_project_id_contracts_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."contracts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "credit_status_idx" ON "credit_entries" USING btree ("status","list");--> statement-breakpoint
CREATE UNIQUE INDEX "credit_project_reason_idx" ON "credit_entries" USING btree ("project_id","list","reason_code") WHERE origin = 'system';--> statement-breakpoint
-- The rows entered before this migration (eligibility read them): decided on their first day; one
-- with a removal recorded is removed from that day on (Asia/Shanghai).
UPDATE "credit_entries" SET "decided_on" = "starts_on" WHERE "decided_on" IS NULL;--> statement-breakpoint
UPDATE "credit_entries"
  SET "status" = 'removed', "removed_on" = ("removed_at" AT TIME ZONE 'Asia/Shanghai')::date
  WHERE "removed_at" IS NOT NULL;
