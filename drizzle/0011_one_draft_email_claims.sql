ALTER TABLE "notifications" ADD COLUMN "email_sending_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "email_attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "email_retry_at" timestamp with time zone;--> statement-breakpoint
-- One draft per provider and call (issue 8). "新建申报" with no community chosen made a new draft
-- on every click, the index on (call, provider, community) letting nulls through. Before the new
-- index: of each provider's drafts on a call the one saved last stays; the others never saved
-- (version 1) and without attachments were empty, and are deleted; any other is set aside as
-- withdrawn, which the provider may still edit and submit. (Drafts have no audit entries to
-- follow them: only their creation was recorded.)
WITH ranked AS (
  SELECT id, version,
    row_number() OVER (PARTITION BY call_id, provider_org_id ORDER BY updated_at DESC, id DESC) AS n
  FROM applications WHERE status = 'draft'
)
DELETE FROM applications a USING ranked r
WHERE a.id = r.id AND r.n > 1 AND r.version = 1
  AND NOT EXISTS (SELECT 1 FROM attachments f WHERE f.owner_type = 'application' AND f.owner_id = a.id);
--> statement-breakpoint
WITH ranked AS (
  SELECT id,
    row_number() OVER (PARTITION BY call_id, provider_org_id ORDER BY updated_at DESC, id DESC) AS n
  FROM applications WHERE status = 'draft'
)
UPDATE applications a SET status = 'withdrawn', updated_at = now()
FROM ranked r WHERE a.id = r.id AND r.n > 1;
--> statement-breakpoint
CREATE UNIQUE INDEX "applications_one_draft_per_provider" ON "applications" USING btree ("call_id","provider_org_id") WHERE "applications"."status" = 'draft';--> statement-breakpoint
CREATE INDEX "notifications_email_pending_idx" ON "notifications" USING btree ("created_at") WHERE "notifications"."emailed_at" is null and "notifications"."email_sending_at" is null;