//! Publishers' public feeds, fetched when due (`SOCIAL_FEEDS_EVERY`, hourly by default)
//! into each publisher's fragment in KV (`social-posts:{publisher}`), which its page shows.
//! D1's `social_feeds` keeps each feed's validators (`ETag`, `Last-Modified`), its last good
//! posts and its last error: a fetch that fails leaves the page as it was.

use chrono::{DateTime, Utc};
use contract::social::{ChannelsRecord, CHANNELS_KEY};
use mailing::social_feeds::{self as feeds_core, Post, MAX_FEED_BYTES};
use serve::observe::json;
use worker::wasm_bindgen::JsValue;
use worker::{D1Database, Env, Result};

use super::Calls;

/// Fetches every publisher's feeds when they are due and writes the fragment of each
/// publisher whose posts changed; answers the log line's part.
pub async fn feeds(env: &Env, now: DateTime<Utc>) -> Result<String> {
    let every = env.var("SOCIAL_FEEDS_EVERY").ok().and_then(|v| v.to_string().parse::<u32>().ok()).unwrap_or(60);
    if !feeds_core::due(now, every) {
        return Ok("\"social feeds\":\"not due\"".into());
    }
    let kv = env.kv(crate::BINDING)?;
    let channels: ChannelsRecord = match kv.get(CHANNELS_KEY).bytes().await? {
        None => ChannelsRecord::default(),
        Some(bytes) => {
            serve::respond::decode(CHANNELS_KEY, &bytes).map_err(|e| worker::Error::RustError(e.to_string()))?
        }
    };
    let db = env.d1(crate::DATABASE)?;
    let rows = Rows::read(&db).await?;
    let calls = Calls::from_env(env);
    let base = env.var("BASE_URL").map_or(String::new(), |v| v.to_string());
    let agent = format!("newsroom-social-feeds/1 (+{base})");
    let (mut fetched, mut written, mut errors) = (0, 0, Vec::new());
    for p in &channels.publishers {
        let had = kv_has(&kv, &p.publisher).await;
        let mut changed = !had;
        let mut posts: Vec<Post> = Vec::new();
        for feed in &p.feeds {
            let old = rows.find(&p.publisher, &feed.platform);
            // A changed profile starts afresh: its old posts leave the page at once.
            changed |= old.is_some_and(|r| r.url != feed.url);
            let row = old.filter(|r| r.url == feed.url);
            let mut headers = vec![
                ("accept", "application/rss+xml, application/atom+xml, application/xml;q=0.9"),
                ("user-agent", agent.as_str()),
            ];
            if let Some(r) = row {
                if let Some(etag) = &r.etag {
                    headers.push(("if-none-match", etag));
                }
                if let Some(lm) = &r.last_modified {
                    headers.push(("if-modified-since", lm));
                }
            }
            let kept = row.map(|r| r.posts.clone()).unwrap_or_default();
            fetched += 1;
            let keys = [&p.publisher, &feed.platform, &feed.url].map(|s| JsValue::from_str(s));
            let tried = |error: Option<String>| {
                let mut args = keys.to_vec();
                args.push(JsValue::from_str(&crate::rfc3339(now)));
                args.push(error.map_or(JsValue::NULL, |e| JsValue::from_str(&e)));
                args
            };
            let error = match calls.call("GET", &feed.url, &headers, None, MAX_FEED_BYTES).await {
                Ok(a) if a.status == 304 && row.is_some() => None,
                Ok(a) if a.status == 200 => match feeds_core::parse(&a.body, &feed.platform) {
                    Ok(new) => {
                        // Validators and the time of the good fetch are kept even when the
                        // posts are the same; the page is written only when they differ.
                        changed |= row.is_none_or(|r| r.posts != new);
                        let mut args = keys.to_vec();
                        args.push(JsValue::from_str(&crate::rfc3339(now)));
                        args.push(a.etag.map_or(JsValue::NULL, |v| JsValue::from_str(&v)));
                        args.push(a.last_modified.map_or(JsValue::NULL, |v| JsValue::from_str(&v)));
                        args.push(JsValue::from_str(&feeds_core::posts_json(&new)));
                        db.prepare(feeds_core::sql::STORED).bind(&args)?.run().await?;
                        posts.extend(new);
                        continue;
                    }
                    Err(e) => Some(e.to_string()),
                },
                Ok(a) => Some(format!("the feed answered HTTP {}", a.status)),
                Err(e) => Some(e),
            };
            if let Some(e) = &error {
                errors.push(format!("{} {}: {e}", p.publisher, feed.platform));
            }
            db.prepare(feeds_core::sql::TRIED).bind(&tried(error))?.run().await?;
            posts.extend(kept);
        }
        // Channels no longer in the publisher's file.
        for r in
            rows.0.iter().filter(|r| r.publisher == p.publisher && !p.feeds.iter().any(|f| f.platform == r.platform))
        {
            db.prepare(feeds_core::sql::FORGET)
                .bind(&[JsValue::from_str(&r.publisher), JsValue::from_str(&r.platform)])?
                .run()
                .await?;
            changed = true;
        }
        if changed {
            let profiles: Vec<(String, String)> =
                p.feeds.iter().map(|f| (f.platform.clone(), f.profile.clone())).collect();
            let html = feeds_core::fragment(&p.lang, &posts, &profiles);
            let key = contract::social::posts_key(&p.publisher);
            if html.is_empty() {
                if had {
                    kv.delete(&key).await?;
                }
            } else {
                kv.put(&key, html)?.execute().await?;
            }
            written += 1;
        }
    }
    // Publishers whose feeds are all gone from their files.
    for r in rows.0.iter().filter(|r| !channels.publishers.iter().any(|p| p.publisher == r.publisher)) {
        db.prepare(feeds_core::sql::FORGET)
            .bind(&[JsValue::from_str(&r.publisher), JsValue::from_str(&r.platform)])?
            .run()
            .await?;
        kv.delete(&contract::social::posts_key(&r.publisher)).await?;
    }
    Ok(format!("\"social feeds\":{{\"fetched\":{fetched},\"written\":{written},\"failed\":{}}}", json(&errors)))
}

/// Whether the publisher's fragment is in KV (a first fetch, or one after KV was emptied,
/// writes it even when D1's posts did not change).
async fn kv_has(kv: &worker::kv::KvStore, publisher: &str) -> bool {
    kv.get(&contract::social::posts_key(publisher)).text().await.ok().flatten().is_some()
}

/// One row of `social_feeds`.
struct Row {
    publisher: String,
    platform: String,
    url: String,
    etag: Option<String>,
    last_modified: Option<String>,
    posts: Vec<Post>,
}

/// Every row of `social_feeds`.
struct Rows(Vec<Row>);

impl Rows {
    async fn read(db: &D1Database) -> Result<Self> {
        let rows = db.prepare(feeds_core::sql::ALL).raw_js_value().await?;
        Ok(Rows(
            rows.iter()
                .map(|r| {
                    let text = |i| crate::column(r, i).as_string();
                    Row {
                        publisher: text(0).unwrap_or_default(),
                        platform: text(1).unwrap_or_default(),
                        url: text(2).unwrap_or_default(),
                        etag: text(3),
                        last_modified: text(4),
                        posts: text(5).map(|p| feeds_core::posts_from_json(&p)).unwrap_or_default(),
                    }
                })
                .collect(),
        ))
    }

    fn find(&self, publisher: &str, platform: &str) -> Option<&Row> {
        self.0.iter().find(|r| r.publisher == publisher && r.platform == platform)
    }
}
