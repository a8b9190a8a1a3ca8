//! Front-matter values that parse but cannot be published as they are:
//!
//! - required text left empty or blank (`title: ""`, `name: "　"`): the page would get an empty
//!   heading and an empty link in every list, and serde accepts an empty string as well as any;
//! - addresses of other sites (`website`, a relation's `source`) that are no web address:
//!   templates make them clickable links, so `javascript:alert(1)` would run in a reader's browser
//!   (raw HTML in bodies is sanitised, front matter values are not), and a scheme-less
//!   `www.example.jp` would be a link into this site that leads nowhere.
//!
//! A scheme-less address is an error, not completed silently: the editor sees the exact text to
//! write (`https://www.example.jp`), and the site never guesses between `http:` and `https:`.

use super::Site;
use crate::diag::Diagnostics;
use crate::load::{Entry, Meta};
use crate::messages::Text;
use crate::msg;

/// What an address field is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlKind {
    /// A page of another site: `https:` or `http:`.
    Web,
    /// A way to reach someone: a page, or `mailto:` / `tel:`.
    Contact,
}

/// Checks the required texts and the addresses of every published entry (translations and
/// section texts included).
pub(super) fn check(site: &Site, diagnostics: &mut Diagnostics) {
    for entry in site.entries() {
        check_entry(entry, diagnostics);
    }
}

fn check_entry(entry: &Entry, diagnostics: &mut Diagnostics) {
    for field in required_texts(&entry.meta) {
        if field.value.trim().is_empty() {
            let message = match field.item {
                Some(_) if field.list => msg!("field.empty_item", key = field.key),
                _ => msg!("field.empty", key = field.key),
            };
            let help = if field.list {
                msg!("field.empty_item_help")
            } else {
                msg!("field.required_help", key = field.key)
            };
            // A list item has no key of its own: the error points at the list.
            let nested = if field.list { None } else { field.item };
            diagnostics.push(entry.error_at_field(field.key, nested, message).with_help(help));
        }
    }
    for (key, value) in entry.meta.web_addresses() {
        if let Some((message, help)) = url_problem(key, value, UrlKind::Web) {
            let diagnostic = if value.trim().is_empty() {
                entry.error_at_field(key, None, message)
            } else {
                entry.error_at_value(key, value, message)
            };
            diagnostics.push(diagnostic.with_help(help));
        }
    }
}

/// A text field that must not be blank.
struct Field<'m> {
    key: &'static str,
    value: &'m str,
    /// Which item of a list it belongs to (the second district's `name`: `Some(1)`).
    item: Option<usize>,
    /// An item of a list of texts (`aliases`), rather than a field of a list's item.
    list: bool,
}

fn top<'m>(key: &'static str, value: &'m str) -> Field<'m> {
    Field { key, value, item: None, list: false }
}

fn items<'m>(key: &'static str, values: &'m [String]) -> impl Iterator<Item = Field<'m>> {
    values.iter().enumerate().map(move |(i, value)| Field { key, value, item: Some(i), list: true })
}

/// The required texts of a front matter, and the items of its lists of texts. Ids and codes
/// (`prefecture`, `ward`, `category`, `code`) are not here: an empty one is reported as an
/// unknown id, with the valid ones.
fn required_texts(meta: &Meta) -> Vec<Field<'_>> {
    match meta {
        Meta::Ward(m) => vec![top("name", &m.name), top("kana", &m.kana)],
        Meta::Prefecture(m) => vec![top("name", &m.name), top("kana", &m.kana)],
        Meta::Municipality(m) => {
            let mut fields = vec![top("name", &m.name), top("kana", &m.kana)];
            for (i, district) in m.districts.iter().enumerate() {
                fields.push(Field {
                    key: "name",
                    value: &district.name,
                    item: Some(i),
                    list: false,
                });
                fields.push(Field {
                    key: "kana",
                    value: &district.kana,
                    item: Some(i),
                    list: false,
                });
            }
            fields.extend(items("aliases", &m.aliases));
            fields
        }
        Meta::Event(m) => vec![top("title", &m.title)],
        Meta::Exhibit(m) => vec![top("title", &m.title), top("location", &m.location)],
        Meta::News(m) => vec![top("title", &m.title), top("category", &m.category)],
        Meta::Facility(m) => {
            let mut fields = vec![top("name", &m.name)];
            fields.extend(items("uses", &m.uses));
            fields
        }
        Meta::Agreement(m) => {
            let mut fields = vec![top("title", &m.title)];
            fields.extend(items("parties", &m.parties));
            fields
        }
        Meta::Meeting(m) => {
            let mut fields = vec![top("title", &m.title), top("body", &m.body)];
            fields.extend(items("agenda", &m.agenda));
            fields
        }
        Meta::PartnerOrg(m) => vec![top("name", &m.name)],
        Meta::Page(m) => vec![top("title", &m.title)],
    }
}

/// What is wrong with the address `value` of the field `key`, as (message, help); `None` when it
/// is a web address (`https:` or `http:` with a host), or for a contact also `mailto:` or `tel:`.
pub fn url_problem(key: &str, value: &str, kind: UrlKind) -> Option<(Text, Text)> {
    let value = value.trim();
    let expected = match kind {
        UrlKind::Web => msg!("url.expected_web"),
        UrlKind::Contact => msg!("url.expected_contact"),
    };
    if value.is_empty() {
        return Some((
            msg!("field.empty", key = key),
            msg!("url.write_or_remove", expected = expected),
        ));
    }
    let Some((scheme, rest)) = scheme_of(value) else {
        let message = msg!("url.no_scheme", value = value, key = key);
        let help = match completed(value) {
            Some(url) => msg!("url.write_this", url = url),
            None => msg!("url.write", expected = expected),
        };
        return Some((message, help));
    };
    let scheme = scheme.to_ascii_lowercase();
    match scheme.as_str() {
        "https" | "http" => web_problem(key, value, rest),
        "mailto" | "tel" if kind == UrlKind::Contact => rest.trim().is_empty().then(|| {
            (
                msg!("url.nothing_after", value = value, key = key, scheme = scheme.as_str()),
                msg!("url.write", expected = expected.clone()),
            )
        }),
        _ => Some((
            msg!("url.scheme_not_allowed", scheme = scheme.as_str(), key = key, value = value),
            msg!("url.write", expected = expected),
        )),
    }
}

/// The problem of an `http(s):` address: no host, or a space in it.
fn web_problem(key: &str, value: &str, rest: &str) -> Option<(Text, Text)> {
    let host = rest.strip_prefix("//").map(|r| r.split(['/', '?', '#']).next().unwrap_or(""));
    match host {
        None | Some("") => {
            Some((msg!("url.no_host", value = value, key = key), msg!("url.no_host_help")))
        }
        Some(_) if value.chars().any(char::is_whitespace) => Some((
            msg!("url.space", value = value, key = key),
            msg!("url.without_spaces", url = value.split_whitespace().collect::<String>()),
        )),
        Some(_) => None,
    }
}

/// The scheme of `value` (`https` in `https://…`) and what follows its colon, if it has one:
/// a letter, then letters, digits, `+`, `-` or `.` (RFC 3986).
fn scheme_of(value: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = value.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    let valid = first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some((scheme, rest))
}

/// What a scheme-less address most likely meant: `www.example.jp` → `https://www.example.jp`,
/// `//example.jp/` → `https://example.jp/`, and full-width `https：／／` typed on a Japanese
/// keyboard → `https://`. `None` when it does not look like an address at all.
fn completed(value: &str) -> Option<String> {
    let ascii: String = value
        .chars()
        .map(|c| match c {
            '：' => ':',
            '／' => '/',
            '．' => '.',
            other => other,
        })
        .collect();
    if ascii != value
        && scheme_of(&ascii)
            .is_some_and(|(s, _)| s.eq_ignore_ascii_case("https") || s.eq_ignore_ascii_case("http"))
    {
        return Some(ascii);
    }
    if let Some(rest) = ascii.strip_prefix("//") {
        return Some(format!("https://{rest}"));
    }
    let host = ascii.split(['/', '?', '#']).next().unwrap_or_default();
    let looks_like_host = host.contains('.')
        && !host.starts_with('.')
        && host.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'));
    looks_like_host.then(|| format!("https://{ascii}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn help(value: &str) -> Option<String> {
        url_problem("website", value, UrlKind::Web).map(|(_, help)| help.to_string())
    }

    #[test]
    fn web_addresses_pass() {
        for url in [
            "https://www.city.arakawa.tokyo.jp/",
            "http://example.jp",
            "HTTPS://example.jp/a?b=1#c",
            "https://example.jp/お知らせ/",
        ] {
            assert_eq!(url_problem("website", url, UrlKind::Web), None, "{url}");
        }
    }

    #[test]
    fn other_schemes_are_refused_with_what_to_write() {
        let (message, help) = url_problem("website", "javascript:alert(1)", UrlKind::Web)
            .map(|(message, help)| (message.to_string(), help.to_string()))
            .unwrap_or_else(|| panic!("javascript: passed"));
        assert!(message.contains("`javascript:` addresses are not allowed"), "{message}");
        assert!(help.contains("https://"), "{help}");
        for url in
            ["data:text/html,<script>", "ftp://example.jp/", "file:///etc/passwd", "vbscript:x"]
        {
            assert!(url_problem("website", url, UrlKind::Web).is_some(), "{url}");
        }
        assert!(url_problem("website", "mailto:info@example.jp", UrlKind::Web).is_some());
    }

    #[test]
    fn contacts_may_be_mail_and_telephone() {
        assert_eq!(url_problem("contact", "mailto:info@example.jp", UrlKind::Contact), None);
        assert_eq!(url_problem("contact", "tel:03-1234-5678", UrlKind::Contact), None);
        assert!(url_problem("contact", "tel:", UrlKind::Contact).is_some());
        assert!(url_problem("contact", "javascript:x", UrlKind::Contact).is_some());
    }

    #[test]
    fn scheme_less_addresses_get_the_address_they_meant() {
        assert_eq!(help("www.example.jp").as_deref(), Some("write `https://www.example.jp`"));
        assert_eq!(help("example.jp/a/").as_deref(), Some("write `https://example.jp/a/`"));
        assert_eq!(help("//example.jp/").as_deref(), Some("write `https://example.jp/`"));
        assert_eq!(help("https：／／example.jp/").as_deref(), Some("write `https://example.jp/`"));
        let text = help("荒川区のホームページ").unwrap_or_default();
        assert!(text.contains("starting with https://"), "{text}");
    }

    #[test]
    fn an_address_needs_a_host_and_no_spaces() {
        assert!(help("https://").is_some_and(|h| h.contains("https://www.")));
        assert!(help("https:/example.jp").is_some());
        assert_eq!(
            help("https://example.jp/a b").as_deref(),
            Some("write the address without spaces: `https://example.jp/ab`")
        );
        assert!(help("  ").is_some_and(|h| h.contains("remove the line")));
    }
}
