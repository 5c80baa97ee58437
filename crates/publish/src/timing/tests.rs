use super::*;
use crate::content::{load_site, SourceFile};
use contract::model::{PublisherRef, ReleaseStub};

const PUBLISHER: &str = "name = \"Testi\"\nlanguage = \"fi\"\ntime_zone = \"Europe/Helsinki\"\n";

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-12-07T08:00:00Z").expect("valid").to_utc()
}

fn release(slug: &str, front: &str) -> SourceFile {
    let text = format!(
        "+++\ntitle = \"Otsikko\"\npublisher = \"testi\"\nlead = \"Ingressi.\"\n{front}\n+++\n\nLeipäteksti.\n"
    );
    SourceFile { path: format!("content/releases/{slug}.md"), text }
}

fn site(releases: &[SourceFile]) -> Site {
    let publishers = [SourceFile { path: "content/publishers/testi.toml".into(), text: PUBLISHER.into() }];
    load_site(&publishers, releases).unwrap_or_else(|e| panic!("{e:?}"))
}

fn stub(slug: &str, at: &str) -> ReleaseStub {
    ReleaseStub {
        slug: slug.into(),
        title: "Otsikko".into(),
        publisher: PublisherRef { slug: "testi".into(), name: "Testi".into() },
        published_at: Some(DateTime::parse_from_rfc3339(at).expect("valid")),
        keywords: Vec::new(),
    }
}

fn manifest(releases: Vec<ReleaseStub>) -> Manifest {
    Manifest { v: contract::model::SCHEMA_VERSION, keys: Vec::new(), releases, gone: Vec::new(), digest: String::new() }
}

fn known<'a>(new: &[&str], changed: &[&str], previous: Option<&'a Manifest>) -> Known<'a> {
    Known {
        new: new.iter().map(|s| s.to_string()).collect(),
        changed: changed.iter().map(|s| s.to_string()).collect(),
        previous,
        purged: &[],
        only: None,
    }
}

#[test]
fn a_date_slip_with_an_embargo_notice_stops_the_publish_at_the_moment_line() {
    let s = site(&[release("slip", "published_at = 2026-12-01T10:00:00\nembargo_notice = \"24h\"")]);
    let previous = manifest(Vec::new());
    let review = review(&s, Some(&known(&["slip"], &[], Some(&previous))), now());
    assert_eq!(review.errors.len(), 1, "{review:?}");
    let e = &review.errors[0];
    assert_eq!((e.path.as_str(), e.line), ("content/releases/slip.md", 5));
    assert!(e.message.contains("`published_at` is 1.12.2026 10:00 EET (6 days ago)"), "{}", e.message);
    assert!(e.message.contains("public at once") && e.message.contains("was due at 30.11.2026 10:00 EET"));
    assert_eq!(review.lines[0].to_string(), "new      slip: public now (since 1.12.2026 10:00 EET, 6 days ago)");
    // The first publish to an empty namespace loads an archive, notices and all.
    assert!(super::review(&s, Some(&known(&["slip"], &[], None)), now()).errors.is_empty());
    // Only the releases asked about (`--timing-of`) are judged.
    let other = Known { only: Some(["other".to_string()].into()), ..known(&["slip"], &[], Some(&previous)) };
    assert!(super::review(&s, Some(&other), now()).errors.is_empty());
}

#[test]
fn a_notice_that_passed_before_a_moment_to_come_goes_out_late_and_says_so() {
    let s = site(&[release("soon", "published_at = 2026-12-08T10:00:00\nembargo_notice = \"2d\"")]);
    let previous = manifest(Vec::new());
    let new = review(&s, Some(&known(&["soon"], &[], Some(&previous))), now());
    assert!(new.errors.is_empty() && new.warnings.is_empty(), "{new:?}");
    assert_eq!(new.notes.len(), 1, "{new:?}");
    assert_eq!(new.notes[0].line, 6);
    assert!(new.notes[0].message.contains("due at 6.12.2026 10:00 EET (24 hours ago)"), "{}", new.notes[0].message);
    let said = &new.notes[0].message;
    assert!(said.contains("gets it at once, 24 hours before the moment instead of 2 days before"), "{said}");
    // Uploaded with that moment before: said already.
    let same = manifest(vec![stub("soon", "2026-12-08T10:00:00+02:00")]);
    let review = review(&s, Some(&known(&[], &["soon"], Some(&same))), now());
    assert!(review.notes.is_empty() && review.errors.is_empty(), "{review:?}");
    assert_eq!(review.lines[0].to_string(), "changed  soon: scheduled for 8.12.2026 10:00 EET (in 24 hours)");
    // Postponed by a day after the journalists were told: they get an update, nothing to say.
    let told = manifest(vec![stub("soon", "2026-12-07T12:00:00+02:00")]);
    assert!(super::review(&s, Some(&known(&[], &["soon"], Some(&told))), now()).notes.is_empty());
    // Moved from a moment whose notice was still ahead: the new notice is late.
    let ahead = manifest(vec![stub("soon", "2026-12-10T10:00:00+02:00")]);
    assert_eq!(super::review(&s, Some(&known(&[], &["soon"], Some(&ahead))), now()).notes.len(), 1);
}

#[test]
fn a_new_release_dated_in_the_past_is_a_warning_except_in_the_first_publish() {
    let s = site(&[
        release("old", "published_at = 2026-12-01T10:00:00"),
        release("today", "published_at = 2026-12-07T09:00:00"),
    ]);
    let previous = manifest(Vec::new());
    let review = review(&s, Some(&known(&["old", "today"], &[], Some(&previous))), now());
    assert!(review.errors.is_empty());
    assert_eq!(review.warnings.len(), 1, "{review:?}");
    assert_eq!(review.warnings[0].line, 5);
    assert!(review.warnings[0].message.contains("dated 1.12.2026 10:00 EET (6 days ago)"));
    let first = super::review(&s, Some(&known(&["old", "today"], &[], None)), now());
    assert!(first.warnings.is_empty(), "an archive loaded into an empty namespace: {first:?}");
}

#[test]
fn translations_going_live_apart_are_a_warning_in_the_first_ones_file() {
    let fi = release("fi", "published_at = 2026-12-10T10:00:00\ntranslations = [\"sv\"]");
    let sv = release("sv", "published_at = 2026-12-09T10:00:00\nlanguage = \"sv\"");
    let review = review(&site(&[fi, sv]), None, now());
    assert_eq!(review.warnings.len(), 1, "{review:?}");
    let w = &review.warnings[0];
    assert_eq!(w.path, "content/releases/sv.md");
    assert!(w.message.contains("its translation `fi` at 10.12.2026 10:00 EET: the Swedish text would be public first"));
    // Both in the past: history, not a warning.
    let fi = release("fi", "published_at = 2025-12-10T10:00:00\ntranslations = [\"sv\"]");
    let sv = release("sv", "published_at = 2025-12-09T10:00:00\nlanguage = \"sv\"");
    assert!(super::review(&site(&[fi, sv]), None, now()).warnings.is_empty());
    // A translation added later to a release already public is no embargo broken.
    let fi = release("fi", "published_at = 2026-12-01T10:00:00\ntranslations = [\"sv\"]");
    let sv = release("sv", "published_at = 2026-12-09T10:00:00\nlanguage = \"sv\"");
    assert!(super::review(&site(&[fi, sv]), None, now()).warnings.is_empty());
    // Against a namespace, only pairs this publish touches.
    let fi = release("fi", "published_at = 2026-12-10T10:00:00\ntranslations = [\"sv\"]");
    let sv = release("sv", "published_at = 2026-12-09T10:00:00\nlanguage = \"sv\"");
    let s = site(&[fi, sv]);
    let previous = manifest(Vec::new());
    assert!(super::review(&s, Some(&known(&[], &[], Some(&previous))), now()).warnings.is_empty());
    assert_eq!(super::review(&s, Some(&known(&[], &["fi"], Some(&previous))), now()).warnings.len(), 1);
}

#[test]
fn removed_releases_are_cancelled_or_withdrawn() {
    let s = site(&[release("stays", "published_at = 2025-12-01T10:00:00")]);
    let previous = manifest(vec![
        stub("stays", "2025-12-01T10:00:00+02:00"),
        stub("was-public", "2026-11-01T10:00:00+02:00"),
        stub("was-scheduled", "2026-12-24T10:00:00+02:00"),
        stub("purged", "2026-10-01T10:00:00+03:00"),
        stub("purged-scheduled", "2026-12-30T10:00:00+02:00"),
    ]);
    let purged = ["purged".to_string(), "purged-scheduled".to_string()];
    let k = Known { purged: &purged, ..known(&[], &[], Some(&previous)) };
    let lines: Vec<String> = review(&s, Some(&k), now()).lines.iter().map(Line::to_string).collect();
    assert_eq!(
        lines,
        [
            "removed  was-public: withdrawn (410): its address answers 410 Gone with its title",
            "removed  was-scheduled: cancelled: it was never public, its address stays a 404, and journalists told \
             of it under embargo get a cancellation",
            "removed  purged: withdrawn and purged: its address answers 404",
            "removed  purged-scheduled: withdrawn and purged: its address answers 404",
        ]
    );
}

#[test]
fn check_lists_what_is_not_plainly_public() {
    let s = site(&[
        release("old", "published_at = 2025-12-01T10:00:00"),
        release("recent", "published_at = 2026-12-06T10:00:00"),
        release("later", "published_at = 2026-12-10T10:00:00"),
        release("wip", "published_at = 2026-12-10T10:00:00\ndraft = true"),
    ]);
    let lines: Vec<String> = review(&s, None, now()).lines.iter().map(Line::to_string).collect();
    assert_eq!(
        lines,
        [
            "recent: public now (since 6.12.2026 10:00 EET, 24 hours ago)",
            "later: scheduled for 10.12.2026 10:00 EET (in 3 days)",
            "wip: draft: only a preview link opens it",
        ]
    );
}

#[test]
fn a_line_says_where_a_release_will_be_posted_at_its_moment() {
    let announcing =
        "[social]\nmastodon = \"https://some.social/@testi\"\nbluesky = \"https://bsky.app/profile/testi.fi\"\n\
                      announce = [\"mastodon\", \"bluesky\"]\n";
    let publishers =
        [SourceFile { path: "content/publishers/testi.toml".into(), text: format!("{PUBLISHER}\n{announcing}") }];
    let releases = [
        release("later", "published_at = 2026-12-09T10:00:00"),
        release("just-now", "published_at = 2026-12-07T09:30:00"),
        release("long-ago", "published_at = 2026-11-01T10:00:00"),
    ];
    let s = load_site(&publishers, &releases).unwrap_or_else(|e| panic!("{e:?}"));
    let r = review(&s, Some(&known(&["later", "just-now", "long-ago"], &[], None)), now());
    let lines: Vec<String> = r.lines.iter().map(ToString::to_string).collect();
    let line = |slug: &str| lines.iter().find(|l| l.contains(slug)).cloned().unwrap_or_default();
    assert!(line("later").ends_with("; posted then to Mastodon and Bluesky"), "{lines:?}");
    assert!(line("just-now").contains("posted to Mastodon and Bluesky within a minute"), "{lines:?}");
    assert!(!line("long-ago").contains("posted"), "{lines:?}");
}
