//! A subscriber's own page, sans-IO: `/subscribe/settings?k={key}` shows what they
//! subscribe to and in which language, and saves a change (`POST`); `/unsubscribe?k={key}`
//! ends the subscription (RFC 8058's one click, or the page's button). Every release mail
//! links both. The key (`contract::subscription::subscriber_key`) is opaque: it names the
//! row, never the address, and only fits that row's address. A `GET` never changes
//! anything; a change needs the key, which only the subscriber's mail carries, so another
//! site cannot post one (the same care as the confirmation and unsubscribe links).
//!
//! A confirmed subscriber who fills in the subscription form again is sent the link to this
//! page (at most once a day), offering what they asked for: the form itself answers the
//! same as for anyone, and changes nothing without the subscriber.

use contract::subscription::{key_id, parse_scopes, Scope, MAX_SCOPES};

use crate::subscribe::{language, FormError, LANGUAGES, MAX_FORM_BYTES};

/// The settings page.
pub const SETTINGS_PATH: &str = "/subscribe/settings";

/// A key link's parameters: `k` (the key) and, on a settings link, `scope` (repeated: what
/// the subscriber asked for on the form, offered ticked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyLink {
    /// The row the key names (checked by the caller against the row's address).
    pub id: i64,
    /// The key itself.
    pub key: String,
    /// Scopes to offer besides the subscriber's own (at most `MAX_SCOPES`).
    pub offered: Vec<Scope>,
}

/// The key link of a query string, if it has a well-formed key.
pub fn parse_key_link(query: Option<&str>) -> Option<KeyLink> {
    let (mut key, mut offered) = (None, Vec::new());
    for (name, value) in form_urlencoded::parse(query?.as_bytes()) {
        match name.as_ref() {
            "k" => key = Some(value.into_owned()),
            "scope" if offered.len() < MAX_SCOPES => offered.extend(Scope::parse(&value).ok()),
            _ => {}
        }
    }
    let key = key?;
    Some(KeyLink { id: key_id(&key)?, key, offered })
}

/// True when a query string carries a key (`k`): the link is a key link, not an older
/// `a`/`t` link, which keeps working.
pub fn has_key(query: Option<&str>) -> bool {
    query.is_some_and(|q| form_urlencoded::parse(q.as_bytes()).any(|(name, _)| name == "k"))
}

/// The URL of `path` (settings or unsubscribe) on `origin` (`""`: a path) for `key`,
/// offering `offered`.
pub fn key_url(origin: &str, path: &str, key: &str, offered: &[Scope]) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("k", key);
    for scope in offered {
        query.append_pair("scope", &scope.to_string());
    }
    format!("{}{path}?{}", origin.trim_end_matches('/'), query.finish())
}

/// What the settings form saves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The topics ticked (at least one).
    pub scopes: Vec<Scope>,
    /// The language of mails and pages.
    pub lang: String,
}

/// Parses a posted settings form: `scope` (repeated, at least one) and `lang` (one of
/// [`LANGUAGES`], else `current`).
pub fn parse_settings(body: &[u8], current: &str) -> Result<Settings, FormError> {
    if body.len() > MAX_FORM_BYTES {
        return Err(FormError::TooLong);
    }
    let (mut scopes, mut lang) = (Vec::new(), None);
    for (name, value) in form_urlencoded::parse(body) {
        match name.as_ref() {
            "scope" => scopes.push(value.into_owned()),
            "lang" => lang = LANGUAGES.iter().find(|l| **l == value).map(|l| l.to_string()),
            _ => {}
        }
    }
    let scopes = parse_scopes(scopes.iter().map(String::as_str))?;
    Ok(Settings { scopes, lang: lang.unwrap_or_else(|| language(current).to_string()) })
}

/// The scopes the settings page offers: every release, the subscriber's own, and those
/// the link offers; ticked: the subscriber's own and the offered ones.
pub fn offered_scopes(own: &[Scope], offered: &[Scope]) -> (Vec<Scope>, Vec<Scope>) {
    let mut shown = vec![Scope::All];
    let mut ticked: Vec<Scope> = Vec::new();
    for scope in own.iter().chain(offered) {
        if !shown.contains(scope) {
            shown.push(scope.clone());
        }
        if !ticked.contains(scope) {
            ticked.push(scope.clone());
        }
    }
    (shown, ticked)
}

/// The statements (`migrations/0002_subscriptions.sql`).
pub mod sql {
    /// The confirmed subscriber with id `?1`: address, scopes, language.
    pub const SUBSCRIBER: &str =
        "SELECT address, scopes, lang FROM subscribers WHERE id = ?1 AND confirmed_at IS NOT NULL";
    /// Saves scopes `?3` and language `?4` of subscriber `?1` still holding address `?2`;
    /// answers a row if it did.
    pub const SAVE: &str = "UPDATE subscribers SET scopes = ?3, lang = ?4 \
         WHERE id = ?1 AND address = ?2 AND confirmed_at IS NOT NULL RETURNING id";
    /// The records of mails sent to subscriber `?1` holding address `?2` (run with
    /// [`REMOVE`], in one batch).
    pub const REMOVE_DELIVERIES: &str = "DELETE FROM deliveries WHERE subscriber = ?1 \
         AND EXISTS (SELECT 1 FROM subscribers WHERE id = ?1 AND address = ?2)";
    /// Removes subscriber `?1` holding address `?2`.
    pub const REMOVE: &str = "DELETE FROM subscribers WHERE id = ?1 AND address = ?2 RETURNING id";
    /// A confirmed address `?1` that filled in the form again: answers its id, language and
    /// address as stored (the key is signed over that one, whatever case the form used) when
    /// its settings link is to be mailed (at `?2`; at most once since `?3`, a day ago).
    pub const SETTINGS_MAIL: &str = "UPDATE subscribers SET confirm_sent_at = ?2 WHERE address = ?1 \
         AND confirmed_at IS NOT NULL AND (confirm_sent_at IS NULL OR confirm_sent_at < ?3) RETURNING id, lang, address";
    /// Forgets that a settings mail went to subscriber `?1` (the provider did not take it),
    /// so the next post of the form sends one.
    pub const SETTINGS_UNSENT: &str = "UPDATE subscribers SET confirm_sent_at = NULL WHERE id = ?1";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_links_round_trip_and_carry_no_address() {
        let url = key_url("https://x.fi/", SETTINGS_PATH, "k7.0123456789abcdef0123456789abcdef", &[Scope::All]);
        assert_eq!(url, "https://x.fi/subscribe/settings?k=k7.0123456789abcdef0123456789abcdef&scope=all");
        let query = url.split_once('?').map(|(_, q)| q);
        let link = parse_key_link(query).expect("parses");
        assert_eq!((link.id, link.offered), (7, vec![Scope::All]));
        assert!(has_key(query) && !has_key(Some("a=x%40y.fi&t=u.00")) && !has_key(None));
        assert_eq!(parse_key_link(Some("k=k7.00")), None, "a damaged key");
        assert_eq!(parse_key_link(Some("scope=all")), None);
    }

    #[test]
    fn the_settings_form_needs_a_topic_and_keeps_the_language_it_does_not_name() {
        let saved = parse_settings(b"scope=publisher%3Akymsote&scope=keyword%3Asote&lang=sv", "fi").expect("valid");
        assert_eq!(saved.scopes, [Scope::Publisher("kymsote".into()), Scope::Keyword("sote".into())]);
        assert_eq!(saved.lang, "sv");
        assert_eq!(parse_settings(b"scope=all&lang=de", "fi").expect("valid").lang, "fi");
        assert!(matches!(parse_settings(b"lang=fi", "fi"), Err(FormError::Scope(_))), "no topic: unsubscribe instead");
        assert!(matches!(parse_settings(&[b'a'; MAX_FORM_BYTES + 1], "fi"), Err(FormError::TooLong)));
    }

    #[test]
    fn the_page_offers_everything_its_own_and_what_the_form_asked() {
        let own = [Scope::Publisher("kymsote".into())];
        let (shown, ticked) = offered_scopes(&own, &[Scope::Keyword("sote".into())]);
        assert_eq!(shown, [Scope::All, own[0].clone(), Scope::Keyword("sote".into())]);
        assert_eq!(ticked, [own[0].clone(), Scope::Keyword("sote".into())]);
        let (shown, ticked) = offered_scopes(&[Scope::All], &[]);
        assert_eq!((shown, ticked), (vec![Scope::All], vec![Scope::All]));
    }
}
