-- Social media (issue 44). `social_posts`: one row per release and announcing channel, the
-- claim the Cron Trigger makes before it posts (the primary key makes it atomic: of two runs
-- at once only one posts), then what the platform answered. `social_feeds`: one row per
-- publisher channel whose public feed the trigger fetches hourly, with the validators of the
-- last answer (ETag, Last-Modified) and the last good posts, kept when a fetch fails.
CREATE TABLE social_posts (
  slug TEXT NOT NULL,
  -- `mastodon` or `bluesky`.
  platform TEXT NOT NULL,
  publisher TEXT NOT NULL,
  -- The release's moment, RFC 3339 as the build wrote it.
  moment TEXT NOT NULL,
  -- posting (claimed, a try under way), retry (at next_at), posted, failed (reported).
  state TEXT NOT NULL,
  tries INTEGER NOT NULL,
  -- `tries` when `newsroom social retry` last started a new round of tries (0 before).
  round INTEGER NOT NULL DEFAULT 0,
  -- When the last try was claimed (RFC 3339, UTC).
  claimed_at TEXT NOT NULL,
  next_at TEXT,
  -- The platform's words about the last refusal (no credential in them).
  reason TEXT,
  -- The post's public address, once posted.
  url TEXT,
  PRIMARY KEY (slug, platform)
) WITHOUT ROWID;

CREATE TABLE social_feeds (
  publisher TEXT NOT NULL,
  platform TEXT NOT NULL,
  -- The feed's address when last fetched (a changed profile starts afresh).
  url TEXT NOT NULL,
  etag TEXT,
  last_modified TEXT,
  -- The last try, and the last good answer (RFC 3339, UTC).
  fetched_at TEXT NOT NULL,
  ok_at TEXT,
  -- The newest posts of the last good answer, as JSON (`mailing::social_feeds::Post`).
  posts TEXT,
  -- Why the last try failed, or NULL.
  error TEXT,
  PRIMARY KEY (publisher, platform)
) WITHOUT ROWID;
