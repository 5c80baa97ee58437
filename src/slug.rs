//! Slugs: the URL-safe names of releases, publishers and keywords.

/// Longest slug accepted, in bytes (keeps KV keys far below their 512-byte limit).
pub const MAX_SLUG_LEN: usize = 120;

/// True for `a-z`, `0-9` words joined by single hyphens, at most [`MAX_SLUG_LEN`] bytes.
pub fn is_valid(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= MAX_SLUG_LEN
        && slug.split('-').all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

/// Derives a slug from free text: lowercase, Finnish/Swedish letters transliterated
/// (ä→a, ö→o, å→a), every other run of non-alphanumerics becomes one hyphen.
/// Returns an empty string when nothing usable is left.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        let mapped = match c {
            'ä' | 'å' | 'á' | 'à' | 'â' => 'a',
            'ö' | 'ø' | 'ó' | 'ò' | 'ô' => 'o',
            'ü' | 'ú' | 'ù' => 'u',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'š' => 's',
            'ž' => 'z',
            c => c,
        };
        if mapped.is_ascii_lowercase() || mapped.is_ascii_digit() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(mapped);
        } else {
            pending_dash = true;
        }
        if out.len() >= MAX_SLUG_LEN {
            break;
        }
    }
    out.truncate(MAX_SLUG_LEN);
    out.trim_end_matches('-').to_string()
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
    }
}
