//! Markdown to safe HTML (no smart punctuation: Finnish quotes stay as written). Raw HTML is shown as text, links and images keep only safe
//! schemes, and `#` headings become `h2` because the page title is the only `h1`.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// The `text/markdown` representation of a release: title, byline, lead, then the body
/// exactly as the publisher wrote it.
pub fn release_document(r: &contract::model::ReleaseRecord) -> String {
    let s = &r.summary;
    let l = contract::i18n::labels(&s.lang);
    let byline = format!("{} · {} · {}", s.publisher.name, contract::time::display(&s.published), l.kind(s.kind));
    let mut out = format!(
        "# {}

{byline}

{}
",
        s.title, s.lead
    );
    if !r.body_markdown.is_empty() {
        out.push('\n');
        out.push_str(&r.body_markdown);
        out.push('\n');
    }
    out
}

/// The `text/markdown` representation of a content page: its title, its last update, then
/// the text exactly as the publisher wrote it.
pub fn page_document(p: &contract::pages::PageRecord) -> String {
    let l = contract::i18n::labels(&p.link.lang);
    let updated = contract::time::display_in(&p.updated, &p.link.lang);
    format!(
        "# {}

{} {updated}

{}
",
        p.link.title,
        l.last_updated,
        p.body_markdown.trim_end()
    )
}

/// Renders a release body.
pub fn to_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let events = Parser::new_ext(markdown, options).map(make_safe);
    let mut out = String::with_capacity(markdown.len() * 5 / 4);
    pulldown_cmark::html::push_html(&mut out, events);
    out
}

fn make_safe(event: Event<'_>) -> Event<'_> {
    match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Heading { level, id, classes, attrs }) => {
            Event::Start(Tag::Heading { level: demote(level), id, classes, attrs })
        }
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(demote(level))),
        Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
            Event::Start(Tag::Link { link_type, dest_url: safe_url(dest_url, true), title, id })
        }
        Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
            Event::Start(Tag::Image { link_type, dest_url: safe_url(dest_url, false), title, id })
        }
        other => other,
    }
}

/// `#` becomes `h2` (the page title is the only `h1`); other levels stay as written.
fn demote(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        other => other,
    }
}

/// Keeps `http(s)`, relative and fragment URLs (plus `mailto:`/`tel:` for links); anything
/// else (`javascript:`, `data:`, ...) becomes `#`.
pub fn safe_url(url: CowStr<'_>, is_link: bool) -> CowStr<'_> {
    if is_safe_url(&url, is_link) {
        url
    } else {
        CowStr::Borrowed("#")
    }
}

fn is_safe_url(url: &str, is_link: bool) -> bool {
    let cleaned: String = url.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect();
    let lower = cleaned.to_ascii_lowercase();
    match lower.find(':') {
        // No scheme, or the colon comes after a path/query/fragment start: relative.
        None => true,
        Some(colon) if lower[..colon].contains(['/', '?', '#']) => true,
        Some(colon) => {
            let scheme = &lower[..colon];
            matches!(scheme, "http" | "https") || (is_link && matches!(scheme, "mailto" | "tel"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_lists_and_headings() {
        assert_eq!(to_html("## Väliotsikko"), "<h2>Väliotsikko</h2>\n");
        let html = to_html("# Otsikko\n\nTeksti – ”lainaus”.\n\n- yksi\n- kaksi\n");
        assert_eq!(html, "<h2>Otsikko</h2>\n<p>Teksti – ”lainaus”.</p>\n<ul>\n<li>yksi</li>\n<li>kaksi</li>\n</ul>\n");
    }

    #[test]
    fn raw_html_is_escaped() {
        let html = to_html("<script>alert(1)</script>\n\nA <img src=x onerror=alert(1)> b");
        assert!(!html.contains("<script") && !html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn dangerous_links_are_neutralised() {
        for md in [
            "[x](javascript:alert(1))",
            "[x](JaVaScRiPt:alert(1))",
            "[x](<javascript:alert(1)>)",
            "[x]( &#106;avascript:alert(1))",
            "![x](data:text/html,x)",
            "[x](vbscript:x)",
        ] {
            let html = to_html(md);
            assert!(html.contains("href=\"#\"") || html.contains("src=\"#\""), "{md} -> {html}");
        }
        assert!(to_html("[x](https://kymenhva.fi)").contains("href=\"https://kymenhva.fi\""));
        assert!(to_html("[x](mailto:a@b.fi)").contains("mailto:a@b.fi"));
        assert!(to_html("[x](/releases/a)").contains("href=\"/releases/a\""));
        assert!(to_html("![x](mailto:a@b.fi)").contains("src=\"#\""));
    }
}
