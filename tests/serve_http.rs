//! The preview server speaks HTTP as browsers expect (issue 22): single ranges (video, audio and
//! PDF viewers read files in parts), the web's common media types, request bodies and refusals
//! that the client reads to the status instead of a reset, redirects that keep their meaning and
//! query, weak validators, pages rendered on demand from deeply nested templates, and a photo
//! replaced while the server runs.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::serve::{Server, built_preview};
use crate::support::{edit, fixture_copy, read, write};

fn connect(address: &str) -> TcpStream {
    let stream = TcpStream::connect(address).unwrap_or_else(|e| panic!("cannot connect: {e}"));
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap_or_else(|e| panic!("{e}"));
    stream
}

/// One answer read from a connection that stays open: status, head, body (its Content-Length).
struct Answer {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

fn read_answer(stream: &mut TcpStream) -> Answer {
    let mut raw = Vec::new();
    let mut byte = [0u8; 1];
    while !raw.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => raw.push(byte[0]),
            other => {
                panic!("the answer ended after {:?}: {other:?}", String::from_utf8_lossy(&raw))
            }
        }
    }
    let head = String::from_utf8_lossy(&raw).into_owned();
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let mut answer = Answer { status, head, body: Vec::new() };
    let length = answer.header("content-length").and_then(|l| l.parse().ok()).unwrap_or(0);
    answer.body = vec![0; length];
    stream.read_exact(&mut answer.body).unwrap_or_else(|e| panic!("the body: {e}"));
    answer
}

/// `GET path` with `headers`, on a connection of its own.
fn get(server: &Server, path: &str, headers: &str) -> Answer {
    let mut stream = connect(&server.address);
    let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\n{headers}\r\n");
    stream.write_all(request.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    read_answer(&mut stream)
}

#[test]
fn files_are_served_in_single_ranges() {
    let server = Server::start("basic");
    let path = "/data/municipalities.csv";
    let whole = get(&server, path, "");
    assert_eq!(whole.status, 200);
    assert_eq!(whole.header("accept-ranges"), Some("bytes"));
    let length = whole.body.len();
    assert!(length > 100, "{length}");

    let part = get(&server, path, "Range: bytes=0-99\r\n");
    assert_eq!(part.status, 206, "{}", part.head);
    assert_eq!(part.header("content-range"), Some(format!("bytes 0-99/{length}").as_str()));
    assert_eq!(part.body, &whole.body[..100]);
    let tail = get(&server, path, "Range: bytes=-10\r\n");
    assert_eq!(tail.body, &whole.body[length - 10..]);
    let rest = get(&server, path, &format!("Range: bytes={}-\r\n", length - 3));
    assert_eq!((rest.status, rest.body.as_slice()), (206, &whole.body[length - 3..]));

    let past = get(&server, path, &format!("Range: bytes={length}-\r\n"));
    assert_eq!(past.status, 416);
    assert_eq!(past.header("content-range"), Some(format!("bytes */{length}").as_str()));
    // Several ranges: the whole file.
    let several = get(&server, path, "Range: bytes=0-1, 5-6\r\n");
    assert_eq!((several.status, several.body.len()), (200, length));

    // If-Range: the part while the file is the same, else the whole (new) file.
    let tag = whole.header("etag").unwrap_or_else(|| panic!("no ETag")).to_owned();
    let same = get(&server, path, &format!("Range: bytes=0-9\r\nIf-Range: {tag}\r\n"));
    assert_eq!(same.status, 206);
    let changed = get(&server, path, "Range: bytes=0-9\r\nIf-Range: \"0123456789abcdef\"\r\n");
    assert_eq!((changed.status, changed.body.len()), (200, length));
}

/// Files beside a folder entry's text are published as they are, each with its media type.
#[test]
fn common_web_files_get_their_media_types() {
    let site = fixture_copy("basic");
    let folder = "content/news/media-types";
    write(
        site.path(),
        &format!("{folder}/index.md"),
        "---\ntitle: 資料の種類\ndate: 2025-12-05\n---\n\n動画や音声などの資料です。\n",
    );
    let files = [
        ("module.wasm", "application/wasm"),
        ("clip.mp4", "video/mp4"),
        ("clip.webm", "video/webm"),
        ("talk.mp3", "audio/mpeg"),
        ("talk.m4a", "audio/mp4"),
        ("talk.ogg", "audio/ogg"),
        ("font.ttf", "font/ttf"),
        ("font.otf", "font/otf"),
        ("site.webmanifest", "application/manifest+json"),
        ("app.js.map", "application/json"),
        ("wards.geojson", "application/geo+json"),
        ("data.zip", "application/zip"),
    ];
    for (name, _) in files {
        write(site.path(), &format!("{folder}/{name}"), b"\x00\x01 test file\n");
    }
    // Markdown beside an entry would be text to build: the site's static folder publishes it.
    write(site.path(), "static/notes.md", "# メモ\n");
    let server = Server::start_in(site);
    let notes = get(&server, "/notes.md", "");
    assert_eq!(notes.header("content-type"), Some("text/markdown; charset=utf-8"));
    for (name, expected) in files {
        let answer = get(&server, &format!("/news/media-types/{name}"), "");
        assert_eq!(answer.status, 200, "{name}");
        assert_eq!(answer.header("content-type"), Some(expected), "{name}");
    }
    let page = get(&server, "/news/media-types/", "");
    assert_eq!(page.header("content-type"), Some("text/html; charset=utf-8"));
    let feed = get(&server, "/news/atom.xml", "");
    assert_eq!(feed.header("content-type"), Some("application/xml"));
}

#[test]
fn a_weak_validator_gets_304() {
    let server = Server::start("basic");
    let page = get(&server, "/wards/arakawa/", "");
    let tag = page.header("etag").unwrap_or_else(|| panic!("no ETag")).to_owned();
    assert!(!tag.starts_with("W/"), "{tag}");
    let weak = get(&server, "/wards/arakawa/", &format!("If-None-Match: W/{tag}\r\n"));
    assert_eq!(weak.status, 304, "{}", weak.head);
    let list = get(&server, "/wards/arakawa/", &format!("If-None-Match: \"x\", W/{tag}\r\n"));
    assert_eq!(list.status, 304);
}

#[test]
fn redirects_keep_the_query_and_send_only_ascii() {
    let site = fixture_copy("basic");
    write(
        site.path(),
        "content/news/お知らせ.md",
        "---\ntitle: 日本語の名前のお知らせ\ndate: 2025-12-05\n---\n\n本文です。\n",
    );
    let server = Server::start_in(site);
    let moved = get(&server, "/wards/arakawa?from=%E8%8D%92%E5%B7%9D&x=%26y", "");
    assert_eq!(moved.status, 301);
    assert_eq!(moved.header("location"), Some("/wards/arakawa/?from=%E8%8D%92%E5%B7%9D&x=%26y"));
    // A query typed in Japanese reaches the server as raw UTF-8 from some clients: the
    // Location carries it percent-encoded, as a header must.
    let raw = get(&server, "/wards/arakawa?q=荒川", "");
    assert_eq!(raw.header("location"), Some("/wards/arakawa/?q=%E8%8D%92%E5%B7%9D"));
    let followed = get(&server, "/wards/arakawa/?from=%E8%8D%92%E5%B7%9D&x=%26y", "");
    assert_eq!(followed.status, 200);

    // A page with a Japanese name: asked for encoded or raw, the Location is the encoded path.
    let encoded = "/news/%E3%81%8A%E7%9F%A5%E3%82%89%E3%81%9B";
    for asked in [encoded, "/news/お知らせ"] {
        let moved = get(&server, &format!("{asked}?p=1"), "");
        assert_eq!(moved.status, 301, "{asked}");
        assert_eq!(moved.header("location"), Some(format!("{encoded}/?p=1").as_str()), "{asked}");
    }
    let page = get(&server, &format!("{encoded}/"), "");
    assert!(String::from_utf8_lossy(&page.body).contains("日本語の名前のお知らせ"));
}

/// A request with a body (a form posted to the preview by mistake): the server reads the body
/// before it answers, so a client still sending gets its 405, not a reset, and the connection
/// goes on.
#[test]
fn a_request_body_is_read_and_the_client_gets_the_status() {
    let server = Server::start("basic");
    let mut stream = connect(&server.address);
    let length = 256 * 1024;
    let head =
        format!("POST /wards/arakawa/ HTTP/1.1\r\nHost: x\r\nContent-Length: {length}\r\n\r\n");
    stream.write_all(head.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    send_slowly(&mut stream, length);
    let answer = read_answer(&mut stream);
    assert_eq!(answer.status, 405);
    assert_eq!(answer.header("connection"), Some("keep-alive"));
    stream
        .write_all(b"GET /wards/arakawa/ HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(read_answer(&mut stream).status, 200, "the next request on the connection");

    // A chunked body: answered, then read for a moment before the connection is closed.
    let mut stream = connect(&server.address);
    let head = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4000\r\n";
    stream.write_all(head.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    send_slowly(&mut stream, 128 * 1024);
    let answer = read_answer(&mut stream);
    assert_eq!((answer.status, answer.header("connection")), (405, Some("close")));
}

/// Sends `length` bytes in 16 KiB pieces with pauses, as a network does; panics when the
/// server resets the connection meanwhile.
fn send_slowly(stream: &mut TcpStream, length: usize) {
    let piece = [b'a'; 16 * 1024];
    let mut sent = 0;
    while sent < length {
        let n = piece.len().min(length - sent);
        if let Err(e) = stream.write_all(&piece[..n]) {
            panic!("the server closed the connection after {sent} bytes of the body: {e}");
        }
        sent += n;
        std::thread::sleep(Duration::from_millis(15));
    }
}

/// A full server refuses a connection with 503 at once; the client, still sending its request,
/// reads the 503 rather than a reset. Fillers that send nothing lose their places after the busy
/// head deadline (2 s), so on a loaded machine a place may be free again by the time the last
/// client connects; it then gets its ordinary answer (405), and the attempt is made again.
#[test]
fn a_refused_client_reads_its_503() {
    let server = Server::start("basic");
    let mut answers = Vec::new();
    for _attempt in 0..5 {
        // Take every place (512): connections that send nothing yet.
        let fillers: Vec<TcpStream> = (0..512).map(|_| connect(&server.address)).collect();
        let mut refused = connect(&server.address);
        let length = 128 * 1024;
        let head = format!("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: {length}\r\n\r\n");
        refused.write_all(head.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        send_slowly(&mut refused, length);
        let mut raw = vec![0; 12];
        match refused.read_exact(&mut raw) {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::ConnectionReset => panic!("reset after {raw:?}"),
            Err(e) => panic!("{e}"),
        }
        let status = String::from_utf8_lossy(&raw).into_owned();
        drop(fillers);
        let started = Instant::now();
        while get(&server, "/", "").status != 200 {
            assert!(started.elapsed() < Duration::from_secs(5), "the server stays full");
            std::thread::sleep(Duration::from_millis(100));
        }
        if status == "HTTP/1.1 503" {
            return;
        }
        answers.push(status);
    }
    panic!("the server was never full when the last client came: {answers:?}");
}

/// How many templates deep the test page nests. Each level of `include` takes about 70 KiB of
/// stack in a test build: 2 levels overflowed a connection's 256 KiB, while the 2 MiB of the
/// threads `renkei build` renders on hold about 25.
const DEPTH: usize = 10;

/// The theme's base template includes `deep0.html`, which includes `deep1.html`, … `DEPTH` deep.
fn nest_templates(root: &std::path::Path) {
    let templates = "themes/plain/templates";
    edit(root, &format!("{templates}/base.html"), "</body>", "{% include \"deep0.html\" %}</body>");
    for level in 0..DEPTH {
        let next = format!("<span>{{% include \"deep{}.html\" %}}</span>", level + 1);
        write(root, &format!("{templates}/deep{level}.html"), next);
    }
    write(root, &format!("{templates}/deep{DEPTH}.html"), "<b id=\"deepest\">底</b>");
}

/// A page asked for while a rebuild renders the others in the background is rendered at once,
/// on a thread with a normal stack: a deeply nested template overflowed the 256 KiB stack of a
/// connection's thread and aborted the whole server.
#[test]
fn a_page_of_deeply_nested_templates_renders_on_demand() {
    use renkei::serve::{Built, Changes, Started};
    let (site, _options, mut preview) = built_preview();
    let root = site.path();
    nest_templates(root);
    assert!(matches!(preview.rebuild(), Built::Ok { .. }), "the deep templates build");
    let any = "127.0.0.1:0".parse().unwrap_or_else(|e| panic!("{e}"));
    let address = renkei::serve::listen(any, preview.shared()).unwrap_or_else(|e| panic!("{e}"));

    let text = read(&root.join("content/wards/arakawa.md"));
    write(root, "content/wards/arakawa.md", format!("{text}\n追記しました。\n"));
    let (release, held) = std::sync::mpsc::channel::<()>();
    let started = preview.start_rebuild_then(
        Changes::Unknown,
        Box::new(move || {
            let _ = held.recv();
        }),
    );
    assert!(matches!(started, Started::Rendering { .. }), "{started:?}");
    assert!(preview.shared().snapshot().is_partial());
    let mut stream = connect(&address.to_string());
    stream
        .write_all(b"GET /wards/arakawa/ HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let answer = read_answer(&mut stream);
    assert_eq!(answer.status, 200);
    assert!(String::from_utf8_lossy(&answer.body).contains("<b id=\"deepest\">底</b>"));
    release.send(()).unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(preview.wait_idle(), Some(Built::Ok { .. })));
}

/// A solid-coloured JPEG photo.
fn photo(colour: [u8; 3]) -> Vec<u8> {
    let pixels = image::RgbImage::from_pixel(640, 480, image::Rgb(colour));
    let mut jpeg = Vec::new();
    image::DynamicImage::ImageRgb8(pixels)
        .write_to(&mut std::io::Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
        .unwrap_or_else(|e| panic!("{e}"));
    jpeg
}

const PHOTO_PAGE: &str = "content/events/2016-12-asakusa";

/// The fixture site with a folder event showing a red photo.
pub(crate) fn site_with_a_photo() -> tempfile::TempDir {
    let site = fixture_copy("basic");
    write(
        site.path(),
        &format!("{PHOTO_PAGE}/index.md"),
        "---\ntitle: 浅草交流会\ndate: 2016-12-03\ncategory: 住民交流\nwards: [arakawa]\n---\n\n\
         ![雷門の前で記念撮影](photo.jpg)\n",
    );
    write(site.path(), &format!("{PHOTO_PAGE}/photo.jpg"), photo([200, 0, 0]));
    site
}

/// The colour of the middle of a published photo.
fn colour_of(bytes: &[u8]) -> [u8; 3] {
    let decoded = image::load_from_memory(bytes).unwrap_or_else(|e| panic!("{e}"));
    decoded.to_rgb8().get_pixel(decoded.width() / 2, decoded.height() / 2).0
}

/// A photo replaced while `serve` runs is processed again: the page (which its open tabs
/// reload, the poll's generation having moved) shows the new one, never the old.
#[test]
fn a_replaced_photo_is_processed_again_and_served() {
    let server = Server::start_in(site_with_a_photo());
    let url = "/events/2016-12-asakusa/photo-640w.jpg";
    let page = get(&server, "/events/2016-12-asakusa/", "");
    assert!(String::from_utf8_lossy(&page.body).contains(url), "the page shows the photo");
    let red = colour_of(&get(&server, url, "").body);
    assert!(red[0] > 150 && red[2] < 50, "{red:?}");
    let poll = |s: &Server| {
        let body = get(s, "/__renkei/poll", "").body;
        serde_json::from_slice::<serde_json::Value>(&body).unwrap_or_default()["generation"]
            .as_u64()
    };
    let before = poll(&server);

    write(server.root(), &format!("{PHOTO_PAGE}/photo.jpg"), photo([0, 0, 200]));
    let started = Instant::now();
    let blue = |answer: Answer| answer.status == 200 && colour_of(&answer.body)[2] > 150;
    while !blue(get(&server, url, "")) {
        assert!(started.elapsed() < Duration::from_secs(15), "the old photo is still served");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_ne!(poll(&server), before, "open pages are told to reload");
    let webp = get(&server, "/events/2016-12-asakusa/photo-640w.webp", "");
    assert!(colour_of(&webp.body)[2] > 150, "the WebP version too");
}
