//! `[social]` of a publisher file: its channels, one profile address per platform
//! (`mastodon = "https://mastodon.social/@kymenhva"`), each checked to be an `https://`
//! profile on that platform's own site, with the line of any mistake; and `announce`, the
//! channels each release is posted to at its moment (`announce = ["mastodon", "bluesky"]`):
//! only platforms with an open API for it, each listed in the table.

use contract::social::{Platform, SocialLink};
use toml::Value;

use super::fields::{suggest, Fields};

/// The channels of `[social]`, in [`Platform::ALL`]'s order, and the platforms of
/// `announce`; none when the table is absent.
pub fn channels(f: &mut Fields) -> (Vec<SocialLink>, Vec<Platform>) {
    let Some((header, table)) = f.table("social") else { return (Vec::new(), Vec::new()) };
    let mut found: Vec<(Platform, String)> = Vec::new();
    let mut announce: Option<(usize, Value)> = None;
    for (key, value) in table {
        let at = f.field_line(header, &key);
        if key == "announce" {
            announce = Some((at, value));
            continue;
        }
        let Some(platform) = Platform::from_id(&key) else {
            let ids = Platform::ALL.map(Platform::id);
            let hint = if key == "twitter" { Some("x") } else { suggest(&key, ids.into_iter()) };
            let hint = hint.map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default();
            f.error(at, format!("`[social]` has no platform `{key}`{hint}; use one of {}", ids.join(", ")));
            continue;
        };
        let Value::String(url) = value else {
            f.error(at, format!("`social.{key}` must be a text: the profile's address, e.g. {}", example(platform)));
            continue;
        };
        let url = url.trim().to_string();
        match check(platform, &url) {
            Ok(()) => found.push((platform, url)),
            Err(why) => f.error(at, format!("`social.{key}` `{url}` {why}, e.g. {}", example(platform))),
        }
    }
    found.sort_by_key(|(p, _)| Platform::ALL.iter().position(|q| q == p));
    let announce = announce.map_or_else(Vec::new, |(at, value)| announced(f, at, value, &found));
    (found.into_iter().map(|(p, url)| SocialLink { platform: p.id().to_string(), url }).collect(), announce)
}

/// The platforms of `announce` (at line `at`), each one that can post, listed in the table
/// (`found`) and named once.
fn announced(f: &mut Fields, at: usize, value: Value, found: &[(Platform, String)]) -> Vec<Platform> {
    let usage = "`social.announce` must list the channels to post each release to, e.g. \
                 `announce = [\"mastodon\", \"bluesky\"]`";
    let Value::Array(items) = value else {
        f.error(at, usage);
        return Vec::new();
    };
    let mut platforms = Vec::new();
    for item in items {
        let Value::String(id) = item else {
            f.error(at, usage);
            continue;
        };
        match Platform::from_id(&id) {
            None => f.error(at, format!("`social.announce` names `{id}`, which is no platform; {usage}")),
            Some(p) if !p.can_announce() => f.error(
                at,
                format!(
                    "`social.announce` names `{id}`: releases can be posted only to Mastodon and Bluesky, whose \
                     open interfaces allow it; {} shows only as a link",
                    p.name()
                ),
            ),
            Some(p) if !found.iter().any(|(q, _)| *q == p) => f.error(
                at,
                format!("`social.announce` names `{id}`, but `[social]` has no `{id}` address to post to: add it"),
            ),
            Some(p) if platforms.contains(&p) => f.error(at, format!("`social.announce` names `{id}` twice")),
            Some(p) => platforms.push(p),
        }
    }
    platforms
}

/// A profile address on `platform`, as the error shows it.
fn example(platform: Platform) -> &'static str {
    match platform {
        Platform::Mastodon => "https://mastodon.social/@nimi",
        Platform::Bluesky => "https://bsky.app/profile/nimi.bsky.social",
        Platform::Youtube => "https://www.youtube.com/@nimi",
        Platform::Linkedin => "https://www.linkedin.com/company/nimi",
        Platform::Instagram => "https://www.instagram.com/nimi",
        Platform::Facebook => "https://www.facebook.com/nimi",
        Platform::Threads => "https://www.threads.net/@nimi",
        Platform::X => "https://x.com/nimi",
    }
}

/// Whether `url` is an `https://` profile on `platform`: the platform's host (any server for
/// Mastodon, which is federated) and the path its profiles have.
fn check(platform: Platform, url: &str) -> Result<(), &'static str> {
    let rest = url.strip_prefix("https://").ok_or("is not an https:// address")?;
    if !super::is_web_url(url) || rest.contains(['?', '#']) {
        return Err("is not a plain web address (no spaces, quotes, query or fragment)");
    }
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = host.to_ascii_lowercase();
    let path = path.trim_end_matches('/');
    let one = |prefix: &str| path.strip_prefix(prefix).is_some_and(|name| !name.is_empty() && !name.contains('/'));
    let on = |hosts: &[&str]| hosts.contains(&host.as_str());
    let ok = match platform {
        Platform::Mastodon => host.contains('.') && !host.contains(':') && one("@"),
        Platform::Bluesky => on(&["bsky.app"]) && one("profile/"),
        Platform::Youtube => {
            on(&["youtube.com", "www.youtube.com", "m.youtube.com"])
                && (one("@") || one("channel/") || one("c/") || one("user/"))
        }
        Platform::Linkedin => {
            on(&["linkedin.com", "www.linkedin.com"])
                && (one("company/") || one("in/") || one("school/") || one("showcase/"))
        }
        Platform::Instagram => on(&["instagram.com", "www.instagram.com"]) && one(""),
        Platform::Facebook => on(&["facebook.com", "www.facebook.com", "m.facebook.com"]) && one(""),
        Platform::Threads => on(&["threads.net", "www.threads.net", "threads.com", "www.threads.com"]) && one("@"),
        Platform::X => on(&["x.com", "www.x.com", "twitter.com", "www.twitter.com"]) && one(""),
    };
    if ok {
        Ok(())
    } else {
        Err("is not a profile on that platform's own site")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Vec<SocialLink>, Vec<(usize, String)>) {
        let mut f = Fields::parse(text, 1).expect("TOML");
        let (found, _) = channels(&mut f);
        (found, f.finish())
    }

    #[test]
    fn announce_names_listed_channels_that_can_post() {
        let text = "[social]\nmastodon = \"https://some.social/@a\"\nbluesky = \"https://bsky.app/profile/a.fi\"\n\
                    announce = [\"bluesky\", \"mastodon\"]\n";
        let mut f = Fields::parse(text, 1).expect("TOML");
        let (_, announce) = channels(&mut f);
        assert!(f.finish().is_empty());
        assert_eq!(announce, [Platform::Bluesky, Platform::Mastodon]);
        let text = "[social]\nfacebook = \"https://www.facebook.com/a\"\nmastodon = \"https://some.social/@a\"\n\
                    announce = [\"facebook\", \"bluesky\", \"mastodon\", \"mastodon\", \"myspace\"]\n";
        let mut f = Fields::parse(text, 1).expect("TOML");
        let (found, announce) = channels(&mut f);
        let errors = f.finish();
        assert_eq!(found.len(), 2);
        assert_eq!(announce, [Platform::Mastodon]);
        assert_eq!(errors.iter().map(|e| e.0).collect::<Vec<_>>(), [4, 4, 4, 4], "{errors:?}");
        assert!(errors[0].1.contains("only to Mastodon and Bluesky"), "{}", errors[0].1);
        assert!(errors[1].1.contains("no `bluesky` address"), "{}", errors[1].1);
        assert!(errors[2].1.contains("twice"), "{}", errors[2].1);
        assert!(errors[3].1.contains("no platform"), "{}", errors[3].1);
        let mut f = Fields::parse("[social]\nannounce = \"mastodon\"\n", 1).expect("TOML");
        let _ = channels(&mut f);
        assert!(f.finish()[0].1.contains("must list"));
    }

    #[test]
    fn every_platform_takes_its_own_profiles_in_a_fixed_order() {
        let text = "[social]\nx = \"https://x.com/kymenhva\"\nmastodon = \"https://some.social/@kymenhva\"\n\
                    bluesky = \"https://bsky.app/profile/kymenhva.fi\"\nyoutube = \"https://www.youtube.com/@kymenhva\"\n\
                    linkedin = \"https://www.linkedin.com/company/kymenhva/\"\ninstagram = \"https://www.instagram.com/kymenhva\"\n\
                    facebook = \"https://www.facebook.com/kymenhva\"\nthreads = \"https://www.threads.net/@kymenhva\"\n";
        let (found, errors) = parse(text);
        assert!(errors.is_empty(), "{errors:?}");
        let order: Vec<&str> = found.iter().map(|l| l.platform.as_str()).collect();
        assert_eq!(order, Platform::ALL.map(Platform::id));
    }

    #[test]
    fn a_wrong_site_scheme_or_platform_is_refused_at_its_line() {
        let text = "name = \"x\"\n\n[social]\nmastodon = \"http://some.social/@a\"\nfacebook = \"https://www.youtube.com/@a\"\n\
                    twitter = \"https://x.com/a\"\nbluesky = \"https://bsky.app/profile/a b\"\nyoutube = 3\nx = \"https://x.com/\"\n";
        let (found, errors) = parse(text);
        assert!(found.is_empty(), "{found:?}");
        let lines: Vec<usize> = errors.iter().map(|e| e.0).collect();
        // Line 1: `name`, which this test's parser does not read (a publisher's does).
        assert_eq!(lines, [1, 4, 5, 6, 7, 8, 9], "{errors:?}");
        assert!(errors[1].1.contains("is not an https:// address"), "{}", errors[1].1);
        let wrong_site = &errors[2].1;
        assert!(
            wrong_site.contains("not a profile on that platform's own site")
                && wrong_site.contains("facebook.com/nimi")
        );
        assert!(errors[3].1.contains("did you mean `x`?"), "{}", errors[3].1);
        assert!(errors[4].1.contains("not a plain web address"), "{}", errors[4].1);
        assert!(errors[5].1.contains("must be a text"), "{}", errors[5].1);
        assert!(errors[6].1.contains("not a profile"), "{}", errors[6].1);
    }
}
