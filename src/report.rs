//! How `newsroom check` and `newsroom build` show content problems: in the style of rustc
//! (`human`), one `path:line:column: message` line each (`short`), or one JSON document
//! (`json`, for editors and CI).

use std::collections::BTreeMap;
use std::ops::Range;

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
use clap::ValueEnum;
use publish::content::Diagnostic;
use serde::Serialize;

/// Output format of diagnostics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// rustc-style: location, the offending line with a caret, and a hint.
    #[default]
    Human,
    /// One `path:line:column: message` line per problem.
    Short,
    /// One JSON document on stdout: `{"ok", "errors", "diagnostics": [...]}`.
    Json,
}

/// Whether human output is coloured.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// Colours when stdout is a terminal and `NO_COLOR` is unset.
    #[default]
    Auto,
    /// Colours even when stdout is not a terminal or `NO_COLOR` is set.
    Always,
    /// No colours, even on a terminal.
    Never,
}

impl Color {
    /// Resolves `auto` against `NO_COLOR` and whether the output, `terminal`, is a terminal.
    pub fn enabled(self, terminal: bool) -> bool {
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => std::env::var_os("NO_COLOR").is_none() && terminal,
        }
    }
}

/// A diagnostic placed in its file: what the JSON format prints.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Located {
    /// Path of the file as diagnostics name it, e.g. `content/releases/x.md`.
    pub path: String,
    /// 1-based line of the problem (where the caret goes, which may be after the
    /// diagnostic's own line).
    pub line: usize,
    /// 1-based column (in characters) where the offending text starts.
    pub column: usize,
    /// 1-based column just after it.
    pub end_column: usize,
    /// `error` (it stops the publish) or `warning` (a draft's problem, which blocks nothing).
    pub severity: &'static str,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when known (`did you mean ...?`).
    pub help: Option<String>,
    #[serde(skip)]
    span: Range<usize>,
}

/// Places `d` in `text` (the file's contents, if it could be read as UTF-8).
///
/// The caret goes under the last `backticked` word of the message (or the character of a
/// `U+XXXX` it names) found on the diagnostic's line, or on the lines after it up to the next
/// table or fence (the core gives an array-of-tables problem the line of its `[[header]]`),
/// else under the line's text.
pub fn locate(d: &Diagnostic, text: Option<&str>) -> Located {
    let (message, help) = split_help(&d.message);
    let wanted = wanted_words(&d.message);
    let lines: Vec<(usize, &str)> = text.map(|t| lines_from(t, d.line)).unwrap_or_default();
    let found = lines
        .iter()
        .enumerate()
        .find_map(|(i, (start, line))| find_on_line(line, &wanted).map(|range| (d.line + i, *start, *line, range)));
    let (line, line_start, line_text, within) = found.unwrap_or_else(|| {
        let (start, line) = lines.first().copied().unwrap_or((0, ""));
        (d.line, start, line, whole_line(line))
    });
    let column = line_text[..within.start].chars().count() + 1;
    let end_column = column + line_text[within.clone()].chars().count();
    Located {
        path: d.path.clone(),
        line,
        column,
        end_column,
        severity: "error",
        message,
        help,
        span: line_start + within.start..line_start + within.end,
    }
}

/// Splits a trailing ` (did you mean `x`?)` off a message into a help text.
fn split_help(message: &str) -> (String, Option<String>) {
    match message.strip_suffix(')').and_then(|m| m.rsplit_once(" (did you mean ")) {
        Some((main, rest)) => (main.to_string(), Some(format!("did you mean {rest}"))),
        None => (message.to_string(), None),
    }
}

/// Line `line` (1-based) of `text` and the lines after it up to the next table header or
/// `+++` fence, each with its byte offset, without line ends.
fn lines_from(text: &str, line: usize) -> Vec<(usize, &str)> {
    let mut start = 0;
    let mut out = Vec::new();
    for (i, l) in text.split_inclusive('\n').enumerate() {
        let bare = l.trim_end_matches(['\n', '\r']);
        if i + 1 > line && (bare.starts_with('[') || bare == "+++") {
            break;
        }
        if i + 1 >= line {
            out.push((start, bare));
        }
        start += l.len();
    }
    out
}

/// The words a message names: its `backticked` words, then the characters of its `U+XXXX`s.
fn wanted_words(message: &str) -> Vec<String> {
    let quoted = message.split('`').skip(1).step_by(2).filter(|w| !w.is_empty()).map(str::to_string);
    let named_chars = message.split("U+").skip(1).filter_map(|hex| {
        let digits: String = hex.chars().take_while(char::is_ascii_hexdigit).collect();
        char::from_u32(u32::from_str_radix(&digits, 16).ok()?).map(String::from)
    });
    quoted.chain(named_chars).collect()
}

/// Where on `line` the last of `wanted` occurs as a whole word, if any does.
fn find_on_line(line: &str, wanted: &[String]) -> Option<Range<usize>> {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    wanted.iter().rev().find_map(|w| {
        line.match_indices(w.as_str()).map(|(at, _)| at..at + w.len()).find(|r| {
            let before = line[..r.start].chars().next_back();
            let after = line[r.end..].chars().next();
            !before.is_some_and(is_word) && !after.is_some_and(is_word) || !w.starts_with(is_word)
        })
    })
}

/// The text of `line` without its indentation and trailing blanks.
fn whole_line(line: &str) -> Range<usize> {
    let start = line.len() - line.trim_start().len();
    start..line.trim_end().len().max(start)
}

/// Writes the errors `diags` and the `warnings` (problems of drafts, photos worth a warning,
/// which block nothing) in `format` to stdout, or to stderr where stdout is a command's
/// answer (`to_stderr`, as for `preview`'s link); `texts` are the files' contents by path.
pub fn print(
    diags: &[Diagnostic],
    warnings: &[Diagnostic],
    texts: &BTreeMap<String, String>,
    format: Format,
    color: Color,
    to_stderr: bool,
) {
    use std::io::IsTerminal;
    let (mut stdout, mut stderr) = (std::io::stdout(), std::io::stderr());
    let (out, terminal): (&mut dyn std::io::Write, bool) = match to_stderr {
        true => (&mut stderr, std::io::stderr().is_terminal()),
        false => (&mut stdout, std::io::stdout().is_terminal()),
    };
    let locate_all = |ds: &[Diagnostic]| -> Vec<Located> {
        ds.iter().map(|d| locate(d, texts.get(&d.path).map(String::as_str))).collect()
    };
    let errors = locate_all(diags);
    let warned: Vec<Located> = locate_all(warnings).into_iter().map(|l| Located { severity: "warning", ..l }).collect();
    // A closed pipe is the reader's choice: what could not be written is not an error here.
    let _ = match format {
        Format::Short => errors
            .iter()
            .map(short)
            .chain(warned.iter().map(short_warning))
            .try_for_each(|line| writeln!(out, "{line}")),
        Format::Human => {
            let renderer = if color.enabled(terminal) { Renderer::styled() } else { Renderer::plain() };
            let errors = errors.iter().zip(diags).map(|(l, d)| (l, d, Level::ERROR));
            let warned = warned.iter().zip(warnings).map(|(l, d)| (l, d, Level::WARNING));
            errors.chain(warned).try_for_each(|(l, d, level)| {
                writeln!(out, "{}\n", human(l, texts.get(&d.path).map(String::as_str), &renderer, level))
            })
        }
        Format::Json => writeln!(out, "{}", json(&errors, &warned)),
    };
}

/// `path:line:column: warning: message` (with the help appended).
pub fn short_warning(l: &Located) -> String {
    let help = l.help.as_deref().map(|h| format!(" ({h})")).unwrap_or_default();
    format!("{}:{}:{}: warning: {}{help}", l.path, l.line, l.column, l.message)
}

/// `path:line:column: message` (with the help appended).
pub fn short(l: &Located) -> String {
    let help = l.help.as_deref().map(|h| format!(" ({h})")).unwrap_or_default();
    format!("{}:{}:{}: {}{help}", l.path, l.line, l.column, l.message)
}

/// The rustc-style report of one problem, at `level` (`error` or `warning`).
pub fn human(l: &Located, text: Option<&str>, renderer: &Renderer, level: Level<'_>) -> String {
    let title = level.primary_title(&l.message);
    let group = match text {
        Some(text) if l.span.end <= text.len() && l.line > 0 => {
            title.element(Snippet::source(text).path(&l.path).annotation(AnnotationKind::Primary.span(l.span.clone())))
        }
        // No readable text (e.g. not UTF-8): the location alone.
        _ => title.element(Level::NOTE.message(format!("in {}:{}", l.path, l.line))),
    };
    let group = match &l.help {
        Some(help) => group.element(Level::HELP.message(help)),
        None => group,
    };
    renderer.render(&[group])
}

/// The JSON document of `--format json`: `diagnostics` are the errors; `warnings` (problems
/// of drafts) block nothing.
pub fn json(located: &[Located], warnings: &[Located]) -> String {
    serde_json::json!({
        "ok": located.is_empty(),
        "errors": located.len(),
        "diagnostics": located,
        "warnings": warnings,
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize, message: &str, text: &str) -> Located {
        locate(&Diagnostic { path: "f.md".into(), line, message: message.into() }, Some(text))
    }

    #[test]
    fn carets_go_under_the_named_word_else_the_line() {
        let text = "+++\ntitle = \"A\"\npublisher = \"nobody\"\n  keyword = []\nx\u{202E}y\n";
        let l = at(3, "unknown publisher `nobody`; known: testi", text);
        assert_eq!((l.column, l.end_column, &text[l.span.clone()]), (14, 20, "nobody"));
        let l = at(4, "unknown field `keyword` (did you mean `keywords`?)", text);
        assert_eq!(
            (l.column, l.message.as_str(), l.help.as_deref()),
            (3, "unknown field `keyword`", Some("did you mean `keywords`?"))
        );
        let l = at(5, "the body contains the forbidden character U+202E", text);
        assert_eq!((l.column, l.end_column), (2, 3));
        let l = at(2, "missing required field `lead`", text);
        assert_eq!((l.line, l.column, &text[l.span.clone()]), (2, 1, "title = \"A\""));
        let l = at(2, "unknown `type` `uutinen`", "+++\ntype = \"uutinen\"\n");
        assert_eq!((l.column, l.end_column), (9, 16), "the value, named last, rather than the field");
        let l = at(
            1,
            "`email` `x(at)y.fi` is not an e-mail address",
            "[[contacts]]\nname = \"A\"\nemail = \"x(at)y.fi\"\n",
        );
        assert_eq!((l.line, l.column), (3, 10), "found below its table's header");
        let l = at(1, "missing required field `lead`", "lead_only = true\n");
        assert_eq!(l.column, 1, "whole words only: {l:?}");
    }

    #[test]
    fn lines_out_of_range_or_unreadable_files_still_locate() {
        let l = at(99, "`x` is wrong", "a\n");
        assert_eq!((l.line, l.column, l.end_column), (99, 1, 1));
        let d = Diagnostic { path: "f.md".into(), line: 2, message: "the file is not valid UTF-8".into() };
        let l = locate(&d, None);
        assert_eq!(short(&l), "f.md:2:1: the file is not valid UTF-8");
        assert!(human(&l, None, &Renderer::plain(), Level::ERROR).contains("in f.md:2"));
    }
}
