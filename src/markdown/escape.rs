//! Escaping of text for HTML and XML, here in the Markdown stage (the first that writes HTML) so
//! that the later stages (render, search) import it and no stage imports a later one.

/// Escaping of text and attribute values, for HTML and XML alike. tera's own also escapes `/` (as
/// `&#x2F;`), which is valid but bloats every URL of every page; control characters that XML
/// forbids (and HTML reports as parse errors) are dropped.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    escape_runs(text, |run| out.push_str(run));
    out
}

/// Gives `text` escaped, as a sequence of runs: most text (Japanese above all) has no character
/// to escape, so runs of characters that need nothing are passed whole. Every byte looked at is
/// ASCII, so each cut is at a char boundary.
pub(crate) fn escape_runs<'t>(text: &'t str, mut push: impl FnMut(&'t str)) {
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
