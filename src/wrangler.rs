//! Talking to a KV namespace through `npx wrangler kv`, and to the R2 bucket of videos
//! through `npx wrangler r2 object`, locally or on Cloudflare.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result};
use contract::kv::{KvPair, MANIFEST_KEY};
use publish::manifest::Manifest;
use publish::sync::{parse_listing, ListedKey};

/// Most pairs in one `wrangler kv bulk put` (KV's limit per bulk write).
pub const MAX_BULK_PAIRS: usize = 10_000;
/// Most bytes of values in one bulk file (the API takes 100 MB a request; keep well below).
pub const MAX_BULK_BYTES: usize = 50_000_000;

/// Where the namespace is.
#[derive(Debug, Clone)]
pub enum Target {
    /// Local KV as `wrangler dev --persist-to DIR` reads it.
    Local(PathBuf),
    /// The namespace bound in `wrangler.toml` on Cloudflare (needs `CLOUDFLARE_API_TOKEN`).
    Remote,
}

/// One KV namespace, reached through wrangler.
#[derive(Debug, Clone)]
pub struct Kv {
    /// Local or remote.
    pub target: Target,
    /// The binding name in `wrangler.toml`.
    pub binding: String,
    /// A `wrangler.toml` environment (`staging`, `production`), if any.
    pub env: Option<String>,
    /// The R2 bucket of videos (the `MEDIA` binding of the same environment), if any.
    pub bucket: Option<String>,
}

impl Kv {
    /// True for the local namespace.
    pub fn is_local(&self) -> bool {
        matches!(self.target, Target::Local(_))
    }

    /// `npx wrangler kv ARGS --binding B (--local --persist-to D | --remote) [--env E]`.
    fn command(&self, args: &[&str]) -> Command {
        // On Windows npx is a batch file, which `Command` finds only by its full name.
        let mut c = Command::new(if cfg!(windows) { "npx.cmd" } else { "npx" });
        c.arg("wrangler").arg("kv").args(args).args(["--binding", &self.binding]);
        self.place(&mut c);
        c
    }

    /// `(--local --persist-to D | --remote) [--env E]`, and no input: where every wrangler
    /// call of this namespace (and its bucket) goes.
    fn place(&self, c: &mut Command) {
        match &self.target {
            Target::Local(dir) => c.arg("--local").arg("--persist-to").arg(dir),
            Target::Remote => c.arg("--remote"),
        };
        if let Some(env) = &self.env {
            c.args(["--env", env]);
        }
        c.stdin(Stdio::null());
    }

    /// Runs `args` and returns stdout; a failure shows wrangler's own words. Locally, a
    /// command that met the state's SQLite file locked by a running `wrangler dev` (workerd's
    /// `SQLITE_BUSY`: it changed nothing) is run again a few times, as `d1.rs` does.
    fn run(&self, args: &[&str]) -> Result<String> {
        let what = format!("npx wrangler kv {}", args.join(" "));
        let mut pauses = [200, 600, 1500, 3000].into_iter();
        loop {
            match run(self.command(args), &what) {
                Err(e) if self.is_local() && is_locked(&e.to_string()) => match pauses.next() {
                    Some(ms) => std::thread::sleep(std::time::Duration::from_millis(ms)),
                    None => return Err(e),
                },
                other => return other,
            }
        }
    }

    /// `npx wrangler r2 object ARGS (--local --persist-to D | --remote) [--env E]`: the
    /// bucket's objects live where the namespace does.
    fn r2(&self, args: &[&str]) -> Result<String> {
        let what = format!("npx wrangler r2 object {}", args.join(" "));
        let mut c = Command::new(if cfg!(windows) { "npx.cmd" } else { "npx" });
        c.args(["wrangler", "r2", "object"]).args(args);
        self.place(&mut c);
        run(c, &what)
    }

    /// The bucket videos go to, or why there is none.
    pub fn bucket(&self) -> Result<&str> {
        self.bucket.as_deref().with_context(|| {
            let table = self.env.as_ref().map_or("[[r2_buckets]]".to_string(), |e| format!("[[env.{e}.r2_buckets]]"));
            format!(
                "videos are to be uploaded to or deleted from R2, but wrangler.toml has no {table} with binding = \"MEDIA\": \
                 add it (docs/operations.md, \"Videos in R2\") and create the bucket with `npx wrangler r2 bucket create NAME`; \
                 nothing was uploaded"
            )
        })
    }

    /// Uploads one file to the videos' bucket under `key`, with its type and immutable caching.
    pub fn r2_put(&self, key: &str, file: &str, content_type: &str) -> Result<()> {
        let bucket = self.bucket()?;
        let object = format!("{bucket}/{key}");
        let args = ["put", &object, "--file", file, "--content-type", content_type, "--cache-control", IMMUTABLE];
        self.r2(&args).map(drop).map_err(|e| missing_bucket(e, bucket, self.env.as_deref()))
    }

    /// Deletes `key` from the videos' bucket (nothing happens when it is not there).
    pub fn r2_delete(&self, key: &str) -> Result<()> {
        let object = format!("{}/{key}", self.bucket()?);
        self.r2(&["delete", &object]).map(drop)
    }

    /// The manifest of the build last published here; `None` before the first publish.
    pub fn manifest(&self) -> Result<Option<Manifest>> {
        let text = self.run(&["key", "get", MANIFEST_KEY, "--text"])?;
        // wrangler answers a missing key with "Value not found" on stdout, and exit 0.
        if text.trim() == "Value not found" {
            return Ok(None);
        }
        Manifest::parse(text.as_bytes()).map(Some).context("the namespace's build:manifest is unusable")
    }

    /// Every key with its metadata.
    pub fn list(&self) -> Result<Vec<ListedKey>> {
        let json = self.run(&["key", "list"])?;
        let start = json.find('[').context("`wrangler kv key list` printed no JSON array")?;
        parse_listing(&json[start..]).context("cannot read the output of `wrangler kv key list`")
    }

    /// Uploads a bulk file as it is.
    pub fn bulk_put(&self, file: &Path) -> Result<()> {
        self.run(&["bulk", "put", &file.to_string_lossy()]).map(drop)
    }

    /// Deletes the keys listed in a JSON array file.
    pub fn bulk_delete(&self, file: &Path) -> Result<()> {
        self.run(&["bulk", "delete", &file.to_string_lossy(), "--force"]).map(drop)
    }

    /// Puts one key from a file's bytes (binary-safe locally).
    pub fn put_file(&self, key: &str, file: &Path, metadata: &contract::kv::PairMeta) -> Result<()> {
        // The digest goes along as the key's metadata, as a bulk put's does: without it the
        // next publish would count the file as changed and upload it again.
        let metadata = serde_json::to_string(metadata)?;
        self.run(&["key", "put", key, "--path", &file.to_string_lossy(), "--metadata", &metadata]).map(drop)
    }
}

/// Says how to create the bucket when wrangler's error is that it does not exist (R2's
/// `NoSuchBucket`, code 10006); any other error as it is.
fn missing_bucket(e: anyhow::Error, bucket: &str, env: Option<&str>) -> anyhow::Error {
    let text = format!("{e:#}");
    if !["NoSuchBucket", "10006", "bucket does not exist"].iter().any(|w| text.contains(w)) {
        return e;
    }
    let env = env.map(|e| format!(" --env {e}")).unwrap_or_default();
    anyhow::anyhow!(
        "the R2 bucket `{bucket}` for videos does not exist yet: create it once with `npx wrangler r2 bucket create \
         {bucket}`{} (docs/operations.md, \"Videos in R2\"), or name an existing one as `bucket_name` of the MEDIA \
         binding in wrangler.toml; nothing after the videos was uploaded, so run the publish again\n{text}",
        if env.is_empty() { String::new() } else { format!(", then publish again with{env}") }
    )
}

/// Whether a failed local wrangler command met the state's SQLite file locked.
fn is_locked(said: &str) -> bool {
    said.contains("SQLITE_BUSY") || said.contains("database is locked")
}

/// How videos are cached: their names change with their bytes.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Runs `c` (described as `what`) and returns stdout; a failure shows wrangler's own words.
fn run(mut c: Command, what: &str) -> Result<String> {
    let out = c.output().with_context(|| format!("cannot run `{what}` (is Node.js installed?)"))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).rev().take(8).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        anyhow::bail!("`{what}` failed ({}):\n{}", out.status, tail.join("\n"));
    }
    String::from_utf8(out.stdout).with_context(|| format!("`{what}` printed something that is not UTF-8"))
}

/// Splits `pairs` into bulk uploads within [`MAX_BULK_PAIRS`] and [`MAX_BULK_BYTES`].
pub fn chunks(pairs: &[KvPair]) -> Vec<&[KvPair]> {
    let mut out = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (i, p) in pairs.iter().enumerate() {
        let size = p.key.len() + p.value.len();
        if i > start && (i - start == MAX_BULK_PAIRS || bytes + size > MAX_BULK_BYTES) {
            out.push(&pairs[start..i]);
            (start, bytes) = (i, 0);
        }
        bytes += size;
    }
    if start < pairs.len() {
        out.push(&pairs[start..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_bucket_says_how_to_create_it() {
        let said = missing_bucket(
            anyhow::anyhow!("failed: The specified bucket does not exist. [code: 10006]"),
            "b",
            Some("staging"),
        );
        assert!(said.to_string().contains("npx wrangler r2 bucket create b"), "{said}");
        let other = missing_bucket(anyhow::anyhow!("network down"), "b", None);
        assert_eq!(other.to_string(), "network down");
    }

    #[test]
    fn bulk_files_stay_within_kv_limits() {
        let pair = |n: usize| KvPair::new(format!("k{n}"), "v".repeat(n), false);
        let many: Vec<KvPair> = (0..25_001).map(|_| pair(1)).collect();
        let sizes: Vec<usize> = chunks(&many).iter().map(|c| c.len()).collect();
        assert_eq!(sizes, [10_000, 10_000, 5_001]);
        let big = [pair(30_000_000), pair(30_000_000), pair(1)];
        let sizes: Vec<usize> = chunks(&big).iter().map(|c| c.len()).collect();
        assert_eq!(sizes, [1, 2]);
        assert!(chunks(&[]).is_empty());
    }
}
