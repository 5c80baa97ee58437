//! Splits a content file into its TOML front matter (between `+++` fences) and Markdown body.

/// A file split at its front-matter fences.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    /// The TOML between the fences.
    pub front: &'a str,
    /// 1-based file line of the first front-matter line.
    pub front_line: usize,
    /// The Markdown after the closing fence.
    pub body: &'a str,
}

/// Why a file could not be split.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SplitError {
    /// The first line is not `+++`.
    #[error("a release starts with a `+++` line, then TOML front matter, then `+++`")]
    MissingOpening,
    /// No closing fence.
    #[error("front matter opened with `+++` on line 1 is never closed by a `+++` line")]
    MissingClosing,
}

/// Splits `text` (a leading BOM and CRLF line ends are accepted).
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = strip_fence(text).ok_or(SplitError::MissingOpening)?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end_matches(['\r', '\n']) == "+++" {
            return Ok(Split { front: &rest[..offset], front_line: 2, body: &rest[offset + line.len()..] });
        }
        offset += line.len();
    }
    Err(SplitError::MissingClosing)
}

/// Returns the text after an opening `+++` line.
fn strip_fence(text: &str) -> Option<&str> {
    let after = text.strip_prefix("+++")?;
    after.strip_prefix("\r\n").or_else(|| after.strip_prefix('\n'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_formed_shapes() {
        let cases = [
            ("+++\na = 1\n+++\nbody\n", "a = 1\n", "body\n"),
            ("\u{feff}+++\na = 1\n+++\nbody", "a = 1\n", "body"),
            ("+++\r\na = 1\r\n+++\r\nbody\r\n", "a = 1\r\n", "body\r\n"),
            ("+++\na = 1\n+++\n", "a = 1\n", ""),
            ("+++\na = 1\n+++", "a = 1\n", ""),
            ("+++\n+++\n", "", ""),
        ];
        for (input, front, body) in cases {
            let s = split(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!((s.front, s.body, s.front_line), (front, body, 2), "{input:?}");
        }
    }

    #[test]
    fn malformed_shapes() {
        let cases = [
            ("", SplitError::MissingOpening),
            ("title = 1\n", SplitError::MissingOpening),
            ("---\na: 1\n---\n", SplitError::MissingOpening),
            ("+++ \na = 1\n+++\n", SplitError::MissingOpening),
            ("+++\na = 1\n", SplitError::MissingClosing),
            ("+++\na = 1\n++++\n", SplitError::MissingClosing),
        ];
        for (input, expected) in cases {
            assert_eq!(split(input), Err(expected), "{input:?}");
        }
    }
}
