//! Social media at publish time: each release's announcements composed ahead for its
//! publisher's announcing channels ([`posts`], into the go-live schedule), and the feeds the
//! scheduled Worker fetches ([`channels_record`], `social:channels`).
//!
//! A post is the release's title, its lead cut to fit, the link and up to three hashtags
//! from its keywords, within the platform's limit as the platform counts it: Mastodon 500
//! characters with every link counted as 23, Bluesky 300 graphemes (what a reader sees as
//! one letter, an emoji with its modifiers included). Composing here keeps the Unicode
//! tables out of the Worker, which posts the text as it is.

use contract::golive::UpcomingRecord;
use contract::model::SCHEMA_VERSION;
use contract::route::release_path;
use contract::social::{ChannelsRecord, Facet, Feed, Platform, PublisherFeeds, SocialPost};
use unicode_segmentation::UnicodeSegmentation;

use crate::content::{Publisher, Release, Site};

/// Mastodon's limit, in characters.
pub const MASTODON_LIMIT: usize = 500;
/// Mastodon counts every link as this many characters, whatever its length.
pub const MASTODON_LINK: usize = 23;
/// Bluesky's limit, in graphemes.
pub const BLUESKY_LIMIT: usize = 300;
/// The origin of links in posts when the settings have no `BASE_URL`: `make dev`'s server.
pub const LOCAL_ORIGIN: &str = "http://127.0.0.1:8787";
/// Hashtags at most per post.
pub const MAX_TAGS: usize = 3;
/// A lead cut shorter than this is left out rather than shown as a stub.
const MIN_LEAD: usize = 40;
/// Room the title keeps: hashtags are dropped, last first, before it is cut shorter.
const MIN_TITLE: usize = 60;

/// The posts of `release` on its publisher's announcing channels, linking to the release on
/// `origin` (`BASE_URL`, no trailing slash).
pub fn posts(release: &Release, publisher: &Publisher, origin: &str) -> Vec<SocialPost> {
    let link = format!("{origin}{}", release_path(&release.slug));
    publisher
        .announce
        .iter()
        .filter_map(|p| {
            let profile = publisher.social.iter().find(|s| s.platform == p.id())?;
            Some(compose(*p, &profile.url, release, &link))
        })
        .collect()
}

/// One post of `release` on `platform`.
fn compose(platform: Platform, profile: &str, release: &Release, link: &str) -> SocialPost {
    let (limit, count): (usize, fn(&str) -> usize) = match platform {
        Platform::Bluesky => (BLUESKY_LIMIT, graphemes),
        _ => (MASTODON_LIMIT, characters),
    };
    let link_len = if platform == Platform::Bluesky { graphemes(link) } else { MASTODON_LINK };
    let mut tags: Vec<String> = release.keywords.iter().filter_map(|k| hashtag(&k.label)).take(MAX_TAGS).collect();
    // Fixed parts: the link, the tags, the blank lines between parts. Tags give way to the
    // title (a long address or long compound words could otherwise leave it no room).
    let fixed = |tags: &[String]| {
        let line = tags.iter().map(|t| format!("#{t}")).collect::<Vec<_>>().join(" ");
        link_len + count(&line) + if tags.is_empty() { 2 } else { 4 }
    };
    let title_room = MIN_TITLE.min(count(release.title.trim()));
    while !tags.is_empty() && fixed(&tags) + 2 + title_room > limit {
        tags.pop();
    }
    let fixed = fixed(&tags);
    let title = cut(release.title.trim(), limit.saturating_sub(fixed + 2), count);
    let room = limit.saturating_sub(fixed + count(&title) + 2);
    let lead = release.lead.trim();
    let lead = if count(lead) <= room {
        lead.to_string()
    } else if room >= MIN_LEAD {
        cut(lead, room, count)
    } else {
        String::new()
    };
    let mut text = title.clone();
    if !lead.is_empty() {
        text.push_str("\n\n");
        text.push_str(&lead);
    }
    text.push_str("\n\n");
    let mut facets = vec![Facet { start: text.len(), end: text.len() + link.len(), value: link.into(), tag: false }];
    text.push_str(link);
    if !tags.is_empty() {
        text.push_str("\n\n");
        for (i, t) in tags.iter().enumerate() {
            if i > 0 {
                text.push(' ');
            }
            facets.push(Facet { start: text.len(), end: text.len() + 1 + t.len(), value: t.clone(), tag: true });
            text.push('#');
            text.push_str(t);
        }
    }
    SocialPost {
        platform: platform.id().into(),
        profile: profile.into(),
        text,
        lang: release.lang.clone(),
        link: link.into(),
        // The card shows the whole title (the post's text may have cut it).
        title: release.title.trim().to_string(),
        description: cut(release.lead.trim(), 300, graphemes),
        facets: if platform == Platform::Bluesky { facets } else { Vec::new() },
    }
}

/// Characters as Mastodon counts them (Unicode scalar values; links apart).
pub fn characters(text: &str) -> usize {
    text.chars().count()
}

/// Graphemes as Bluesky counts them.
pub fn graphemes(text: &str) -> usize {
    text.graphemes(true).count()
}

/// `text` cut to at most `max` (as `count` counts) at a word's end, with `…`.
fn cut(text: &str, max: usize, count: fn(&str) -> usize) -> String {
    if count(text) <= max {
        return text.to_string();
    }
    let mut out = String::new();
    for word in text.split_word_bounds() {
        if count(&out) + count(word) + 1 > max {
            break;
        }
        out.push_str(word);
    }
    let mut out = out.trim_end_matches(|c: char| c.is_whitespace() || ",;:–-".contains(c)).to_string();
    if out.is_empty() {
        // One word longer than the room: cut inside it, whole graphemes, counted as the
        // platform counts.
        for g in text.graphemes(true) {
            if count(&out) + count(g) + 1 > max {
                break;
            }
            out.push_str(g);
        }
    }
    out.push('…');
    out
}

/// A keyword as a hashtag: its words joined, each capitalised after the first when there
/// are several (`sosiaali- ja terveyspalvelut` → `SosiaaliJaTerveyspalvelut`), letters and
/// digits only; none when nothing is left or only digits (not a hashtag on either platform).
pub fn hashtag(label: &str) -> Option<String> {
    let words: Vec<&str> = label.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let tag: String = if words.len() == 1 {
        words[0].to_string()
    } else {
        words
            .iter()
            .map(|w| {
                let mut c = w.chars();
                c.next().map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
            })
            .collect()
    };
    (!tag.is_empty() && !tag.chars().all(|c| c.is_ascii_digit()) && tag.len() <= 64).then_some(tag)
}

/// `social:channels`: every publisher with a channel whose feed can be fetched.
pub fn channels_record(site: &Site) -> ChannelsRecord {
    let publishers = site
        .publishers
        .values()
        .filter_map(|p| {
            let feeds: Vec<Feed> = p
                .social
                .iter()
                .filter_map(|s| {
                    let url = Platform::from_id(&s.platform)?.feed_url(&s.url)?;
                    Some(Feed { platform: s.platform.clone(), profile: s.url.clone(), url })
                })
                .collect();
            (!feeds.is_empty()).then(|| PublisherFeeds { publisher: p.slug.clone(), lang: p.lang.clone(), feeds })
        })
        .collect();
    ChannelsRecord { v: SCHEMA_VERSION, publishers }
}

/// Fills in the posts of the schedule's releases: each release that is its family's
/// original (`is_original`), of a publisher that announces.
pub fn add_posts(schedule: &mut UpcomingRecord, site: &Site, origin: &str, is_original: impl Fn(&str) -> bool) {
    for u in &mut schedule.releases {
        let (Some(publisher), Some(release)) =
            (site.publishers.get(&u.publisher), site.releases.iter().find(|r| r.slug == u.slug))
        else {
            continue;
        };
        if publisher.announce.is_empty() || !is_original(&u.slug) {
            continue;
        }
        u.posts = posts(release, publisher, origin);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_post_stays_within_its_limit_whatever_the_release() {
        use crate::content::{load_site, SourceFile};
        let publisher = "name = \"Testi\"\nlanguage = \"fi\"\ntime_zone = \"Europe/Helsinki\"\n[social]\n\
                         mastodon = \"https://some.social/@testi\"\nbluesky = \"https://bsky.app/profile/testi.fi\"\n\
                         announce = [\"mastodon\", \"bluesky\"]\n";
        let long = "Sosiaali- ja terveydenhuollon palvelukokonaisuuden uudistamistyöryhmän ".repeat(4);
        let release = format!(
            "+++\ntitle = \"{long}\"\npublisher = \"testi\"\npublished_at = 2026-12-07T10:00:00\nlead = \"{long}\"\n\
             keywords = [\"terveydenhuollonpalvelukokonaisuusuudistus\", \"sosiaalihuollonammattihenkilöt\", \"x\"]\n+++\n\nTeksti.\n"
        );
        let site = load_site(
            &[SourceFile { path: "content/publishers/testi.toml".into(), text: publisher.into() }],
            &[SourceFile { path: "content/releases/r.md".into(), text: release }],
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        let origin = format!("https://{}.example.fi", "pitka".repeat(30));
        let posts = posts(&site.releases[0], &site.publishers["testi"], &origin);
        assert_eq!(posts.len(), 2);
        for p in &posts {
            let (limit, n) = if p.platform == "bluesky" {
                (BLUESKY_LIMIT, graphemes(&p.text))
            } else {
                (MASTODON_LIMIT, characters(&p.text) - characters(&p.link) + MASTODON_LINK)
            };
            assert!(n <= limit, "{} {n}: {}", p.platform, p.text);
            assert!(p.text.starts_with("Sosiaali- ja terveydenhuollon"), "the title keeps room: {}", p.text);
            for f in &p.facets {
                let span = &p.text[f.start..f.end];
                assert_eq!(span, if f.tag { format!("#{}", f.value) } else { f.value.clone() });
            }
        }
        assert_eq!(posts[1].title, long.trim(), "the card has the whole title");
    }

    #[test]
    fn hashtags_join_words_and_refuse_numbers() {
        assert_eq!(hashtag("sosiaali- ja terveyspalvelut").as_deref(), Some("SosiaaliJaTerveyspalvelut"));
        assert_eq!(hashtag("päivystys").as_deref(), Some("päivystys"));
        assert_eq!(hashtag("2026"), None);
        assert_eq!(hashtag(" – "), None);
    }

    #[test]
    fn cutting_ends_at_a_word_with_an_ellipsis_and_counts_graphemes() {
        assert_eq!(cut("Yksi kaksi kolme", 12, characters), "Yksi kaksi…");
        assert!(characters(&cut("Yksi kaksi kolme", 12, characters)) <= 12);
        // A family emoji is seven scalar values and one grapheme.
        let family = "👨‍👩‍👧‍👦";
        assert_eq!((characters(family), graphemes(family)), (7, 1));
        let text = format!("{family} ").repeat(10);
        assert!(graphemes(&cut(&text, 8, graphemes)) <= 8);
        assert_eq!(cut("Pitkäsana", 5, characters), "Pitk…");
    }
}
