-- Embargo notices that follow a release (issue 29): when its moment moves, the journalists
-- who were told the old one get one short update; when it is cancelled, one cancellation.
-- `subject`: the subject line the journalist got; a cancellation quotes it, since the
-- release's own records are gone by then.
ALTER TABLE notices ADD COLUMN subject TEXT;
-- `lang`: the release's language, in which the journalist was told (and is told of a change).
ALTER TABLE notices ADD COLUMN lang TEXT;
-- Every minute the trigger looks for noticed moments still ahead; rows are pruned hourly
-- two days after their moment (nothing is noticed once a release is public).
CREATE INDEX notices_by_moment ON notices (moment);
-- `notice_withdrawals`: when the trigger first found a noticed release missing (gone from
-- the schedule and from KV). Its cancellation waits until that is two minutes old, and the
-- row goes as soon as a run finds the release again (withdrawn by mistake and put back) or
-- owes it nothing more: the table holds at most the releases being withdrawn right now.
CREATE TABLE notice_withdrawals (
  slug TEXT PRIMARY KEY,
  since TEXT NOT NULL
) WITHOUT ROWID;
-- Each journalist's latest mail of each release: the one row the follow-ups go by. Where two
-- rows share a time (two trigger runs of one minute), the notice or update counts as the
-- latest, not the cancellation, so nothing is claimed twice.
CREATE VIEW latest_notices AS
  SELECT slug, journalist, moment, kind, sent_at,
    max(sent_at || CASE kind WHEN 'cancel' THEN '0' ELSE '1' END) AS rank
  FROM notices GROUP BY slug, journalist;
