use std::collections::HashMap;

use chrono::DateTime;
use contract::kv;

use super::load::{decode, decode_of, leading_version};
use super::{respond, Loaded, Outcome};
use crate::http::RequestFacts;

/// Every KV record of `releases` generated releases from two publishers.
fn generated_kv(releases: usize) -> HashMap<String, Vec<u8>> {
    let spec = publish::gen::Spec { releases, publishers: 2, seed: 3, body_bytes: (200, 400) };
    let (publishers, items) = publish::gen::in_memory(&spec);
    let site = publish::content::load_site(&publishers, &items).expect("generated content is valid");
    let records = publish::build::build(&site, None);
    records.releases.into_iter().chain(records.indexes).map(|p| (p.key, p.value.into_bytes())).collect()
}

#[test]
fn a_release_page_decodes_its_record_once_over_its_two_rounds_of_reads() {
    let kv = generated_kv(10);
    let now = DateTime::from_timestamp(1_900_000_000, 0).unwrap_or_default();
    let req = RequestFacts::get("/releases/gen-3", None, now);
    let mut loaded = Loaded::default();
    let key = kv::release_key("gen-3");
    loaded.insert(key.clone(), kv.get(&key).cloned());
    let Outcome::Fetch(keys) = respond(&req, &loaded) else { panic!("the publisher is read next") };
    // The footer's index too: this test read only the release in the first round.
    assert!(keys.iter().all(|k| k.starts_with("publisher:") || k == contract::pages::PAGES_KEY), "{keys:?}");
    assert!(loaded.release.borrow().is_some(), "decoded in the first round");
    // Were the record decoded again, this would fail the request.
    loaded.values.insert(key.clone(), Some(b"damaged".to_vec()));
    for k in keys {
        let value = kv.get(&k).cloned();
        loaded.insert(k, value);
    }
    let Outcome::Done(r) = respond(&req, &loaded) else { panic!("two rounds") };
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    // A changed value drops the decoded record.
    loaded.insert(key, Some(b"damaged".to_vec()));
    assert!(loaded.release.borrow().is_none());
    let Outcome::Done(r) = respond(&req, &loaded) else { panic!("everything is loaded") };
    assert_eq!(r.status, 500);
}

#[test]
fn a_search_ranks_once_over_its_two_rounds_of_reads() {
    let kv = generated_kv(150);
    let now = DateTime::from_timestamp(1_900_000_000, 0).unwrap_or_default();
    let req = RequestFacts::get("/search?q=sairaala&format=json", None, now);
    let mut loaded = Loaded::default();
    let mut rounds = 0;
    let body = loop {
        rounds += 1;
        match respond(&req, &loaded) {
            Outcome::Done(r) => break r.body,
            Outcome::Fetch(keys) => {
                if keys.iter().any(|k| k.starts_with("search:snippets:")) {
                    assert!(loaded.ranked.borrow().is_some(), "ranked before asking for documents");
                    // Were it ranked again, this shard would now fail the request.
                    let (key, _) = loaded.values.iter().find(|(k, _)| k.starts_with("search:shard:")).expect("shard");
                    let memo = loaded.ranked.take();
                    loaded.insert(key.clone(), Some(b"damaged".to_vec()));
                    assert!(loaded.ranked.borrow().is_none(), "a changed value drops the ranking");
                    *loaded.ranked.borrow_mut() = memo;
                }
                for k in keys {
                    let value = kv.get(&k).cloned();
                    loaded.insert(k, value);
                }
            }
        }
    };
    assert_eq!(rounds, 3);
    let view: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
    assert!(view["total"].as_u64().is_some_and(|n| n > 0), "{view}");
    // Another query of the same shard is ranked on its own, so it meets the damage.
    let other = RequestFacts::get("/search?q=sairaalaxyz&format=json", None, now);
    let Outcome::Done(r) = respond(&other, &loaded) else { panic!("the same shard is loaded") };
    assert_eq!(r.status, 500, "{}", String::from_utf8_lossy(&r.body));
}

#[test]
fn records_are_checked_against_their_schema_versions() {
    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct R {
        v: u32,
        x: u8,
    }
    assert_eq!(decode::<R>("k", br#"{"v":1,"x":2}"#), Ok(R { v: 1, x: 2 }));
    assert_eq!(decode::<R>("k", br#"{"x":2,"v":1}"#), Ok(R { v: 1, x: 2 }), "any field order");
    let newer = decode::<R>("k", br#"{"v":12,"x":2}"#).expect_err("version 12");
    assert!(newer.reason.contains("version 12 schema; this worker reads version 1"), "{}", newer.reason);
    assert_eq!(decode_of::<R>("k", br#"{"v":2,"x":2}"#, &[1, 2]), Ok(R { v: 2, x: 2 }));
    assert_eq!(decode_of::<R>("k", br#"{"x":2,"v":1}"#, &[1, 2]), Ok(R { v: 1, x: 2 }));
    let both = decode_of::<R>("k", br#"{"v":3,"x":2}"#, &[1, 2]).expect_err("version 3");
    assert!(both.reason.contains("reads version 1 and 2"), "{}", both.reason);
    assert_eq!(decode::<R>("k", br#"{"v":2,"x":2}"#).map_err(|e| e.reason.contains("version 2 schema")), Err(true));
    let broken = decode::<R>("k", br#"{"v":1,"x":"#).expect_err("truncated");
    assert!(broken.reason.contains("does not match its schema (EOF"), "{}", broken.reason);
    let odd = decode::<R>("k", br#"[1, 2"#).expect_err("no object");
    assert!(odd.reason.contains("not a JSON object"), "{}", odd.reason);
    let wrong = decode::<R>("k", br#"{"v":1,"x":"two"}"#).expect_err("wrong type");
    assert!(wrong.reason.contains("does not match its schema"), "{}", wrong.reason);
    let latin1 = decode::<R>("k", b"{\"v\":1,\"x\":\"\xe4\"}").expect_err("not UTF-8");
    assert!(latin1.reason.contains("not UTF-8"), "{}", latin1.reason);
    assert_eq!(leading_version(br#"{"v":12,"#), Some(12));
    assert_eq!(leading_version(br#"{"v":99999999999,"#), None);
    assert_eq!(leading_version(br#"{"v":1}"#), None);
}
