CREATE TABLE "inspections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"call_id" uuid NOT NULL,
	"buyer_org_id" uuid NOT NULL,
	"supervisor_id" uuid NOT NULL,
	"supervisor_name" text NOT NULL,
	"supervisor_org_name" text,
	"scope" text NOT NULL,
	"findings" text NOT NULL,
	"follow_up" text NOT NULL,
	"due_on" date NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"answer" text,
	"answer_sha256" text,
	"answer_file_name" text,
	"answered_at" timestamp with time zone,
	"answered_by" uuid,
	"close_note" text,
	"closed_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "inspections" ADD CONSTRAINT "inspections_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspections" ADD CONSTRAINT "inspections_buyer_org_id_orgs_id_fk" FOREIGN KEY ("buyer_org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspections" ADD CONSTRAINT "inspections_answer_sha256_files_sha256_fk" FOREIGN KEY ("answer_sha256") REFERENCES "public"."files"("sha256") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "inspections_call_idx" ON "inspections" USING btree ("call_id");--> statement-breakpoint
CREATE INDEX "inspections_buyer_idx" ON "inspections" USING btree ("buyer_org_id","status");