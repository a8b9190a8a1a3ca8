//! `renkei serve`: a real server on a free port, on a copy of the fixture site, edited while it
//! runs; and a property test that after any sequence of edits the served files are exactly those
//! of a fresh build.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::{edit, fixture_copy, read, write};

/// A running `renkei serve` on a copy of a fixture site; killed when dropped.
pub(crate) struct Server {
    child: Child,
    pub(crate) address: String,
    pub(crate) site: tempfile::TempDir,
    /// What the server wrote to stderr so far (its warnings and diagnostics).
    stderr: Arc<Mutex<String>>,
    /// What the server wrote to stdout so far (its address, builds, and traces).
    stdout: Arc<Mutex<String>>,
}

impl Server {
    pub(crate) fn start(fixture: &str) -> Server {
        Server::start_in(fixture_copy(fixture))
    }

    /// `renkei serve` on a site prepared by the test.
    pub(crate) fn start_in(site: tempfile::TempDir) -> Server {
        Server::start_with(site, &[], &[])
    }

    /// `renkei serve --port 0` with `extra` arguments and environment variables on a site
    /// prepared by the test.
    pub(crate) fn start_with(
        site: tempfile::TempDir,
        extra: &[&str],
        env: &[(&str, &std::ffi::OsStr)],
    ) -> Server {
        let binary = assert_cmd::cargo::cargo_bin("renkei");
        let mut child = Command::new(binary)
            .args(["--lang", "en", "serve", "--port", "0", "--root"])
            .arg(site.path())
            .args(extra)
            .envs(env.iter().copied())
            .env("SOURCE_DATE_EPOCH", "1767193200")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start renkei serve: {e}"));
        let stderr = Arc::new(Mutex::new(String::new()));
        let errors = child.stderr.take().unwrap_or_else(|| panic!("no stderr"));
        let written = Arc::clone(&stderr);
        std::thread::spawn(move || {
            for line in BufReader::new(errors).lines().map_while(Result::ok) {
                if let Ok(mut text) = written.lock() {
                    text.push_str(&line);
                    text.push('\n');
                }
            }
        });
        let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
        let mut lines = BufReader::new(stdout).lines();
        let said = Arc::new(Mutex::new(String::new()));
        let keep = |text: &Arc<Mutex<String>>, line: &str| {
            if let Ok(mut text) = text.lock() {
                text.push_str(line);
                text.push('\n');
            }
        };
        let address = loop {
            let line = lines.next().and_then(Result::ok).unwrap_or_else(|| panic!("serve ended"));
            keep(&said, &line);
            if let Some(url) = line.split("http://").nth(1) {
                break url.split('/').next().unwrap_or_default().to_owned();
            }
        };
        // Keep reading so that the server never blocks on a full pipe.
        let written = Arc::clone(&said);
        std::thread::spawn(move || lines.map_while(Result::ok).for_each(|l| keep(&written, &l)));
        Server { child, address, site, stderr, stdout: said }
    }

    /// What the server wrote to stderr so far.
    pub(crate) fn stderr(&self) -> String {
        self.stderr.lock().map(|text| text.clone()).unwrap_or_default()
    }

    /// Waits until stderr holds `text` (diagnostics are printed after a rebuild).
    pub(crate) fn wait_for_stderr(&self, text: &str) -> String {
        let started = Instant::now();
        loop {
            let stderr = self.stderr();
            if stderr.contains(text) {
                return stderr;
            }
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "stderr never showed `{text}`:\n{stderr}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until stdout holds `text` (a build's report is printed when it ends).
    pub(crate) fn wait_for_stdout(&self, text: &str) -> String {
        let started = Instant::now();
        loop {
            let stdout = self.stdout.lock().map(|t| t.clone()).unwrap_or_default();
            if stdout.contains(text) {
                return stdout;
            }
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "stdout never showed `{text}`:\n{stdout}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    pub(crate) fn root(&self) -> &Path {
        self.site.path()
    }

    /// Sends a raw request line (the path exactly as given) and returns status, headers, body.
    pub(crate) fn request(&self, method: &str, path: &str, headers: &str) -> Response {
        let mut stream = TcpStream::connect(&self.address).unwrap_or_else(|e| panic!("{e}"));
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n{headers}\r\n",
            self.address
        );
        stream.write_all(request.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap_or_else(|e| panic!("{e}"));
        Response::parse(&raw)
    }

    pub(crate) fn get(&self, path: &str) -> Response {
        self.request("GET", path, "")
    }

    /// Polls `path` until `check` holds for the response (rebuilds are asynchronous).
    pub(crate) fn wait_for(&self, path: &str, what: &str, check: impl Fn(&Response) -> bool) {
        let started = Instant::now();
        loop {
            let response = self.get(path);
            if check(&response) {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "{path}: {what} never happened; last answer {}:\n{}",
                response.status,
                response.body
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: String,
}

impl Response {
    pub(crate) fn parse(raw: &[u8]) -> Response {
        let text = String::from_utf8_lossy(raw);
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let mut lines = head.lines();
        let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok());
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        Response { status: status.unwrap_or(0), headers, body: body.to_owned() }
    }

    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

#[test]
fn edits_show_up_and_deleted_pages_disappear() {
    let server = Server::start("basic");
    let root = server.root();
    assert_eq!(server.get("/municipalities/012068/").status, 200);

    // A body edit.
    edit(root, "content/municipalities/012068.md", "連携しています", "連携を深めています");
    server.wait_for("/municipalities/012068/", "the body edit", |r| {
        r.body.contains("連携を深めています")
    });

    // A partner edit shows on the ward's page.
    edit(
        root,
        "content/municipalities/012068.md",
        "relation: くしろ地域8市町村との連携",
        "relation: 新しい交流",
    );
    server.wait_for("/wards/arakawa/", "the partner edit", |r| r.body.contains("新しい交流"));

    // A template edit.
    edit(root, "themes/plain/templates/base.html", "<nav>", "<nav data-edited>");
    server.wait_for("/news/", "the template edit", |r| r.body.contains("data-edited"));

    // A deleted file: its page is gone and so is its card in the list.
    assert!(server.get("/news/").body.contains("/news/site-open/"));
    std::fs::remove_file(root.join("content/news/site-open.md")).unwrap_or_else(|e| panic!("{e}"));
    server.wait_for("/news/site-open/", "the deletion", |r| r.status == 404);
    assert!(!server.get("/news/").body.contains("/news/site-open/"));

    // A renamed file moves its page.
    std::fs::rename(
        root.join("content/news/support-2025.md"),
        root.join("content/news/support-renamed.md"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    server.wait_for("/news/support-renamed/", "the rename", |r| r.status == 200);
    assert_eq!(server.get("/news/support-2025/").status, 404);

    // A new file.
    write(
        root,
        "content/news/brand-new.md",
        "---\ntitle: 新着のお知らせ\ndate: 2025-12-24\n---\n\n本文。\n",
    );
    server.wait_for("/news/", "the new file in the list", |r| r.body.contains("新着のお知らせ"));
    assert_eq!(server.get("/news/brand-new/").status, 200);
}

/// The stylesheet's name carries a hash of its bytes: an edit of it gives every page the new
/// name, the new file is served, the old one is gone (a browser caching it for a year never
/// sees a stale stylesheet).
#[test]
fn a_stylesheet_edit_renames_it_on_every_page() {
    let server = Server::start("basic");
    let root = server.root();
    let stylesheet = |path: &str| {
        let body = server.get(path).body;
        let href =
            body.split("rel=\"stylesheet\" href=\"").nth(1).and_then(|r| r.split('"').next());
        href.unwrap_or_else(|| panic!("{path} links no stylesheet:\n{body}")).to_owned()
    };
    let old = stylesheet("/news/");
    assert!(
        old.starts_with("/style.")
            && old.ends_with(".css")
            && old.len() == "/style.12345678.css".len(),
        "{old}"
    );
    assert_eq!(server.get(&old).status, 200);
    assert_eq!(server.get("/style.css").status, 404, "only the fingerprinted name is published");

    let file = "themes/plain/static/style.css";
    let text = read(&root.join(file));
    write(
        root,
        file,
        format!("{text}/* a comment the minifier drops */\n.edited {{ color : red ; }}\n"),
    );
    server.wait_for("/news/", "the new stylesheet name", |r| !r.body.contains(&old));
    let new = stylesheet("/news/");
    assert_eq!(stylesheet("/wards/arakawa/"), new);
    let css = server.get(&new);
    assert_eq!(css.status, 200);
    assert!(css.body.contains(".edited{color:red;}"), "minified: {}", css.body);
    assert!(!css.body.contains("comment"), "minified: {}", css.body);
    assert_eq!(server.get(&old).status, 404);
}

#[test]
fn a_broken_file_shows_an_overlay_and_the_last_good_site_stays() {
    let server = Server::start("basic");
    let root = server.root();
    let generation = |s: &Server| {
        let body = s.get("/__renkei/poll").body;
        serde_json::from_str::<serde_json::Value>(&body).unwrap_or_default()
    };
    let before = generation(&server);
    assert!(before["error"].is_null());
    let good = read(&root.join("content/news/site-open.md"));
    write(root, "content/news/site-open.md", good.replace("date: 2025-12-01", "date: 2025-02-30"));
    server.wait_for("/__renkei/poll", "the error", |r| r.body.contains("site-open.md"));
    let status = generation(&server);
    let error = status["error"].as_str().unwrap_or_default();
    assert!(error.contains("content/news/site-open.md:3:7"), "{error}");
    assert!(error.contains('^'), "the caret: {error}");
    // The terminal shows it too: the located diagnostic with its caret, and what is served.
    let terminal = server.wait_for_stderr("still serving the last good version");
    assert!(terminal.contains("content/news/site-open.md:3:7"), "{terminal}");
    assert!(terminal.contains("2025-02-30") && terminal.contains('^'), "{terminal}");
    // The last good page is still served, with the script that shows the overlay.
    let page = server.get("/news/site-open/");
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("サイトを公開しました") && page.body.contains("/__renkei/livereload.js")
    );
    let script = server.get("/__renkei/livereload.js");
    assert!(script.body.contains("renkei-error-overlay"));

    write(
        root,
        "content/news/site-open.md",
        good.replace("サイトを公開しました。\n", "直しました。\n"),
    );
    server.wait_for("/news/site-open/", "the recovery", |r| r.body.contains("直しました"));
    assert!(generation(&server)["error"].is_null());
}

/// `--bind 0.0.0.0` shows the preview to the network, with a warning on stderr naming the
/// address; the default (loopback) gives none.
#[test]
fn binding_to_every_interface_warns_and_loopback_does_not() {
    let quiet = Server::start("basic");
    assert!(quiet.address.starts_with("127.0.0.1:"), "your computer only: {}", quiet.address);
    assert_eq!(quiet.get("/").status, 200);
    assert!(!quiet.stderr().contains("warning"), "{}", quiet.stderr());

    let exposed = Server::start_with(fixture_copy("basic"), &["--bind", "0.0.0.0"], &[]);
    let port = exposed.address.rsplit(':').next().unwrap_or_default().to_owned();
    assert!(exposed.address.starts_with("0.0.0.0:"), "{}", exposed.address);
    let warning = format!(
        "warning: listening on 0.0.0.0:{port}: other computers on the network can see the preview (use --bind 127.0.0.1 to keep it private)"
    );
    exposed.wait_for_stderr(&warning);
    assert_eq!(exposed.get("/").status, 200);
}

/// `RENKEI_TRACE=1` makes `serve` print the time of each stage after its build; without it, no
/// stage is named.
#[test]
fn renkei_trace_prints_the_time_of_each_stage_of_serve() {
    let trace = [("RENKEI_TRACE", std::ffi::OsStr::new("1"))];
    let traced = Server::start_with(fixture_copy("basic"), &[], &trace);
    let stdout = traced.wait_for_stdout("  stages: ");
    let stages = stdout.lines().find_map(|line| line.strip_prefix("  stages: "));
    let stages = stages.unwrap_or_else(|| panic!("a line of stages:\n{stdout}"));
    crate::support::assert_stages_timed(stages);

    let plain = Server::start("basic");
    assert_eq!(plain.get("/").status, 200);
    let stdout = plain.wait_for_stdout("Built ");
    assert!(!stdout.contains("stages:"), "{stdout}");
}

/// The site root's `static/` is watched like `content/` and `themes/`, also when it is created
/// after `serve` started: a file added, changed, or overriding the theme's is served at once.
#[test]
fn a_change_under_the_sites_static_folder_is_served_after_the_rebuild() {
    let server = Server::start("basic");
    let root = server.root();
    assert!(!root.join("static").exists());
    assert!(!root.join("public").exists(), "serve builds into memory, writing nothing");
    assert_eq!(server.get("/notes/info.txt").status, 404);

    write(root, "static/notes/info.txt", "お知らせ一");
    server.wait_for("/notes/info.txt", "the added file", |r| r.body == "お知らせ一");
    write(root, "static/notes/info.txt", "お知らせ二");
    server.wait_for("/notes/info.txt", "the changed file", |r| r.body == "お知らせ二");

    // A stylesheet of the site's own replaces the theme's on every page.
    write(root, "static/style.css", ".site-own { color : red ; }\n");
    server.wait_for("/news/", "the site's stylesheet", |r| {
        let href =
            r.body.split("rel=\"stylesheet\" href=\"").nth(1).and_then(|t| t.split('"').next());
        href.is_some_and(|href| server.get(href).body == ".site-own{color:red;}")
    });
}

/// `serve --drafts` shows drafts, as `build --drafts` does; without it they are not served.
#[test]
fn serve_shows_drafts_only_with_the_flag() {
    let plain = Server::start("basic");
    assert_eq!(plain.get("/events/draft-event/").status, 404);
    let drafts = Server::start_with(fixture_copy("basic"), &["--drafts"], &[]);
    assert_eq!(drafts.get("/events/draft-event/").status, 200);
}

/// `serve --open` opens the preview in the browser (`xdg-open`, here a script that notes what it
/// was given); without the flag no browser is opened.
#[cfg(all(unix, not(target_os = "macos")))]
#[test]
fn serve_opens_the_browser_only_with_the_flag() {
    use std::os::unix::fs::PermissionsExt;
    let bin = crate::support::tempdir();
    let opened = bin.path().join("opened");
    let script = bin.path().join("xdg-open");
    write(bin.path(), "xdg-open", "#!/bin/sh\necho \"$1\" > \"$RENKEI_TEST_OPENED\"\n");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))
        .unwrap_or_else(|e| panic!("{e}"));
    let path = std::env::join_paths(
        std::iter::once(bin.path().to_path_buf())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let env = [("PATH", path.as_os_str()), ("RENKEI_TEST_OPENED", opened.as_os_str())];

    let quiet = Server::start_with(fixture_copy("basic"), &[], &env);
    assert_eq!(quiet.get("/").status, 200);
    std::thread::sleep(Duration::from_millis(300));
    assert!(!opened.exists(), "no browser without --open");

    let server = Server::start_with(fixture_copy("basic"), &["--open"], &env);
    let started = Instant::now();
    while !std::fs::read_to_string(&opened).is_ok_and(|text| text.ends_with('\n')) {
        assert!(started.elapsed() < Duration::from_secs(15), "the browser was never opened");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(read(&opened).trim(), format!("http://{}/", server.address));
}

#[test]
fn requests_outside_the_site_and_other_methods_are_refused() {
    let server = Server::start("basic");
    let canary = server.root().join("content/wards/arakawa.md");
    assert!(canary.exists());
    for path in [
        "/../site.toml",
        "/../../../../etc/passwd",
        "/%2e%2e/site.toml",
        "/%2E%2E%2Fsite.toml",
        "/wards%2farakawa/",
        "/..%5csite.toml",
        "/..\\site.toml",
        "/wards/arakawa%00/",
        "/content/wards/arakawa.md",
        "/./index.html",
    ] {
        let response = server.get(path);
        assert_eq!(response.status, 404, "{path}");
        assert!(!response.body.contains("base_url"), "{path} leaked a file");
    }
    assert_eq!(server.request("POST", "/", "Content-Length: 0\r\n").status, 405);
    assert_eq!(server.request("DELETE", "/", "").status, 405);

    let page = server.get("/wards/arakawa/");
    let head = server.request("HEAD", "/wards/arakawa/", "");
    assert_eq!((head.status, head.body.as_str()), (200, ""));
    assert_eq!(head.header("content-type"), Some("text/html; charset=utf-8"));
    let tag = page.header("etag").unwrap_or_else(|| panic!("no ETag")).to_owned();
    let again = server.request("GET", "/wards/arakawa/", &format!("If-None-Match: {tag}\r\n"));
    assert_eq!(again.status, 304);
    assert_eq!(server.get("/wards/arakawa").status, 301);
    let missing = server.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("<h1>"), "the site's own 404 page");
    assert_eq!(server.get("/news/atom.xml").header("content-type"), Some("application/xml"));
    assert_eq!(server.get("/sitemap.xml").status, 200);
}

/// One edit of the property test.
#[derive(Debug, Clone)]
enum Edit {
    Body(usize, String),
    Relation(String),
    AddPartner,
    /// `author:` added to a news item: its member's page lists it (issue 24).
    Author,
    Delete(usize),
    Add(String),
    Rename(usize),
    Template(usize, String),
    Title(String),
    Name(usize, String),
    Break(usize),
    /// A rule appended to the theme's stylesheet: a new fingerprinted name on every page.
    Stylesheet(String),
}

const FILES: &[&str] = &[
    "content/municipalities/012068.md",
    "content/news/site-open.md",
    "content/events/kushiro-exchange-2025.md",
    "content/wards/arakawa.md",
    "content/prefectures/hokkaido.md",
    "content/_index.md",
    "content/wards/chiyoda.en.md",
    "content/news/support-2025.md",
];
const TEMPLATES: &[&str] = &["base.html", "ward.html", "macros.html", "news_list.html"];

fn apply(root: &Path, edit: &Edit) {
    let path = |i: usize| FILES[i % FILES.len()];
    let existing = |i: usize| root.join(path(i)).exists().then(|| path(i));
    match edit {
        Edit::Body(i, text) => {
            if let Some(file) = existing(*i) {
                let old = read(&root.join(file));
                write(root, file, format!("{old}\n{text}\n"));
            }
        }
        Edit::Relation(text) => {
            let file = root.join(FILES[0]);
            if file.exists() {
                let old = read(&file);
                let new = old.lines().map(|l| {
                    if l.trim_start().starts_with("relation:") {
                        format!("    relation: {text}")
                    } else {
                        l.to_owned()
                    }
                });
                write(root, FILES[0], new.collect::<Vec<_>>().join("\n") + "\n");
            }
        }
        Edit::AddPartner => {
            let file = "content/municipalities/016616.md";
            let old = read(&root.join(file));
            if !old.contains("ward: minato") {
                write(root, file, old.replacen("partners:\n", "partners:\n  - ward: minato\n", 1));
            }
        }
        Edit::Author => {
            let file = FILES[1];
            let old = root.join(file).exists().then(|| read(&root.join(file)));
            if let Some(old) = old.filter(|old| !old.contains("author:")) {
                write(root, file, old.replacen("---\n", "---\nauthor: \"012068\"\n", 1));
            }
        }
        Edit::Delete(i) => {
            if let Some(file) = existing(*i) {
                std::fs::remove_file(root.join(file)).unwrap_or_else(|e| panic!("{e}"));
            }
        }
        Edit::Add(slug) => write(
            root,
            &format!("content/news/{slug}.md"),
            format!(
                "---\ntitle: {slug}のお知らせ\ndate: 2025-11-{:02}\n---\n\n[荒川区](@/wards/arakawa.md)\n",
                slug.len() % 28 + 1
            ),
        ),
        Edit::Rename(i) => {
            if let Some(file) = existing(*i)
                .filter(|f| f.starts_with("content/news/") || f.starts_with("content/events/"))
            {
                let to = file.replace(".md", "-moved.md");
                std::fs::rename(root.join(file), root.join(to)).unwrap_or_else(|e| panic!("{e}"));
                rename_references(root, file);
            }
        }
        Edit::Template(i, text) => {
            let file = format!("themes/plain/templates/{}", TEMPLATES[i % TEMPLATES.len()]);
            let old = read(&root.join(&file));
            write(root, &file, format!("{old}<!-- {text} -->"));
        }
        Edit::Title(text) => {
            let old = read(&root.join("site.toml"));
            let new = old.lines().map(|l| {
                if l.starts_with("title =") { format!("title = \"{text}\"") } else { l.to_owned() }
            });
            write(root, "site.toml", new.collect::<Vec<_>>().join("\n") + "\n");
        }
        Edit::Name(i, text) => {
            if let Some(file) = existing(*i) {
                let old = read(&root.join(file));
                let new = old.lines().map(|l| match l.split_once(": ") {
                    Some(("name" | "title", _)) => {
                        format!("{}: {text}", &l[..l.find(':').unwrap_or(0)])
                    }
                    _ => l.to_owned(),
                });
                write(root, file, new.collect::<Vec<_>>().join("\n") + "\n");
            }
        }
        Edit::Stylesheet(class) => {
            let file = "themes/plain/static/style.css";
            let old = read(&root.join(file));
            write(root, file, format!("{old}.{class}{{color:red}}\n"));
        }
        Edit::Break(i) => {
            if let Some(file) = existing(*i) {
                let old = read(&root.join(file));
                write(root, file, old.replacen("---\n", "---\nunknown_field: 1\n", 1));
            }
        }
    }
}

/// As an editor renames an entry: the partners of the platform that name it by its id
/// (`events: [kushiro-exchange-2025]`) name the new id, so that the build still succeeds.
fn rename_references(root: &Path, renamed: &str) {
    let Some(id) = Path::new(renamed).file_stem().and_then(|s| s.to_str()) else { return };
    for partner in ["content/partners/kushiro-shinkin.md", "content/partners/test-university.md"] {
        let text = read(&root.join(partner));
        let written = format!("[{id}]");
        if text.contains(&written) {
            write(root, partner, text.replace(&written, &format!("[{id}-moved]")));
        }
    }
}

/// Undoes `Edit::Break` so that later builds can succeed again.
fn repair(root: &Path) {
    for file in FILES {
        let path = root.join(file);
        if path.exists() {
            let text = read(&path);
            if text.contains("unknown_field: 1\n") {
                write(root, file, text.replace("unknown_field: 1\n", ""));
            }
        }
    }
}

fn edit_strategy() -> impl proptest::strategy::Strategy<Value = Edit> {
    use proptest::prelude::*;
    let words = "[a-z]{1,8}";
    prop_oneof![
        4 => (0..8usize, "[ぁ-んa-z ]{1,12}").prop_map(|(i, t)| Edit::Body(i, t)),
        2 => "[ぁ-ん]{1,6}".prop_map(Edit::Relation),
        1 => Just(Edit::AddPartner),
        1 => Just(Edit::Author),
        1 => (0..8usize).prop_map(Edit::Delete),
        2 => words.prop_map(Edit::Add),
        1 => (0..8usize).prop_map(Edit::Rename),
        2 => (0..4usize, words).prop_map(|(i, t)| Edit::Template(i, t)),
        1 => words.prop_map(Edit::Title),
        2 => (0..8usize, "[ぁ-ん]{1,6}").prop_map(|(i, t)| Edit::Name(i, t)),
        1 => (0..8usize).prop_map(Edit::Break),
        1 => words.prop_map(Edit::Stylesheet),
    ]
}

fn fresh_build(root: &Path, options: &renkei::Options) -> Option<BTreeMap<String, Vec<u8>>> {
    let config = renkei::Config::load(root, options).ok()?;
    let output = renkei::output::MemoryOutput::default();
    renkei::build::build_into(&config, &output).ok()?;
    Some(output.into_files())
}

/// A copy of the fixture site, a preview of it built once, and the options of its fresh builds.
pub(crate) fn built_preview() -> (tempfile::TempDir, renkei::Options, renkei::serve::Preview) {
    let site = fixture_copy("basic");
    let options = renkei::Options {
        today: chrono::NaiveDate::from_ymd_opt(2026, 1, 1),
        ..renkei::Options::default()
    };
    let mut preview = renkei::serve::Preview::new(site.path(), options.clone());
    let built = preview.rebuild();
    assert!(matches!(built, renkei::serve::Built::Ok { .. }), "{built:?}");
    (site, options, preview)
}

fn served(preview: &renkei::serve::Preview) -> BTreeMap<String, Vec<u8>> {
    let snapshot = preview.shared().snapshot();
    snapshot.files.iter().map(|(k, v)| (k.clone(), v.to_vec())).collect()
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 12,
        failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::Off)),
        ..proptest::prelude::ProptestConfig::default()
    })]

    /// After every step of a random sequence of edits, what the server would serve is byte for
    /// byte a fresh build of the same files; a step that breaks the build keeps the last good site.
    #[test]
    fn served_files_equal_a_fresh_build_after_any_edits(
        edits in proptest::collection::vec(edit_strategy(), 1..8)
    ) {
        let (site, options, mut preview) = built_preview();
        let root = site.path();
        let mut last_good = served(&preview);
        for (step, edit) in edits.iter().enumerate() {
            apply(root, edit);
            if step % 3 == 2 {
                repair(root);
            }
            let built = preview.rebuild();
            match (fresh_build(root, &options), built) {
                (Some(fresh), renkei::serve::Built::Ok { .. }) => {
                    crate::support::assert_same_tree(&fresh, &served(&preview), &format!("after {:?}", &edits[..=step]));
                    last_good = fresh;
                }
                (None, renkei::serve::Built::Failed(_)) => {
                    crate::support::assert_same_tree(&last_good, &served(&preview), "a failed build changed the site");
                }
                (fresh, built) => panic!("fresh build ok: {}, serve build: {built:?}", fresh.is_some()),
            }
        }
    }
}

/// Each kind of edit once, in a fixed order, so that every dependency is exercised every run.
#[test]
fn each_kind_of_edit_keeps_the_served_site_equal_to_a_fresh_build() {
    let (site, options, mut preview) = built_preview();
    let root = site.path();
    let edits = [
        Edit::Name(0, "新しい市名".to_owned()),
        Edit::Name(4, "新しい道名".to_owned()),
        Edit::Name(3, "新しい区名".to_owned()),
        Edit::Body(2, "イベント本文".to_owned()),
        Edit::Relation("新しい関係".to_owned()),
        Edit::AddPartner,
        Edit::Author,
        Edit::Template(2, "macro".to_owned()),
        Edit::Add("extra".to_owned()),
        Edit::Rename(2),
        Edit::Delete(1),
        Edit::Title("題".to_owned()),
        Edit::Stylesheet("edited".to_owned()),
    ];
    for (step, edit) in edits.iter().enumerate() {
        apply(root, edit);
        let built = preview.rebuild();
        assert!(matches!(built, renkei::serve::Built::Ok { .. }), "{edit:?}: {built:?}");
        // A stylesheet edit renames it in the kept pages without rendering any again.
        if let (Edit::Stylesheet(_), renkei::serve::Built::Ok { report, .. }) = (edit, &built) {
            assert_eq!(report.rendered, 0, "pages rendered after a stylesheet edit");
        }
        let fresh =
            fresh_build(root, &options).unwrap_or_else(|| panic!("fresh build of {edit:?}"));
        crate::support::assert_same_tree(
            &fresh,
            &served(&preview),
            &format!("after {:?}", &edits[..=step]),
        );
    }
}

/// The source files that differ between two reads of a site (what a watcher would report),
/// as absolute paths.
fn changed_paths(
    root: &Path,
    before: &BTreeMap<String, Vec<u8>>,
    after: &BTreeMap<String, Vec<u8>>,
) -> Vec<std::path::PathBuf> {
    let root = root.canonicalize().unwrap_or_else(|e| panic!("{e}"));
    let names = before.keys().chain(after.keys());
    let mut changed: Vec<std::path::PathBuf> = names
        .filter(|name| before.get(*name) != after.get(*name))
        .map(|name| root.join(name))
        .filter(|path| renkei::serve::is_relevant(&root, path))
        .collect();
    changed.sort();
    changed.dedup();
    changed
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 10,
        failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::Off)),
        ..proptest::prelude::ProptestConfig::default()
    })]

    /// What `renkei serve` runs: each change told by its changed paths (unchanged content files
    /// are not read), the first half of the rebuild at once and the rest in the background,
    /// often cancelled by the next change. Whenever the server is idle, the served files are
    /// byte for byte a fresh build, or the last good site with the problems when it fails.
    #[test]
    fn served_files_equal_a_fresh_build_when_idle_after_background_rebuilds(
        steps in proptest::collection::vec((edit_strategy(), proptest::bool::ANY), 1..8)
    ) {
        use renkei::serve::{Built, Changes, Started};
        let (site, options, mut preview) = built_preview();
        let root = site.path();
        let mut sources = crate::support::read_tree(root);
        let mut step_by_step = Vec::new();
        for (step, (edit, wait)) in steps.iter().enumerate() {
            apply(root, edit);
            if step % 3 == 2 {
                repair(root);
            }
            step_by_step.push(edit.clone());
            let now = crate::support::read_tree(root);
            let changes = Changes::Files(changed_paths(root, &sources, &now));
            sources = now;
            let started = preview.start_rebuild(changes);
            if !wait && step + 1 < steps.len() {
                continue;
            }
            let built = preview.wait_idle();
            let context = format!("after {step_by_step:?}");
            match (fresh_build(root, &options), started, built) {
                (Some(fresh), Started::Rendering { .. }, Some(Built::Ok { .. })) => {
                    crate::support::assert_same_tree(&fresh, &served(&preview), &context);
                }
                (None, Started::Failed(_), None) | (None, Started::Rendering { .. }, Some(Built::Failed(_))) => {
                    let snapshot = preview.shared().snapshot();
                    assert!(!snapshot.is_partial(), "{context}: a failed build left a partial site");
                    assert!(preview.shared().status().error.is_some(), "{context}: no overlay");
                }
                (fresh, started, built) => panic!(
                    "{context}: fresh build ok: {}, serve: {started:?} then {built:?}",
                    fresh.is_some()
                ),
            }
        }
    }
}

/// A template edit that every page uses: the page open in a browser is rendered before the
/// site is swapped, a page asked for meanwhile is rendered on request, a generated file waits
/// for the rest of the build rather than being served from the last one, and once idle every
/// file is a fresh build's.
#[test]
fn a_template_edit_serves_open_and_asked_pages_at_once_while_the_rest_renders() {
    use renkei::serve::{Built, Changes, Started};
    let (site, options, mut preview) = built_preview();
    let root = site.path();
    let shared = preview.shared();
    shared.saw_open_page("/news/");
    let has_edit = |bytes: &[u8]| String::from_utf8_lossy(bytes).contains("<nav data-edited>");
    let old_feed = shared.snapshot().files.get("news/atom.xml").map(|b| b.to_vec());
    assert!(old_feed.is_some(), "the fixture has a news feed");

    edit(root, "themes/plain/templates/base.html", "<nav>", "<nav data-edited>");
    edit(
        root,
        "content/news/site-open.md",
        "サイトを公開しました。\n",
        "サイトを公開しました（改）。\n",
    );
    let (release, held) = std::sync::mpsc::channel::<()>();
    let started = preview.start_rebuild_then(
        Changes::Unknown,
        Box::new(move || {
            let _ = held.recv();
        }),
    );
    assert!(matches!(started, Started::Rendering { first: 1, .. }), "{started:?}");

    // Only the open page is in the site served now, rendered with the edit.
    let partial = shared.snapshot();
    assert!(partial.is_partial());
    let files: Vec<&String> = partial.files.keys().collect();
    assert_eq!(files, ["news/index.html"]);
    assert!(has_edit(&partial.files["news/index.html"]));
    // Another page asked for is rendered at once.
    let asked = shared.snapshot_for("/wards/arakawa/");
    assert!(has_edit(&asked.files["wards/arakawa/index.html"]));
    let reply = renkei::serve::respond(&asked, "GET", "/wards/arakawa/", Default::default());
    assert_eq!(reply.status, 200);
    // The feed changes with the body edit: it waits for the rest instead of the old one.
    let waiting = {
        let shared = std::sync::Arc::clone(&shared);
        std::thread::spawn(move || shared.snapshot_for("/news/atom.xml"))
    };
    std::thread::sleep(Duration::from_millis(300));
    assert!(!waiting.is_finished(), "a generated file was served before it was made");

    release.send(()).unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(preview.wait_idle(), Some(Built::Ok { .. })));
    let complete = waiting.join().unwrap_or_else(|_| panic!("the waiting request panicked"));
    assert!(!complete.is_partial());
    let feed = complete.files.get("news/atom.xml").map(|b| b.to_vec());
    assert!(feed.is_some() && feed != old_feed, "the feed of the new build");
    let fresh = fresh_build(root, &options).unwrap_or_else(|| panic!("fresh build"));
    crate::support::assert_same_tree(&fresh, &served(&preview), "once idle");
}

/// One change as `renkei serve` sees it: told by its changed paths, the first half at once,
/// the rest in the background; once idle, the served files must be a fresh build's. Returns
/// the served files (`None` when the build failed, as a fresh build must then too).
fn serve_step(
    preview: &mut renkei::serve::Preview,
    root: &Path,
    options: &renkei::Options,
    sources: &mut BTreeMap<String, Vec<u8>>,
    what: &str,
) -> Option<BTreeMap<String, Vec<u8>>> {
    use renkei::serve::{Built, Changes, Started};
    let now = crate::support::read_tree(root);
    let changes = Changes::Files(changed_paths(root, sources, &now));
    *sources = now;
    let started = preview.start_rebuild(changes);
    let built = preview.wait_idle();
    match (fresh_build(root, options), started, built) {
        (Some(fresh), Started::Rendering { timings, .. }, Some(Built::Ok { .. })) => {
            let served = served(preview);
            crate::support::assert_same_tree(&fresh, &served, what);
            let kept = timings.0.iter().any(|(stage, _)| stage.contains("kept"));
            assert_eq!(kept, what.contains("body"), "{what}: the linked site kept: {kept}");
            Some(served)
        }
        (None, Started::Failed(_), None)
        | (None, Started::Rendering { .. }, Some(Built::Failed(_))) => None,
        (fresh, started, built) => {
            panic!("{what}: fresh build ok: {}, serve: {started:?} then {built:?}", fresh.is_some())
        }
    }
}

fn text_of(files: &BTreeMap<String, Vec<u8>>, file: &str) -> String {
    String::from_utf8_lossy(files.get(file).map_or(&[][..], Vec::as_slice)).into_owned()
}

/// A rebuild after body edits alone keeps the linked site, the link targets and the templates
/// of the last one: the edited bodies must still reach every file showing them (the page, the
/// feed, the section text of a list page), and any other change must link again (a
/// front matter edit, a file added or removed, which changes the link targets), also right
/// after a build that failed.
#[test]
fn body_edits_keep_the_linked_site_and_other_edits_link_it_again() {
    let (site, options, mut preview) = built_preview();
    let root = site.path();
    let mut sources = crate::support::read_tree(root);
    let mut step = |preview: &mut renkei::serve::Preview, what: &str| {
        serve_step(preview, root, &options, &mut sources, what)
    };
    edit(root, "content/news/site-open.md", "サイトを公開しました。\n", "本文を書き換えました。\n");
    let served = step(&mut preview, "a body edit").unwrap_or_default();
    assert!(text_of(&served, "news/atom.xml").contains("本文を書き換えました"));
    assert!(text_of(&served, "news/site-open/index.html").contains("本文を書き換えました"));

    // Two bodies at once, one of them a section text; then the same body again.
    edit(root, "content/news/site-open.md", "本文を書き換えました。\n", "二度目の編集です。\n");
    let section = read(&root.join("content/_index.md"));
    write(root, "content/_index.md", format!("{section}\nトップの本文を足しました。\n"));
    let served = step(&mut preview, "two body edits").unwrap_or_default();
    assert!(text_of(&served, "news/atom.xml").contains("二度目の編集です"));
    assert!(text_of(&served, "index.html").contains("トップの本文を足しました"));
    edit(root, "content/news/site-open.md", "二度目の編集です。\n", "三度目の編集です。\n");
    step(&mut preview, "a body edit after a body edit");

    // A front matter edit links again: the new title is in the list.
    edit(root, "content/news/site-open.md", "title: サイトを公開しました", "title: 新しい題");
    let served = step(&mut preview, "a title edit").unwrap_or_default();
    assert!(text_of(&served, "news/index.html").contains("新しい題"));

    // A file added: a body may link to it at once.
    write(
        root,
        "content/news/added.md",
        "---\ntitle: 追加したお知らせ\ndate: 2025-12-02\n---\n\n追加しました。\n",
    );
    let support = read(&root.join("content/news/support-2025.md"));
    write(root, "content/news/support-2025.md", format!("{support}\n[追加](@/news/added.md)\n"));
    let served = step(&mut preview, "a file added and linked").unwrap_or_default();
    assert!(text_of(&served, "news/support-2025/index.html").contains("/news/added/"));

    // Removed while linked: the build fails; the link removed from the body, it succeeds.
    std::fs::remove_file(root.join("content/news/added.md")).unwrap_or_else(|e| panic!("{e}"));
    assert!(step(&mut preview, "a linked file removed").is_none());
    write(root, "content/news/support-2025.md", support.clone());
    let served = step(&mut preview, "the link removed").unwrap_or_default();
    assert!(!served.contains_key("news/added/index.html"));

    // A body edit that breaks a link fails; its repair is a body edit again.
    write(root, "content/news/support-2025.md", format!("{support}\n[壊れた](@/news/none.md)\n"));
    assert!(step(&mut preview, "a broken link in a body").is_none());
    write(root, "content/news/support-2025.md", format!("{support}\n直しました。\n"));
    let served = step(&mut preview, "the broken link repaired in the body").unwrap_or_default();
    assert!(text_of(&served, "news/support-2025/index.html").contains("直しました"));

    // A draft's body: in no page, and no problem.
    edit(root, "content/events/draft-event.md", "まだ公開しない", "まだまだ公開しない");
    step(&mut preview, "a draft's body edit");
}

/// A busy port is said before anything is built, with a free port to pass to `--port`.
#[test]
fn a_busy_port_is_said_at_once_with_a_free_one() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    let port = taken.local_addr().map(|a| a.port()).unwrap_or_else(|e| panic!("{e}"));
    let site = fixture_copy("basic");
    let output = Command::new(assert_cmd::cargo::cargo_bin("renkei"))
        .args(["serve", "--port", &port.to_string(), "--root"])
        .arg(site.path())
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let (stdout, stderr) =
        (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert_eq!(output.status.code(), Some(2), "{stdout}{stderr}");
    assert!(stderr.contains(&format!("port {port} is already in use")), "{stderr}");
    assert!(!stdout.contains("Built"), "nothing is built before the port is known:\n{stdout}");
    let suggested = stderr.split("renkei serve --port ").nth(1).and_then(|rest| {
        rest.split(|c: char| !c.is_ascii_digit()).next().and_then(|n| n.parse::<u16>().ok())
    });
    let suggested = suggested.unwrap_or_else(|| panic!("no --port suggested:\n{stderr}"));
    assert_ne!(suggested, port);
    drop(taken);
}

/// The summary line of each build names the drafts left out.
#[test]
fn the_summary_names_the_drafts_left_out() {
    // The fixture's one draft: content/events/draft-event.md.
    let server = Server::start("basic");
    server.wait_for_stdout("; 1 draft left out, --drafts includes it");
}
