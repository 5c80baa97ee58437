//! Secret preview links: `?preview={expiry}.{mac}` shows a scheduled release before it
//! is public. The MAC is HMAC-SHA256, keyed with the `PREVIEW_SECRET`, over the slug and the
//! expiry, so a token opens one release until one instant and cannot be altered.

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Shortest secret accepted, in bytes: shorter ones disable previews.
pub const MIN_SECRET_LEN: usize = 32;
/// Longest validity a token may have (the CLI's limit; the worker accepts any unexpired one).
pub const MAX_VALID_DAYS: i64 = 90;

/// Why a token does not open a release. All of them answer the same 404.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PreviewError {
    /// No secret, or one shorter than [`MIN_SECRET_LEN`].
    #[error("previews are disabled: PREVIEW_SECRET is missing or shorter than {MIN_SECRET_LEN} bytes")]
    Disabled,
    /// Not `{digits}.{64 hex digits}`.
    #[error("the preview token is malformed")]
    Malformed,
    /// The expiry has passed.
    #[error("the preview token has expired")]
    Expired,
    /// The MAC does not match this slug and expiry.
    #[error("the preview token does not match")]
    Mismatch,
}

/// The token for `slug`, valid until `expires`.
pub fn sign(secret: &[u8], slug: &str, expires: DateTime<Utc>) -> Result<String, PreviewError> {
    let expiry = expires.timestamp();
    let mac = mac(secret, slug, expiry)?.finalize().into_bytes();
    Ok(format!("{expiry}.{}", hex(&mac)))
}

/// Checks `token` for `slug` at `now`, comparing the MAC in constant time.
pub fn verify(secret: &[u8], slug: &str, token: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, PreviewError> {
    let (expiry, mac_hex) = token.split_once('.').ok_or(PreviewError::Malformed)?;
    if expiry.is_empty() || expiry.len() > 12 || !expiry.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PreviewError::Malformed);
    }
    let expiry: i64 = expiry.parse().map_err(|_| PreviewError::Malformed)?;
    let given = unhex(mac_hex).ok_or(PreviewError::Malformed)?;
    mac(secret, slug, expiry)?.verify_slice(&given).map_err(|_| PreviewError::Mismatch)?;
    let expires = DateTime::from_timestamp(expiry, 0).ok_or(PreviewError::Malformed)?;
    if expires <= now {
        return Err(PreviewError::Expired);
    }
    Ok(expires)
}

fn mac(secret: &[u8], slug: &str, expiry: i64) -> Result<Hmac<Sha256>, PreviewError> {
    if secret.len() < MIN_SECRET_LEN {
        return Err(PreviewError::Disabled);
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).map_err(|_| PreviewError::Disabled)?;
    // The newline cannot occur in a slug, so (slug, expiry) pairs never collide.
    mac.update(format!("newsroom-preview\n{slug}\n{expiry}").as_bytes());
    Ok(mac)
}

/// Lowercase hex digits of `bytes` (also for `subscription` tokens).
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// 64 lowercase hex digits → 32 bytes (also for `subscription` tokens).
pub(crate) fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() != 64 {
        return None;
    }
    unhex_any(text)
}

/// Any even number of lowercase hex digits → their bytes (`journalist` keys: 16 bytes).
pub(crate) fn unhex_any(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    text.as_bytes().chunks(2).map(|p| Some(digit(p[0])? << 4 | digit(p[1])?)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).single().unwrap_or_default()
    }

    #[test]
    fn a_signed_token_opens_its_release_until_it_expires() {
        let expires = now() + Duration::days(2);
        let token = sign(SECRET, "a-b", expires).unwrap_or_default();
        assert_eq!(verify(SECRET, "a-b", &token, now()), Ok(expires));
        assert_eq!(verify(SECRET, "a-b", &token, expires), Err(PreviewError::Expired));
    }

    #[test]
    fn tampered_tokens_and_other_slugs_are_refused() {
        let expires = now() + Duration::days(2);
        let token = sign(SECRET, "a-b", expires).unwrap_or_default();
        assert_eq!(verify(SECRET, "a-c", &token, now()), Err(PreviewError::Mismatch));
        assert_eq!(verify(b"another secret that is long enough!!", "a-b", &token, now()), Err(PreviewError::Mismatch));
        let later = token.replacen(&expires.timestamp().to_string(), &(expires.timestamp() + 1).to_string(), 1);
        assert_eq!(verify(SECRET, "a-b", &later, now()), Err(PreviewError::Mismatch));
        let mut flipped = token.clone();
        let last = if flipped.ends_with('0') { "1" } else { "0" };
        flipped.replace_range(flipped.len() - 1.., last);
        assert_eq!(verify(SECRET, "a-b", &flipped, now()), Err(PreviewError::Mismatch));
    }

    #[test]
    fn malformed_tokens_and_short_secrets_are_refused() {
        for bad in ["", ".", "1.", "x.00", "-1.00", "1.zz", "1234567890123.00", &format!("1.{}", "A".repeat(64))] {
            assert_eq!(verify(SECRET, "a", bad, now()), Err(PreviewError::Malformed), "{bad}");
        }
        assert_eq!(sign(b"short", "a", now()), Err(PreviewError::Disabled));
        assert_eq!(verify(b"short", "a", &format!("1.{}", "0".repeat(64)), now()), Err(PreviewError::Disabled));
    }
}
