//! `content/pages/<slug>.md`: pages that are not releases (the accessibility statement, the
//! privacy notice, "about"), TOML front matter between `+++` fences, then Markdown, checked
//! like releases; and what a site still lacks before it is ready for production.

use std::collections::BTreeMap;

use super::fields::{is_forbidden, Fields, LineError};
use super::frontmatter::split;
use super::{is_language_tag, slug_of, Diagnostic, Publisher, SourceFile};
use contract::model::Timestamp;
use contract::pages::PageRole;
use contract::time::parse_time;

/// Largest Markdown body of a page accepted, in bytes.
pub const MAX_PAGE_BYTES: usize = 256 * 1024;

/// A placeholder a template leaves for what only the publisher knows:
/// `<<täydennä: rekisterinpitäjän nimi>>`.
const PLACEHOLDER_OPEN: &str = "<<";
const PLACEHOLDER_CLOSE: &str = ">>";

/// A content page as written in its Markdown file.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// Slug, from the file name: the page is at `/pages/{slug}`.
    pub slug: String,
    /// File it came from.
    pub path: String,
    /// `title`: one line, at most 200 characters.
    pub title: String,
    /// `language`: the text's language (or its publisher's default).
    pub lang: String,
    /// `role`: the required page it is (`accessibility-statement`, `privacy-notice`).
    pub role: Option<PageRole>,
    /// `publisher`: the publisher whose own page it is (its own host shows it); `None` for
    /// the whole site's.
    pub publisher: Option<String>,
    /// `updated_at`: when the text last changed (a date is enough).
    pub updated: Timestamp,
    /// Linked from every page's footer: `footer = true`, and always for a required page.
    pub footer: bool,
    /// `translations`: slugs of the same page in other languages, with their line.
    pub translations: (usize, Vec<String>),
    /// The Markdown after the closing `+++`, trimmed.
    pub body: String,
    /// Each placeholder left in the file, with its line: `check` warns while any remains.
    pub placeholders: Vec<(usize, String)>,
}

/// Parses a page file; `path` gives the slug, `publishers` resolves `publisher`.
pub fn parse_page(path: &str, text: &str, publishers: &BTreeMap<String, Publisher>) -> Result<Page, Vec<LineError>> {
    let slug = slug_of(path, ".md").map_err(|e| vec![(1, e)])?;
    let parts = split(text).map_err(|e| vec![(1, e.to_string().replace("a release", "a page"))])?;
    let mut f = Fields::parse(parts.front, parts.front_line).map_err(|e| vec![e])?;
    let body_line = parts.front_line + parts.front.matches('\n').count() + 1;

    let title = f.line_text("title", true, 200);
    let lang = f.string("language", false);
    let role_id = f.string("role", false);
    let publisher_slug = f.string("publisher", false);
    let updated_at = f.time("updated_at", true);
    let footer = f.maybe_flag("footer");
    let translations = f.string_list("translations");
    if let Some(bad) = translations.1.iter().find(|s| !contract::slug::is_valid(s)) {
        f.error(translations.0, format!("translation `{bad}` is not a page slug (its file name without `.md`)"));
    }
    let publisher = super::named_publisher(&publisher_slug, publishers, &mut f);
    let role = role_id.as_ref().and_then(|(line, id)| {
        PageRole::from_id(id).or_else(|| {
            let ids: Vec<&str> = PageRole::ALL.iter().map(|r| r.id()).collect();
            f.error(*line, format!("unknown `role` `{id}`; use one of {}, or leave it out", ids.join(", ")));
            None
        })
    });
    if let (Some(role), Some((line, false))) = (role, footer) {
        f.error(
            line,
            format!(
                "a page with `role = \"{}\"` is linked from every page's footer, as the law asks: remove \
                 `footer = false`",
                role.id()
            ),
        );
    }
    let lang = match (&lang, publisher) {
        (Some((line, tag)), _) if !is_language_tag(tag) => {
            f.error(*line, format!("`language` `{tag}` is not a language tag such as `fi`, `sv` or `en`"));
            None
        }
        (Some((_, tag)), _) => Some(tag.clone()),
        (None, Some(p)) => Some(p.lang.clone()),
        (None, None) => {
            let line = f.first_line();
            f.error(line, "missing `language`: write the language of the text, e.g. `language = \"fi\"`");
            None
        }
    };
    let zone = publisher.map_or(chrono_tz::Europe::Helsinki, |p| p.zone);
    let updated = updated_at
        .as_ref()
        .and_then(|(line, text)| parse_time(text, zone).map_err(|e| f.error(*line, e.to_string())).ok());
    check_body(parts.body, body_line, &mut f);

    let errors = f.finish();
    match (title, lang, updated) {
        (Some((_, title)), Some(lang), Some(updated)) if errors.is_empty() => Ok(Page {
            slug,
            path: path.to_string(),
            title,
            lang,
            role,
            publisher: publisher.map(|p| p.slug.clone()),
            updated,
            footer: role.is_some() || footer.is_some_and(|(_, on)| on),
            translations,
            body: parts.body.trim().to_string(),
            placeholders: placeholders(text),
        }),
        _ => Err(errors),
    }
}

fn check_body(body: &str, body_line: usize, f: &mut Fields) {
    if body.len() > MAX_PAGE_BYTES {
        f.error(body_line, format!("the text is {} bytes; the limit is {MAX_PAGE_BYTES}", body.len()));
    }
    for (i, line) in body.lines().enumerate() {
        if let Some(c) = line.chars().find(|&c| c != '\t' && is_forbidden(c, true)) {
            f.error(body_line + i, format!("the text contains the forbidden character U+{:04X}", c as u32));
        }
    }
    if body.trim().is_empty() {
        f.error(body_line, "the page has no text: write it below the closing `+++`");
    }
}

/// Each `<<…>>` in `text` but in front-matter comments (a template's own explanation
/// may show one), with its 1-based line.
fn placeholders(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut fences = 0;
    for (i, line) in text.lines().enumerate() {
        if line.trim_end() == "+++" {
            fences += 1;
        }
        if fences == 1 && line.trim_start().starts_with('#') {
            continue;
        }
        let mut rest = line;
        while let Some(open) = rest.find(PLACEHOLDER_OPEN) {
            let after = &rest[open + PLACEHOLDER_OPEN.len()..];
            let Some(close) = after.find(PLACEHOLDER_CLOSE) else { break };
            found.push((i + 1, format!("{PLACEHOLDER_OPEN}{}{PLACEHOLDER_CLOSE}", &after[..close])));
            rest = &after[close + PLACEHOLDER_CLOSE.len()..];
        }
    }
    found
}

/// Parses every page file and checks them together: slugs, translations both ways in
/// other languages, one page of each role per language and owner.
pub fn load_pages(
    files: &[SourceFile],
    publishers: &BTreeMap<String, Publisher>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Page> {
    let mut pages: Vec<Page> = Vec::new();
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for file in files {
        // Duplicates are found by file name (`x.md` and `vanhat/x.MD` are one address).
        if let Ok(slug) = slug_of(&file.path, ".md") {
            if let Some(first) = seen.insert(slug.clone(), &file.path) {
                let message =
                    format!("duplicate page `{slug}`: {first} has the same file name (one address, /pages/{slug})");
                diags.push(Diagnostic { path: file.path.clone(), line: 1, message });
                continue;
            }
        }
        match parse_page(&file.path, &file.text, publishers) {
            Ok(page) => pages.push(page),
            Err(errors) => diags.extend(errors.into_iter().map(|(line, message)| Diagnostic {
                path: file.path.clone(),
                line,
                message,
            })),
        }
    }
    let mut role_of: BTreeMap<(PageRole, String, Option<String>), &str> = BTreeMap::new();
    for p in &pages {
        if let Some(role) = p.role {
            let primary = p.lang.split('-').next().unwrap_or("").to_string();
            if let Some(first) = role_of.insert((role, primary, p.publisher.clone()), &p.path) {
                let message = format!(
                    "{first} is already the `{}` in `{}` of {}: the footer and the mails link one, so give this \
                     page another role or remove one of them",
                    role.id(),
                    p.lang,
                    p.publisher.as_deref().map_or("the site".to_string(), |s| format!("publisher `{s}`"))
                );
                diags.push(Diagnostic { path: p.path.clone(), line: 1, message });
            }
        }
    }
    let by_slug: BTreeMap<&str, &Page> = pages.iter().map(|p| (p.slug.as_str(), p)).collect();
    for p in &pages {
        let (line, slugs) = &p.translations;
        for slug in slugs {
            let message = match by_slug.get(slug.as_str()) {
                _ if slug == &p.slug => format!("`translations` names this page itself (`{slug}`)"),
                None if files.iter().any(|f| slug_of(&f.path, ".md").is_ok_and(|s| &s == slug)) => continue,
                None => format!("translation `{slug}` is not a page in content/pages"),
                Some(t) if t.lang == p.lang => {
                    format!("translation `{slug}` is in the same language (`{}`) as this page", p.lang)
                }
                Some(_) => continue,
            };
            diags.push(Diagnostic { path: p.path.clone(), line: *line, message });
        }
    }
    pages.sort_by(|a, b| a.slug.cmp(&b.slug));
    pages
}

/// The required pages a site lacks, each at the file to write: no accessibility statement
/// in Finnish and Swedish (306/2019 asks for both), no privacy notice in Finnish and in each
/// other language releases are published in (subscribers and journalists are told at
/// collection, GDPR Article 13). A deployment without them is not ready for production.
pub fn missing_pages(pages: &[Page], release_langs: &[&str]) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let has = |role: PageRole, lang: &str| {
        pages.iter().any(|p| p.role == Some(role) && p.publisher.is_none() && p.lang.split('-').next() == Some(lang))
    };
    let statement = [("fi", "saavutettavuusseloste", "Finnish"), ("sv", "tillganglighetsutlatande", "Swedish")];
    for (lang, slug, name) in statement {
        if !has(PageRole::AccessibilityStatement, lang) {
            found.push(Diagnostic {
                path: format!("content/pages/{slug}.md"),
                line: 1,
                message: format!(
                    "the site has no accessibility statement in {name} (required of a public body by the Act on \
                     the Provision of Digital Services 306/2019): write it with `newsroom new page {slug}`; a \
                     deployment without one is not ready for production"
                ),
            });
        }
    }
    let mut notice_langs = vec!["fi"];
    notice_langs.extend(release_langs.iter().filter_map(|l| l.split('-').next()).filter(|l| *l != "fi"));
    notice_langs.sort();
    notice_langs.dedup();
    for lang in notice_langs {
        if !has(PageRole::PrivacyNotice, lang) {
            let (slug, name) = match lang {
                "fi" => ("tietosuojaseloste", "Finnish"),
                "sv" => ("dataskyddsbeskrivning", "Swedish"),
                "en" => ("privacy-notice", "English"),
                _ => ("privacy-notice", lang),
            };
            found.push(Diagnostic {
                path: format!("content/pages/{slug}.md"),
                line: 1,
                message: format!(
                    "the site has no privacy notice in {name}, which subscribers and journalists must be shown \
                     where their addresses are collected (GDPR Article 13): write it with `newsroom new page \
                     {slug}`; a deployment without one is not ready for production"
                ),
            });
        }
    }
    found
}

/// A warning for each page with placeholders a template left, at the first of them (never
/// an error, even under `--strict`: an unfinished statement must not hold up a release).
pub fn placeholders_left(pages: &[Page]) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for p in pages {
        // One warning a page, at its first placeholder: a template leaves a dozen.
        if let Some((line, text)) = p.placeholders.first() {
            let more = match p.placeholders.len() - 1 {
                0 => String::new(),
                n => format!(" (and {n} more placeholder{} below)", if n == 1 { "" } else { "s" }),
            };
            found.push(Diagnostic {
                path: p.path.clone(),
                line: *line,
                message: format!(
                    "`{text}`{more} is still to be filled in: write your organisation's own text in its place"
                ),
            });
        }
    }
    found
}

#[cfg(test)]
mod tests;
