//! URLs of output paths. A path is what is written to disk (`news/お知らせ/`, UTF-8, NFC); its
//! URL is the same path percent-encoded (`news/%E3%81%8A%E7%9F%A5%E3%82%89%E3%81%9B/`), the form
//! that HTML, feeds and sitemaps must carry (sitemaps require it) and that every static host
//! decodes back to the file name. ASCII ids are unchanged by the encoding.

use super::Site;

/// Percent-encodes every byte of `path` outside RFC 3986's unreserved characters and `/`.
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The bytes `text` stands for, `%XX` decoded once; `None` when a `%` is not followed by two
/// hex digits.
pub fn percent_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

impl Site {
    /// The URL of an output path under the base path: `/renkei/news/%E3%81%8A…/`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.config.base_path, encode_path(path))
    }

    /// The absolute URL of an output path: `https://example.org/news/%E3%81%8A…/`.
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{}", self.config.base_url, encode_path(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_is_percent_encoded_and_ascii_kept() {
        assert_eq!(encode_path("news/お知らせ/"), "news/%E3%81%8A%E7%9F%A5%E3%82%89%E3%81%9B/");
        assert_eq!(encode_path("wards/chiyoda/atom.xml"), "wards/chiyoda/atom.xml");
        assert_eq!(encode_path("a b?#%"), "a%20b%3F%23%25");
    }
}
