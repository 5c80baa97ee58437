//! A page's place in a paged list, and the links between its pages: shared by the HTML
//! navigation and the JSON API's `next`/`prev` links.

use contract::route::with_param;

/// A page's place in a paged list.
pub struct Pager<'a> {
    /// This page, from 1.
    pub page: usize,
    /// Number of pages.
    pub pages: usize,
    /// Path of the list (page 1).
    pub path: &'a str,
}

impl Pager<'_> {
    /// Path of page `n` (the list path may carry a query already, as search does).
    pub fn href(&self, n: usize) -> String {
        if n <= 1 {
            self.path.to_string()
        } else {
            with_param(self.path, "page", &n.to_string())
        }
    }

    /// The previous page, if any.
    pub fn prev(&self) -> Option<usize> {
        (self.page > 1).then(|| self.page - 1)
    }

    /// The next page, if any.
    pub fn next(&self) -> Option<usize> {
        (self.page < self.pages).then(|| self.page + 1)
    }
}
