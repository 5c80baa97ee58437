//! The deployment's settings as the worker will see them: `[vars]` of `wrangler.toml`, or
//! `[env.NAME.vars]` with `--env` (wrangler does not inherit vars into environments), checked
//! by the core's [`Config::from_vars`] so a bad value stops the build with `file:line`.

use std::path::Path;

use anyhow::{bail, Context, Result};
use contract::config::Config;

/// Reads the config of environment `env` (top level without one) from `wrangler_toml`, with
/// `overrides` (from the command line) winning; a missing file is the default config.
pub fn load(wrangler_toml: &Path, env: Option<&str>, overrides: &[(&str, &str)]) -> Result<Config> {
    let text = match std::fs::read_to_string(wrangler_toml) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", wrangler_toml.display())),
    };
    let doc: toml::Table =
        toml::from_str(&text).with_context(|| format!("{}: not valid TOML", wrangler_toml.display()))?;
    let vars = match env {
        None => doc.get("vars"),
        Some(name) => {
            let Some(table) = doc.get("env").and_then(|e| e.get(name)) else {
                bail!("{}: no [env.{name}] environment", wrangler_toml.display());
            };
            table.get("vars")
        }
    };
    let vars = vars.and_then(toml::Value::as_table).cloned().unwrap_or_default();
    let value = |name: &str| {
        if let Some((_, v)) = overrides.iter().find(|(k, _)| *k == name) {
            return Some(v.to_string());
        }
        match vars.get(name)? {
            toml::Value::String(s) => Some(s.clone()),
            toml::Value::Integer(n) => Some(n.to_string()),
            toml::Value::Boolean(b) => Some(b.to_string()),
            _ => Some("(not a string or number)".into()),
        }
    };
    Config::from_vars(value).map_err(|e| {
        if overrides.iter().any(|(k, _)| *k == e.var) {
            return anyhow::anyhow!("--{}: {e}", e.var.to_lowercase().replace('_', "-"));
        }
        anyhow::anyhow!("{}:{}: {e}", wrangler_toml.display(), line_of(&text, env, e.var))
    })
}

/// Checks that a remote command (`--remote`) talks to a real KV namespace: that of `--env
/// NAME`, or the top-level one when it is not the local placeholder. An id of one repeated
/// digit (or none) is a placeholder left in `wrangler.toml`; the error names the fix.
pub fn check_remote(wrangler_toml: &Path, env: Option<&str>, binding: &str) -> Result<()> {
    let text =
        std::fs::read_to_string(wrangler_toml).with_context(|| format!("cannot read {}", wrangler_toml.display()))?;
    let doc: toml::Table =
        toml::from_str(&text).with_context(|| format!("{}: not valid TOML", wrangler_toml.display()))?;
    let table = match env {
        None => &doc,
        Some(env) => doc
            .get("env")
            .and_then(|e| e.get(env))
            .and_then(toml::Value::as_table)
            .with_context(|| format!("{}: no [env.{env}] environment", wrangler_toml.display()))?,
    };
    let header = env.map_or("[[kv_namespaces]]".to_string(), |env| format!("[[env.{env}.kv_namespaces]]"));
    let namespaces = table.get("kv_namespaces").and_then(toml::Value::as_array).cloned().unwrap_or_default();
    let id = namespaces
        .iter()
        .find(|n| n.get("binding").and_then(toml::Value::as_str) == Some(binding))
        .and_then(|n| n.get("id").and_then(toml::Value::as_str));
    let Some(id) = id else {
        bail!("{}: no {header} with binding = \"{binding}\"", wrangler_toml.display());
    };
    let placeholder = id.is_empty() || id.chars().all(|c| id.starts_with(c));
    if placeholder || !id.chars().all(|c| c.is_ascii_hexdigit()) {
        let start = text.lines().position(|l| l.trim() == header).unwrap_or(0);
        let line = text.lines().enumerate().skip(start).find(|(_, l)| l.contains(id)).map_or(1, |(n, _)| n + 1);
        match env {
            None => bail!(
                "--remote needs --env NAME (staging or production): the top-level KV namespace in {} is the \
                 local placeholder (line {line}), not a namespace on Cloudflare.\n  e.g. newsroom publish --remote \
                 --env staging (or make publish ENV=staging)",
                wrangler_toml.display()
            ),
            Some(env) => bail!(
                "{}:{line}: the {binding} namespace of [env.{env}] has the placeholder id \"{id}\"; replace it \
                 with the id printed by `npx wrangler kv namespace create {binding} --env {env}` (docs/operations.md)",
                wrangler_toml.display()
            ),
        }
    }
    Ok(())
}

/// The bucket name of the `MEDIA` R2 binding (videos) of `env` (the top level without one)
/// in `wrangler_toml`; `None` when there is none.
pub fn media_bucket(wrangler_toml: &Path, env: Option<&str>) -> Result<Option<String>> {
    let text =
        std::fs::read_to_string(wrangler_toml).with_context(|| format!("cannot read {}", wrangler_toml.display()))?;
    let doc: toml::Table =
        toml::from_str(&text).with_context(|| format!("{}: not valid TOML", wrangler_toml.display()))?;
    let table = match env {
        None => Some(&doc),
        Some(env) => doc.get("env").and_then(|e| e.get(env)).and_then(toml::Value::as_table),
    };
    let buckets = table.and_then(|t| t.get("r2_buckets")).and_then(toml::Value::as_array).cloned().unwrap_or_default();
    Ok(buckets
        .iter()
        .find(|b| b.get("binding").and_then(toml::Value::as_str) == Some(MEDIA_BINDING))
        .and_then(|b| b.get("bucket_name").and_then(toml::Value::as_str))
        .map(str::to_string))
}

/// The R2 binding of videos and captions (`[[r2_buckets]]`), read by `worker/js/video.js`.
pub const MEDIA_BINDING: &str = "MEDIA";

/// The line of `var` in the vars table of `env` (1 if not found).
fn line_of(text: &str, env: Option<&str>, var: &str) -> usize {
    let header = env.map_or("[vars]".to_string(), |name| format!("[env.{name}.vars]"));
    let start = text.lines().position(|l| l.trim() == header).unwrap_or(0);
    let found = text
        .lines()
        .enumerate()
        .skip(start)
        .find(|(_, l)| l.trim_start().strip_prefix(var).is_some_and(|rest| rest.trim_start().starts_with('=')));
    found.map_or(1, |(n, _)| n + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_namespaces_must_be_real() {
        let dir = std::env::temp_dir().join(format!("newsroom-settings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("tmp");
        let file = dir.join("wrangler.toml");
        let write = |top: &str, staging: &str| {
            let text = format!(
                "[[kv_namespaces]]\nbinding = \"RELEASES\"\nid = \"{top}\"\n\n[env.staging]\n\n[[env.staging.kv_namespaces]]\nbinding = \"RELEASES\"\nid = \"{staging}\"\n"
            );
            std::fs::write(&file, text).expect("write");
        };
        let real = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
        write("00000000000000000000000000000000", real);
        let e = check_remote(&file, None, "RELEASES").expect_err("top-level placeholder").to_string();
        assert!(e.contains("--remote needs --env NAME") && e.contains("line 3"), "{e}");
        assert!(check_remote(&file, Some("staging"), "RELEASES").is_ok());
        write(real, "11111111111111111111111111111111");
        assert!(check_remote(&file, None, "RELEASES").is_ok(), "a single-environment setup");
        let e = check_remote(&file, Some("staging"), "RELEASES").expect_err("placeholder").to_string();
        assert!(e.contains("wrangler.toml:9:") && e.contains("--env staging"), "{e}");
        write(real, "");
        assert!(check_remote(&file, Some("staging"), "RELEASES").is_err(), "an empty id");
        assert!(check_remote(&file, Some("staging"), "OTHER").is_err(), "no such binding");
        std::fs::remove_dir_all(&dir).ok();
    }

    fn write(text: &str) -> tempfile::NamedTempFile {
        let file = tempfile::NamedTempFile::new().expect("temp file");
        std::fs::write(file.path(), text).expect("write");
        file
    }

    #[test]
    fn reads_the_top_level_or_an_environment_and_names_the_line_of_a_bad_value() {
        let f =
            write("name = \"x\"\n[vars]\nPAGE_SIZE = \"10\"\n[env.staging.vars]\nPAGE_SIZE = 5\nFEED_SIZE = \"0\"\n");
        assert_eq!(load(f.path(), None, &[]).expect("top level").page_size, 10);
        let e = load(f.path(), Some("staging"), &[]).expect_err("FEED_SIZE 0").to_string();
        assert!(
            e.ends_with(":6: configuration variable FEED_SIZE = \"0\" is not valid: a whole number from 1 to 200"),
            "{e}"
        );
        let fixed = load(f.path(), Some("staging"), &[("FEED_SIZE", "7")]).expect("overridden");
        assert_eq!((fixed.page_size, fixed.feed_size), (5, 7));
        let e = load(f.path(), None, &[("BASE_URL", "nope")]).expect_err("bad flag").to_string();
        assert!(e.starts_with("--base-url: configuration variable BASE_URL"), "{e}");
        assert!(load(f.path(), Some("production"), &[])
            .expect_err("no env")
            .to_string()
            .contains("no [env.production]"));
        assert_eq!(load(Path::new("/nonexistent/wrangler.toml"), None, &[]).expect("default"), Config::default());
    }

    #[test]
    fn the_repository_wrangler_toml_is_valid_in_every_environment() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("wrangler.toml");
        for env in [None, Some("staging"), Some("production")] {
            let c = load(&path, env, &[]).unwrap_or_else(|e| panic!("{env:?}: {e}"));
            assert_eq!((c.page_size, c.feed_size, c.lang.as_str()), (20, 50, "fi"), "{env:?}");
        }
        assert!(load(&path, Some("production"), &[]).expect("valid").websub_hub.is_some());
    }
}
