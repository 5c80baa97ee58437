//! Media references in front matter: `[[images]]`, `[[attachments]]`, `[[videos]]` and a
//! publisher's `logo`, each naming a file under `content/media/`.

use toml::{Table, Value};

use super::fields::{check_text, item_name, stands_for_missing, Fields};
use super::{MediaFiles, VideoFiles};
use contract::media::{type_of, Media, MediaKind};
use contract::model::{Attachment, Image, License};
use contract::model::{Captions, Video};
use contract::video::VideoFileKind;

use super::VideoFile;

/// `[[images]]`: `file` and `alt` required; `caption`, `credit`, `license` and
/// `license_url` optional. Each image comes with the line of its array and its file's path
/// under `content/media/`, for [`crate::photo`] to fill in and to blame.
pub fn images(f: &mut Fields, files: &MediaFiles) -> Vec<(Image, (usize, String))> {
    images_of(f, files, "images")
}

/// [`images`] of the array `key` (`[[photos]]` of a publisher file).
pub fn images_of(f: &mut Fields, files: &MediaFiles, key: &str) -> Vec<(Image, (usize, String))> {
    tables(f, key, &["file", "alt", "caption", "credit", "license", "license_url"], |t, line| {
        let source = text(t, "file", 300)?.ok_or("missing `file`: a file under content/media/")?;
        let media = lookup(&source, files, MediaKind::Image)?;
        let alt = text(t, "alt", super::limits::ALT)?
            .ok_or("missing `alt`: describe the image for readers who cannot see it")?;
        let license = license(t)?;
        let image = Image {
            media,
            alt,
            caption: text(t, "caption", super::limits::CAPTION)?,
            credit: text(t, "credit", super::limits::CREDIT)?,
            width: 0,
            height: 0,
            renditions: Vec::new(),
            share: None,
            download_name: Some(download_name(&source)),
            license,
        };
        Ok((image, (line, source)))
    })
}

/// `[[videos]]`: `file` (MP4 or WebM), `title` and `captions` (WebVTT) required;
/// `captions_language` (default: the release's language, left empty here), `poster` (an
/// image, processed like photos: its line and path come with it), `credit`, `license` and
/// `license_url` optional.
pub fn videos(f: &mut Fields, files: &MediaFiles) -> Vec<(Video, Option<(usize, String)>)> {
    let videos = &files.videos;
    let known = ["file", "title", "captions", "captions_language", "poster", "credit", "license", "license_url"];
    tables(f, "videos", &known, |t, line| {
        let source = text(t, "file", 300)?.ok_or("missing `file`: an MP4 or WebM video under content/media/")?;
        let file = video_lookup(&source, videos, VideoFileKind::Video)?;
        let title = text(t, "title", super::limits::TITLE)?
            .ok_or("missing `title`: what the video is, shown above it and read out by screen readers")?;
        let captions = text(t, "captions", 300)?.ok_or(
            "missing `captions`: a WebVTT file (.vtt) under content/media/. A public authority's prerecorded video \
             must have captions (Act on the Provision of Digital Services, WCAG 2.1 criterion 1.2.2)",
        )?;
        let captions = video_lookup(&captions, videos, VideoFileKind::Captions)?;
        let lang = text(t, "captions_language", 20)?.unwrap_or_default();
        if !lang.is_empty() && !super::is_language_tag(&lang) {
            return Err(format!("`captions_language` `{lang}` is not a language tag such as `fi`, `sv` or `en`"));
        }
        let license = license(t)?;
        let credit = text(t, "credit", super::limits::CREDIT)?;
        let (poster, poster_source) = match text(t, "poster", 300)? {
            None => (None, None),
            Some(name) => {
                let media = lookup(&name, files, MediaKind::Image).map_err(|why| format!("`poster`: {why}"))?;
                let image = Image {
                    media,
                    alt: title.clone(),
                    caption: None,
                    credit: None,
                    width: 0,
                    height: 0,
                    renditions: Vec::new(),
                    share: None,
                    download_name: Some(download_name(&name)),
                    license: None,
                };
                (Some(image), Some((line, name)))
            }
        };
        let facts = file.facts.clone().ok_or("`file` is not a video")?;
        let video = Video {
            media: file.media.clone(),
            title,
            duration_ms: facts.duration_ms,
            width: facts.width,
            height: facts.height,
            codecs: facts.codecs,
            captions: Captions { media: captions.media.clone(), lang },
            poster,
            credit,
            license,
            download_name: download_name(&source),
        };
        Ok((video, poster_source))
    })
}

/// A video or captions file by its path under `content/media/`.
fn video_lookup<'v>(name: &str, videos: &'v VideoFiles, kind: VideoFileKind) -> Result<&'v VideoFile, String> {
    let field = if kind == VideoFileKind::Video { "file" } else { "captions" };
    match contract::video::type_of(name) {
        Some((_, _, k)) if k == kind => {}
        _ if kind == VideoFileKind::Video => return Err(format!("`{field}` `{name}` is not an MP4 or WebM video")),
        _ => return Err(format!("`{field}` `{name}` is not a WebVTT captions file (.vtt)")),
    }
    if let Some(why) = videos.unusable.get(name) {
        return Err(format!("`{field}`: {why}"));
    }
    videos.files.get(name).ok_or_else(|| format!("`{field}` `{name}` is not in content/media/"))
}

/// `license` (the terms as shown) and `license_url` (an `https://` page of the licence).
fn license(t: &mut Table) -> Result<Option<License>, String> {
    let text = text(t, "license", 500)?;
    let url = text_url(t, "license_url")?;
    match (text, url) {
        (Some(text), url) => Ok(Some(License { text, url })),
        (None, Some(_)) => Err("`license_url` needs `license`, the terms as readers see them".into()),
        (None, None) => Ok(None),
    }
}

fn text_url(t: &mut Table, key: &str) -> Result<Option<String>, String> {
    match text(t, key, 500)? {
        Some(url) if !url.starts_with("https://") || !super::is_web_url(&url) => {
            Err(format!("`{key}` `{url}` is not an https:// URL"))
        }
        url => Ok(url),
    }
}

/// The name a download gets: the file's own name, as a slug, with its extension in lower case.
pub fn download_name(source: &str) -> String {
    let file = source.rsplit('/').next().unwrap_or(source);
    let (stem, ext) = file.rsplit_once('.').unwrap_or((file, "jpg"));
    let stem = contract::slug::slugify(stem);
    let stem = if stem.is_empty() { "kuva".to_string() } else { stem };
    format!("{stem}.{}", ext.to_ascii_lowercase().replace("jpeg", "jpg"))
}

/// `[[attachments]]`: `file` (a PDF) and `title`.
pub fn attachments(f: &mut Fields, files: &MediaFiles) -> Vec<Attachment> {
    tables(f, "attachments", &["file", "title"], |t, _| {
        let media = file(t, files, MediaKind::Document)?;
        let title = text(t, "title", 200)?.ok_or("missing `title`: the link text")?;
        Ok(Attachment { media, title })
    })
}

/// `logo = "file"`: an image under `content/media/`, with its line and path (for
/// [`crate::photo`], which strips it).
pub fn logo(f: &mut Fields, files: &MediaFiles) -> Option<(Media, (usize, String))> {
    let (line, name) = f.string("logo", false)?;
    match lookup(&name, files, MediaKind::Image) {
        Ok(media) => Some((media, (line, name))),
        Err(why) => {
            f.error(line, format!("`logo`: {why}"));
            None
        }
    }
}

/// Reads an array of tables. Each unknown field is reported at its own line, with a
/// suggestion; any other problem of an item at the line of the field it names, else at the
/// item's `[[key]]` line; items are named as people count them ("the first image").
fn tables<T>(
    f: &mut Fields,
    key: &str,
    known: &[&str],
    read: impl Fn(&mut Table, usize) -> Result<T, String>,
) -> Vec<T> {
    let (line, items) = f.tables(key);
    let item_lines = f.item_lines(key);
    let mut out = Vec::new();
    for (i, mut table) in items.into_iter().enumerate() {
        let at = item_lines.get(i).copied().unwrap_or(line);
        let unknown = f.take_unknown(&mut table, known, (key, i, at));
        match read(&mut table, at) {
            Ok(item) if unknown.is_empty() => out.push(item),
            Ok(_) => {}
            // A required field missing because it was misspelt is said once, as unknown.
            Err(why) if stands_for_missing(&unknown, known, &why) => {}
            Err(why) => {
                let line = f.blamed_line(at, &why);
                f.error(line, format!("{}: {why}", item_name(key, i)));
            }
        }
    }
    out
}

fn text(t: &mut Table, key: &str, max: usize) -> Result<Option<String>, String> {
    match t.remove(key) {
        None => Ok(None),
        Some(Value::String(s)) => {
            check_text(&s, max, false).map(|()| Some(s.trim().to_string())).map_err(|why| format!("`{key}` {why}"))
        }
        Some(v) => Err(format!("`{key}` must be a string, found {}", v.type_str())),
    }
}

fn file(t: &mut Table, files: &MediaFiles, kind: MediaKind) -> Result<Media, String> {
    let name = text(t, "file", 300)?.ok_or("missing `file`: a file under content/media/")?;
    lookup(&name, files, kind)
}

fn lookup(name: &str, files: &MediaFiles, kind: MediaKind) -> Result<Media, String> {
    let wanted = match kind {
        MediaKind::Image => "an image (JPEG, PNG, WebP or GIF)",
        MediaKind::Document => "a PDF",
    };
    match type_of(name) {
        Some((_, _, k)) if k == kind => {}
        None if kind == MediaKind::Image
            && [".heic", ".heif"].iter().any(|e| name.to_ascii_lowercase().ends_with(e)) =>
        {
            return Err(contract::media::heic_advice(name));
        }
        _ => return Err(format!("`{name}` is not {wanted}")),
    }
    if let Some(why) = files.unusable.get(name) {
        return Err(why.clone());
    }
    files.get(name).map(|m| m.media.clone()).ok_or_else(|| format!("`{name}` is not in content/media/"))
}
