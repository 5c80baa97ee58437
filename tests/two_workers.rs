//! The newsroom is deployed as two Workers (ARCHITECTURE.md, "Two Workers"): the readers'
//! (`wrangler.toml`) and the mail Worker (`wrangler.mail.toml`). Wrangler inherits nothing
//! between files or into environments, so these tests check, in every environment, what the
//! two must share (the KV namespace, the D1 database, the settings) and that each has only
//! its own bindings: a drift here would mail links to another site or read another database.

use std::collections::BTreeMap;
use std::path::Path;

use toml::{Table, Value};

fn config(file: &str) -> Table {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The top level (`None`) or `[env.NAME]` of a config.
fn section<'a>(config: &'a Table, env: Option<&str>) -> &'a Table {
    match env {
        None => config,
        Some(name) => config["env"][name].as_table().unwrap_or_else(|| panic!("[env.{name}]")),
    }
}

fn vars(section: &Table) -> BTreeMap<String, String> {
    let Some(vars) = section.get("vars").and_then(Value::as_table) else { return BTreeMap::new() };
    vars.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_else(|| panic!("{k}: a string")).to_string())).collect()
}

/// The table of `[[kind]]` whose `key` is `name` (`binding = "RELEASES"`, …).
fn binding<'a>(section: &'a Table, kind: &str, key: &str, name: &str) -> Option<&'a Table> {
    section
        .get(kind)?
        .as_array()?
        .iter()
        .filter_map(Value::as_table)
        .find(|t| t.get(key).and_then(Value::as_str) == Some(name))
}

fn text<'a>(table: &'a Table, key: &str) -> &'a str {
    table.get(key).and_then(Value::as_str).unwrap_or_else(|| panic!("{key} in {table:?}"))
}

const ENVS: [Option<&str>; 3] = [None, Some("staging"), Some("production")];

#[test]
fn both_workers_share_the_namespace_the_database_and_the_settings_in_every_environment() {
    let (readers, mail) = (config("wrangler.toml"), config("wrangler.mail.toml"));
    for env in ENVS {
        let (r, m) = (section(&readers, env), section(&mail, env));
        let kv =
            |s: &Table| text(binding(s, "kv_namespaces", "binding", "RELEASES").expect("RELEASES"), "id").to_string();
        assert_eq!(kv(r), kv(m), "{env:?}: the KV namespace");
        let db = |s: &Table| {
            let t = binding(s, "d1_databases", "binding", "DB").expect("DB");
            (
                text(t, "database_id").to_string(),
                text(t, "database_name").to_string(),
                text(t, "migrations_dir").to_string(),
            )
        };
        assert_eq!(db(r), db(m), "{env:?}: the D1 database");
        // Every setting of the readers' with the same value: the mail links and the feeds the
        // trigger announces name the readers' site. The mail Worker adds only its sender's,
        // and the readers' only the browser editor's sign-in (`GITHUB_OAUTH_*`, docs/editor.md).
        let (rv, mv) = (vars(r), vars(m));
        for (name, value) in rv.iter().filter(|(n, _)| !n.starts_with("GITHUB_OAUTH_")) {
            assert_eq!(mv.get(name), Some(value), "{env:?}: wrangler.mail.toml lacks or differs in {name}");
        }
        for name in mv.keys().filter(|n| !rv.contains_key(*n)) {
            assert!(name.starts_with("MAIL_"), "{env:?}: {name} is set for the mail Worker only");
        }
    }
}

#[test]
fn the_readers_worker_reaches_the_mail_worker_by_its_name_in_every_environment() {
    let (readers, mail) = (config("wrangler.toml"), config("wrangler.mail.toml"));
    for env in ENVS {
        let (r, m) = (section(&readers, env), section(&mail, env));
        let service = binding(r, "services", "binding", "MAIL").unwrap_or_else(|| panic!("{env:?}: no MAIL binding"));
        assert_eq!(text(service, "service"), text(m, "name"), "{env:?}: MAIL names the mail Worker");
        assert_ne!(text(r, "name"), text(m, "name"), "{env:?}: two Workers, two names");
    }
    // Reachable only through the binding.
    assert_eq!(mail.get("workers_dev").and_then(Value::as_bool), Some(false));
    assert_eq!(mail.get("preview_urls").and_then(Value::as_bool), Some(false));
    assert!(mail.get("routes").is_none() && mail.get("route").is_none());
}

#[test]
fn each_worker_has_only_its_own_bindings_and_build() {
    let (readers, mail) = (config("wrangler.toml"), config("wrangler.mail.toml"));
    for (file, c, feature) in [("wrangler.toml", &readers, "readers"), ("wrangler.mail.toml", &mail, "mail")] {
        assert_eq!(text(c, "main"), format!("worker/build/{feature}/index.js"), "{file}");
        let build = c["build"].as_table().expect("[build]");
        assert_eq!(text(build, "command"), format!("sh scripts/build-worker.sh {feature}"), "{file}");
    }
    for env in ENVS {
        let r = section(&readers, env);
        for mail_only in ["queues", "send_email", "ratelimits"] {
            assert!(r.get(mail_only).is_none(), "{env:?}: wrangler.toml has {mail_only}, the mail Worker's");
        }
        let m = section(&mail, env);
        let queues = m["queues"].as_table().unwrap_or_else(|| panic!("{env:?}: the mail queue"));
        let producer = queues["producers"][0].as_table().expect("producer");
        let consumer = queues["consumers"][0].as_table().expect("consumer");
        assert_eq!(text(producer, "binding"), "MAIL_QUEUE");
        assert_eq!(text(producer, "queue"), text(consumer, "queue"), "{env:?}: it consumes what it produces");
        assert!(binding(m, "ratelimits", "name", "SUBSCRIBE_LIMIT").is_some(), "{env:?}: the form's rate limit");
        // A job refused at every try waits out an outage of four hours before it is
        // dead-lettered (the waits grow with its age: `mailing::delivery::retry_delay`).
        let retries = consumer.get("max_retries").and_then(Value::as_integer).expect("max_retries") as u32;
        let waited = mailing::delivery::retried_for(retries);
        assert!(waited >= 4 * 3600, "{env:?}: max_retries = {retries} gives up after {waited} s");
        let dead = consumer.get("dead_letter_queue").and_then(Value::as_str).expect("dead letters kept");
        // The dead-letter queue is consumed by this same Worker, which knows it by its name
        // (`mailing::dead_letters::is_dead_letter_queue`) and keeps its jobs in D1.
        assert_eq!(dead, format!("{}{}", text(consumer, "queue"), mailing::dead_letters::DEAD_SUFFIX), "{env:?}");
        assert!(mailing::dead_letters::is_dead_letter_queue(dead));
        let consumers = queues["consumers"].as_array().expect("consumers");
        assert!(
            consumers.iter().any(|c| c.get("queue").and_then(Value::as_str) == Some(dead)),
            "{env:?}: nothing consumes the dead-letter queue {dead}: failed jobs would be lost"
        );
    }
    assert_eq!(mail["triggers"]["crons"].as_array().map(Vec::len), Some(1), "the every-minute trigger");
    // Empty, not absent: a deploy without [triggers] would keep the trigger the readers'
    // Worker had before the split, with no handler left for it.
    assert_eq!(readers["triggers"]["crons"].as_array().map(Vec::len), Some(0), "wrangler.toml: crons = []");
    assert!(readers
        .get("env")
        .and_then(Value::as_table)
        .is_some_and(|e| e.values().all(|e| e.get("triggers").is_none())));
}
