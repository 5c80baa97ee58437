//! Videos (issue 43), natively: `newsroom check` reads the container of a real MP4 and WebM
//! (tests/fixtures/video: tiny test patterns) and refuses what browsers cannot play or a
//! reader could not follow, at the `[[videos]]` line; the build writes the video into the
//! release record, its file and captions into the R2 plan with their gates in KV (opening at
//! the release's moment), the media bank, the RSS enclosure and the sitemap; the page shows
//! a `<video>` with its captions track.

mod common;

use std::path::Path;

use common::{attrs, html, read_dir, serve, text};
use publish::content::{load_site_with_media, Diagnostic, Site, SourceFile, SourceMedia};
use serde_json::Value;

const FIXTURES: &str = "tests/fixtures/video";

/// A video file as the CLI reads it: probed and hashed, never read whole.
fn video(name: &str, file: &str) -> SourceMedia {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURES).join(file);
    let bytes = std::fs::read(&path).expect("fixture");
    let ext = file.rsplit('.').next().unwrap_or("mp4");
    let facts = publish::video::probe(&mut std::io::Cursor::new(&bytes), bytes.len() as u64, ext).map(
        |(duration_ms, width, height, codecs)| {
            let (name, bytes) = contract::media::hashed_name_of(&mut &bytes[..], ext).expect("hash");
            publish::video::VideoFacts { name, bytes, duration_ms, width, height, codecs }
        },
    );
    SourceMedia {
        path: path.display().to_string(),
        name: name.into(),
        data: Vec::new(),
        unread: None,
        video: Some(facts),
    }
}

fn captions(name: &str, text: &str) -> SourceMedia {
    SourceMedia {
        path: format!("content/media/{name}"),
        name: name.into(),
        data: text.into(),
        unread: None,
        video: None,
    }
}

fn release(front: &str) -> SourceFile {
    let text = format!(
        "+++\ntitle = \"Testiaineisto: video\"\npublisher = \"kymsote\"\npublished_at = 2026-11-20T10:00:00\n\
         lead = \"Testiaineisto.\"\n{front}\n+++\n\nTestiaineisto.\n"
    );
    SourceFile { path: "content/releases/testi-video.md".into(), text }
}

fn site(front: &str, media: &[SourceMedia]) -> Result<Site, Vec<Diagnostic>> {
    let root = common::content_dir();
    let mut releases = read_dir(&root.join("releases"), "md");
    releases.push(release(front));
    let mut site = load_site_with_media(&read_dir(&root.join("publishers"), "toml"), &releases, media)?;
    publish::photo::process_site(&mut site)?;
    Ok(site)
}

const VTT: &str = "WEBVTT\n\n00:00.000 --> 00:01.500\n[Testikuva]\n";
const VIDEO: &str =
    "[[videos]]\nfile = \"tiny.mp4\"\ntitle = \"Testikuva\"\ncaptions = \"tiny.vtt\"\ncredit = \"Video: testi\"";

fn media() -> Vec<SourceMedia> {
    vec![video("tiny.mp4", "tiny.mp4"), video("tiny.webm", "tiny.webm"), captions("tiny.vtt", VTT)]
}

/// [`media`] and `still.png`, a poster.
fn media_with_still() -> Vec<SourceMedia> {
    let png = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/e2e-media/e2e-pixel.png"))
        .expect("png");
    let still = SourceMedia {
        path: "content/media/still.png".into(),
        name: "still.png".into(),
        data: png,
        unread: None,
        video: None,
    };
    media().into_iter().chain([still]).collect()
}

fn errors(front: &str, media: &[SourceMedia]) -> Vec<(usize, String)> {
    let diags = site(front, media).expect_err("refused");
    diags.into_iter().filter(|d| d.path.ends_with("testi-video.md")).map(|d| (d.line, d.message)).collect()
}

#[test]
fn the_container_says_length_size_and_codecs() {
    let mp4 = video("a.mp4", "tiny.mp4").video.expect("probed").expect("an MP4");
    assert_eq!((mp4.width, mp4.height), (64, 48));
    assert!((1400..=1600).contains(&mp4.duration_ms), "{}", mp4.duration_ms);
    assert!(mp4.codecs.starts_with("avc1.") && mp4.codecs.ends_with("mp4a.40.2"), "{}", mp4.codecs);
    assert!(mp4.name.ends_with(".mp4") && mp4.name.len() == 20, "{}", mp4.name);
    let webm = video("a.webm", "tiny.webm").video.expect("probed").expect("a WebM");
    assert_eq!((webm.width, webm.height, webm.codecs.as_str()), (64, 48, "vp9, opus"));
    assert!((1400..=1600).contains(&webm.duration_ms), "{}", webm.duration_ms);
    let hevc = video("a.mp4", "tiny-hevc.mp4").video.expect("probed").expect_err("H.265");
    assert!(hevc.contains("H.265") && hevc.contains("H.264"), "{hevc}");
}

#[test]
fn what_cannot_be_played_or_followed_is_refused_at_its_line() {
    // Captions are required (the accessibility law), with the reason said.
    let e = errors("[[videos]]\nfile = \"tiny.mp4\"\ntitle = \"Testikuva\"", &media());
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].1.contains("missing `captions`") && e[0].1.contains("WCAG"), "{e:?}");
    assert_eq!(e[0].0, 6, "the [[videos]] line: {e:?}");
    // Captions that are not WebVTT: the file, and its own line.
    let srt = captions("tiny.vtt", "1\n00:00:01,000 --> 00:00:02,000\nHei\n");
    let e = errors(VIDEO, &[video("tiny.mp4", "tiny.mp4"), srt]);
    assert!(e.iter().any(|(_, m)| m.contains("`tiny.vtt` is not WebVTT") && m.contains("(its line 1)")), "{e:?}");
    // A video browsers cannot all play, and one that is not a video at all.
    let e = errors(VIDEO, &[video("tiny.mp4", "tiny-hevc.mp4"), captions("tiny.vtt", VTT)]);
    assert!(e.iter().any(|(line, m)| *line == 7 && m.contains("H.265")), "the `file` line: {e:?}");
    let fake = SourceMedia { video: Some(Err("is not an MP4 video".into())), ..video("tiny.mp4", "tiny.mp4") };
    let e = errors(VIDEO, &[fake, captions("tiny.vtt", VTT)]);
    assert!(e.iter().any(|(_, m)| m.contains("`tiny.mp4` is not an MP4 video")), "{e:?}");
    // Too large (never read), missing, or of the wrong kind.
    let big = SourceMedia {
        unread: Some("`tiny.mp4` is 400 MiB; the limit is 300 MiB".into()),
        ..video("tiny.mp4", "tiny.mp4")
    };
    let e = errors(VIDEO, &[big, captions("tiny.vtt", VTT)]);
    assert!(e.iter().any(|(_, m)| m.contains("the limit is 300 MiB")), "{e:?}");
    let e = errors(VIDEO, &[captions("tiny.vtt", VTT)]);
    assert!(e.iter().any(|(_, m)| m.contains("`tiny.mp4` is not in content/media/")), "{e:?}");
    let e = errors("[[videos]]\nfile = \"tiny.vtt\"\ntitle = \"x\"\ncaptions = \"tiny.mp4\"", &media());
    assert!(e.iter().any(|(_, m)| m.contains("is not an MP4 or WebM video")), "{e:?}");
    let e = errors(&format!("{VIDEO}\ncaptions_language = \"suomi\""), &media());
    assert!(e.iter().any(|(_, m)| m.contains("`captions_language` `suomi`")), "{e:?}");
    let e = errors(&format!("{VIDEO}\nsubtitles = \"x.vtt\""), &media());
    assert!(e.iter().any(|(_, m)| m.contains("subtitles")), "an unknown field: {e:?}");
}

#[test]
fn a_release_with_a_video_is_built_served_and_listed() {
    let site = site(VIDEO, &media()).expect("checks");
    let records = publish::build::build_with(&site, None, &contract::config::Config::default());
    // R2: the video and its captions, once each, from the publisher's files; their gates open
    // at the release's moment (10:00 in Helsinki is 08:00 UTC).
    let keys: Vec<&str> = records.objects.iter().map(|o| o.key.as_str()).collect();
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert!(keys.iter().all(|k| k.starts_with("video/")), "{keys:?}");
    assert!(records.objects.iter().any(|o| o.path.ends_with("tiny.mp4") && o.content_type == "video/mp4"));
    let gate =
        records.releases.iter().find(|p| p.key.starts_with("video:") && p.key.ends_with(".mp4")).expect("a gate");
    let gate: Value = serde_json::from_str(&gate.value).expect("JSON");
    assert_eq!(gate["public_at"], "2026-11-20T08:00:00Z");
    // The page: a player that loads nothing until asked, its captions, its download.
    let kv = common::records::kv_map(&records);
    let (page, _) = serve(&kv, "/releases/testi-video", None);
    assert_eq!(page.status, 200);
    let doc = html(&page);
    let name = |ext: &str| records.objects.iter().find(|o| o.name.ends_with(ext)).map(|o| format!("/media/{}", o.name));
    assert_eq!(attrs(&doc, "figure.video video[controls][preload=none]", "width"), ["64"]);
    assert_eq!(attrs(&doc, "video source", "src"), [name(".mp4").expect("mp4")]);
    assert_eq!(attrs(&doc, "video track[kind=captions][default]", "src"), [name(".vtt").expect("vtt")]);
    assert_eq!(attrs(&doc, "video track", "srclang"), ["fi"]);
    assert_eq!(attrs(&doc, "video track", "label"), ["Tekstitys (suomi)"]);
    let download = common::texts(&doc, "figure.video a.download");
    assert!(download[0].starts_with("Lataa video (MP4, ") && download[0].ends_with(", 2 s)"), "{download:?}");
    assert_eq!(attrs(&doc, "figure.video a.download", "download"), ["tiny.mp4"]);
    // JSON view, JSON-LD, media bank, RSS enclosure.
    let (json, _) = serve(&kv, "/releases/testi-video", Some("application/json"));
    let view: Value = serde_json::from_str(&text(&json)).expect("JSON");
    assert_eq!(view["videos"][0]["captions"]["language"], "fi");
    assert_eq!(view["videos"][0]["duration_seconds"], 2);
    let ld: Value = serde_json::from_str(&common::texts(&doc, "script[type='application/ld+json']")[0]).expect("LD");
    assert_eq!(
        (ld["video"][0]["@type"].as_str(), ld["video"][0]["duration"].as_str()),
        (Some("VideoObject"), Some("PT2S"))
    );
    let (bank, _) = serve(&kv, "/publishers/kymsote/media", Some("application/json"));
    let bank: Value = serde_json::from_str(&text(&bank)).expect("JSON");
    assert!(
        bank["releases"].as_array().is_some_and(|r| r.iter().any(|r| r["videos"][0]["title"] == "Testikuva")),
        "{bank}"
    );
    let (rss, _) = serve(&kv, "/publishers/kymsote/feed.xml", None);
    let mp4 = name(".mp4").expect("mp4");
    assert!(text(&rss).contains(&format!("{mp4}\" length=")), "the video is the item's enclosure");
}

/// The video sitemap and the JSON-LD name a video with a still: its poster, with absolute
/// URLs (the sitemap's are rendered at build time with the origin left to the worker).
#[test]
fn a_video_with_a_poster_is_in_the_sitemap_and_its_json_ld_with_absolute_urls() {
    let media = media_with_still();
    let site = site(&format!("{VIDEO}\nposter = \"still.png\""), &media).expect("checks");
    let records = publish::build::build_with(&site, None, &contract::config::Config::default());
    let kv = common::records::kv_map(&records);
    let parts: Vec<String> = kv
        .keys()
        .filter(|k| k.starts_with("sitemap:"))
        .map(|k| k.replacen("sitemap:", "/sitemaps/", 1) + ".xml")
        .collect();
    let with_video: Vec<String> =
        parts.iter().map(|p| text(&serve(&kv, p, None).0)).filter(|xml| xml.contains("<video:video>")).collect();
    assert_eq!(with_video.len(), 1, "{parts:?}");
    let xml = &with_video[0];
    let doc = roxmltree::Document::parse(xml).expect("well-formed XML");
    let loc =
        |name: &str| doc.descendants().find(|n| n.tag_name().name() == name).and_then(|n| n.text()).map(str::to_string);
    let content = loc("content_loc").expect("content_loc");
    let thumbnail = loc("thumbnail_loc").expect("thumbnail_loc");
    assert!(content.starts_with("http") && content.ends_with(".mp4"), "{content}");
    assert!(thumbnail.starts_with("http") && thumbnail.contains("/media/"), "{thumbnail}");
    assert_eq!(loc("duration").as_deref(), Some("2"));
    let (page, _) = serve(&kv, "/releases/testi-video", None);
    let ld: Value =
        serde_json::from_str(&common::texts(&html(&page), "script[type='application/ld+json']")[0]).expect("LD");
    assert!(ld["video"][0]["thumbnailUrl"].as_str().is_some_and(|u| u.starts_with("http")), "{ld}");
}

#[test]
fn a_publishers_standing_video_is_public_from_the_start_and_a_poster_is_processed_as_a_photo() {
    let root = common::content_dir();
    let mut publishers = read_dir(&root.join("publishers"), "toml");
    for p in publishers.iter_mut().filter(|p| p.path.ends_with("kymsote.toml")) {
        p.text.push_str("\n[[videos]]\nfile = \"tiny.webm\"\ntitle = \"Esittely\"\ncaptions = \"tiny.vtt\"\nposter = \"still.png\"\n");
    }
    let media = media_with_still();
    let mut site = load_site_with_media(&publishers, &read_dir(&root.join("releases"), "md"), &media).expect("checks");
    publish::photo::process_site(&mut site).expect("processed");
    let records = publish::build::build_with(&site, None, &contract::config::Config::default());
    let gate = records.releases.iter().find(|p| p.key.ends_with(".webm")).expect("the gate");
    assert!(gate.value.contains("\"public_at\":\"1970-01-01T00:00:00Z\""), "{}", gate.value);
    let poster = &site.publishers["kymsote"].videos[0].poster.as_ref().expect("a poster");
    assert!(!poster.renditions.is_empty(), "processed like a photo");
    let kv = common::records::kv_map(&records);
    let (bank, _) = serve(&kv, "/publishers/kymsote/media", None);
    let doc = html(&bank);
    assert_eq!(attrs(&doc, "figure.video video source", "type"), ["video/webm"]);
    assert!(attrs(&doc, "figure.video video", "poster")[0].starts_with("/media/"));
}
