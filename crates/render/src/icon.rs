//! The newsroom's default icon (`/favicon.ico` where no publisher logo stands in): a small
//! SVG in the site's brand colour, neutral enough for any publisher.

/// The SVG document, served as `image/svg+xml`.
pub const DEFAULT_ICON: &[u8] = include_bytes!("icon.svg");

/// Its media type.
pub const DEFAULT_ICON_TYPE: &str = "image/svg+xml";
