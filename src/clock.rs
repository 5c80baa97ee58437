//! The machine's clock, for the commands that compare moments with now.

use anyhow::{Context, Result};

/// The current time (chrono's clock feature is left out of the core's dependencies).
pub fn now() -> Result<chrono::DateTime<chrono::Utc>> {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).context("clock before 1970")?;
    chrono::DateTime::from_timestamp(i64::try_from(secs.as_secs())?, 0).context("clock out of range")
}
