//! `/favicon.ico`, which browsers ask for on every page: the publisher's logo on its own
//! host (its profile names it, a second round reads it), the newsroom's default icon
//! otherwise.

use contract::cache::CacheKind;
use contract::kv;
use render::icon::{DEFAULT_ICON, DEFAULT_ICON_TYPE};

use super::load::{need_all, publisher_record};
use super::resolve::{Home, Target};
use super::response::Rendered;
use super::{Halt, Loaded};
use crate::http::RequestFacts;

/// The icon of `t`'s home, with its own media type, kept a day by browsers and the CDN.
pub(super) fn render_icon(t: &Target, _req: &RequestFacts, loaded: &Loaded) -> Result<Rendered, Halt> {
    let logo = match &t.home {
        Home::Main => None,
        // A missing or damaged profile, or no logo, leaves the default: never a 404 here.
        Home::Publisher(p) => match publisher_record(loaded, &kv::publisher_key(&p.slug)) {
            Ok(profile) => profile.and_then(|p| p.logo.clone()),
            Err(Halt::Need(keys)) => return Err(Halt::Need(keys)),
            Err(_) => None,
        },
    };
    let (body, content_type) = match logo {
        Some(logo) => {
            let key = contract::media::key(&logo.name);
            need_all(loaded, std::slice::from_ref(&key))?;
            match loaded.values.get(&key).cloned().flatten() {
                Some(bytes) => (bytes, logo.content_type),
                None => (DEFAULT_ICON.to_vec(), DEFAULT_ICON_TYPE.to_string()),
            }
        }
        None => (DEFAULT_ICON.to_vec(), DEFAULT_ICON_TYPE.to_string()),
    };
    Ok(Rendered {
        body,
        lang: String::new(),
        kind: CacheKind::Icon,
        last_modified: None,
        next_change: None,
        log: vec![],
        content_type: Some(content_type),
    })
}
