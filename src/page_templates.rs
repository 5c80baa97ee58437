//! `newsroom new page NAME`: the accessibility statement and the privacy notice a Finnish
//! public body must publish, as templates to fill in, in Finnish, Swedish and English.
//!
//! The accessibility statement follows the structure of the model statement (Commission
//! Implementing Decision (EU) 2018/1523, as saavutettavuusvaatimukset.fi presents it):
//! compliance status, what is not accessible and why, how and when the statement was made,
//! feedback, and the enforcement procedure with the supervisory authority. The privacy
//! notice follows GDPR Article 13 and is pre-filled with what this software keeps and for how
//! long, taken from the constants the code uses (so a change of retention changes the
//! text). What only the publisher knows is a `<<…>>` placeholder that `check` warns about.

use contract::pages::PageRole;
use contract::subscription::CONFIRM_VALID_HOURS;
use mailing::delivery::CLAIMS_KEPT_DAYS;
use mailing::notices::NOTICES_KEPT_DAYS;

/// A page `newsroom new page` knows by name: its role, language and the name of the same
/// page in the other languages.
pub struct Known {
    /// The file name without `.md`.
    pub slug: &'static str,
    /// What the page is.
    pub role: PageRole,
    /// Its language.
    pub lang: &'static str,
    /// Its title.
    pub title: &'static str,
}

/// Every page the command writes from a model.
pub const KNOWN: [Known; 6] = [
    Known {
        slug: "saavutettavuusseloste",
        role: PageRole::AccessibilityStatement,
        lang: "fi",
        title: "Saavutettavuusseloste",
    },
    Known {
        slug: "tillganglighetsutlatande",
        role: PageRole::AccessibilityStatement,
        lang: "sv",
        title: "Tillgänglighetsutlåtande",
    },
    Known {
        slug: "accessibility-statement",
        role: PageRole::AccessibilityStatement,
        lang: "en",
        title: "Accessibility statement",
    },
    Known { slug: "tietosuojaseloste", role: PageRole::PrivacyNotice, lang: "fi", title: "Tietosuojaseloste" },
    Known { slug: "dataskyddsbeskrivning", role: PageRole::PrivacyNotice, lang: "sv", title: "Dataskyddsbeskrivning" },
    Known { slug: "privacy-notice", role: PageRole::PrivacyNotice, lang: "en", title: "Privacy notice" },
];

/// The known page named `slug`.
pub fn known(slug: &str) -> Option<&'static Known> {
    KNOWN.iter().find(|k| k.slug == slug)
}

/// The file name of model `k` for `publisher` (`kymsote-tietosuojaseloste`: a publisher's
/// own page beside the site's) or the whole site (`tietosuojaseloste`).
pub fn slug_for(k: &Known, publisher: Option<&str>) -> String {
    match publisher {
        Some(p) => format!("{p}-{}", k.slug),
        None => k.slug.to_string(),
    }
}

/// The whole file of known page `k`, updated `today`, for `publisher` (its own page) or the
/// whole site, titled `title` (default: the model's), naming as its translations the models
/// of its role (for the same owner) that `exists` says are written already (a translation
/// names the other both ways, so naming one is enough).
pub fn file(
    k: &Known,
    (today, title): (&str, Option<&str>),
    publisher: Option<&str>,
    exists: impl Fn(&str) -> bool,
) -> String {
    let translations: Vec<String> = KNOWN
        .iter()
        .filter(|o| o.role == k.role && o.lang != k.lang)
        .map(|o| slug_for(o, publisher))
        .filter(|slug| exists(slug))
        .map(|slug| format!("\"{slug}\""))
        .collect();
    let owner = match publisher {
        Some(p) => format!("publisher = \"{p}\"\n"),
        None => {
            "# publisher = \"...\"   (a publisher's own page, shown on its own host instead of the site's)\n".into()
        }
    };
    format!(
        "+++\n\
         # Made by `newsroom new page`: a model to complete. Replace every <<...>> with your own text;\n\
         # `newsroom check` lists the pages where one remains, until every one is replaced.\n\
         title = {title}\n\
         language = \"{lang}\"\n\
         role = \"{role}\"\n\
         {owner}\
         # When you last changed the text: shown on the page and used by caches.\n\
         updated_at = {today}\n\
         translations = [{translations}]\n\
         +++\n\n{body}",
        title = toml_string(title.unwrap_or(k.title)),
        lang = k.lang,
        role = k.role.id(),
        translations = translations.join(", "),
        body = body(k),
    )
}

/// A page that is not one of the known ones: a title and a paragraph to replace.
pub fn blank(title: &str, lang: &str, today: &str, publisher: Option<&str>) -> String {
    let owner = publisher.map(|p| format!("publisher = \"{p}\"\n")).unwrap_or_default();
    format!(
        "+++\n\
         # Made by `newsroom new page`. Every field is explained in docs/publishing.md (\"Pages\").\n\
         title = {title}\n\
         language = \"{lang}\"\n\
         {owner}\
         updated_at = {today}\n\
         # Linked from the footer of every page in its language:\n\
         footer = true\n\
         +++\n\n<<{fill}>>\n",
        title = toml_string(title),
        fill = match lang.split('-').next() {
            Some("fi") => "täydennä: sivun teksti",
            Some("sv") => "fyll i: sidans text",
            _ => "fill in: the text of the page",
        },
    )
}

/// A TOML basic string.
pub fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn body(k: &Known) -> String {
    match (k.role, k.lang) {
        (PageRole::AccessibilityStatement, "fi") => STATEMENT_FI.to_string(),
        (PageRole::AccessibilityStatement, "sv") => STATEMENT_SV.to_string(),
        (PageRole::AccessibilityStatement, _) => STATEMENT_EN.to_string(),
        (PageRole::PrivacyNotice, lang) => privacy(lang),
    }
}

/// The model's facts the software can vouch for: how every page is checked on every change.
const STATEMENT_FI: &str = "\
Tämä saavutettavuusseloste koskee <<täydennä: organisaation nimi>> uutishuonetta osoitteessa \
<<täydennä: sivuston osoite>>. Saavutettavuusvaatimuksista säädetään digitaalisten palvelujen \
tarjoamisesta annetussa laissa (306/2019).

## Saavutettavuuden tila

Uutishuone täyttää WCAG 2.1 -ohjeiston A- ja AA-tason vaatimukset <<täydennä: kokonaan / osittain>>.

## Ei-saavutettava sisältö

<<täydennä: mikä sisältö ei ole saavutettavaa ja miksi, esimerkiksi liitteinä julkaistut PDF-tiedostot, joita ei ole tehty saavutettaviksi, sekä miten tiedot saa saavutettavassa muodossa. Jos puutteita ei ole, kirjoita: Emme ole havainneet puutteita.>>

## Miten saavutettavuutta on arvioitu

Uutishuoneen sivut tarkistetaan automaattisesti jokaisen ohjelmistomuutoksen yhteydessä: \
axe-core-tarkistus, Nu Html Checker ja Lighthouse. Julkaisujärjestelmä vaatii jokaiseen kuvaan \
tekstivastineen. <<täydennä: itsearvio vai ulkopuolisen asiantuntijan arvio, ja milloin se tehtiin>>

Seloste on laadittu <<täydennä: päivämäärä>> ja päivitetty viimeksi <<täydennä: päivämäärä>>.

## Palaute

Jos huomaat uutishuoneessa saavutettavuuspuutteen, kerro siitä meille: \
<<täydennä: sähköpostiosoite tai verkkolomake, ja yksikkö, joka käsittelee palautteen>>. \
Vastaamme 14 päivän kuluessa.

## Valvontaviranomainen

Jos et ole tyytyväinen saamaasi vastaukseen tai et saa vastausta kahden viikon kuluessa, voit \
tehdä ilmoituksen valvontaviranomaiselle. Saavutettavuutta valvoo Liikenne- ja viestintävirasto \
Traficom.

Liikenne- ja viestintävirasto Traficom, saavutettavuusvalvonta  
www.saavutettavuusvaatimukset.fi  
kirjaamo@traficom.fi  
puhelinvaihde 029 534 5000
";

const STATEMENT_SV: &str = "\
Detta tillgänglighetsutlåtande gäller nyhetsrummet för <<fyll i: organisationens namn>> på \
<<fyll i: webbplatsens adress>>. Tillgänglighetskraven regleras i lagen om tillhandahållande av \
digitala tjänster (306/2019).

## Tillgänglighetsstatus

Nyhetsrummet uppfyller kraven på nivå A och AA i WCAG 2.1 <<fyll i: helt / delvis>>.

## Innehåll som inte är tillgängligt

<<fyll i: vilket innehåll som inte är tillgängligt och varför, till exempel PDF-bilagor som inte har gjorts tillgängliga, och hur man kan få uppgifterna i tillgänglig form. Om inga brister finns, skriv: Vi har inte upptäckt några brister.>>

## Hur tillgängligheten har bedömts

Nyhetsrummets sidor kontrolleras automatiskt vid varje programändring: axe-core, Nu Html \
Checker och Lighthouse. Publiceringssystemet kräver en textbeskrivning för varje bild. \
<<fyll i: självbedömning eller bedömning av en extern expert, och när den gjordes>>

Utlåtandet har utarbetats <<fyll i: datum>> och uppdaterades senast <<fyll i: datum>>.

## Respons

Om du upptäcker brister i tillgängligheten, meddela oss: <<fyll i: e-postadress eller \
webbformulär, och enheten som behandlar responsen>>. Vi svarar inom 14 dagar.

## Tillsynsmyndighet

Om du inte är nöjd med svaret eller inte får något svar inom två veckor kan du anmäla saken \
till tillsynsmyndigheten. Tillgängligheten övervakas av Transport- och kommunikationsverket \
Traficom.

Transport- och kommunikationsverket Traficom, tillgänglighetstillsynen  
www.tillganglighetskrav.fi  
kirjaamo@traficom.fi  
växel 029 534 5000
";

const STATEMENT_EN: &str = "\
This accessibility statement applies to the newsroom of <<fill in: organisation name>> at \
<<fill in: site address>>. The accessibility requirements are laid down in the Act on the \
Provision of Digital Services (306/2019).

## Compliance status

The newsroom meets the level A and AA requirements of WCAG 2.1 <<fill in: fully / partially>>.

## Non-accessible content

<<fill in: what content is not accessible and why, for example PDF attachments that have not been made accessible, and how to get the information in an accessible form. If there are no shortcomings, write: We have found no shortcomings.>>

## How accessibility was assessed

The newsroom's pages are checked automatically on every change of the software: axe-core, the \
Nu Html Checker and Lighthouse. The publishing system requires a text alternative for every \
image. <<fill in: self-assessment or assessment by an outside expert, and when it was made>>

This statement was prepared on <<fill in: date>> and last updated on <<fill in: date>>.

## Feedback

If you notice an accessibility problem in the newsroom, tell us: <<fill in: e-mail address or \
web form, and the unit that handles the feedback>>. We answer within 14 days.

## Enforcement procedure

If you are not satisfied with our answer, or get none within two weeks, you can notify the \
supervisory authority, the Finnish Transport and Communications Agency Traficom.

Finnish Transport and Communications Agency Traficom, accessibility supervision  
www.webaccessibility.fi  
kirjaamo@traficom.fi  
switchboard +358 29 534 5000
";

/// The privacy notice in `lang`, with the software's own retention figures.
fn privacy(lang: &str) -> String {
    let (pending, claims, notices) = (CONFIRM_VALID_HOURS, CLAIMS_KEPT_DAYS, NOTICES_KEPT_DAYS);
    match lang {
        "fi" => format!(
            "\
Tämä tietosuojaseloste kertoo, miten uutishuone käsittelee henkilötietoja (EU:n yleinen \
tietosuoja-asetus, 13 artikla).

## Rekisterinpitäjä

<<täydennä: organisaation nimi, osoite ja yhteystiedot>>

## Tietosuojavastaava

<<täydennä: tietosuojavastaavan nimi ja yhteystiedot>>

## Mitä tietoja käsittelemme ja miksi

**Tiedotteiden tilaajat.** Kun tilaat tiedotteet sähköpostiisi, tallennamme sähköpostiosoitteesi, \
valitsemasi aiheet ja kielen, vahvistusajan sekä ajan, jolloin vahvistusviesti lähetettiin. \
Tietoja käytetään vain tiedotteiden lähettämiseen. Käsittelyn peruste on suostumuksesi, jonka \
annat vahvistamalla tilauksen; voit perua sen milloin tahansa jokaisen viestin peruutuslinkistä.

**Toimittajien medialista.** Embargotiedotteita saavista toimittajista tallennamme \
sähköpostiosoitteen, nimen, tiedotusvälineen, käyttöoikeuden päättymisajan, lisäys- ja \
peruutusajan, sen, kuinka monta kertaa henkilökohtaisia linkkejä on avattu, sekä lähetetyt \
embargoilmoitukset. Tietoja käytetään tiedotteiden toimittamiseen ennen julkaisuhetkeä. \
Käsittelyn peruste: <<täydennä: esimerkiksi yleisen edun mukainen tehtävä tai oikeutettu etu>>.

Tilaajista emme tallenna IP-osoitteita, nimiä, viestien avauksia emmekä linkkien klikkauksia. \
Tietoja ei käytetä automaattiseen päätöksentekoon eikä profilointiin.

## Kuinka kauan tietoja säilytetään

- Vahvistamaton osoite poistetaan, kun vahvistuslinkki vanhenee ({pending} tunnin kuluttua).
- Tilaajan tiedot säilyvät, kunnes perut tilauksen tai pyydät niiden poistamista.
- Tieto siitä, mikä tiedote on lähetetty kullekin tilaajalle, poistetaan {claims} päivän kuluttua.
- Medialistan tiedot säilyvät, kunnes pyydät niiden poistamista tai \
<<täydennä: organisaation säilytyskäytäntö>>.
- Tiedot lähetetyistä embargoilmoituksista poistetaan {notices} päivän kuluttua viimeisestä \
ilmoitetusta julkaisuhetkestä.

## Tietojen vastaanottajat

Uutishuone toimii Cloudflare, Inc:n palvelussa, joka käsittelee tietoja lukuumme. Sähköpostit \
lähettää <<täydennä: sähköpostipalvelun tarjoaja>>. <<täydennä: siirretäänkö tietoja EU:n \
ja ETA:n ulkopuolelle ja millä perusteella>>

## Oikeutesi

Sinulla on oikeus saada pääsy tietoihisi, oikaista ne, poistaa ne, rajoittaa niiden käsittelyä \
ja vastustaa käsittelyä sekä peruuttaa suostumuksesi. Pyynnöt: <<täydennä: yhteystieto \
pyynnöille>>.

## Valvontaviranomainen

Voit tehdä valituksen valvontaviranomaiselle, jos katsot, että henkilötietojesi käsittely \
rikkoo tietosuoja-asetusta.

Tietosuojavaltuutetun toimisto  
www.tietosuoja.fi  
tietosuoja@om.fi
"
        ),
        "sv" => format!(
            "\
Denna dataskyddsbeskrivning berättar hur nyhetsrummet behandlar personuppgifter (EU:s \
allmänna dataskyddsförordning, artikel 13).

## Personuppgiftsansvarig

<<fyll i: organisationens namn, adress och kontaktuppgifter>>

## Dataskyddsombud

<<fyll i: dataskyddsombudets namn och kontaktuppgifter>>

## Vilka uppgifter vi behandlar och varför

**Prenumeranter.** När du prenumererar på pressmeddelanden per e-post sparar vi din \
e-postadress, de ämnen och det språk du valt, när du bekräftade och när bekräftelsemeddelandet \
skickades. Uppgifterna används bara för att skicka pressmeddelanden. Grunden är ditt samtycke, \
som du ger genom att bekräfta prenumerationen; du kan återkalla det när som helst med länken i \
varje meddelande.

**Mediernas lista.** Om journalister som får pressmeddelanden under embargo sparar vi \
e-postadress, namn, medium, när åtkomsten upphör, när de lades till och när åtkomsten \
återkallades, hur många gånger de personliga länkarna har öppnats samt skickade \
embargomeddelanden. Grund: <<fyll i: till exempel uppgift av allmänt intresse eller berättigat \
intresse>>.

Om prenumeranter sparar vi inte IP-adresser, namn, öppningar eller klick. Uppgifterna används \
inte för automatiserat beslutsfattande eller profilering.

## Hur länge uppgifterna sparas

- En obekräftad adress raderas när bekräftelselänken går ut (efter {pending} timmar).
- En prenumerants uppgifter sparas tills du avslutar prenumerationen eller begär radering.
- Uppgiften om vilket pressmeddelande som skickats till vem raderas efter {claims} dagar.
- Mediernas lista sparas tills du begär radering eller <<fyll i: organisationens praxis>>.
- Uppgifter om skickade embargomeddelanden raderas {notices} dagar efter den senast meddelade \
publiceringstidpunkten.

## Mottagare

Nyhetsrummet körs hos Cloudflare, Inc., som behandlar uppgifterna för vår räkning. E-posten \
skickas av <<fyll i: e-posttjänstens leverantör>>. <<fyll i: om uppgifter överförs utanför \
EU och EES och på vilken grund>>

## Dina rättigheter

Du har rätt att få tillgång till dina uppgifter, få dem rättade eller raderade, begränsa och \
invända mot behandlingen samt återkalla ditt samtycke. Begäranden: <<fyll i: kontaktuppgift>>.

## Tillsynsmyndighet

Du kan lämna in klagomål till tillsynsmyndigheten om du anser att behandlingen av dina \
personuppgifter strider mot dataskyddsförordningen.

Dataombudsmannens byrå  
www.tietosuoja.fi/sv  
tietosuoja@om.fi
"
        ),
        _ => format!(
            "\
This privacy notice tells how the newsroom processes personal data (EU General Data \
Protection Regulation, Article 13).

## Controller

<<fill in: organisation name, address and contact details>>

## Data protection officer

<<fill in: the data protection officer's name and contact details>>

## What we process and why

**Subscribers.** When you subscribe to releases by e-mail, we keep your e-mail address, the \
topics and language you chose, when you confirmed and when the confirmation mail was sent. \
They are used only to send you releases. The basis is your consent, given by confirming the \
subscription; you can withdraw it at any time with the link in every mail.

**The media list.** Of journalists who get releases under embargo we keep the e-mail address, \
name, outlet, when access ends, when they were added and when access was revoked, how many \
times their personal links were opened, and the embargo notices sent. The basis: <<fill in: \
for example a task in the public interest or legitimate interest>>.

Of subscribers we keep no IP addresses, names, opens or clicks. The data is not used for \
automated decision-making or profiling.

## How long we keep it

- An address that is not confirmed is deleted when its confirmation link expires (after \
{pending} hours).
- A subscriber's data is kept until you unsubscribe or ask for it to be erased.
- Which release was sent to which subscriber is deleted after {claims} days.
- The media list is kept until you ask for erasure or <<fill in: your organisation's practice>>.
- Records of embargo notices sent are deleted {notices} days after the last moment of \
publication announced.

## Recipients

The newsroom runs on Cloudflare, Inc., which processes the data on our behalf. The e-mails are \
sent by <<fill in: e-mail provider>>. <<fill in: whether data is transferred outside the EU \
and EEA, and on what basis>>

## Your rights

You have the right to access your data, to have it rectified or erased, to restrict and object \
to its processing, and to withdraw your consent. Requests: <<fill in: contact for requests>>.

## Supervisory authority

You can lodge a complaint with the supervisory authority if you consider that the processing \
of your personal data infringes the GDPR.

Office of the Data Protection Ombudsman  
www.tietosuoja.fi/en  
tietosuoja@om.fi
"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use publish::content::parse_page;

    #[test]
    fn every_model_checks_and_leaves_placeholders_to_fill_in() {
        for k in &KNOWN {
            let text = file(k, ("2026-12-07", None), None, |slug| slug.ends_with('e'));
            let page = parse_page(&format!("content/pages/{}.md", k.slug), &text, &Default::default())
                .unwrap_or_else(|e| panic!("{}: {e:?}\n{text}", k.slug));
            assert_eq!((page.role, page.lang.as_str(), page.footer), (Some(k.role), k.lang, true), "{}", k.slug);
            let others = KNOWN.iter().filter(|o| o.role == k.role && o.slug != k.slug && o.slug.ends_with('e'));
            assert_eq!(page.translations.1.len(), others.count(), "{}", k.slug);
            assert!(!page.placeholders.is_empty(), "{}", k.slug);
        }
    }

    #[test]
    fn the_privacy_notice_states_the_retention_the_code_uses() {
        let fi = privacy("fi");
        assert!(fi.contains(&format!("({CONFIRM_VALID_HOURS} tunnin kuluttua)")), "{fi}");
        assert!(fi.contains(&format!("poistetaan {CLAIMS_KEPT_DAYS} päivän kuluttua")), "{fi}");
        assert!(fi.contains(&format!("poistetaan {NOTICES_KEPT_DAYS} päivän kuluttua")), "{fi}");
        for heading in ["## Rekisterinpitäjä", "## Tietosuojavastaava", "## Oikeutesi", "## Valvontaviranomainen"] {
            assert!(fi.contains(heading), "{heading}");
        }
    }
}
