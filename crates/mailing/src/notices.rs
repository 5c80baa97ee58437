//! Embargo notices, sans-IO (issue 29): the mails the Cron Trigger sends to a publisher's
//! media list at a release's `embargo_notice` time ([`notice_mails`], with each journalist's
//! personal links, `serve::embargo`), and what follows them when the release moves or is
//! withdrawn ([`follow_ups`]: an update, a cancellation), with the SQL that claims each
//! mail once (`migrations/0004_media.sql`, `0005_notice_changes.sql`).

use serve::embargo::PREFIX;

/// A journalist to notify, as [`sql::JOURNALISTS`] reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Journalist {
    /// Row id.
    pub id: i64,
    /// Where the notice goes (checked again on the way out of D1).
    pub address: contract::subscription::Address,
    /// The row's key version.
    pub version: i64,
}

/// The embargo notices of a release (`record`: its `mail:{slug}`, rendered ahead) for
/// `journalists` of its publisher, in the release's language (`site_lang` for a record
/// that does not say), each linking through the journalist's own
/// key (signed with `secret`) on `origin`. None once the moment has come (`now`): the
/// release is public then.
pub fn notice_mails(
    record: &[u8],
    journalists: &[Journalist],
    origin: &str,
    site_lang: &str,
    secret: &[u8],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<(i64, contract::subscription::Address, render::mail::Mail)>, crate::delivery::DeliveryError> {
    use crate::delivery::DeliveryError;
    let record = mail_record(record)?;
    if record.at <= now {
        return Ok(Vec::new());
    }
    let lang = language(&record, site_lang);
    let parts = parts(&record, lang)?;
    let origin = origin.trim_end_matches('/');
    let publisher = &record.publisher;
    let mut out = Vec::new();
    for j in journalists {
        let holder = contract::journalist::Holder { publisher: &publisher.slug, id: j.id, version: j.version };
        let key = contract::journalist::key(secret, &holder).map_err(|e| DeliveryError::Mail(e.to_string()))?;
        let personal = format!("{origin}{PREFIX}{key}");
        let mail = render::mail::embargo::notice_mail(parts, origin, &personal, &record.at, lang, &publisher.name)
            .map_err(|e| DeliveryError::Mail(e.to_string()))?;
        out.push((j.id, j.address.clone(), mail));
    }
    Ok(out)
}

/// What the trigger reads from a release's `mail:{slug}` before claiming anything for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ahead {
    /// The embargo notice's subject, what D1 keeps with each notice for a later
    /// cancellation (`render::mail::embargo::notice_subject`).
    pub subject: String,
    /// The language journalists are told in: the release's ([`language`]).
    pub lang: String,
    /// The moment the record was rendered for: a record that does not match the schedule's
    /// moment (KV still propagating one of them) is left for a later run.
    pub at: chrono::DateTime<chrono::FixedOffset>,
}

/// Reads [`Ahead`] from the release's mail `record` (`site_lang` if it names no language).
pub fn ahead(record: &[u8], site_lang: &str) -> Result<Ahead, crate::delivery::DeliveryError> {
    let record = mail_record(record)?;
    let lang = language(&record, site_lang);
    let parts = parts(&record, lang)?;
    let subject = render::mail::embargo::notice_subject(&parts.subject, &record.at, lang);
    Ok(Ahead { subject, lang: lang.to_string(), at: record.at })
}

/// The language a release's journalists are told in: the release's own when the mail is
/// rendered in it (`render::mail::ahead::LANGUAGES`; `sv-FI` is told in `sv`), else the
/// site's.
pub fn language<'a>(record: &contract::model::MailRecord, site_lang: &'a str) -> &'a str {
    let primary = record.lang.as_deref().and_then(|lang| lang.split('-').next());
    render::mail::ahead::LANGUAGES
        .iter()
        .copied()
        .find(|known| primary.is_some_and(|p| p.eq_ignore_ascii_case(known)))
        .unwrap_or(site_lang)
}

fn mail_record(record: &[u8]) -> Result<contract::model::MailRecord, crate::delivery::DeliveryError> {
    serve::respond::decode("mail", record).map_err(|e| crate::delivery::DeliveryError::Record(e.to_string()))
}

fn parts<'r>(
    record: &'r contract::model::MailRecord,
    lang: &str,
) -> Result<&'r contract::model::MailParts, crate::delivery::DeliveryError> {
    render::mail::ahead::parts_in(record, lang)
        .ok_or_else(|| crate::delivery::DeliveryError::Record("the mail record has no English mail".into()))
}

/// How long after its moment a notice is kept: nothing follows a release once it is
/// public, so the table holds only what is ahead and the every-minute look stays small.
pub const NOTICES_KEPT_DAYS: i64 = 2;

/// A moment that journalists were last told of a release and that is still ahead, as
/// [`sql::NOTICED`] reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Noticed {
    /// The release.
    pub slug: String,
    /// The moment in RFC 3339, as D1 keeps it.
    pub moment: String,
}

/// What the trigger owes the journalists of a release after its notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FollowUp<'a> {
    /// The schedule has the release at another moment, still ahead: an update
    /// ([`sql::CLAIM_UPDATES`]) to each journalist never told that moment.
    Moved(&'a contract::golive::Upcoming),
    /// The schedule no longer has the release (its file was deleted or made a draft) and
    /// the moment told is still ahead: a cancellation ([`sql::CLAIM_CANCELS`]), once the
    /// adapter has seen that `release:{slug}` is gone too (a release moved earlier and
    /// public now has left the schedule as well, and is owed nothing).
    Cancelled(Noticed),
}

/// The follow-ups owed at `now`, from the go-live schedule and the moments journalists
/// were last told (`noticed`, all still ahead). A release whose moment has come is public:
/// it is owed nothing. One update per release; one cancellation per moment told.
pub fn follow_ups<'a>(
    schedule: &'a contract::golive::UpcomingRecord,
    noticed: &[Noticed],
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<FollowUp<'a>> {
    let mut out: Vec<FollowUp<'a>> = Vec::new();
    for n in noticed {
        let Ok(told) = chrono::DateTime::parse_from_rfc3339(&n.moment) else { continue };
        let follow = match schedule.releases.iter().find(|u| u.slug == n.slug) {
            Some(u) if u.at <= now || u.at == told => continue,
            Some(u) => FollowUp::Moved(u),
            None => FollowUp::Cancelled(n.clone()),
        };
        if !out.contains(&follow) {
            out.push(follow);
        }
    }
    out
}

/// `slugs` as the JSON array D1's `json_each` reads ([`sql::MISSING`], [`sql::FOUND`]).
pub fn slug_list(slugs: &[String]) -> String {
    serde_json::to_string(slugs).unwrap_or_else(|_| "[]".into())
}

/// The update mails of release `slug` whose mail is `record` (with its new moment) for
/// `journalists`, in the release's language (else `site_lang`), each linking through the
/// journalist's own key.
pub fn update_mails(
    slug: &str,
    record: &[u8],
    journalists: &[Journalist],
    (origin, site_lang): (&str, &str),
    secret: &[u8],
    pages: &contract::pages::PagesRecord,
) -> Result<Vec<(i64, contract::subscription::Address, render::mail::Mail)>, crate::delivery::DeliveryError> {
    use crate::delivery::DeliveryError;
    let record = mail_record(record)?;
    let lang = language(&record, site_lang);
    let privacy = crate::subscribe::privacy_link(pages, lang, Some(&record.publisher.slug), origin);
    let title = &parts(&record, lang)?.subject;
    let origin = origin.trim_end_matches('/');
    let mut out = Vec::new();
    for j in journalists {
        let holder = contract::journalist::Holder { publisher: &record.publisher.slug, id: j.id, version: j.version };
        let key = contract::journalist::key(secret, &holder).map_err(|e| DeliveryError::Mail(e.to_string()))?;
        let personal = format!("{origin}{PREFIX}{key}");
        let (link, feed) = (format!("{personal}/releases/{slug}"), format!("{personal}/feed.xml"));
        let change = render::mail::embargo::Change::Moved { moment: &record.at, title, link: &link, feed: &feed };
        let mail = render::mail::embargo::change_mail(&change, origin, lang, privacy.as_ref().map(|p| p.link()))
            .map_err(|e| DeliveryError::Mail(e.to_string()))?;
        out.push((j.id, j.address.clone(), mail));
    }
    Ok(out)
}

/// The cancellation mails for `journalists` of a release whose notice had `subject`, in
/// `lang` (the one they were told in, as D1 kept it), linking the site's privacy notice.
pub fn cancel_mails(
    subject: &str,
    journalists: &[Journalist],
    (origin, lang): (&str, &str),
    pages: &contract::pages::PagesRecord,
) -> Result<Vec<(i64, contract::subscription::Address, render::mail::Mail)>, crate::delivery::DeliveryError> {
    let change = render::mail::embargo::Change::Cancelled { subject };
    let privacy = crate::subscribe::privacy_link(pages, lang, None, origin);
    let mail = render::mail::embargo::change_mail(&change, origin, lang, privacy.as_ref().map(|p| p.link()))
        .map_err(|e| crate::delivery::DeliveryError::Mail(e.to_string()))?;
    Ok(journalists.iter().map(|j| (j.id, j.address.clone(), mail.clone())).collect())
}

/// The statements the adapter runs on D1 (`migrations/0004_media.sql`,
/// `migrations/0005_notice_changes.sql`). The follow-ups go by each journalist's latest mail
/// of a release, the view `latest_notices` (a notice or update before a cancellation of the
/// same time).
pub mod sql {
    /// Claims the embargo notice of release `?1` (moment `?2`, now `?3`) for every journalist
    /// on publisher `?4`'s list whose key works and who holds no notice of it: never told, or
    /// whose latest mail of it was a cancellation (the release was withdrawn and is back).
    /// Answers the journalists claimed now; a second trigger run claims no one again (D1 runs
    /// one statement at a time, and the first one's row is then the latest).
    /// `?5` is the notice's subject and `?6` its language, kept for a later cancellation.
    pub const CLAIM_NOTICES: &str = "INSERT INTO notices (slug, journalist, moment, kind, sent_at, subject, lang) \
         SELECT ?1, j.id, ?2, 'notice', ?3, ?5, ?6 FROM journalists j WHERE j.publisher = ?4 AND j.revoked_at IS NULL \
         AND (j.until IS NULL OR j.until > ?3) \
         AND coalesce((SELECT kind FROM latest_notices l WHERE l.slug = ?1 AND l.journalist = j.id), 'cancel') = 'cancel' \
         ON CONFLICT (slug, journalist, moment, kind) DO UPDATE SET sent_at = excluded.sent_at, outcome = NULL, \
         subject = excluded.subject, lang = excluded.lang RETURNING journalist";
    /// The journalists of the JSON array of ids `?1`: id, address, key version.
    pub const JOURNALISTS: &str =
        "SELECT id, address, key_version FROM journalists WHERE id IN (SELECT value FROM json_each(?1))";
    /// Gives back the claims of kind `?3` for moment `?4` of release `?1` for the ids of the
    /// JSON array `?2` (not sent, to be tried at the next run); the journalists' claims of
    /// other moments stay, so they are never told those twice.
    pub const GIVE_BACK_NOTICES: &str = "DELETE FROM notices WHERE slug = ?1 AND kind = ?3 AND moment = ?4 \
         AND journalist IN (SELECT value FROM json_each(?2))";
    /// Records outcome `?5` (`sent` or `refused`) of the mails of kind `?3` for moment `?4`
    /// of release `?1` to the journalists of the JSON array `?2`: the report's per-journalist
    /// record (`migrations/0006_delivery_reports.sql`).
    pub const SET_OUTCOME: &str = "UPDATE notices SET outcome = ?5 WHERE slug = ?1 AND kind = ?3 AND moment = ?4 \
         AND journalist IN (SELECT value FROM json_each(?2))";
    /// The moments ahead of `?1` (now, RFC 3339) that journalists were last told of each
    /// release: for each (release, journalist) its latest mail, when that was a notice or an
    /// update ([`super::Noticed`]). Latest first, then ahead: a release moved earlier and
    /// public since is not taken for one whose old moment is still ahead. A journalist whose
    /// latest mail was a cancellation is owed nothing more of that release.
    pub const NOTICED: &str = "SELECT DISTINCT slug, moment FROM latest_notices WHERE kind != 'cancel' AND moment > ?1";
    /// Claims the update of release `?1` to moment `?2` (now `?3`, subject `?4`, language
    /// `?7`) for every journalist of publisher `?5` whose key works and whose latest mail of
    /// it was a notice or update naming another moment, claimed at or before `?6`
    /// ([`SETTLED_SECONDS`] ago): answers the journalists claimed now. The wait is what keeps a
    /// schedule read from a stale KV copy (up to a minute old) from moving a moment back:
    /// any schedule read after it is at least as new as the one behind the latest mail. A
    /// moment told before and told again (moved back) is claimed again by updating the row.
    pub const CLAIM_UPDATES: &str = "INSERT INTO notices (slug, journalist, moment, kind, sent_at, subject, lang) \
         SELECT ?1, j.id, ?2, 'update', ?3, ?4, ?7 FROM journalists j JOIN latest_notices t \
         ON t.slug = ?1 AND t.journalist = j.id WHERE j.publisher = ?5 AND j.revoked_at IS NULL \
         AND (j.until IS NULL OR j.until > ?3) AND t.kind != 'cancel' AND t.moment != ?2 AND t.sent_at <= ?6 \
         ON CONFLICT (slug, journalist, moment, kind) DO UPDATE SET sent_at = excluded.sent_at, outcome = NULL, \
         subject = excluded.subject, lang = excluded.lang RETURNING journalist";
    /// Claims the cancellation of release `?1` told for moment `?2` (now `?3`) for every
    /// journalist whose key works and whose latest mail of it was a notice or update of that
    /// moment, claimed at or before `?4` ([`SETTLED_SECONDS`] ago, so that every KV read the
    /// adapter made since is newer than the publish behind it), once the release has been
    /// missing since `?5` or before ([`MISSING_SECONDS`] ago, [`MISSING`]: a release
    /// withdrawn by mistake and put back within two minutes is owed nothing, even when the
    /// run after that still reads KV's copy of a minute ago): answers the journalists
    /// claimed now.
    pub const CLAIM_CANCELS: &str = "INSERT INTO notices (slug, journalist, moment, kind, sent_at, subject) \
         SELECT ?1, j.id, ?2, 'cancel', ?3, NULL FROM journalists j JOIN latest_notices t \
         ON t.slug = ?1 AND t.journalist = j.id WHERE j.revoked_at IS NULL AND (j.until IS NULL OR j.until > ?3) \
         AND t.kind != 'cancel' AND t.moment = ?2 AND t.sent_at <= ?4 \
         AND EXISTS (SELECT 1 FROM notice_withdrawals w WHERE w.slug = ?1 AND w.since <= ?5) \
         ON CONFLICT (slug, journalist, moment, kind) DO UPDATE SET sent_at = excluded.sent_at, outcome = NULL RETURNING journalist";
    /// Notes that the releases of the JSON array `?1` were found missing at `?2` (gone from
    /// the schedule, with neither `release:` nor `gone:` in KV), unless noted earlier.
    pub const MISSING: &str = "INSERT INTO notice_withdrawals (slug, since) SELECT value, ?2 FROM json_each(?1) \
         WHERE true ON CONFLICT (slug) DO NOTHING";
    /// Forgets every noted withdrawal but those of the JSON array `?1` (the releases still
    /// missing in this run): a release found again starts over.
    pub const FOUND: &str = "DELETE FROM notice_withdrawals WHERE slug NOT IN (SELECT value FROM json_each(?1))";
    /// How long after a journalist's latest notice or update a follow-up may be claimed:
    /// longer than KV takes to propagate a publish (60 seconds).
    pub const SETTLED_SECONDS: i64 = 120;
    /// How long a release must have been missing before its cancellation is claimed: two
    /// minutes, plus the minute a KV read may lag behind a publish that put it back.
    pub const MISSING_SECONDS: i64 = 180;
    /// The subject journalists were told release `?1` under for moment `?2`, and its
    /// language (NULL when told before it was kept).
    pub const TOLD_SUBJECT: &str = "SELECT subject, lang FROM notices WHERE slug = ?1 AND moment = ?2 \
         AND kind != 'cancel' AND subject IS NOT NULL ORDER BY sent_at DESC LIMIT 1";
    /// Forgets the notices of each release all of whose moments told are before `?1` (two
    /// days ago): nothing follows them. Per release, never per row: a journalist's latest
    /// moment is what [`NOTICED`] and [`CLAIM_CANCELS`] go by, and an older one left alone
    /// would look like the latest.
    pub const PRUNE_NOTICES: &str =
        "DELETE FROM notices WHERE slug NOT IN (SELECT slug FROM notices WHERE moment >= ?1)";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_moved_moment_is_updated_and_a_vanished_release_cancelled() {
        use contract::golive::{Upcoming, UpcomingRecord};
        let at = |t: &str| chrono::DateTime::parse_from_rfc3339(t).expect("valid");
        let upcoming = |slug: &str, moment: &str| Upcoming {
            slug: slug.into(),
            at: at(moment),
            publisher: "kymsote".into(),
            keywords: vec![],
            public_at_build: false,
            notice_at: None,
            posts: Vec::new(),
        };
        let schedule = UpcomingRecord {
            v: 1,
            releases: vec![
                upcoming("same", "2026-12-05T10:00:00+02:00"),
                upcoming("moved", "2026-12-06T10:00:00+02:00"),
                upcoming("public-now", "2026-12-02T10:00:00+02:00"),
            ],
        };
        let told = |slug: &str, moment: &str| Noticed { slug: slug.into(), moment: moment.into() };
        let noticed = [
            told("same", "2026-12-05T08:00:00Z"),
            told("moved", "2026-12-05T08:00:00Z"),
            told("moved", "2026-12-04T08:00:00Z"),
            told("public-now", "2026-12-05T08:00:00Z"),
            told("gone", "2026-12-05T08:00:00Z"),
            told("gone", "2026-12-05T08:00:00Z"),
            told("unreadable", "tomorrow"),
        ];
        let now = at("2026-12-03T10:00:00+02:00").to_utc();
        let follow = follow_ups(&schedule, &noticed, now);
        assert_eq!(
            follow,
            [FollowUp::Moved(&schedule.releases[1]), FollowUp::Cancelled(told("gone", "2026-12-05T08:00:00Z"))]
        );
    }

    #[test]
    fn journalists_are_told_in_the_releases_language() {
        let record = |lang: Option<&str>| {
            let parts = |l: &str| contract::model::MailParts {
                lang: l.into(),
                subject: format!("Otsikko {l}"),
                text: String::new(),
                html: String::new(),
            };
            let record = contract::model::MailRecord {
                v: contract::model::SCHEMA_VERSION,
                at: chrono::DateTime::parse_from_rfc3339("2026-12-10T10:00:00+02:00").expect("valid"),
                publisher: contract::model::PublisherRef { slug: "kymsote".into(), name: "Kymsote".into() },
                keywords: Vec::new(),
                mails: ["fi", "sv", "en"].map(parts).to_vec(),
                lang: lang.map(String::from),
                translations: Vec::new(),
                original: true,
            };
            serde_json::to_vec(&record).expect("serializes")
        };
        let swedish = ahead(&record(Some("sv")), "fi").expect("readable");
        assert_eq!(
            (swedish.lang.as_str(), swedish.subject.as_str()),
            ("sv", "EMBARGO till 10.12.2026 kl. 10.00: Otsikko sv")
        );
        let regional = ahead(&record(Some("sv-FI")), "fi").expect("readable");
        assert_eq!(regional.lang, "sv", "a regional tag is told in its language");
        for (unsaid, why) in [(None, "built before the language was kept"), (Some("de"), "no mail in German")] {
            let told = ahead(&record(unsaid), "fi").expect("readable");
            assert_eq!(told.lang, "fi", "{why}");
            assert!(told.subject.starts_with("EMBARGO 10.12.2026 klo 10.00 saakka"), "{why}: {}", told.subject);
        }
        assert!(ahead(b"{}", "fi").is_err(), "a damaged record is an error, for the adapter to log and skip");
    }
}
