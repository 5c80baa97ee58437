-- Embargoed access for accredited media (issue 29): each publisher's media list. Only what
-- the notices need: the address, the name and outlet the publisher gave, how long the access
-- lasts, whether it was revoked, and how many times the key opened something (a number, not
-- a log of who read what when). The key itself is never stored: it is derived from the row's
-- publisher, id and key version with PREVIEW_SECRET (contract::journalist), so a leaked key
-- names its row. AUTOINCREMENT: an id is never reused, so no old key matches a new row.
CREATE TABLE journalists (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  publisher TEXT NOT NULL,
  address TEXT NOT NULL COLLATE NOCASE,
  name TEXT,
  outlet TEXT,
  -- RFC 3339; the key stops working then. NULL: until revoked.
  until TEXT,
  -- RFC 3339; set by `newsroom media revoke`: refused from the next request on.
  revoked_at TEXT,
  opens INTEGER NOT NULL DEFAULT 0,
  -- Goes up when a revoked address is added again: its new key is not the revoked one.
  key_version INTEGER NOT NULL DEFAULT 1,
  added_at TEXT NOT NULL,
  UNIQUE (publisher, address)
);

-- One row per embargo mail: (release, journalist, moment, kind) is sent once, ever. A moment
-- moved later is a new row of kind 'update'; a cancelled release one of kind 'cancel'.
CREATE TABLE notices (
  slug TEXT NOT NULL,
  journalist INTEGER NOT NULL REFERENCES journalists (id) ON DELETE CASCADE,
  moment TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('notice', 'update', 'cancel')),
  sent_at TEXT NOT NULL,
  PRIMARY KEY (slug, journalist, moment, kind)
) WITHOUT ROWID;
