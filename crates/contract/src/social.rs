//! A publisher's social media channels (`[social]` in its file): which platforms there are,
//! what each is called on the page, and the record of one channel. Which URL is a profile on
//! which platform is checked at publish time (`publish::content::social`), not here: the
//! Workers only show what was checked.

use serde::{Deserialize, Serialize};

/// A platform a publisher's channel can be on, in the order the publisher page lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    /// Mastodon (any server of the fediverse).
    Mastodon,
    /// Bluesky.
    Bluesky,
    /// YouTube.
    Youtube,
    /// LinkedIn.
    Linkedin,
    /// Instagram.
    Instagram,
    /// Facebook.
    Facebook,
    /// Threads.
    Threads,
    /// X (formerly Twitter).
    X,
}

impl Platform {
    /// Every platform, in the order shown.
    pub const ALL: [Platform; 8] = [
        Self::Mastodon,
        Self::Bluesky,
        Self::Youtube,
        Self::Linkedin,
        Self::Instagram,
        Self::Facebook,
        Self::Threads,
        Self::X,
    ];

    /// The key in `[social]` and in the JSON view.
    pub fn id(self) -> &'static str {
        match self {
            Self::Mastodon => "mastodon",
            Self::Bluesky => "bluesky",
            Self::Youtube => "youtube",
            Self::Linkedin => "linkedin",
            Self::Instagram => "instagram",
            Self::Facebook => "facebook",
            Self::Threads => "threads",
            Self::X => "x",
        }
    }

    /// The platform's own name, as the link's text (the same in every language).
    pub fn name(self) -> &'static str {
        match self {
            Self::Mastodon => "Mastodon",
            Self::Bluesky => "Bluesky",
            Self::Youtube => "YouTube",
            Self::Linkedin => "LinkedIn",
            Self::Instagram => "Instagram",
            Self::Facebook => "Facebook",
            Self::Threads => "Threads",
            Self::X => "X",
        }
    }

    /// The platform a `[social]` key names.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.id() == id)
    }
}

/// One channel of a publisher: its platform's id ([`Platform::id`]) and the profile's
/// `https://` address, checked by `newsroom check`.
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct SocialLink {
    /// `mastodon`, `bluesky`, `youtube`, `linkedin`, `instagram`, `facebook`, `threads` or `x`.
    pub platform: String,
    /// The profile's address.
    pub url: String,
}

impl SocialLink {
    /// The platform's name for the link's text; the id itself for a platform this build
    /// does not know (a record from a newer CLI).
    pub fn name(&self) -> &str {
        Platform::from_id(&self.platform).map_or(self.platform.as_str(), |p| p.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_names_are_the_platforms_own() {
        for p in Platform::ALL {
            assert_eq!(Platform::from_id(p.id()), Some(p));
        }
        assert_eq!(Platform::from_id("twitter"), None, "X is `x`");
        let link = SocialLink { platform: "youtube".into(), url: "https://www.youtube.com/@x".into() };
        assert_eq!(link.name(), "YouTube");
        assert_eq!(SocialLink { platform: "newer".into(), url: String::new() }.name(), "newer");
    }
}
