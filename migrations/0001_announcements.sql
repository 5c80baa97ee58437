-- Go-live announcements (issue 27): one row per release and moment the Cron Trigger has
-- announced to the WebSub hub. The primary key makes the claim atomic: of two runs that
-- see the same moment pass, only one inserts the row, and only that one pings the hub.
-- A moment moved later is a new row, so the release is announced again at its new moment.
CREATE TABLE announcements (
  slug TEXT NOT NULL,
  -- The release's moment of publication, RFC 3339 as the build wrote it.
  moment TEXT NOT NULL,
  -- When the trigger claimed it (RFC 3339, UTC).
  claimed_at TEXT NOT NULL,
  PRIMARY KEY (slug, moment)
) WITHOUT ROWID;
