use super::*;

/// A Mastodon profile's RSS as Mastodon 4 writes it: the post's HTML escaped in
/// `description`, no title.
const MASTODON: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:webfeeds="http://webfeeds.org/rss/1.0" xmlns:media="http://search.yahoo.com/mrss/">
  <channel>
    <title>Kymenlaakson hyvinvointialue</title>
    <link>https://some.social/@kymenhva</link>
    <item>
      <guid isPermaLink="true">https://some.social/@kymenhva/1</guid>
      <link>https://some.social/@kymenhva/1</link>
      <pubDate>Mon, 07 Dec 2026 08:00:00 +0000</pubDate>
      <description>&lt;p&gt;Päivystys muuttaa &amp;amp; uudistuu. Lue: &lt;a href="https://uutiset.example.fi/r" rel="nofollow noopener" target="_blank"&gt;&lt;span class="invisible"&gt;https://&lt;/span&gt;uutiset.example.fi/r&lt;/a&gt;&lt;/p&gt;&lt;p&gt;Toinen&lt;br /&gt;rivi&lt;/p&gt;</description>
      <media:content url="https://files.some.social/x.jpg" type="image/jpeg"/>
    </item>
    <item>
      <link>https://some.social/@kymenhva/0</link>
      <pubDate>Sun, 06 Dec 2026 08:00:00 GMT</pubDate>
      <description>&lt;p&gt;Vanhempi&lt;/p&gt;</description>
    </item>
  </channel>
</rss>"#;

/// YouTube's Atom feed of a channel.
const YOUTUBE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns:media="http://search.yahoo.com/mrss/" xmlns="http://www.w3.org/2005/Atom">
 <title>Kymenhva</title>
 <entry>
  <id>yt:video:abc</id>
  <title>Hoitajan päivä</title>
  <link rel="alternate" href="https://www.youtube.com/watch?v=abc"/>
  <published>2026-12-05T10:00:00+00:00</published>
  <media:group><media:title>Hoitajan päivä</media:title><media:description>Video &amp; kuvaus</media:description></media:group>
 </entry>
</feed>"#;

#[test]
fn a_mastodon_feed_becomes_text_posts_newest_first() {
    let posts = parse(MASTODON.as_bytes(), "mastodon").expect("a feed");
    assert_eq!(posts.len(), 2);
    assert_eq!(posts[0].url, "https://some.social/@kymenhva/1");
    assert_eq!(posts[0].at, "2026-12-07T08:00:00Z");
    assert_eq!(posts[0].text, "Päivystys muuttaa & uudistuu. Lue: https://uutiset.example.fi/r\n\nToinen\nrivi");
    assert_eq!(posts[1].at, "2026-12-06T08:00:00Z");
}

#[test]
fn a_youtube_feed_shows_the_title_and_description() {
    let posts = parse(YOUTUBE.as_bytes(), "youtube").expect("a feed");
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].url, "https://www.youtube.com/watch?v=abc");
    assert_eq!(posts[0].text, "Hoitajan päivä\n\nVideo & kuvaus");
}

#[test]
fn garbage_large_and_foreign_feeds_are_refused() {
    assert_eq!(parse(&vec![b' '; MAX_FEED_BYTES + 1], "mastodon"), Err(FeedError::TooLarge));
    assert_eq!(parse(&[0xff, 0xfe, 0x00], "mastodon"), Err(FeedError::NotText));
    assert!(matches!(parse(b"<html><body>hi</body></html>", "mastodon"), Err(FeedError::NotAFeed(_))));
    assert!(matches!(parse(b"<rss><channel><item></rss>", "mastodon"), Err(FeedError::NotAFeed(_))));
    assert!(matches!(parse(b"", "mastodon"), Err(FeedError::NotAFeed(_))));
    assert!(matches!(parse(b"\x00\x01garbage{}", "mastodon"), Err(FeedError::NotAFeed(_))));
}

#[test]
fn a_hostile_post_is_shown_harmlessly() {
    let long = "pitkä ".repeat(400);
    let feed = format!(
        r#"<rss version="2.0"><channel><item><link>javascript:alert(1)</link>
        <pubDate>Mon, 07 Dec 2026 09:00:00 +0200</pubDate>
        <description>&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&lt;a href="javascript:alert(3)"&gt;klikkaa&lt;/a&gt; &amp;lt;b&amp;gt;lihava&amp;lt;/b&amp;gt; "lainaus" {long}</description>
        </item></channel></rss>"#
    );
    let posts = parse(feed.as_bytes(), "mastodon").expect("a feed");
    assert_eq!(posts[0].url, "", "only https links are kept");
    assert!(!posts[0].text.contains("alert(1)"), "{}", posts[0].text);
    assert!(posts[0].text.starts_with("klikkaa <b>lihava</b> \"lainaus\""), "{}", posts[0].text);
    assert_eq!(posts[0].text.chars().count(), MAX_TEXT_CHARS);
    assert!(posts[0].text.ends_with('…'));
    let html = fragment("fi", &posts, &[("mastodon".into(), "https://some.social/@kymenhva".into())]);
    assert!(!html.contains("<script") && !html.contains("<img") && !html.contains("<b>"), "{html}");
    assert!(!html.contains("javascript:"), "{html}");
    assert!(html.contains("&lt;b&gt;lihava&lt;/b&gt;"), "{html}");
    assert!(html.contains("<time datetime=\"2026-12-07T07:00:00Z\">7.12.2026</time>"), "{html}");
}

#[test]
fn the_fragment_links_https_addresses_only_and_is_empty_without_posts() {
    let post = |text: &str, at: &str| Post {
        platform: "bluesky".into(),
        url: "https://bsky.app/profile/a.fi/post/1".into(),
        at: at.into(),
        text: text.into(),
    };
    let posts: Vec<Post> = (0..7)
        .map(|i| post(&format!("Katso https://x.fi/{i}. Ja http://y.fi"), &format!("2026-12-0{}T10:00:00Z", i + 1)))
        .collect();
    let html = fragment("en", &posts, &[("bluesky".into(), "https://bsky.app/profile/a.fi".into())]);
    assert_eq!(html.matches("<li>").count(), MAX_POSTS);
    assert!(
        html.contains("<a href=\"https://x.fi/6\" rel=\"nofollow ugc\">https://x.fi/6</a>. Ja http://y.fi"),
        "{html}"
    );
    assert!(html.contains("Latest social media posts") && html.contains("Original post (Bluesky)"));
    assert!(html.find("x.fi/6").unwrap_or(usize::MAX) < html.find("x.fi/5").unwrap_or(0), "newest first");
    assert_eq!(fragment("fi", &[], &[]), "");
    assert!(roxmltree::Document::parse(&html.replace("<br>", "<br/>")).is_ok(), "{html}");
}

#[test]
fn feeds_are_due_hourly_or_as_often_as_set() {
    let at = |t: &str| DateTime::parse_from_rfc3339(t).expect("valid").to_utc();
    assert!(due(at("2026-12-07T10:23:00Z"), 60));
    assert!(!due(at("2026-12-07T10:24:00Z"), 60));
    assert!(due(at("2026-12-07T10:24:00Z"), 1));
}

#[test]
fn hostile_input_takes_linear_time_and_loses_no_plain_text() {
    let started = std::time::Instant::now();
    let ampersands = "&".repeat(MAX_FEED_BYTES);
    assert_eq!(to_text(&ampersands).len(), MAX_FEED_BYTES);
    let scripts = "<script></script>".repeat(60_000);
    assert_eq!(to_text(&scripts), "");
    let unclosed = "<a".repeat(MAX_FEED_BYTES / 2);
    assert!(to_text(&unclosed).len() > 100_000);
    assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
    assert_eq!(to_text("a < b ja c > d"), "a < b ja c > d");
    assert_eq!(to_text("<SCRIPT>x</ScRiPt>jäljelle"), "jäljelle");
}

#[test]
fn bidi_controls_and_noncharacters_are_dropped_and_odd_addresses_never_linked() {
    assert_eq!(to_text("https://a.fi/\u{202E}moc.elgoog&#xFDD0;x"), "https://a.fi/moc.elgoogx");
    for bad in [
        "https://<x>",
        "https://[",
        "https://a.fi/%zz",
        "https://a.fi/\"x",
        "https://",
        "http://a.fi",
        "https://a.fi/…",
    ] {
        assert!(!is_https(bad), "{bad}");
    }
    for good in ["https://a.fi", "https://a.fi:8443/x?y=1&z=%C3%A4#f", "https://bsky.app/profile/a.fi/post/3k"] {
        assert!(is_https(good), "{good}");
    }
    assert!(same_site("https://some.social/@a/1", "https://some.social/@a"));
    assert!(same_site("https://www.youtube.com/watch?v=x", "https://youtube.com/channel/UC1"));
    assert!(!same_site("https://phish.example/@a/1", "https://some.social/@a"));
    assert_eq!(rfc2822("Mon, 07 Dec 2026 10:00:00 +2147483647"), None);
    assert_eq!(rfc2822("Mon, 07 Dec 2026 10:00:00 +0190"), None);
    assert!(rfc2822("Mon, 07 Dec 2026 10:00:00 -0330").is_some());
}

#[test]
fn an_original_post_link_to_another_site_is_not_offered() {
    let post = Post {
        platform: "mastodon".into(),
        url: "https://phish.example/x".into(),
        at: "2026-12-07T10:00:00Z".into(),
        text: "t".into(),
    };
    let html = fragment("fi", &[post], &[("mastodon".into(), "https://some.social/@a".into())]);
    assert!(!html.contains("phish.example") && !html.contains("Alkuperäinen"), "{html}");
}
