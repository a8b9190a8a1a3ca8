//! The answers of `serve`: files from the current snapshot and the live-reload endpoints.
//! `respond` is a pure function of the snapshot and the request, unit-tested without a socket;
//! `connection` does the sockets.
//!
//! What browsers expect of a file server, and get here: one byte range of a file (a video seeks,
//! a PDF viewer reads the pages it shows), validators compared as RFC 9110 says (weakly for
//! `If-None-Match`, strongly for `If-Range`), the registered media type of each kind of file, and
//! redirects whose `Location` means what the request meant (each segment encoded again, the
//! query kept).

use super::{Snapshot, Status};
use crate::model::percent_decode;
use std::borrow::Cow;

/// The prefix of the server's own URLs, which no site path can take (ids have no `_`).
const OWN: &str = "/__renkei/";
const SCRIPT: &str = include_str!("livereload.js");
const WORKER: &str = include_str!("livereload-worker.js");
const SCRIPT_TAG: &str = "<script src=\"/__renkei/livereload.js\"></script>";

/// An answer: status, headers and body (empty for HEAD and 304).
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    fn new(status: u16, content_type: &str, body: Vec<u8>) -> Reply {
        Reply { status, headers: vec![("Content-Type", content_type.to_owned())], body }
    }

    pub(super) fn text(status: u16, text: &str) -> Reply {
        Reply::new(status, "text/plain; charset=utf-8", text.as_bytes().to_vec())
    }

    pub(super) fn header(mut self, name: &'static str, value: impl Into<String>) -> Reply {
        self.headers.push((name, value.into()));
        self
    }

    fn redirect(location: String) -> Reply {
        Reply::new(301, "text/plain; charset=utf-8", b"moved\n".to_vec())
            .header("Location", location)
    }
}

pub(super) fn poll_reply(status: &Status) -> Reply {
    let body = serde_json::json!({"generation": status.generation, "error": status.error});
    Reply::new(200, "application/json", body.to_string().into_bytes())
        .header("Cache-Control", "no-store")
}

/// The request headers that choose between the whole file, a part of it and "not modified".
#[derive(Debug, Default, Clone, Copy)]
pub struct Conditions<'a> {
    pub if_none_match: Option<&'a str>,
    /// `Range: bytes=…`: one range is answered with 206, several with the whole file.
    pub range: Option<&'a str>,
    /// `If-Range`: the range only while the file still has this validator.
    pub if_range: Option<&'a str>,
}

/// The answer to `method url` from `snapshot`: files under the site's base path, `index.html`
/// for folders, the site's 404 page for anything else, including every path that tries to leave
/// the site (`..` and `.` segments, encoded slashes and backslashes, NUL).
pub fn respond(snapshot: &Snapshot, method: &str, url: &str, conditions: Conditions<'_>) -> Reply {
    if method != "GET" && method != "HEAD" {
        return Reply::new(405, "text/plain; charset=utf-8", b"method not allowed\n".to_vec())
            .header("Allow", "GET, HEAD");
    }
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let query = query_of(url);
    if let Some(script) = own_script(path) {
        return Reply::new(200, "text/javascript; charset=utf-8", script.as_bytes().to_vec())
            .header("Cache-Control", "no-cache");
    }
    // No base path yet: the first build failed, and the 404 page carries the overlay.
    let base = Some(snapshot.base_path.as_str()).filter(|b| !b.is_empty()).unwrap_or("/");
    if path == "/" && base != "/" {
        return Reply::redirect(format!("{base}{query}"));
    }
    if path.starts_with(OWN) {
        return not_found(snapshot);
    }
    let Some(file) = file_of(base, path) else {
        return if format!("{path}/") == base {
            Reply::redirect(format!("{base}{query}"))
        } else {
            not_found(snapshot)
        };
    };
    match snapshot.files.get(&file) {
        Some(bytes) => file_reply(&file, bytes, method, conditions),
        None if snapshot.files.contains_key(&format!("{file}/index.html")) => {
            Reply::redirect(format!("{base}{}/{query}", encode_path(&file)))
        }
        None => not_found(snapshot),
    }
}

/// The scripts of live reload: the one each page loads, and the shared worker that holds the
/// one waiting request of the whole browser.
fn own_script(path: &str) -> Option<&'static str> {
    match path {
        "/__renkei/livereload.js" => Some(SCRIPT),
        "/__renkei/livereload-worker.js" => Some(WORKER),
        _ => None,
    }
}

/// The query of a request target with its `?` (empty when there is none), safe to send back in
/// a `Location`: what a client sent raw that a URL cannot hold is percent-encoded, what it sent
/// encoded stays as it was (so `%26` in a value is still not a separator).
fn query_of(url: &str) -> String {
    let Some((_, query)) = url.split_once('?') else { return String::new() };
    let query = query.split('#').next().unwrap_or_default();
    let mut out = String::from("?");
    for byte in query.bytes() {
        let keep = byte.is_ascii_graphic() && !b"\"<>`#{}|\\^".contains(&byte);
        push_byte(&mut out, byte, keep);
    }
    out
}

/// An output file key as a URL path: each segment percent-encoded, so that a name holding `?`,
/// `#`, `%` or Japanese text means the same once a browser follows the redirect.
fn encode_path(file: &str) -> String {
    let mut out = String::new();
    for (i, segment) in file.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        for byte in segment.bytes() {
            // RFC 3986: unreserved characters and the sub-delimiters allowed in a segment.
            let keep = byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=@".contains(&byte);
            push_byte(&mut out, byte, keep);
        }
    }
    out
}

fn push_byte(out: &mut String, byte: u8, keep: bool) {
    if keep {
        out.push(char::from(byte));
    } else {
        out.push_str(&format!("%{byte:02X}"));
    }
}

/// The output file a request for `target` (path and query) reads under `base_path`, when it is
/// one of the site's (not one of the server's own URLs, nor outside the base path).
pub(super) fn requested_file(base_path: &str, target: &str) -> Option<String> {
    let path = target.split(['?', '#']).next().unwrap_or_default();
    if path.starts_with(OWN) {
        return None;
    }
    let base = Some(base_path).filter(|b| !b.is_empty()).unwrap_or("/");
    file_of(base, path)
}

/// The output file of URL `path` under `base`: `wards/chiyoda/index.html` for `/wards/chiyoda/`.
fn file_of(base: &str, path: &str) -> Option<String> {
    let key = file_key(path.strip_prefix(base)?)?;
    Some(if key.is_empty() || key.ends_with('/') { format!("{key}index.html") } else { key })
}

/// The `/`-separated file key of a URL path below the base path, each segment percent-decoded,
/// or `None` when a segment is or hides something that is not a plain name.
fn file_key(path: &str) -> Option<String> {
    let mut segments = Vec::new();
    for raw in path.split('/') {
        let bytes = percent_decode(raw)?;
        let segment = String::from_utf8(bytes).ok()?;
        let hostile = segment == ".."
            || segment == "."
            || segment.contains(['/', '\\', '\0', ':'])
            || segment.chars().any(char::is_control);
        if hostile {
            return None;
        }
        segments.push(segment);
    }
    Some(segments.join("/"))
}

/// A percent-encoded query value as text (`None` when it is not UTF-8 or badly encoded).
pub(super) fn decode_component(text: &str) -> Option<String> {
    String::from_utf8(percent_decode(text)?).ok()
}

fn file_reply(file: &str, bytes: &[u8], method: &str, conditions: Conditions<'_>) -> Reply {
    let tag = etag(bytes);
    if conditions.if_none_match.is_some_and(|value| none_match(value, &tag)) {
        return Reply { status: 304, headers: vec![("ETag", tag)], body: Vec::new() };
    }
    let content_type = content_type(file);
    let body: Cow<'_, [u8]> = if content_type.starts_with("text/html") {
        Cow::Owned(inject(bytes))
    } else {
        bytes.into()
    };
    let length = body.len();
    // Ranges are of what is sent: for a page, with the script; the validator still fits,
    // since the script is the same for every page.
    let range = conditions.range.filter(|_| method == "GET");
    let range = range.filter(|_| conditions.if_range.is_none_or(|v| v.trim() == tag));
    let reply = match requested_part(range, length) {
        Part::Whole => Reply::new(200, &content_type, body.into_owned()),
        Part::Slice(start, end) => Reply::new(206, &content_type, body[start..end].to_vec())
            .header("Content-Range", format!("bytes {start}-{}/{length}", end - 1)),
        Part::Unsatisfiable => Reply::text(416, "range not satisfiable\n")
            .header("Content-Range", format!("bytes */{length}")),
    };
    reply.header("Accept-Ranges", "bytes").header("ETag", tag).header("Cache-Control", "no-cache")
}

/// `If-None-Match` with the weak comparison RFC 9110 §13.1.2 asks for: `W/"x"` matches `"x"`
/// (proxies weaken the validators they pass on).
fn none_match(value: &str, tag: &str) -> bool {
    value.split(',').map(str::trim).any(|v| v == "*" || v.strip_prefix("W/").unwrap_or(v) == tag)
}

/// What a `Range` header asks of a body of `length` bytes.
#[derive(Debug, PartialEq)]
enum Part {
    /// No range, one the server does not serve (several ranges, another unit), or a malformed
    /// one, which RFC 9110 §14.2 says to ignore.
    Whole,
    /// Bytes `start..end`.
    Slice(usize, usize),
    /// A range that starts past the end (416).
    Unsatisfiable,
}

fn requested_part(range: Option<&str>, length: usize) -> Part {
    let Some(spec) = range.map(str::trim).and_then(|r| strip_prefix_ignore_case(r, "bytes="))
    else {
        return Part::Whole;
    };
    let Some((first, last)) = spec.trim().split_once('-').filter(|_| !spec.contains(',')) else {
        return Part::Whole;
    };
    let number = |text: &str| {
        let text = text.trim();
        let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
        digits.then(|| text.parse::<usize>().unwrap_or(usize::MAX))
    };
    match (number(first), number(last)) {
        // The last `n` bytes.
        (None, Some(n)) if first.trim().is_empty() => match n.min(length) {
            0 => Part::Unsatisfiable,
            n => Part::Slice(length - n, length),
        },
        (Some(start), None) if last.trim().is_empty() => slice(start, usize::MAX, length),
        (Some(start), Some(end)) if start <= end => slice(start, end, length),
        _ => Part::Whole,
    }
}

/// Bytes `start..=end` of `length`, the end cut to the length.
fn slice(start: usize, end: usize, length: usize) -> Part {
    if start >= length {
        Part::Unsatisfiable
    } else {
        Part::Slice(start, end.saturating_add(1).min(length))
    }
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &text[prefix.len()..])
}

fn not_found(snapshot: &Snapshot) -> Reply {
    let body = match snapshot.files.get("404.html") {
        Some(bytes) => inject(bytes),
        None => {
            let page = "<!doctype html><title>404</title><body><h1>404 Not Found</h1></body>";
            inject(page.as_bytes())
        }
    };
    Reply::new(404, "text/html; charset=utf-8", body).header("Cache-Control", "no-cache")
}

/// A strong validator of the file's bytes (the injected script is the same for every page).
fn etag(bytes: &[u8]) -> String {
    format!("\"{:016x}\"", crate::hash::of(bytes))
}

/// The page with the live-reload script before `</body>` (or at the end).
fn inject(bytes: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(bytes);
    let mut page = text.into_owned();
    match page.rfind("</body>") {
        Some(at) => page.insert_str(at, SCRIPT_TAG),
        None => page.push_str(SCRIPT_TAG),
    }
    page.into_bytes()
}

/// The media type of a file by its extension, from mime_guess's table, with `charset=utf-8` on
/// text types only (the build writes every text file in UTF-8).
fn content_type(file: &str) -> String {
    let extension = file.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let essence = match extension.as_str() {
        // Where the table has an older name than the registration browsers follow now.
        "js" | "mjs" => "text/javascript", // RFC 9239
        "xml" => "application/xml",        // RFC 7303 §4.1
        "map" => "application/json",       // source maps are JSON
        "otf" => "font/otf",               // RFC 8081
        "m4a" => "audio/mp4",              // RFC 4337
        _ => mime_guess::from_ext(&extension).first_raw().unwrap_or("application/octet-stream"),
    };
    if essence.starts_with("text/") {
        format!("{essence}; charset=utf-8")
    } else {
        essence.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn site(base: &str) -> Snapshot {
        let mut snapshot = Snapshot { base_path: base.to_owned(), ..Snapshot::default() };
        for (file, text) in [
            ("index.html", "<html><body>home</body></html>"),
            ("wards/chiyoda/index.html", "<body>chiyoda</body>"),
            ("404.html", "<body>missing</body>"),
            ("style.css", "body{}"),
        ] {
            snapshot.files.insert(file.to_owned(), Arc::from(text.as_bytes()));
        }
        snapshot
    }

    fn get(snapshot: &Snapshot, url: &str) -> (u16, String) {
        let reply = respond(snapshot, "GET", url, Conditions::default());
        (reply.status, String::from_utf8_lossy(&reply.body).into_owned())
    }

    #[test]
    fn folders_serve_index_and_get_the_script() {
        let (status, body) = get(&site("/"), "/wards/chiyoda/?x=1");
        assert_eq!(status, 200);
        assert!(body.contains("chiyoda") && body.contains(SCRIPT_TAG));
        assert_eq!(get(&site("/"), "/wards/chiyoda").0, 301);
    }

    #[test]
    fn traversal_in_every_encoding_is_not_found() {
        for url in [
            "/../etc/passwd",
            "/wards/../index.html",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc",
            "/wards%2fchiyoda/",
            "/wards%5cchiyoda/",
            "/..\\..\\etc",
            "/wards/chiyoda%00/",
            "/./index.html",
            "/%zz",
            "/C:/windows",
        ] {
            let (status, body) = get(&site("/"), url);
            assert_eq!(status, 404, "{url}");
            assert!(body.contains("missing"), "{url}");
        }
    }

    #[test]
    fn before_any_good_build_everything_is_the_fallback_404() {
        let (status, body) = get(&Snapshot::default(), "/");
        assert_eq!(status, 404);
        assert!(body.contains(SCRIPT_TAG), "the overlay script");
    }

    #[test]
    fn base_path_is_honoured() {
        let snapshot = site("/renkei/");
        assert_eq!(get(&snapshot, "/renkei/wards/chiyoda/").0, 200);
        assert_eq!(get(&snapshot, "/wards/chiyoda/").0, 404);
        assert_eq!(get(&snapshot, "/renkei").0, 301);
    }

    fn with(snapshot: &Snapshot, url: &str, conditions: Conditions<'_>) -> Reply {
        respond(snapshot, "GET", url, conditions)
    }

    fn header<'a>(reply: &'a Reply, name: &str) -> Option<&'a str> {
        reply.headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }

    #[test]
    fn methods_etags_and_types() {
        let snapshot = site("/");
        assert_eq!(respond(&snapshot, "POST", "/", Conditions::default()).status, 405);
        let first = with(&snapshot, "/style.css", Conditions::default());
        let tag = header(&first, "ETag").unwrap_or_default().to_owned();
        assert_eq!(header(&first, "Content-Type"), Some("text/css; charset=utf-8"));
        let again = Conditions { if_none_match: Some(&tag), ..Conditions::default() };
        assert_eq!(with(&snapshot, "/style.css", again).status, 304);
    }

    #[test]
    fn weak_validators_match_for_if_none_match() {
        let snapshot = site("/");
        let tag = header(&with(&snapshot, "/style.css", Conditions::default()), "ETag")
            .unwrap_or_default()
            .to_owned();
        for value in [format!("W/{tag}"), format!("\"other\", W/{tag}"), "*".to_owned()] {
            let asked = Conditions { if_none_match: Some(&value), ..Conditions::default() };
            assert_eq!(with(&snapshot, "/style.css", asked).status, 304, "{value}");
        }
        let other = Conditions { if_none_match: Some("W/\"other\""), ..Conditions::default() };
        assert_eq!(with(&snapshot, "/style.css", other).status, 200);
    }

    #[test]
    fn single_ranges_get_206_and_the_rest_the_whole_file() {
        let mut snapshot = site("/");
        let bytes: Vec<u8> = (0..100u8).collect();
        snapshot.files.insert("clip.webm".to_owned(), Arc::from(bytes.as_slice()));
        let range = |value: &str| {
            with(
                &snapshot,
                "/clip.webm",
                Conditions { range: Some(value), ..Conditions::default() },
            )
        };
        let part = range("bytes=10-19");
        assert_eq!((part.status, part.body.as_slice()), (206, &bytes[10..20]));
        assert_eq!(header(&part, "Content-Range"), Some("bytes 10-19/100"));
        assert_eq!(header(&part, "Accept-Ranges"), Some("bytes"));
        assert_eq!(range("bytes=90-").body, &bytes[90..]);
        assert_eq!(range("bytes=-5").body, &bytes[95..]);
        assert_eq!(header(&range("bytes=95-500"), "Content-Range"), Some("bytes 95-99/100"));
        assert_eq!(header(&range("bytes=-500"), "Content-Range"), Some("bytes 0-99/100"));
        for unsatisfiable in ["bytes=100-", "bytes=200-300", "bytes=-0"] {
            let reply = range(unsatisfiable);
            assert_eq!(reply.status, 416, "{unsatisfiable}");
            assert_eq!(header(&reply, "Content-Range"), Some("bytes */100"));
        }
        for whole in ["bytes=0-1,5-6", "items=0-1", "bytes=5-1", "bytes=a-b", "bytes=-", "0-1"] {
            let reply = range(whole);
            assert_eq!((reply.status, reply.body.len()), (200, 100), "{whole}");
        }
        let head = respond(
            &snapshot,
            "HEAD",
            "/clip.webm",
            Conditions { range: Some("bytes=0-1"), ..Conditions::default() },
        );
        assert_eq!(head.status, 200);
    }

    #[test]
    fn if_range_keeps_the_range_only_for_the_same_file() {
        let snapshot = site("/");
        let whole = with(&snapshot, "/style.css", Conditions::default());
        let tag = header(&whole, "ETag").unwrap_or_default().to_owned();
        let status = |if_range: &str| {
            let asked = Conditions {
                range: Some("bytes=0-1"),
                if_range: Some(if_range),
                ..Conditions::default()
            };
            with(&snapshot, "/style.css", asked).status
        };
        assert_eq!(status(&tag), 206);
        for stale in ["\"0000000000000000\"", "Wed, 21 Oct 2015 07:28:00 GMT", &format!("W/{tag}")]
        {
            assert_eq!(status(stale), 200, "{stale}");
        }
    }

    #[test]
    fn ranges_of_a_page_include_the_script() {
        let snapshot = site("/");
        let whole = with(&snapshot, "/", Conditions::default());
        let asked = Conditions { range: Some("bytes=-20"), ..Conditions::default() };
        let tail = with(&snapshot, "/", asked);
        assert_eq!(tail.body, &whole.body[whole.body.len() - 20..]);
    }

    #[test]
    fn the_common_web_types_are_known_and_only_text_has_a_charset() {
        for (file, expected) in [
            ("a.wasm", "application/wasm"),
            ("a.mp4", "video/mp4"),
            ("a.webm", "video/webm"),
            ("a.mp3", "audio/mpeg"),
            ("a.m4a", "audio/mp4"),
            ("a.ogg", "audio/ogg"),
            ("a.ttf", "font/ttf"),
            ("a.otf", "font/otf"),
            ("a.woff2", "font/woff2"),
            ("site.webmanifest", "application/manifest+json"),
            ("app.js.map", "application/json"),
            ("README.md", "text/markdown; charset=utf-8"),
            ("wards.geojson", "application/geo+json"),
            ("data.zip", "application/zip"),
            ("feed.xml", "application/xml"),
            ("app.mjs", "text/javascript; charset=utf-8"),
            ("a.json", "application/json"),
            ("a.csv", "text/csv; charset=utf-8"),
            ("a.ics", "text/calendar; charset=utf-8"),
            ("a.svg", "image/svg+xml"),
            ("a.PDF", "application/pdf"),
            ("a.avif", "image/avif"),
            ("no-extension", "application/octet-stream"),
        ] {
            assert_eq!(content_type(file), expected, "{file}");
        }
    }

    #[test]
    fn redirects_encode_the_path_and_keep_the_query() {
        let mut snapshot = site("/");
        for folder in ["お知らせ", "a?b", "100%", "sp ace#x"] {
            snapshot.files.insert(format!("{folder}/index.html"), Arc::from(&b"<body></body>"[..]));
        }
        let location = |url: &str| {
            let reply = with(&snapshot, url, Conditions::default());
            assert_eq!(reply.status, 301, "{url}");
            header(&reply, "Location").unwrap_or_default().to_owned()
        };
        assert_eq!(
            location("/%E3%81%8A%E7%9F%A5%E3%82%89%E3%81%9B"),
            "/%E3%81%8A%E7%9F%A5%E3%82%89%E3%81%9B/"
        );
        assert_eq!(
            location("/お知らせ?q=荒川&x=%26"),
            "/%E3%81%8A%E7%9F%A5%E3%82%89%E3%81%9B/?q=%E8%8D%92%E5%B7%9D&x=%26"
        );
        assert_eq!(location("/a%3Fb"), "/a%3Fb/");
        assert_eq!(location("/100%25"), "/100%25/");
        assert_eq!(location("/sp%20ace%23x?"), "/sp%20ace%23x/?");
        assert_eq!(location("/wards/chiyoda?page=2"), "/wards/chiyoda/?page=2");
        // Each Location leads to the folder's page.
        for url in ["/a%3Fb/", "/100%25/", "/%E3%81%8A%E7%9F%A5%E3%82%89%E3%81%9B/"] {
            assert_eq!(with(&snapshot, url, Conditions::default()).status, 200, "{url}");
        }
        let based = site("/renkei/");
        let reply = with(&based, "/?x=1", Conditions::default());
        assert_eq!(header(&reply, "Location"), Some("/renkei/?x=1"));
    }
}
