//! E-mail subscriptions: what a reader may type into the subscription form, and the signed
//! links that confirm or end a subscription.
//!
//! - [`Address`]: an e-mail address checked and normalised from a form field.
//! - [`Scope`]: what a subscription covers (`all`, `publisher:{slug}`, `keyword:{slug}`), and
//!   [`parse_scopes`] for the form's set of them.
//! - Tokens: [`sign`] and [`verify`] (HMAC-SHA256, like [`crate::preview`]) for the double
//!   opt-in link ([`Purpose::Confirm`], valid [`CONFIRM_VALID_HOURS`]) and the one-click
//!   unsubscribe link ([`Purpose::Unsubscribe`], no expiry, bound to the address).
//!   [`token_hash`] is what D1 stores instead of a token: a leaked table opens nothing.
//!
//! Nothing here does I/O or reads a clock: times are arguments.

use std::collections::BTreeSet;
use std::fmt;

use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::preview::{hex, unhex, unhex_any};

/// Longest address accepted, in bytes (RFC 5321's limit on a forward path, less the `<>`).
pub const MAX_ADDRESS_LEN: usize = 254;
/// Longest part before the `@`, in bytes (RFC 5321, 4.5.3.1.1).
pub const MAX_LOCAL_LEN: usize = 64;
/// Longest label of a domain, in bytes (RFC 1035).
pub const MAX_LABEL_LEN: usize = 63;
/// Most scopes one subscription form may ask for.
pub const MAX_SCOPES: usize = 20;
/// How long a confirmation link works.
pub const CONFIRM_VALID_HOURS: i64 = 48;
/// Shortest secret accepted, in bytes: shorter ones disable subscriptions.
pub const MIN_SECRET_LEN: usize = 32;

/// Why a form's e-mail address was refused. The messages tell the reader what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    /// Nothing but spaces.
    #[error("Enter your e-mail address, e.g. name@example.fi.")]
    Empty,
    /// Over [`MAX_ADDRESS_LEN`] bytes.
    #[error("The e-mail address is too long: at most {MAX_ADDRESS_LEN} characters are allowed.")]
    TooLong,
    /// A space, tab or line break inside the address.
    #[error("The e-mail address contains a space; remove it.")]
    Space,
    /// An invisible control character (often pasted along with the address).
    #[error("The e-mail address contains an invisible control character; type it again.")]
    Control,
    /// No `@`.
    #[error("The e-mail address needs an @ between the name and the domain, e.g. name@example.fi.")]
    NoAt,
    /// More than one `@`.
    #[error("The e-mail address has more than one @; enter a single address.")]
    SeveralAt,
    /// Nothing before the `@`.
    #[error("The e-mail address has nothing before the @.")]
    EmptyLocal,
    /// Over [`MAX_LOCAL_LEN`] bytes before the `@`.
    #[error("The part before the @ is too long: at most {MAX_LOCAL_LEN} characters are allowed.")]
    LocalTooLong,
    /// A character that cannot appear before the `@` (quoted local parts are not accepted).
    #[error("The character ‘{0}’ cannot be used before the @: use letters a–z, digits and . _ - + and similar.")]
    LocalChar(char),
    /// A dot first, last or twice in a row before the `@`.
    #[error("The part before the @ cannot start or end with a dot or have two dots in a row.")]
    LocalDots,
    /// Nothing after the `@`.
    #[error("The e-mail address has no domain after the @, e.g. name@example.fi.")]
    EmptyDomain,
    /// A domain without a dot, like `localhost`.
    #[error("The domain after the @ needs a dot, e.g. name@example.fi.")]
    NoDot,
    /// A character that cannot appear in a domain name.
    #[error("The character ‘{0}’ cannot be used in the domain: use letters a–z, digits, hyphens and dots (write an international domain in its xn-- form).")]
    DomainChar(char),
    /// An empty label (`a..fi`, a dot first or last), a label over [`MAX_LABEL_LEN`] bytes, or
    /// one that starts or ends with a hyphen.
    #[error("The domain after the @ is not a valid name: check for extra dots or hyphens.")]
    Label,
    /// The last label is a number (`name@10.0.0.1`).
    #[error("The domain after the @ must end with a name such as .fi, not a number.")]
    NumericTld,
}

/// An e-mail address as a subscription stores it: trimmed, at most [`MAX_ADDRESS_LEN`]
/// bytes, one `@`, a dot-atom before it (ASCII, no quotes) and a domain of letters, digits
/// and hyphens with at least one dot after it, the domain in lowercase. The part before the
/// `@` keeps its case (RFC 5321 leaves it to the receiving server).
///
/// Deliberately narrower than RFC 5322: no quoted local parts, comments, IP literals or
/// raw international characters, none of which a newsroom reader needs, and each of which
/// could be misread by a mail provider's API (a comma would name a second recipient).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Address(String);

impl Address {
    /// Checks and normalises an address typed into a form.
    pub fn parse(input: &str) -> Result<Self, AddressError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(AddressError::Empty);
        }
        if text.len() > MAX_ADDRESS_LEN {
            return Err(AddressError::TooLong);
        }
        if text.chars().any(char::is_whitespace) {
            return Err(AddressError::Space);
        }
        if text.chars().any(|c| c.is_control() || is_invisible(c)) {
            return Err(AddressError::Control);
        }
        let (local, domain) = match text.split_once('@') {
            None => return Err(AddressError::NoAt),
            Some((_, domain)) if domain.contains('@') => return Err(AddressError::SeveralAt),
            Some(parts) => parts,
        };
        check_local(local)?;
        let domain = check_domain(domain)?;
        Ok(Address(format!("{local}@{domain}")))
    }

    /// The address as text, e.g. `Matti.Meikalainen@example.fi`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before the `@`.
    pub fn local(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(local, _)| local)
    }

    /// The domain after the `@`, in lowercase.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, domain)| domain)
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Address {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for Address {
    type Err = AddressError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Address {
    type Error = AddressError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Address> for String {
    fn from(a: Address) -> String {
        a.0
    }
}

/// Format characters that render as nothing (zero-width space and joiners, the BOM, bidi
/// controls): pasted with an address, they would make a different, undeliverable one.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{AD}')
}

/// `atext` of RFC 5322 (3.2.3): what a dot-atom's words are made of.
fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c)
}

fn check_local(local: &str) -> Result<(), AddressError> {
    if local.is_empty() {
        return Err(AddressError::EmptyLocal);
    }
    if local.len() > MAX_LOCAL_LEN {
        return Err(AddressError::LocalTooLong);
    }
    if let Some(bad) = local.chars().find(|&c| c != '.' && !is_atext(c)) {
        return Err(AddressError::LocalChar(bad));
    }
    if local.split('.').any(str::is_empty) {
        return Err(AddressError::LocalDots);
    }
    Ok(())
}

/// The domain in lowercase, if it is a host name with at least two labels.
fn check_domain(domain: &str) -> Result<String, AddressError> {
    if domain.is_empty() {
        return Err(AddressError::EmptyDomain);
    }
    if let Some(bad) = domain.chars().find(|&c| c != '.' && c != '-' && !c.is_ascii_alphanumeric()) {
        return Err(AddressError::DomainChar(bad));
    }
    if !domain.contains('.') {
        return Err(AddressError::NoDot);
    }
    let label_ok = |l: &str| !l.is_empty() && l.len() <= MAX_LABEL_LEN && !l.starts_with('-') && !l.ends_with('-');
    if !domain.split('.').all(label_ok) {
        return Err(AddressError::Label);
    }
    if domain.rsplit('.').next().is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit())) {
        return Err(AddressError::NumericTld);
    }
    Ok(domain.to_ascii_lowercase())
}

/// Why a form's scope was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScopeError {
    /// Not `all`, `publisher:{slug}` or `keyword:{slug}` (the value, shortened).
    #[error("Unknown subscription “{0}”: choose all releases, a publisher (publisher:{{slug}}) or a keyword (keyword:{{slug}}).")]
    Unknown(String),
    /// A publisher or keyword whose slug is not a slug (the value, shortened).
    #[error("“{0}” is not a valid name: use lowercase letters a–z, digits and single hyphens.")]
    BadSlug(String),
    /// The form named no scope at all.
    #[error("Choose at least one thing to subscribe to.")]
    None,
    /// More than [`MAX_SCOPES`] different scopes.
    #[error("Choose at most {MAX_SCOPES} subscriptions at a time.")]
    TooMany,
}

/// What a subscription covers. Its text form (`all`, `publisher:{slug}`, `keyword:{slug}`)
/// is stable: forms send it and D1 stores it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Scope {
    /// Every release of the newsroom.
    All,
    /// The releases of one publisher (its slug).
    Publisher(String),
    /// The releases with one keyword (its slug).
    Keyword(String),
}

impl Scope {
    /// Parses the text form; surrounding spaces are ignored.
    pub fn parse(text: &str) -> Result<Self, ScopeError> {
        let text = text.trim();
        let (make, slug): (fn(String) -> Scope, &str) = match text.split_once(':') {
            None if text == "all" => return Ok(Scope::All),
            Some(("publisher", slug)) => (Scope::Publisher, slug),
            Some(("keyword", slug)) => (Scope::Keyword, slug),
            _ => return Err(ScopeError::Unknown(shown(text))),
        };
        if !crate::slug::is_valid(slug) {
            return Err(ScopeError::BadSlug(shown(slug)));
        }
        Ok(make(slug.to_string()))
    }

    /// Whether a release of `publisher` (slug) with `keywords` (slugs) is in this scope.
    pub fn matches<'a>(&self, publisher: &str, mut keywords: impl Iterator<Item = &'a str>) -> bool {
        match self {
            Scope::All => true,
            Scope::Publisher(slug) => slug == publisher,
            Scope::Keyword(slug) => keywords.any(|k| k == slug),
        }
    }
}

/// At most 40 bytes of a refused value, for its error message: the form may send anything.
fn shown(text: &str) -> String {
    let cut = crate::text::cut(text, 40);
    let mut out: String = cut.chars().map(|c| if c.is_control() { '\u{FFFD}' } else { c }).collect();
    if cut.len() < text.len() {
        out.push('…');
    }
    out
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::All => f.write_str("all"),
            Scope::Publisher(slug) => write!(f, "publisher:{slug}"),
            Scope::Keyword(slug) => write!(f, "keyword:{slug}"),
        }
    }
}

impl std::str::FromStr for Scope {
    type Err = ScopeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Scope {
    type Error = ScopeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Scope> for String {
    fn from(s: Scope) -> String {
        s.to_string()
    }
}

/// The scopes a form asked for (each checkbox's value, in any order): parsed, empty values
/// skipped, duplicates removed, sorted. `all` covers everything else, so a set with `all`
/// is just `[All]`. An unknown or malformed value refuses the whole form, as do no scope at
/// all and more than [`MAX_SCOPES`] different ones (counted before `all` absorbs them, so
/// a form cannot slip in hundreds of values).
pub fn parse_scopes<'a>(values: impl IntoIterator<Item = &'a str>) -> Result<Vec<Scope>, ScopeError> {
    let mut set = BTreeSet::new();
    for value in values {
        if value.trim().is_empty() {
            continue;
        }
        set.insert(Scope::parse(value)?);
        if set.len() > MAX_SCOPES {
            return Err(ScopeError::TooMany);
        }
    }
    if set.is_empty() {
        return Err(ScopeError::None);
    }
    if set.contains(&Scope::All) {
        return Ok(vec![Scope::All]);
    }
    Ok(set.into_iter().collect())
}

/// What a token lets its holder do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Purpose {
    /// Confirm a pending subscription (the double opt-in link); must expire.
    Confirm,
    /// End a subscription (the one-click and visible unsubscribe links); need not expire.
    Unsubscribe,
}

impl Purpose {
    /// The token's first character: `c` or `u`.
    fn tag(self) -> char {
        match self {
            Purpose::Confirm => 'c',
            Purpose::Unsubscribe => 'u',
        }
    }
}

/// Why a subscription token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// No secret, or one shorter than [`MIN_SECRET_LEN`].
    #[error(
        "e-mail subscriptions are disabled: the subscription secret is missing or shorter than {MIN_SECRET_LEN} bytes"
    )]
    Disabled,
    /// Not a token of this shape or purpose (a confirmation token without an expiry too).
    #[error("the link is incomplete or damaged; copy the whole link from the e-mail")]
    Malformed,
    /// A confirmation link past its expiry.
    #[error("the link has expired; subscribe again to get a new one")]
    Expired,
    /// The MAC does not match this purpose, address and expiry.
    #[error("the link does not match this subscription")]
    Mismatch,
    /// [`sign`] was asked for a confirmation token without an expiry.
    #[error("a confirmation token must expire")]
    MustExpire,
}

/// The token for `purpose` and `address`, valid until `expires` (`None`: for ever, which
/// only [`Purpose::Unsubscribe`] allows). The shape is `{c|u}{expiry}.{64 hex digits}`,
/// with an empty expiry when there is none: URL-safe as it is.
///
/// The same arguments always give the same token, so a sender can rebuild a subscriber's
/// unsubscribe link for every mail from the address alone while D1 keeps only its
/// [`token_hash`]. Changing the secret invalidates every token.
pub fn sign(
    secret: &[u8],
    purpose: Purpose,
    address: &Address,
    expires: Option<DateTime<Utc>>,
) -> Result<String, TokenError> {
    if purpose == Purpose::Confirm && expires.is_none() {
        return Err(TokenError::MustExpire);
    }
    let expiry = expires.map(|at| at.timestamp());
    let mac = mac(secret, purpose, address, expiry)?.finalize().into_bytes();
    let expiry = expiry.map(|e| e.to_string()).unwrap_or_default();
    Ok(format!("{}{expiry}.{}", purpose.tag(), hex(&mac)))
}

/// A confirmation token for `address` issued at `now`, and when it expires
/// ([`CONFIRM_VALID_HOURS`] later).
pub fn confirm_token(
    secret: &[u8],
    address: &Address,
    now: DateTime<Utc>,
) -> Result<(String, DateTime<Utc>), TokenError> {
    let expires = now + Duration::hours(CONFIRM_VALID_HOURS);
    Ok((sign(secret, Purpose::Confirm, address, Some(expires))?, expires))
}

/// The unsubscribe token of `address`: it never expires, and is the same in every mail.
pub fn unsubscribe_token(secret: &[u8], address: &Address) -> Result<String, TokenError> {
    sign(secret, Purpose::Unsubscribe, address, None)
}

/// Checks `token` for `purpose` and `address` at `now`, comparing the MAC in constant time.
/// Returns the expiry, if the token has one. The MAC is checked before the expiry, so an
/// altered token never learns whether it had expired.
pub fn verify(
    secret: &[u8],
    purpose: Purpose,
    address: &Address,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, TokenError> {
    let rest = token.strip_prefix(purpose.tag()).ok_or(TokenError::Malformed)?;
    let (expiry, mac_hex) = rest.split_once('.').ok_or(TokenError::Malformed)?;
    let expiry = match expiry {
        "" if purpose == Purpose::Confirm => return Err(TokenError::Malformed),
        "" => None,
        digits if digits.len() <= 12 && digits.bytes().all(|b| b.is_ascii_digit()) => {
            Some(digits.parse::<i64>().map_err(|_| TokenError::Malformed)?)
        }
        _ => return Err(TokenError::Malformed),
    };
    let given = unhex(mac_hex).ok_or(TokenError::Malformed)?;
    mac(secret, purpose, address, expiry)?.verify_slice(&given).map_err(|_| TokenError::Mismatch)?;
    let Some(expiry) = expiry else { return Ok(None) };
    let expires = DateTime::from_timestamp(expiry, 0).ok_or(TokenError::Malformed)?;
    if expires <= now {
        return Err(TokenError::Expired);
    }
    Ok(Some(expires))
}

/// A confirmed subscriber's key: the opaque token of their settings page and unsubscribe
/// links (`k{id}.{32 hex digits}`), which names the row but not the address. It is an
/// HMAC-SHA256 (cut to 128 bits) over the row's id *and* address, so a key stops working
/// when its row is deleted, even if a later subscriber is given the same id. It never
/// expires and is the same in every mail; rotating the secret ends every key.
pub fn subscriber_key(secret: &[u8], id: i64, address: &Address) -> Result<String, TokenError> {
    let mac = key_mac(secret, id, address)?.finalize().into_bytes();
    Ok(format!("k{id}.{}", hex(&mac[..KEY_MAC_BYTES])))
}

/// Bytes of the MAC a [`subscriber_key`] carries.
const KEY_MAC_BYTES: usize = 16;

/// The row id a [`subscriber_key`] names, if `key` has its shape (checked against the row
/// with [`verify_subscriber_key`]).
pub fn key_id(key: &str) -> Option<i64> {
    let (id, mac) = key.strip_prefix('k')?.split_once('.')?;
    let well_formed = !id.is_empty() && id.len() <= 18 && id.bytes().all(|b| b.is_ascii_digit());
    (well_formed && mac.len() == KEY_MAC_BYTES * 2).then(|| id.parse().ok()).flatten()
}

/// Checks `key` for the row `id` holding `address`, in constant time.
pub fn verify_subscriber_key(secret: &[u8], id: i64, address: &Address, key: &str) -> Result<(), TokenError> {
    if key_id(key) != Some(id) {
        return Err(TokenError::Malformed);
    }
    let given = key.split_once('.').and_then(|(_, mac)| unhex_any(mac)).ok_or(TokenError::Malformed)?;
    key_mac(secret, id, address)?.verify_truncated_left(&given).map_err(|_| TokenError::Mismatch)
}

fn key_mac(secret: &[u8], id: i64, address: &Address) -> Result<Hmac<Sha256>, TokenError> {
    if secret.len() < MIN_SECRET_LEN {
        return Err(TokenError::Disabled);
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).map_err(|_| TokenError::Disabled)?;
    // Its own prefix and tag: never equal to a confirmation, unsubscribe or preview MAC.
    mac.update(format!("newsroom-subscription\nk\n{address}\n{id}").as_bytes());
    Ok(mac)
}

/// SHA-256 of `token`, as 64 lowercase hex digits: what D1 stores and looks a token up by.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn mac(secret: &[u8], purpose: Purpose, address: &Address, expiry: Option<i64>) -> Result<Hmac<Sha256>, TokenError> {
    if secret.len() < MIN_SECRET_LEN {
        return Err(TokenError::Disabled);
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).map_err(|_| TokenError::Disabled)?;
    // Newlines cannot occur in an address, so the fields never run into each other; the
    // prefix keeps these MACs apart from preview tokens made with the same secret.
    let expiry = expiry.map(|e| e.to_string()).unwrap_or_else(|| "-".into());
    mac.update(format!("newsroom-subscription\n{}\n{address}\n{expiry}", purpose.tag()).as_bytes());
    Ok(mac)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subscriber_key_names_its_row_not_its_address_and_fits_only_that_row() {
        let secret = [7u8; 32];
        let a = Address::parse("matti@example.fi").expect("valid");
        let b = Address::parse("maija@example.fi").expect("valid");
        let key = subscriber_key(&secret, 42, &a).expect("signed");
        assert!(key.starts_with("k42.") && key.len() == 4 + 32 && !key.contains("matti"), "{key}");
        assert_eq!(key_id(&key), Some(42));
        assert_eq!(verify_subscriber_key(&secret, 42, &a, &key), Ok(()));
        assert_eq!(verify_subscriber_key(&secret, 42, &b, &key), Err(TokenError::Mismatch), "a reused id");
        assert_eq!(verify_subscriber_key(&[8u8; 32], 42, &a, &key), Err(TokenError::Mismatch), "a new secret");
        assert_eq!(verify_subscriber_key(&secret, 43, &a, &key), Err(TokenError::Malformed));
        for bad in ["", "k", "k42", "k42.", "kx.00", "k-1.0123456789abcdef0123456789abcdef", &key[..key.len() - 1]] {
            assert_eq!(key_id(bad), None, "{bad}");
        }
        assert_eq!(subscriber_key(&[1u8; 8], 1, &a), Err(TokenError::Disabled));
    }
    use chrono::TimeZone;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).single().unwrap_or_default()
    }

    fn addr(text: &str) -> Address {
        Address::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn addresses_are_trimmed_and_their_domain_lowercased() {
        let a = addr("  Matti.Meikalainen+uutiset@Example.FI \n");
        assert_eq!(a.as_str(), "Matti.Meikalainen+uutiset@example.fi");
        assert_eq!(a.local(), "Matti.Meikalainen+uutiset");
        assert_eq!(a.domain(), "example.fi");
        for ok in [
            "a@b.fi",
            "x_y-z@sub.domain-1.example.com",
            "o'brien@example.ie",
            "{weird}|=~!@xn--hmeenlinna-q5a.fi",
            &format!("{}@example.fi", "a".repeat(64)),
            &format!("a@{}.{}.{}.{}", "b".repeat(63), "c".repeat(63), "d".repeat(63), "e".repeat(60)),
        ] {
            assert_eq!(addr(ok).as_str(), ok.to_string(), "{ok}");
        }
    }

    #[test]
    fn malformed_addresses_say_what_to_fix() {
        use AddressError::*;
        let long_domain = format!("a@{}.{}.{}.{}", "b".repeat(63), "c".repeat(63), "d".repeat(63), "e".repeat(61));
        let cases: &[(&str, AddressError)] = &[
            ("", Empty),
            ("   \t", Empty),
            (&long_domain, TooLong),
            ("matti meikalainen@example.fi", Space),
            ("matti@exa\u{0}mple.fi", Control),
            ("matti@exa\u{200B}mple.fi", Control),
            ("\u{202E}matti@example.fi", Control),
            ("matti.example.fi", NoAt),
            ("matti@example@fi", SeveralAt),
            ("@example.fi", EmptyLocal),
            (&format!("{}@example.fi", "a".repeat(65)), LocalTooLong),
            ("\"quoted\"@example.fi", LocalChar('"')),
            ("a,b@example.fi", LocalChar(',')),
            ("<a@example.fi>", LocalChar('<')),
            ("mätti@example.fi", LocalChar('ä')),
            (".matti@example.fi", LocalDots),
            ("matti.@example.fi", LocalDots),
            ("ma..tti@example.fi", LocalDots),
            ("matti@", EmptyDomain),
            ("matti@localhost", NoDot),
            ("matti@exämple.fi", DomainChar('ä')),
            ("matti@[10.0.0.1]", DomainChar('[')),
            ("matti@example.fi>", DomainChar('>')),
            ("matti@example_x.fi", DomainChar('_')),
            ("matti@example..fi", Label),
            ("matti@.example.fi", Label),
            ("matti@example.fi.", Label),
            ("matti@-example.fi", Label),
            ("matti@example-.fi", Label),
            (&format!("matti@{}.fi", "b".repeat(64)), Label),
            ("matti@10.0.0.1", NumericTld),
        ];
        for (input, expected) in cases {
            assert_eq!(Address::parse(input).as_ref(), Err(expected), "{input:?}");
            assert!(expected.to_string().ends_with('.'), "{expected}");
        }
    }

    #[test]
    fn hostile_addresses_never_panic_and_what_passes_is_plain() {
        let pieces = [
            "a",
            "Z",
            "0",
            "@",
            ".",
            "-",
            "+",
            " ",
            "\r\n",
            "\u{0}",
            "ä",
            "😀",
            "\u{FEFF}",
            ",",
            "<",
            ">",
            "\"",
            "\\",
            ":",
            ";",
            "[",
            "]",
            "xn--",
            "fi",
            "%0a",
            "é\u{301}",
        ];
        let mut checked = 0;
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    for text in [format!("{a}{b}@{c}.fi"), format!("{a}@{b}{c}"), format!("{a}{b}{c}")] {
                        checked += 1;
                        if let Ok(address) = Address::parse(&text) {
                            let s = address.as_str();
                            assert!(s.len() <= MAX_ADDRESS_LEN && s.matches('@').count() == 1, "{text:?}");
                            assert!(s.bytes().all(|b| b.is_ascii_graphic()), "{text:?}");
                            assert!(!s.contains([',', '<', '>', '"', '\\', ';', ':', '[', ']']), "{text:?}");
                            assert_eq!(Address::parse(s).as_ref(), Ok(&address), "idempotent: {text:?}");
                        }
                    }
                }
            }
        }
        assert!(checked > 10_000);
        let huge = format!("{}@example.fi", "a".repeat(100_000));
        assert_eq!(Address::parse(&huge), Err(AddressError::TooLong));
    }

    #[test]
    fn addresses_round_trip_through_serde() {
        let a = addr("A@B.fi");
        let json = serde_json::to_string(&a).unwrap_or_default();
        assert_eq!(json, "\"A@b.fi\"");
        assert_eq!(serde_json::from_str::<Address>(&json).ok(), Some(a));
        assert!(serde_json::from_str::<Address>("\"nope\"").is_err());
    }

    #[test]
    fn scopes_have_a_stable_text_form() {
        for text in ["all", "publisher:kymsote", "keyword:sote-uudistus"] {
            let scope = Scope::parse(text).unwrap_or(Scope::All);
            assert_eq!(scope.to_string(), text);
        }
        assert_eq!(Scope::parse(" publisher:kymsote "), Ok(Scope::Publisher("kymsote".into())));
        assert_eq!(serde_json::to_string(&Scope::Keyword("sote".into())).ok().as_deref(), Some("\"keyword:sote\""));
        assert_eq!(serde_json::from_str::<Scope>("\"all\"").ok(), Some(Scope::All));
    }

    #[test]
    fn unknown_and_malformed_scopes_are_refused() {
        for bad in ["", "everything", "All", "publisher", "publishers:a", "keyword", "tag:a", ":a", "all:x"] {
            assert!(matches!(Scope::parse(bad), Err(ScopeError::Unknown(_))), "{bad}");
        }
        for bad in ["publisher:", "publisher:Kymsote", "keyword:a--b", "keyword:a b", "keyword:ä", "publisher:a:b"] {
            assert!(matches!(Scope::parse(bad), Err(ScopeError::BadSlug(_))), "{bad}");
        }
        let long = format!("x{}", "y".repeat(10_000));
        let message = Scope::parse(&long).map(|_| String::new()).unwrap_or_else(|e| e.to_string());
        assert!(message.len() < 200 && message.contains('…'), "{message}");
        let message = Scope::parse("a\u{0}b").map(|_| String::new()).unwrap_or_else(|e| e.to_string());
        assert!(!message.contains('\u{0}'), "{message}");
    }

    #[test]
    fn a_form_gives_a_deduplicated_sorted_set() {
        let scopes = parse_scopes(["keyword:sote", "publisher:kymsote", "", "keyword:sote", " publisher:kymsote"]);
        assert_eq!(scopes, Ok(vec![Scope::Publisher("kymsote".into()), Scope::Keyword("sote".into())]));
        assert_eq!(parse_scopes(["keyword:sote", "all", "publisher:a"]), Ok(vec![Scope::All]));
        assert_eq!(parse_scopes(["", " "]), Err(ScopeError::None));
        assert_eq!(parse_scopes([]), Err(ScopeError::None));
        assert!(matches!(parse_scopes(["all", "nope"]), Err(ScopeError::Unknown(_))));
        let many: Vec<String> = (0..=MAX_SCOPES).map(|i| format!("keyword:k{i}")).collect();
        assert_eq!(parse_scopes(many.iter().map(String::as_str)), Err(ScopeError::TooMany));
        let enough = &many[..MAX_SCOPES];
        assert_eq!(parse_scopes(enough.iter().map(String::as_str)).map(|s| s.len()), Ok(MAX_SCOPES));
        let repeated = vec!["keyword:a"; 10_000];
        assert_eq!(parse_scopes(repeated), Ok(vec![Scope::Keyword("a".into())]));
    }

    #[test]
    fn scopes_match_releases() {
        let keywords = ["sote", "talous"];
        assert!(Scope::All.matches("x", keywords.into_iter()));
        assert!(Scope::Publisher("kymsote".into()).matches("kymsote", keywords.into_iter()));
        assert!(!Scope::Publisher("kymsote".into()).matches("hus", keywords.into_iter()));
        assert!(Scope::Keyword("talous".into()).matches("hus", keywords.into_iter()));
        assert!(!Scope::Keyword("sote".into()).matches("hus", std::iter::empty()));
    }

    #[test]
    fn a_confirmation_token_works_until_it_expires() {
        let a = addr("matti@example.fi");
        let (token, expires) = confirm_token(SECRET, &a, now()).unwrap_or_default();
        assert_eq!(expires, now() + Duration::hours(CONFIRM_VALID_HOURS));
        assert!(token.starts_with('c') && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.'), "{token}");
        assert_eq!(verify(SECRET, Purpose::Confirm, &a, &token, now()), Ok(Some(expires)));
        let late = expires - Duration::seconds(1);
        assert_eq!(verify(SECRET, Purpose::Confirm, &a, &token, late), Ok(Some(expires)));
        assert_eq!(verify(SECRET, Purpose::Confirm, &a, &token, expires), Err(TokenError::Expired));
        assert_eq!(sign(SECRET, Purpose::Confirm, &a, None), Err(TokenError::MustExpire));
    }

    #[test]
    fn an_unsubscribe_token_never_expires_and_is_bound_to_its_address() {
        let a = addr("matti@example.fi");
        let token = unsubscribe_token(SECRET, &a).unwrap_or_default();
        assert_eq!(token, unsubscribe_token(SECRET, &a).unwrap_or_default(), "the same in every mail");
        assert!(token.starts_with("u."), "{token}");
        let far = now() + Duration::days(365 * 50);
        assert_eq!(verify(SECRET, Purpose::Unsubscribe, &a, &token, far), Ok(None));
        let other = addr("maija@example.fi");
        assert_eq!(verify(SECRET, Purpose::Unsubscribe, &other, &token, now()), Err(TokenError::Mismatch));
        let upper = addr("Matti@example.fi");
        assert_eq!(verify(SECRET, Purpose::Unsubscribe, &upper, &token, now()), Err(TokenError::Mismatch));
        // An unsubscribe token may carry an expiry too; it is then checked.
        let dated = sign(SECRET, Purpose::Unsubscribe, &a, Some(now())).unwrap_or_default();
        assert_eq!(verify(SECRET, Purpose::Unsubscribe, &a, &dated, now()), Err(TokenError::Expired));
    }

    #[test]
    fn tokens_do_not_cross_purposes_addresses_or_secrets() {
        let a = addr("matti@example.fi");
        let expires = now() + Duration::hours(1);
        let confirm = sign(SECRET, Purpose::Confirm, &a, Some(expires)).unwrap_or_default();
        let unsubscribe = unsubscribe_token(SECRET, &a).unwrap_or_default();
        assert_eq!(verify(SECRET, Purpose::Unsubscribe, &a, &confirm, now()), Err(TokenError::Malformed));
        assert_eq!(verify(SECRET, Purpose::Confirm, &a, &unsubscribe, now()), Err(TokenError::Malformed));
        // Relabelled to the other purpose, the MAC no longer matches.
        let relabelled = confirm.replacen('c', "u", 1);
        assert_eq!(verify(SECRET, Purpose::Unsubscribe, &a, &relabelled, now()), Err(TokenError::Mismatch));
        let other_secret = b"another secret that is long enough!!";
        assert_eq!(verify(other_secret, Purpose::Confirm, &a, &confirm, now()), Err(TokenError::Mismatch));
        let later = confirm.replacen(&expires.timestamp().to_string(), &(expires.timestamp() + 1).to_string(), 1);
        assert_eq!(verify(SECRET, Purpose::Confirm, &a, &later, now()), Err(TokenError::Mismatch));
        // A preview token's MAC over the same text would differ: different prefix.
        let preview = crate::preview::sign(SECRET, "matti", expires).unwrap_or_default();
        assert_eq!(verify(SECRET, Purpose::Confirm, &a, &format!("c{preview}"), now()), Err(TokenError::Mismatch));
    }

    #[test]
    fn every_flipped_character_is_refused() {
        let a = addr("matti@example.fi");
        let token = sign(SECRET, Purpose::Confirm, &a, Some(now() + Duration::hours(2))).unwrap_or_default();
        for (i, original) in token.char_indices() {
            for replacement in ['0', '1', 'a', 'f', 'F', 'c', 'u', '.', '-', ' ', 'ä'] {
                if replacement == original {
                    continue;
                }
                let mut altered = token.clone();
                altered.replace_range(i..i + 1, &replacement.to_string());
                let result = verify(SECRET, Purpose::Confirm, &a, &altered, now());
                assert!(matches!(result, Err(TokenError::Mismatch | TokenError::Malformed)), "{altered}: {result:?}");
            }
        }
    }

    #[test]
    fn malformed_tokens_and_short_secrets_are_refused() {
        let a = addr("matti@example.fi");
        let zeros = "0".repeat(64);
        for bad in [
            String::new(),
            "c".into(),
            "c.".into(),
            format!("c.{zeros}"),
            format!("c1.{}", "0".repeat(63)),
            format!("c1.{}", "0".repeat(65)),
            format!("c1.{}", "A".repeat(64)),
            format!("c-1.{zeros}"),
            format!("c+1.{zeros}"),
            format!("c1234567890123.{zeros}"),
            format!("C1.{zeros}"),
            format!("x1.{zeros}"),
            format!("1.{zeros}"),
            format!("c1.{zeros}.{zeros}"),
            format!("c 1.{zeros}"),
            "c1.ää".into(),
            "😀".repeat(40),
        ] {
            assert_eq!(verify(SECRET, Purpose::Confirm, &a, &bad, now()), Err(TokenError::Malformed), "{bad:?}");
        }
        assert_eq!(
            verify(SECRET, Purpose::Unsubscribe, &a, &format!("u1x.{zeros}"), now()),
            Err(TokenError::Malformed)
        );
        assert_eq!(unsubscribe_token(b"short", &a), Err(TokenError::Disabled));
        assert_eq!(unsubscribe_token(b"", &a), Err(TokenError::Disabled));
        assert_eq!(verify(b"short", Purpose::Unsubscribe, &a, &format!("u.{zeros}"), now()), Err(TokenError::Disabled));
    }

    proptest::proptest! {
        #[test]
        fn any_text_parses_to_a_plain_address_or_an_error(text in "(?s).{0,80}|[a-zA-Z0-9.@ _-]{0,80}") {
            if let Ok(address) = Address::parse(&text) {
                let s = address.as_str();
                proptest::prop_assert!(s.len() <= MAX_ADDRESS_LEN && s.matches('@').count() == 1);
                proptest::prop_assert!(s.bytes().all(|b| b.is_ascii_graphic()));
                proptest::prop_assert_eq!(Address::parse(s), Ok(address.clone()));
            }
        }

        #[test]
        fn any_text_is_refused_as_a_token(token in "(?s).{0,90}|[cu][0-9]{0,12}\\.[0-9a-f]{64}") {
            let a = Address::parse("matti@example.fi").unwrap_or_else(|_| Address(String::new()));
            for purpose in [Purpose::Confirm, Purpose::Unsubscribe] {
                let result = verify(SECRET, purpose, &a, &token, now());
                proptest::prop_assert!(matches!(result, Err(TokenError::Malformed | TokenError::Mismatch)), "{result:?}");
            }
        }
    }

    #[test]
    fn token_hashes_are_sha256_hex() {
        // SHA-256 of "abc" (FIPS 180-2, appendix B.1).
        assert_eq!(token_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        let a = addr("matti@example.fi");
        let token = unsubscribe_token(SECRET, &a).unwrap_or_default();
        let hash = token_hash(&token);
        assert_eq!(hash.len(), 64);
        assert!(!hash.contains(&token[2..]), "a hash does not contain the token");
        assert_ne!(hash, token_hash(&format!("{token} ")));
    }
}
