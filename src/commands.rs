//! The command line: every command and option of `newsroom`, as clap reads them (their doc
//! comments are the `--help` texts), and the option groups several commands share.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Parser, Subcommand};

use crate::report::{Color, Format};
use crate::wrangler::{Kv, Target};
use crate::{d1, media, settings, subscribers};

/// Publish press releases to the edge newsroom.
///
/// Publishers write Markdown files under content/releases/ (one per release) and TOML files
/// under content/publishers/; `newsroom` checks them and uploads them to Workers KV through
/// wrangler. Nothing is uploaded unless every file checks clean.
///
/// Exit codes: 0 success; 1 content errors (nothing was written or uploaded); 2 usage,
/// I/O or wrangler errors.
#[derive(Parser)]
#[command(version, about, long_about, after_help = EXAMPLES)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

const EXAMPLES: &str = "\
Examples:
  newsroom new --publisher kymenlaakson-hyvinvointialue \"Päivystys muuttaa\"
  newsroom check
  newsroom check --format json
  newsroom status
  newsroom publish --dry-run
  newsroom publish --remote --env production";

/// How content problems are shown.
#[derive(Args, Clone, Copy, Default)]
pub(crate) struct Diagnostics {
    /// `human` (rustc-style, with the source line), `short` (`path:line:column: message`)
    /// or `json` (one document on stdout, for editors and CI).
    #[arg(long, value_enum, default_value = "human")]
    pub(crate) format: Format,
    /// Colours in human output.
    #[arg(long, value_enum, default_value = "auto")]
    pub(crate) color: Color,
}

/// Which KV namespace to talk to.
#[derive(Args, Clone)]
pub(crate) struct Namespace {
    /// Local KV, as `make dev` serves it (the default).
    #[arg(long, conflicts_with = "remote")]
    pub(crate) local: bool,
    /// The namespace on Cloudflare of environment `--env NAME` (needs CLOUDFLARE_API_TOKEN
    /// and that environment's namespace id in wrangler.toml).
    #[arg(long)]
    pub(crate) remote: bool,
    /// Folder of local KV state (`wrangler dev --persist-to`).
    #[arg(long, default_value = ".wrangler/state", conflicts_with = "remote")]
    pub(crate) persist_to: PathBuf,
    /// The KV binding in wrangler.toml.
    #[arg(long, default_value = "RELEASES")]
    pub(crate) binding: String,
    /// A wrangler.toml environment, e.g. `staging` or `production`.
    #[arg(long)]
    pub(crate) env: Option<String>,
    #[command(flatten)]
    pub(crate) deployment: Deployment,
}

/// Where the deployment's settings (`[vars]`) are read from.
#[derive(Args, Clone)]
pub(crate) struct Deployment {
    /// The wrangler configuration whose `[vars]` (or `[env.NAME.vars]`) set page and feed
    /// sizes, the site's name and language, BASE_URL and WEBSUB_HUB.
    #[arg(long, default_value = "wrangler.toml")]
    pub(crate) wrangler_config: PathBuf,
}

impl Deployment {
    pub(crate) fn config(&self, env: Option<&str>, overrides: &[(&str, &str)]) -> Result<contract::config::Config> {
        settings::load(&self.wrangler_config, env, overrides)
    }
}

impl Namespace {
    /// The namespace to talk to; a remote one only with an environment whose namespace id
    /// is real ([`settings::check_remote`]).
    pub(crate) fn kv(&self) -> Result<Kv> {
        if self.remote {
            settings::check_remote(&self.deployment.wrangler_config, self.env.as_deref(), &self.binding)?;
        }
        let target = if self.remote { Target::Remote } else { Target::Local(self.persist_to.clone()) };
        let bucket = settings::media_bucket(&self.deployment.wrangler_config, self.env.as_deref())?;
        Ok(Kv { target, binding: self.binding.clone(), env: self.env.clone(), bucket })
    }
}

/// `newsroom new page`.
#[derive(Subcommand)]
pub(crate) enum NewPage {
    /// Create a page that is not a release: content/pages/NAME.md, at /pages/NAME.
    ///
    /// The pages a public body must publish come as models to complete, with what this
    /// software keeps already filled in: `saavutettavuusseloste`, `tillganglighetsutlatande`,
    /// `accessibility-statement` (the accessibility statement), `tietosuojaseloste`,
    /// `dataskyddsbeskrivning`, `privacy-notice` (the privacy notice). Any other NAME gives
    /// a blank page. Never overwrites a file.
    #[command(
        after_help = "Examples:\n  newsroom new page tietosuojaseloste\n  newsroom new page dataskyddsbeskrivning\n  newsroom new page tietoa-uutishuoneesta --title \"Tietoa uutishuoneesta\""
    )]
    Page {
        /// The file name without `.md` (a known model's name, or any slug).
        name: String,
        /// The title of a page that is not a model (default: NAME).
        #[arg(long)]
        title: Option<String>,
        /// The language of a page that is not a model (default: `fi`).
        #[arg(long)]
        language: Option<String>,
        /// A publisher's own page, shown on its own host instead of the site's.
        #[arg(long)]
        publisher: Option<String>,
        /// The content folder.
        #[arg(long, default_value = "content")]
        content: PathBuf,
    },
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Create a release file to fill in: content/releases/<date>-<title-words>.md.
    ///
    /// The date and time are now, in the publisher's time zone; the language is the
    /// publisher's. The file is a draft (`draft = true`) with an empty lead and body, so
    /// `newsroom check` tells what is still to write. Never overwrites a file.
    #[command(
        after_help = "Examples:\n  newsroom new --publisher kymenlaakson-hyvinvointialue \"Päivystys muuttaa Kotkassa\"\n  newsroom new page tietosuojaseloste",
        args_conflicts_with_subcommands = true,
        subcommand_negates_reqs = true
    )]
    New {
        /// `page NAME`: a content page instead of a release.
        #[command(subcommand)]
        page: Option<NewPage>,
        /// The publisher's slug (its file name in content/publishers/ without `.toml`).
        #[arg(long, required = true)]
        publisher: Option<String>,
        /// The headline, as it will be published.
        #[arg(required = true)]
        title: Option<String>,
        /// Type: tiedote, uutinen, artikkeli, tapahtuma or blogi.
        #[arg(long = "type", default_value = "tiedote")]
        kind: String,
        /// The language of the text (`fi`, `sv`, `en`, ...); default: the publisher's.
        #[arg(long)]
        language: Option<String>,
        /// The content folder.
        #[arg(long, default_value = "content")]
        content: PathBuf,
    },
    /// Check every publisher and release and show each problem with its file, line and column.
    #[command(
        after_help = "Examples:\n  newsroom check\n  newsroom check --format short\n  newsroom check --format json > problems.json"
    )]
    Check {
        /// The content folder (holding `publishers/`, `releases/` and `media/`), or a file in it
        /// (the whole folder is checked: a release is checked with its publisher and translations).
        #[arg(default_value = "content")]
        content: PathBuf,
        /// Ready for production: timing warnings are errors (translations going live at
        /// different moments), and so is a missing accessibility statement or privacy notice
        /// (the workflows use it).
        #[arg(long)]
        strict: bool,
        #[command(flatten)]
        diagnostics: Diagnostics,
    },
    /// Check, then write the KV upload files for `wrangler kv bulk put`.
    ///
    /// Writes OUT/kv-0-media.json (the media files, base64; also as plain files in
    /// OUT/media/), OUT/kv-1-releases.json, OUT/kv-2-indexes.json,
    /// OUT/kv-3-delete.json (keys for `wrangler kv bulk delete`) and OUT/kv-4-manifest.json,
    /// to be applied in that order, so no index ever points to a missing record and
    /// an interrupted publish can simply be run again. Stale keys and removed releases (which
    /// then answer 410 Gone) are found by comparing with the manifest of the previous build,
    /// as stored in KV under `build:manifest`. The same input gives byte-identical files.
    /// `newsroom publish` does all of this and the upload.
    #[command(
        after_help = "Example:\n  newsroom build content --out build/kv --previous build/previous-manifest.json"
    )]
    Build {
        /// The content folder.
        #[arg(default_value = "content")]
        content: PathBuf,
        /// Folder for the upload files (kv-*.json, and the media files under media/).
        #[arg(long, default_value = "build/kv")]
        out: PathBuf,
        /// The previous build's manifest (the value of `build:manifest`); without it nothing
        /// is deleted.
        #[arg(long)]
        previous: Option<PathBuf>,
        /// A wrangler.toml environment whose `[vars]` to build with.
        #[arg(long)]
        env: Option<String>,
        /// Delete the tombstone of this removed release (a legal takedown): its address then
        /// answers 404, not 410 with its title. Repeatable.
        #[arg(long, value_name = "SLUG")]
        purge: Vec<String>,
        #[command(flatten)]
        deployment: Deployment,
        #[command(flatten)]
        diagnostics: Diagnostics,
    },
    /// Check, build and upload to KV through `npx wrangler`, in the safe order.
    ///
    /// Media, then releases, then lists and feeds, then deletion of keys that only the
    /// previous build wrote, then the build manifest: readers never meet a link to a missing
    /// release, and a publish that is interrupted completes when run again. Only new and
    /// changed keys are uploaded (compared by the digest each key carries as KV metadata), in
    /// bulk files within KV's limits (10,000 pairs). Content errors stop it before anything
    /// is uploaded.
    #[command(
        after_help = "Examples:\n  newsroom publish                 # local KV, as `make dev` serves it\n  newsroom publish --dry-run       # what would change\n  newsroom publish --remote --env staging     # Cloudflare (CLOUDFLARE_API_TOKEN)\n  newsroom publish --remote --env production"
    )]
    Publish {
        /// The content folder.
        #[arg(default_value = "content")]
        content: PathBuf,
        #[command(flatten)]
        namespace: Namespace,
        /// Build and compare, print what would change, upload nothing.
        #[arg(long)]
        dry_run: bool,
        /// Folder for the upload files.
        #[arg(long, default_value = "build/kv")]
        out: PathBuf,
        /// A bulk file uploaded as it is, with the lists (test fixtures).
        #[arg(long, hide = true)]
        extra: Vec<PathBuf>,
        /// Stop after a stage (media, releases, indexes, deletions), as an interrupted publish would (tests).
        #[arg(long, hide = true, value_parser = ["media", "releases", "indexes", "deletions"])]
        stop_after: Option<String>,
        /// Wait before the deletions until this file exists (tests of concurrent publishes).
        #[arg(long, hide = true)]
        pause_before_deletions: Option<PathBuf>,
        /// The WebSub hub to ping for every changed feed (default: WEBSUB_HUB of wrangler.toml).
        #[arg(long)]
        websub_hub: Option<String>,
        /// The newsroom's public URL, naming the feeds in pings (default: BASE_URL of wrangler.toml).
        #[arg(long)]
        base_url: Option<String>,
        /// Delete the tombstone of this removed release (a legal takedown): its address then
        /// answers 404, not 410 with its title, once caches expire. Repeatable.
        #[arg(long, value_name = "SLUG")]
        purge: Vec<String>,
        /// Ready for production: timing warnings are errors (a new release dated more than a
        /// day back, translations going live at different moments), and so is a missing
        /// accessibility statement or privacy notice (the workflows use it).
        #[arg(long)]
        strict: bool,
        /// With --dry-run: also list every storage key that would be written or deleted.
        #[arg(long, requires = "dry_run")]
        keys: bool,
        /// Judge the timing of these releases only (slug or file path; repeatable): a pull
        /// request's own, on a staging namespace that other pull requests publish to too.
        #[arg(long, value_name = "SLUG")]
        timing_of: Vec<String>,
        #[command(flatten)]
        diagnostics: Diagnostics,
    },
    /// Compare content/ with what the KV namespace holds: new, changed and stale keys.
    ///
    /// Reads only the key list (`wrangler kv key list`), never the values. Prints one line
    /// per key that differs (`new`, `changed`, `stale`) on stdout and a summary on stderr.
    #[command(after_help = "Examples:\n  newsroom status\n  newsroom status --remote --env production")]
    Status {
        /// The content folder.
        #[arg(default_value = "content")]
        content: PathBuf,
        #[command(flatten)]
        namespace: Namespace,
        #[command(flatten)]
        diagnostics: Diagnostics,
    },
    /// Each publisher's media list: accredited journalists who get its releases under
    /// embargo, each with a personal key (docs/media-embargo.md).
    #[command(
        after_help = "Examples:\n  newsroom media add toimittaja@example.fi --publisher kymsote --name \"Maija Toimittaja\" --outlet \"Kouvolan Sanomat\" --until 2027-06-30\n  newsroom media list --publisher kymsote --remote --env production\n  newsroom media revoke toimittaja@example.fi --publisher kymsote --remote --env production"
    )]
    Media {
        #[command(subcommand)]
        action: media::Action,
        #[command(flatten)]
        database: d1::Location,
        /// The content folder, to check the publisher.
        #[arg(long, global = true, default_value = "content")]
        content: PathBuf,
        #[command(flatten)]
        deployment: Deployment,
    },
    /// What became of the mail (per release: sent, refused, bounced, failed) and sending
    /// again the jobs that failed at every try (docs/subscriptions.md, "When mail did not go out").
    #[command(
        after_help = "Examples:\n  newsroom mail report\n  newsroom mail report 2026-12-07-talousarvio --remote --env production\n  newsroom mail retry --remote --env production"
    )]
    Mail {
        #[command(subcommand)]
        action: crate::mail::Action,
        #[command(flatten)]
        database: d1::Location,
    },
    /// Social media: what became of releases' posts on Mastodon and Bluesky and of the
    /// publishers' feeds, trying failed posts again, and checking the credentials without
    /// posting (docs/social.md).
    #[command(
        after_help = "Examples:\n  newsroom social test --env production\n  newsroom social report --remote --env production\n  newsroom social retry --remote --env production"
    )]
    Social {
        #[command(subcommand)]
        action: crate::social::Action,
        #[command(flatten)]
        database: d1::Location,
    },
    /// E-mail subscribers in the D1 database: count, export one address (GDPR access),
    /// delete one address (GDPR erasure).
    #[command(
        after_help = "Examples:\n  newsroom subscribers count\n  newsroom subscribers export matti@example.fi --remote --env production\n  newsroom subscribers delete matti@example.fi --remote --env production"
    )]
    Subscribers {
        #[command(subcommand)]
        action: subscribers::Action,
        #[command(flatten)]
        database: d1::Location,
    },
    /// Print a secret preview URL for an uploaded scheduled release or draft, or with --local
    /// serve it from your files without uploading anything.
    ///
    /// The token is an HMAC-SHA256 over the slug and the expiry, keyed with PREVIEW_SECRET
    /// (from the environment, else from `.dev.vars`); set the same secret on the worker with
    /// `npx wrangler secret put PREVIEW_SECRET`. At least 32 bytes.
    #[command(
        after_help = "Examples:\n  newsroom preview --local 2026-12-01-talousarvio      # from your files, nothing uploaded\n  newsroom preview 2026-12-01-talousarvio --hours 48 --env production"
    )]
    Preview {
        /// The release: its slug (file name without `.md`) or its file's path.
        slug: String,
        /// The content folder, to check that the release exists.
        #[arg(long, default_value = "content")]
        content: PathBuf,
        /// Hours the link stays valid (at most 90 days).
        #[arg(long, default_value_t = 72)]
        hours: i64,
        /// Origin of the newsroom (default: BASE_URL of wrangler.toml, else the local server).
        #[arg(long)]
        base_url: Option<String>,
        /// A wrangler.toml environment whose BASE_URL to use, and whose namespace on Cloudflare
        /// is asked whether the release is uploaded.
        #[arg(long)]
        env: Option<String>,
        /// Print the link without asking the namespace whether the release is uploaded.
        #[arg(long, conflicts_with = "local")]
        unchecked: bool,
        /// Serve the release from your files on this machine, as it will look at its moment,
        /// without uploading anything (no wrangler, no secret needed); Ctrl-C stops it.
        #[arg(long)]
        local: bool,
        /// The port of --local.
        #[arg(long, default_value_t = 8790, requires = "local")]
        port: u16,
        /// With --local: stop after answering this many requests (tests).
        #[arg(long, hide = true, requires = "local")]
        requests: Option<usize>,
        #[command(flatten)]
        deployment: Deployment,
    },
    /// Write the browser editor's configuration (Decap CMS at /admin/, docs/editor.md) from
    /// the content model: the same fields and limits as `check`, the keywords in use offered.
    #[command(
        name = "editor-config",
        after_help = "Examples:\n  newsroom editor-config --out target/editor/admin/config.yml\n  newsroom editor-config --repo kymenhva/uutishuone --auth-origin https://uutiset.kymenhva.fi --out target/editor/admin/config.yml"
    )]
    EditorConfig {
        /// The content folder whose keywords the form offers.
        #[arg(long, default_value = "content")]
        content: PathBuf,
        /// The GitHub repository (`owner/name`) the editor opens pull requests on; in GitHub
        /// Actions, GITHUB_REPOSITORY.
        #[arg(long)]
        repo: Option<String>,
        /// The branch publish.yml publishes from.
        #[arg(long, default_value = "main")]
        branch: String,
        /// The origin whose /admin/auth signs editors in to GitHub (the readers' Worker,
        /// e.g. https://uutiset.example.fi); without it, sign-in goes to Netlify's service.
        #[arg(long)]
        auth_origin: Option<String>,
        /// The file to write (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Print the OpenAPI 3.1 description of the JSON API, generated from the view types
    /// (the worker serves the copy in docs/openapi.json; a test keeps the two equal).
    #[command(after_help = "Example:\n  newsroom openapi > docs/openapi.json")]
    Openapi,
    /// Generate synthetic content for benchmarks (never into content/).
    #[command(
        after_help = "Example:\n  newsroom gen --releases 10000 --publishers 20 --seed 1 --out target/bench/content"
    )]
    Gen {
        /// Number of releases.
        #[arg(long, default_value_t = 1000)]
        releases: usize,
        /// Number of publishers.
        #[arg(long, default_value_t = 10)]
        publishers: usize,
        /// Seed: the same seed gives the same files.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Smallest body in bytes.
        #[arg(long, default_value_t = 2048)]
        min_body: usize,
        /// Largest body in bytes.
        #[arg(long, default_value_t = 8192)]
        max_body: usize,
        /// Output folder; replaced if it was made by `newsroom gen`.
        #[arg(long)]
        out: PathBuf,
        /// Camera-sized photos (4,000 × 3,000 JPEGs with GPS, serial and artist in their
        /// EXIF, every other one stored sideways), one on each of the newest releases.
        #[arg(long, default_value_t = 0)]
        photos: usize,
    },
    /// Writes one camera-like JPEG with GPS, serial number and artist in its EXIF (tests).
    #[command(hide = true)]
    SamplePhoto {
        /// The file to write.
        out: PathBuf,
        /// Width as stored, in pixels.
        #[arg(long, default_value_t = 4000)]
        width: u32,
        /// Height as stored, in pixels.
        #[arg(long, default_value_t = 3000)]
        height: u32,
        /// EXIF orientation (6: shown turned a quarter clockwise).
        #[arg(long, default_value_t = 1)]
        orientation: u16,
    },
}
