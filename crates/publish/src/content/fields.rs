//! Reads a TOML table field by field, collecting every problem with its line.

use std::collections::BTreeMap;

use toml::{Spanned, Value};

use contract::model::Contact;

/// A problem at a 1-based line of the file.
pub type LineError = (usize, String);

/// The fields of one TOML table, each with the file line where its value starts.
pub struct Fields<'a> {
    src: &'a str,
    first_line: usize,
    entries: BTreeMap<String, (usize, Value)>,
    seen: Vec<String>,
    /// Problems found so far.
    pub errors: Vec<LineError>,
}

impl<'a> Fields<'a> {
    /// Parses `src` (which starts at file line `first_line`) as a TOML table.
    pub fn parse(src: &'a str, first_line: usize) -> Result<Self, LineError> {
        let table: BTreeMap<Spanned<String>, Spanned<Value>> = toml::from_str(src).map_err(|e| {
            let line = e.span().map_or(first_line, |s| line_at(src, first_line, s.start));
            let written = src.lines().nth(line - first_line).unwrap_or("");
            (line, format!("invalid TOML: {}{}", e.message().trim_end(), syntax_hint(e.message(), written)))
        })?;
        let entries = table
            .into_iter()
            .map(|(k, v)| {
                let line = line_at(src, first_line, k.span().start);
                (k.into_inner(), (line, v.into_inner()))
            })
            .collect();
        Ok(Self { src, first_line, entries, seen: Vec::new(), errors: Vec::new() })
    }

    /// Line of the first line of the table (for problems such as a missing field).
    pub fn first_line(&self) -> usize {
        self.first_line
    }

    /// Records a problem.
    pub fn error(&mut self, line: usize, message: impl Into<String>) {
        self.errors.push((line, message.into()));
    }

    fn take(&mut self, key: &str) -> Option<(usize, Value)> {
        self.seen.push(key.to_string());
        self.entries.remove(key)
    }

    /// A string field; `required` ones are reported when missing or empty.
    pub fn string(&mut self, key: &str, required: bool) -> Option<(usize, String)> {
        match self.take(key) {
            Some((line, Value::String(s))) if s.trim().is_empty() => {
                self.error(line, format!("`{key}` is empty"));
                None
            }
            Some((line, Value::String(s))) => Some((line, s)),
            Some((line, other)) => {
                self.error(line, format!("`{key}` must be a string, found {}", other.type_str()));
                None
            }
            None if required => {
                let line = self.first_line;
                self.error(line, format!("missing required field `{key}`"));
                None
            }
            None => None,
        }
    }

    /// A single-line text field: no line breaks, no control characters, at most `max` characters.
    pub fn line_text(&mut self, key: &str, required: bool, max: usize) -> Option<(usize, String)> {
        self.text(key, required, max, false)
    }

    /// A paragraph field: like [`Self::line_text`] but line breaks are allowed.
    pub fn paragraph(&mut self, key: &str, required: bool, max: usize) -> Option<(usize, String)> {
        self.text(key, required, max, true)
    }

    fn text(&mut self, key: &str, required: bool, max: usize, multiline: bool) -> Option<(usize, String)> {
        let (line, text) = self.string(key, required)?;
        match check_text(&text, max, multiline) {
            Ok(()) => Some((line, text.trim().to_string())),
            Err(why) => {
                self.error(line, format!("`{key}` {why}"));
                None
            }
        }
    }

    /// A time field: a TOML date-time or a string, returned as text for [`contract::time::parse_time`].
    pub fn time(&mut self, key: &str, required: bool) -> Option<(usize, String)> {
        match self.take(key) {
            Some((line, Value::Datetime(dt))) => Some((line, dt.to_string())),
            Some((line, Value::String(s))) => Some((line, s)),
            Some((line, other)) => {
                self.error(line, format!("`{key}` must be a date-time, found {}", other.type_str()));
                None
            }
            None if required => {
                let line = self.first_line;
                self.error(line, format!("missing required field `{key}`"));
                None
            }
            None => None,
        }
    }

    /// A boolean field with its line, `None` when absent.
    pub fn maybe_flag(&mut self, key: &str) -> Option<(usize, bool)> {
        match self.take(key) {
            Some((line, Value::Boolean(b))) => Some((line, b)),
            Some((line, other)) => {
                self.error(line, format!("`{key}` must be true or false, found {}", other.type_str()));
                None
            }
            None => None,
        }
    }

    /// A boolean field, `false` when absent.
    pub fn flag(&mut self, key: &str) -> bool {
        match self.take(key) {
            Some((_, Value::Boolean(b))) => b,
            Some((line, other)) => {
                self.error(line, format!("`{key}` must be true or false, found {}", other.type_str()));
                false
            }
            None => false,
        }
    }

    /// An array of strings, empty when absent.
    pub fn string_list(&mut self, key: &str) -> (usize, Vec<String>) {
        let Some((line, value)) = self.take(key) else {
            return (self.first_line, Vec::new());
        };
        let Value::Array(items) = value else {
            self.error(line, format!("`{key}` must be an array of strings, found {}", value.type_str()));
            return (line, Vec::new());
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            match item {
                Value::String(s) => out.push(s),
                other => self.error(line, format!("`{key}[{i}]` must be a string, found {}", other.type_str())),
            }
        }
        (line, out)
    }

    /// An array of tables (`[[key]]`) and the line of its first one; empty when absent.
    pub fn tables(&mut self, key: &str) -> (usize, Vec<toml::Table>) {
        let Some((line, value)) = self.take(key) else {
            return (self.first_line, Vec::new());
        };
        let Value::Array(items) = value else {
            self.error(line, format!("`{key}` must be an array of tables (`[[{key}]]`)"));
            return (line, Vec::new());
        };
        let mut out = Vec::new();
        for (i, item) in items.into_iter().enumerate() {
            match item {
                Value::Table(t) => out.push(t),
                other => self.error(line, format!("`{key}[{i}]` must be a table, found {}", other.type_str())),
            }
        }
        (line, out)
    }

    /// A table field (`[key]`) with the line of its header (or of `key = {…}`); a value of
    /// another type is reported.
    pub fn table(&mut self, key: &str) -> Option<(usize, toml::Table)> {
        let (line, value) = self.take(key)?;
        match value {
            Value::Table(t) => {
                let at = self.header_lines(&format!("[{key}]")).first().copied();
                Some((at.unwrap_or(line), t))
            }
            other => {
                self.error(line, format!("`{key}` must be a table (`[{key}]`), found {}", other.type_str()));
                None
            }
        }
    }

    /// An array of contact tables (`[[contacts]]`), empty when absent.
    pub fn contacts(&mut self, key: &str) -> Vec<Contact> {
        let Some((line, value)) = self.take(key) else {
            return Vec::new();
        };
        let Value::Array(items) = value else {
            self.error(line, format!("`{key}` must be an array of tables (`[[{key}]]`)"));
            return Vec::new();
        };
        let item_lines = self.item_lines(key);
        let mut out = Vec::new();
        for (i, mut item) in items.into_iter().enumerate() {
            let at = item_lines.get(i).copied().unwrap_or(line);
            // Unknown fields first, each at its own line: a misspelt `name` is said once, as
            // unknown, not also as missing.
            let unknown = match &mut item {
                Value::Table(t) => self.take_unknown(t, &CONTACT_FIELDS, (key, i, at)),
                _ => Vec::new(),
            };
            match contact(item) {
                Ok(c) if unknown.is_empty() => out.push(c),
                Ok(_) => {}
                Err(why) if stands_for_missing(&unknown, &CONTACT_FIELDS, &why) => {}
                Err(why) => {
                    let line = self.blamed_line(at, &why);
                    self.error(line, format!("{}: {why}", item_name(key, i)));
                }
            }
        }
        out
    }

    /// Removes from `table`, the item `index` of `[[key]]` whose header is at `at`, every field
    /// not in `known`, reporting each at its own line with a suggestion ("the first image:
    /// unknown field `alt_text` (did you mean `alt`?)"); returns their names.
    pub fn take_unknown(
        &mut self,
        table: &mut toml::Table,
        known: &[&str],
        (key, index, at): (&str, usize, usize),
    ) -> Vec<String> {
        let unknown: Vec<String> = table.keys().filter(|k| !known.contains(&k.as_str())).cloned().collect();
        for k in &unknown {
            table.remove(k);
            let hint = suggest(k, known.iter().copied()).map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default();
            let line = self.field_line(at, k);
            self.error(line, format!("{}: unknown field `{k}`{hint}", item_name(key, index)));
        }
        unknown
    }

    /// The file line of each `[[key]]` header of this table, in order (none for an inline
    /// array `key = [{…}]`, whose items are blamed on the array's line).
    pub fn item_lines(&self, key: &str) -> Vec<usize> {
        self.header_lines(&format!("[[{key}]]"))
    }

    /// The file line of each line that is the table header `header` (`[social]`,
    /// `[[contacts]]`), spaces and a trailing comment aside.
    fn header_lines(&self, header: &str) -> Vec<usize> {
        self.src
            .lines()
            .enumerate()
            .filter(|(_, l)| l.split('#').next().unwrap_or("").trim().replace(' ', "") == header)
            .map(|(i, _)| self.first_line + i)
            .collect()
    }

    /// The line of `field = …` inside the `[[…]]` item whose header is at `item_line`, else
    /// `item_line` itself.
    pub fn field_line(&self, item_line: usize, field: &str) -> usize {
        let after = item_line.saturating_sub(self.first_line) + 1;
        self.src
            .lines()
            .enumerate()
            .skip(after)
            .take_while(|(_, l)| !l.trim_start().starts_with('['))
            .find(|(_, l)| l.split('=').next().is_some_and(|k| k.trim().trim_matches('"') == field))
            .map_or(item_line, |(i, _)| self.first_line + i)
    }

    /// The line a problem of an item is shown at: that of the field its message starts with
    /// (`` `phone` … ``), else the item's header.
    pub fn blamed_line(&self, item_line: usize, message: &str) -> usize {
        let field = message.strip_prefix('`').and_then(|rest| rest.split('`').next());
        field.map_or(item_line, |field| self.field_line(item_line, field))
    }

    /// Reports every field that no reader asked for, with a suggestion, and returns all problems.
    pub fn finish(mut self) -> Vec<LineError> {
        let leftover = std::mem::take(&mut self.entries);
        for (key, (line, _)) in leftover {
            let hint = suggest(&key, self.seen.iter().map(String::as_str))
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            self.errors.push((line, format!("unknown field `{key}`{hint}")));
        }
        let _ = self.src;
        self.errors.sort_by_key(|(line, _)| *line);
        self.errors
    }
}

/// 1-based file line of byte `offset` in `src`, which starts at file line `first_line`.
fn line_at(src: &str, first_line: usize, offset: usize) -> usize {
    let offset = offset.min(src.len());
    first_line + src.as_bytes()[..offset].iter().filter(|&&b| b == b'\n').count()
}

/// A hint for the TOML mistakes people make, from toml's `message` and the line written:
/// an unquoted text or date in the Finnish way, and a quotation mark inside a quoted text.
/// Nothing for any other mistake (a duplicate key, a bad table header).
fn syntax_hint(message: &str, written: &str) -> String {
    let Some((key, value)) = written.split_once('=') else { return String::new() };
    let (key, value) = (key.trim(), value.trim());
    let bare_key = !key.is_empty() && key.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    if !bare_key || message.contains("duplicate") {
        return String::new();
    }
    if value.starts_with('"') && !value.starts_with("\"\"\"") && value.matches('"').count() > 2 {
        return format!(
            ". A quotation mark inside a text ends it: write it as \\\" (`{key} = \"Hän sanoi \\\"kyllä\\\"\"`), \
             or put the whole text in single quotes (`{key} = 'Hän sanoi \"kyllä\"'`)"
        );
    }
    let unquoted = !value.is_empty() && !value.starts_with(['"', '\'', '[', '{']);
    if !unquoted || !(message.contains("must be quoted") || message.contains("unexpected key or value")) {
        return String::new();
    }
    // A comment after the value stays out of the quotes.
    let value = value.split(" #").next().unwrap_or(value).trim();
    match (value.contains('"'), value.contains('\'')) {
        (false, _) => format!(". Put the value in quotation marks: `{key} = \"{value}\"`"),
        (true, false) => format!(". Put the value in single quotes (it has quotation marks): `{key} = '{value}'`"),
        (true, true) => ". Put the value in quotation marks, writing each `\"` inside it as `\\\"`".to_string(),
    }
}

/// Refuses empty text, control characters, bidirectional overrides and overlong text.
pub fn check_text(text: &str, max_chars: usize, multiline: bool) -> Result<(), String> {
    if text.trim().is_empty() {
        return Err("is empty".into());
    }
    if text.chars().all(|c| c.is_whitespace() || is_invisible(c)) {
        return Err("has only invisible characters (zero-width spaces or joiners)".into());
    }
    if let Some(c) = text.chars().find(|&c| is_forbidden(c, multiline)) {
        return Err(format!("contains the forbidden character U+{:04X}", c as u32));
    }
    let n = text.chars().count();
    if n > max_chars {
        return Err(format!("is {n} characters long; the limit is {max_chars}"));
    }
    Ok(())
}

/// Characters that take no space on the page: zero-width space, joiners, direction marks,
/// word joiner, BOM, soft hyphen. Allowed inside text (Finnish compounds use soft hyphens), never as all of it.
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}')
}

/// Control characters (line breaks only where allowed) and bidi overrides, which can disguise text.
pub fn is_forbidden(c: char, multiline: bool) -> bool {
    match c {
        '\n' | '\r' | '\t' => !multiline && c != '\t',
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => true,
        c => c.is_control(),
    }
}

/// The fields of a `[[contacts]]` item.
const CONTACT_FIELDS: [&str; 5] = ["name", "title", "organization", "phone", "email"];

fn contact(item: Value) -> Result<Contact, String> {
    let Value::Table(mut t) = item else {
        return Err("must be a table with `name` and optionally `title`, `organization`, `phone`, `email`".into());
    };
    let mut text = |k: &str| -> Result<Option<String>, String> {
        match t.remove(k) {
            None => Ok(None),
            Some(Value::String(s)) => check_text(&s, super::limits::CONTACT_FIELD, false)
                .map(|()| Some(s.trim().to_string()))
                .map_err(|why| format!("`{k}` {why}")),
            Some(v) => Err(format!("`{k}` must be a string, found {}", v.type_str())),
        }
    };
    let name = text("name")?.ok_or("missing `name`")?;
    let title = text("title")?;
    let organization = text("organization")?;
    let phone = text("phone")?;
    let email = text("email")?;
    if let Some(p) = &phone {
        if !is_phone(p) {
            return Err(format!("`phone` `{p}` may hold only digits, spaces, `+`, `-`, `(` and `)`"));
        }
    }
    if let Some(e) = &email {
        if !is_email(e) {
            return Err(format!("`email` `{e}` is not an e-mail address"));
        }
    }
    if let Some(k) = t.keys().next() {
        let hint =
            suggest(k, CONTACT_FIELDS.into_iter()).map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default();
        return Err(format!("unknown field `{k}`{hint}"));
    }
    Ok(Contact { name, title, organization, phone, email })
}

/// A phone number as people write it: at least 5 digits, plus `+ - ( )` and spaces.
pub fn is_phone(p: &str) -> bool {
    p.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c)) && p.chars().filter(char::is_ascii_digit).count() >= 5
}

/// A plain `local@domain.tld` address without spaces or markup characters.
pub fn is_email(e: &str) -> bool {
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    let ok = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || "._+-".contains(c));
    ok(local) && ok(domain) && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
}

/// True when `why` says a field is missing ("missing `alt`: …") that one of the `unknown`
/// fields of the same item was meant to be (`alt_text`, `kuvaus`): said once, as unknown.
pub fn stands_for_missing(unknown: &[String], known: &[&str], why: &str) -> bool {
    let Some(missing) = why.strip_prefix("missing `").and_then(|rest| rest.split('`').next()) else {
        return false;
    };
    unknown.iter().any(|k| suggest(k, known.iter().copied()) == Some(missing))
}

/// How people name an item of an array of tables in messages: "the first image".
pub fn item_name(key: &str, index: usize) -> String {
    let noun = match key {
        "images" => "image",
        "photos" => "photo",
        "attachments" => "attachment",
        "contacts" => "contact",
        other => other,
    };
    const ORDINALS: [&str; 10] =
        ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"];
    match ORDINALS.get(index) {
        Some(ordinal) => format!("the {ordinal} {noun}"),
        None => format!("{noun} {}", index + 1),
    }
}

/// Names people write for a field instead of ours: the Finnish ones of docs/publishing.md's
/// table, and common English variants. A name may stand for different fields in different
/// tables (`kuvaus` is an image's `alt` and a publisher's `description`): the first whose
/// field the table knows is suggested.
const ALIASES: &[(&str, &str)] = &[
    ("otsikko", "title"),
    ("julkaisija", "publisher"),
    ("julkaisuaika", "published_at"),
    ("julkaistu", "published_at"),
    ("julkaisupaiva", "published_at"),
    ("date", "published_at"),
    ("paivitetty", "updated_at"),
    ("paivitysaika", "updated_at"),
    ("korjaus", "correction"),
    ("tyyppi", "type"),
    ("kieli", "language"),
    ("lang", "language"),
    ("ingressi", "lead"),
    ("vain_ingressi", "lead_only"),
    ("asiasanat", "keywords"),
    ("avainsanat", "keywords"),
    ("tags", "keywords"),
    ("yhteyshenkilot", "contacts"),
    ("yhteystiedot", "contacts"),
    ("kuvat", "images"),
    ("kuva", "images"),
    ("liitteet", "attachments"),
    ("liite", "attachments"),
    ("kaannokset", "translations"),
    ("kaannos", "translations"),
    ("embargo", "embargo_notice"),
    ("embargoilmoitus", "embargo_notice"),
    ("ennakkotieto", "embargo_notice"),
    ("luonnos", "draft"),
    ("tiedosto", "file"),
    ("kuvaus", "alt"),
    ("kuvaus", "description"),
    ("alt_text", "alt"),
    ("alttext", "alt"),
    ("description", "alt"),
    ("kuvateksti", "caption"),
    ("kuvaaja", "credit"),
    ("photographer", "credit"),
    ("kayttoehdot", "license"),
    ("lisenssi", "license"),
    ("nimi", "name"),
    ("tehtavanimike", "title"),
    ("titteli", "title"),
    ("organisaatio", "organization"),
    ("organisation", "organization"),
    ("puhelin", "phone"),
    ("puhelinnumero", "phone"),
    ("sahkoposti", "email"),
    ("e-mail", "email"),
    ("aikavyohyke", "time_zone"),
    ("verkkosivu", "website"),
    ("vakioteksti", "boilerplate"),
    ("rooli", "role"),
    ("tyyppi", "role"),
    ("alatunniste", "footer"),
    ("alatunnisteessa", "footer"),
    ("updated", "updated_at"),
];

/// The closest known name to `unknown`, if it is close enough to be a likely typo, or if
/// `unknown` is another name of it ([`ALIASES`]: `julkaisuaika` → `published_at`).
pub fn suggest<'k>(unknown: &str, known: impl Iterator<Item = &'k str>) -> Option<&'k str> {
    let known: Vec<&'k str> = known.collect();
    let folded: String = unknown
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'ä' | 'å' => 'a',
            'ö' => 'o',
            ' ' => '_',
            c => c,
        })
        .collect();
    let alias =
        ALIASES.iter().filter(|(name, _)| *name == folded).find_map(|(_, field)| known.iter().find(|k| *k == field));
    if let Some(field) = alias {
        return Some(field);
    }
    known
        .into_iter()
        .map(|k| (strsim::damerau_levenshtein(unknown, k), k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_counted_from_the_first_line() {
        let mut f = Fields::parse("a = \"x\"\n\nb = 3\n", 2).unwrap();
        assert_eq!(f.string("a", true), Some((2, "x".into())));
        assert_eq!(f.string("b", true), None);
        assert_eq!(f.string("c", true), None);
        let errors = f.finish();
        assert_eq!(
            errors,
            vec![(2, "missing required field `c`".into()), (4, "`b` must be a string, found integer".into())]
        );
    }

    #[test]
    fn syntax_errors_name_their_line() {
        let err = Fields::parse("a = 1\nb = \n", 2).err().unwrap();
        assert_eq!(err.0, 3, "{err:?}");
    }

    #[test]
    fn unknown_fields_get_suggestions() {
        let mut f = Fields::parse("keyword = []\n", 2).unwrap();
        f.string_list("keywords");
        assert_eq!(f.finish(), vec![(2, "unknown field `keyword` (did you mean `keywords`?)".into())]);
    }

    #[test]
    fn syntax_hints_only_for_the_mistakes_they_know() {
        let hint = |text: &str| Fields::parse(text, 2).err().map(|(_, m)| m).unwrap_or_default();
        assert!(hint("published_at = 10.12.2026 klo 10.00\n").contains("`published_at = \"10.12.2026 klo 10.00\"`"));
        assert!(hint("lead = jotain # huom\n").contains("`lead = \"jotain\"`"), "{}", hint("lead = jotain # huom\n"));
        assert!(
            hint("title = Hän sanoi \"kyllä\"\n").contains("single quotes"),
            "{}",
            hint("title = Hän sanoi \"kyllä\"\n")
        );
        let boolean = hint("draft = True\n");
        assert!(boolean.contains("expected `true`") && !boolean.contains(". Put"), "toml's own words: {boolean}");
        assert!(hint("lead = \"Hän sanoi \"kyllä\".\"\n").contains("A quotation mark inside a text ends it"));
        let duplicate = hint("a = 1\na = 2\n");
        assert!(duplicate.contains("duplicate") && !duplicate.contains(". Put"), "{duplicate}");
    }

    #[test]
    fn text_checks() {
        assert!(check_text("ok", 10, false).is_ok());
        assert!(check_text("a\nb", 10, false).is_err());
        assert!(check_text("a\nb", 10, true).is_ok());
        assert!(check_text("a\u{202E}b", 10, true).is_err());
        assert!(check_text("a\u{7}b", 10, true).is_err());
        assert!(check_text("abc", 2, true).is_err());
        assert!(check_text("  ", 2, true).is_err());
        assert!(check_text("\u{200B}\u{FEFF} ", 10, true).is_err());
        assert!(check_text("sote\u{00AD}uudistus\u{200B}", 20, true).is_ok());
    }

    #[test]
    fn contact_shapes() {
        assert!(is_phone("020 633 2113") && is_phone("+358 (0)20 633-2113") && !is_phone("call me"));
        assert!(
            is_email("harri.hagman@kymenhva.fi") && !is_email("a@b") && !is_email("a b@c.fi") && !is_email("<x>@c.fi")
        );
    }
}
