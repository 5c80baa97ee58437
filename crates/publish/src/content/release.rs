//! `content/releases/**/<slug>.md`: TOML front matter between `+++` fences, then Markdown.

use std::collections::BTreeMap;

use super::fields::{check_text, is_forbidden, is_invisible, Fields, LineError};
use super::frontmatter::split;
use super::{is_language_tag, slug_of, MediaFiles, Publisher, Release};
use contract::model::{Image, Keyword, ReleaseKind};
use contract::slug::{is_valid, slugify};
use contract::time::{parse_shape, parse_time};

/// Largest Markdown body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 512 * 1024;
/// Most keywords on one release.
pub const MAX_KEYWORDS: usize = super::limits::KEYWORDS;

/// Parses a release file; `path` gives the slug, `publishers` resolves `publisher` and its zone.
pub fn parse_release(
    path: &str,
    text: &str,
    publishers: &BTreeMap<String, Publisher>,
    media: &MediaFiles,
) -> Result<Release, Vec<LineError>> {
    let slug = slug_of(path, ".md").map_err(|e| vec![(1, e)])?;
    let parts = split(text).map_err(|e| vec![(1, e.to_string())])?;
    let mut f = Fields::parse(parts.front, parts.front_line).map_err(|e| vec![e])?;
    let body_line = parts.front_line + parts.front.matches('\n').count() + 1;

    let title = f.line_text("title", true, super::limits::TITLE);
    let publisher_slug = f.string("publisher", true);
    let published_at = f.time("published_at", true);
    let updated_at = f.time("updated_at", false);
    let embargo_notice = f.time("embargo_notice", false);
    let correction = f.paragraph("correction", false, super::limits::CORRECTION);
    let kind_id = f.string("type", false);
    let lang = f.string("language", false);
    let lead = f.paragraph("lead", true, super::limits::LEAD);
    let lead_only = f.flag("lead_only");
    let draft = f.flag("draft");
    let translations = f.string_list("translations");
    if let Some(bad) = translations.1.iter().find(|s| !contract::slug::is_valid(s)) {
        f.error(translations.0, format!("translation `{bad}` is not a release slug (its file name without `.md`)"));
    }
    let keywords = keywords(&mut f);
    let contacts = f.contacts("contacts");
    let (images, image_sources): (Vec<_>, Vec<_>) = super::media::images(&mut f, media).into_iter().unzip();
    let attachments = super::media::attachments(&mut f, media);
    let (videos, poster_sources): (Vec<_>, Vec<_>) = super::media::videos(&mut f, media).into_iter().unzip();

    let publisher = super::named_publisher(&publisher_slug, publishers, &mut f);
    let kind = match &kind_id {
        None => Some(ReleaseKind::Tiedote),
        Some((line, id)) => ReleaseKind::from_id(id).or_else(|| {
            let ids: Vec<&str> = ReleaseKind::ALL.iter().map(|k| k.id()).collect();
            f.error(*line, format!("unknown `type` `{id}`; use one of {}", ids.join(", ")));
            None
        }),
    };
    if let Some((line, tag)) = &lang {
        if !is_language_tag(tag) {
            f.error(*line, format!("`language` `{tag}` is not a language tag such as `fi`, `sv` or `en`"));
        }
    }
    let zone = publisher.map(|p| p.zone);
    let time = |field: &Option<(usize, String)>, f: &mut Fields| {
        let (line, text) = field.as_ref()?;
        let parsed = match zone {
            Some(zone) => parse_time(text, zone).map(Some),
            // Unknown publisher (reported above): still report a malformed time.
            None => parse_shape(text).map(|_| None),
        };
        parsed.unwrap_or_else(|e| {
            f.error(*line, e.to_string());
            None
        })
    };
    let published = time(&published_at, &mut f);
    let updated = time(&updated_at, &mut f);
    if let (Some(p), Some(u), Some((line, _))) = (&published, &updated, &updated_at) {
        if u.at < p.at {
            f.error(*line, "`updated_at` is before `published_at`");
        }
    }
    let notice = match &embargo_notice {
        None => None,
        Some((line, text)) => match (notice_ahead(text), &published) {
            (Some(Ok(ahead)), Some(p)) => Some(p.at - ahead),
            (Some(Err(e)), _) => {
                f.error(*line, e);
                None
            }
            (Some(Ok(_)), None) => None,
            (None, _) if parse_shape(text).is_err() => {
                let message = format!(
                    "`embargo_notice` `{text}` is neither a time ahead of `published_at` (`\"24h\"`, `\"90m\"`, \
                     `\"2d\"`) nor a date-time such as 2026-12-09T10:00:00"
                );
                f.error(*line, message);
                None
            }
            (None, p) => time(&embargo_notice, &mut f).map(|n| {
                if p.as_ref().is_some_and(|p| n.at >= p.at) {
                    f.error(*line, "`embargo_notice` must be before `published_at`: it is when journalists hear of it");
                }
                n.at
            }),
        },
    };
    if let (Some((line, _)), None) = (&correction, &updated_at) {
        f.error(*line, "a `correction` needs `updated_at`: the time the release was corrected");
    }
    check_body(parts.body, body_line, lead_only, &mut f);

    let errors = f.finish();
    match (title, publisher, published, kind, lead) {
        (Some((_, title)), Some(publisher), Some(published), Some(kind), Some((_, lead))) if errors.is_empty() => {
            Ok(Release {
                slug,
                path: path.to_string(),
                title,
                publisher: publisher.slug.clone(),
                published,
                updated,
                correction: correction.map(|c| c.1),
                kind,
                lang: lang.as_ref().map_or_else(|| publisher.lang.clone(), |l| l.1.clone()),
                lead,
                lead_only,
                body: parts.body.trim().to_string(),
                keywords,
                contacts,
                draft,
                translations,
                // An image without `license` of its own is under its publisher's terms.
                images: images
                    .into_iter()
                    .map(|i| Image { license: i.license.clone().or_else(|| publisher.media_terms.clone()), ..i })
                    .collect(),
                image_sources,
                attachments,
                // Captions without `captions_language` are in the release's language; a
                // video's terms, as an image's, are its publisher's unless it has its own.
                videos: videos
                    .into_iter()
                    .map(|mut v| {
                        if v.captions.lang.is_empty() {
                            v.captions.lang = lang.as_ref().map_or_else(|| publisher.lang.clone(), |l| l.1.clone());
                        }
                        v.license = v.license.or_else(|| publisher.media_terms.clone());
                        v
                    })
                    .collect(),
                poster_sources,
                embargo_notice: notice,
                moment_lines: (published_at.as_ref().map_or(1, |p| p.0), embargo_notice.as_ref().map_or(0, |n| n.0)),
            })
        }
        _ => Err(errors),
    }
}

/// Keywords: labels as written, each with a slug; duplicates and unusable labels are errors.
/// `embargo_notice` as a time ahead of the moment (`"24h"`, `"90m"`, `"2d"`): `None` when
/// it is not of that shape (then it must be a date-time), an error when it is but out of
/// range (a minute to 30 days).
fn notice_ahead(text: &str) -> Option<Result<chrono::Duration, String>> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase();
    let split = compact.find(|c: char| !c.is_ascii_digit())?;
    let (digits, unit) = compact.split_at(split);
    if !unit.chars().all(char::is_alphabetic) {
        return None;
    }
    // `24h`, `24 h`, `90 min`, `2d`; and in Finnish `24 t`, `24 tuntia`, `2 pv`, `2 päivää`.
    let per_unit = match unit {
        "m" | "min" | "minuuttia" => 1,
        "h" | "t" | "tuntia" | "hours" => 60,
        "d" | "pv" | "päivää" | "days" => 24 * 60,
        _ if digits.is_empty() => return None,
        _ => {
            return Some(Err(format!(
                "`embargo_notice` `{text}`: write the time ahead as `\"24h\"` (hours), `\"90m\"` (minutes) or \
                 `\"2d\"` (days), or give the moment itself as a date-time"
            )))
        }
    };
    if digits.is_empty() {
        return None;
    }
    let minutes = digits.parse::<i64>().ok().map(|n| n.saturating_mul(per_unit));
    Some(match minutes {
        Some(m) if (1..=30 * 24 * 60).contains(&m) => Ok(chrono::Duration::minutes(m)),
        _ => Err(format!("`embargo_notice` `{text}` must be from 1m to 30d before `published_at`")),
    })
}

fn keywords(f: &mut Fields) -> Vec<Keyword> {
    let (line, labels) = f.string_list("keywords");
    if labels.len() > MAX_KEYWORDS {
        f.error(line, format!("{} keywords; the limit is {MAX_KEYWORDS}", labels.len()));
        return Vec::new();
    }
    let mut out: Vec<Keyword> = Vec::new();
    for label in labels {
        let slug = slugify(&label);
        if let Err(why) = check_text(&label, super::limits::KEYWORD, false) {
            f.error(line, format!("keyword `{label}` {why}"));
        } else if let Some(why) = keyword_mistake(&label) {
            f.error(line, why);
        } else if !is_valid(&slug) {
            f.error(line, format!("keyword `{label}` has no letters or digits"));
        } else if out.iter().any(|k| k.slug == slug) {
            f.error(line, format!("keyword `{label}` appears twice (as `{slug}`)"));
        } else {
            out.push(Keyword { slug, label: label.trim().to_string() });
        }
    }
    out
}

/// What people get wrong in a keyword, and what to write instead: a hashtag, several
/// keywords in one string, an invisible character (which would make a second keyword page
/// that looks the same), an emoji (which a shared keyword page would carry as its label).
/// Other punctuation is the publisher's to choose (`R&D`, `K. H. Renlund`) and is escaped
/// wherever it is shown.
fn keyword_mistake(label: &str) -> Option<String> {
    let trimmed = label.trim();
    if let Some(word) = trimmed.strip_prefix('#') {
        return Some(format!("keyword `{label}`: write it without `#`, as `\"{}\"`", word.trim()));
    }
    if trimmed.contains(',') {
        let parts: Vec<String> =
            trimmed.split(',').map(str::trim).filter(|p| !p.is_empty()).map(|p| format!("\"{p}\"")).collect();
        return Some(format!(
            "keyword `{label}` holds several keywords: give each its own string, `[{}]`",
            parts.join(", ")
        ));
    }
    if let Some(c) = trimmed.chars().find(|&c| is_invisible(c)) {
        return Some(format!(
            "keyword `{label}` contains an invisible character (U+{:04X}), which would make a second keyword page \
             that looks the same: type the keyword again",
            c as u32
        ));
    }
    if let Some(c) = trimmed.chars().find(|&c| is_emoji(c)) {
        return Some(format!(
            "keyword `{label}` contains `{c}`: a keyword is a word or a name, shown as the title of its page; \
             write it without emoji"
        ));
    }
    None
}

/// Emoji and pictographs (and the selector that makes a character one): the blocks people
/// pick them from on phones.
fn is_emoji(c: char) -> bool {
    matches!(c,
        '\u{1F000}'..='\u{1FAFF}' | '\u{2600}'..='\u{27BF}' | '\u{2B00}'..='\u{2BFF}' | '\u{2300}'..='\u{23FF}'
        | '\u{FE0F}' | '\u{20E3}')
}

fn check_body(body: &str, body_line: usize, lead_only: bool, f: &mut Fields) {
    if body.len() > MAX_BODY_BYTES {
        f.error(body_line, format!("the body is {} bytes; the limit is {MAX_BODY_BYTES}", body.len()));
    }
    for (i, line) in body.lines().enumerate() {
        if let Some(c) = line.chars().find(|&c| c != '\t' && is_forbidden(c, true)) {
            f.error(body_line + i, format!("the body contains the forbidden character U+{:04X}", c as u32));
        }
    }
    let empty = body.trim().is_empty();
    if lead_only && !empty {
        f.error(body_line, "`lead_only = true` releases have no body: the lead is all the source gave");
    } else if !lead_only && empty {
        f.error(body_line, "the body is empty; write the release below the closing `+++`, or set `lead_only = true`");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::parse_publisher;
    use chrono::DateTime;

    fn publishers() -> BTreeMap<String, Publisher> {
        let p = parse_publisher(
            "p/testi.toml",
            "name = \"Testi\"\nlanguage = \"fi\"\ntime_zone = \"Europe/Helsinki\"\n",
            &Default::default(),
        )
        .unwrap();
        BTreeMap::from([(p.slug.clone(), p)])
    }

    const GOOD: &str = "+++\ntitle = \"Otsikko\"\npublisher = \"testi\"\npublished_at = 2025-06-25T10:02:11\nlead = \"Ingressi.\"\nkeywords = [\"Sote\", \"hyvinvointialue\"]\n+++\n\nLeipäteksti.\n";

    #[test]
    fn a_good_release() {
        let r = parse_release("content/releases/otsikko.md", GOOD, &publishers(), &Default::default()).unwrap();
        assert_eq!(r.slug, "otsikko");
        assert_eq!(contract::time::display(&r.published), "25.6.2025 10:02:11 EEST");
        assert_eq!(r.lang, "fi");
        assert_eq!(r.kind, ReleaseKind::Tiedote);
        assert_eq!(r.keywords[0], Keyword { slug: "sote".into(), label: "Sote".into() });
        assert_eq!(r.body, "Leipäteksti.");
    }

    #[test]
    fn an_embargo_notice_is_a_time_ahead_or_a_date_time_before_the_moment() {
        let with = |notice: &str| GOOD.replace("lead = ", &format!("embargo_notice = {notice}\nlead = "));
        let parse =
            |notice: &str| parse_release("content/releases/x.md", &with(notice), &publishers(), &Default::default());
        let moment = DateTime::parse_from_rfc3339("2025-06-25T10:02:11+03:00").unwrap();
        for (notice, hours) in [
            ("\"24h\"", 24),
            ("\"24 h\"", 24),
            ("\"24 tuntia\"", 24),
            ("\"90m\"", 1),
            ("\"90 min\"", 1),
            ("\"2d\"", 48),
            ("\"2 pv\"", 48),
            ("2025-06-24T10:02:11", 24),
            ("\"24.6.2025 klo 10.02\"", 24),
        ] {
            let r = parse(notice).unwrap();
            let ahead = moment - r.embargo_notice.expect("a notice");
            assert_eq!(ahead.num_hours(), hours, "{notice}");
        }
        for (notice, words) in [
            ("\"0h\"", "from 1m to 30d"),
            ("\"31d\"", "from 1m to 30d"),
            ("2025-06-25T10:02:11", "must be before `published_at`"),
            ("\"soon\"", "`\"24h\"`"),
            ("\"24 hours ahead\"", "write the time ahead as"),
            ("true", "must be a date-time"),
        ] {
            let errors = parse(notice).unwrap_err();
            assert_eq!(errors.len(), 1, "{notice}: {errors:?}");
            assert_eq!(errors[0].0, 5, "{notice}: the line of the field");
            assert!(errors[0].1.contains(words), "{notice}: {errors:?}");
        }
    }

    #[test]
    fn keywords_people_get_wrong_are_refused_with_what_to_write() {
        let with = |keywords: &str| GOOD.replace("[\"Sote\", \"hyvinvointialue\"]", keywords);
        for (keywords, says) in [
            ("[\"#sote\"]", "write it without `#`, as `\"sote\"`"),
            ("[\"Kotka, Hamina, Kouvola\"]", "`[\"Kotka\", \"Hamina\", \"Kouvola\"]`"),
            ("[\"sote 🎉\"]", "contains `🎉`"),
            ("[\"🎉\"]", "contains `🎉`"),
            ("[\"sote ❤️\"]", "contains `❤`"),
            ("[\"so\u{200B}te\"]", "invisible character (U+200B)"),
        ] {
            let errors = parse_release("x.md", &with(keywords), &publishers(), &Default::default()).unwrap_err();
            assert_eq!(errors.len(), 1, "{keywords}: {errors:?}");
            assert_eq!(errors[0].0, 6, "{keywords}: the keywords line");
            assert!(errors[0].1.contains(says), "{keywords}: {errors:?}");
        }
        let fine = with("[\"Kymenlaakso\", \"sote-uudistus\", \"K. H. Renlund\", \"R&D\", \"Hamina–Kotka\", \"C#\"]");
        let r = parse_release("x.md", &fine, &publishers(), &Default::default());
        assert!(r.is_ok(), "{r:?}");
    }

    #[test]
    fn every_problem_has_its_line() {
        let text = "+++\ntitel = \"Otsikko\"\npublisher = \"nobody\"\npublished_at = \"yesterday\"\nlead = \"\"\ntype = \"memo\"\n+++\n\n";
        let errors = parse_release("content/releases/x.md", text, &publishers(), &Default::default()).unwrap_err();
        let got: Vec<(usize, bool)> = errors.iter().map(|(l, m)| (*l, m.is_empty())).collect();
        assert_eq!(got.iter().map(|g| g.0).collect::<Vec<_>>(), vec![2, 2, 3, 4, 5, 6, 8], "{errors:#?}");
        let text_of = |line| errors.iter().find(|e| e.0 == line).unwrap().1.clone();
        assert!(text_of(3).contains("unknown publisher `nobody`; known: testi"));
        assert!(text_of(6).contains("unknown `type` `memo`"));
        assert!(errors.iter().any(|e| e.1.contains("did you mean `title`")));
    }

    #[test]
    fn lead_only_must_have_no_body_and_times_are_ordered() {
        let text = GOOD.replace("+++\n\n", "lead_only = true\nupdated_at = 2025-01-01\n+++\n\n");
        let errors = parse_release("content/releases/x.md", &text, &publishers(), &Default::default()).unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].1.contains("before `published_at`"));
        assert!(errors[1].1.contains("lead_only"));
        assert_eq!(errors[1].0, 10);
    }

    #[test]
    fn structural_problems() {
        assert_eq!(parse_release("x.md", "no fences", &publishers(), &Default::default()).unwrap_err()[0].0, 1);
        let errors = parse_release("x.md", "+++\ntitle = \"a\n+++\n", &publishers(), &Default::default()).unwrap_err();
        assert!(errors[0].1.starts_with("invalid TOML"), "{errors:?}");
        let dup = GOOD.replace("[\"Sote\", \"hyvinvointialue\"]", "[\"Sote\", \"sote\"]");
        assert!(parse_release("x.md", &dup, &publishers(), &Default::default()).unwrap_err()[0].1.contains("twice"));
        let ctrl = GOOD.replace("Leipäteksti.", "Leipä\u{1b}teksti.");
        assert_eq!(parse_release("x.md", &ctrl, &publishers(), &Default::default()).unwrap_err()[0].0, 9);
    }
}
