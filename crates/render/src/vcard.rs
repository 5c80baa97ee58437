//! A press contact as a vCard (RFC 6350, version 4.0), so a journalist saves it to a phone's
//! address book in one tap: name, title, organisation, phone and e-mail, UTF-8 intact.

use contract::model::Contact;

/// The vCard of `c`; `organization` stands in for a contact without one of their own.
pub fn contact(c: &Contact, organization: &str) -> String {
    let mut out = String::new();
    line(&mut out, "BEGIN:VCARD");
    line(&mut out, "VERSION:4.0");
    line(&mut out, &format!("FN:{}", text(&c.name)));
    // The structured name: family name last in Finnish and Swedish usage as written here.
    let (given, family) = c.name.trim().rsplit_once(' ').unwrap_or(("", c.name.trim()));
    line(&mut out, &format!("N:{};{};;;", text(family), text(given)));
    if let Some(t) = &c.title {
        line(&mut out, &format!("TITLE:{}", text(t)));
    }
    line(&mut out, &format!("ORG:{}", text(c.organization.as_deref().unwrap_or(organization))));
    if let Some(p) = &c.phone {
        // Free text is TEL's default value type (RFC 6350, 6.4.1): the number as written.
        line(&mut out, &format!("TEL;TYPE=work,voice:{}", text(p)));
    }
    if let Some(e) = &c.email {
        line(&mut out, &format!("EMAIL;TYPE=work:{}", text(e)));
    }
    line(&mut out, "END:VCARD");
    out
}

/// A text value escaped (RFC 6350, 3.4): backslash, comma, semicolon and line breaks.
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for ch in value.chars() {
        match ch {
            '\\' | ',' | ';' => {
                out.push('\\');
                out.push(ch);
            }
            '\n' => out.push_str("\\n"),
            '\r' => {}
            _ => out.push(ch),
        }
    }
    out
}

/// Appends one content line, folded after 75 octets without splitting a character (3.2).
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for ch in content.chars() {
        if width + ch.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(ch);
        width += ch.len_utf8();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contact_is_a_folded_escaped_vcard_with_finnish_letters_intact() {
        let c = Contact {
            name: "Äijä Öljynen".into(),
            title: Some("viestintäpäällikkö, tiedottaja; sijainen".into()),
            organization: None,
            phone: Some("020 633 2113".into()),
            email: Some("aija.oljynen@example.fi".into()),
        };
        let org = "Kymenlaakson hyvinvointialue ja Kymenlaakson pelastuslaitos, viestintä";
        let card = contact(&c, org);
        assert!(card.starts_with("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Äijä Öljynen\r\nN:Öljynen;Äijä;;;\r\n"), "{card}");
        assert!(card.contains("TITLE:viestintäpäällikkö\\, tiedottaja\\; sijainen\r\n"));
        assert!(card.contains("TEL;TYPE=work,voice:020 633 2113\r\n"));
        assert!(card.ends_with("EMAIL;TYPE=work:aija.oljynen@example.fi\r\nEND:VCARD\r\n"));
        for l in card.split("\r\n") {
            assert!(l.len() <= 75, "{l}");
        }
        let unfolded = card.replace("\r\n ", "");
        assert!(
            card.contains("ORG:Kymenlaakson hyvinvointialue ja Kymenlaakson pelastuslaitos\\, viestint\r\n ä\r\n"),
            "{card}"
        );
        assert!(unfolded.contains("ORG:Kymenlaakson hyvinvointialue ja Kymenlaakson pelastuslaitos\\, viestintä\r\n"));
    }
}
