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
    let mut word = String::new();
    let mut push = |c: char| {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            word.push(c);
        } else if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
    };
    for c in text.chars() {
        if c.is_ascii() {
            // The common case, without Unicode case tables (`newsroom build` indexes every word).
            push(c.to_ascii_lowercase());
        } else {
            c.to_lowercase().map(fold).for_each(&mut push);
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
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
}
