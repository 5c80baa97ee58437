//! The words only e-mails use, in Finnish, Swedish and English. The words mails share with
//! pages (contacts, phone, attachments, kinds of release) come from `contract::i18n`.

use contract::subscription::Scope;

/// Every label of a mail that pages do not have. A quoted field doc is the English text.
#[derive(Debug)]
pub struct MailLabels {
    /// "Read the release on the web": before the release's link.
    pub read_online: &'static str,
    /// "You receive this e-mail because you subscribed to": before `: {scope}`.
    pub why: &'static str,
    /// "Change or end your subscription": the link in every release mail's footer, to the
    /// subscriber's own page (its `POST` is RFC 8058's one click).
    pub unsubscribe: &'static str,
    /// "all releases": the scope `all`.
    pub scope_all: &'static str,
    /// "releases from": before a publisher's name.
    pub scope_publisher: &'static str,
    /// "releases with the keyword": before a keyword's label.
    pub scope_keyword: &'static str,
    /// "Confirm your subscription": the confirmation mail's subject, before the site's name.
    pub confirm_subject: &'static str,
    /// Says someone asked for these subscriptions for this address (the list follows).
    pub confirm_intro: &'static str,
    /// "Confirm the subscription": the confirmation link's text.
    pub confirm_action: &'static str,
    /// "The link works until" and what follows the time ("." in English).
    pub confirm_until: [&'static str; 2],
    /// Says that ignoring the message changes nothing and brings no more mail.
    pub confirm_ignore: &'static str,
}

const FI: MailLabels = MailLabels {
    read_online: "Lue tiedote verkossa",
    why: "Saat tämän viestin, koska olet tilannut",
    unsubscribe: "Muuta tilausta tai peru se",
    scope_all: "kaikki tiedotteet",
    scope_publisher: "tiedotteet julkaisijalta",
    scope_keyword: "tiedotteet avainsanalla",
    confirm_subject: "Vahvista tilauksesi",
    confirm_intro: "Joku, luultavasti sinä, pyysi lähettämään tähän sähköpostiosoitteeseen:",
    confirm_action: "Vahvista tilaus",
    confirm_until: ["Linkki toimii", " asti."],
    confirm_ignore: "Jos et pyytänyt tätä, voit jättää viestin huomiotta: mitään ei tapahdu, eikä tähän osoitteeseen lähetetä enempää viestejä.",
};

const SV: MailLabels = MailLabels {
    read_online: "Läs pressmeddelandet på webben",
    why: "Du får det här meddelandet eftersom du prenumererar på",
    unsubscribe: "Ändra eller avsluta prenumerationen",
    scope_all: "alla pressmeddelanden",
    scope_publisher: "pressmeddelanden från",
    scope_keyword: "pressmeddelanden med nyckelordet",
    confirm_subject: "Bekräfta din prenumeration",
    confirm_intro: "Någon, troligen du, bad att få följande skickat till den här e-postadressen:",
    confirm_action: "Bekräfta prenumerationen",
    confirm_until: ["Länken fungerar till", "."],
    confirm_ignore: "Om du inte bad om detta kan du bortse från meddelandet: ingenting händer, och den här adressen får inga fler meddelanden.",
};

const EN: MailLabels = MailLabels {
    read_online: "Read the release on the web",
    why: "You receive this e-mail because you subscribed to",
    unsubscribe: "Change or end your subscription",
    scope_all: "all releases",
    scope_publisher: "releases from",
    scope_keyword: "releases with the keyword",
    confirm_subject: "Confirm your subscription",
    confirm_intro: "Someone, probably you, asked for these to be sent to this e-mail address:",
    confirm_action: "Confirm the subscription",
    confirm_until: ["The link works until", "."],
    confirm_ignore:
        "If you did not ask for this, ignore this message: nothing happens, and this address receives no more e-mail.",
};

/// Mail labels for a BCP 47 tag: Finnish and Swedish by primary subtag, English otherwise
/// (as `contract::i18n::labels` chooses).
pub fn mail_labels(lang: &str) -> &'static MailLabels {
    match lang.split('-').next().unwrap_or("") {
        "fi" => &FI,
        "sv" => &SV,
        _ => &EN,
    }
}

/// A scope with the name readers know it by: a publisher's name or a keyword's label
/// (`None`: its slug is shown).
#[derive(Debug, Clone, Copy)]
pub struct Named<'a> {
    /// The scope.
    pub scope: &'a Scope,
    /// The publisher's name or the keyword's label, if the caller has it.
    pub name: Option<&'a str>,
}

impl MailLabels {
    /// The scope in words: `all releases`, `releases from Kymsote`, `releases with the
    /// keyword sote`.
    pub fn describe(&self, named: Named<'_>) -> String {
        match named.scope {
            Scope::All => self.scope_all.to_string(),
            Scope::Publisher(slug) => format!("{} {}", self.scope_publisher, named.name.unwrap_or(slug)),
            Scope::Keyword(slug) => format!("{} {}", self.scope_keyword, named.name.unwrap_or(slug)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_fall_back_to_english() {
        assert_eq!(mail_labels("fi").unsubscribe, "Muuta tilausta tai peru se");
        assert_eq!(mail_labels("sv-FI").unsubscribe, "Ändra eller avsluta prenumerationen");
        assert_eq!(mail_labels("de").unsubscribe, "Change or end your subscription");
    }

    #[test]
    fn scopes_are_described_by_name_or_slug() {
        let l = mail_labels("en");
        let publisher = Scope::Publisher("kymsote".into());
        assert_eq!(l.describe(Named { scope: &Scope::All, name: Some("x") }), "all releases");
        assert_eq!(l.describe(Named { scope: &publisher, name: Some("Kymsote") }), "releases from Kymsote");
        assert_eq!(l.describe(Named { scope: &publisher, name: None }), "releases from kymsote");
        let keyword = Scope::Keyword("sote".into());
        assert_eq!(mail_labels("fi").describe(Named { scope: &keyword, name: None }), "tiedotteet avainsanalla sote");
    }

    #[test]
    fn every_language_has_every_label() {
        for l in [&FI, &SV, &EN] {
            let all = [
                l.read_online,
                l.why,
                l.unsubscribe,
                l.scope_all,
                l.scope_publisher,
                l.scope_keyword,
                l.confirm_subject,
                l.confirm_intro,
                l.confirm_action,
                l.confirm_until[0],
                l.confirm_until[1],
                l.confirm_ignore,
            ];
            assert!(all.iter().all(|s| !s.trim().is_empty()), "{l:?}");
        }
    }
}
