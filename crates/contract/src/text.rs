//! Escaping text for markup: one function for XML and HTML text and attribute values,
//! shared by the renderers and by search highlighting (which marks words in escaped text).

/// Escapes text and attribute values, dropping characters XML 1.0 forbids. Works on bytes:
/// runs of plain text are copied as whole slices (feeds escape hundreds of KB of HTML).
pub fn escape(text: &str, out: &mut String) {
    out.reserve(text.len());
    let bytes = text.as_bytes();
    let mut plain = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !NOTABLE[usize::from(bytes[i])] {
            i += 1;
            continue;
        }
        let (replacement, len) = match bytes[i] {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\'' => ("&apos;", 1),
            // Tab, LF and CR are allowed and never get here ([`NOTABLE`] skips them).
            0..=0x1F | 0x7F => ("", 1),
            // U+0080..U+009F (C1 controls) are C2 80..C2 9F.
            0xC2 if matches!(bytes.get(i + 1), Some(0x80..=0x9F)) => ("", 2),
            // U+FFFE and U+FFFF are EF BF BE and EF BF BF.
            0xEF if bytes.get(i + 1) == Some(&0xBF) && matches!(bytes.get(i + 2), Some(0xBE | 0xBF)) => ("", 3),
            _ => {
                i += 1;
                continue;
            }
        };
        // `i` is at an ASCII byte or the start of a sequence, so both slices are on char boundaries.
        out.push_str(&text[plain..i]);
        out.push_str(replacement);
        i += len;
        plain = i;
    }
    out.push_str(&text[plain..]);
}

/// Bytes that [`escape`] must look at: markup characters, controls, and the lead bytes of
/// the forbidden C1 controls and U+FFFE/U+FFFF.
const NOTABLE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = !matches!(b, 0x09 | 0x0A | 0x0D);
        b += 1;
    }
    table[b'&' as usize] = true;
    table[b'<' as usize] = true;
    table[b'>' as usize] = true;
    table[b'"' as usize] = true;
    table[b'\'' as usize] = true;
    table[0x7F] = true;
    table[0xC2] = true;
    table[0xEF] = true;
    table
};

/// The longest start of `text` of at most `max_bytes` bytes that ends on a character
/// boundary: cutting outside text (a request's method or path) by bytes alone panics when the
/// cut falls inside a character.
pub fn cut(text: &str, max_bytes: usize) -> &str {
    let mut end = text.len().min(max_bytes);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_fall_on_character_boundaries() {
        assert_eq!(cut("abc", 2), "ab");
        assert_eq!(cut("ä", 1), "");
        assert_eq!(cut("aä😀", 4), "aä");
        assert_eq!(cut("aä😀", 7), "aä😀");
        assert_eq!(cut("", 16), "");
    }

    #[test]
    fn escaping_and_invalid_characters() {
        let mut out = String::new();
        escape("a & <b> \"c\" 'd' \u{1}\u{0}\u{FFFE}\u{85}]]> ✓ 😀", &mut out);
        assert_eq!(out, "a &amp; &lt;b&gt; &quot;c&quot; &apos;d&apos; ]]&gt; ✓ 😀");
    }

    /// The plain per-character definition that [`escape`] must match.
    fn reference(text: &str) -> String {
        text.chars()
            .filter_map(|c| match c {
                '&' => Some("&amp;".to_string()),
                '<' => Some("&lt;".to_string()),
                '>' => Some("&gt;".to_string()),
                '"' => Some("&quot;".to_string()),
                '\'' => Some("&apos;".to_string()),
                '\t'
                | '\n'
                | '\r'
                | '\u{20}'..='\u{7E}'
                | '\u{A0}'..='\u{D7FF}'
                | '\u{E000}'..='\u{FFFD}'
                | '\u{10000}'.. => Some(c.to_string()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn byte_escaping_matches_the_character_definition() {
        let tricky = [
            '\u{0}',
            '\u{8}',
            '\t',
            '\n',
            '\r',
            '\u{1F}',
            ' ',
            '&',
            '<',
            '>',
            '"',
            '\'',
            'a',
            '\u{7F}',
            '\u{80}',
            '\u{9F}',
            '\u{A0}',
            'ä',
            '\u{7FF}',
            '\u{800}',
            '\u{D7FF}',
            '\u{E000}',
            '\u{FEFF}',
            '\u{FFFD}',
            '\u{FFFE}',
            '\u{FFFF}',
            '\u{10000}',
            '😀',
            '\u{10FFFF}',
            '\u{202E}',
        ];
        // Every pair and a few longer mixes, so each case is seen at the start, middle and end.
        for a in tricky {
            for b in tricky {
                let text = format!("{a}{b}x{a}");
                let mut out = String::new();
                escape(&text, &mut out);
                assert_eq!(out, reference(&text), "{text:?}");
            }
        }
    }
}
