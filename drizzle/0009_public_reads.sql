-- Public reads (src/server/http/public-cache.ts). The public data version: one row, bumped once by
-- every transaction that writes a table the public pages are built from, in that transaction, so a
-- process that reads it knows whether its cached public responses are still current, whichever
-- process wrote. The triggers are deferred constraint triggers: they fire at commit, after the
-- transaction's audit entry took the audit chain's lock, so that the row lock on data_version is
-- always taken last and held only for the commit (no lock-order deadlock with the audit chain).
-- A transaction-local setting makes the bump happen once per transaction, however many rows.
CREATE TABLE "data_version" (
  "id" boolean PRIMARY KEY DEFAULT true CONSTRAINT "data_version_one_row" CHECK ("id"),
  "version" bigint NOT NULL
);
--> statement-breakpoint
INSERT INTO "data_version" ("id", "version") VALUES (true, 0);
--> statement-breakpoint
CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('sw.data_version_bumped', true) IS DISTINCT FROM 'on' THEN
    PERFORM set_config('sw.data_version_bumped', 'on', true);
    UPDATE data_version SET version = version + 1;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION create_data_version_triggers(tbl text, row_filter text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format(
    'CREATE CONSTRAINT TRIGGER %I AFTER INSERT ON %I DEFERRABLE INITIALLY DEFERRED FOR EACH ROW %s EXECUTE FUNCTION bump_data_version()',
    tbl || '_data_version_insert', tbl,
    CASE WHEN row_filter IS NULL THEN '' ELSE 'WHEN (' || replace(row_filter, '$', 'NEW') || ')' END);
  EXECUTE format(
    'CREATE CONSTRAINT TRIGGER %I AFTER UPDATE ON %I DEFERRABLE INITIALLY DEFERRED FOR EACH ROW %s EXECUTE FUNCTION bump_data_version()',
    tbl || '_data_version_update', tbl,
    CASE WHEN row_filter IS NULL THEN ''
      ELSE 'WHEN ((' || replace(row_filter, '$', 'OLD') || ') OR (' || replace(row_filter, '$', 'NEW') || '))' END);
  EXECUTE format(
    'CREATE CONSTRAINT TRIGGER %I AFTER DELETE ON %I DEFERRABLE INITIALLY DEFERRED FOR EACH ROW %s EXECUTE FUNCTION bump_data_version()',
    tbl || '_data_version_delete', tbl,
    CASE WHEN row_filter IS NULL THEN '' ELSE 'WHEN (' || replace(row_filter, '$', 'OLD') || ')' END);
  EXECUTE format(
    'CREATE TRIGGER %I AFTER TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()',
    tbl || '_data_version_truncate', tbl);
END;
$$;
--> statement-breakpoint
-- What the public routes read. Draft applications are private (a draft's autosave must not empty
-- every public cache); only call attachments are public (a stored file's row never changes). Add a
-- table here when a public page starts showing it.
SELECT create_data_version_triggers(t.name, t.row_filter) FROM (VALUES
  ('calls', NULL),
  ('call_changes', NULL),
  ('timeline_events', NULL),
  ('orgs', NULL),
  ('regions', NULL),
  ('plan_lines', NULL),
  ('publicities', NULL),
  ('objections', NULL),
  ('awards', NULL),
  ('applications', '$.status <> ''draft'''),
  ('attachments', '$.owner_type = ''call''')
) AS t(name, row_filter);
--> statement-breakpoint
DROP FUNCTION create_data_version_triggers(text, text);
--> statement-breakpoint
-- The public search through its index: a stored tsvector (computed once per write, not on every row
-- a query looks at) with its GIN index, replacing the expression index of 0003. Not declared in
-- the drizzle schema on purpose, so that `select * from calls` does not carry it. fastupdate off:
-- calls are written rarely and searched often, and PGlite (no autovacuum) would never clean up a
-- pending list, which every search then scans (100,000 bulk-inserted calls: 9 ms to find nothing).
ALTER TABLE "calls" ADD COLUMN "search_vector" tsvector GENERATED ALWAYS AS (to_tsvector('simple', "search_text")) STORED;
--> statement-breakpoint
CREATE INDEX "calls_search_vector_idx" ON "calls" USING gin ("search_vector") WITH (fastupdate = off);
--> statement-breakpoint
DROP INDEX "calls_search_idx";
