//! `renkei check --external` against a server on loopback (there is no Internet in CI): broken
//! links are errors at their place, redirects warnings, slow servers time out, and a second run
//! asks only for what failed.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::support::{edit, fixture_copy, place_in, read, renkei, run_failing, write};

/// A server on a free loopback port answering each path its own way, counting requests by
/// method and path.
struct LinkServer {
    port: u16,
    requests: Arc<Mutex<HashMap<String, usize>>>,
}

impl LinkServer {
    fn start() -> LinkServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
        let port = listener.local_addr().unwrap_or_else(|e| panic!("{e}")).port();
        let requests = Arc::new(Mutex::new(HashMap::new()));
        let counts = Arc::clone(&requests);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let counts = Arc::clone(&counts);
                std::thread::spawn(move || answer(stream, &counts));
            }
        });
        LinkServer { port, requests }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Requests for `path` so far, by any method.
    fn count(&self, path: &str) -> usize {
        let requests = self.requests.lock().unwrap_or_else(|e| panic!("{e}"));
        requests.iter().filter(|(key, _)| key.ends_with(&format!(" {path}"))).map(|(_, n)| n).sum()
    }
}

fn answer(mut stream: TcpStream, counts: &Mutex<HashMap<String, usize>>) {
    let mut head = Vec::new();
    let mut byte = [0; 1];
    while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).is_ok_and(|n| n == 1) {
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head);
    let mut words = head.split_whitespace();
    let (method, path) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    if let Ok(mut counts) = counts.lock() {
        *counts.entry(format!("{method} {path}")).or_default() += 1;
    }
    let (status, location) = match (method, path) {
        (_, "/ok") => ("200 OK", None),
        (_, "/moved") => ("301 Moved Permanently", Some("/ok")),
        (_, "/temporary") => ("302 Found", Some("/ok")),
        (_, "/see-other") => ("303 See Other", Some("/ok")),
        (_, "/temporary-307") => ("307 Temporary Redirect", Some("/ok")),
        (_, "/permanent-308") => ("308 Permanent Redirect", Some("/ok")),
        ("HEAD", "/get-only-501") => ("501 Not Implemented", None),
        (_, "/get-only-501") => ("200 OK", None),
        (_, "/missing") => ("404 Not Found", None),
        (_, "/broken") => ("500 Internal Server Error", None),
        ("HEAD", "/get-only") => ("405 Method Not Allowed", None),
        (_, "/get-only") => ("200 OK", None),
        (_, "/slow") => {
            std::thread::sleep(Duration::from_secs(3));
            ("200 OK", None)
        }
        _ => ("404 Not Found", None),
    };
    let location = location.map(|l| format!("Location: {l}\r\n")).unwrap_or_default();
    let reply =
        format!("HTTP/1.1 {status}\r\n{location}Content-Length: 0\r\nConnection: close\r\n\r\n");
    let _ = stream.write_all(reply.as_bytes());
}

/// The fixture site with a page linking every kind of answer, one link a line, a ward whose
/// `website` is gone, a timeout of 1 s and skipped prefixes (the fixture's real sites among them).
fn site_linking(server: &LinkServer, paths: &[&str]) -> tempfile::TempDir {
    let site = fixture_copy("basic");
    let root = site.path();
    let website = format!("website: {}", server.url("/gone"));
    edit(root, "content/wards/arakawa.md", "website: https://www.city.arakawa.tokyo.jp/", &website);
    let links: String =
        paths.iter().map(|path| format!("- [{path}]({})\n", server.url(path))).collect();
    let about = read(&root.join("content/about.md"));
    let others = "- [mail](mailto:info@example.jp) [tel](tel:0312345678)\n";
    write(root, "content/about.md", format!("{about}\n{links}{others}"));
    let config = read(&root.join("site.toml"));
    let skip = format!("[\"{}\", \"https://\"]", server.url("/skipped"));
    let check = format!("\n[check]\ntimeout = 1\nskip = {skip}\n");
    write(root, "site.toml", format!("{config}{check}"));
    site
}

fn check_external(root: &Path) -> (Option<i32>, String, String) {
    // Should the DNS server drop the query (no network), the resolver gives up after a second
    // instead of ten, and the unknown host is still reported as one.
    let output = renkei()
        .env("RES_OPTIONS", "timeout:1 attempts:1")
        .args(["check", "--external", "--root"])
        .arg(root)
        .output()
        .unwrap_or_else(|e| panic!("cannot run renkei: {e}"));
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    (output.status.code(), text(&output.stdout), text(&output.stderr))
}

#[test]
fn broken_links_fail_redirects_warn_and_a_rerun_asks_only_for_the_failures() {
    let server = LinkServer::start();
    let paths =
        ["/ok", "/moved", "/temporary", "/missing", "/broken", "/get-only", "/slow", "/skipped/x"];
    let site = site_linking(&server, &paths);
    let root = site.path();
    let place = |path: &str| place_in(root, "content/about.md", &server.url(path));

    // Without --external no request is made.
    let (code, stderr) = run_failing("check", root, &[]);
    assert_eq!((code, server.count("/ok")), (Some(0), 0), "{stderr}");

    let (code, stdout, stderr) = check_external(root);
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    let error_at = |path: &str, what: &str| {
        let expected = format!("link to `{}` {what}", server.url(path));
        let at = stderr.find(&expected).unwrap_or_else(|| panic!("{expected}:\n{stderr}"));
        assert!(stderr[at..].contains(&place(path)), "{path} at {}:\n{stderr}", place(path));
    };
    error_at("/missing", "answered 404 Not Found");
    error_at("/broken", "answered 500 Internal Server Error");
    error_at("/slow", "failed: no answer within 1 s (timed out)");
    error_at("/moved", &format!("has moved permanently (301) to `{}`", server.url("/ok")));
    error_at("/temporary", "redirects temporarily (302)");
    assert!(stderr.contains(&format!("help: link to `{}` instead", server.url("/ok"))), "{stderr}");
    assert_eq!(stderr.matches("warning: ").count(), 2, "{stderr}");
    let website = place_in(root, "content/wards/arakawa.md", &server.url("/gone"));
    assert!(stderr.contains(&website), "the front matter's website at {website}:\n{stderr}");
    assert!(stderr.contains("error: 4 problems found"), "{stderr}");
    assert!(!stderr.contains("get-only") && !stderr.contains("mailto"), "{stderr}");
    assert_eq!(server.count("/get-only"), 2, "HEAD, then GET");
    assert_eq!(server.count("/skipped/x"), 0);
    assert_eq!(server.count("/ok"), 3, "direct, and after each redirect");
    assert!(
        stdout.contains("8 external links checked, 0 of them answered from the cache"),
        "{stdout}"
    );
    assert!(root.join(".renkei-cache/links.json").is_file());

    let (code, stdout, _) = check_external(root);
    assert_eq!(code, Some(1));
    assert!(
        stdout.contains("8 external links checked, 4 of them answered from the cache"),
        "{stdout}"
    );
    assert_eq!(server.count("/ok"), 3, "answered from the cache");
    assert_eq!(server.count("/get-only"), 2, "answered from the cache");
    assert_eq!(server.count("/missing"), 2, "failures are asked for again");

    // With the broken links gone the check passes, with the redirects as warnings.
    let about = read(&root.join("content/about.md"));
    let kept: String = about
        .lines()
        .filter(|line| {
            !["/missing", "/broken", "/slow"].iter().any(|p| line.contains(&server.url(p)))
        })
        .map(|line| format!("{line}\n"))
        .collect();
    write(root, "content/about.md", kept);
    edit(root, "content/wards/arakawa.md", &server.url("/gone"), &server.url("/ok"));
    let (code, stdout, stderr) = check_external(root);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("No errors, 2 warning(s)"), "{stdout}");
    assert_eq!(server.count("/ok"), 3, "nothing asked again");
}

/// The other redirects (303 and 307 temporary, 308 permanent) are warnings naming where they
/// end; a server answering HEAD with 501 is asked again with GET; a host that does not exist is
/// an error at the link. `.invalid` never resolves (RFC 6761), and no request leaves loopback.
#[test]
fn other_redirects_warn_a_501_to_head_is_asked_with_get_and_an_unknown_host_is_an_error() {
    let server = LinkServer::start();
    let site =
        site_linking(&server, &["/see-other", "/temporary-307", "/permanent-308", "/get-only-501"]);
    let root = site.path();
    let unknown = "http://renkei-test.invalid/page";
    let about = read(&root.join("content/about.md"));
    write(root, "content/about.md", format!("{about}- [どこにもない]({unknown})\n"));
    // Time for the resolver to say "no such host" (nothing here is slow).
    edit(root, "site.toml", "timeout = 1", "timeout = 5");

    let (code, stdout, stderr) = check_external(root);
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    let ok = server.url("/ok");
    let said_at = |path: &str, what: &str| {
        let expected = format!("link to `{}` {what}", server.url(path));
        let at = stderr.find(&expected).unwrap_or_else(|| panic!("{expected}:\n{stderr}"));
        let place = place_in(root, "content/about.md", &server.url(path));
        assert!(stderr[at..].contains(&place), "{path} at {place}:\n{stderr}");
    };
    said_at("/see-other", &format!("redirects temporarily (303) to `{ok}`"));
    said_at("/temporary-307", &format!("redirects temporarily (307) to `{ok}`"));
    said_at("/permanent-308", &format!("has moved permanently (308) to `{ok}`"));
    assert_eq!(stderr.matches("warning: ").count(), 3, "{stderr}");
    assert!(!stderr.contains("get-only-501"), "HEAD refused, GET answered 200:\n{stderr}");
    assert_eq!(server.count("/get-only-501"), 2, "HEAD, then GET");
    assert_eq!(server.count("/ok"), 3, "after each redirect");

    let expected = format!("link to `{unknown}` failed: the host was not found");
    let at = stderr.find(&expected).unwrap_or_else(|| panic!("{expected}:\n{stderr}"));
    let place = place_in(root, "content/about.md", unknown);
    assert!(stderr[at..].contains(&place), "the unknown host at {place}:\n{stderr}");
    assert!(stderr.contains("error: 2 problems found"), "the host and the gone website:\n{stderr}");
}

/// `check --external` asks at most 8 servers at once: 12 slow servers on loopback (each its own
/// host, by its port) never see more than 8 requests open together, and see 8 at some moment.
#[test]
fn at_most_eight_requests_are_open_at_once() {
    let open = Arc::new(Mutex::new((0_usize, 0_usize)));
    let mut urls = Vec::new();
    for _ in 0..12 {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
        let port = listener.local_addr().unwrap_or_else(|e| panic!("{e}")).port();
        urls.push(format!("http://127.0.0.1:{port}/slow-page"));
        let open = Arc::clone(&open);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let open = Arc::clone(&open);
                std::thread::spawn(move || slow_answer(stream, &open));
            }
        });
    }
    let site = fixture_copy("basic");
    let root = site.path();
    let links: String = urls.iter().map(|url| format!("- [{url}]({url})\n")).collect();
    let about = read(&root.join("content/about.md"));
    write(root, "content/about.md", format!("{about}\n{links}"));
    let config = read(&root.join("site.toml"));
    write(root, "site.toml", format!("{config}\n[check]\ntimeout = 10\nskip = [\"https://\"]\n"));

    let (code, stdout, stderr) = check_external(root);
    assert_eq!(code, Some(0), "every server answers 200:\n{stdout}\n{stderr}");
    let (_, most) = *open.lock().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(most, 8, "requests open at once at most");
}

/// Counts the open requests (now, most so far), holds the request for a second, answers 200.
fn slow_answer(mut stream: TcpStream, open: &Mutex<(usize, usize)>) {
    if let Ok(mut open) = open.lock() {
        open.0 += 1;
        open.1 = open.1.max(open.0);
    }
    let mut head = Vec::new();
    let mut byte = [0; 1];
    while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).is_ok_and(|n| n == 1) {
        head.push(byte[0]);
    }
    std::thread::sleep(Duration::from_secs(1));
    if let Ok(mut open) = open.lock() {
        open.0 -= 1;
    }
    let reply = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    let _ = stream.write_all(reply.as_bytes());
}
