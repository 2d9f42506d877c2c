CREATE TABLE "holiday_years" (
	"year" integer PRIMARY KEY NOT NULL,
	"notice_no" text,
	"issued_on" date,
	"holidays" jsonb NOT NULL,
	"source" text NOT NULL,
	"loaded_by" uuid,
	"loaded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"replace_reason" text,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deadline_reminders" (
	"key" text PRIMARY KEY NOT NULL,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "rectifications" ADD COLUMN "due_on_estimated" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "publicities" ADD COLUMN "closes_on_estimated" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- Every process builds its working-day calendar from holiday_years (src/server/calendar.ts) and
-- reloads it when a commit changed the table: announced on channel holiday_years.
CREATE FUNCTION notify_holiday_years() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('holiday_years', '');
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER holiday_years_notify AFTER INSERT OR UPDATE OR DELETE ON "holiday_years"
  FOR EACH STATEMENT EXECUTE FUNCTION notify_holiday_years();
--> statement-breakpoint
-- The public calendar (/api/public/calendar) is read from it: its writes bump the public data
-- version as those of the other public tables do (migration 0009).
CREATE CONSTRAINT TRIGGER holiday_years_data_version_insert AFTER INSERT ON "holiday_years"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_data_version();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER holiday_years_data_version_update AFTER UPDATE ON "holiday_years"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_data_version();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER holiday_years_data_version_delete AFTER DELETE ON "holiday_years"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_data_version();
