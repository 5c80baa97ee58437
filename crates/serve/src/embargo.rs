//! Journalists' personal links, `/embargo/{key}/…` (issue 29): which public path each one
//! stands for. The adapter checks the key against the media list in D1
//! (`contract::journalist`), then serves the rewritten path with
//! [`RequestFacts::embargo`](crate::http::RequestFacts::embargo) set, which opens the
//! publisher's releases under embargo and its private feed of them. A key that does not
//! check is never rewritten: the path stays unknown, a 404 like any other. Also the embargo
//! notices the Cron Trigger mails to the media list ([`notice_mails`], [`sql`]).

use contract::route::FEED_FILES;

/// The first segment of every personal link.
pub const PREFIX: &str = "/embargo/";

/// A personal link, taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link<'a> {
    /// The key, as given (checked by the adapter).
    pub key: &'a str,
    /// What it opens.
    pub target: Target<'a>,
}

/// What a personal link opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target<'a> {
    /// `/embargo/{key}/releases/{slug}`: one release, before its moment too.
    Release(&'a str),
    /// `/embargo/{key}/feed.xml` (or `atom.xml`, `feed.json`): the publisher's releases
    /// still under embargo.
    Feed(&'a str),
    /// `/embargo/{key}/media/{file}`: a release's image or attachment (public files; the
    /// private feed's links point here).
    Media(&'a str),
}

/// `path` as a personal link, if it has one's shape.
pub fn parse(path: &str) -> Option<Link<'_>> {
    let rest = path.strip_prefix(PREFIX)?;
    let (key, rest) = rest.split_once('/')?;
    if key.is_empty() {
        return None;
    }
    let target = if let Some(slug) = rest.strip_prefix("releases/") {
        contract::slug::is_valid(slug).then_some(Target::Release(slug))?
    } else if let Some(file) = rest.strip_prefix("media/") {
        (!file.is_empty()).then_some(Target::Media(file))?
    } else {
        FEED_FILES.iter().any(|(f, _)| *f == rest).then_some(Target::Feed(rest))?
    };
    Some(Link { key, target })
}

impl Link<'_> {
    /// The public path it is served as, for a key on `publisher`'s media list.
    pub fn rewritten(&self, publisher: &str) -> String {
        match self.target {
            Target::Release(slug) => format!("/releases/{slug}"),
            Target::Feed(file) => format!("/publishers/{publisher}/{file}"),
            Target::Media(file) => format!("/media/{file}"),
        }
    }

    /// `/embargo/{key}`: where the key's own links start.
    pub fn base(&self) -> String {
        format!("{PREFIX}{}", self.key)
    }
}

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
/// `journalists` of its publisher, in `lang`, each linking through the journalist's own
/// key (signed with `secret`) on `origin`. None once the moment has come (`now`): the
/// release is public then.
pub fn notice_mails(
    record: &[u8],
    journalists: &[Journalist],
    origin: &str,
    lang: &str,
    secret: &[u8],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<(i64, contract::subscription::Address, render::mail::Mail)>, crate::delivery::DeliveryError> {
    use crate::delivery::DeliveryError;
    let record: contract::model::MailRecord =
        crate::respond::decode("mail", record).map_err(|e| DeliveryError::Record(e.to_string()))?;
    if record.at <= now {
        return Ok(Vec::new());
    }
    let Some(parts) = render::mail::ahead::parts_in(&record, lang) else {
        return Err(DeliveryError::Record("the mail record has no English mail".into()));
    };
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

/// The statements the adapter runs on D1 (`migrations/0004_media.sql`).
pub mod sql {
    /// Claims the embargo notice of release `?1` (moment `?2`, now `?3`) for every journalist
    /// on publisher `?4`'s list whose key works and who has had no notice of it, ever: answers
    /// the journalists claimed now. A second trigger run claims no one again.
    pub const CLAIM_NOTICES: &str = "INSERT INTO notices (slug, journalist, moment, kind, sent_at) \
         SELECT ?1, j.id, ?2, 'notice', ?3 FROM journalists j WHERE j.publisher = ?4 AND j.revoked_at IS NULL \
         AND (j.until IS NULL OR j.until > ?3) \
         AND NOT EXISTS (SELECT 1 FROM notices n WHERE n.slug = ?1 AND n.journalist = j.id) \
         ON CONFLICT (slug, journalist, moment, kind) DO NOTHING RETURNING journalist";
    /// The journalists of the JSON array of ids `?1`: id, address, key version.
    pub const JOURNALISTS: &str =
        "SELECT id, address, key_version FROM journalists WHERE id IN (SELECT value FROM json_each(?1))";
    /// Gives back the notice claims of release `?1` for the ids of the JSON array `?2` (not
    /// sent, to be tried at the next run).
    pub const GIVE_BACK_NOTICES: &str =
        "DELETE FROM notices WHERE slug = ?1 AND kind = 'notice' AND journalist IN (SELECT value FROM json_each(?2))";

    /// A row if journalist `?1` of publisher `?2` with key version `?3` may use its key at
    /// `?4` (RFC 3339): not revoked, not past its `until`, not given a newer key.
    pub const ACTIVE: &str = "SELECT id FROM journalists WHERE id = ?1 AND publisher = ?2 AND key_version = ?3 \
         AND revoked_at IS NULL AND (until IS NULL OR until > ?4)";
    /// Counts one release shown to journalist `?1` (a `200` through its key; feeds polled
    /// are not counted: a reader polls on its own).
    pub const COUNT_OPEN: &str = "UPDATE journalists SET opens = opens + 1 WHERE id = ?1";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_links_stand_for_public_paths() {
        let l = parse("/embargo/7.0123456789abcdef0123456789abcdef/releases/uusi-tiedote").unwrap();
        assert_eq!(l.key, "7.0123456789abcdef0123456789abcdef");
        assert_eq!(l.rewritten("kymsote"), "/releases/uusi-tiedote");
        assert_eq!(l.base(), "/embargo/7.0123456789abcdef0123456789abcdef");
        assert_eq!(parse("/embargo/k/atom.xml").unwrap().rewritten("kymsote"), "/publishers/kymsote/atom.xml");
        assert_eq!(parse("/embargo/k/media/kuva.jpg").unwrap().rewritten("kymsote"), "/media/kuva.jpg");
    }

    #[test]
    fn anything_else_is_not_a_personal_link() {
        for path in [
            "/embargo/",
            "/embargo/k",
            "/embargo//releases/x",
            "/embargo/k/releases/",
            "/embargo/k/releases/../../x",
            "/embargo/k/feed.rss",
            "/embargo/k/media/",
            "/embargo/k/publishers/x",
            "/releases/x",
        ] {
            assert_eq!(parse(path), None, "{path}");
        }
    }
}
