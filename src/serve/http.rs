//! The answers of `serve`: files from the current snapshot and the live-reload endpoints.
//! `respond` is a pure function of the snapshot and the request, unit-tested without a socket;
//! `connection` does the sockets.

use super::{Snapshot, Status};
use crate::model::percent_decode;
use std::hash::{DefaultHasher, Hash, Hasher};

/// The prefix of the server's own URLs, which no site path can take (ids have no `_`).
const OWN: &str = "/__renkei/";
const SCRIPT: &str = include_str!("livereload.js");
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

/// The answer to `method url` from `snapshot`: files under the site's base path, `index.html`
/// for folders, the site's 404 page for anything else, including every path that tries to leave
/// the site (`..` and `.` segments, encoded slashes and backslashes, NUL).
pub fn respond(snapshot: &Snapshot, method: &str, url: &str, if_none_match: Option<&str>) -> Reply {
    if method != "GET" && method != "HEAD" {
        return Reply::new(405, "text/plain; charset=utf-8", b"method not allowed\n".to_vec())
            .header("Allow", "GET, HEAD");
    }
    let path = url.split(['?', '#']).next().unwrap_or_default();
    if path == "/__renkei/livereload.js" {
        return Reply::new(200, "text/javascript; charset=utf-8", SCRIPT.as_bytes().to_vec())
            .header("Cache-Control", "no-cache");
    }
    // No base path yet: the first build failed, and the 404 page carries the overlay.
    let base = Some(snapshot.base_path.as_str()).filter(|b| !b.is_empty()).unwrap_or("/");
    if path == "/" && base != "/" {
        return Reply::redirect(base.to_owned());
    }
    if path.starts_with(OWN) {
        return not_found(snapshot);
    }
    let Some(file) = file_of(base, path) else {
        return if format!("{path}/") == base {
            Reply::redirect(base.to_owned())
        } else {
            not_found(snapshot)
        };
    };
    match snapshot.files.get(&file) {
        Some(bytes) => file_reply(&file, bytes, if_none_match),
        None if snapshot.files.contains_key(&format!("{file}/index.html")) => {
            Reply::redirect(format!("{base}{file}/"))
        }
        None => not_found(snapshot),
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

fn file_reply(file: &str, bytes: &[u8], if_none_match: Option<&str>) -> Reply {
    let tag = etag(bytes);
    let matches = if_none_match
        .is_some_and(|value| value.split(',').any(|v| v.trim() == tag || v.trim() == "*"));
    let content_type = content_type(file);
    if matches {
        return Reply { status: 304, headers: vec![("ETag", tag)], body: Vec::new() };
    }
    let body = if content_type.starts_with("text/html") { inject(bytes) } else { bytes.to_vec() };
    Reply::new(200, content_type, body).header("ETag", tag).header("Cache-Control", "no-cache")
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
    let mut hasher = DefaultHasher::new();
    bytes.hash(&mut hasher);
    format!("\"{:016x}\"", hasher.finish())
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

fn content_type(file: &str) -> &'static str {
    let extension = file.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "txt" => "text/plain; charset=utf-8",
        "ics" => "text/calendar; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
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
        let reply = respond(snapshot, "GET", url, None);
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

    #[test]
    fn methods_etags_and_types() {
        let snapshot = site("/");
        assert_eq!(respond(&snapshot, "POST", "/", None).status, 405);
        let first = respond(&snapshot, "GET", "/style.css", None);
        let tag = first.headers.iter().find(|(n, _)| *n == "ETag").map(|(_, v)| v.clone());
        assert!(first.headers.contains(&("Content-Type", "text/css; charset=utf-8".to_owned())));
        let again = respond(&snapshot, "GET", "/style.css", tag.as_deref());
        assert_eq!(again.status, 304);
    }
}
