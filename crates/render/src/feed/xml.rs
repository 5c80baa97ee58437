//! A tiny XML writer: one escaping function, one helper per element shape.

pub use contract::text::escape;

/// Builds an XML document.
pub struct Xml {
    out: String,
}

impl Xml {
    /// Starts a document with the XML declaration.
    pub fn new() -> Self {
        Self { out: String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n") }
    }

    /// Starts a part of a document, without the declaration.
    pub fn fragment() -> Self {
        Self { out: String::new() }
    }

    /// `<name a="v" ...>`.
    pub fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.tag_start(name, attrs);
        self.out.push('>');
    }

    /// `</name>` and a newline.
    pub fn close(&mut self, name: &str) {
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    /// `<name a="v" ... />`.
    pub fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.tag_start(name, attrs);
        self.out.push_str("/>\n");
    }

    /// `<name a="v">text</name>` and a newline, the text and attribute values escaped.
    pub fn text(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        self.open(name, attrs);
        escape(text, &mut self.out);
        self.close(name);
    }

    fn tag_start(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.out.push('<');
        self.out.push_str(name);
        for (k, v) in attrs {
            self.out.push(' ');
            self.out.push_str(k);
            self.out.push_str("=\"");
            escape(v, &mut self.out);
            self.out.push('"');
        }
    }

    /// Markup written elsewhere with this writer, as it is.
    pub fn raw(&mut self, markup: &str) {
        self.out.push_str(markup);
    }

    /// The finished document.
    pub fn finish(self) -> String {
        self.out
    }
}

impl Default for Xml {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements() {
        let mut x = Xml::new();
        x.open("a", &[("k", "1&2")]);
        x.text("b", &[], "<t>");
        x.empty("c", &[("href", "x")]);
        x.close("a");
        assert_eq!(
            x.finish(),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<a k=\"1&amp;2\"><b>&lt;t&gt;</b>\n<c href=\"x\"/>\n</a>\n"
        );
    }
}
