"""The embargo statements of crates/mailing/src/notices.rs (module `sql`), run on SQLite (what D1
is) over every migration of migrations/: each mail claimed once per journalist however often
the trigger runs, the two-minute waits, no cancellation before a release has been missing that
long, a new notice when a cancelled release comes back, give-backs and pruning.
Run by `make unit` with python3's own sqlite3 module.

    python3 tests/sql/notices.py
"""

import glob
import os
import re
import sqlite3
import sys

os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SOURCE = "crates/mailing/src/notices.rs"
STATEMENTS = {
    m.group(1): re.sub(r"\\\n\s*", "", m.group(2))
    for m in re.finditer(r'pub const (\w+): &str =\s*"((?:[^"\\]|\\.)*)";', open(SOURCE).read(), re.S)
}
db = sqlite3.connect(":memory:")
for migration in sorted(glob.glob("migrations/*.sql")):
    db.executescript(open(migration).read())
db.execute(
    "INSERT INTO journalists (publisher, address, key_version, added_at, opens) VALUES "
    "('p', 'a@example.fi', 1, 't', 0), ('p', 'b@example.fi', 1, 't', 0), ('q', 'c@example.fi', 1, 't', 0)"
)
failures = []


def run(name, *args):
    """Runs statement `name` with as many of `args` as it has parameters; its rows."""
    sql = STATEMENTS[name]
    count = max([int(n) for n in re.findall(r"\?(\d)", sql)] or [0])
    rows = db.execute(sql, args[:count]).fetchall()
    db.commit()
    return rows


def expect(what, got, want):
    if got != want:
        failures.append(f"{what}: got {got}, want {want}")


def at(minute):
    return f"2026-12-03T08:{minute:02d}:00Z"


M1, M2 = "2026-12-10T10:00:00Z", "2026-12-12T10:00:00Z"
BOTH, NONE = [(1,), (2,)], []
expect("the notice, to the publisher's journalists", run("CLAIM_NOTICES", "s", M1, at(0), "p", "EMBARGO x", "fi"), BOTH)
expect("a second run claims no one", run("CLAIM_NOTICES", "s", M1, at(1), "p", "EMBARGO x", "fi"), NONE)
expect("the moment told", run("NOTICED", at(2)), [("s", M1)])
expect("no update within two minutes", run("CLAIM_UPDATES", "s", M2, at(1), "EMBARGO y", "p", "2026-12-03T07:59:00Z", "fi"), NONE)
expect("the update", run("CLAIM_UPDATES", "s", M2, at(5), "EMBARGO y", "p", at(3), "fi"), BOTH)
expect("the update once", run("CLAIM_UPDATES", "s", M2, at(6), "EMBARGO y", "p", at(4), "fi"), NONE)
expect("the new moment told", run("NOTICED", at(6)), [("s", M2)])
expect("no cancellation while not missing", run("CLAIM_CANCELS", "s", M2, at(10), at(8), at(7)), NONE)
run("MISSING", '["s"]', at(10))
expect("no cancellation within three minutes missing", run("CLAIM_CANCELS", "s", M2, at(12), at(10), at(9)), NONE)
run("MISSING", '["s"]', at(11))
expect("missing since it was first found so", db.execute("SELECT * FROM notice_withdrawals").fetchall(), [("s", at(10))])
expect("the cancellation", run("CLAIM_CANCELS", "s", M2, at(13), at(11), at(10)), BOTH)
expect("the cancellation once", run("CLAIM_CANCELS", "s", M2, at(14), at(12), at(11)), NONE)
expect("nothing owed after it", run("NOTICED", at(13)), NONE)
expect("no update after it", run("CLAIM_UPDATES", "s", M1, at(20), "EMBARGO x", "p", at(18), "fi"), NONE)
expect("it quotes the subject told", run("TOLD_SUBJECT", "s", M2), [("EMBARGO y", "fi")])
run("FOUND", "[]")
expect("found again: forgotten", db.execute("SELECT * FROM notice_withdrawals").fetchall(), NONE)
expect("back on the schedule: a new notice", run("CLAIM_NOTICES", "s", M2, at(20), "p", "EMBARGO y", "fi"), BOTH)
expect("the new notice once", run("CLAIM_NOTICES", "s", M2, at(21), "p", "EMBARGO y", "fi"), NONE)
expect("its moment told", run("NOTICED", at(21)), [("s", M2)])
run("MISSING", '["s"]', at(30))
expect("withdrawn again: a cancellation again", run("CLAIM_CANCELS", "s", M2, at(33), at(31), at(30)), BOTH)
run("GIVE_BACK_NOTICES", "s", "[1]", "cancel", M2)
expect("a given-back cancellation is owed again", run("NOTICED", at(34)), [("s", M2)])
expect("and claimed again", run("CLAIM_CANCELS", "s", M2, at(35), at(33), at(32)), [(1,)])
# Two runs of the same minute, one reading KV without the release (it claims the cancellation
# of journalist 1) and one with it (a new notice): the next minute must not claim it again.
run("FOUND", "[]")
expect("the new notice of the same minute", run("CLAIM_NOTICES", "s", M2, at(35), "p", "EMBARGO y", "fi"), BOTH)
expect("not claimed again on a tie", run("CLAIM_NOTICES", "s", M2, at(36), "p", "EMBARGO y", "fi"), NONE)
expect("the tie is taken as told", run("NOTICED", at(36)), [("s", M2)])
run("PRUNE_NOTICES", "2026-12-11T00:00:00Z")
expect("kept while a moment told is ahead", db.execute("SELECT count(*) FROM notices").fetchone()[0] > 0, True)
run("PRUNE_NOTICES", "2026-12-13T00:00:00Z")
expect("pruned two days after", db.execute("SELECT count(*) FROM notices").fetchone()[0], 0)

if failures:
    print(f"{SOURCE}: {len(failures)} failed:\n  " + "\n  ".join(failures), file=sys.stderr)
    sys.exit(1)
print(f"tests/sql/notices.py: {len(STATEMENTS)} statements, every check passed")
