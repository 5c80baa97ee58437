//! Reading records from the values loaded so far: asking for missing keys, checking size,
//! UTF-8, JSON shape and schema version, and decoding reused values once.

use std::rc::Rc;

use serde::de::DeserializeOwned;
use serde::Deserialize;

use contract::error::{DataError, HttpError};
use contract::model::{PublisherRecord, ReleaseRecord, SCHEMA_VERSION};

use super::{Halt, Loaded};

/// Largest KV value the worker will decode, in bytes.
pub const MAX_RECORD_BYTES: usize = 4 * 1024 * 1024;

/// Asks for every key of `keys` not read yet, in one round.
pub(super) fn need_all(loaded: &Loaded, keys: &[String]) -> Result<(), Halt> {
    let missing: Vec<String> = keys.iter().filter(|k| !loaded.values.contains_key(*k)).cloned().collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(Halt::Need(missing))
    }
}

/// Decodes the record at `key` (it may borrow from the value): `Need` if not read yet,
/// `Ok(None)` if absent.
pub(super) fn record<'a, T: Deserialize<'a>>(loaded: &'a Loaded, key: String) -> Result<Option<T>, Halt> {
    record_of(loaded, key, &[SCHEMA_VERSION])
}

/// [`record`] of a type whose schema versions are `versions` (it may borrow from the value).
pub(super) fn record_of<'a, T: Deserialize<'a>>(
    loaded: &'a Loaded,
    key: String,
    versions: &[u32],
) -> Result<Option<T>, Halt> {
    let Some(value) = loaded.values.get(&key) else {
        return Err(Halt::Need(vec![key]));
    };
    let Some(bytes) = value else { return Ok(None) };
    decode_of(&key, bytes, versions).map(Some).map_err(|e| Halt::Fail(HttpError::BadData(e)))
}

/// Checks size, UTF-8, JSON shape and schema version, naming the key in every error.
pub fn decode<T: DeserializeOwned>(key: &str, bytes: &[u8]) -> Result<T, DataError> {
    decode_of(key, bytes, &[SCHEMA_VERSION])
}

/// [`decode`] of a type whose schema versions are `versions` (it may borrow from `bytes`).
pub(super) fn decode_of<'a, T: Deserialize<'a>>(key: &str, bytes: &'a [u8], versions: &[u32]) -> Result<T, DataError> {
    check_size(key, bytes)?;
    // UTF-8 is checked once, for the whole value: parsed from bytes, serde_json would check
    // each string, and the entries of a list twice (as raw JSON, then as entries).
    let text = std::str::from_utf8(bytes).map_err(|e| damaged(key, &format!("not UTF-8 ({e})")))?;
    // `newsroom build` writes the version first (`{"v":1,...`): such records are parsed once.
    // One reader type for every record keeps the wasm small: each one doubles serde's code.
    if leading_version(bytes).is_none_or(|v| !versions.contains(&v)) {
        #[derive(serde::Deserialize)]
        struct Version {
            v: Option<u32>,
        }
        match serde_json::from_str::<Version>(text) {
            Err(e) => return Err(damaged(key, &format!("not a JSON object ({e})"))),
            Ok(Version { v: Some(v) }) if versions.contains(&v) => {}
            Ok(Version { v }) => {
                let found = v.map_or("no".to_string(), |v| format!("version {v}"));
                let known = versions.iter().map(u32::to_string).collect::<Vec<_>>().join(" and ");
                return Err(damaged(key, &format!("{found} schema; this worker reads version {known}")));
            }
        }
    }
    serde_json::from_str(text).map_err(|e| damaged(key, &format!("does not match its schema ({e})")))
}

/// Refuses a value larger than [`MAX_RECORD_BYTES`].
pub(super) fn check_size(key: &str, bytes: &[u8]) -> Result<(), DataError> {
    if bytes.len() > MAX_RECORD_BYTES {
        let size = format!("{} bytes, more than the {MAX_RECORD_BYTES} a record may have", bytes.len());
        return Err(damaged(key, &size));
    }
    Ok(())
}

/// The version of a record that starts `{"v":N,` (as `newsroom build` writes them).
pub(super) fn leading_version(bytes: &[u8]) -> Option<u32> {
    let rest = bytes.strip_prefix(b"{\"v\":")?;
    let digits = rest.iter().take(10).take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || rest.get(digits) != Some(&b',') {
        return None;
    }
    std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()
}

pub(super) fn damaged(key: &str, reason: &str) -> DataError {
    DataError { key: key.to_string(), reason: reason.to_string() }
}

/// The publisher profile under `key`, decoded once per value: once per request, or once per
/// isolate when the adapter hands back what it decoded ([`Loaded::insert_decoded`]).
pub(super) fn publisher_record(loaded: &Loaded, key: &str) -> Result<Option<Rc<PublisherRecord>>, Halt> {
    if let Some(p) = loaded.decoded(key) {
        return Ok(Some(p));
    }
    let Some(p) = record::<PublisherRecord>(loaded, key.to_string())?.map(Rc::new) else { return Ok(None) };
    loaded.profiles.borrow_mut().insert(key.to_string(), Rc::clone(&p));
    Ok(Some(p))
}

/// The release record under `key`, decoded once for both rounds of a release page.
pub(super) fn release_record(loaded: &Loaded, key: &str) -> Result<Option<Rc<ReleaseRecord>>, Halt> {
    if let Some((k, r)) = loaded.release.borrow().as_ref() {
        if k == key {
            return Ok(Some(Rc::clone(r)));
        }
    }
    let Some(r) = record::<ReleaseRecord>(loaded, key.to_string())?.map(Rc::new) else { return Ok(None) };
    *loaded.release.borrow_mut() = Some((key.to_string(), Rc::clone(&r)));
    Ok(Some(r))
}
