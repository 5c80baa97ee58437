//! Content files: publishers (`content/publishers/<slug>.toml`) and releases
//! (`content/releases/**/<slug>.md`), parsed and checked without any I/O.
//!
//! The CLI reads the files into [`SourceFile`]s and calls [`load_site`]; every problem comes
//! back as a [`Diagnostic`] naming the file and line.

pub mod fields;
pub mod frontmatter;
pub mod limits;
mod media;
pub mod page;
mod publisher;
mod release;
mod social;

use std::collections::BTreeMap;
use std::fmt;

use chrono_tz::Tz;

use contract::media::{Media, MediaFile};
use contract::model::{Attachment, Contact, Image, Keyword, License, ReleaseKind, Timestamp};

pub use page::{parse_page, Page};
pub use publisher::parse_publisher;
pub use release::parse_release;

/// A content file as read from disk.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path as shown to the user, e.g. `content/releases/x.md`.
    pub path: String,
    /// The file's text (the CLI reports a file that is not UTF-8 instead).
    pub text: String,
}

/// One problem in one file, printed as `path:line: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// File path as given in the [`SourceFile`].
    pub path: String,
    /// 1-based line in the file (1 for a problem of the whole file, such as its name).
    pub line: usize,
    /// What is wrong and, where possible, how to fix it.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.path, self.line, self.message)
    }
}

/// A publisher as written in its TOML file.
#[derive(Debug, Clone, PartialEq)]
pub struct Publisher {
    /// Slug, from the file name.
    pub slug: String,
    /// `name`: the display name, one line, at most 200 characters.
    pub name: String,
    /// `description`: one line, at most 500 characters.
    pub description: Option<String>,
    /// `boilerplate`: the paragraph about the publisher shown under its releases (at most
    /// 2000 characters).
    pub boilerplate: Option<String>,
    /// Website URL (`https://...`).
    pub website: Option<String>,
    /// Default language of releases.
    pub lang: String,
    /// Time zone for local times in front matter and for display.
    pub zone: Tz,
    /// `[[contacts]]`: the publisher's press contacts.
    pub contacts: Vec<Contact>,
    /// `logo`: an image under `content/media/` (stripped of its metadata by
    /// [`crate::photo::attach`]).
    pub logo: Option<Media>,
    /// The `logo` line and file path under `content/media/`.
    pub logo_source: Option<(usize, String)>,
    /// The file it came from, as diagnostics name it.
    pub path: String,
    /// `[[photos]]`: the publisher's standing photos for its media bank (portraits of its
    /// contacts, its buildings), as `[[images]]` of a release, with their lines and files.
    pub photos: Vec<Image>,
    /// For each of [`Publisher::photos`], its line and path under `content/media/`.
    pub photo_sources: Vec<(usize, String)>,
    /// `[[videos]]`: the publisher's standing videos for its media bank, public always.
    pub videos: Vec<contract::model::Video>,
    /// For each of [`Publisher::videos`], its `poster`'s line and path, if it has one.
    pub poster_sources: Vec<Option<(usize, String)>>,
    /// `media_terms` (with `media_terms_url`): the terms of use of the publisher's photos,
    /// shown next to each one that has no `license` of its own.
    pub media_terms: Option<License>,
    /// Host names on which this publisher's own newsroom answers, with their line.
    pub hostnames: Vec<(usize, String)>,
    /// `[social]`: the publisher's social media channels, checked.
    pub social: Vec<contract::social::SocialLink>,
    /// `announce` of `[social]`: the channels each release is posted to at its moment.
    pub announce: Vec<contract::social::Platform>,
}

/// A release as written in its Markdown file.
#[derive(Debug, Clone, PartialEq)]
pub struct Release {
    /// Slug, from the file name.
    pub slug: String,
    /// File it came from.
    pub path: String,
    /// `title`: one line, at most 300 characters.
    pub title: String,
    /// Publisher slug (known to exist).
    pub publisher: String,
    /// `published_at`, pinned to the publisher's time zone; a future time is an embargo.
    pub published: Timestamp,
    /// Last update, if any.
    pub updated: Option<Timestamp>,
    /// What was corrected at the last update, if anything (plain text).
    pub correction: Option<String>,
    /// Kind of release.
    pub kind: ReleaseKind,
    /// Language (front matter, or the publisher's default).
    pub lang: String,
    /// `lead`: the opening paragraph, plain text, at most 2000 characters.
    pub lead: String,
    /// True when the source gave only the lead.
    pub lead_only: bool,
    /// The Markdown after the closing `+++`, trimmed: empty exactly when `lead_only`.
    pub body: String,
    /// `keywords`: the labels as written, each with its slug (at most 30, slugs distinct).
    pub keywords: Vec<Keyword>,
    /// `[[contacts]]`: press contacts for this release.
    pub contacts: Vec<Contact>,
    /// Drafts are checked but never built.
    pub draft: bool,
    /// Slugs of the same release in other languages, with the front-matter line naming them.
    pub translations: (usize, Vec<String>),
    /// `[[images]]`: files under `content/media/`, each with its `alt` text (their pixel
    /// sizes and renditions filled in by [`crate::photo::attach`]).
    pub images: Vec<Image>,
    /// For each of [`Release::images`], the `[[images]]` line and the file's path under
    /// `content/media/`.
    pub image_sources: Vec<(usize, String)>,
    /// `[[attachments]]`: PDFs under `content/media/`, each with its link `title`.
    pub attachments: Vec<Attachment>,
    /// `[[videos]]`: videos under `content/media/` with their captions (kept in R2).
    pub videos: Vec<contract::model::Video>,
    /// For each of [`Release::videos`], its `poster`'s `[[videos]]` line and path under
    /// `content/media/`, for [`crate::photo`] to process and to blame.
    pub poster_sources: Vec<Option<(usize, String)>>,
    /// `embargo_notice`: when the publisher's media list gets the release under embargo
    /// (`"24h"` before `published_at`, or a date-time before it).
    pub embargo_notice: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// The lines of `published_at` and `embargo_notice` (the latter 0 when absent), where
    /// [`crate::timing`] says what is wrong with the moment.
    pub moment_lines: (usize, usize),
}

/// All publishers and releases of a content tree, checked.
#[derive(Debug, Clone, Default)]
pub struct Site {
    /// Publishers by slug.
    pub publishers: BTreeMap<String, Publisher>,
    /// Releases, in no particular order.
    pub releases: Vec<Release>,
    /// Content pages (`content/pages/`), by slug.
    pub pages: Vec<Page>,
    /// The required pages the site lacks ([`page::missing_pages`]): notes, which
    /// `--strict` makes errors (a deployment without them is not ready for production).
    pub missing_pages: Vec<Diagnostic>,
    /// Pages with placeholders a template left ([`page::placeholders_left`]): warnings of
    /// `check`'s, never errors.
    pub placeholders: Vec<Diagnostic>,
    /// Files under `content/media/`, by path relative to it (videos and captions in
    /// [`MediaFiles::videos`]).
    pub media: MediaFiles,
    /// Slugs of drafts (`draft = true`) that do not check yet: left out like every draft,
    /// their problems in [`Site::draft_problems`] block nothing else.
    pub unfinished_drafts: Vec<String>,
    /// The problems of the unfinished drafts, for `warning:` reports.
    pub draft_problems: Vec<Diagnostic>,
    /// What [`crate::photo::attach`] found worth a warning (photos too small for print, CMYK).
    pub photo_warnings: Vec<Diagnostic>,
    /// Warnings about the content as a whole, which block nothing: files under
    /// `content/media/` that nothing names (never published).
    pub warnings: Vec<Diagnostic>,
}

/// Files an operating system or editor leaves in folders (`.DS_Store`, `Thumbs.db`,
/// `desktop.ini`, `._kuva.jpg`, `~$liite.docx`, `kuva.jpg~`), Git's placeholders and a
/// folder's README: never content, never reported.
pub fn is_os_junk(path: &str) -> bool {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    name.starts_with('.')
        || name.starts_with("~$")
        || name.ends_with('~')
        || matches!(lower.as_str(), "thumbs.db" | "ehthumbs.db" | "desktop.ini" | "icon\r" | "readme.md" | "readme.txt")
}

/// Media files by their path relative to `content/media/` (`kuvat/sairaala.jpg`), and why
/// each file of a type we serve that cannot be used cannot (empty, too large): that is said
/// at the line that names it, and a file nothing names blocks nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MediaFiles {
    files: BTreeMap<String, MediaFile>,
    /// Why each unusable file cannot be used, by its path.
    pub unusable: BTreeMap<String, String>,
    /// The videos and their captions, kept apart: they go to R2, not KV.
    pub videos: VideoFiles,
}

impl std::ops::Deref for MediaFiles {
    type Target = BTreeMap<String, MediaFile>;
    fn deref(&self) -> &Self::Target {
        &self.files
    }
}

impl std::ops::DerefMut for MediaFiles {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.files
    }
}

/// A file under `content/media/` as read from disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceMedia {
    /// Path as shown in messages.
    pub path: String,
    /// Path relative to `content/media/`, with `/` separators: what front matter names.
    pub name: String,
    /// The file's bytes (empty when it was not read: see `unread`).
    pub data: Vec<u8>,
    /// Why the file was not read, if it was not (a file too large to be used is never read).
    pub unread: Option<String>,
    /// For a video (`.mp4`, `.webm`), which is never read whole: what its container says,
    /// or why it cannot be read ([`crate::video::probe`]); `None` for every other file.
    pub video: Option<Result<crate::video::VideoFacts, String>>,
}

/// The videos and captions under `content/media/` (kept in R2, never in KV), by path
/// relative to it, and why each unusable one cannot be used.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VideoFiles {
    /// Usable files.
    pub files: BTreeMap<String, VideoFile>,
    /// Why each unusable video or captions file cannot be used, by its path.
    pub unusable: BTreeMap<String, String>,
}

/// A video or captions file that checked, ready for upload to R2 as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VideoFile {
    /// Its name, type and size as pages show it.
    pub media: contract::media::Media,
    /// Its path on disk (what `wrangler r2 object put --file` uploads).
    pub path: String,
    /// What the container says (`None` for captions).
    pub facts: Option<crate::video::VideoFacts>,
}

/// The slug a file name gives: its stem, checked with [`contract::slug::is_valid`].
pub fn slug_of(path: &str, extension: &str) -> Result<String, String> {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    // `.MD` and `.Md` are read too (a phone or Windows may write them): the slug is the stem.
    let cut = name.len().checked_sub(extension.len()).filter(|&at| name.is_char_boundary(at));
    let stem = cut
        .filter(|&at| name[at..].eq_ignore_ascii_case(extension))
        .map(|at| &name[..at])
        .ok_or_else(|| format!("expected a `{extension}` file"))?;
    if contract::slug::is_valid(stem) {
        Ok(stem.to_string())
    } else {
        Err(format!(
            "file name `{name}` does not give a valid slug: use lowercase a-z, 0-9 and single hyphens (e.g. `{}{extension}`)",
            contract::slug::slugify(stem)
        ))
    }
}

/// Parses and cross-checks everything; returns every problem found, sorted by file and line.
pub fn load_site(publisher_files: &[SourceFile], release_files: &[SourceFile]) -> Result<Site, Vec<Diagnostic>> {
    load_site_with_media(publisher_files, release_files, &[])
}

/// [`load_site`] with the files of `content/media/`, which front matter may name.
pub fn load_site_with_media(
    publisher_files: &[SourceFile],
    release_files: &[SourceFile],
    media_files: &[SourceMedia],
) -> Result<Site, Vec<Diagnostic>> {
    load_content(&Content { publishers: publisher_files, releases: release_files, pages: &[], media: media_files })
}

/// Every file of a content folder, as read.
#[derive(Debug, Clone, Copy, Default)]
pub struct Content<'a> {
    /// `content/publishers/*.toml`.
    pub publishers: &'a [SourceFile],
    /// `content/releases/**/*.md`.
    pub releases: &'a [SourceFile],
    /// `content/pages/*.md`.
    pub pages: &'a [SourceFile],
    /// `content/media/**`.
    pub media: &'a [SourceMedia],
}

/// Parses and cross-checks a whole content folder; returns every problem found, sorted by
/// file and line.
pub fn load_content(content: &Content<'_>) -> Result<Site, Vec<Diagnostic>> {
    let (publisher_files, release_files, media_files) = (content.publishers, content.releases, content.media);
    let mut diags = Vec::new();
    let mut site = Site::default();
    for file in media_files {
        if let Some((ext, content_type, _)) = contract::video::type_of(&file.name) {
            match video_file(file, ext, content_type) {
                Ok(v) => drop(site.media.videos.files.insert(file.name.clone(), v)),
                Err(why) => drop(site.media.videos.unusable.insert(file.name.clone(), why)),
            }
            continue;
        }
        // A file of no type we serve (`.DS_Store`, `Thumbs.db`, a phone's `.HEIC`) blocks
        // nothing until a release names it; then that line says what is wrong with it.
        if contract::media::type_of(&file.name).is_none() {
            continue;
        }
        match file.unread.clone().map_or_else(|| contract::media::store(&file.name, file.data.clone()), Err) {
            Ok(m) => {
                site.media.insert(file.name.clone(), m);
            }
            Err(message) => {
                site.media.unusable.insert(file.name.clone(), message);
            }
        }
    }
    // Publishers whose files have problems, by slug: their releases say so instead of
    // calling the publisher unknown.
    let mut broken = BTreeMap::new();
    for file in publisher_files {
        match parse_publisher(&file.path, &file.text, &site.media) {
            Ok(p) => {
                site.publishers.insert(p.slug.clone(), p);
            }
            Err(errors) => {
                if let Ok(slug) = slug_of(&file.path, ".toml") {
                    broken.insert(slug, file.path.as_str());
                }
                diags.extend(at(file, errors));
            }
        }
    }
    check_hostnames_unique(&site, publisher_files, &mut diags);
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for file in release_files {
        // Duplicates are found by file name, whether or not the files parse.
        if let Ok(slug) = slug_of(&file.path, ".md") {
            if let Some(first) = seen.insert(slug.clone(), &file.path) {
                let message = format!("duplicate slug `{slug}`: {first} has the same file name");
                diags.push(Diagnostic { path: file.path.clone(), line: 1, message });
            }
        }
        match parse_release(&file.path, &file.text, &site.publishers, &site.media) {
            Ok(r) => site.releases.push(r),
            Err(errors) if marked_draft(&file.text) => {
                // A draft may be unfinished (`newsroom new` writes one with an empty lead and
                // body): its problems are warnings, and it is left out as drafts are.
                site.unfinished_drafts.extend(slug_of(&file.path, ".md"));
                site.draft_problems.extend(at(file, errors).map(|d| blame_broken_publisher(d, &broken)));
            }
            Err(errors) => diags.extend(at(file, errors).map(|d| blame_broken_publisher(d, &broken))),
        }
    }
    check_translations(&site, release_files, &mut diags);
    site.pages = page::load_pages(content.pages, &site.publishers, &mut diags);
    let mut langs: Vec<&str> = site.releases.iter().filter(|r| !r.draft).map(|r| r.lang.as_str()).collect();
    langs.sort();
    langs.dedup();
    site.missing_pages = page::missing_pages(&site.pages, &langs);
    site.placeholders = page::placeholders_left(&site.pages);
    site.warnings.extend(unused_media(media_files, publisher_files.iter().chain(release_files)));
    site.unfinished_drafts.sort();
    sort(&mut site.draft_problems);
    if diags.is_empty() {
        Ok(site)
    } else {
        sort(&mut diags);
        Err(diags)
    }
}

/// True when a release file's front matter says `draft = true` at its top level: from the
/// parsed TOML when it parses, else (its TOML is unfinished too) from a line `draft = true`
/// before the first table header.
fn marked_draft(text: &str) -> bool {
    let Ok(split) = frontmatter::split(text) else { return false };
    if let Ok(table) = split.front.parse::<toml::Table>() {
        return table.get("draft").and_then(toml::Value::as_bool) == Some(true);
    }
    split.front.lines().take_while(|line| !line.trim_start().starts_with('[')).any(|line| {
        let line = line.split('#').next().unwrap_or("");
        let (key, value) = line.split_once('=').unwrap_or(("", ""));
        key.trim() == "draft" && value.trim() == "true"
    })
}

/// The publisher a `publisher = "…"` field (with its line) names; an unknown one is an error
/// at that line listing the known slugs (`blame_broken_publisher` then points at a
/// publisher file with problems).
fn named_publisher<'p>(
    field: &Option<(usize, String)>,
    publishers: &'p BTreeMap<String, Publisher>,
    f: &mut fields::Fields,
) -> Option<&'p Publisher> {
    let (line, slug) = field.as_ref()?;
    let found = publishers.get(slug);
    if found.is_none() {
        let known: Vec<&str> = publishers.keys().map(String::as_str).collect();
        let known = if known.is_empty() { "none".to_string() } else { known.join(", ") };
        f.error(*line, format!("unknown publisher `{slug}`; known: {known}"));
    }
    found
}

/// A host name may belong to one publisher only.
fn check_hostnames_unique(site: &Site, files: &[SourceFile], diags: &mut Vec<Diagnostic>) {
    let mut owner: BTreeMap<&str, &str> = BTreeMap::new();
    for p in site.publishers.values() {
        for (line, host) in &p.hostnames {
            if let Some(first) = owner.insert(host, &p.slug) {
                let path =
                    files.iter().find(|f| slug_of(&f.path, ".toml").as_deref() == Ok(&p.slug)).map_or("", |f| &f.path);
                let message = format!("hostname `{host}` is already the newsroom of publisher `{first}`");
                diags.push(Diagnostic { path: path.to_string(), line: *line, message });
            }
        }
    }
}

/// "unknown publisher `x`" when `x`'s file exists but has problems: points there instead.
fn blame_broken_publisher(mut d: Diagnostic, broken: &BTreeMap<String, &str>) -> Diagnostic {
    let named = d.message.strip_prefix("unknown publisher `").and_then(|rest| rest.split('`').next());
    if let Some(path) = named.and_then(|slug| broken.get(slug)) {
        d.message =
            format!("publisher `{}` cannot be used until the problems in {path} are fixed", named.unwrap_or(""));
    }
    d
}

/// Every translation names another release, in another language.
fn check_translations(site: &Site, files: &[SourceFile], diags: &mut Vec<Diagnostic>) {
    let by_slug: BTreeMap<&str, &Release> = site.releases.iter().map(|r| (r.slug.as_str(), r)).collect();
    // A draft's translations may name releases not written yet: they block nothing.
    for r in site.releases.iter().filter(|r| !r.draft) {
        let (line, slugs) = &r.translations;
        for slug in slugs {
            let message = match by_slug.get(slug.as_str()) {
                _ if slug == &r.slug => format!("`translations` names this release itself (`{slug}`)"),
                None if files.iter().any(|f| slug_of(&f.path, ".md").is_ok_and(|s| &s == slug)) => continue,
                None => format!(
                    "translation `{slug}` is not a release in content/releases: if you removed it, delete `{slug}` \
                     from `translations` here too (the link goes both ways, so no file may name it)"
                ),
                Some(t) if t.lang == r.lang => {
                    format!("translation `{slug}` is in the same language (`{}`) as this release", r.lang)
                }
                Some(_) => continue,
            };
            diags.push(Diagnostic { path: r.path.clone(), line: *line, message });
        }
    }
}

/// A warning for each file under `content/media/` that no publisher or release names
/// (draft or not): it is never processed nor published, and it may be a photo meant for a
/// release whose `file` line has a typo.
fn unused_media<'a>(media: &[SourceMedia], texts: impl Iterator<Item = &'a SourceFile>) -> Vec<Diagnostic> {
    // Every quoted text of every line that is not a comment (the template's
    // `# file = "kuva.jpg"` names nothing), once: a set, so that many files in many
    // releases cost one pass over the text.
    let mut quoted: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
    for line in texts.flat_map(|f| f.text.lines()).filter(|l| !l.trim_start().starts_with('#')) {
        for mark in ['"', '\''] {
            quoted.extend(line.split(mark).skip(1).step_by(2));
        }
    }
    let named = |name: &str| quoted.contains(name);
    media
        .iter()
        .filter(|m| !is_os_junk(&m.name) && !named(&m.name))
        .map(|m| Diagnostic {
            path: m.path.clone(),
            line: 1,
            message: match contract::media::type_of(&m.name) {
                None if contract::video::type_of(&m.name).is_some() => format!(
                    "no release names `{}`, so it is not published: name it in a release's `[[videos]]` (as `file` \
                     or `captions`), or delete it",
                    m.name
                ),
                Some(_) => format!(
                    "no release or publisher names `{}`, so it is not published: name it as `file = \"{}\"` in a \
                     release's `[[images]]` or `[[attachments]]`, or delete it",
                    m.name, m.name
                ),
                None => format!(
                    "`{}` is not published: the newsroom publishes JPEG, PNG, WebP and GIF photos, PDF files, and \
                     MP4 or WebM videos with WebVTT captions. Save it as one of those and name that file in a \
                     release, or delete it",
                    m.name
                ),
            },
        })
        .collect()
}

/// A video or captions file as read, checked: a video's container facts, or a captions
/// file that is WebVTT.
fn video_file(file: &SourceMedia, ext: &str, content_type: &str) -> Result<VideoFile, String> {
    let name = &file.name;
    if let Some(why) = &file.unread {
        return Err(why.clone());
    }
    let (media, facts) = match &file.video {
        Some(Ok(facts)) => {
            let media = contract::media::Media {
                name: facts.name.clone(),
                content_type: content_type.into(),
                bytes: facts.bytes,
            };
            (media, Some(facts.clone()))
        }
        Some(Err(why)) => return Err(format!("`{name}` {why}")),
        None if ext != "vtt" => return Err(format!("`{name}` was not read as a video (a bug: please report it)")),
        None => {
            let text = std::str::from_utf8(&file.data)
                .map_err(|_| format!("`{name}` is not UTF-8 text: save the captions as UTF-8 WebVTT"))?;
            crate::video::check_captions(text).map_err(|(line, why)| format!("`{name}` {why} (its line {line})"))?;
            let (name, bytes) = contract::media::hashed_name_of(&mut file.data.as_slice(), "vtt")
                .map_err(|e| format!("`{name}` could not be read: {e}"))?;
            (contract::media::Media { name, content_type: content_type.into(), bytes }, None)
        }
    };
    Ok(VideoFile { media, path: file.path.clone(), facts })
}

/// Orders diagnostics by file, then line.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
}

fn at(file: &SourceFile, errors: Vec<fields::LineError>) -> impl Iterator<Item = Diagnostic> + '_ {
    errors.into_iter().map(|(line, message)| Diagnostic { path: file.path.clone(), line, message })
}

/// Checks an `https://` (or `http://`) URL without spaces, quotes or angle brackets.
pub fn is_web_url(url: &str) -> bool {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or("");
        host.contains('.') && !r.chars().any(|c| c.is_whitespace() || c.is_control() || "\"'<>`\\".contains(c))
    })
}

pub use contract::i18n::is_language_tag;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drafts_are_recognised_even_when_unfinished() {
        assert!(marked_draft("+++\ntitle = \"\"\ndraft = true # until Monday\n+++\n"));
        assert!(marked_draft("+++\ndraft=true\nlead = \"unclosed\n+++\n"));
        assert!(!marked_draft("+++\ndraft = false\n+++\n"));
        assert!(!marked_draft("+++\ntitle = \"x\"\n+++\ndraft = true\n"), "in the body, not the front matter");
        assert!(!marked_draft("draft = true\n"));
        assert!(!marked_draft("+++\nlead = \"\"\"\ndraft = true\n\"\"\"\n+++\n"), "inside a string");
        assert!(!marked_draft("+++\ntitle = \"x\"\n[[images]]\ndraft = true\n+++\n"), "in a table");
        assert!(!marked_draft("+++\ntitle = \"unclosed\n[[images]]\ndraft = true\n+++\n"), "below a table, unparsed");
        assert!(!marked_draft("+++\ndraft = true\nno closing fence\n"), "no front matter");
    }

    #[test]
    fn slugs_come_from_file_names() {
        assert_eq!(slug_of("content/releases/2025/a-b.md", ".md"), Ok("a-b".into()));
        assert!(slug_of("content/releases/Ä b.md", ".md").unwrap_err().contains("`a-b.md`"));
        assert!(slug_of("x.txt", ".md").is_err());
    }

    #[test]
    fn urls_and_languages() {
        assert!(is_web_url("https://kymenhva.fi") && is_web_url("https://www.kymsote.fi/a?b=1"));
        assert!(!is_web_url("javascript:alert(1)") && !is_web_url("https://a b.fi") && !is_web_url("https://x\"y.fi"));
        assert!(is_language_tag("fi") && is_language_tag("en-GB") && !is_language_tag("FI") && !is_language_tag("f"));
    }
}
