//! Escaping of text for HTML and XML: the one escape of every stage that writes HTML or XML
//! (Markdown bodies, templates, feeds, search results). A module of its own, beside the
//! pipeline, so that every stage can import it without importing another stage.

/// Escaping of text and attribute values, for HTML and XML alike. tera's own also escapes `/` (as
/// `&#x2F;`), which is valid but bloats every URL of every page; control characters that XML
/// forbids (and HTML reports as parse errors) are dropped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    escape_runs(text, |run| out.push_str(run));
    out
}

/// Gives `text` escaped, as a sequence of runs: most text (Japanese above all) has no character
/// to escape, so runs of characters that need nothing are passed whole. Every byte looked at is
/// ASCII, so each cut is at a char boundary.
pub fn escape_runs<'t>(text: &'t str, mut push: impl FnMut(&'t str)) {
    let mut start = 0;
    for (index, byte) in text.bytes().enumerate() {
        let replacement = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            b'\t' | b'\n' | b'\r' => continue,
            byte if byte < 0x20 => "",
            _ => continue,
        };
        push(&text[start..index]);
        push(replacement);
        start = index + 1;
    }
    push(&text[start..]);
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escaping_replaces_markup_characters_and_drops_control_characters() {
        assert_eq!(escape("釧路市の<味覚>市"), "釧路市の&lt;味覚&gt;市");
        assert_eq!(escape("a&b \"c\" 'd'"), "a&amp;b &quot;c&quot; &#39;d&#39;");
        assert_eq!(escape("行1\n行2\t\r\u{7}終"), "行1\n行2\t\r終");
        assert_eq!(escape("https://example.jp/a/b"), "https://example.jp/a/b");
        assert_eq!(escape("<"), "&lt;");
        assert_eq!(escape(""), "");
    }
}
