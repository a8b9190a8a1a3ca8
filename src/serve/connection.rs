//! The socket side of `serve`: accepts connections, reads each request head within limits, and
//! answers it with [`super::http::respond`] (or a live-reload poll).
//!
//! Why not tiny_http (used before): it reads a header line without a size limit (a client can
//! make it allocate without bound), sets no timeouts (a client that sends a byte now and then
//! holds a thread for ever: "slowloris") and starts a thread for every connection without a cap.
//! A preview server only needs GET and HEAD with HTTP/1.1 keep-alive, which is this file.
//!
//! The limits, each answering one attack (issue 9):
//! - a request head (request line and headers) larger than [`MAX_HEAD`] gets 431 and the
//!   connection is closed, so memory per connection is bounded;
//! - the whole head must arrive within [`HEAD_DEADLINE`] of the wait starting (a slow client
//!   is dropped, however regularly it sends a byte), and a write that stalls for
//!   [`WRITE_TIMEOUT`] drops a client that does not read;
//! - at most [`MAX_CONNECTIONS`] connections have a thread; one more gets 503 at once. Together
//!   with the deadline this bounds threads and memory while slow clients cannot hold the slots
//!   for longer than the deadline, which drops to [`BUSY_HEAD_DEADLINE`] once half are taken.
//!
//! A client must always read the status it is sent. Closing a socket with unread bytes (a
//! request body, or the request of a refused connection) makes the kernel reset it, and a client
//! still sending then fails with "connection reset" instead of reading the answer. So a body of
//! up to [`MAX_BODY`] is read and dropped before the answer (the connection stays open); a larger
//! or chunked one, and what a refused client sends, is read and dropped for a moment after the
//! answer and before the close ("lingering close", as Apache and nginx do).

use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::ServerState;
use super::http::{Conditions, Reply, poll_reply, respond};

/// The request line and headers together; browsers send 1–3 KiB.
const MAX_HEAD: usize = 16 * 1024;
/// How long a client may take to send a request head, counted from when the server starts
/// waiting for it (so this is also how long an idle keep-alive connection stays open).
const HEAD_DEADLINE: Duration = Duration::from_secs(10);
/// The deadline when more than half of the connections are taken: many open connections is
/// what a slowloris attack looks like, and a short deadline frees their places quickly.
const BUSY_HEAD_DEADLINE: Duration = Duration::from_secs(2);
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections with a thread; below the usual limit of 1,024 open files per process.
const MAX_CONNECTIONS: usize = 512;
/// A connection thread needs little stack: the reply is on the heap, and a page rendered on
/// demand is rendered on a thread of its own with a normal stack (`super::Pending::page`).
const STACK_SIZE: usize = 256 * 1024;
/// The largest request body read (and dropped) before the answer, keeping the connection open.
const MAX_BODY: u64 = 1024 * 1024;
/// How long a closing connection's remaining request is read and dropped, and how much of it.
const LINGER: Duration = Duration::from_secs(2);
const MAX_LINGER_BYTES: usize = 1024 * 1024;
/// Refused connections lingering at once; more are closed at once (each holds a file).
const MOST_LINGERING: usize = 128;
/// How long a live-reload poll waits for a change before it answers "nothing new".
const POLL_WAIT: Duration = Duration::from_secs(25);

pub(super) struct Running {
    pub(super) address: SocketAddr,
}

/// Binds and starts the thread that accepts connections.
pub(super) fn start(address: SocketAddr, shared: Arc<ServerState>) -> io::Result<Running> {
    start_on(TcpListener::bind(address)?, shared)
}

/// Starts the thread that accepts the connections of `listener`, bound before (`serve` binds
/// the port before the first build, so that a busy port is said at once).
pub(super) fn start_on(listener: TcpListener, shared: Arc<ServerState>) -> io::Result<Running> {
    let address = listener.local_addr()?;
    std::thread::Builder::new()
        .name("serve-accept".to_owned())
        .spawn(move || accept(&listener, &shared))?;
    Ok(Running { address })
}

fn accept(listener: &TcpListener, shared: &Arc<ServerState>) {
    let open = Arc::new(AtomicUsize::new(0));
    let lingering = start_lingering();
    loop {
        let stream = match listener.accept() {
            Ok((stream, _)) => stream,
            // Out of file descriptors or a connection reset before it was accepted: wait a
            // little so that a persistent error does not spin, and go on.
            Err(_) => {
                std::thread::sleep(Duration::from_millis(10));
                continue;
            }
        };
        if open.load(Ordering::Acquire) >= MAX_CONNECTIONS {
            refuse(stream, lingering.as_ref());
            continue;
        }
        let slot = Slot::take(&open);
        let shared = Arc::clone(shared);
        let spawned = std::thread::Builder::new()
            .stack_size(STACK_SIZE)
            .spawn(move || serve_connection(stream, &shared, &slot));
        // The closure (with its slot and stream) is dropped when the thread cannot start.
        drop(spawned);
    }
}

/// One of the `MAX_CONNECTIONS` places, given back when the connection's thread ends.
struct Slot(Arc<AtomicUsize>);

impl Slot {
    fn take(open: &Arc<AtomicUsize>) -> Slot {
        open.fetch_add(1, Ordering::AcqRel);
        Slot(Arc::clone(open))
    }
}

impl Slot {
    /// How long the next request head may take, given how many connections are open now.
    fn head_deadline(&self) -> Duration {
        if self.0.load(Ordering::Acquire) > MAX_CONNECTIONS / 2 {
            BUSY_HEAD_DEADLINE
        } else {
            HEAD_DEADLINE
        }
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Answers 503 without a thread of its own: the connection then lingers in the one thread that
/// reads and drops what refused clients send, so that they read the 503 instead of a reset.
fn refuse(mut stream: TcpStream, lingering: Option<&mpsc::SyncSender<TcpStream>>) {
    let _ = stream.set_write_timeout(Some(Duration::from_millis(100)));
    let reply = Reply::text(503, "too many connections\n").header("Retry-After", "1");
    if write_reply(&mut stream, &reply, false, false).is_err() {
        return;
    }
    let _ = stream.shutdown(std::net::Shutdown::Write);
    if let Some(lingering) = lingering {
        // Full: closed at once, like before (the limit on files matters more).
        let _ = lingering.try_send(stream);
    }
}

/// The thread in which refused connections linger (`None` when it cannot start).
fn start_lingering() -> Option<mpsc::SyncSender<TcpStream>> {
    let (sender, receiver) = mpsc::sync_channel(MOST_LINGERING);
    let thread = std::thread::Builder::new()
        .name("serve-linger".to_owned())
        .stack_size(STACK_SIZE)
        .spawn(move || linger(&receiver));
    thread.ok().map(|_| sender)
}

/// Reads and drops what each refused connection sends until it closes, sent
/// `MAX_LINGER_BYTES`, or `LINGER` passed; then closes it.
fn linger(receiver: &mpsc::Receiver<TcpStream>) {
    let mut open: Vec<(TcpStream, Instant, usize)> = Vec::new();
    loop {
        let next = if open.is_empty() {
            receiver.recv().map_err(|_| mpsc::RecvTimeoutError::Disconnected)
        } else {
            receiver.recv_timeout(Duration::from_millis(10))
        };
        match next {
            Ok(stream) if open.len() < MOST_LINGERING && stream.set_nonblocking(true).is_ok() => {
                open.push((stream, Instant::now(), 0));
            }
            Ok(_) | Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        }
        open.retain_mut(|(stream, since, read)| still_sending(stream, *since, read));
    }
}

/// Reads what a lingering connection has sent; `false` when it is done with.
fn still_sending(stream: &mut TcpStream, since: Instant, read: &mut usize) -> bool {
    let mut sink = [0u8; 16 * 1024];
    if since.elapsed() > LINGER {
        return false;
    }
    loop {
        match stream.read(&mut sink) {
            Ok(0) => return false,
            Ok(n) => {
                *read += n;
                if *read > MAX_LINGER_BYTES {
                    return false;
                }
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => return true,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
}

/// Answers requests on one connection until the client closes it, breaks a limit or asks to close.
fn serve_connection(mut stream: TcpStream, shared: &Arc<ServerState>, slot: &Slot) {
    let _ = stream.set_nodelay(true);
    if stream.set_write_timeout(Some(WRITE_TIMEOUT)).is_err() {
        return;
    }
    let mut buffer = Vec::new();
    loop {
        let head = match read_head(&mut stream, &mut buffer, slot.head_deadline()) {
            Ok(head) => head,
            Err(HeadError::TooLarge) => {
                let reply = Reply::text(431, "request header fields too large\n");
                return answer_and_close(stream, reply, false);
            }
            Err(HeadError::Closed) => return,
        };
        let Some(request) = Request::parse(&head) else {
            return answer_and_close(stream, Reply::text(400, "bad request\n"), false);
        };
        // A body the server can read is read first, so that the connection can go on.
        let read_body = match request.body {
            Body::None => true,
            Body::Length(length) if length <= MAX_BODY => {
                skip_body(&mut stream, &mut buffer, length, slot.head_deadline())
            }
            Body::Length(_) | Body::Unknown => false,
        };
        let reply = answer(&request, shared);
        if !read_body {
            return answer_and_close(stream, reply, request.method == "HEAD");
        }
        if write_reply(&mut stream, &reply, request.method == "HEAD", request.keep_alive).is_err()
            || !request.keep_alive
        {
            return;
        }
    }
}

/// Reads and drops a request body of `length` bytes (part of which may be in `buffer` already),
/// within `time`; `false` when the client closed or took too long.
fn skip_body(stream: &mut TcpStream, buffer: &mut Vec<u8>, length: u64, time: Duration) -> bool {
    let buffered = buffer.len().min(usize::try_from(length).unwrap_or(usize::MAX));
    buffer.drain(..buffered);
    let mut left = length - buffered as u64;
    let deadline = Instant::now() + time;
    let mut sink = [0u8; 16 * 1024];
    while left > 0 {
        let time_left = deadline.saturating_duration_since(Instant::now());
        if time_left.is_zero() || stream.set_read_timeout(Some(time_left)).is_err() {
            return false;
        }
        let want = sink.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        match stream.read(&mut sink[..want]) {
            Ok(0) | Err(_) => return false,
            Ok(n) => left -= n as u64,
        }
    }
    true
}

/// Sends an answer and closes so that the client reads it: what it sent after the answer is
/// read and dropped for a moment first, because closing with unread bytes resets the connection
/// and the client might lose the answer.
fn answer_and_close(mut stream: TcpStream, reply: Reply, head_only: bool) {
    if write_reply(&mut stream, &reply, head_only, false).is_err() {
        return;
    }
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let deadline = Instant::now() + LINGER;
    let mut sink = [0u8; 16 * 1024];
    let mut drained = 0;
    while drained < MAX_LINGER_BYTES {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return;
        }
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => return,
            Ok(n) => drained += n,
        }
    }
}

fn answer(request: &Request, shared: &ServerState) -> Reply {
    if let Some(query) = request.target.strip_prefix("/__renkei/poll") {
        // Each page open in the browser: the shared worker that polls for all of them names
        // every one.
        for page in query_values(query, "page").take(MOST_PAGES) {
            shared.saw_open_page(&page);
        }
        let since = query_values(query, "since").next().and_then(|s| s.parse::<u64>().ok());
        let status = match since {
            Some(since) => shared.wait_change(since, POLL_WAIT),
            None => shared.status(),
        };
        return poll_reply(&status);
    }
    // The server's own files (the live-reload script) never wait for a rebuild to finish.
    let own = request.target.starts_with("/__renkei/");
    let snapshot = match request.method.as_str() {
        "GET" | "HEAD" if !own => shared.snapshot_for(&request.target),
        _ => shared.snapshot(),
    };
    let conditions = Conditions {
        if_none_match: request.if_none_match.as_deref(),
        range: request.range.as_deref(),
        if_range: request.if_range.as_deref(),
    };
    respond(&snapshot, &request.method, &request.target, conditions)
}

/// The most pages one poll may name (a request head has room for about as many paths).
const MOST_PAGES: usize = 64;

/// The values of `name` in a query (`?since=3&page=%2Fwards%2F`), percent-decoded.
fn query_values<'a>(query: &'a str, name: &'a str) -> impl Iterator<Item = String> + 'a {
    let query = query.strip_prefix('?').unwrap_or(query);
    query
        .split('&')
        .filter_map(move |pair| pair.strip_prefix(name)?.strip_prefix('='))
        .filter_map(super::http::decode_component)
}

enum HeadError {
    /// The client closed, went silent past the deadline, or the socket failed.
    Closed,
    TooLarge,
}

/// Reads up to the blank line that ends a request head, within `time` and `MAX_HEAD`. Bytes
/// after it (a pipelined next request) stay in `buffer`.
fn read_head(
    stream: &mut TcpStream,
    buffer: &mut Vec<u8>,
    time: Duration,
) -> Result<Vec<u8>, HeadError> {
    let deadline = Instant::now() + time;
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = find_head_end(buffer) {
            let rest = buffer.split_off(end);
            return Ok(std::mem::replace(buffer, rest));
        }
        if buffer.len() > MAX_HEAD {
            return Err(HeadError::TooLarge);
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return Err(HeadError::Closed);
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return Err(HeadError::Closed),
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    }
}

/// The index just after the first `\r\n\r\n` (or a bare `\n\n`, which some tools send).
fn find_head_end(bytes: &[u8]) -> Option<usize> {
    let crlf = bytes.windows(4).position(|w| w == b"\r\n\r\n").map(|at| at + 4);
    let lf = bytes.windows(2).position(|w| w == b"\n\n").map(|at| at + 2);
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// What the server needs from a request head.
#[derive(Debug, PartialEq)]
struct Request {
    method: String,
    /// The path and query: an absolute URL (`http://host/path`) is reduced to its path.
    target: String,
    if_none_match: Option<String>,
    range: Option<String>,
    if_range: Option<String>,
    keep_alive: bool,
    body: Body,
}

/// The body that follows a request head.
#[derive(Debug, PartialEq, Clone, Copy)]
enum Body {
    None,
    /// `Content-Length`.
    Length(u64),
    /// Chunked, or a length that is not a number: where the next request starts is unknown.
    Unknown,
}

impl Request {
    /// `None` when the head is not an HTTP/1.x request.
    fn parse(head: &[u8]) -> Option<Request> {
        let text = std::str::from_utf8(head).ok()?;
        let mut lines = text.lines();
        let mut parts = lines.next()?.split(' ');
        let (method, target, version) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || method.is_empty() || !version.starts_with("HTTP/1.") {
            return None;
        }
        let mut request = Request {
            method: method.to_owned(),
            target: origin_form(target)?.to_owned(),
            if_none_match: None,
            range: None,
            if_range: None,
            keep_alive: version != "HTTP/1.0",
            body: Body::None,
        };
        for line in lines.take_while(|l| !l.is_empty()) {
            let (name, value) = line.split_once(':')?;
            request.header(name.trim(), value.trim());
        }
        Some(request)
    }

    fn header(&mut self, name: &str, value: &str) {
        let is = |expected: &str| name.eq_ignore_ascii_case(expected);
        if is("If-None-Match") {
            self.if_none_match = Some(value.to_owned());
        } else if is("Range") {
            self.range = Some(value.to_owned());
        } else if is("If-Range") {
            self.if_range = Some(value.to_owned());
        } else if is("Connection") {
            let has = |token: &str| value.split(',').any(|t| t.trim().eq_ignore_ascii_case(token));
            if has("close") {
                self.keep_alive = false;
            } else if has("keep-alive") {
                self.keep_alive = true;
            }
        } else if is("Transfer-Encoding") {
            self.body = Body::Unknown;
        } else if is("Content-Length") {
            let digits = !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
            let length = value.parse::<u64>().ok().filter(|_| digits);
            self.body = match (self.body, length) {
                (Body::None, Some(0)) => Body::None,
                (Body::None, Some(length)) => Body::Length(length),
                (Body::Length(first), Some(length)) if first == length => self.body,
                // Not a number, or a second, different length (request smuggling, or a broken
                // client), or besides Transfer-Encoding.
                _ => Body::Unknown,
            };
        }
    }
}

/// The path of a request target: itself when it starts with `/`, the part after the authority
/// for an absolute URL (which proxies send; RFC 9112 §3.2.2), `None` for anything else.
fn origin_form(target: &str) -> Option<&str> {
    if target.starts_with('/') {
        return Some(target);
    }
    let rest = target.split_once("://").filter(|(scheme, _)| {
        scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")
    })?;
    let path = rest.1.find('/').map_or("/", |at| &rest.1[at..]);
    Some(path)
}

fn write_reply(
    stream: &mut TcpStream,
    reply: &Reply,
    head_only: bool,
    keep_alive: bool,
) -> io::Result<()> {
    let mut out = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (name, value) in &reply.headers {
        // Values come from the server itself, but never let one end the head early.
        if !value.contains(['\r', '\n']) {
            out.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    if reply.status != 304 {
        out.push_str(&format!("Content-Length: {}\r\n", reply.body.len()));
    }
    out.push_str(if keep_alive {
        "Connection: keep-alive\r\n\r\n"
    } else {
        "Connection: close\r\n\r\n"
    });
    let mut bytes = out.into_bytes();
    if !head_only && reply.status != 304 {
        bytes.extend_from_slice(&reply.body);
    }
    stream.write_all(&bytes)?;
    stream.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        206 => "Partial Content",
        301 => "Moved Permanently",
        304 => "Not Modified",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        416 => "Range Not Satisfiable",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(head: &str) -> Option<Request> {
        Request::parse(head.as_bytes())
    }

    #[test]
    fn heads_are_parsed_with_keep_alive_and_validators() {
        let request = parse("GET /a/?x HTTP/1.1\r\nHost: h\r\nIf-None-Match: \"1\"\r\n\r\n");
        let request = request.unwrap_or_else(|| panic!("not parsed"));
        assert_eq!(request.target, "/a/?x");
        assert_eq!(request.if_none_match.as_deref(), Some("\"1\""));
        assert!(request.keep_alive && request.body == Body::None);
        let old = parse("GET / HTTP/1.0\r\n\r\n").map(|r| r.keep_alive);
        assert_eq!(old, Some(false));
        let closing = parse("GET / HTTP/1.1\r\nconnection: Close\r\n\r\n").map(|r| r.keep_alive);
        assert_eq!(closing, Some(false));
        let body = |head: &str| parse(head).map(|r| r.body);
        assert_eq!(body("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n"), Some(Body::Length(5)));
        assert_eq!(body("POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n"), Some(Body::None));
        let chunked = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n";
        assert_eq!(body(chunked), Some(Body::Unknown));
        let two = "POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n";
        assert_eq!(body(two), Some(Body::Unknown));
        assert_eq!(body("POST / HTTP/1.1\r\nContent-Length: +5\r\n\r\n"), Some(Body::Unknown));
        let ranged = parse("GET /a HTTP/1.1\r\nRange: bytes=0-1\r\nIf-Range: \"t\"\r\n\r\n");
        let ranged = ranged.unwrap_or_else(|| panic!("not parsed"));
        assert_eq!(
            (ranged.range.as_deref(), ranged.if_range.as_deref()),
            (Some("bytes=0-1"), Some("\"t\""))
        );
    }

    #[test]
    fn absolute_urls_become_paths_and_other_targets_are_refused() {
        let target = |t: &str| parse(&format!("GET {t} HTTP/1.1\r\n\r\n")).map(|r| r.target);
        assert_eq!(target("http://example.com/a/b").as_deref(), Some("/a/b"));
        assert_eq!(target("HTTP://example.com").as_deref(), Some("/"));
        assert_eq!(target("file:///etc/passwd"), None);
        assert_eq!(target("*"), None);
        assert_eq!(target("../etc/passwd"), None);
        assert_eq!(parse("GET / SMTP\r\n\r\n"), None);
        assert_eq!(parse("GET  / HTTP/1.1\r\n\r\n"), None);
        assert_eq!(parse("GET / HTTP/1.1\r\nno colon\r\n\r\n"), None);
        assert_eq!(Request::parse(b"GET /\xff HTTP/1.1\r\n\r\n"), None);
    }

    #[test]
    fn the_head_ends_at_the_first_blank_line() {
        assert_eq!(find_head_end(b"GET / HTTP/1.1\r\n\r\nGET"), Some(18));
        assert_eq!(find_head_end(b"GET / HTTP/1.1\n\n"), Some(16));
        assert_eq!(find_head_end(b"GET / HTTP/1.1\r\nA: b\r\n"), None);
    }
}
