//! The subscription pages (`/subscribe`, `/subscribe/confirm`, `/unsubscribe`,
//! `/subscribe/settings`): the form, a subscriber's own settings, and what each step did.
//! No JavaScript: a link only shows a page, a button posts the change.

use maud::html;

use super::{layout, Head, Site};
use contract::i18n::labels;
use contract::subscription::Scope;

/// What a subscription page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubscribeView<'a> {
    /// The form, with these scopes ticked, and the problem of the last try if there was one.
    Form {
        /// Scopes offered and ticked (the page's own, e.g. `?scope=publisher:kymsote`).
        scopes: &'a [Scope],
        /// Why the posted form was refused (a `400`).
        problem: Option<&'a str>,
        /// The privacy notice, linked where the address is asked for (GDPR Article 13).
        privacy: Option<crate::mail::PrivacyLink<'a>>,
    },
    /// The form was accepted: the same words whether the address was new, pending or
    /// already subscribed, so the page tells no one who subscribes.
    Sent,
    /// A valid confirmation link: a button posts the confirmation to `action`.
    ConfirmAsk {
        /// The link's own URL, posted to.
        action: &'a str,
    },
    /// The subscription is confirmed.
    Confirmed,
    /// A valid unsubscribe link: a button posts to `action`.
    UnsubscribeAsk {
        /// The link's own URL, posted to.
        action: &'a str,
    },
    /// The address and everything about it are gone.
    Unsubscribed,
    /// A subscriber's own page (reached through the key in their mails): their topics and
    /// language, a button that saves a change, and one that ends the subscription.
    Settings {
        /// Where the settings form posts (the key's settings link).
        save: &'a str,
        /// Where the unsubscribe button posts (the key's unsubscribe link).
        unsubscribe: &'a str,
        /// The topics shown (every release first).
        shown: &'a [Scope],
        /// The topics ticked.
        ticked: &'a [Scope],
        /// The language chosen for mails.
        chosen: &'a str,
        /// The change was saved just now.
        saved: bool,
        /// Why the posted form was refused (a `400`).
        problem: Option<&'a str>,
    },
    /// An expired, altered or used link: nothing was changed.
    BadLink,
}

/// The page words, by language.
struct Words {
    title: &'static str,
    intro: &'static str,
    address: &'static str,
    all: &'static str,
    publisher: &'static str,
    keyword: &'static str,
    honeypot: &'static str,
    submit: &'static str,
    problem: &'static str,
    sent: &'static str,
    confirm_ask: &'static str,
    confirm: &'static str,
    confirmed: &'static str,
    unsubscribe_ask: &'static str,
    unsubscribe: &'static str,
    unsubscribed: &'static str,
    bad_link: &'static str,
    settings_title: &'static str,
    settings_intro: &'static str,
    language: &'static str,
    save: &'static str,
    saved: &'static str,
    leave_all: &'static str,
}

/// The languages a subscriber can choose, each named in itself.
const LANGUAGE_NAMES: [(&str, &str); 3] = [("fi", "suomi"), ("sv", "svenska"), ("en", "English")];

const FI: Words = Words {
    title: "Tilaa tiedotteet sähköpostiisi",
    intro: "Saat tiedotteet sähköpostiisi julkaisuhetkellä. Tilauksen voit perua milloin tahansa: jokaisessa viestissä on peruutuslinkki. Tallennamme vain osoitteesi, valintasi ja vahvistusajan.",
    address: "Sähköpostiosoite",
    all: "Kaikki tiedotteet",
    publisher: "Julkaisija",
    keyword: "Aihe",
    honeypot: "Jätä tämä kenttä tyhjäksi",
    submit: "Tilaa",
    problem: "Tilausta ei voitu tehdä",
    sent: "Kiitos! Jos osoite ei vielä ole tilaaja, lähetimme siihen vahvistuslinkin. Tilaus alkaa, kun avaat linkin ja vahvistat sen.",
    confirm_ask: "Vahvista tiedotteiden tilaus tähän osoitteeseen:",
    confirm: "Vahvista tilaus",
    confirmed: "Tilaus on vahvistettu. Saat tiedotteet sähköpostiisi julkaisuhetkellä.",
    unsubscribe_ask: "Peru tiedotteiden tilaus tästä osoitteesta:",
    unsubscribe: "Peru tilaus",
    unsubscribed: "Tilaus on peruttu, ja osoitteesi on poistettu.",
    bad_link: "Linkki on vanhentunut tai virheellinen, eikä mitään muutettu. Voit tilata uudelleen lomakkeella.",
    settings_title: "Tilauksesi",
    settings_intro: "Valitse, mistä haluat tiedotteet ja millä kielellä. Poista rasti aiheesta, jota et enää halua, ja tallenna.",
    language: "Viestien kieli",
    save: "Tallenna muutokset",
    saved: "Muutokset on tallennettu. Seuraavat tiedotteet tulevat näiden valintojen mukaan.",
    leave_all: "Voit myös perua koko tilauksen. Osoitteesi poistetaan.",
};

const SV: Words = Words {
    title: "Prenumerera på pressmeddelanden per e-post",
    intro: "Du får pressmeddelandena per e-post när de publiceras. Du kan avsluta prenumerationen när som helst: varje meddelande har en länk för det. Vi sparar bara din adress, dina val och när du bekräftade.",
    address: "E-postadress",
    all: "Alla pressmeddelanden",
    publisher: "Utgivare",
    keyword: "Ämne",
    honeypot: "Lämna detta fält tomt",
    submit: "Prenumerera",
    problem: "Prenumerationen kunde inte göras",
    sent: "Tack! Om adressen inte redan prenumererar har vi skickat en bekräftelselänk till den. Prenumerationen börjar när du öppnar länken och bekräftar.",
    confirm_ask: "Bekräfta prenumerationen till den här adressen:",
    confirm: "Bekräfta prenumerationen",
    confirmed: "Prenumerationen är bekräftad. Du får pressmeddelandena per e-post när de publiceras.",
    unsubscribe_ask: "Avsluta prenumerationen för den här adressen:",
    unsubscribe: "Avsluta prenumerationen",
    unsubscribed: "Prenumerationen är avslutad och din adress har tagits bort.",
    bad_link: "Länken har gått ut eller är felaktig, och inget har ändrats. Du kan prenumerera på nytt med formuläret.",
    settings_title: "Din prenumeration",
    settings_intro: "Välj vilka pressmeddelanden du vill ha och på vilket språk. Ta bort bocken för ett ämne du inte längre vill ha och spara.",
    language: "Meddelandenas språk",
    save: "Spara ändringarna",
    saved: "Ändringarna är sparade. Kommande pressmeddelanden skickas enligt dessa val.",
    leave_all: "Du kan också avsluta hela prenumerationen. Din adress tas bort.",
};

const EN: Words = Words {
    title: "Get releases by e-mail",
    intro: "You get the releases by e-mail at the moment they are published. You can unsubscribe at any time: every mail has a link for it. We keep only your address, your choices and when you confirmed.",
    address: "E-mail address",
    all: "All releases",
    publisher: "Publisher",
    keyword: "Topic",
    honeypot: "Leave this field empty",
    submit: "Subscribe",
    problem: "The subscription could not be made",
    sent: "Thank you! If the address does not subscribe yet, we sent it a confirmation link. The subscription starts when you open the link and confirm.",
    confirm_ask: "Confirm the subscription for this address:",
    confirm: "Confirm the subscription",
    confirmed: "The subscription is confirmed. You will get the releases by e-mail at the moment they are published.",
    unsubscribe_ask: "Unsubscribe this address:",
    unsubscribe: "Unsubscribe",
    unsubscribed: "You are unsubscribed, and your address has been deleted.",
    bad_link: "The link has expired or is not valid, and nothing was changed. You can subscribe again with the form.",
    settings_title: "Your subscription",
    settings_intro: "Choose which releases you get and in which language. Untick a topic you no longer want, and save.",
    language: "Language of the e-mails",
    save: "Save the changes",
    saved: "The changes are saved. The next releases follow these choices.",
    leave_all: "You can also end the whole subscription. Your address is deleted.",
};

fn words(lang: &str) -> &'static Words {
    match lang.split('-').next() {
        Some("fi") => &FI,
        Some("sv") => &SV,
        _ => &EN,
    }
}

/// The page for `view` in `lang` (`fi`, `sv`, else English).
pub fn subscribe_page(view: &SubscribeView<'_>, site: &Site, lang: &str) -> String {
    let (l, w) = (labels(lang), words(lang));
    // What a refused form says comes from the checks, in English: marked as such on a page
    // in another language (WCAG 2.1, 3.1.2), after the page's own words for "could not".
    let detail_lang = (words(lang).submit != EN.submit).then_some("en");
    let title = format!("{} | {}", w.title, site.name(l));
    let robots = html! { meta name="robots" content="noindex"; };
    let head = Head {
        lang,
        title: &title,
        description: Some(w.intro),
        canonical: None,
        feeds: None,
        pager: None,
        extra: Some(robots),
    };
    let main = html! {
        h1 { (w.title) }
        @match view {
            SubscribeView::Form { scopes, problem, privacy } => {
                @if let Some(problem) = problem {
                    div.notice.error role="alert" { p { strong { (w.problem) ": " } span lang=[detail_lang] { (problem) } } }
                }
                p { (w.intro) }
                @if let Some(p) = privacy {
                    p { (l.privacy_lead) ": " a href=(p.url) { (p.title) } "." }
                }
                form.subscribe action="/subscribe" method="post" {
                    p {
                        label for="address" { (w.address) } " "
                        input #address type="email" name="address" autocomplete="email" required maxlength="254";
                    }
                    fieldset {
                        legend { (w.title) }
                        @for (i, scope) in offered(scopes).iter().enumerate() {
                            p {
                                input id={"scope" (i)} type="checkbox" name="scope" value=(scope.to_string())
                                    checked[scopes.is_empty() && *scope == Scope::All || scopes.contains(scope)];
                                " " label for={"scope" (i)} { (scope_label(scope, w)) }
                            }
                        }
                    }
                    p.visually-hidden {
                        label for="website" { (w.honeypot) } " "
                        input #website type="text" name="website" autocomplete="off" tabindex="-1";
                    }
                    input type="hidden" name="lang" value=(lang);
                    button type="submit" { (w.submit) }
                }
            }
            SubscribeView::Sent => p role="status" { (w.sent) },
            SubscribeView::ConfirmAsk { action } => {
                form action=(action) method="post" { p { (w.confirm_ask) " " button type="submit" { (w.confirm) } } }
            }
            SubscribeView::Confirmed => p role="status" { (w.confirmed) },
            SubscribeView::UnsubscribeAsk { action } => {
                form action=(action) method="post" {
                    input type="hidden" name="List-Unsubscribe" value="One-Click";
                    p { (w.unsubscribe_ask) " " button type="submit" { (w.unsubscribe) } }
                }
            }
            SubscribeView::Unsubscribed => p role="status" { (w.unsubscribed) },
            SubscribeView::Settings { save, unsubscribe, shown, ticked, chosen, saved, problem } => {
                h2 { (w.settings_title) }
                @if *saved { p role="status" { (w.saved) } }
                @if let Some(problem) = problem {
                    div.notice.error role="alert" { p { strong { (w.problem) ": " } span lang=[detail_lang] { (problem) } } }
                }
                p { (w.settings_intro) }
                form.subscribe action=(save) method="post" {
                    fieldset {
                        legend { (w.settings_title) }
                        @for (i, scope) in shown.iter().enumerate() {
                            p {
                                input id={"scope" (i)} type="checkbox" name="scope" value=(scope.to_string())
                                    checked[ticked.contains(scope)];
                                " " label for={"scope" (i)} { (scope_label(scope, w)) }
                            }
                        }
                    }
                    fieldset {
                        legend { (w.language) }
                        @for (code, name) in LANGUAGE_NAMES {
                            p {
                                input id={"lang-" (code)} type="radio" name="lang" value=(code) checked[*chosen == code];
                                " " label for={"lang-" (code)} lang=(code) { (name) }
                            }
                        }
                    }
                    button type="submit" { (w.save) }
                }
                form action=(unsubscribe) method="post" {
                    input type="hidden" name="List-Unsubscribe" value="One-Click";
                    p { (w.leave_all) " " button type="submit" { (w.unsubscribe) } }
                }
            }
            SubscribeView::BadLink => p role="alert" { (w.bad_link) " " a href="/subscribe" { (w.submit) } },
        }
    };
    layout(&head, l, site, main)
}

/// The scopes the form offers: everything, then the page's own.
fn offered(scopes: &[Scope]) -> Vec<Scope> {
    let mut all = vec![Scope::All];
    all.extend(scopes.iter().filter(|s| **s != Scope::All).cloned());
    all
}

fn scope_label(scope: &Scope, w: &Words) -> String {
    match scope {
        Scope::All => w.all.to_string(),
        Scope::Publisher(slug) => format!("{}: {slug}", w.publisher),
        Scope::Keyword(slug) => format!("{}: {slug}", w.keyword),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_offers_everything_and_the_pages_own_scope() {
        let site = Site { origin: "https://x.fi", name: None };
        let scopes = [Scope::Publisher("kymsote".into())];
        let privacy = Some(crate::mail::PrivacyLink { title: "Tietosuojaseloste", url: "/pages/tietosuojaseloste" });
        let page =
            subscribe_page(&SubscribeView::Form { scopes: &scopes, problem: Some("no @"), privacy }, &site, "fi");
        assert!(page.contains(r#"tietosuojaselosteessa: <a href="/pages/tietosuojaseloste">Tietosuojaseloste</a>."#));
        assert!(page.contains(r#"value="publisher:kymsote" checked"#), "{page}");
        assert!(page.contains(r#"value="all">"#) && page.contains("Julkaisija: kymsote"), "{page}");
        assert!(page.contains("role=\"alert\"") && page.contains(r#"<span lang="en">no @</span>"#), "{page}");
        let sent = subscribe_page(&SubscribeView::Sent, &site, "en");
        assert!(sent.contains("If the address does not subscribe yet") && sent.contains("lang=\"en\""));
    }

    #[test]
    fn the_settings_page_ticks_the_subscribers_topics_and_language_and_offers_leaving() {
        let site = Site { origin: "https://x.fi", name: None };
        let shown = [Scope::All, Scope::Publisher("kymsote".into()), Scope::Keyword("sote".into())];
        let view = SubscribeView::Settings {
            save: "/subscribe/settings?k=k1.00",
            unsubscribe: "/unsubscribe?k=k1.00",
            shown: &shown,
            ticked: &shown[1..2],
            chosen: "sv",
            saved: true,
            problem: None,
        };
        let page = subscribe_page(&view, &site, "sv");
        assert!(
            page.contains(r#"<form class="subscribe" action="/subscribe/settings?k=k1.00" method="post">"#),
            "{page}"
        );
        assert!(page.contains(r#"value="publisher:kymsote" checked"#) && page.contains(r#"value="all">"#), "{page}");
        assert!(page.contains(r#"value="keyword:sote">"#), "{page}");
        assert!(page.contains(r#"value="sv" checked"#) && page.contains(r#"value="fi">"#), "{page}");
        assert!(page.contains(r#"action="/unsubscribe?k=k1.00""#) && page.contains("Ändringarna är sparade"), "{page}");
        assert!(page.contains(r#"name="List-Unsubscribe" value="One-Click""#), "{page}");
    }
}
