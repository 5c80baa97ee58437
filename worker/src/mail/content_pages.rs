//! The content pages' index as the mail Worker reads it: the footers of its answer pages
//! and the privacy notice the form and the mails link.

use contract::pages::{PagesRecord, PAGES_KEY};
use worker::Env;

/// The content pages' index (`index:pages`), for the footers of the answer pages and the
/// privacy notice the form and the mails link. Missing or damaged: no pages, logged (the
/// subscription itself must not fail for it).
pub(crate) async fn read(env: &Env) -> PagesRecord {
    let read = async { Ok::<_, worker::Error>(env.kv(crate::BINDING)?.get(PAGES_KEY).bytes().await?) };
    match read.await {
        Ok(Some(bytes)) => serve::respond::decode::<PagesRecord>(PAGES_KEY, &bytes).unwrap_or_else(|e| {
            worker::console_error!("{e}: pages left out of the footer and the mails");
            PagesRecord::default()
        }),
        Ok(None) => PagesRecord::default(),
        Err(e) => {
            worker::console_error!("cannot read {PAGES_KEY}: {e}; pages left out of the footer and the mails");
            PagesRecord::default()
        }
    }
}
