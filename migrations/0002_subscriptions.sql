-- E-mail subscriptions (issue 28). Only what delivery needs: the address, its scopes and
-- language, when it was confirmed, and the SHA-256 of a pending confirmation token (never
-- the token). No IP addresses, no names, no opens or clicks.
CREATE TABLE subscribers (
  id INTEGER PRIMARY KEY,
  -- As typed, domain lowercased (contract::subscription::Address); unique without case.
  address TEXT NOT NULL UNIQUE COLLATE NOCASE,
  -- Space-separated scopes: `all`, `publisher:{slug}`, `keyword:{slug}`.
  scopes TEXT NOT NULL,
  -- The language of its mails and pages (fi, sv or en).
  lang TEXT NOT NULL,
  -- RFC 3339; NULL until the address follows its confirmation link.
  confirmed_at TEXT,
  -- SHA-256 (hex) of the pending confirmation token; NULL once confirmed.
  confirm_hash TEXT,
  -- When the last confirmation mail went out: at most one a day per address.
  confirm_sent_at TEXT
);

-- One row per release ever mailed: claimed by the Cron Trigger at its moment, so a second
-- run, a correction or a moved moment never mails it again.
CREATE TABLE mailings (
  slug TEXT PRIMARY KEY,
  moment TEXT NOT NULL,
  claimed_at TEXT NOT NULL
) WITHOUT ROWID;

-- One row per (release, subscriber) mail: claimed before the provider is called, given back
-- when the provider refuses the message for a reason worth retrying.
CREATE TABLE deliveries (
  slug TEXT NOT NULL,
  subscriber INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
  sent_at TEXT NOT NULL,
  PRIMARY KEY (slug, subscriber)
) WITHOUT ROWID;
