//! `/llms.txt` (the llmstxt.org proposal): a Markdown file that tells language models what
//! the newsroom is and links to the Markdown of its latest releases, its feeds and its API.
//! In the site's (or, on a publisher's own host, the publisher's) language.

use contract::format::Format;
use contract::i18n::labels;
use contract::model::Summary;
use contract::route::{feed_file, release_path, with_param, OPENAPI_PATH};
use contract::time::display;

/// Whose newsroom the file describes.
pub struct About<'a> {
    /// The site's or the publisher's name: the file's `#` title.
    pub name: &'a str,
    /// The publisher's own description, quoted as the summary; `None` on the main site.
    pub description: Option<&'a str>,
    /// Language of the labels (BCP 47).
    pub lang: &'a str,
    /// Path prefix of the feeds listed (`""` for the site's, `/publishers/{slug}` for one
    /// publisher's).
    pub feeds: &'a str,
}

/// The file, for `origin` (scheme and host, every link absolute): `items` are the public
/// releases to list, newest first.
pub fn llms_txt(about: &About, items: &[&Summary], origin: &str) -> String {
    let l = labels(about.lang);
    let mut out = format!("# {}\n\n", line(about.name));
    match about.description {
        Some(d) => out.push_str(&format!("> {}\n\n", line(d))),
        None => out.push_str(&format!("> {}\n\n", l.latest)),
    }
    out.push_str(l.machine_readable);
    out.push_str(&format!("\n\n## {}\n\n", l.latest));
    if items.is_empty() {
        out.push_str(&format!("{}\n", l.none_yet));
    }
    for s in items {
        let url = with_param(&format!("{origin}{}", release_path(&s.slug)), "format", "md");
        let about = format!("{}, {}", s.publisher.name, display(&s.published));
        out.push_str(&format!("- [{}]({url}): {}. {}\n", link_text(&s.title), line(&about), line(&s.lead)));
    }
    out.push_str(&format!("\n## {}\n\n", l.feeds));
    for (format, name) in [(Format::Rss, "RSS 2.0"), (Format::Atom, "Atom"), (Format::JsonFeed, "JSON Feed")] {
        out.push_str(&format!("- [{name}]({origin}{}/{})\n", about.feeds, feed_file(Some(format))));
    }
    out.push_str(&format!("\n## {}\n\n", l.api));
    out.push_str(&format!("- [OpenAPI 3.1]({origin}{OPENAPI_PATH})\n"));
    out.push_str(&format!("- [{}]({origin}/search?q=&format=json)\n", l.search));
    out
}

/// Text on one line: newlines and runs of white space become one space.
fn line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text for inside `[…]`: on one line, with the brackets and backslashes that would end or
/// change the link escaped.
fn link_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in line(text).chars() {
        if matches!(c, '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_cannot_break_their_links() {
        assert_eq!(link_text("a]b\n(c) [d] \\"), "a\\]b (c) \\[d\\] \\\\");
        assert_eq!(line(" a \n\n b\t"), "a b");
    }
}
