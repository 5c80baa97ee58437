//! `newsroom new`: a release file to fill in, named and timed for its publisher.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use contract::model::ReleaseKind;
use contract::slug::slugify;
use publish::content::{fields::check_text, Publisher};

use crate::page_templates::toml_string;

/// Longest title part of a new file name, in bytes (the date prefix comes on top).
const MAX_TITLE_SLUG: usize = 80;

/// What `newsroom new` was asked for.
pub struct NewRelease<'a> {
    /// The publisher, as checked.
    pub publisher: &'a Publisher,
    /// The title, as the publisher wrote it.
    pub title: &'a str,
    /// Type id (`tiedote`, ...).
    pub kind: ReleaseKind,
    /// The `published_at` to write (the current time), in the publisher's zone, to the minute.
    pub now: DateTime<Utc>,
    /// The language of the text (`--language`), when not the publisher's.
    pub lang: Option<&'a str>,
}

/// Writes the scaffold into `content/releases/` and returns its path; never overwrites.
pub fn create(content: &Path, new: &NewRelease) -> Result<PathBuf> {
    check_text(new.title, 300, false).map_err(|why| anyhow::anyhow!("the title {why}"))?;
    if let Some(lang) = new.lang {
        anyhow::ensure!(
            publish::content::is_language_tag(lang),
            "--language `{lang}` is not a language tag such as `fi`, `sv` or `en`"
        );
    }
    let local = new.now.with_timezone(&new.publisher.zone);
    let slug = file_slug(&local.format("%Y-%m-%d").to_string(), new.title)?;
    let dir = content.join("releases");
    let path = dir.join(format!("{slug}.md"));
    anyhow::ensure!(!path.exists(), "{} already exists; choose another title or edit that file", path.display());
    fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let text = template(new, &local.format("%Y-%m-%dT%H:%M:00").to_string(), &slug);
    fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path)
}

/// `2026-11-23-otsikko`: the local date, then the title's words (ä → a, ö → o, å → a).
fn file_slug(date: &str, title: &str) -> Result<String> {
    let mut words = slugify(title);
    if words.len() > MAX_TITLE_SLUG {
        let cut = words[..=MAX_TITLE_SLUG].rfind('-').unwrap_or(MAX_TITLE_SLUG);
        words.truncate(cut);
    }
    anyhow::ensure!(!words.is_empty(), "the title has no letters or digits to name the file by");
    Ok(format!("{date}-{words}"))
}

/// Writes `content/pages/{name}.md` and returns its path; never overwrites. A known name
/// (`tietosuojaseloste`, `saavutettavuusseloste`, their Swedish and English names) gets its
/// model ([`crate::page_templates`]); any other a blank page titled `title` in `lang`.
pub fn create_page(content: &Path, new: &NewPage) -> Result<PathBuf> {
    anyhow::ensure!(
        contract::slug::is_valid(new.name),
        "`{}` cannot name a page: use lowercase a-z, 0-9 and single hyphens, e.g. `{}`",
        new.name,
        slugify(new.name)
    );
    let dir = content.join("pages");
    let known = crate::page_templates::known(new.name);
    // A publisher's own copy of a model is named for it, beside the site's.
    let name = known.map_or_else(|| new.name.to_string(), |k| crate::page_templates::slug_for(k, new.publisher));
    let path = dir.join(format!("{name}.md"));
    anyhow::ensure!(!path.exists(), "{} already exists; edit that file", path.display());
    let text = match known {
        Some(k) => {
            if let Some(lang) = new.lang.filter(|l| *l != k.lang) {
                anyhow::bail!("`{}` is the model in `{}`, not `{lang}`: leave out --language", new.name, k.lang);
            }
            if let Some(title) = new.title {
                check_text(title, 200, false).map_err(|why| anyhow::anyhow!("the title {why}"))?;
            }
            let exists = |slug: &str| dir.join(format!("{slug}.md")).is_file();
            crate::page_templates::file(k, (new.today, new.title), new.publisher, exists)
        }
        None => {
            let lang = new.lang.unwrap_or("fi");
            anyhow::ensure!(
                publish::content::is_language_tag(lang),
                "--language `{lang}` is not a language tag such as `fi`, `sv` or `en`"
            );
            let title = new.title.unwrap_or(new.name);
            check_text(title, 200, false).map_err(|why| anyhow::anyhow!("the title {why}"))?;
            crate::page_templates::blank(title, lang, new.today, new.publisher)
        }
    };
    fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path)
}

/// What `newsroom new page` was asked for.
pub struct NewPage<'a> {
    /// The file name without `.md`.
    pub name: &'a str,
    /// `--title`, for a page that is not a known model.
    pub title: Option<&'a str>,
    /// `--language`.
    pub lang: Option<&'a str>,
    /// `--publisher`: a publisher's own page (its slug, checked to exist).
    pub publisher: Option<&'a str>,
    /// Today, `YYYY-MM-DD`, for `updated_at`.
    pub today: &'a str,
}

/// The new file: every field the publisher fills in, explained in comments.
fn template(new: &NewRelease, local_time: &str, slug: &str) -> String {
    let p = new.publisher;
    let kinds: Vec<&str> = ReleaseKind::ALL.iter().map(|k| k.id()).collect();
    format!(
        r#"+++
# Made by `newsroom new`. Every field is explained in docs/publishing.md.
# otsikko: the headline, one line.
title = {title}
publisher = "{publisher}"
# julkaisuaika: local time in {zone}. A time in the future is an embargo:
# the release appears by itself at that moment.
published_at = {local_time}
# tyyppi: one of {kinds}.
type = "{kind}"
# kieli: the language of this file (fi, sv, en, ...).
language = "{lang}"
# ingressi: the opening paragraph, plain text. Required.
lead = ""
# asiasanat: keywords, each its own text: ["sote", "Kotka"] (no #, no commas inside one).
keywords = []
# embargo: to give the media list this release before its moment, delete the # below;
# "24h" before published_at (or "90m", "2d"), or a date-time of its own.
# embargo_notice = "24h"
# käännökset: the same release in other languages, by file name without .md.
# translations = ["{slug}-sv"]
# Checked but not published while this line is here; delete it when the release is ready.
draft = true

# Press contacts for this release (the publisher's own contacts are shown anyway):
# [[contacts]]
# name = ""
# title = ""
# phone = ""
# email = ""

# kuvat: put the photo in content/media/ first; `alt` (what it shows) is required.
# [[images]]
# file = "kuva.jpg"
# alt = ""
# caption = ""
# credit = "Kuva: Etunimi Sukunimi"

# liitteet: a PDF in content/media/, with the link's text.
# [[attachments]]
# file = "liite.pdf"
# title = ""
+++

"#,
        title = toml_string(new.title),
        publisher = p.slug,
        zone = p.zone.name(),
        kinds = kinds.join(", "),
        kind = new.kind.id(),
        lang = new.lang.unwrap_or(&p.lang),
        slug = slug,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_transliterate_and_stay_short() {
        assert_eq!(
            file_slug("2026-11-23", "Äänestys: työ & hyvinvointi Åbossa").unwrap(),
            "2026-11-23-aanestys-tyo-hyvinvointi-abossa"
        );
        let long = "sana ".repeat(40);
        let slug = file_slug("2026-11-23", &long).unwrap();
        assert!(slug.len() <= 11 + MAX_TITLE_SLUG && slug.ends_with("sana"), "{slug}");
        assert!(file_slug("2026-11-23", "!!!").is_err());
    }

    #[test]
    fn titles_are_quoted_for_toml() {
        assert_eq!(toml_string(r#"Sanoi "kyllä" \ ei"#), r#""Sanoi \"kyllä\" \\ ei""#);
    }
}
