//! A publisher's social media channels (`[social]` in its file): which platforms there are,
//! what each is called on the page, and the record of one channel. Which URL is a profile on
//! which platform is checked at publish time (`publish::content::social`), not here: the
//! Workers only show what was checked.
//!
//! Also what the scheduled (mail) Worker reads to work with them ([`ChannelsRecord`] under
//! [`CHANNELS_KEY`]): the public feeds it fetches hourly into each publisher's
//! [`posts_key`] (an HTML fragment the publisher page shows as it is), and which channels
//! announce releases, with the Worker secret each needs ([`secret_name`]). The posts
//! themselves are composed at publish time ([`SocialPost`], in the go-live schedule).

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

    /// Whether releases can be announced on it (`announce` in `[social]`): the platforms
    /// with an open API for posting.
    pub fn can_announce(self) -> bool {
        matches!(self, Self::Mastodon | Self::Bluesky)
    }

    /// The public feed of the profile at `profile` (a checked `https://` address), when the
    /// platform publishes one: a Mastodon profile's RSS (`…/@name.rss`), a Bluesky
    /// profile's RSS (`https://bsky.app/profile/{handle}/rss`) and a YouTube channel's Atom
    /// feed, which only a `/channel/UC…` address names (a `@handle` page does not say its
    /// channel's id without a visit).
    pub fn feed_url(self, profile: &str) -> Option<String> {
        let profile = profile.trim_end_matches('/');
        match self {
            Self::Mastodon => Some(format!("{profile}.rss")),
            Self::Bluesky => Some(format!("{profile}/rss")),
            Self::Youtube => {
                let (_, id) = profile.split_once("/channel/")?;
                Some(format!("https://www.youtube.com/feeds/videos.xml?channel_id={id}"))
            }
            _ => None,
        }
    }
}

/// The Worker secret holding a publisher's credential for announcing on `platform`: a
/// Mastodon access token (`MASTODON_TOKEN_…`) or a Bluesky app password
/// (`BLUESKY_APP_PASSWORD_…`), then the publisher's slug in capitals with `_` for `-`
/// (`kymenlaakson-hyvinvointialue` → `MASTODON_TOKEN_KYMENLAAKSON_HYVINVOINTIALUE`).
pub fn secret_name(platform: Platform, publisher: &str) -> String {
    let kind = if platform == Platform::Bluesky { "BLUESKY_APP_PASSWORD" } else { "MASTODON_TOKEN" };
    format!("{kind}_{}", publisher.to_ascii_uppercase().replace('-', "_"))
}

/// `url`, or, with a stand-in address `via` (`SOCIAL_VIA`: `make dev`'s and the tests'
/// `scripts/social-stub.mjs`), the stand-in's, the original host as the path's first part
/// (`https://some.social/api/v1/statuses` → `{via}/some.social/api/v1/statuses`). The mail
/// Worker and `newsroom social test` call the platforms through it.
pub fn via(url: &str, via: Option<&str>) -> String {
    match (via, url.strip_prefix("https://")) {
        (Some(via), Some(rest)) => format!("{}/{rest}", via.trim_end_matches('/')),
        _ => url.to_string(),
    }
}

/// Key of the [`ChannelsRecord`], written by `newsroom publish`.
pub const CHANNELS_KEY: &str = "social:channels";

/// Key of a publisher's latest posts: an HTML fragment (a `<section>`, text escaped, links
/// checked to be `https:`) the scheduled Worker writes when its feeds change and the
/// publisher page shows as it is. Absent until the first good fetch. (A prefix of its own:
/// `social:{slug}` would be [`CHANNELS_KEY`] for a publisher named `channels`.)
pub fn posts_key(publisher: &str) -> String {
    format!("social-posts:{publisher}")
}

/// `social:channels`: every publisher with a feed to fetch, for the scheduled Worker.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct ChannelsRecord {
    /// Schema version ([`crate::model::SCHEMA_VERSION`]).
    pub v: u32,
    /// The publishers with at least one feed, by slug.
    pub publishers: Vec<PublisherFeeds>,
}

/// One publisher's feeds.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct PublisherFeeds {
    /// The publisher's slug ([`posts_key`]).
    pub publisher: String,
    /// Its language: the fragment's heading and dates.
    pub lang: String,
    /// Its channels that publish a feed, in [`Platform::ALL`]'s order.
    pub feeds: Vec<Feed>,
}

/// One public feed of a channel.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Feed {
    /// The platform's id.
    pub platform: String,
    /// The profile's address (the fragment links to it).
    pub profile: String,
    /// The feed's address ([`Platform::feed_url`]).
    pub url: String,
}

/// One release's announcement on one channel, composed by `newsroom build` (text cut to
/// the platform's limit as it counts it, hashtags, link) and posted as it is by the
/// scheduled Worker once the release's moment has passed.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct SocialPost {
    /// `mastodon` or `bluesky`.
    pub platform: String,
    /// The profile posted to: a Mastodon server's host comes from it, a Bluesky handle too.
    pub profile: String,
    /// The whole text: title, lead cut to fit, the link, hashtags.
    pub text: String,
    /// The release's language (the post's `language` / `langs`).
    pub lang: String,
    /// The release's address (Bluesky's link card).
    pub link: String,
    /// The link card's title (Bluesky).
    pub title: String,
    /// The link card's description (Bluesky).
    pub description: String,
    /// Byte ranges of the text that are links or hashtags (Bluesky's facets; Mastodon finds
    /// them itself).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub facets: Vec<Facet>,
}

/// A link or hashtag in a [`SocialPost`]'s text, by UTF-8 byte offsets (Bluesky's facets).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Facet {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// The link's address, or the hashtag without `#`.
    pub value: String,
    /// A hashtag (else a link).
    #[serde(default)]
    pub tag: bool,
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

    #[test]
    fn feeds_and_secrets_are_named_from_the_profile_and_the_publisher() {
        assert_eq!(
            Platform::Mastodon.feed_url("https://some.social/@kymenhva").as_deref(),
            Some("https://some.social/@kymenhva.rss")
        );
        assert_eq!(
            Platform::Bluesky.feed_url("https://bsky.app/profile/kymenhva.fi/").as_deref(),
            Some("https://bsky.app/profile/kymenhva.fi/rss")
        );
        assert_eq!(
            Platform::Youtube.feed_url("https://www.youtube.com/channel/UCabc").as_deref(),
            Some("https://www.youtube.com/feeds/videos.xml?channel_id=UCabc")
        );
        assert_eq!(Platform::Youtube.feed_url("https://www.youtube.com/@kymenhva"), None);
        assert_eq!(Platform::Facebook.feed_url("https://www.facebook.com/kymenhva"), None);
        assert_eq!(secret_name(Platform::Mastodon, "kymsote"), "MASTODON_TOKEN_KYMSOTE");
        assert_eq!(
            secret_name(Platform::Bluesky, "kymenlaakson-hyvinvointialue"),
            "BLUESKY_APP_PASSWORD_KYMENLAAKSON_HYVINVOINTIALUE"
        );
        assert!(Platform::ALL.iter().filter(|p| p.can_announce()).count() == 2);
        assert_eq!(
            via("https://bsky.social/xrpc/x", Some("http://127.0.0.1:8789/")),
            "http://127.0.0.1:8789/bsky.social/xrpc/x"
        );
        assert_eq!(via("https://bsky.social/xrpc/x", None), "https://bsky.social/xrpc/x");
    }
}
