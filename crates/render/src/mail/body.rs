//! A release body (the Markdown its publisher wrote) as a mail's plain text and as its HTML.
//!
//! Both follow the page's safety rules (`crate::markdown`: raw HTML shown as text, unsafe
//! links neutralised) and add what a mail needs: every link absolute, since a mail has no
//! page to be relative to, and no images (an image in a mail is fetched when it is opened,
//! which tells the sender who read it): an image becomes a link to it, its alt text the
//! link text. Links are otherwise kept as written: never rewritten through a tracker.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::markdown::safe_url;

/// Where a body's relative links point from: the site and the release page.
#[derive(Debug, Clone, Copy)]
pub(super) struct Base<'a> {
    /// Scheme and host, e.g. `https://uutiset.example.fi` (no trailing slash).
    pub origin: &'a str,
    /// The release page's absolute URL.
    pub page: &'a str,
}

impl Base<'_> {
    /// `url` (already made safe) as an absolute URL.
    pub fn absolute(&self, url: &str) -> String {
        let lower = url.trim_start().to_ascii_lowercase();
        if ["http:", "https:", "mailto:", "tel:"].iter().any(|scheme| lower.starts_with(scheme)) {
            return url.to_string();
        }
        if url.is_empty() || url == "#" {
            return self.page.to_string();
        }
        if let Some(rest) = url.strip_prefix("//") {
            return format!("https://{rest}");
        }
        if url.starts_with('/') {
            return format!("{}{url}", self.origin);
        }
        if url.starts_with(['#', '?']) {
            return format!("{}{url}", self.page);
        }
        // Relative to the release page, /releases/{slug}: a sibling of it.
        format!("{}/releases/{url}", self.origin)
    }
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// The body as mail-safe HTML (see the module's doc).
pub(super) fn to_html(markdown: &str, base: &Base) -> String {
    let events = Parser::new_ext(markdown, options()).map(|event| for_mail(event, base));
    let mut out = String::with_capacity(markdown.len() * 5 / 4);
    pulldown_cmark::html::push_html(&mut out, events);
    out
}

fn for_mail<'e>(event: Event<'e>, base: &Base) -> Event<'e> {
    match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Heading { level: HeadingLevel::H1, id, classes, attrs }) => {
            Event::Start(Tag::Heading { level: HeadingLevel::H2, id, classes, attrs })
        }
        Event::End(TagEnd::Heading(HeadingLevel::H1)) => Event::End(TagEnd::Heading(HeadingLevel::H2)),
        Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
            let dest_url = base.absolute(&safe_url(dest_url, true)).into();
            Event::Start(Tag::Link { link_type, dest_url, title, id })
        }
        Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
            let dest_url = base.absolute(&safe_url(dest_url, false)).into();
            Event::Start(Tag::Link { link_type, dest_url, title, id })
        }
        Event::End(TagEnd::Image) => Event::End(TagEnd::Link),
        other => other,
    }
}

/// The body as plain text: paragraphs apart by a blank line, `- ` and `1. ` lists, `> `
/// quotes, headings underlined, code indented, table cells apart by ` | `, and each link's
/// absolute URL in angle brackets after its text (RFC 3986, appendix C).
pub(super) fn to_text(markdown: &str, base: &Base) -> String {
    let mut writer = TextWriter::default();
    for event in Parser::new_ext(markdown, options()) {
        writer.event(event, base);
    }
    tidy(&writer.out)
}

#[derive(Default)]
struct TextWriter {
    out: String,
    /// The open lists, innermost last: the next number of an ordered one.
    lists: Vec<Option<u64>>,
    /// The open list items: where each starts in `out`, and its continuation indent.
    items: Vec<(usize, usize)>,
    /// Where each open quote's text starts in `out`.
    quotes: Vec<usize>,
    /// Where each open link's text starts in `out`, and its absolute URL.
    links: Vec<(usize, String)>,
    /// Where the open heading or code block starts in `out`.
    block_start: usize,
    /// A list marker was just written: the item's first block goes on its line.
    fresh_item: bool,
    /// Cells written in the current table row.
    cells: usize,
}

impl TextWriter {
    fn event(&mut self, event: Event<'_>, base: &Base) {
        match event {
            Event::Start(tag) => self.start(tag, base),
            Event::End(tag) => self.end(tag),
            Event::Text(text) | Event::Code(text) | Event::Html(text) | Event::InlineHtml(text) => {
                self.inline();
                self.out.push_str(&text);
            }
            Event::InlineMath(text) | Event::DisplayMath(text) => {
                self.inline();
                self.out.push_str(&text);
            }
            Event::FootnoteReference(name) => {
                self.inline();
                self.out.push('[');
                self.out.push_str(&name);
                self.out.push(']');
            }
            Event::SoftBreak => self.out.push(' '),
            Event::HardBreak => self.out.push('\n'),
            Event::Rule => {
                self.block();
                self.out.push_str("----------");
            }
            Event::TaskListMarker(done) => {
                self.inline();
                self.out.push_str(if done { "[x] " } else { "[ ] " });
            }
        }
    }

    fn start(&mut self, tag: Tag<'_>, base: &Base) {
        match tag {
            Tag::Paragraph | Tag::HtmlBlock | Tag::FootnoteDefinition(_) | Tag::DefinitionList | Tag::Table(_) => {
                self.block()
            }
            Tag::MetadataBlock(_) => self.block(),
            Tag::Heading { .. } | Tag::CodeBlock(_) => {
                self.block();
                self.block_start = self.out.len();
            }
            Tag::BlockQuote(_) => {
                self.block();
                self.quotes.push(self.out.len());
            }
            Tag::List(first) => {
                if self.lists.is_empty() {
                    self.block();
                } else {
                    self.line();
                }
                self.lists.push(first);
            }
            Tag::Item => {
                self.line();
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!("{}. ", *n - 1)
                    }
                    _ => "- ".to_string(),
                };
                self.items.push((self.out.len(), marker.chars().count()));
                self.out.push_str(&marker);
                self.fresh_item = true;
            }
            Tag::DefinitionListTitle | Tag::DefinitionListDefinition | Tag::TableHead | Tag::TableRow => {
                self.line();
                self.cells = 0;
            }
            Tag::TableCell => {
                if self.cells > 0 {
                    self.out.push_str(" | ");
                }
                self.cells += 1;
            }
            Tag::Link { dest_url, .. } => {
                self.inline();
                self.links.push((self.out.len(), base.absolute(&safe_url(dest_url, true))));
            }
            Tag::Image { dest_url, .. } => {
                self.inline();
                self.links.push((self.out.len(), base.absolute(&safe_url(dest_url, false))));
            }
            Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Superscript | Tag::Subscript => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(level) => {
                // `#` and `##` are underlined; smaller headings stand as their own paragraph.
                let width = self.out[self.block_start..].trim().chars().count();
                if level <= HeadingLevel::H2 && width > 0 {
                    self.out.push('\n');
                    self.out.extend(std::iter::repeat_n('-', width));
                }
            }
            TagEnd::CodeBlock => {
                let code = self.out.split_off(self.block_start);
                for (i, line) in code.trim_end_matches('\n').split('\n').enumerate() {
                    if i > 0 {
                        self.out.push('\n');
                    }
                    self.out.push_str("    ");
                    self.out.push_str(line);
                }
            }
            TagEnd::BlockQuote(_) => {
                let start = self.quotes.pop().unwrap_or(self.out.len());
                let quoted = self.out.split_off(start);
                for (i, line) in quoted.trim_end().split('\n').enumerate() {
                    if i > 0 {
                        self.out.push('\n');
                    }
                    self.out.push_str(if line.is_empty() { ">" } else { "> " });
                    self.out.push_str(line);
                }
            }
            TagEnd::Item => {
                self.fresh_item = false;
                let Some((start, indent)) = self.items.pop() else { return };
                let item = self.out.split_off(start);
                for (i, line) in item.trim_end().split('\n').enumerate() {
                    if i > 0 {
                        self.out.push('\n');
                        if !line.is_empty() {
                            self.out.extend(std::iter::repeat_n(' ', indent));
                        }
                    }
                    self.out.push_str(line);
                }
            }
            TagEnd::List(_) => {
                self.lists.pop();
            }
            TagEnd::Link | TagEnd::Image => {
                let Some((start, url)) = self.links.pop() else { return };
                let text = self.out[start..].trim();
                let same = text == url || url.strip_prefix("mailto:").or(url.strip_prefix("tel:")) == Some(text);
                if text.is_empty() {
                    self.out.push_str(&url);
                } else if !same {
                    self.out.push_str(" <");
                    self.out.push_str(&url);
                    self.out.push('>');
                }
            }
            _ => {}
        }
    }

    /// Inline content follows: a list item's first block starts on the marker's line.
    fn inline(&mut self) {
        self.fresh_item = false;
    }

    /// A new line, unless at the start of one.
    fn line(&mut self) {
        self.fresh_item = false;
        trim_spaces(&mut self.out);
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.out.push('\n');
        }
    }

    /// A blank line before a new block, unless at the start of the text or of a list item.
    fn block(&mut self) {
        if std::mem::take(&mut self.fresh_item) {
            return;
        }
        trim_spaces(&mut self.out);
        if self.out.is_empty() || self.out.ends_with("\n\n") {
            return;
        }
        self.out.push_str(if self.out.ends_with('\n') { "\n" } else { "\n\n" });
    }
}

fn trim_spaces(out: &mut String) {
    while out.ends_with([' ', '\t']) {
        out.pop();
    }
}

/// Drops control characters (but line breaks and tabs) and spaces at line ends, keeps at
/// most one blank line in a row, and trims the ends.
pub(super) fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_lines = 0;
    for line in text.split('\n') {
        let line: String = line.chars().filter(|&c| c == '\t' || !c.is_control()).collect();
        let line = line.trim_end();
        if line.is_empty() {
            blank_lines += 1;
            if blank_lines > 1 || out.is_empty() {
                continue;
            }
        } else {
            blank_lines = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: Base = Base { origin: "https://news.example.fi", page: "https://news.example.fi/releases/a-b" };

    #[test]
    fn links_become_absolute_and_stay_otherwise_as_written() {
        assert_eq!(BASE.absolute("https://x.fi/a?utm=1"), "https://x.fi/a?utm=1");
        assert_eq!(BASE.absolute("HTTP://X.fi"), "HTTP://X.fi");
        assert_eq!(BASE.absolute("mailto:a@b.fi"), "mailto:a@b.fi");
        assert_eq!(BASE.absolute("/media/a.pdf"), "https://news.example.fi/media/a.pdf");
        assert_eq!(BASE.absolute("//cdn.example.fi/x"), "https://cdn.example.fi/x");
        assert_eq!(BASE.absolute("#contacts"), "https://news.example.fi/releases/a-b#contacts");
        assert_eq!(BASE.absolute("#"), "https://news.example.fi/releases/a-b");
        assert_eq!(BASE.absolute("other-release"), "https://news.example.fi/releases/other-release");
    }

    #[test]
    fn the_html_has_no_images_no_raw_html_and_only_absolute_links() {
        let html = to_html(
            "# Otsikko\n\nTeksti [linkki](/releases/x) ja ![kuva](/media/k.jpg \"t\").\n\n<img src=x onerror=alert(1)>\n\n[js](javascript:alert(1))",
            &BASE,
        );
        assert!(html.contains("<h2>Otsikko</h2>"), "{html}");
        assert!(html.contains("<a href=\"https://news.example.fi/releases/x\">linkki</a>"), "{html}");
        assert!(html.contains("<a href=\"https://news.example.fi/media/k.jpg\" title=\"t\">kuva</a>"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;img"), "{html}");
        assert!(html.contains("<a href=\"https://news.example.fi/releases/a-b\">js</a>"), "{html}");
    }

    #[test]
    fn markdown_becomes_readable_text() {
        let md = "\
## Väliotsikko

Ensimmäinen *kappale*, jossa on [linkki](https://x.fi/a) ja
pehmeä rivinvaihto.  \nKova rivinvaihto.

- yksi
- kaksi
  - sisempi
- [https://x.fi](https://x.fi)

1. eka
2. toka

> Lainaus, jossa
>
> kaksi kappaletta.

    koodi
      sisennetty

| A | B |
|---|---|
| 1 | 2 |

---

![Kuvateksti](/media/k.jpg) <b>raaka</b> `koodi` [a@b.fi](mailto:a@b.fi)";
        let expected = "\
Väliotsikko
-----------

Ensimmäinen kappale, jossa on linkki <https://x.fi/a> ja pehmeä rivinvaihto.
Kova rivinvaihto.

- yksi
- kaksi
  - sisempi
- https://x.fi

1. eka
2. toka

> Lainaus, jossa
>
> kaksi kappaletta.

    koodi
      sisennetty

A | B
1 | 2

----------

Kuvateksti <https://news.example.fi/media/k.jpg> <b>raaka</b> koodi a@b.fi";
        assert_eq!(to_text(md, &BASE), expected);
    }

    #[test]
    fn loose_lists_keep_their_paragraphs_under_the_marker() {
        let text = to_text("1. First paragraph.\n\n   Second paragraph.\n\n2. Next item.\n", &BASE);
        assert_eq!(text, "1. First paragraph.\n\n   Second paragraph.\n2. Next item.");
        let text = to_text("Intro\n\n- a\n\n  > quoted\n- b", &BASE);
        assert_eq!(text, "Intro\n\n- a\n\n  > quoted\n- b");
    }

    #[test]
    fn hostile_markdown_never_panics_and_leaves_no_controls() {
        let pieces = [
            "#",
            "-",
            "1.",
            ">",
            "`",
            "```",
            "|",
            "[",
            "](",
            ")",
            "!",
            "<",
            "\n",
            "\n\n",
            "  ",
            "*",
            "_",
            "ä",
            "\u{0}",
            "\u{1b}[31m",
            "x",
            "\\",
            "<a href=\"javascript:x\">",
        ];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let md = format!("{a}{b} {c}{a}\n{c}{b}");
                    let text = to_text(&md, &BASE);
                    assert!(!text.chars().any(|c| c.is_control() && c != '\n' && c != '\t'), "{md:?} → {text:?}");
                    let html = to_html(&md, &BASE);
                    assert!(!html.contains("<img") && !html.contains("<a href=\"javascript"), "{md:?} → {html}");
                }
            }
        }
    }

    #[test]
    fn tidy_keeps_one_blank_line() {
        assert_eq!(tidy("\n\na  \n\n\n\nb\u{7}\n\n"), "a\n\nb");
    }
}
