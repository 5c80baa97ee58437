//! The D1 database the worker writes (claims of announcements and mailings, subscribers):
//! its schema is `migrations/`, applied by `wrangler d1 migrations apply`, which records
//! each file it applied in the table `d1_migrations`.

/// The migration files the code expects to have been applied, in order. A test checks it
/// against `migrations/`; `/healthz` names any that the database lacks.
pub const MIGRATIONS: &[&str] = &[
    "0001_announcements.sql",
    "0002_subscriptions.sql",
    "0003_retention.sql",
    "0004_media.sql",
    "0005_notice_changes.sql",
    "0006_delivery_reports.sql",
    "0007_job_tries.sql",
    "0008_social.sql",
];

/// The migrations the database has applied, by name (wrangler's own table).
pub const APPLIED_SQL: &str = "SELECT name FROM d1_migrations ORDER BY id";

/// The expected migrations missing from `applied`, in order.
pub fn missing(applied: &[String]) -> Vec<&'static str> {
    MIGRATIONS.iter().copied().filter(|m| !applied.iter().any(|a| a == m)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_the_migrations_folder() {
        let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/../../migrations");
        let mut files: Vec<String> = std::fs::read_dir(folder)
            .expect("migrations/")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sql"))
            .collect();
        files.sort();
        assert_eq!(files, MIGRATIONS);
    }

    #[test]
    fn missing_ones_are_named_in_order() {
        assert_eq!(
            missing(&["0001_announcements.sql".into()]),
            [
                "0002_subscriptions.sql",
                "0003_retention.sql",
                "0004_media.sql",
                "0005_notice_changes.sql",
                "0006_delivery_reports.sql",
                "0007_job_tries.sql",
                "0008_social.sql"
            ]
        );
        assert!(missing(&MIGRATIONS.iter().map(|m| m.to_string()).collect::<Vec<_>>()).is_empty());
    }
}
