//! Accredited journalists' personal keys: `/media/{key}/…` opens a publisher's releases under
//! embargo for one journalist on its media list (`migrations/0004_media.sql`).
//!
//! A key is `{id}.{mac}`: the journalist's row id and 32 hex digits of HMAC-SHA256, keyed
//! with `PREVIEW_SECRET`, over the id and the publisher. Nothing of it is stored: the CLI and
//! the worker derive the same key from the row, so a key seen where it should not be names
//! the row it was made for, and `newsroom media revoke` ends it from the next request on.
//! Every way a key can fail answers the same 404 as a release that does not exist.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::preview::{hex, unhex_any, MIN_SECRET_LEN};

/// Hex digits of the MAC in a key: 128 bits.
const MAC_HEX: usize = 32;

/// Why a key opens nothing. All answer the same 404.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// No secret, or one shorter than [`MIN_SECRET_LEN`].
    #[error("personal keys are disabled: PREVIEW_SECRET is missing or shorter than {MIN_SECRET_LEN} bytes")]
    Disabled,
    /// Not `{digits}.{32 hex digits}`.
    #[error("the key is malformed")]
    Malformed,
    /// The MAC does not match the row it names.
    #[error("the key does not match")]
    Mismatch,
}

/// The key of journalist row `id` on `publisher`'s media list.
pub fn key(secret: &[u8], id: i64, publisher: &str) -> Result<String, KeyError> {
    let mac = mac(secret, id, publisher)?.finalize().into_bytes();
    Ok(format!("{id}.{}", &hex(&mac)[..MAC_HEX]))
}

/// The row id a key names, if it has a key's shape; [`verify`] then checks it against the
/// row's publisher.
pub fn row_id(key: &str) -> Result<i64, KeyError> {
    let (id, mac) = key.split_once('.').ok_or(KeyError::Malformed)?;
    let digits = !id.is_empty() && id.len() <= 15 && id.bytes().all(|b| b.is_ascii_digit());
    if !digits || mac.len() != MAC_HEX || unhex_any(mac).is_none() {
        return Err(KeyError::Malformed);
    }
    id.parse().map_err(|_| KeyError::Malformed)
}

/// Checks `key` against the row it names (`id`, `publisher`), in constant time.
pub fn verify(secret: &[u8], key: &str, publisher: &str) -> Result<i64, KeyError> {
    let id = row_id(key)?;
    let given = key.split_once('.').and_then(|(_, mac)| unhex_any(mac)).ok_or(KeyError::Malformed)?;
    mac(secret, id, publisher)?.verify_truncated_left(&given).map_err(|_| KeyError::Mismatch)?;
    Ok(id)
}

fn mac(secret: &[u8], id: i64, publisher: &str) -> Result<Hmac<Sha256>, KeyError> {
    if secret.len() < MIN_SECRET_LEN {
        return Err(KeyError::Disabled);
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).map_err(|_| KeyError::Disabled)?;
    // Its own prefix: a preview token or a subscription link never passes for a key.
    mac.update(format!("newsroom-media-key\n{id}\n{publisher}").as_bytes());
    Ok(mac)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn a_key_opens_only_its_own_row_and_publisher() {
        let k = key(SECRET, 42, "kymsote").unwrap();
        assert_eq!(k.len(), "42.".len() + MAC_HEX);
        assert_eq!(verify(SECRET, &k, "kymsote"), Ok(42));
        assert_eq!(verify(SECRET, &k, "toinen"), Err(KeyError::Mismatch));
        let other_row = k.replacen("42.", "43.", 1);
        assert_eq!(verify(SECRET, &other_row, "kymsote"), Err(KeyError::Mismatch));
        assert_eq!(verify(b"another secret, also long enough!", &k, "kymsote"), Err(KeyError::Mismatch));
        assert_eq!(key(b"short", 42, "kymsote"), Err(KeyError::Disabled));
    }

    #[test]
    fn malformed_keys_are_refused_before_any_lookup() {
        for bad in [
            "",
            "42",
            "42.",
            ".abc",
            "x.0123456789abcdef0123456789abcdef",
            "42.0123",
            "-1.0123456789abcdef0123456789abcdef",
            "42.0123456789abcdef0123456789abcdeg",
            "1234567890123456.0123456789abcdef0123456789abcdef",
        ] {
            assert_eq!(row_id(bad), Err(KeyError::Malformed), "{bad:?}");
        }
        assert_eq!(row_id("7.0123456789abcdef0123456789abcdef"), Ok(7));
    }
}
