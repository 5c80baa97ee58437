//! Reading a content folder from disk and checking it with the core.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use publish::content::{
    load_content, load_site_with_media, Content, Diagnostic, Publisher, Site, SourceFile, SourceMedia,
};

/// A content folder as read and checked.
pub struct Loaded {
    /// The checked site, or `None` when there were problems.
    pub site: Option<Site>,
    /// Every problem, sorted by file and line.
    pub diagnostics: Vec<Diagnostic>,
    /// Problems of drafts (`draft = true`): warnings, which block nothing.
    pub warnings: Vec<Diagnostic>,
    /// The text of every file read, by the path diagnostics name (for showing source lines).
    pub texts: BTreeMap<String, String>,
    /// Photos processed and found in the cache.
    pub photos: crate::photos::Counts,
}

/// Reads and checks `content`; I/O problems are errors, content problems are diagnostics.
pub fn load(content: &Path) -> Result<Loaded> {
    let mut diagnostics = Vec::new();
    let progress = progress_bar();
    let publishers = read_texts(&list(&content.join("publishers"), "toml")?, &mut diagnostics, &progress)?;
    let releases = read_texts(&list(&content.join("releases"), "md")?, &mut diagnostics, &progress)?;
    let pages = read_texts(&list(&content.join("pages"), "md")?, &mut diagnostics, &progress)?;
    let mut strays = stray_files(&content.join("releases"))?;
    if releases.is_empty() && publishers.is_empty() && diagnostics.is_empty() {
        anyhow::bail!("{} holds no publishers/*.toml or releases/**/*.md", content.display());
    }
    let media = read_media(&content.join("media"))?;
    progress.set_message("checking");
    let mut photos = crate::photos::Counts::default();
    let files = Content { publishers: &publishers, releases: &releases, pages: &pages, media: &media };
    let site = match load_content(&files) {
        Ok(mut site) => {
            // Photos only once the text checks: they are the slow part.
            progress.set_message("photos");
            let (results, counts) = crate::photos::process(&site, &crate::photos::cache_dir(content));
            photos = counts;
            match publish::photo::attach(&mut site, &results) {
                Ok(()) => Some(site),
                Err(found) => {
                    diagnostics.extend(found);
                    None
                }
            }
        }
        Err(found) => {
            diagnostics.extend(found);
            None
        }
    };
    progress.finish_and_clear();
    publish::content::sort(&mut diagnostics);
    let texts = publishers.into_iter().chain(releases).chain(pages).map(|f| (f.path, f.text)).collect();
    let site = site.filter(|_| diagnostics.is_empty());
    let mut warnings: Vec<Diagnostic> = site
        .as_ref()
        .map(|s| s.draft_problems.iter().chain(&s.photo_warnings).chain(&s.warnings).cloned().collect())
        .unwrap_or_default();
    warnings.append(&mut strays);
    publish::content::sort(&mut warnings);
    Ok(Loaded { site, diagnostics, warnings, texts, photos })
}

/// The slug a command-line argument names: a slug, or a release file's path
/// (`content/releases/2026-12-10-x.md` → `2026-12-10-x`).
pub fn slug_of_argument(argument: &str) -> String {
    let name = argument.rsplit(['/', '\\']).next().unwrap_or(argument);
    let lower = name.to_ascii_lowercase();
    match lower.strip_suffix(".md") {
        Some(stem) => name[..stem.len()].to_string(),
        None => name.to_string(),
    }
}

/// The publishers of `content` alone (for `newsroom new`); their problems are an error.
pub fn load_publishers(content: &Path) -> Result<BTreeMap<String, Publisher>> {
    let mut diagnostics = Vec::new();
    let hidden = ProgressBar::hidden();
    let publishers = read_texts(&list(&content.join("publishers"), "toml")?, &mut diagnostics, &hidden)?;
    let media = read_media(&content.join("media"))?;
    match load_site_with_media(&publishers, &[], &media) {
        Ok(site) if diagnostics.is_empty() => Ok(site.publishers),
        Ok(_) => anyhow::bail!("{}", diagnostics[0]),
        Err(found) => anyhow::bail!("{} (run `newsroom check`)", found[0]),
    }
}

/// A progress bar on stderr, drawn only when stderr is a terminal.
fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::new(0);
    if let Ok(style) = ProgressStyle::with_template("{msg:>9} [{bar:30}] {pos}/{len} files") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message("reading");
    bar
}

/// A spinner on stderr while a long step runs (drawn only on a terminal); clear it with
/// `finish_and_clear`.
pub fn spinner(message: &'static str) -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_message(message);
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

/// Reads UTF-8 files; a file that is not UTF-8 becomes a diagnostic at its first bad line.
fn read_texts(paths: &[PathBuf], diags: &mut Vec<Diagnostic>, progress: &ProgressBar) -> Result<Vec<SourceFile>> {
    progress.inc_length(paths.len() as u64);
    let mut files = Vec::with_capacity(paths.len());
    for path in paths {
        let bytes = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let shown = path.display().to_string();
        match String::from_utf8(bytes) {
            Ok(text) => files.push(SourceFile { path: shown, text }),
            Err(e) => {
                let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
                let line = 1 + good.iter().filter(|&&b| b == b'\n').count();
                diags.push(Diagnostic { path: shown, line, message: "the file is not valid UTF-8".into() });
            }
        }
        progress.inc(1);
    }
    Ok(files)
}

/// Every file under `content/media/` (front matter names them by their path relative to it).
/// A file larger than its type may be is not read: a release that names it is told why.
fn read_media(dir: &Path) -> Result<Vec<SourceMedia>> {
    let mut out = Vec::new();
    for path in list(dir, "")? {
        let size = fs::metadata(&path).with_context(|| format!("cannot read {}", path.display()))?.len();
        let shown = path.display().to_string();
        let name = path.strip_prefix(dir).unwrap_or(&path).to_string_lossy().replace('\\', "/");
        let limit = contract::media::limit_of(&name);
        if publish::content::is_os_junk(&name) {
            continue;
        }
        if let Some((ext, _, kind)) = contract::video::type_of(&name) {
            out.push(read_video(&path, shown, name, size, ext, kind)?);
            continue;
        }
        if contract::media::type_of(&name).is_none() {
            // Never read: the core names it if a release uses it, and warns if none does.
            let why = format!("`{name}` is not a file type the newsroom publishes");
            out.push(SourceMedia { path: shown, name, data: Vec::new(), unread: Some(why), video: None });
            continue;
        }
        if size > limit as u64 {
            let why = format!("`{name}` is {size} bytes; the limit is {limit}: make it smaller");
            out.push(SourceMedia { path: shown, name, data: Vec::new(), unread: Some(why), video: None });
            continue;
        }
        let data = fs::read(&path).with_context(|| format!("cannot read {shown}"))?;
        out.push(SourceMedia { path: shown, name, data, unread: None, video: None });
    }
    Ok(out)
}

/// A video or captions file: a video is never read whole (its container's headers, then
/// its bytes in pieces for its name); captions are read as text. A file over its limit is
/// not read at all.
fn read_video(
    path: &Path,
    shown: String,
    name: String,
    size: u64,
    ext: &str,
    kind: contract::video::VideoFileKind,
) -> Result<SourceMedia> {
    use contract::video::{VideoFileKind, MAX_CAPTIONS_BYTES, MAX_VIDEO_BYTES};
    let limit = if kind == VideoFileKind::Video { MAX_VIDEO_BYTES } else { MAX_CAPTIONS_BYTES };
    let unread = |why: String| SourceMedia {
        path: shown.clone(),
        name: name.clone(),
        data: Vec::new(),
        unread: Some(why),
        video: None,
    };
    if size == 0 {
        return Ok(unread(format!("`{name}` is empty (0 bytes): copy or export it again")));
    }
    if size > limit {
        let mib = limit / (1024 * 1024);
        let why = if kind == VideoFileKind::Video {
            format!(
                "`{name}` is {} MiB; the limit is {mib} MiB (wrangler uploads at most that in one request): export it \
                 at a lower bit rate, or shorter",
                size / (1024 * 1024)
            )
        } else {
            format!("`{name}` is {size} bytes; captions may have at most {mib} MiB")
        };
        return Ok(unread(why));
    }
    if kind == VideoFileKind::Captions {
        let data = fs::read(path).with_context(|| format!("cannot read {shown}"))?;
        return Ok(SourceMedia { path: shown, name, data, unread: None, video: None });
    }
    let mut file = fs::File::open(path).with_context(|| format!("cannot read {shown}"))?;
    let probed = publish::video::probe(&mut std::io::BufReader::new(&mut file), size, ext);
    let facts = match probed {
        Ok((duration_ms, width, height, codecs)) => {
            use std::io::Seek;
            file.rewind().with_context(|| format!("cannot read {shown}"))?;
            let stored_ext = if ext == "webm" { "webm" } else { "mp4" };
            let (hashed, bytes) = contract::media::hashed_name_of(&mut file, stored_ext)
                .with_context(|| format!("cannot read {shown}"))?;
            Ok(publish::video::VideoFacts { name: hashed, bytes, duration_ms, width, height, codecs })
        }
        Err(why) => Err(why),
    };
    Ok(SourceMedia { path: shown, name, data: Vec::new(), unread: None, video: Some(facts) })
}

/// A warning for each file under `content/releases/` that is not read: only `.md` files are
/// releases (`.MD` too), and a release saved as `.txt`, `.markdown` or `.docx` would
/// otherwise be skipped without a word. The template (`*.example`) and the operating
/// system's own files are left alone.
fn stray_files(dir: &Path) -> Result<Vec<Diagnostic>> {
    let mut out = Vec::new();
    for path in list(dir, "")? {
        let shown = path.display().to_string();
        let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        let is_release = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("md"));
        if is_release || publish::content::is_os_junk(&name) || name.ends_with(".example") {
            continue;
        }
        let stem = name.split('.').next().unwrap_or(&name);
        let message = format!(
            "`{name}` is not read: only files ending in `.md` are releases (rename it to `{stem}.md` if it is one, \
             or move it out of content/releases/)"
        );
        out.push(Diagnostic { path: shown, line: 1, message });
    }
    Ok(out)
}

/// Files under `dir` (recursively) with extension `ext` (any file for `""`), sorted, without
/// the files an operating system or editor leaves ([`publish::content::is_os_junk`]); a
/// missing folder is empty.
fn list(dir: &Path, ext: &str) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    if !dir.exists() {
        return Ok(out);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).with_context(|| format!("cannot list {}", d.display()))? {
            let path = entry.with_context(|| format!("cannot list {}", d.display()))?.path();
            let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            if publish::content::is_os_junk(&name) && !path.is_dir() {
                // `.DS_Store`, `._tiedote.md` (macOS's resource fork of a release), an editor's
                // lock file: never content, never read.
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if ext.is_empty() || path.extension().is_some_and(|e| e.eq_ignore_ascii_case(ext)) {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}
