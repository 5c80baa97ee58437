//! `newsroom editor-config`: the browser editor's configuration (Decap CMS, served at
//! `/admin/`), written from the content model so the form and `newsroom check` never
//! disagree: the same fields, the same length limits, the same release types, the file
//! names `newsroom new` gives, and the keywords already in use offered in the form.
//!
//! The output is JSON, which is also YAML, so Decap reads it as its `config.yml`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use contract::model::ReleaseKind;
use contract::social::Platform;
use contract::time::parse_time;
use publish::content::{frontmatter, limits};
use serde_json::{json, Value};

/// Where the editor saves, on GitHub and locally.
pub struct Target<'a> {
    /// `owner/name` of the repository the editor opens pull requests on.
    pub repo: &'a str,
    /// Its default branch, which `publish.yml` publishes from.
    pub branch: &'a str,
    /// The origin of the sign-in endpoint (the readers' Worker: `/admin/auth`), if any.
    pub auth_origin: Option<&'a str>,
}

/// The editor's configuration for `content`, as JSON text.
pub fn config(content: &Path, target: &Target<'_>, now: DateTime<Utc>) -> Result<String> {
    // Publishers that do not check offer no keywords (their releases' times cannot be read).
    let zones: BTreeMap<String, Tz> = crate::files::load_publishers(content)
        .map(|found| found.into_iter().map(|(slug, p)| (slug, p.zone)).collect())
        .unwrap_or_default();
    let keywords = keywords_in_use(&content.join("releases"), &zones, now)?;
    let mut backend = json!({
        "name": "github",
        "repo": target.repo,
        "branch": target.branch,
        "squash_merges": true,
        // preview.yml's commit status, linking its comment with each release's preview.
        "preview_context": "newsroom/preview",
        "cms_label_prefix": "editori/",
        "commit_messages": {
            "create": "Uusi {{collection}}: {{slug}} (selaineditori)",
            "update": "Muokattu {{collection}}: {{slug}} (selaineditori)",
            "delete": "Poistettu {{collection}}: {{slug}} (selaineditori)",
            "uploadMedia": "Kuva tai liite {{path}} (selaineditori)",
            "deleteMedia": "Poistettu tiedosto {{path}} (selaineditori)",
        },
    });
    if let Some(origin) = target.auth_origin {
        backend["base_url"] = json!(origin);
        backend["auth_endpoint"] = json!("admin/auth");
    }
    let config = json!({
        "backend": backend,
        // Pull requests: draft → in review → ready; merging publishes (publish.yml).
        "publish_mode": "editorial_workflow",
        // On 127.0.0.1 the editor writes into the working copy through `decap-server`
        // (make dev starts it); anywhere else it signs in to GitHub.
        "local_backend": { "url": "http://127.0.0.1:8081/api/v1", "allowed_hosts": ["127.0.0.1", "localhost"] },
        "locale": "fi",
        "media_folder": "content/media",
        "public_folder": "",
        "slug": { "encoding": "ascii", "clean_accents": true, "sanitize_replacement": "-" },
        "collections": [releases(&keywords), publishers()],
    });
    serde_json::to_string_pretty(&config).context("the editor configuration")
}

/// The release form, field by field as docs/publishing.md's table names them.
fn releases(keywords: &BTreeSet<String>) -> Value {
    let kinds: Vec<Value> =
        ReleaseKind::ALL.iter().map(|k| json!({ "label": capitalised(k.id()), "value": k.id() })).collect();
    let offered = if keywords.is_empty() {
        "Yksi asiasana kerrallaan (Lisää asiasana), ilman #-merkkiä.".to_string()
    } else {
        let list: Vec<&str> = keywords.iter().map(String::as_str).collect();
        format!("Yksi asiasana kerrallaan, ilman #-merkkiä. Käytössä olevat: {}.", list.join(", "))
    };
    json!({
        "name": "releases",
        "label": "Tiedotteet",
        "label_singular": "tiedote",
        "description": "Tiedotteet, uutiset ja artikkelit. Tallennus avaa muutospyynnön; julkaisu tapahtuu, kun se yhdistetään.",
        "folder": "content/releases",
        "extension": "md",
        "format": "toml-frontmatter",
        "frontmatter_delimiter": "+++",
        "create": true,
        // As `newsroom new` names files: the publishing day, then the title's words, cut to
        // keep the name within contract's 120 characters (the cut's `-` is trimmed).
        "slug": "{{published_at | date('YYYY-MM-DD')}}-{{slug | truncate(90, '-')}}",
        "identifier_field": "title",
        "summary": "{{published_at | date('D.M.YYYY')}} {{title}}",
        "sortable_fields": ["published_at", "title"],
        "fields": [
            text_field("title", "Otsikko", "Yksi rivi.", true, limits::TITLE, false),
            {
                "name": "publisher", "label": "Julkaisija", "widget": "relation", "collection": "publishers",
                "value_field": "{{slug}}", "search_fields": ["name"], "display_fields": ["name"],
            },
            {
                "name": "published_at", "label": "Julkaisuaika", "widget": "datetime",
                "format": "YYYY-MM-DDTHH:mm:ss", "picker_utc": true,
                "hint": "Julkaisijan aikaa (Suomessa Suomen aikaa): kirjoita päivä ja kellonaika; Nyt-painike antaa UTC-ajan. Tuleva aika on embargo: tiedote tulee näkyviin itsestään sillä hetkellä.",
            },
            { "name": "type", "label": "Tyyppi", "widget": "select", "options": kinds, "default": "tiedote" },
            {
                "name": "language", "label": "Kieli", "widget": "string", "required": false,
                "hint": "fi, sv, en… Tyhjä: julkaisijan kieli.",
                "pattern": ["^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", "kielikoodi, esimerkiksi fi, sv tai en."],
            },
            text_field("lead", "Ingressi", "Avauskappale, pelkkää tekstiä.", true, limits::LEAD, true),
            { "name": "lead_only", "label": "Vain ingressi", "widget": "boolean", "required": false,
              "hint": "Päälle, kun tiedotteessa on vain ingressi eikä leipätekstiä." },
            {
                "name": "keywords", "label": "Asiasanat", "label_singular": "asiasana", "widget": "list",
                "required": false, "hint": offered, "max": limits::KEYWORDS,
                "field": { "name": "keyword", "label": "Asiasana", "widget": "string",
                           "pattern": [format!("^[^,#\\n]{{1,{}}}$", limits::KEYWORD),
                                       format!("yksi asiasana, enintään {} merkkiä, ilman pilkkuja ja #-merkkiä.", limits::KEYWORD)] },
            },
            contacts(),
            {
                "name": "images", "label": "Kuvat", "label_singular": "kuva", "widget": "list", "required": false,
                "summary": "{{fields.alt}}",
                "fields": [
                    { "name": "file", "label": "Kuvatiedosto", "widget": "image", "choose_url": false,
                      "hint": "JPEG, PNG, WebP tai GIF. Sijainti- ja laitetiedot poistetaan julkaistaessa." },
                    text_field("alt", "Kuvaus (alt-teksti)", "Mitä kuvassa näkyy, lukijalle joka ei näe kuvaa. Pakollinen.", true, limits::ALT, false),
                    text_field("caption", "Kuvateksti", "", false, limits::CAPTION, false),
                    text_field("credit", "Kuvaaja", "Esimerkiksi Kuva: Etunimi Sukunimi.", false, limits::CREDIT, false),
                    { "name": "license", "label": "Käyttöehdot", "widget": "string", "required": false,
                      "hint": "Vain kun tämän kuvan ehdot poikkeavat julkaisijan ehdoista." },
                    { "name": "license_url", "label": "Käyttöehtojen osoite", "widget": "string", "required": false,
                      "pattern": ["^https://\\S+$", "https://-alkuinen osoite."] },
                ],
            },
            {
                "name": "attachments", "label": "Liitteet", "label_singular": "liite", "widget": "list", "required": false,
                "summary": "{{fields.title}}",
                "fields": [
                    { "name": "file", "label": "PDF-tiedosto", "widget": "file", "choose_url": false,
                      "pattern": ["\\.pdf$", "liitteen pitää olla PDF-tiedosto."] },
                    { "name": "title", "label": "Linkin teksti", "widget": "string" },
                ],
            },
            {
                "name": "translations", "label": "Käännökset", "widget": "relation", "collection": "releases",
                "value_field": "{{slug}}", "search_fields": ["title"], "display_fields": ["title"], "multiple": true,
                "required": false, "hint": "Sama tiedote muilla kielillä. Anna niille sama julkaisuaika.",
            },
            {
                "name": "embargo_notice", "label": "Embargoilmoitus", "widget": "string", "required": false,
                "hint": "Milloin medialista saa tiedotteen embargolla: 24h (tai 90m, 2d) ennen julkaisuaikaa, tai päivämäärä ja kellonaika.",
                "pattern": ["^(\\d+[mhd]|\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(:\\d{2})?|\\d{1,2}\\.\\d{1,2}\\.\\d{4} klo \\d{1,2}[.:]\\d{2})$",
                            "esimerkiksi 24h, 90m, 2d tai 2026-12-09T10:00."],
            },
            { "name": "draft", "label": "Luonnos", "widget": "boolean", "required": false, "default": false,
              "hint": "Päällä: ei julkinen; vain esikatselulinkki avaa sen." },
            {
                "name": "updated_at", "label": "Päivitetty", "widget": "datetime", "required": false,
                "format": "YYYY-MM-DDTHH:mm:ss", "picker_utc": true,
                "hint": "Milloin tiedotetta viimeksi muutettiin. Korjaus tarvitsee tämän.",
            },
            text_field("correction", "Korjaus", "Mitä muutos korjasi; näkyy lukijalle muodossa ”Korjaus: …”.", false, limits::CORRECTION, true),
            { "name": "body", "label": "Leipäteksti", "widget": "markdown", "required": false,
              "buttons": ["bold", "italic", "link", "heading-two", "heading-three", "bulleted-list", "numbered-list", "quote"],
              "editor_components": [], "modes": ["rich_text", "raw"] },
        ],
    })
}

/// The publisher form: the fields a communications team edits (name, texts, contacts);
/// the others in the file are kept as they are.
fn publishers() -> Value {
    json!({
        "name": "publishers",
        "label": "Julkaisijat",
        "label_singular": "julkaisija",
        "folder": "content/publishers",
        "extension": "toml",
        "format": "toml",
        "create": true,
        "identifier_field": "name",
        "slug": "{{slug}}",
        "fields": [
            text_field("name", "Nimi", "Organisaation nimi.", true, 200, false),
            text_field("description", "Kuvaus", "Yksi rivi.", false, 500, false),
            text_field("boilerplate", "Vakioteksti", "Lyhyt esittely, joka näkyy jokaisen tiedotteen lopussa.", false, limits::BOILERPLATE, true),
            { "name": "website", "label": "Verkkosivusto", "widget": "string", "required": false,
              "pattern": ["^https?://\\S+$", "osoite, joka alkaa https://."] },
            { "name": "language", "label": "Kieli", "widget": "string", "default": "fi",
              "pattern": ["^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", "kielikoodi, esimerkiksi fi, sv tai en."] },
            // The zones this build knows (.cargo/config.toml): `check` refuses any other.
            { "name": "time_zone", "label": "Aikavyöhyke", "widget": "select", "options": ["Europe/Helsinki"], "default": "Europe/Helsinki" },
            text_field("media_terms", "Aineiston käyttöehdot", "Kuvien ja liitteiden käyttöehdot medialle.", false, 500, true),
            {
                "name": "social", "label": "Sosiaalinen media", "widget": "object", "required": false, "collapsed": true,
                "hint": "Organisaation kanavat, kunkin profiilin osoite (https://…). Näkyvät julkaisijan sivulla.",
                "fields": social_fields(),
            },
            contacts(),
        ],
    })
}

/// Press contacts, in a release and in a publisher's file: `check`'s rules for each field.
fn contacts() -> Value {
    let max = limits::CONTACT_FIELD;
    let text = |name: &str, label: &str, required: bool| text_field(name, label, "", required, max, false);
    let mut phone = text("phone", "Puhelin", false);
    phone["pattern"] = json!([
        "^[0-9 +()-]*[0-9][0-9 +()-]*$",
        "puhelinnumero numeroina, esimerkiksi 040 123 4567 tai +358 40 123 4567."
    ]);
    let mut email = text("email", "Sähköposti", false);
    email["pattern"] = json!([
        "^[^@\\s<>\"'`]+@[^@\\s<>\"'`]+\\.[^@\\s<>\"'`]+$",
        "sähköpostiosoite, esimerkiksi etunimi.sukunimi@example.fi."
    ]);
    json!({
        "name": "contacts", "label": "Yhteyshenkilöt", "label_singular": "yhteyshenkilö", "widget": "list",
        "required": false, "summary": "{{fields.name}}",
        "fields": [text("name", "Nimi", true), text("title", "Tehtävänimike", false),
                   text("organization", "Organisaatio", false), phone, email],
    })
}

/// One optional profile address per platform of `contract::social`: the platform's own site
/// (any server for Mastodon), as `check` wants it; `check` also reads the profile's path.
fn social_fields() -> Vec<Value> {
    Platform::ALL
        .iter()
        .map(|p| {
            let host = match p {
                Platform::Mastodon => "[a-z0-9.-]+\\.[a-z]+/@",
                Platform::Bluesky => "bsky\\.app/profile/",
                Platform::Youtube => "(www\\.|m\\.)?youtube\\.com/",
                Platform::Linkedin => "(www\\.)?linkedin\\.com/",
                Platform::Instagram => "(www\\.)?instagram\\.com/",
                Platform::Facebook => "(www\\.|m\\.)?facebook\\.com/",
                Platform::Threads => "(www\\.)?threads\\.(net|com)/@",
                Platform::X => "(www\\.)?(x|twitter)\\.com/",
            };
            json!({
                "name": p.id(), "label": p.name(), "widget": "string", "required": false,
                "pattern": [format!("^https://{host}[^\\s?#]+$"), format!("{}-profiilin osoite, joka alkaa https://.", p.name())],
            })
        })
        .collect()
}

/// A text field with `check`'s length limit, said in the form's own words when exceeded.
fn text_field(name: &str, label: &str, hint: &str, required: bool, max: usize, multiline: bool) -> Value {
    let (widget, body) = if multiline { ("text", "[\\s\\S]") } else { ("string", "[^\\n]") };
    let min = usize::from(required);
    let mut field = json!({
        "name": name, "label": label, "widget": widget, "required": required,
        "pattern": [format!("^{body}{{{min},{max}}}$"), format!("enintään {} merkkiä.", thousands(max))],
    });
    if !hint.is_empty() {
        field["hint"] = json!(hint);
    }
    field
}

/// The keywords of the releases under `dir` that readers can already see: not drafts, and
/// published before `now` (config.yml is public, so a keyword of an embargoed release would
/// tell what is coming). Files are read leniently: one `check` would refuse still offers its
/// keywords if it is public, and one whose publisher or time cannot be read offers none.
fn keywords_in_use(dir: &Path, publishers: &BTreeMap<String, Tz>, now: DateTime<Utc>) -> Result<BTreeSet<String>> {
    let mut found = BTreeSet::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return Ok(found) };
    for entry in entries {
        let path = entry.with_context(|| format!("cannot list {}", dir.display()))?.path();
        if path.is_dir() {
            found.extend(keywords_in_use(&path, publishers, now)?);
            continue;
        }
        if path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        let Ok(parts) = frontmatter::split(&text) else { continue };
        let Ok(table) = parts.front.parse::<toml::Table>() else { continue };
        if table.get("draft").and_then(toml::Value::as_bool) == Some(true) {
            continue;
        }
        let zone = table.get("publisher").and_then(toml::Value::as_str).and_then(|p| publishers.get(p));
        let published = match table.get("published_at") {
            Some(toml::Value::String(s)) => Some(s.clone()),
            Some(toml::Value::Datetime(d)) => Some(d.to_string()),
            _ => None,
        };
        let public = match (zone, published) {
            (Some(zone), Some(text)) => parse_time(&text, *zone).is_ok_and(|t| t.at <= now),
            _ => false,
        };
        if !public {
            continue;
        }
        if let Some(toml::Value::Array(words)) = table.get("keywords") {
            found.extend(
                words.iter().filter_map(|w| w.as_str()).map(str::trim).filter(|w| !w.is_empty()).map(String::from),
            );
        }
    }
    Ok(found)
}

fn capitalised(id: &str) -> String {
    let mut chars = id.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// 2000 as "2 000", as Finnish writes numbers.
fn thousands(n: usize) -> String {
    if n >= 1000 {
        format!("{} {:03}", n / 1000, n % 1000)
    } else {
        n.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generated() -> Value {
        let target = Target { repo: "org/newsroom", branch: "main", auth_origin: Some("https://uutiset.example.fi") };
        let now = DateTime::parse_from_rfc3339("2026-11-23T12:00:00Z").expect("time").with_timezone(&Utc);
        let text = config(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/content")), &target, now).expect("config");
        serde_json::from_str(&text).expect("JSON")
    }

    fn field<'a>(collection: &'a Value, name: &str) -> &'a Value {
        collection["fields"].as_array().and_then(|f| f.iter().find(|f| f["name"] == name)).expect(name)
    }

    #[test]
    fn the_form_has_every_field_of_a_release_with_checks_limits() {
        let config = generated();
        let releases = &config["collections"][0];
        for name in [
            "title",
            "publisher",
            "published_at",
            "type",
            "language",
            "lead",
            "lead_only",
            "keywords",
            "contacts",
            "images",
            "attachments",
            "translations",
            "embargo_notice",
            "draft",
            "updated_at",
            "correction",
            "body",
        ] {
            field(releases, name);
        }
        assert_eq!(field(releases, "lead")["pattern"][0], format!("^[\\s\\S]{{1,{}}}$", limits::LEAD));
        assert_eq!(field(releases, "lead")["pattern"][1], "enintään 2 000 merkkiä.");
        let alt = field(releases, "images")["fields"].as_array().and_then(|f| f.iter().find(|f| f["name"] == "alt"));
        assert_eq!(alt.map(|a| a["required"].clone()), Some(json!(true)), "alt text is required");
        let types: Vec<&str> = field(releases, "type")["options"]
            .as_array()
            .expect("options")
            .iter()
            .filter_map(|o| o["value"].as_str())
            .collect();
        assert_eq!(types, ReleaseKind::ALL.map(|k| k.id()));
        assert_eq!(config["backend"]["base_url"], "https://uutiset.example.fi");
    }

    #[test]
    fn keywords_in_use_are_offered() {
        let hint = field(&generated()["collections"][0], "keywords")["hint"].as_str().expect("hint").to_string();
        assert!(hint.contains("sote"), "{hint}");
    }

    #[test]
    fn keywords_of_drafts_and_releases_still_under_embargo_are_never_offered() {
        let dir = tempfile::tempdir().expect("temp");
        let releases = dir.path().join("releases");
        std::fs::create_dir_all(&releases).expect("mkdir");
        let release = |name: &str, extra: &str, at: &str, word: &str| {
            let text = format!("+++\ntitle = \"x\"\npublisher = \"p\"\npublished_at = {at}\n{extra}keywords = [\"{word}\"]\n+++\n\nx\n");
            std::fs::write(releases.join(name), text).expect("write");
        };
        release("a.md", "", "2026-11-01T09:00:00", "julkinen");
        release("b.md", "", "\"2026-11-23T14:30\"", "embargo-yritys");
        release("c.md", "draft = true\n", "2026-11-01T09:00:00", "luonnos-hanke");
        release("d.md", "", "2026-11-23T13:59:00", "juuri-julkaistu");
        let zones = BTreeMap::from([("p".to_string(), chrono_tz::Europe::Helsinki)]);
        // 12:00 UTC is 14:00 in Helsinki: d (13:59) is public, b (14:30) is not.
        let now = DateTime::parse_from_rfc3339("2026-11-23T12:00:00Z").expect("time").with_timezone(&Utc);
        let found = keywords_in_use(&releases, &zones, now).expect("read");
        assert_eq!(found.into_iter().collect::<Vec<_>>(), ["julkinen", "juuri-julkaistu"]);
    }

    #[test]
    fn a_pattern_matches_as_check_counts() {
        let pattern = text_field("x", "X", "", true, 3, false)["pattern"][0].clone();
        assert_eq!(pattern, "^[^\\n]{1,3}$");
        assert_eq!(thousands(300), "300");
        assert_eq!(thousands(1000), "1 000");
    }
}
