//! Journalists' personal links, `/embargo/{key}/…` (issue 29): which public path each one
//! stands for. The adapter checks the key against the media list in D1
//! (`contract::journalist`, [`sql::ACTIVE`]), then serves the rewritten path with
//! [`RequestFacts::embargo`](crate::http::RequestFacts::embargo) set, which opens the
//! publisher's releases under embargo and its private feed of them. A key that does not
//! check is never rewritten: the path stays unknown, a 404 like any other. The embargo
//! notices the Cron Trigger mails to the media lists are the mail wing's (`mailing::notices`).

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

/// The statements the readers' Worker runs on the media lists (`migrations/0004_media.sql`).
pub mod sql {
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
