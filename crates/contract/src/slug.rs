//! Slugs: the URL-safe names of releases, publishers and keywords.

/// Longest slug accepted, in bytes (keeps KV keys far below their 512-byte limit).
pub const MAX_SLUG_LEN: usize = 120;

/// True for `a-z`, `0-9` words joined by single hyphens, at most [`MAX_SLUG_LEN`] bytes.
pub fn is_valid(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= MAX_SLUG_LEN
        && slug.split('-').all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

/// Folds a character for slugs and search: lowercase is done by the caller; Finnish,
/// Swedish and common accented letters become their ASCII base letter.
fn fold(c: char) -> char {
    match c {
        'ä' | 'å' | 'á' | 'à' | 'â' => 'a',
        'ö' | 'ø' | 'ó' | 'ò' | 'ô' => 'o',
        'ü' | 'ú' | 'ù' => 'u',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'š' => 's',
        'ž' => 'z',
        c => c,
    }
}

/// The words of `text`, lowercased and folded to `a-z0-9`; everything else separates words.
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    each_word(text, |w| out.push(w.to_string()));
    out
}

/// Calls `f` with each of the [`words`] of `text` in turn, without an allocation per word:
/// a word already lowercase ASCII is passed as a slice of `text`, others are folded into
/// one reused buffer (`newsroom build` indexes every word of every release).
pub fn each_word(text: &str, mut f: impl FnMut(&str)) {
    let plain = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let bytes = text.as_bytes();
    let mut word = String::new();
    let flush = |word: &mut String, f: &mut dyn FnMut(&str)| {
        if !word.is_empty() {
            f(word);
            word.clear();
        }
    };
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if plain(b) {
            let start = i;
            while bytes.get(i).is_some_and(|&b| plain(b)) {
                i += 1;
            }
            // Slices at ASCII bytes are always on character boundaries.
            let run = &text[start..i];
            let ends_here = bytes.get(i).is_none_or(|b| b.is_ascii() && !b.is_ascii_uppercase());
            if word.is_empty() && ends_here {
                f(run);
            } else {
                word.push_str(run);
            }
        } else if b.is_ascii_uppercase() {
            word.push(char::from(b.to_ascii_lowercase()));
            i += 1;
        } else if b.is_ascii() {
            flush(&mut word, &mut f);
            i += 1;
        } else {
            let Some(c) = text[i..].chars().next() else { break };
            for folded in c.to_lowercase().map(fold) {
                if folded.is_ascii_lowercase() || folded.is_ascii_digit() {
                    word.push(folded);
                } else {
                    flush(&mut word, &mut f);
                }
            }
            i += c.len_utf8();
        }
    }
    flush(&mut word, &mut f);
}

/// Derives a slug from free text: its [`words`] joined by hyphens, at most [`MAX_SLUG_LEN`]
/// bytes. Returns an empty string when nothing usable is left.
pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    for word in words(text) {
        if out.len() + 1 + word.len() > MAX_SLUG_LEN {
            if out.is_empty() {
                out = word[..MAX_SLUG_LEN].to_string();
            }
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_and_invalid_slugs() {
        for ok in ["a", "sote", "2024-11-27-ohjausneuvottelut", "a1-b2"] {
            assert!(is_valid(ok), "{ok}");
        }
        for bad in ["", "-a", "a-", "a--b", "Sote", "ä", "a b", "a/b", "a.b", &"a".repeat(121)] {
            assert!(!is_valid(bad), "{bad}");
        }
    }

    #[test]
    fn slugify_transliterates_finnish() {
        assert_eq!(slugify("Yhteistoimintaneuvottelut"), "yhteistoimintaneuvottelut");
        assert_eq!(slugify("Hyvinvointialue – sote!"), "hyvinvointialue-sote");
        assert_eq!(slugify("Määrätietoisia töitä"), "maaratietoisia-toita");
        assert_eq!(slugify("  ..  "), "");
        assert!(is_valid(&slugify("Åland 2025: Öljy")));
        assert!(is_valid(&slugify(&"pitkä sana ".repeat(40))));
        assert!(is_valid(&slugify(&"x".repeat(300))));
        assert_eq!(words("Sote-palvelut, 2025!"), ["sote", "palvelut", "2025"]);
    }

    /// The words as the byte-wise [`each_word`] was written to match: a char at a time.
    fn words_by_char(text: &str) -> Vec<String> {
        let (mut out, mut word) = (Vec::new(), String::new());
        for c in text.chars().flat_map(char::to_lowercase).map(fold) {
            if c.is_ascii_lowercase() || c.is_ascii_digit() {
                word.push(c);
            } else if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
        }
        out.extend(Some(word).filter(|w| !w.is_empty()));
        out
    }

    #[test]
    fn words_match_a_char_at_a_time() {
        for text in [
            "Päivystys ÄÖÅ äöå Ølund Šiška – 24/7",
            "İstanbul ß straße ǅ 🙂x🙂 e\u{301}",
            "",
            "   ",
            "a",
            "Ä",
            "TAMMI-HELMIKUU 2025:n",
            "tab\there\nnew line\u{0}nul",
        ] {
            assert_eq!(words(text), words_by_char(text), "{text:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_text_splits_as_a_char_at_a_time(text in "(?s).{0,40}") {
            proptest::prop_assert_eq!(words(&text), words_by_char(&text));
        }
    }
}
