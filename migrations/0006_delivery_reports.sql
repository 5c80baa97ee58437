-- Mail a public authority can account for (issue 42): what became of every mail, kept where
-- `newsroom mail report` and `/healthz` read it, without a log of who read what.
--
-- Each release mailing's tally, kept on its claim (which lives for ever, unlike the delivery
-- claims, pruned after 14 days): the queue jobs it was split into, the mails the provider
-- took, those it refused for good (a code, never an address), the addresses it reported
-- inactive (their subscriptions ended at once), the claims whose answer could not be read
-- (perhaps sent, never sent again), and what the bounce webhook reported later.
ALTER TABLE mailings ADD COLUMN jobs INTEGER NOT NULL DEFAULT 0;
ALTER TABLE mailings ADD COLUMN sent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE mailings ADD COLUMN refused INTEGER NOT NULL DEFAULT 0;
ALTER TABLE mailings ADD COLUMN removed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE mailings ADD COLUMN unknown INTEGER NOT NULL DEFAULT 0;
ALTER TABLE mailings ADD COLUMN bounced INTEGER NOT NULL DEFAULT 0;
ALTER TABLE mailings ADD COLUMN soft_bounces INTEGER NOT NULL DEFAULT 0;
ALTER TABLE mailings ADD COLUMN complaints INTEGER NOT NULL DEFAULT 0;

-- Each embargo mail's outcome: NULL while claimed (or when the provider's answer could not
-- be read), then 'sent', 'refused' (refused for good, or an inactive address), or 'bounced'
-- (the bounce webhook, later). A claim given back to retry is deleted, as before.
ALTER TABLE notices ADD COLUMN outcome TEXT;
-- Mails claimed before this migration: what became of them was never recorded.
UPDATE notices SET outcome = 'unrecorded';

-- Queue jobs that failed at every try (the mail queue's dead-letter queue, which the mail
-- Worker consumes into this table). `newsroom mail retry` sets `retry_at`; the next Cron
-- Trigger run puts those jobs back on the queue and deletes their rows. A job re-sent mails
-- only the subscribers not yet mailed (their delivery claims).
CREATE TABLE failed_jobs (
  -- The queue message: `{slug} {from} {to}` (mailing::delivery::Job).
  job TEXT PRIMARY KEY,
  slug TEXT NOT NULL,
  -- RFC 3339, UTC: when it reached the dead-letter queue.
  failed_at TEXT NOT NULL,
  -- RFC 3339, UTC: when an operator asked for it to be sent again; NULL until then.
  retry_at TEXT
) WITHOUT ROWID;
CREATE INDEX failed_jobs_by_slug ON failed_jobs (slug);
