//! Videos in R2 (issue 43), in run 2 of `scripts/e2e.sh`: a 60 MB test video made by
//! `scripts/test-video.sh`, uploaded by `newsroom publish` to local R2 with a release far
//! ahead, and named by the release that goes public at the lift. Before the lift it answers
//! `404` under its name; after it, without a new upload, it is served in byte ranges by
//! `worker/js/video.js`, its page shows it with captions, and the isolate's memory stays
//! flat while it streams.

use std::io::Read;

use super::*;

/// The test video and its captions, as the publisher's files.
fn video_files() -> Option<(Vec<u8>, Vec<u8>)> {
    let mp4 = std::fs::read(format!("{RUN2_CONTENT}/media/e2e-video.mp4")).ok()?;
    let vtt = std::fs::read(format!("{RUN2_CONTENT}/media/e2e-video.vtt")).ok()?;
    Some((mp4, vtt))
}

/// `/media/{name}` of a file: the first 16 hex digits of its SHA-256 and its extension.
fn media_path(bytes: &[u8], ext: &str) -> String {
    let (name, _) = contract::media::hashed_name_of(&mut &bytes[..], ext).expect("hashed");
    format!("/media/{name}")
}

/// A request with `headers`: its status, headers and body as bytes.
fn fetch(method: &str, path: &str, headers: &[(&str, &str)]) -> (u16, Vec<(String, String)>, Vec<u8>) {
    fetch_reading(method, path, headers, true)
}

/// [`fetch`], reading the body only when `read` (a whole 60 MB file need not be read to
/// know that it was offered whole: its status and `Content-Length` say so).
fn fetch_reading(
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    read: bool,
) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let mut req = ureq::request(method, &format!("{}{path}", base()));
    for (name, value) in headers {
        req = req.set(name, value);
    }
    let resp = match req.call() {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{method} {path}: {e}"),
    };
    let status = resp.status();
    let names = resp.headers_names();
    let headers = names.into_iter().map(|n| (n.clone(), resp.header(&n).unwrap_or("").to_string())).collect();
    let mut body = Vec::new();
    if read && method != "HEAD" && status != 304 {
        resp.into_reader().take(200 << 20).read_to_end(&mut body).expect("body");
    }
    (status, headers, body)
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

#[test]
#[ignore = "needs workerd: run scripts/e2e.sh (second run)"]
fn run2_a_video_opens_at_its_moment_and_is_served_in_byte_ranges() {
    let Some((mp4, vtt)) = video_files() else {
        assert!(
            std::env::var("REQUIRE_BROWSER").is_err(),
            "no test video: scripts/test-video.sh needs ffmpeg from npm"
        );
        eprintln!("skipped: no test video (scripts/test-video.sh needs ffmpeg, which npm installs on Linux x64)");
        return;
    };
    assert!(mp4.len() > 50_000_000, "the test video is about 60 MB: {} bytes", mp4.len());
    let (video, captions) = (media_path(&mp4, "mp4"), media_path(&vtt, "vtt"));
    let lift = lift();
    // Before the moment: uploaded (by the release far ahead), but not served under any name.
    for path in [&video, &captions] {
        let (status, _, _) = fetch("GET", path, &[]);
        assert_eq!(status, 404, "{path} before its moment");
        assert_eq!(fetch("GET", path, &[("range", "bytes=0-99")]).0, 404, "{path}: a range before its moment");
    }
    still_before(lift);
    sleep_past(lift);

    // After it, with no new upload: the whole file, its headers, and HEAD.
    let n = mp4.len();
    let (status, h, body) = fetch("GET", &video, &[]);
    assert_eq!(status, 200);
    assert_eq!(body.len(), n, "the whole file");
    assert!(body == mp4, "byte for byte the publisher's file");
    assert_eq!(header(&h, "content-type"), Some("video/mp4"));
    assert_eq!(header(&h, "accept-ranges"), Some("bytes"));
    assert_eq!(header(&h, "content-length"), Some(n.to_string().as_str()));
    assert_eq!(header(&h, "cache-control"), Some("public, max-age=31536000, immutable"));
    let etag = header(&h, "etag").expect("an ETag").to_string();
    let (status, h, body) = fetch("HEAD", &video, &[]);
    assert_eq!((status, body.len()), (200, 0));
    assert_eq!(header(&h, "content-length"), Some(n.to_string().as_str()));
    // Range is for GET only (RFC 9110 section 14.2): a HEAD describes the whole file.
    let (status, h, _) = fetch("HEAD", &video, &[("range", "bytes=0-99")]);
    assert_eq!((status, header(&h, "content-length")), (200, Some(n.to_string().as_str())));

    // The range table (RFC 9110 section 14).
    let range = |value: &str| fetch("GET", &video, &[("range", value)]);
    let (status, h, body) = range("bytes=0-99");
    assert_eq!((status, header(&h, "content-range")), (206, Some(format!("bytes 0-99/{n}").as_str())));
    assert_eq!(body, mp4[..100]);
    let (status, h, body) = range("bytes=-100");
    assert_eq!((status, header(&h, "content-range")), (206, Some(format!("bytes {}-{}/{n}", n - 100, n - 1).as_str())));
    assert_eq!(body, mp4[n - 100..]);
    let (status, h, body) = range("bytes=100-");
    assert_eq!((status, header(&h, "content-range")), (206, Some(format!("bytes 100-{}/{n}", n - 1).as_str())));
    assert!(body == mp4[100..], "from byte 100 to the end");
    let middle = n / 2;
    let (status, _, body) = range(&format!("bytes={middle}-{}", middle + 65_535));
    assert_eq!((status, body.as_slice()), (206, &mp4[middle..middle + 65_536]), "a seek to the middle");
    let (status, h, body) = range(&format!("bytes={n}-"));
    assert_eq!((status, header(&h, "content-range"), body.len()), (416, Some(format!("bytes */{n}").as_str()), 0));
    assert_eq!(header(&h, "cache-control"), Some("no-store"), "a 416 is not kept");
    // Malformed and multiple ranges are ignored (RFC 9110 allows it): the whole file.
    let past = format!("bytes={}-5", n + 10);
    let whole = n.to_string();
    for ignored in ["bytes=abc", "items=0-9", "bytes=5-1", "bytes=0-9,20-29", past.as_str()] {
        let (status, h, _) = fetch_reading("GET", &video, &[("range", ignored)], false);
        assert_eq!((status, header(&h, "content-length")), (200, Some(whole.as_str())), "{ignored}");
    }
    // If-Range: a stale validator gives the whole file, the current one the range.
    let stale = [("range", "bytes=0-9"), ("if-range", "\"0000000000000000\"")];
    let (status, h, _) = fetch_reading("GET", &video, &stale, false);
    assert_eq!((status, header(&h, "content-length")), (200, Some(whole.as_str())), "a stale If-Range");
    let (status, _, body) = fetch("GET", &video, &[("range", "bytes=0-9"), ("if-range", &etag)]);
    assert_eq!((status, body.as_slice()), (206, &mp4[..10]), "a current If-Range");
    let (status, _, body) = fetch("GET", &video, &[("if-none-match", &etag)]);
    assert_eq!((status, body.len()), (304, 0));
    assert_eq!(fetch("POST", &video, &[]).0, 405);

    // The captions, and names that are not files of a release.
    let (status, h, body) = fetch("GET", &captions, &[]);
    assert_eq!((status, header(&h, "content-type")), (200, Some("text/vtt; charset=utf-8")));
    assert_eq!(body, vtt);
    assert_eq!(fetch("GET", "/media/0123456789abcdef.mp4", &[]).0, 404, "a name no release gives");

    // The page, the JSON view and the JSON-LD name it.
    let page = get("/releases/e2e-lift-fixture").html();
    let video_el = scraper::Selector::parse("figure.video video[controls][preload=none]").expect("selector");
    let element = page.select(&video_el).next().expect("a <video> on the release page");
    assert_eq!((element.value().attr("width"), element.value().attr("height")), (Some("640"), Some("360")));
    assert!(element.value().attr("poster").is_some_and(|p| p.starts_with("/media/")), "the poster");
    let track = scraper::Selector::parse("video track[kind=captions][default]").expect("selector");
    let track = page.select(&track).next().expect("a captions track");
    assert_eq!((track.value().attr("src"), track.value().attr("srclang")), (Some(captions.as_str()), Some("fi")));
    let source = scraper::Selector::parse("video source[type='video/mp4']").expect("selector");
    assert_eq!(page.select(&source).next().and_then(|s| s.value().attr("src")), Some(video.as_str()));
    let download = scraper::Selector::parse("figure.video a.download[download]").expect("selector");
    let link = page.select(&download).next().expect("a download link").text().collect::<String>();
    assert!(link.contains("MP4") && link.contains("36 s") && link.contains("Mt"), "type, length, size: {link}");
    let json = get_json("/releases/e2e-lift-fixture").json();
    let v = &json["videos"][0];
    assert_eq!((v["duration_seconds"].as_u64(), v["width"].as_u64()), (Some(36), Some(640)), "{v}");
    assert!(v["url"].as_str().is_some_and(|u| u.ends_with(&video)) && v["captions"]["language"] == "fi", "{v}");
    assert!(v["codecs"].as_str().is_some_and(|c| c.starts_with("avc1.") && c.contains("mp4a")), "{v}");
    let ld = scraper::Selector::parse("script[type='application/ld+json']").expect("selector");
    let ld: Value = serde_json::from_str(&page.select(&ld).next().expect("JSON-LD").inner_html()).expect("JSON");
    let object = &ld["video"][0];
    assert_eq!((object["@type"].as_str(), object["duration"].as_str()), (Some("VideoObject"), Some("PT36S")), "{ld}");
    assert!(object["contentUrl"].as_str().is_some_and(|u| u.ends_with(&video)), "{object}");
    assert!(object["thumbnailUrl"].is_string() && object["uploadDate"].is_string(), "{object}");
    let rss = get("/publishers/kymsote/feed.xml").body;
    assert!(rss.contains(&format!("{video}\" length=\"{n}\" type=\"video/mp4\"")), "the RSS enclosure is the video");
    plays_in_chromium("/releases/e2e-lift-fixture");
}

/// The page's video plays in Chromium, seeks to the middle with ranges, and loads its
/// captions (tests/browser/video.mjs); skipped without Chromium unless `REQUIRE_BROWSER=1`.
fn plays_in_chromium(path: &str) {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !std::path::Path::new(&chromium).exists() {
        assert!(std::env::var("REQUIRE_BROWSER").map_or(true, |v| v != "1"), "no Chromium at {chromium}");
        eprintln!("skipped: the video in Chromium (no {chromium})");
        return;
    }
    let out = std::process::Command::new("node")
        .args(["tests/browser/video.mjs", &format!("{}{path}", base())])
        .output()
        .expect("node runs");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "the video did not play: {said} {}", String::from_utf8_lossy(&out.stderr));
    eprintln!("Chromium: {said}");
}

/// The isolate never holds the video: four whole downloads at once, read slowly, raise the
/// resident memory of the Worker's processes by far less than one copy of it.
#[test]
#[ignore = "needs workerd: run scripts/e2e.sh (second run)"]
fn run2_streaming_a_video_keeps_the_workers_memory_flat() {
    let Some((mp4, _)) = video_files() else {
        eprintln!("skipped: no test video");
        return;
    };
    sleep_past(lift());
    let video = media_path(&mp4, "mp4");
    // The serving Workers' processes, as they are now: a `wrangler d1 execute` another test
    // runs meanwhile starts a workerd of its own, which is not the Workers' memory.
    let pids = std::process::Command::new("pgrep").args(["-f", "workerd serve"]).output().expect("pgrep");
    let pids: Vec<String> = String::from_utf8_lossy(&pids.stdout).split_whitespace().map(str::to_string).collect();
    assert!(!pids.is_empty(), "no workerd running");
    let rss = || -> u64 {
        pids.iter()
            .filter_map(|p| std::fs::read_to_string(format!("/proc/{p}/status")).ok())
            .flat_map(|status| {
                status
                    .lines()
                    .filter(|l| l.starts_with("VmRSS"))
                    .filter_map(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
                    .collect::<Vec<_>>()
            })
            .sum::<u64>()
            * 1024
    };
    // Warm: the first request compiles the Worker.
    assert_eq!(fetch("GET", &video, &[("range", "bytes=0-9")]).0, 206);
    let before = rss();
    let peak = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(before));
    let readers: Vec<_> = (0..4)
        .map(|_| {
            let url = format!("{}{video}", base());
            std::thread::spawn(move || {
                let mut body = ureq::get(&url).call().expect("the video").into_reader();
                let mut buffer = vec![0u8; 1 << 20];
                let mut total = 0;
                while let Ok(read) = body.read(&mut buffer) {
                    if read == 0 {
                        break;
                    }
                    total += read;
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                total
            })
        })
        .collect();
    let mut finished = false;
    while !finished {
        peak.fetch_max(rss(), std::sync::atomic::Ordering::SeqCst);
        finished = readers.iter().all(|r| r.is_finished());
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    for r in readers {
        assert_eq!(r.join().expect("reader"), mp4.len(), "each download whole");
    }
    let grew = peak.load(std::sync::atomic::Ordering::SeqCst).saturating_sub(before);
    eprintln!(
        "workerd resident memory: {before} bytes before, grew by at most {grew} while streaming 4 × {}",
        mp4.len()
    );
    assert!(grew < mp4.len() as u64, "grew by {grew} bytes, more than one copy of the video ({})", mp4.len());
}
