//! `newsroom gen`: synthetic content for benchmarks, from a seeded generator.
//!
//! The text is recognisably synthetic Finnish-like filler (words from a fixed list), so it
//! can never be mistaken for a publisher's words; it is written outside `content/`.

use std::fmt::Write as _;

/// What to generate.
pub struct Spec {
    /// Number of releases.
    pub releases: usize,
    /// Number of publishers.
    pub publishers: usize,
    /// Seed of the generator: same seed, same files.
    pub seed: u64,
    /// Body size range in bytes.
    pub body_bytes: (usize, usize),
}

const WORDS: &[&str] = &[
    "hyvinvointialue",
    "palvelu",
    "asukas",
    "kunta",
    "sairaala",
    "päivystys",
    "talous",
    "kehitys",
    "hanke",
    "neuvottelu",
    "henkilöstö",
    "digitaalinen",
    "sosiaalityö",
    "terveys",
    "pelastus",
    "vuosi",
    "alue",
    "toiminta",
    "muutos",
    "tavoite",
    "päätös",
    "kokous",
    "valtuusto",
    "hallitus",
    "lapset",
    "nuoret",
    "perheet",
    "ikäihmiset",
    "hoito",
    "vastaanotto",
    "ajanvaraus",
    "rakennus",
    "peruskorjaus",
    "tilat",
    "yksikkö",
    "osasto",
    "kotihoito",
    "asumispalvelut",
    "kuntoutus",
    "ennaltaehkäisy",
    "tiedote",
    "tulos",
    "arvio",
    "selvitys",
    "ohjelma",
    "yhteistyö",
    "kumppani",
    "verkosto",
    "kysely",
    "palaute",
    "laatu",
    "turvallisuus",
    "valmius",
    "rokotus",
    "neuvola",
    "koulu",
    "terveydenhoitaja",
    "lääkäri",
    "hoitaja",
    "ensihoito",
    "palvelutarve",
    "asiakas",
    "potilas",
    "budjetti",
    "investointi",
    "säästö",
    "rahoitus",
    "aikataulu",
    "kevät",
    "syksy",
    "kesä",
    "talvi",
    "Kotka",
    "Kouvola",
    "Hamina",
    "Pyhtää",
    "Miehikkälä",
    "Virolahti",
    "Kymenlaakso",
];
const KEYWORDS: &[&str] = &[
    "sote",
    "hyvinvointialue",
    "talous",
    "päivystys",
    "sairaala",
    "digipalvelut",
    "henkilöstö",
    "lapset ja nuoret",
    "ikäihmiset",
    "pelastustoimi",
    "kotihoito",
    "rokotukset",
    "aluevaltuusto",
    "aluehallitus",
    "rekrytointi",
    "kehitys",
    "tilat",
    "ensihoito",
    "neuvola",
    "mielenterveys",
    "päihdepalvelut",
    "vammaispalvelut",
    "suun terveys",
    "kuntoutus",
];

/// Every file in memory, as `content/…` source files: the publishers', then the releases'.
pub fn in_memory(spec: &Spec) -> (Vec<crate::content::SourceFile>, Vec<crate::content::SourceFile>) {
    let (mut publishers, mut releases) = (Vec::new(), Vec::new());
    let written: Result<(), std::convert::Infallible> = generate(spec, |path, text| {
        let file = crate::content::SourceFile { path: format!("content/{path}"), text };
        if path.starts_with("publishers/") { &mut publishers } else { &mut releases }.push(file);
        Ok(())
    });
    let Ok(()) = written;
    (publishers, releases)
}

/// Writes every file through `write(relative_path, text)` (paths relative to `content/`).
pub fn generate<E>(spec: &Spec, mut write: impl FnMut(String, String) -> Result<(), E>) -> Result<(), E> {
    let mut rng = fastrand::Rng::with_seed(spec.seed);
    for p in 0..spec.publishers {
        let text = format!(
            "# Synthetic publisher for benchmarks (newsroom gen --seed {}).\nname = \"Testijulkaisija {p}\"\ndescription = \"Synteettinen testijulkaisija {p}\"\nboilerplate = \"{}\"\nwebsite = \"https://example.com/{p}\"\nlanguage = \"fi\"\ntime_zone = \"Europe/Helsinki\"\n\n[[contacts]]\nname = \"Testi Henkilö {p}\"\ntitle = \"viestintäpäällikkö\"\nphone = \"020 000 {p:04}\"\nemail = \"testi{p}@example.com\"\n",
            spec.seed,
            sentence(&mut rng, 20, 30)
        );
        write(format!("publishers/gen-{p}.toml"), text)?;
    }
    // Newest first, one every 37 minutes back from a fixed instant (UTC, so no DST gaps).
    let base = chrono::DateTime::from_timestamp(1_751_274_000, 0).unwrap_or_default(); // 2025-06-30T09:00:00Z
    for n in 0..spec.releases {
        let at = base - chrono::Duration::minutes(37 * n as i64);
        let publisher = rng.usize(0..spec.publishers.max(1));
        let mut picks: Vec<usize> = (0..rng.usize(1..=4)).map(|_| rng.usize(0..KEYWORDS.len())).collect();
        picks.sort_unstable();
        picks.dedup();
        let keywords: Vec<String> = picks.iter().map(|&i| format!("\"{}\"", KEYWORDS[i])).collect();
        let target = rng.usize(spec.body_bytes.0..=spec.body_bytes.1);
        let text = format!(
            "+++\ntitle = \"{}\"\npublisher = \"gen-{publisher}\"\npublished_at = {}\nlead = \"{}\"\nkeywords = [{}]\n+++\n\n{}",
            title(&mut rng),
            at.to_rfc3339(),
            sentence(&mut rng, 20, 35),
            keywords.join(", "),
            body(&mut rng, target)
        );
        write(format!("releases/{}/gen-{n}.md", at.format("%Y")), text)?;
    }
    Ok(())
}

fn word(rng: &mut fastrand::Rng) -> &'static str {
    WORDS[rng.usize(0..WORDS.len())]
}

fn title(rng: &mut fastrand::Rng) -> String {
    let mut s = sentence(rng, 5, 11);
    s.pop(); // no full stop in titles
    s
}

fn sentence(rng: &mut fastrand::Rng, min: usize, max: usize) -> String {
    let n = rng.usize(min..=max);
    let mut out = String::new();
    for i in 0..n {
        let w = word(rng);
        if i == 0 {
            let mut chars = w.chars();
            if let Some(first) = chars.next() {
                out.extend(first.to_uppercase());
                out.push_str(chars.as_str());
            }
        } else {
            out.push(' ');
            out.push_str(w);
        }
    }
    out.push('.');
    out
}

fn body(rng: &mut fastrand::Rng, target: usize) -> String {
    let mut out = String::new();
    while out.len() < target {
        match rng.usize(0..10) {
            0 => {
                let _ = writeln!(out, "## {}\n", title(rng));
            }
            1 => {
                let _ = writeln!(out, "– {} Näin toteaa testihenkilö.\n", sentence(rng, 12, 25));
            }
            2 => {
                for _ in 0..rng.usize(2..=4) {
                    let _ = writeln!(out, "- {}", sentence(rng, 6, 14));
                }
                out.push('\n');
            }
            _ => {
                let paragraph: Vec<String> = (0..rng.usize(2..=5)).map(|_| sentence(rng, 8, 20)).collect();
                let _ = writeln!(out, "{}\n", paragraph.join(" "));
            }
        }
    }
    out
}
