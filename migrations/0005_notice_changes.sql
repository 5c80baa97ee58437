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
