//! E-mail subscriptions, sans-IO: the subscription form's body and the confirmation and
//! unsubscribe links parsed and checked, the stored form of scopes, and the SQL the adapter
//! runs on D1 (`migrations/0002_subscriptions.sql`). The adapter (`workers/mail`'s
//! `subscribe.rs`) reads the request body, runs the statements and sends the mails. The
//! paths, the page and the privacy link are shared with the readers' Worker
//! (`serve::subscribe`, re-exported here).

use contract::subscription::{parse_scopes, Address, AddressError, Scope, ScopeError};

/// The mails (confirmation and release) and the provider's batch API, for the adapter.
pub use render::mail;
/// What both Workers share of the subscription pages.
pub use serve::subscribe::{
    language, page, privacy_link, subscribe_page, Privacy, Site, SubscribeView, CONFIRM_PATH, LANGUAGES,
    SUBSCRIBE_PATH, UNSUBSCRIBE_PATH,
};

/// Longest form body read, in bytes: an address, twenty scopes and a language fit easily.
pub const MAX_FORM_BYTES: usize = 4096;
/// The form's honeypot field: hidden from people, filled in by bots.
pub const HONEYPOT: &str = "website";

/// A valid subscription request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    /// Who subscribes.
    pub address: Address,
    /// What they subscribe to.
    pub scopes: Vec<Scope>,
    /// The language of their mails and pages: `fi`, `sv` or `en`.
    pub lang: String,
}

/// What a posted form asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Form {
    /// A person's request.
    Subscribe(Subscription),
    /// The honeypot was filled in: answered like a request, and nothing is done.
    Bot,
}

/// Why a form cannot be used; the `400` page says it to the reader.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    /// More than [`MAX_FORM_BYTES`].
    #[error("the form is longer than {MAX_FORM_BYTES} bytes")]
    TooLong,
    /// No `address` field, or more than one.
    #[error("the form must have exactly one e-mail address")]
    AddressCount,
    /// The address is not one we can send to.
    #[error("{0}")]
    Address(#[from] AddressError),
    /// A scope is unknown or missing.
    #[error("{0}")]
    Scope(#[from] ScopeError),
}

/// Parses a posted `application/x-www-form-urlencoded` body: `address`, `scope` (repeated),
/// `lang` (one of [`LANGUAGES`], else `default_lang`) and the [`HONEYPOT`].
pub fn parse_form(body: &[u8], default_lang: &str) -> Result<Form, FormError> {
    if body.len() > MAX_FORM_BYTES {
        return Err(FormError::TooLong);
    }
    let (mut addresses, mut scopes, mut lang, mut bot) = (Vec::new(), Vec::new(), None, false);
    for (name, value) in form_urlencoded::parse(body) {
        match name.as_ref() {
            "address" => addresses.push(value.into_owned()),
            "scope" => scopes.push(value.into_owned()),
            "lang" => lang = LANGUAGES.iter().find(|l| **l == value).map(|l| l.to_string()),
            HONEYPOT => bot |= !value.trim().is_empty(),
            _ => {}
        }
    }
    if bot {
        return Ok(Form::Bot);
    }
    let [address] = addresses.as_slice() else { return Err(FormError::AddressCount) };
    let address = Address::parse(address)?;
    let scopes = parse_scopes(scopes.iter().map(String::as_str))?;
    let lang = lang.unwrap_or_else(|| language(default_lang).to_string());
    Ok(Form::Subscribe(Subscription { address, scopes, lang }))
}

/// A confirmation or unsubscribe link's parameters: `a` (the address) and `t` (the token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The address the token is for.
    pub address: Address,
    /// The token, checked by the caller with `contract::subscription::verify`.
    pub token: String,
}

/// The link parameters of a query string, if both are there and the address is valid.
pub fn parse_link(query: Option<&str>) -> Option<Link> {
    let (mut address, mut token) = (None, None);
    for (name, value) in form_urlencoded::parse(query?.as_bytes()) {
        match name.as_ref() {
            "a" => address = Some(value.into_owned()),
            "t" => token = Some(value.into_owned()),
            _ => {}
        }
    }
    let token = token.filter(|t| t.len() <= 100)?;
    Some(Link { address: Address::parse(&address?).ok()?, token })
}

/// The absolute URL of a link page (`path`) for `address` with `token`.
pub fn link_url(origin: &str, path: &str, address: &Address, token: &str) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("a", address.as_str())
        .append_pair("t", token)
        .finish();
    format!("{}{path}?{query}", origin.trim_end_matches('/'))
}

/// Scopes as D1 stores them: their text forms, space-separated.
pub fn stored_scopes(scopes: &[Scope]) -> String {
    scopes.iter().map(ToString::to_string).collect::<Vec<_>>().join(" ")
}

/// Scopes as D1 stored them; a damaged one is left out (the rest still match).
pub fn read_scopes(text: &str) -> Vec<Scope> {
    text.split(' ').filter_map(|s| Scope::parse(s).ok()).collect()
}

/// Pending addresses whose last confirmation mail went out before this (RFC 3339, as D1
/// stores times) can no longer be confirmed: their link has expired.
pub fn expired_before(now: chrono::DateTime<chrono::Utc>) -> String {
    (now - chrono::Duration::hours(contract::subscription::CONFIRM_VALID_HOURS))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Whether the Cron Trigger's run at `now` also expires pending addresses: once an hour,
/// so the scan of the table is not paid every minute.
pub fn expires_pending_at(now: chrono::DateTime<chrono::Utc>) -> bool {
    use chrono::Timelike;
    now.minute() == 7
}

/// The statements the adapter runs on D1 (`migrations/0002_subscriptions.sql`).
pub mod sql {
    /// A new or renewed pending subscription (`?1` address, `?2` scopes, `?3` lang, `?4` hash
    /// of the confirmation token, `?5` now, `?6` a day ago): answers a row only when a
    /// confirmation mail is to go out: for a new address, or a pending one last mailed before
    /// `?6`. A confirmed row is never changed.
    pub const PENDING: &str = "INSERT INTO subscribers (address, scopes, lang, confirm_hash, confirm_sent_at) \
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (address) DO UPDATE SET scopes = ?2, lang = ?3, \
         confirm_hash = ?4, confirm_sent_at = ?5 WHERE confirmed_at IS NULL \
         AND (confirm_sent_at IS NULL OR confirm_sent_at < ?6) RETURNING id";
    /// Forgets that a confirmation mail went to pending `?1` address (the provider did not
    /// take it), so the next request sends one.
    pub const UNSENT: &str =
        "UPDATE subscribers SET confirm_sent_at = NULL WHERE address = ?1 AND confirmed_at IS NULL";
    /// Confirms `?1` address holding the token hashed `?2`, at `?3`; answers a row if it did.
    pub const CONFIRM: &str = "UPDATE subscribers SET confirmed_at = ?3, confirm_hash = NULL \
         WHERE address = ?1 AND confirm_hash = ?2 RETURNING id";
    /// Forgets every address never confirmed whose confirmation link has expired: pending
    /// since before `?1` (now less the link's lifetime, [`expired_before`](super::expired_before)),
    /// or whose mail never went out. Hourly, from the Cron Trigger.
    pub const EXPIRE_PENDING: &str = "DELETE FROM subscribers WHERE confirmed_at IS NULL \
         AND (confirm_sent_at IS NULL OR confirm_sent_at < ?1)";
    /// Removes `?1` address.
    pub const REMOVE: &str = "DELETE FROM subscribers WHERE address = ?1 RETURNING id";
    /// The records of mails sent to `?1` address (run with [`REMOVE`], in one batch).
    pub const REMOVE_DELIVERIES: &str =
        "DELETE FROM deliveries WHERE subscriber IN (SELECT id FROM subscribers WHERE address = ?1)";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pending_addresses_expire_with_their_link_once_an_hour() {
        let at = |t: &str| chrono::DateTime::parse_from_rfc3339(t).map(|d| d.to_utc()).unwrap_or_default();
        assert_eq!(expired_before(at("2026-12-03T10:07:00Z")), "2026-12-01T10:07:00Z");
        let hourly =
            (0..120).filter(|m| expires_pending_at(at("2026-12-03T10:00:00Z") + chrono::Duration::minutes(*m)));
        assert_eq!(hourly.count(), 2);
    }

    #[test]
    fn a_form_gives_a_subscription_or_names_its_problem() {
        let form = parse_form(b"address=Matti%40Example.FI&scope=publisher%3Akymsote&scope=all&lang=sv", "fi");
        let Ok(Form::Subscribe(s)) = form else { panic!("{form:?}") };
        assert_eq!((s.address.as_str(), s.lang.as_str()), ("Matti@example.fi", "sv"));
        assert_eq!(s.scopes, [Scope::All]);
        assert!(matches!(parse_form(b"address=x&scope=all", "fi"), Err(FormError::Address(_))));
        assert!(matches!(parse_form(b"address=a%40b.fi&scope=planet%3Ax", "fi"), Err(FormError::Scope(_))));
        assert!(matches!(
            parse_form(b"address=a%40b.fi&scope=all&address=c%40d.fi", "fi"),
            Err(FormError::AddressCount)
        ));
        assert!(matches!(parse_form(b"scope=all", "fi"), Err(FormError::AddressCount)));
        assert!(matches!(parse_form(&[b'a'; MAX_FORM_BYTES + 1], "fi"), Err(FormError::TooLong)));
        assert_eq!(parse_form(b"address=a%40b.fi&scope=all&website=http%3A%2F%2Fspam", "fi"), Ok(Form::Bot));
        let Ok(Form::Subscribe(s)) = parse_form(b"address=a%40b.fi&scope=all&lang=de", "sv-FI") else { panic!() };
        assert_eq!(s.lang, "sv", "an unknown language falls back to the site's");
    }

    #[test]
    fn links_round_trip_and_refuse_bad_parameters() {
        let address = Address::parse("matti+uutiset@example.fi").expect("valid");
        let url = link_url("https://uutiset.example.fi/", UNSUBSCRIBE_PATH, &address, "u.abc");
        assert_eq!(url, "https://uutiset.example.fi/unsubscribe?a=matti%2Buutiset%40example.fi&t=u.abc");
        let query = url.split_once('?').map(|(_, q)| q);
        assert_eq!(parse_link(query), Some(Link { address, token: "u.abc".into() }));
        assert_eq!(parse_link(Some("a=nobody&t=x")), None);
        assert_eq!(parse_link(Some("a=a%40b.fi")), None);
        assert_eq!(parse_link(None), None);
    }

    #[test]
    fn scopes_are_stored_as_text() {
        let scopes = vec![Scope::Publisher("kymsote".into()), Scope::Keyword("sote".into())];
        assert_eq!(stored_scopes(&scopes), "publisher:kymsote keyword:sote");
        assert_eq!(read_scopes("publisher:kymsote keyword:sote bogus:"), scopes);
    }
}
