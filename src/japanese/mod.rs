//! Japanese-specific text and calendar logic, shared by the template filters, the Markdown stage
//! and the search index: 和暦 and 年度 (`wareki`), 五十音順 and romaji from kana (`kana`).
//! Pure functions: no I/O, no templates.

pub mod kana;
pub mod wareki;

/// `text` in NFC: Japanese file names may come decomposed (macOS writes NFD; `が` as `か` and a
/// combining mark), and an id, a URL or an `@/` link is always compared in NFC. ASCII is already
/// NFC and skips the normaliser, which goes a character at a time (15 ms for the 10,000 paths
/// of a 10,000-file site).
pub fn nfc(text: &str) -> String {
    if text.is_ascii() {
        return text.to_owned();
    }
    unicode_normalization::UnicodeNormalization::nfc(text).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn nfc_composes_a_decomposed_name_and_keeps_ascii() {
        assert_eq!(super::nfc("news/\u{304b}\u{3099}.md"), "news/\u{304c}.md");
        assert_eq!(super::nfc("news/site-open.md"), "news/site-open.md");
        assert_eq!(super::nfc("釧路市"), "釧路市");
    }
}
