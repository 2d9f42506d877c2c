-- Every bump of the public data version (migration 0009) is announced on channel data_version,
-- with the new version: the app processes LISTEN and learn it without asking on every request
-- (src/server/http/public-cache.ts). Delivered when the bumping transaction commits.
CREATE FUNCTION notify_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('data_version', NEW.version::text);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER data_version_notify AFTER UPDATE ON data_version
  FOR EACH ROW EXECUTE FUNCTION notify_data_version();
