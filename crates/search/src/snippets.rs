//! `search:snippets:{n}`: what a search result shows (slug, title, publisher, time, language
//! and the start of the lead) for documents `n * PER_CHUNK ..`. A line of JSON heads the
//! record (`{"v":1,"docs":N}`), then each document is one line of JSON, so a worker finds a
//! page's documents by their newlines and decodes only those.
//!
//! Records of this form replaced `search:docs:{n}` (100 documents in one JSON object, each
//! with its whole lead): twice the documents in a record of about the same size, so the first
//! page of a common query is one read instead of two, and a worker no longer parses through
//! every document to reach the page's. A worker still reads `search:docs:{n}` when a chunk of
//! snippets is missing (content built before them).

use serde::{Deserialize, Serialize};

use super::SearchDoc;

/// Documents per `search:snippets:{n}` record.
pub const PER_CHUNK: usize = 200;
/// Characters of a lead a result shows at most (cut at a word, then `…`).
pub const SNIPPET_CHARS: usize = 200;
/// The version of the head line ([`Head`]).
pub const SNIPPETS_VERSION: u32 = 1;

/// The first line of a snippets record.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Head {
    /// Schema version ([`SNIPPETS_VERSION`]).
    pub v: u32,
    /// How many document lines follow.
    pub docs: usize,
}

/// Key of the snippets chunk holding document `id`, and the document's line in it (from 0).
pub fn place(id: usize) -> (String, usize) {
    (key(id / PER_CHUNK), id % PER_CHUNK)
}

/// Key of snippets chunk `n`.
pub fn key(chunk: usize) -> String {
    format!("search:snippets:{chunk}")
}

/// The start of `lead` a result shows: whole when it is short, otherwise cut after the last
/// whole word within [`SNIPPET_CHARS`] characters (a single longer word is cut at the
/// limit), ending in `…`.
pub fn snippet(lead: &str) -> String {
    let Some((cut, _)) = lead.char_indices().nth(SNIPPET_CHARS) else { return lead.to_string() };
    // The word the limit falls in is left out whole, and so are spaces and the punctuation
    // that joins words (a comma, a dash) before it.
    let head = &lead[..cut];
    let ends_a_word = lead[cut..].starts_with(char::is_whitespace);
    let head = if ends_a_word { head } else { head.rfind(char::is_whitespace).map_or(head, |space| &head[..space]) };
    let head = head.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '-' | '–' | '—'));
    format!("{head}…")
}

/// A snippets record of `docs` (documents `n * PER_CHUNK ..`, in id order).
pub fn encode(docs: &[SearchDoc]) -> String {
    let head = Head { v: SNIPPETS_VERSION, docs: docs.len() };
    let mut out = json(&head);
    for doc in docs {
        out.push('\n');
        // Compact JSON escapes every newline inside a string: one document, one line.
        out.push_str(&json(doc));
    }
    out
}

fn json<T: Serialize>(value: &T) -> String {
    // Plain structs of strings and numbers: serializing them cannot fail.
    serde_json::to_string(value).unwrap_or_else(|e| unreachable!("serializes: {e}"))
}

/// A stored record's head line and its document lines.
pub fn split(value: &[u8]) -> (&[u8], Vec<&[u8]>) {
    let Some(end) = memchr::memchr(b'\n', value) else {
        // A chunk of no documents is its head alone.
        return (value, Vec::new());
    };
    let mut lines = Vec::with_capacity(PER_CHUNK);
    let first = end + 1;
    let mut start = first;
    for newline in memchr::memchr_iter(b'\n', &value[first..]).map(|at| first + at) {
        lines.push(&value[start..newline]);
        start = newline + 1;
    }
    lines.push(&value[start..]);
    (&value[..end], lines)
}

/// Checks the document lines against their head.
pub fn check(head: Head, lines: &[&[u8]]) -> Result<(), String> {
    if head.docs == lines.len() {
        Ok(())
    } else {
        Err(format!("its head counts {} documents, and {} lines follow it", head.docs, lines.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use contract::model::PublisherRef;

    fn doc(n: usize, lead: &str) -> SearchDoc {
        SearchDoc {
            slug: format!("r-{n}"),
            title: format!("Title\n{n}"),
            publisher: PublisherRef { slug: "p".into(), name: "P".into() },
            published: serde_json::from_str(r#"{"at":"2025-06-25T12:00:00+03:00","zone":"EEST"}"#).expect("a time"),
            lang: "fi".into(),
            snippet: lead.into(),
        }
    }

    #[test]
    fn a_record_splits_into_its_documents_one_per_line() {
        let docs: Vec<SearchDoc> = (0..3).map(|n| doc(n, "Lead with a \"quote\"\nand a newline.")).collect();
        let value = encode(&docs);
        let (head, lines) = split(value.as_bytes());
        let head: Head = serde_json::from_slice(head).expect("head");
        assert_eq!(head, Head { v: SNIPPETS_VERSION, docs: 3 });
        check(head, &lines).expect("as many lines as documents");
        let back: Vec<SearchDoc> = lines.iter().map(|l| serde_json::from_slice(l).expect("a document")).collect();
        assert_eq!(back, docs);
        let empty = encode(&[]);
        let (head, lines) = split(empty.as_bytes());
        assert_eq!((head, lines.len()), (&br#"{"v":1,"docs":0}"#[..], 0));
        let cut = &value[..value.len() - 10];
        let (_, lines) = split(cut.as_bytes());
        assert!(serde_json::from_slice::<SearchDoc>(lines[2]).is_err(), "a cut document does not parse");
        assert!(check(Head { v: 1, docs: 4 }, &lines).is_err());
        assert_eq!(place(PER_CHUNK + 3), ("search:snippets:1".to_string(), 3));
    }

    #[test]
    fn a_long_lead_is_cut_after_a_whole_word() {
        assert_eq!(snippet("Lyhyt ingressi."), "Lyhyt ingressi.");
        let exact = "a".repeat(SNIPPET_CHARS);
        assert_eq!(snippet(&exact), exact, "at the limit: whole");
        let words = "Päivystys, ".repeat(30);
        let cut = snippet(&words);
        assert!(cut.chars().count() <= SNIPPET_CHARS + 1, "{cut}");
        assert!(cut.ends_with("Päivystys…"), "no comma or space before the ellipsis: {cut}");
        assert!(words.starts_with(cut.trim_end_matches('…')));
        let words = format!("{} sana", "a".repeat(SNIPPET_CHARS));
        assert_eq!(snippet(&words), format!("{}…", "a".repeat(SNIPPET_CHARS)), "the limit falls after a word");
        let one_word = "x".repeat(SNIPPET_CHARS + 5);
        assert_eq!(
            snippet(&one_word),
            format!("{}…", "x".repeat(SNIPPET_CHARS)),
            "a word longer than the limit is cut"
        );
    }
}
