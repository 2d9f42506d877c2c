CREATE TABLE "activities" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"held_on" date NOT NULL,
	"place" text NOT NULL,
	"community_region_id" uuid NOT NULL,
	"type" text NOT NULL,
	"participants" jsonb NOT NULL,
	"volunteers" integer DEFAULT 0 NOT NULL,
	"volunteer_hours_deci" integer DEFAULT 0 NOT NULL,
	"description" text NOT NULL,
	"status" text DEFAULT 'reported' NOT NULL,
	"dispute_reason" text,
	"confirmed_by" uuid,
	"confirmed_at" timestamp with time zone,
	"created_by" uuid,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "indicator_reports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"indicator_index" integer NOT NULL,
	"achieved" double precision NOT NULL,
	"evidence" text NOT NULL,
	"reported_on" date NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "activities" ADD CONSTRAINT "activities_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activities" ADD CONSTRAINT "activities_community_region_id_regions_id_fk" FOREIGN KEY ("community_region_id") REFERENCES "public"."regions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "indicator_reports" ADD CONSTRAINT "indicator_reports_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "activities_project_idx" ON "activities" USING btree ("project_id","held_on");--> statement-breakpoint
CREATE INDEX "activities_community_idx" ON "activities" USING btree ("community_region_id","status");--> statement-breakpoint
CREATE INDEX "indicator_reports_project_idx" ON "indicator_reports" USING btree ("project_id","indicator_index");