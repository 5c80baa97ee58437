//! Accredited journalists' personal keys: `/embargo/{key}/…` opens a publisher's releases
//! under embargo for one journalist on its media list (`migrations/0004_media.sql`).
//!
//! A key is `{publisher}.{id}.{version}.{mac}`: the publisher, the journalist's row id, the
//! row's key version, and 32 hex digits of HMAC-SHA256 over them, keyed with
//! `PREVIEW_SECRET`. Nothing of it is stored: the CLI and the worker derive the same key
//! from the row. The MAC is checked before any lookup, so a made-up key costs no database
//! query; a key seen where it should not be names the row it was made for; `newsroom media
//! revoke` ends it from the next request on, and adding the address again after a revoke
//! makes a new key (the version goes up), never bringing the old one back. Every way a key
//! can fail answers the same 404 as a release that does not exist.

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
    /// Not `{slug}.{digits}.{digits}.{32 hex digits}`.
    #[error("the key is malformed")]
    Malformed,
    /// The MAC does not match what the key names.
    #[error("the key does not match")]
    Mismatch,
}

/// What a key names: the row to look up (it must still be active, with this version).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder<'a> {
    /// The publisher whose media list it is on.
    pub publisher: &'a str,
    /// The journalist's row id.
    pub id: i64,
    /// The row's key version.
    pub version: i64,
}

/// The key of `holder`.
pub fn key(secret: &[u8], holder: &Holder<'_>) -> Result<String, KeyError> {
    let mac = mac(secret, holder)?.finalize().into_bytes();
    Ok(format!("{}.{}.{}.{}", holder.publisher, holder.id, holder.version, &hex(&mac)[..MAC_HEX]))
}

/// What `key` names, once its MAC is checked (in constant time).
pub fn verify<'k>(secret: &[u8], key: &'k str) -> Result<Holder<'k>, KeyError> {
    let mut parts = key.split('.');
    let (Some(publisher), Some(id), Some(version), Some(mac_hex), None) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(KeyError::Malformed);
    };
    let number = |text: &str| {
        let digits = !text.is_empty() && text.len() <= 15 && text.bytes().all(|b| b.is_ascii_digit());
        digits.then(|| text.parse::<i64>().ok()).flatten().ok_or(KeyError::Malformed)
    };
    if !crate::slug::is_valid(publisher) || mac_hex.len() != MAC_HEX {
        return Err(KeyError::Malformed);
    }
    let holder = Holder { publisher, id: number(id)?, version: number(version)? };
    let given = unhex_any(mac_hex).ok_or(KeyError::Malformed)?;
    mac(secret, &holder)?.verify_truncated_left(&given).map_err(|_| KeyError::Mismatch)?;
    Ok(holder)
}

fn mac(secret: &[u8], h: &Holder<'_>) -> Result<Hmac<Sha256>, KeyError> {
    if secret.len() < MIN_SECRET_LEN {
        return Err(KeyError::Disabled);
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).map_err(|_| KeyError::Disabled)?;
    // Its own prefix: a preview token or a subscription link never passes for a key.
    mac.update(format!("newsroom-media-key\n{}\n{}\n{}", h.publisher, h.id, h.version).as_bytes());
    Ok(mac)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn holder(publisher: &str, id: i64, version: i64) -> Holder<'_> {
        Holder { publisher, id, version }
    }

    #[test]
    fn a_key_names_its_row_and_nothing_else_passes() {
        let k = key(SECRET, &holder("kymsote", 42, 1)).unwrap();
        assert!(k.starts_with("kymsote.42.1.") && k.len() == "kymsote.42.1.".len() + MAC_HEX, "{k}");
        assert_eq!(verify(SECRET, &k), Ok(holder("kymsote", 42, 1)));
        let mac = k.rsplit('.').next().unwrap();
        for forged in [format!("toinen.42.1.{mac}"), format!("kymsote.43.1.{mac}"), format!("kymsote.42.2.{mac}")] {
            assert_eq!(verify(SECRET, &forged), Err(KeyError::Mismatch), "{forged}");
        }
        assert_eq!(verify(b"another secret, also long enough!", &k), Err(KeyError::Mismatch));
        assert_eq!(key(b"short", &holder("kymsote", 42, 1)), Err(KeyError::Disabled));
    }

    #[test]
    fn malformed_keys_are_refused() {
        let mac = "0123456789abcdef0123456789abcdef";
        for bad in [
            String::new(),
            "kymsote.42.1".into(),
            format!("kymsote.42.{mac}"),
            format!("Kymsote.42.1.{mac}"),
            format!("kymsote.-1.1.{mac}"),
            format!("kymsote.42.1.{mac}.x"),
            format!("kymsote.42.1.{}", &mac[..30]),
            format!("kymsote.42.1.{}g", &mac[..31]),
            format!("kymsote.1234567890123456.1.{mac}"),
        ] {
            assert_eq!(verify(SECRET, &bad), Err(KeyError::Malformed), "{bad:?}");
        }
    }
}
