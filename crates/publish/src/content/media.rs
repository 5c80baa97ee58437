//! Media references in front matter: `[[images]]`, `[[attachments]]` and a publisher's `logo`,
//! each naming a file under `content/media/`.

use toml::{Table, Value};

use super::fields::{check_text, suggest, Fields};
use super::MediaFiles;
use contract::media::{type_of, Media, MediaKind};
use contract::model::{Attachment, Image};

/// `[[images]]`: `file` and `alt` required, `caption` and `credit` optional.
pub fn images(f: &mut Fields, files: &MediaFiles) -> Vec<Image> {
    tables(f, "images", &["file", "alt", "caption", "credit"], |t| {
        let media = file(t, files, MediaKind::Image)?;
        let alt = text(t, "alt", 300)?.ok_or("missing `alt`: describe the image for readers who cannot see it")?;
        Ok(Image { media, alt, caption: text(t, "caption", 500)?, credit: text(t, "credit", 200)? })
    })
}

/// `[[attachments]]`: `file` (a PDF) and `title`.
pub fn attachments(f: &mut Fields, files: &MediaFiles) -> Vec<Attachment> {
    tables(f, "attachments", &["file", "title"], |t| {
        let media = file(t, files, MediaKind::Document)?;
        let title = text(t, "title", 200)?.ok_or("missing `title`: the link text")?;
        Ok(Attachment { media, title })
    })
}

/// `logo = "file"`: an image under `content/media/`.
pub fn logo(f: &mut Fields, files: &MediaFiles) -> Option<Media> {
    let (line, name) = f.string("logo", false)?;
    match lookup(&name, files, MediaKind::Image) {
        Ok(media) => Some(media),
        Err(why) => {
            f.error(line, format!("`logo`: {why}"));
            None
        }
    }
}

/// Reads an array of tables, reporting each bad item at the array's line.
fn tables<T>(f: &mut Fields, key: &str, known: &[&str], read: impl Fn(&mut Table) -> Result<T, String>) -> Vec<T> {
    let (line, items) = f.tables(key);
    let mut out = Vec::new();
    for (i, mut table) in items.into_iter().enumerate() {
        let result = read(&mut table).and_then(|item| match table.keys().next() {
            Some(k) => {
                let hint =
                    suggest(k, known.iter().copied()).map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default();
                Err(format!("unknown field `{k}`{hint}"))
            }
            None => Ok(item),
        });
        match result {
            Ok(item) => out.push(item),
            Err(why) => f.error(line, format!("`{key}[{i}]`: {why}")),
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
        _ => return Err(format!("`{name}` is not {wanted}")),
    }
    files.get(name).map(|m| m.media.clone()).ok_or_else(|| format!("`{name}` is not in content/media/"))
}
