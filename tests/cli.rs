//! The publisher CLI as a user runs it: exit codes, `path:line: message`, nothing half-written.

mod common;

use std::fs;
use std::path::Path;

use common::newsroom;

fn write(root: &Path, rel: &str, text: &[u8]) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().expect("has parent")).expect("mkdir");
    fs::write(path, text).expect("write");
}

const PUBLISHER: &str = "name = \"Testi\"\nlanguage = \"fi\"\ntime_zone = \"Europe/Helsinki\"\n";

#[test]
fn the_seed_content_checks_clean() {
    let out = newsroom(&["check", "content"], Path::new(env!("CARGO_MANIFEST_DIR")));
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
}

#[test]
fn every_problem_is_reported_with_path_and_line_and_nothing_is_written() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path();
    write(root, "content/publishers/testi.toml", PUBLISHER.as_bytes());
    write(root, "content/releases/a.md", b"+++\ntitle = \"A\"\npublisher = \"testi\"\npublished_at = 2025-06-25T10:00:00\nlead = \"L\"\nkeyword = [\"x\"]\n+++\nBody\n");
    write(
        root,
        "content/releases/b.md",
        b"+++\ntitle = \"B\"\npublisher = \"nobody\"\npublished_at = \"eilen\"\nlead = \"L\"\n+++\nBody\n",
    );
    write(root, "content/releases/Bad Name.md", b"+++\n+++\n");
    write(
        root,
        "content/releases/sub/a.md",
        b"+++\ntitle = \"A2\"\npublisher = \"testi\"\npublished_at = 2025-06-25\nlead = \"L\"\n+++\nBody\n",
    );
    write(root, "content/releases/latin1.md", b"+++\ntitle = \"\xe4\"\n+++\n");
    for args in
        [&["check", "content", "--format", "short"][..], &["build", "content", "--out", "out", "--format=short"][..]]
    {
        let out = newsroom(args, root);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let lines: Vec<&str> = stdout.lines().collect();
        assert_eq!(
            lines,
            [
                "content/releases/Bad Name.md:1:1: file name `Bad Name.md` does not give a valid slug: use lowercase a-z, 0-9 and single hyphens (e.g. `bad-name.md`)",
                "content/releases/a.md:6:1: unknown field `keyword` (did you mean `keywords`?)",
                "content/releases/b.md:3:14: unknown publisher `nobody`; known: testi",
                "content/releases/b.md:4:17: `eilen` is not a time: write a local time such as 2025-06-25T10:02:00, \"2025-06-25 10:02\" or \"25.6.2025 klo 10.02\", a date such as 2025-06-25, or a time with its offset (2025-06-25T10:02:11+03:00)",
                "content/releases/latin1.md:2:1: the file is not valid UTF-8",
                "content/releases/sub/a.md:1:1: duplicate slug `a`: content/releases/a.md has the same file name",
            ],
            "{stdout}"
        );
        assert!(String::from_utf8_lossy(&out.stderr).contains("6 problems found; nothing was written"));
    }
    assert!(!root.join("out").exists(), "a failed build writes nothing");
}

#[test]
fn build_is_deterministic_and_orders_uploads() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out1 = tmp.path().join("one");
    let out2 = tmp.path().join("two");
    for out in [&out1, &out2] {
        let o = newsroom(&["build", "content", "--out", out.to_str().expect("UTF-8 path")], root);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    for name in ["kv-1-releases.json", "kv-2-indexes.json"] {
        assert_eq!(fs::read(out1.join(name)).expect("written"), fs::read(out2.join(name)).expect("written"), "{name}");
    }
    let releases: Vec<serde_json::Value> =
        serde_json::from_slice(&fs::read(out1.join("kv-1-releases.json")).expect("read")).expect("JSON");
    assert_eq!(releases.len(), 7);
    assert!(releases.iter().all(|p| p["key"].as_str().is_some_and(|k| k.starts_with("release:"))));
}

#[test]
fn usage_and_io_errors_exit_2() {
    let tmp = tempfile::tempdir().expect("tmp");
    assert_eq!(newsroom(&["check", "nowhere"], tmp.path()).status.code(), Some(2));
    assert_eq!(newsroom(&["frobnicate"], tmp.path()).status.code(), Some(2));
}

fn kv_value(out: &Path, file: &str, key: &str) -> Option<String> {
    let pairs: Vec<serde_json::Value> = serde_json::from_slice(&fs::read(out.join(file)).expect("read")).expect("JSON");
    pairs.iter().find(|p| p["key"] == key).and_then(|p| p["value"].as_str().map(str::to_string))
}

#[test]
fn removing_a_release_deletes_its_keys_after_upload_and_leaves_a_tombstone() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path();
    write(root, "content/publishers/p.toml", PUBLISHER.as_bytes());
    let release = |title: &str| {
        format!("+++\ntitle = \"{title}\"\npublisher = \"p\"\npublished_at = 2025-01-02T10:00:00\nlead = \"L.\"\nkeywords = [\"{title}\"]\n+++\n\nB.\n")
    };
    write(root, "content/releases/a.md", release("aa").as_bytes());
    write(root, "content/releases/b.md", release("bb").as_bytes());
    assert!(newsroom(&["build", "content", "--out", "one"], root).status.success());
    let manifest = kv_value(&root.join("one"), "kv-4-manifest.json", "build:manifest").expect("manifest uploaded");
    fs::write(root.join("previous.json"), manifest).expect("write");
    assert_eq!(fs::read_to_string(root.join("one/kv-3-delete.json")).expect("read").trim(), "[]");

    fs::remove_file(root.join("content/releases/b.md")).expect("rm");
    let o = newsroom(&["build", "content", "--out", "two", "--previous", "previous.json"], root);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("removed `b`: it will answer 410 Gone"), "{stderr}");
    assert!(
        stderr.contains("since the published build (--previous): 0 new, 1 removed, 6 stale keys to delete"),
        "{stderr}"
    );
    let deletions: Vec<String> =
        serde_json::from_slice(&fs::read(root.join("two/kv-3-delete.json")).expect("read")).expect("JSON");
    // The release and what only it used: its keyword's list and
    // feed (and the feed rendered ahead in each format). Its search entries were in
    // `search:delta` only (two releases: every record is still below its first cut), which
    // is written again without them.
    assert_eq!(
        deletions,
        [
            "atom:feed:keyword:bb",
            "feed:keyword:bb",
            "jsonfeed:feed:keyword:bb",
            "list:keyword:bb",
            "release:b",
            "rss:feed:keyword:bb"
        ]
    );
    let gone = kv_value(&root.join("two"), "kv-2-indexes.json", "gone:b").expect("tombstone");
    assert!(gone.contains("\"title\":\"bb\""), "{gone}");

    // A damaged previous manifest stops the build before anything is written.
    fs::write(root.join("bad.json"), "Value not found").expect("write");
    let o = newsroom(&["build", "content", "--out", "three", "--previous", "bad.json"], root);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("bad.json: unusable previous manifest"));
    assert!(!root.join("three").exists());
}

#[test]
fn preview_prints_a_signed_url_and_needs_a_long_secret() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path();
    write(root, "content/publishers/p.toml", PUBLISHER.as_bytes());
    write(
        root,
        "content/releases/later.md",
        b"+++\ntitle = \"T\"\npublisher = \"p\"\npublished_at = 2099-01-01T10:00:00\nlead = \"L.\"\n+++\n\nB.\n",
    );
    let secret = "0123456789abcdef0123456789abcdef";
    write(root, ".dev.vars", format!("OTHER=1\nPREVIEW_SECRET = \"{secret}\"\n").as_bytes());
    // A link to a deployment is never signed with the local secret.
    let args = ["preview", "later", "--hours", "2", "--base-url", "https://news.example.fi/"];
    let o = newsroom(&args, root);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("npx wrangler secret put PREVIEW_SECRET"));
    // A release never uploaded gets no link that would answer 404, but the way to see it.
    let local = newsroom(&["preview", "later", "--base-url", "http://127.0.0.1:8787"], root);
    assert_eq!(local.status.code(), Some(1));
    let said = String::from_utf8_lossy(&local.stderr);
    assert!(said.contains("`later` is not uploaded to local KV") && said.contains("newsroom preview --local later"));
    assert!(local.stdout.is_empty(), "no link");
    // The local one signs local links; the deployment's, from the environment, remote ones.
    let local = newsroom(&["preview", "content/releases/later.md", "--unchecked"], root);
    assert!(local.status.success(), "{}", String::from_utf8_lossy(&local.stderr));
    assert!(String::from_utf8_lossy(&local.stdout).starts_with("http://127.0.0.1:8787/releases/later?preview="));
    let until = String::from_utf8_lossy(&local.stderr).to_string();
    let local_zone = until.contains(" EET (in 3 days)") || until.contains(" EEST (in 3 days)");
    assert!(until.contains("valid until ") && local_zone, "local time: {until}");
    let unchecked = [&args[..], &["--unchecked"]].concat();
    let o = common::newsroom_command(root).args(&unchecked).env("PREVIEW_SECRET", secret).output().expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let url = String::from_utf8_lossy(&o.stdout).trim().to_string();
    let token = url.strip_prefix("https://news.example.fi/releases/later?preview=").expect("URL shape");
    let now = chrono::DateTime::from_timestamp(
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs() as i64,
        0,
    )
    .expect("now");
    assert!(contract::preview::verify(secret.as_bytes(), "later", token, now).is_ok());
    assert!(contract::preview::verify(secret.as_bytes(), "later", token, now + chrono::Duration::hours(3)).is_err());

    write(root, ".dev.vars", b"PREVIEW_SECRET=short\n");
    let o = newsroom(&["preview", "later", "--unchecked"], root);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("32 bytes"), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(newsroom(&["preview", "missing"], root).status.code(), Some(2));
}

/// `preview --local` serves the release from the files, as it will look at its moment, with
/// nothing uploaded and no secret: the page, its JSON and the front page that lists it.
#[test]
fn preview_local_serves_the_working_copy_at_the_releases_moment() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path();
    write(root, "content/publishers/p.toml", PUBLISHER.as_bytes());
    let release = "+++\ntitle = \"Tuleva tiedote\"\npublisher = \"p\"\npublished_at = 2099-01-01T10:00:00\nlead = \"L.\"\n+++\n\nB.\n";
    write(root, "content/releases/later.md", release.as_bytes());
    let port = 18_000 + (std::process::id() % 2_000) as u16;
    let mut child = common::newsroom_command(root)
        .args(["preview", "--local", "later", "--port", &port.to_string(), "--requests", "4"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    let mut first = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stdout.take().expect("stdout")), &mut first)
        .expect("the link");
    assert_eq!(first.trim(), format!("http://127.0.0.1:{port}/releases/later"));
    let page = ureq::get(first.trim()).call().expect("the page").into_string().expect("text");
    assert!(page.contains("<h1") && page.contains("Tuleva tiedote"), "{page}");
    let json = ureq::get(first.trim()).set("Accept", "application/json").call().expect("JSON");
    let json: serde_json::Value = serde_json::from_str(&json.into_string().expect("text")).expect("JSON");
    assert_eq!(json["published_at"], "2099-01-01T10:00:00+02:00");
    let home = ureq::get(&format!("http://127.0.0.1:{port}/")).call().expect("home").into_string().expect("text");
    assert!(home.contains("/releases/later"), "listed, as at its moment");
    // Another host name pointing here (DNS rebinding) gets nothing.
    let rebound = ureq::get(first.trim()).set("Host", &format!("news.example:{port}")).call();
    assert!(matches!(rebound, Err(ureq::Error::Status(421, _))), "{rebound:?}");
    let status = child.wait().expect("stops after four requests");
    assert!(status.success());
    let mut said = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut said).expect("stderr");
    assert!(said.contains("as it will look at 1.1.2099 10:00 EET") && said.contains("nothing was uploaded"), "{said}");
}

/// One release with five different mistakes, as a publisher might make them.
const FIVE_MISTAKES: &str = "+++
title = \"Päivystys muuttaa\"
publisher = \"testi\"
published_at = \"ensi viikolla\"
type = \"lehdistötiedote\"
lead = \"Ingressi.\"
keyword = [\"sote\"]

[[contacts]]
name = \"Maija Meikäläinen\"
email = \"maija.meikalainen(at)example.fi\"
+++

Teksti\u{202E} jossa on näkymätön ohjausmerkki.
";

fn five_mistakes() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tmp");
    write(tmp.path(), "content/publishers/testi.toml", PUBLISHER.as_bytes());
    write(tmp.path(), "content/releases/2026-11-23-paivystys.md", FIVE_MISTAKES.as_bytes());
    tmp
}

#[test]
fn check_shows_each_mistake_like_rustc_without_colour_when_piped() {
    let tmp = five_mistakes();
    let out = newsroom(&["check"], tmp.path());
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(!stdout.contains('\u{1b}'), "no colour codes when stdout is not a terminal");
    insta::assert_snapshot!(stdout);
    let coloured = newsroom(&["check", "--color", "always"], tmp.path());
    assert!(String::from_utf8_lossy(&coloured.stdout).contains("\u{1b}["), "--color always colours");
}

#[test]
fn check_json_is_one_document_for_editors() {
    let tmp = five_mistakes();
    let out = newsroom(&["check", "--format", "json"], tmp.path());
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is one JSON document");
    assert_eq!((doc["ok"].as_bool(), doc["errors"].as_u64()), (Some(false), Some(5)));
    let d = &doc["diagnostics"];
    let at: Vec<(u64, u64)> =
        (0..5).map(|i| (d[i]["line"].as_u64().unwrap_or(0), d[i]["column"].as_u64().unwrap_or(0))).collect();
    assert_eq!(at, [(4, 17), (5, 9), (7, 1), (11, 10), (14, 7)], "{doc:#}");
    assert_eq!(d[2]["help"], "did you mean `keywords`?");
    assert!(d.as_array().expect("array").iter().all(|x| x["severity"] == "error" && x["path"].is_string()));

    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ok: serde_json::Value =
        serde_json::from_slice(&newsroom(&["check", "--format", "json"], root).stdout).expect("JSON when clean too");
    assert_eq!((ok["ok"].as_bool(), ok["errors"].as_u64()), (Some(true), Some(0)));
}

#[test]
fn new_scaffolds_a_draft_named_and_timed_for_its_publisher() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path();
    write(root, "content/publishers/testi.toml", PUBLISHER.as_bytes());
    let out =
        newsroom(&["new", "--publisher", "testi", "--type", "uutinen", "Äänestys Åbossa: työ & \"hyvinvointi\""], root);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let path = String::from_utf8(out.stdout).expect("UTF-8").trim().to_string();
    let today = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Helsinki).format("%Y-%m-%d").to_string();
    assert_eq!(path, format!("content/releases/{today}-aanestys-abossa-tyo-hyvinvointi.md"));
    let text = fs::read_to_string(root.join(&path)).expect("written");
    assert!(text.contains("title = \"Äänestys Åbossa: työ & \\\"hyvinvointi\\\"\"\n"), "{text}");
    assert!(
        text.contains("type = \"uutinen\"\n")
            && text.contains("language = \"fi\"\n")
            && text.contains("draft = true\n")
    );
    assert!(text.contains(&format!("published_at = {today}T")), "{text}");

    // What is left to write is exactly what `check` asks for, as warnings: a draft blocks
    // nothing.
    let check = newsroom(&["check", "--format", "short"], root);
    assert_eq!(check.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&check.stdout);
    let messages: Vec<&str> = stdout.lines().map(|l| l.splitn(4, ':').nth(3).unwrap_or(l).trim()).collect();
    assert_eq!(
        messages,
        [
            "warning: `lead` is empty",
            "warning: the body is empty; write the release below the closing `+++`, or set `lead_only = true`"
        ]
    );

    // Never overwrites; unknown publishers and types are usage errors.
    let again =
        newsroom(&["new", "--publisher", "testi", "--type", "uutinen", "Äänestys Åbossa: työ & \"hyvinvointi\""], root);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    let unknown = newsroom(&["new", "--publisher", "muu", "Otsikko"], root);
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no publisher `muu`"));
    assert_eq!(newsroom(&["new", "--publisher", "testi", "--type", "juttu", "Otsikko"], root).status.code(), Some(2));
}

/// `newsroom new page`: the models in each language, linked as translations, a publisher's
/// own copy beside the site's, a blank page for any other name; never an overwrite. `check`
/// lists the placeholders as warnings; `--strict` refuses a site without the required pages.
#[test]
fn new_page_writes_the_required_pages_and_strict_check_wants_them() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path();
    write(root, "content/publishers/testi.toml", PUBLISHER.as_bytes());
    let text = |out: &std::process::Output| {
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    };
    let strict = newsroom(&["check", "--strict", "--format", "short"], root);
    assert_eq!(strict.status.code(), Some(1), "{}", text(&strict));
    for (slug, says) in [
        ("saavutettavuusseloste", "no accessibility statement in Finnish"),
        ("tillganglighetsutlatande", "no accessibility statement in Swedish"),
        ("tietosuojaseloste", "no privacy notice in Finnish"),
    ] {
        let line = format!("content/pages/{slug}.md:1:1: the site has {says}");
        assert!(text(&strict).contains(&line), "{line}\n{}", text(&strict));
    }
    let plain = newsroom(&["check"], root);
    assert!(plain.status.success() && text(&plain).contains("note: the site has no privacy notice in Finnish"));

    for name in ["saavutettavuusseloste", "tillganglighetsutlatande", "tietosuojaseloste"] {
        let out = newsroom(&["new", "page", name], root);
        assert!(out.status.success(), "{}", text(&out));
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), format!("content/pages/{name}.md"));
    }
    let sv = fs::read_to_string(root.join("content/pages/tillganglighetsutlatande.md")).expect("written");
    assert!(
        sv.contains("translations = [\"saavutettavuusseloste\"]") && sv.contains("role = \"accessibility-statement\"")
    );
    let own = newsroom(
        &["new", "page", "tietosuojaseloste", "--publisher", "testi", "--title", "Testin \"oma\" seloste"],
        root,
    );
    assert_eq!(
        String::from_utf8_lossy(&own.stdout).trim(),
        "content/pages/testi-tietosuojaseloste.md",
        "{}",
        text(&own)
    );
    let own = fs::read_to_string(root.join("content/pages/testi-tietosuojaseloste.md")).expect("written");
    assert!(own.contains("publisher = \"testi\"") && own.contains("title = \"Testin \\\"oma\\\" seloste\""), "{own}");
    let blank = newsroom(&["new", "page", "tietoa", "--title", "Tietoa meistä", "--language", "fi"], root);
    assert!(blank.status.success(), "{}", text(&blank));

    let again = newsroom(&["new", "page", "tietosuojaseloste"], root);
    assert_eq!(again.status.code(), Some(2));
    assert!(text(&again).contains("already exists"), "{}", text(&again));
    assert_eq!(newsroom(&["new", "page", "Huono Nimi"], root).status.code(), Some(2));
    assert_eq!(newsroom(&["new", "page", "tietosuojaseloste", "--language", "sv"], root).status.code(), Some(2));

    let strict = newsroom(&["check", "--strict", "--format", "short"], root);
    assert!(strict.status.success(), "the required pages exist: {}", text(&strict));
    let warnings: Vec<String> = String::from_utf8_lossy(&strict.stdout).lines().map(str::to_string).collect();
    assert_eq!(warnings.len(), 5, "a placeholder warning per page, blocking nothing: {warnings:#?}");
    assert!(
        warnings.iter().all(|w| w.contains(": warning: `<<") && w.contains("is still to be filled in")),
        "{warnings:#?}"
    );
    assert!(text(&strict).contains("ok: 1 publishers, 0 releases, 5 pages"), "{}", text(&strict));
}

#[test]
fn build_summarises_and_says_what_changed_since_the_last_build() {
    let tmp = tempfile::tempdir().expect("tmp");
    let content = tmp.path().join("content");
    fs::create_dir_all(&content).expect("mkdir");
    for dir in ["publishers", "releases"] {
        for entry in fs::read_dir(common::content_dir().join(dir)).expect("seed content") {
            let from = entry.expect("entry").path();
            write(
                &content,
                &format!("{dir}/{}", from.file_name().expect("name").to_string_lossy()),
                &fs::read(&from).expect("read"),
            );
        }
    }
    let build = || newsroom(&["build", "content", "--out", "out"], tmp.path());
    let first = build();
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(stderr.contains("built 7 releases of 2 publishers"), "{stderr}");
    assert!(!stderr.contains("since the last build"), "no earlier build yet: {stderr}");
    let bytes = |name: &str| fs::read(tmp.path().join("out").join(name)).expect("written");
    let before = bytes("kv-2-indexes.json");
    let second = build();
    assert!(
        String::from_utf8_lossy(&second.stderr).contains("0 keys new, 0 changed"),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    assert_eq!(before, bytes("kv-2-indexes.json"), "same input, same bytes");

    let release = content.join("releases/2018-11-30-kymsote-kehitysohjelma.md");
    let text = fs::read_to_string(&release).expect("read");
    fs::write(&release, text + "\nMuutettu testissä.\n").expect("write");
    let third = build();
    let stderr = String::from_utf8_lossy(&third.stderr);
    // The new words may open a new search shard; nothing is gone.
    assert!(stderr.contains("since the last build in out: ") && !stderr.contains(" 0 changed"), "{stderr}");
    assert!(stderr.contains(" 0 gone"), "{stderr}");
}

/// A remote command must name an environment, and that environment's namespace must not be
/// a placeholder: both are refused before wrangler is called, with the fix in the message.
#[test]
fn remote_targets_that_cannot_be_meant_are_refused() {
    // A copy: a refused publish must not touch the repository's build/kv either.
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path().to_path_buf();
    let repo = common::content_dir().parent().expect("the repository").to_path_buf();
    fs::copy(repo.join("wrangler.toml"), root.join("wrangler.toml")).expect("copy");
    for dir in ["publishers", "releases"] {
        for entry in fs::read_dir(common::content_dir().join(dir)).expect("seed content").flatten() {
            write(
                &root,
                &format!("content/{dir}/{}", entry.file_name().to_string_lossy()),
                &fs::read(entry.path()).expect("read"),
            );
        }
    }
    write(&root, "build/kv/upload-1.json", b"[]");
    for command in ["status", "publish"] {
        let o = newsroom(&[command, "--remote"], &root);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{command}: {stderr}");
        assert!(stderr.contains("--remote needs --env NAME") && stderr.contains("--remote --env staging"), "{stderr}");
        // The repository's wrangler.toml still has the placeholder ids of the example.
        let o = newsroom(&[command, "--remote", "--env", "production"], &root);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{command}: {stderr}");
        assert!(stderr.contains("wrangler.toml:"), "names the file and line: {stderr}");
        assert!(stderr.contains("placeholder id \"22222222222222222222222222222222\""), "{stderr}");
        assert!(stderr.contains("npx wrangler kv namespace create RELEASES --env production"), "{stderr}");
        let o = newsroom(&[command, "--remote", "--env", "nowhere"], &root);
        assert!(String::from_utf8_lossy(&o.stderr).contains("no [env.nowhere] environment"));
    }
    assert!(root.join("build/kv/upload-1.json").exists(), "a refused publish removed nothing");
}

/// An unfinished draft (as `newsroom new` writes one: empty lead and body) beside a valid
/// release blocks nothing: `check` and `build` succeed with its problems as warnings, in
/// every format, and the build says which drafts it left out. The same problems in a release
/// that is not a draft stop everything.
#[test]
fn an_unfinished_draft_warns_and_blocks_nothing() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path();
    write(root, "content/publishers/p.toml", PUBLISHER.as_bytes());
    let ready =
        "+++\ntitle = \"Valmis\"\npublisher = \"p\"\npublished_at = 2025-01-02T10:00:00\nlead = \"L.\"\n+++\n\nB.\n";
    write(root, "content/releases/valmis.md", ready.as_bytes());
    assert!(newsroom(&["new", "--publisher", "p", "Kesken oleva tiedote"], root).status.success());
    let draft = fs::read_dir(root.join("content/releases"))
        .expect("read")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().contains("kesken"))
        .expect("`new` wrote the draft");
    let draft_text = fs::read_to_string(&draft).expect("draft");
    assert!(draft_text.contains("draft = true"), "{draft_text}");

    let o = newsroom(&["check", "content", "--color", "never"], root);
    let (stdout, stderr) = (String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert_eq!(o.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("warning: ") && stdout.contains("lead"), "the draft's problems, as warnings: {stdout}");
    assert!(!stdout.contains("error"), "{stdout}");
    assert!(stderr.contains("1 unfinished draft") && stderr.contains("block nothing else"), "{stderr}");

    let o = newsroom(&["check", "content", "--format", "short"], root);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success() && !stdout.is_empty() && stdout.lines().all(|l| l.contains(": warning: ")), "{stdout}");
    let o = newsroom(&["check", "content", "--format", "json"], root);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!((v["ok"].as_bool(), v["errors"].as_u64()), (Some(true), Some(0)), "{v}");
    assert!(v["warnings"].as_array().is_some_and(|w| !w.is_empty()), "{v}");

    let o = newsroom(&["build", "content", "--out", "out"], root);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(stderr.contains("skipped draft `") && stderr.contains("kesken"), "{stderr}");
    let releases = fs::read_to_string(root.join("out/kv-1-releases.json")).expect("releases");
    assert!(releases.contains("release:valmis") && !releases.contains("kesken"), "{releases}");

    // Not a draft any more: its problems are errors again, and nothing is written.
    fs::write(&draft, draft_text.replace("draft = true", "draft = false")).expect("write");
    let o = newsroom(&["build", "content", "--out", "out2"], root);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!root.join("out2/kv-1-releases.json").exists(), "nothing written");
}

/// A scheduled release removed before its moment leaves no tombstone (it answers 404 and its
/// title is nowhere); a published one that was removed can have its tombstone purged; a purge
/// of anything else is refused.
#[test]
fn cancelled_and_purged_releases_leave_no_tombstone() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path();
    write(root, "content/publishers/p.toml", PUBLISHER.as_bytes());
    let release = |title: &str, at: &str| {
        format!("+++\ntitle = \"{title}\"\npublisher = \"p\"\npublished_at = {at}\nlead = \"L.\"\n+++\n\nB.\n")
    };
    write(root, "content/releases/vanha.md", release("Vanha", "2025-01-02T10:00:00").as_bytes());
    write(root, "content/releases/poistettava.md", release("Poistettava", "2025-01-03T10:00:00").as_bytes());
    write(root, "content/releases/ajastettu.md", release("Salainen otsikko", "2099-01-01T09:00:00").as_bytes());
    assert!(newsroom(&["build", "content", "--out", "one"], root).status.success());
    let manifest = kv_value(&root.join("one"), "kv-4-manifest.json", "build:manifest").expect("manifest");
    fs::write(root.join("m1.json"), &manifest).expect("write");

    fs::remove_file(root.join("content/releases/ajastettu.md")).expect("rm");
    fs::remove_file(root.join("content/releases/poistettava.md")).expect("rm");
    let o = newsroom(&["build", "content", "--out", "two", "--previous", "m1.json"], root);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(stderr.contains("cancelled `ajastettu` before its moment"), "{stderr}");
    assert!(stderr.contains("removed `poistettava`: it will answer 410 Gone"), "{stderr}");
    let indexes = fs::read_to_string(root.join("two/kv-2-indexes.json")).expect("indexes");
    assert!(indexes.contains("\"gone:poistettava\"") && !indexes.contains("gone:ajastettu"), "{indexes}");
    assert!(!indexes.contains("Salainen otsikko"), "the cancelled title is nowhere");
    let deletions = fs::read_to_string(root.join("two/kv-3-delete.json")).expect("deletions");
    assert!(deletions.contains("release:ajastettu"), "{deletions}");
    let m2 = kv_value(&root.join("two"), "kv-4-manifest.json", "build:manifest").expect("manifest");
    assert!(!m2.contains("Salainen otsikko"), "{m2}");
    fs::write(root.join("m2.json"), &m2).expect("write");

    let o = newsroom(&["build", "content", "--out", "three", "--previous", "m2.json", "--purge", "poistettava"], root);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(stderr.contains("purged `poistettava`") && stderr.contains("answers 404"), "{stderr}");
    let deletions = fs::read_to_string(root.join("three/kv-3-delete.json")).expect("deletions");
    assert!(deletions.contains("gone:poistettava"), "{deletions}");
    let indexes = fs::read_to_string(root.join("three/kv-2-indexes.json")).expect("indexes");
    assert!(!indexes.contains("gone:poistettava"), "{indexes}");

    for wrong in ["vanha", "ei-ole"] {
        let o = newsroom(&["build", "content", "--out", "four", "--previous", "m2.json", "--purge", wrong], root);
        assert_eq!(o.status.code(), Some(2), "{wrong}");
        assert!(String::from_utf8_lossy(&o.stderr).contains(&format!("--purge `{wrong}`: no removed release")));
    }
}

/// From any folder inside a newsroom, the CLI works as from its root.
#[test]
fn the_cli_finds_its_newsroom_from_a_folder_inside_it() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path();
    write(root, "wrangler.toml", b"name = \"x\"\n");
    write(root, "content/publishers/p.toml", PUBLISHER.as_bytes());
    let text = "+++\ntitle = \"T\"\npublisher = \"p\"\npublished_at = 2025-01-02T10:00:00\nlead = \"L.\"\n+++\n\nB.\n";
    write(root, "content/releases/2025/a.md", text.as_bytes());
    let o = newsroom(&["check"], &root.join("content/releases/2025"));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(
        stderr.contains("note: using the newsroom at") && stderr.contains("ok: 1 publishers, 1 releases"),
        "{stderr}"
    );
    // Outside any newsroom nothing changes: the default folder is missing.
    let elsewhere = tempfile::tempdir().expect("tmp");
    assert_eq!(newsroom(&["check"], elsewhere.path()).status.code(), Some(2));
}

#[test]
fn photos_are_processed_once_stripped_before_upload_and_bad_ones_blamed_on_their_line() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path();
    write(root, "content/publishers/testi.toml", PUBLISHER.as_bytes());
    let image = "[[images]]\nfile = \"kuvat/kuva.jpg\"\nalt = \"Testikuva\"\n";
    let release = format!("+++\ntitle = \"A\"\npublisher = \"testi\"\npublished_at = 2025-06-25T10:00:00\nlead = \"L\"\n{image}+++\nBody\n");
    write(root, "content/releases/a.md", release.as_bytes());
    let source = publish::photo::sample::camera_jpeg(800, 600, 6, 1);
    write(root, "content/media/kuvat/kuva.jpg", &source);
    write(root, "content/media/.DS_Store", b"\0\0\0\x01Bud1");
    let stderr = |out: &std::process::Output| String::from_utf8_lossy(&out.stderr).to_string();
    let first = newsroom(&["check", "content"], root);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(stderr(&first).contains("photos: 1 processed, 0 unchanged"), "{}", stderr(&first));
    let said = format!("{}{}", String::from_utf8_lossy(&first.stdout), stderr(&first));
    assert!(
        said.contains("warning") && said.contains("too small for print"),
        "a warning, which blocks nothing: {said}"
    );
    let second = newsroom(&["check", "content"], root);
    assert!(stderr(&second).contains("photos: 0 processed, 1 unchanged"), "{}", stderr(&second));
    let entries = |root: &Path| {
        fs::read_dir(root.join(".newsroom-cache/photos"))
            .expect("cache")
            .flatten()
            .flat_map(|r| fs::read_dir(r.path()).expect("recipe"))
            .count()
    };
    assert_eq!(entries(root), 1);
    // What a publish would upload: the processed files only, none with EXIF.
    let built = newsroom(&["build", "content", "--out", "out"], root);
    assert!(built.status.success(), "{}", stderr(&built));
    let files: Vec<_> =
        fs::read_dir(root.join("out/media")).expect("media").map(|e| e.expect("entry").path()).collect();
    // 800 × 600 shown 600 × 800: the original, WebP and JPEG at 480 and 600 px, the share image.
    assert_eq!(files.len(), 6, "{files:?}");
    for file in &files {
        let data = fs::read(file).expect("read");
        assert_ne!(data, source, "{} is the publisher's own file", file.display());
        let exif = exif::Reader::new().read_from_container(&mut std::io::Cursor::new(&data));
        assert!(exif.is_err(), "{} has EXIF", file.display());
    }
    // A changed photo is processed again, and the old one's entry leaves the cache.
    write(root, "content/media/kuvat/kuva.jpg", &publish::photo::sample::camera_jpeg(700, 500, 1, 2));
    let third = newsroom(&["check", "content"], root);
    assert!(stderr(&third).contains("photos: 1 processed, 0 unchanged"), "{}", stderr(&third));
    assert_eq!(entries(root), 1, "only what the content names is kept");
    // A HEIC photo is refused at the line that names it, and nothing is written.
    write(root, "content/media/IMG_1234.HEIC", b"....ftypheic....");
    let heic = release.replace("kuvat/kuva.jpg", "IMG_1234.HEIC");
    write(root, "content/releases/a.md", heic.as_bytes());
    let refused = newsroom(&["check", "content", "--format", "short"], root);
    assert_eq!(refused.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&refused.stdout);
    assert!(
        stdout.starts_with("content/releases/a.md:7:9: the first image: `IMG_1234.HEIC`"),
        "the `file` line: {stdout}"
    );
    assert!(stdout.contains("is a HEIC/HEIF photo") && stdout.contains("save it as JPEG"), "{stdout}");
}

/// Every workflow that puts a release or a journalist's address anywhere (staging, the
/// production namespace, a pull-request comment, a run's summary) refuses to run in a public
/// repository, as its first step, where an embargoed text would be readable by anyone.
#[test]
fn workflows_refuse_a_public_repository_before_anything_else() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(".github/workflows");
    for name in ["publish.yml", "preview.yml", "media-list.yml"] {
        let text = fs::read_to_string(root.join(name)).expect("workflow");
        let steps = text.split_once("    steps:\n").expect("steps").1;
        let steps: String =
            steps.lines().filter(|l| !l.trim_start().starts_with('#')).map(|l| format!("{l}\n")).collect();
        let first = steps.split("\n      - ").next().expect("a first step");
        assert!(first.contains("name: Refuse to run in a public repository"), "{name}: {first}");
        assert!(first.contains("if: ${{ github.event.repository.private != true }}"), "{name}");
        assert!(first.contains("exit 1") && first.contains("::error title="), "{name}");
    }
    let preview = fs::read_to_string(root.join("preview.yml")).expect("preview.yml");
    assert!(preview.contains("publish --remote --env staging --strict"), "the pull request's timing is strict");
    let publish = fs::read_to_string(root.join("publish.yml")).expect("publish.yml");
    assert!(publish.contains("strict=--strict") && publish.contains("default: true"));
    let media = fs::read_to_string(root.join("media-list.yml")).expect("media-list.yml");
    let mask = media.find("::add-mask::").expect("the address is masked");
    assert!(mask < media.find("actions/checkout").expect("checkout"), "masked before anything runs");
}

/// What people leave in the folders, and file names a phone or Windows writes: junk is
/// passed over in silence, a file nothing names is a warning, `.MD` is a release, a `.txt`
/// is a warning naming the fix, and a file's path checks its folder (issue 40, items 3–4).
#[test]
fn stray_files_and_extension_cases_are_handled_or_named() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path();
    write(root, "content/publishers/testi.toml", PUBLISHER.as_bytes());
    let release =
        "+++\ntitle = \"T\"\npublisher = \"testi\"\npublished_at = 2025-01-01T10:00:00\nlead = \"L.\"\n+++\n\nB.\n";
    write(root, "content/releases/a.md", release.as_bytes());
    write(root, "content/releases/b.MD", release.as_bytes());
    write(root, "content/releases/muistiinpanot.txt", b"notes");
    for junk in [".DS_Store", "Thumbs.db", "desktop.ini", "._kuva.jpg", "README.md"] {
        write(root, &format!("content/media/{junk}"), b"\0\0\x01");
    }
    write(root, "content/media/IMG_1234.HEIC", b"....ftypheic....");
    let out = newsroom(&["check", "content", "--format", "short"], root);
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stderr.contains("ok: 1 publishers, 2 releases"), "b.MD is read: {stderr}");
    let warnings: Vec<&str> = stdout.lines().collect();
    assert_eq!(warnings.len(), 2, "{stdout}");
    assert!(warnings[0].starts_with("content/media/IMG_1234.HEIC:1:1: warning: `IMG_1234.HEIC` is not published"));
    assert!(warnings[1].starts_with("content/releases/muistiinpanot.txt:1:1: warning: `muistiinpanot.txt` is not read"));
    assert!(warnings[1].contains("rename it to `muistiinpanot.md`"));
    let by_file = newsroom(&["check", "content/releases/b.MD"], root);
    assert!(by_file.status.success(), "{}", String::from_utf8_lossy(&by_file.stderr));
    assert!(String::from_utf8_lossy(&by_file.stderr)
        .contains("note: checking all of content, where content/releases/b.MD is"));
}

/// The mistakes of dates, quotation marks and Finnish field names are each told at their
/// line with what to write (issue 40, items 6 and 8).
#[test]
fn dates_quotes_and_finnish_field_names_are_told_what_to_write() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path();
    write(root, "content/publishers/testi.toml", PUBLISHER.as_bytes());
    let release =
        |front: &str| format!("+++\ntitle = \"T\"\npublisher = \"testi\"\nlead = \"L.\"\n{front}\n+++\n\nB.\n");
    let said = |front: &str| {
        write(root, "content/releases/a.md", release(front).as_bytes());
        let out = newsroom(&["check", "content", "--format", "short"], root);
        (out.status.code(), String::from_utf8_lossy(&out.stdout).to_string())
    };
    let (code, out) = said("published_at = 10.12.2026 klo 10.00");
    assert_eq!(code, Some(1));
    assert!(
        out.contains("a.md:5:")
            && out.contains("Put the value in quotation marks: `published_at = \"10.12.2026 klo 10.00\"`"),
        "{out}"
    );
    assert_eq!(said("published_at = \"10.12.2026 klo 10.00\"").0, Some(0), "quoted, the Finnish way is read");
    assert_eq!(said("published_at = \"2026-12-10 10:00\"").0, Some(0));
    let (_, out) = said("published_at = 2026-12-10T10:00:00\nembargo_notice = \"24 tuntia\"\ncorrection = \"x\"");
    assert!(!out.contains("embargo_notice"), "`24 tuntia` is read: {out}");
    let (_, out) =
        said("published_at = 2026-12-10T10:00:00\nlead_only = false\ntitle2 = \"Hän sanoi \"kyllä\" eilen\"");
    assert!(out.contains("A quotation mark inside a text ends it"), "{out}");
    let (_, out) = said("julkaisuaika = 2026-12-10T10:00:00");
    assert!(out.contains("a.md:5:1: unknown field `julkaisuaika` (did you mean `published_at`?)"), "{out}");
    let (_, out) = said("published_at = 2026-12-10T10:00:00\nembargo = \"24h\"");
    assert!(out.contains("unknown field `embargo` (did you mean `embargo_notice`?)"), "{out}");
    let (_, out) =
        said("published_at = 2026-12-10T10:00:00\n\n[[contacts]]\nnimi = \"Maija\"\npuhelin = \"020 633 2113\"");
    assert!(out.contains("a.md:8:1: the first contact: unknown field `nimi` (did you mean `name`?)"), "{out}");
}
