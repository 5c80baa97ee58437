-- Mail that is late, not only mail that failed (issue 42): each queue job whose last try the
-- provider refused as a whole (or did not answer in time) and that the queue will try again,
-- with the reason in the provider's terms (a status code, never an address). The consumer
-- writes the row at each refused try and deletes it when the job goes out; a job that reaches
-- the dead-letter queue takes its last reason into `failed_jobs`. `newsroom mail report`
-- shows both, and `/healthz` fails while a job has been refused at two tries or more.
CREATE TABLE job_tries (
  -- The queue message: `{slug} {from} {to}` (mailing::delivery::Job).
  job TEXT PRIMARY KEY,
  slug TEXT NOT NULL,
  -- Tries refused so far.
  tries INTEGER NOT NULL,
  -- Why the last one was refused, e.g. "HTTP 500" or "no answer within 20 s".
  reason TEXT NOT NULL,
  -- RFC 3339, UTC: when the last try was refused.
  last_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX job_tries_by_slug ON job_tries (slug);

-- Why a job failed at every try: its last refusal (NULL for jobs kept before this).
ALTER TABLE failed_jobs ADD COLUMN reason TEXT;
