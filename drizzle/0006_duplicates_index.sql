CREATE TABLE "duplicate_bands" (
	"band_key" text NOT NULL,
	"application_id" uuid NOT NULL,
	CONSTRAINT "duplicate_bands_band_key_application_id_pk" PRIMARY KEY("band_key","application_id")
);
--> statement-breakpoint
CREATE TABLE "duplicate_fingerprints" (
	"application_id" uuid PRIMARY KEY NOT NULL,
	"version" integer NOT NULL,
	"shingles" jsonb NOT NULL,
	"indexed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "duplicate_hits" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"application_id" uuid NOT NULL,
	"other_application_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"score" real NOT NULL,
	"detail" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "duplicate_bands" ADD CONSTRAINT "duplicate_bands_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "duplicate_fingerprints" ADD CONSTRAINT "duplicate_fingerprints_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "duplicate_hits" ADD CONSTRAINT "duplicate_hits_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "duplicate_hits" ADD CONSTRAINT "duplicate_hits_other_application_id_applications_id_fk" FOREIGN KEY ("other_application_id") REFERENCES "public"."applications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "duplicate_bands_application_idx" ON "duplicate_bands" USING btree ("application_id");--> statement-breakpoint
CREATE UNIQUE INDEX "duplicate_hits_unique" ON "duplicate_hits" USING btree ("application_id","other_application_id","kind");--> statement-breakpoint
CREATE INDEX "duplicate_hits_other_idx" ON "duplicate_hits" USING btree ("other_application_id");