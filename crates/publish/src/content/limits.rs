//! How long each text of a release may be, in characters: `newsroom check` refuses longer
//! ones, and the browser editor's form (`newsroom editor-config`) refuses them before a file
//! is saved, with the same numbers.

/// `title`: one line.
pub const TITLE: usize = 300;
/// `lead`: the opening paragraph.
pub const LEAD: usize = 2000;
/// `correction`: what a change corrected.
pub const CORRECTION: usize = 1000;
/// An image's `alt`: what the picture shows.
pub const ALT: usize = 300;
/// An image's `caption`.
pub const CAPTION: usize = 500;
/// An image's `credit`.
pub const CREDIT: usize = 200;
/// A publisher's `boilerplate`.
pub const BOILERPLATE: usize = 2000;
/// A keyword.
pub const KEYWORD: usize = 60;
/// Each field of a contact (`name`, `title`, `organization`, `phone`, `email`).
pub const CONTACT_FIELD: usize = 200;
/// Keywords of one release.
pub const KEYWORDS: usize = 30;
