//! URL paths to routes.

use crate::slug::is_valid;

/// A resource the worker serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `/`: newest releases of every publisher.
    Latest,
    /// `/releases/{slug}`.
    Release(String),
    /// `/publishers/{slug}`.
    Publisher(String),
}

impl Route {
    /// Parses a path; `None` means 404. Slugs must be valid, so odd input never reaches KV.
    pub fn parse(path: &str) -> Option<Route> {
        let segments: Vec<&str> = path.strip_prefix('/')?.split('/').collect();
        match segments.as_slice() {
            [""] => Some(Route::Latest),
            ["releases", slug] if is_valid(slug) => Some(Route::Release((*slug).to_string())),
            ["publishers", slug] if is_valid(slug) => Some(Route::Publisher((*slug).to_string())),
            _ => None,
        }
    }

    /// The canonical path of this route.
    pub fn path(&self) -> String {
        match self {
            Route::Latest => "/".into(),
            Route::Release(slug) => release_path(slug),
            Route::Publisher(slug) => publisher_path(slug),
        }
    }
}

/// Path of a release page.
pub fn release_path(slug: &str) -> String {
    format!("/releases/{slug}")
}

/// Path of a publisher page.
pub fn publisher_path(slug: &str) -> String {
    format!("/publishers/{slug}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let cases = [
            ("/", Some(Route::Latest)),
            ("/releases/a-b", Some(Route::Release("a-b".into()))),
            (
                "/publishers/kymsote",
                Some(Route::Publisher("kymsote".into())),
            ),
            ("", None),
            ("//", None),
            ("/releases/", None),
            ("/releases/A", None),
            ("/releases/a/b", None),
            ("/releases/a%2Fb", None),
            ("/releases/..", None),
            ("/nothing", None),
        ];
        for (path, expected) in cases {
            assert_eq!(Route::parse(path), expected, "{path}");
        }
        assert_eq!(Route::Release("x".into()).path(), "/releases/x");
    }
}
