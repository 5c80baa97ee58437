-- Retention (issue 28): the Cron Trigger's hourly clean-up reads only what it deletes.
-- Pending addresses by when their confirmation mail went out (a link expires after 48 hours).
CREATE INDEX subscribers_pending ON subscribers (confirm_sent_at) WHERE confirmed_at IS NULL;
-- Delivery claims by age: kept 14 days (longer than a queue message can live), then deleted;
-- `mailings` keeps each release from ever being mailed again.
CREATE INDEX deliveries_sent_at ON deliveries (sent_at);
