use super::*;
use crate::content::parse_publisher;

fn publishers() -> BTreeMap<String, Publisher> {
    let p = parse_publisher(
        "p/testi.toml",
        "name = \"Testi\"\nlanguage = \"sv\"\ntime_zone = \"Europe/Helsinki\"\n",
        &Default::default(),
    )
    .unwrap();
    BTreeMap::from([(p.slug.clone(), p)])
}

const GOOD: &str = "+++\ntitle = \"Tietosuojaseloste\"\nlanguage = \"fi\"\nrole = \"privacy-notice\"\nupdated_at = 2026-12-07\ntranslations = [\"dataskyddsbeskrivning\"]\n+++\n\n# Rekisterinpitäjä\n\n<<täydennä: organisaation nimi>> ja <<täydennä: osoite>>\n";

fn file(path: &str, text: &str) -> SourceFile {
    SourceFile { path: path.into(), text: text.into() }
}

#[test]
fn a_good_page() {
    let p = parse_page("content/pages/tietosuojaseloste.md", GOOD, &publishers()).unwrap();
    assert_eq!((p.slug.as_str(), p.lang.as_str(), p.role), ("tietosuojaseloste", "fi", Some(PageRole::PrivacyNotice)));
    assert!(p.footer, "a required page is always in the footer");
    assert_eq!(contract::time::display(&p.updated), "7.12.2026");
    assert_eq!(p.placeholders, [(11, "<<täydennä: organisaation nimi>>".into()), (11, "<<täydennä: osoite>>".into())]);
    assert!(p.body.starts_with("# Rekisterinpitäjä"));
}

#[test]
fn every_problem_has_its_line() {
    let text = "+++\notsikko = \"X\"\nrole = \"privacy\"\npublisher = \"nobody\"\nupdated_at = \"eilen\"\nfooter = \"yes\"\n+++\n\n";
    let errors = parse_page("content/pages/x.md", text, &publishers()).unwrap_err();
    let lines: Vec<usize> = errors.iter().map(|e| e.0).collect();
    assert_eq!(lines, [2, 2, 2, 3, 4, 5, 6, 8], "{errors:#?}");
    let all = format!("{errors:?}");
    for words in [
        "did you mean `title`",
        "unknown `role` `privacy`; use one of accessibility-statement, privacy-notice",
        "unknown publisher `nobody`; known: testi",
        "missing `language`",
        "`footer` must be true or false",
        "the page has no text",
    ] {
        assert!(all.contains(words), "{words}: {all}");
    }
}

#[test]
fn a_publishers_page_takes_its_language_and_a_required_page_stays_in_the_footer() {
    let own = GOOD.replace("language = \"fi\"\n", "publisher = \"testi\"\n");
    assert_eq!(parse_page("content/pages/x.md", &own, &publishers()).unwrap().lang, "sv");
    let hidden = GOOD.replace("updated_at", "footer = false\nupdated_at");
    let errors = parse_page("content/pages/x.md", &hidden, &publishers()).unwrap_err();
    assert_eq!(errors[0].0, 5);
    assert!(errors[0].1.contains("remove `footer = false`"), "{errors:?}");
}

#[test]
fn pages_are_checked_together() {
    let sv = GOOD
        .replace("Tietosuojaseloste", "Dataskyddsbeskrivning")
        .replace("\"fi\"", "\"sv\"")
        .replace("dataskyddsbeskrivning", "tietosuojaseloste");
    let twin = GOOD.replace("translations = [\"dataskyddsbeskrivning\"]", "translations = [\"puuttuu\"]");
    let files = [
        file("content/pages/tietosuojaseloste.md", GOOD),
        file("content/pages/dataskyddsbeskrivning.md", &sv),
        file("content/pages/toinen.md", &twin),
        file("content/pages/vanhat/toinen.MD", &twin),
    ];
    let mut diags = Vec::new();
    let pages = load_pages(&files, &publishers(), &mut diags);
    assert_eq!(pages.len(), 3);
    let mut said: Vec<String> = diags.iter().map(ToString::to_string).collect();
    said.sort();
    assert_eq!(said.len(), 3, "{said:#?}");
    assert!(said[0].starts_with("content/pages/toinen.md:1: content/pages/tietosuojaseloste.md is already the `privacy-notice` in `fi` of the site"), "{said:#?}");
    assert!(said[1].starts_with("content/pages/toinen.md:6: translation `puuttuu` is not a page"), "{said:#?}");
    let duplicate = "content/pages/vanhat/toinen.MD:1: duplicate page `toinen`: content/pages/toinen.md has the same";
    assert!(said[2].starts_with(duplicate), "{said:#?}");
}

#[test]
fn readiness_names_the_missing_pages_and_the_placeholders() {
    let page = parse_page("content/pages/tietosuojaseloste.md", GOOD, &publishers()).unwrap();
    let pages = [page];
    let said: Vec<String> = missing_pages(&pages, &["fi", "sv"])
        .iter()
        .chain(&placeholders_left(&pages))
        .map(ToString::to_string)
        .collect();
    assert_eq!(said.len(), 4, "{said:#?}");
    assert!(said[0]
        .starts_with("content/pages/saavutettavuusseloste.md:1: the site has no accessibility statement in Finnish"));
    assert!(said[1].contains("newsroom new page tillganglighetsutlatande"));
    assert!(said[2].starts_with("content/pages/dataskyddsbeskrivning.md:1: the site has no privacy notice in Swedish"));
    assert!(said[3].starts_with("content/pages/tietosuojaseloste.md:11: `<<täydennä: organisaation nimi>>` (and 1 more placeholder below) is still"), "{said:#?}");
    assert!(missing_pages(&[], &[]).iter().any(|d| d.message.contains("privacy notice in Finnish")));
}
