//! Publisher files, `content/publishers/<slug>.toml`: TOML with `name`, `language` and
//! `time_zone` required; the file name gives the slug.

use super::fields::{Fields, LineError};
use super::{is_language_tag, is_web_url, slug_of, MediaFiles, Publisher};
use contract::model::{Image, License};
use contract::time::parse_zone;

/// Parses a publisher file; `path` gives the slug.
pub fn parse_publisher(path: &str, text: &str, media: &MediaFiles) -> Result<Publisher, Vec<LineError>> {
    let slug = slug_of(path, ".toml").map_err(|e| vec![(1, e)])?;
    let mut f = Fields::parse(text.strip_prefix('\u{feff}').unwrap_or(text), 1).map_err(|e| vec![e])?;
    let name = f.line_text("name", true, 200);
    let description = f.line_text("description", false, 500);
    let boilerplate = f.paragraph("boilerplate", false, super::limits::BOILERPLATE);
    let website = f.string("website", false);
    let lang = f.string("language", true);
    let zone_name = f.string("time_zone", true);
    let contacts = f.contacts("contacts");
    let logo = super::media::logo(&mut f, media);
    let (photos, photo_sources): (Vec<_>, Vec<_>) =
        super::media::images_of(&mut f, media, "photos").into_iter().unzip();
    let (videos, poster_sources): (Vec<_>, Vec<_>) = super::media::videos(&mut f, media).into_iter().unzip();
    let media_terms = f.paragraph("media_terms", false, 500);
    let media_terms_url = f.string("media_terms_url", false);
    if let Some((line, url)) = &media_terms_url {
        if !url.starts_with("https://") || !is_web_url(url) {
            f.error(*line, format!("`media_terms_url` `{url}` is not an https:// URL"));
        } else if media_terms.is_none() {
            f.error(*line, "`media_terms_url` needs `media_terms`, the terms as readers see them");
        }
    }
    let (social, announce) = super::social::channels(&mut f);
    let (hosts_line, hostnames) = f.string_list("hostnames");
    for host in &hostnames {
        if let Err(why) = check_hostname(host) {
            f.error(hosts_line, format!("`hostnames` `{host}` {why}"));
        }
    }

    if let Some((line, url)) = &website {
        if !is_web_url(url) {
            f.error(*line, format!("`website` `{url}` is not an http(s) URL"));
        }
    }
    if let Some((line, tag)) = &lang {
        if !is_language_tag(tag) {
            f.error(*line, format!("`language` `{tag}` is not a language tag such as `fi`, `sv` or `en`"));
        }
    }
    let zone = zone_name.as_ref().and_then(|(line, name)| {
        let zone = parse_zone(name);
        if zone.is_none() {
            f.error(
                *line,
                format!("unknown `time_zone` `{name}`; this build knows Europe/Helsinki (see .cargo/config.toml)"),
            );
        }
        zone
    });
    let terms = media_terms.map(|(_, text)| License { text, url: media_terms_url.map(|u| u.1) });
    let errors = f.finish();
    match (name, lang, zone) {
        (Some((_, name)), Some((_, lang)), Some(zone)) if errors.is_empty() => Ok(Publisher {
            slug,
            name,
            description: description.map(|d| d.1),
            boilerplate: boilerplate.map(|b| b.1),
            website: website.map(|w| w.1),
            logo: logo.as_ref().map(|l| l.0.clone()),
            logo_source: logo.map(|l| l.1),
            path: path.to_string(),
            photos: photos
                .into_iter()
                .map(|i| Image { license: i.license.clone().or_else(|| terms.clone()), ..i })
                .collect(),
            photo_sources,
            // A standing video's captions without `captions_language` are in the publisher's
            // language; its terms are the publisher's unless it has its own.
            videos: videos
                .into_iter()
                .map(|mut v| {
                    if v.captions.lang.is_empty() {
                        v.captions.lang = lang.clone();
                    }
                    v.license = v.license.or_else(|| terms.clone());
                    v
                })
                .collect(),
            poster_sources,
            media_terms: terms,
            lang,
            zone,
            contacts,
            hostnames: hostnames.into_iter().map(|h| (hosts_line, h)).collect(),
            social,
            announce,
        }),
        _ => Err(errors),
    }
}

/// A host name a publisher's newsroom may answer on: lower-case DNS labels, at least two.
fn check_hostname(host: &str) -> Result<(), &'static str> {
    let labels: Vec<&str> = host.split('.').collect();
    let label_ok = |l: &&str| {
        (1..=63).contains(&l.len())
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    match (host.len() <= 253, labels.len() >= 2, labels.iter().all(label_ok)) {
        (true, true, true) => Ok(()),
        _ => Err("is not a host name such as `uutiset.example.fi` (lower case, no scheme, port or path)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_complete_publisher() {
        let text = "name = \"Testi\"\nlanguage = \"fi\"\ntime_zone = \"Europe/Helsinki\"\nwebsite = \"https://example.fi\"\n\n[[contacts]]\nname = \"A B\"\nphone = \"020 1234\"\n";
        let p = parse_publisher("content/publishers/testi.toml", text, &Default::default()).unwrap();
        assert_eq!((p.slug.as_str(), p.name.as_str(), p.contacts.len()), ("testi", "Testi", 1));
    }

    #[test]
    fn hostnames_must_be_host_names() {
        let base = "name = \"Testi\"\nlanguage = \"fi\"\ntime_zone = \"Europe/Helsinki\"\n";
        let ok = format!("{base}hostnames = [\"uutiset.testi.fi\", \"tiedotteet.testi.fi\"]\n");
        let p = parse_publisher("content/publishers/testi.toml", &ok, &Default::default()).expect("valid");
        assert_eq!(p.hostnames, vec![(4, "uutiset.testi.fi".to_string()), (4, "tiedotteet.testi.fi".to_string())]);
        for bad in ["https://uutiset.testi.fi", "Uutiset.testi.fi", "testi", "uutiset.testi.fi:8080", "a..fi"] {
            let text = format!("{base}hostnames = [\"{bad}\"]\n");
            let errors = parse_publisher("content/publishers/testi.toml", &text, &Default::default()).expect_err(bad);
            assert_eq!(errors[0].0, 4, "{bad}");
            assert!(errors[0].1.contains("is not a host name"), "{errors:?}");
        }
    }

    #[test]
    fn every_problem_is_reported() {
        let text = "nme = \"Testi\"\nlanguage = \"FI\"\ntime_zone = \"Mars/Base\"\nwebsite = \"ftp://x\"\n";
        let errors = parse_publisher("content/publishers/testi.toml", text, &Default::default()).unwrap_err();
        let lines: Vec<usize> = errors.iter().map(|e| e.0).collect();
        assert_eq!(lines, vec![1, 1, 2, 3, 4], "{errors:?}");
        assert!(errors.iter().any(|e| e.1.contains("did you mean `name`")));
    }
}
