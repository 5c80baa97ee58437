//! `/healthz`: the configuration, KV, the build the content came from, and the bindings
//! subscriptions need (probed by the adapter, [`RequestFacts::services`]).

use contract::cache::CacheKind;
use contract::kv;
use contract::model::BuildInfo;
use render::json;

use super::load::record;
use super::response::Rendered;
use crate::http::{HttpResponse, RequestFacts, ServiceCheck, ServiceStatus};

use super::{Halt, Loaded};

/// `/healthz`: the configuration was valid (or this would be a 500 naming the variable), KV
/// answered; reports the last build and any setting the content was built with differently.
pub(super) fn render_health(req: &RequestFacts, loaded: &Loaded) -> Result<Rendered, Halt> {
    let info: Option<BuildInfo> = record(loaded, kv::BUILD_INFO_KEY.into())?;
    let c = &req.config;
    let mut warnings = Vec::new();
    match &info {
        None => warnings.push("KV holds no build:info: nothing is published yet (run `make publish`).".to_string()),
        Some(b) => {
            let differs = [
                ("PAGE_SIZE", b.page_size.to_string(), c.page_size.to_string()),
                ("FEED_SIZE", b.feed_size.to_string(), c.feed_size.to_string()),
                ("DEFAULT_LANG", b.lang.clone(), c.lang.clone()),
                ("SITE_NAME", b.site_name.clone().unwrap_or_default(), c.site_name.clone().unwrap_or_default()),
            ];
            for (var, built, now) in differs.into_iter().filter(|(_, b, n)| b != n) {
                warnings
                    .push(format!("content was built with {var}={built:?} but the worker has {now:?}: publish again."));
            }
        }
    }
    for check in req.services.iter().filter(|c| c.status == ServiceStatus::Failing) {
        warnings.push(format!("{}: {}", check.name, check.detail));
    }
    let view = json::HealthView::new(info.as_ref(), warnings, views(&req.services));
    Ok(Rendered {
        body: json::to_bytes(&view),
        lang: String::new(),
        kind: CacheKind::Live,
        last_modified: None,
        next_change: None,
        log: Vec::new(),
        content_type: None,
    })
}

/// The mail Worker's part of `/healthz` (it owns the queue and the sender, ARCHITECTURE.md
/// "Two Workers"): `{"services": [...]}`, which the readers' Worker's entry module merges
/// into its own `/healthz` answer. Never cached: it is asked through the service binding only.
pub fn services_report(checks: &[ServiceCheck]) -> HttpResponse {
    HttpResponse {
        status: 200,
        headers: vec![("content-type", "application/json".into()), ("cache-control", "no-store".into())],
        body: json::to_bytes(&json::ServicesView { services: views(checks) }),
        log: Vec::new(),
    }
}

/// The checks as the JSON views list them.
fn views(checks: &[ServiceCheck]) -> Vec<json::ServiceView<'_>> {
    checks.iter().map(|c| json::ServiceView { name: c.name, status: c.status.as_str(), detail: &c.detail }).collect()
}
