//! `renkei check --external`: the links of the content to other sites, asked for over HTTP.
//! Broken ones (4xx, 5xx, no answer) are errors at the link's place in the Markdown; redirects
//! are warnings naming where they lead, so that editors can update the link.
//!
//! A few requests run at once, at most two per host (a municipality's server should not see
//! a burst from a site that links it a hundred times), each URL once however often it is
//! linked; answers that worked are cached for `[check] cache_hours`.

mod cache;
mod fetch;

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::ops::Range;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, SystemTime};

use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics};
use crate::load::Entry;
use crate::markdown::{external_links, is_web_url};

pub use cache::CACHE_FILE;
pub use fetch::{Answer, is_permanent};

/// Requests in flight at once, in all.
const PARALLEL: usize = 8;
/// Requests in flight at once to one host.
const PER_HOST: usize = 2;

/// What the check of external links found.
#[derive(Debug, Default)]
pub struct ExternalReport {
    /// Distinct URLs checked.
    pub urls: usize,
    /// Of those, the ones answered from `.renkei-cache/links.json`.
    pub from_cache: usize,
    /// Broken links.
    pub errors: Diagnostics,
    /// Redirected links, and a cache that could not be written.
    pub warnings: Vec<Diagnostic>,
}

/// One place in the content that links to another site.
struct Occurrence<'e> {
    entry: &'e Entry,
    place: Place,
    /// As written, fragment included.
    written: String,
    /// What is asked for: without the fragment.
    url: String,
}

/// Checks the external links of `entries` as `config.check` says.
pub fn check_external(config: &Config, entries: &[Entry]) -> ExternalReport {
    let occurrences = occurrences(entries, &config.check.skip);
    let urls: BTreeSet<&str> = occurrences.iter().map(|o| o.url.as_str()).collect();
    let mut cache = cache::LinkCache::load(&config.root);
    let now = unix_now();
    let max_age = config.check.cache_hours.saturating_mul(3600);
    let mut answers: HashMap<String, Answer> = HashMap::new();
    let mut to_ask = Vec::new();
    for url in &urls {
        match cache.fresh(url, now, max_age) {
            Some(answer) => {
                answers.insert((*url).to_owned(), answer);
            }
            None => to_ask.push((*url).to_owned()),
        }
    }
    let from_cache = answers.len();
    let fetcher = fetch::Fetcher::new(Duration::from_secs(config.check.timeout));
    for (url, answer) in fetch_all(&fetcher, to_ask) {
        cache.record(&url, &answer, now);
        answers.insert(url, answer);
    }
    let mut report = ExternalReport { urls: urls.len(), from_cache, ..ExternalReport::default() };
    if let Err(error) = cache.save() {
        let message = crate::msg!("external.cache", error = error.to_string());
        report.warnings.push(Diagnostic::new(CACHE_FILE, message));
    }
    for occurrence in &occurrences {
        let Some(answer) = answers.get(&occurrence.url) else { continue };
        if !answer.is_ok() {
            report.errors.push(broken(occurrence, answer));
        } else if let Some(warning) = redirected(occurrence, answer) {
            report.warnings.push(warning);
        }
    }
    report.errors = report.errors.sorted();
    report
}

/// Where a link is written.
enum Place {
    /// In the Markdown body, at these bytes.
    Body(Range<usize>),
    /// In the front matter, as the value of this key.
    FrontMatter(&'static str),
}

impl Occurrence<'_> {
    fn diagnostic(&self, message: crate::messages::Text) -> Diagnostic {
        match &self.place {
            Place::Body(span) => self.entry.error_in_body(span.clone(), message),
            Place::FrontMatter(key) => self.entry.error_at_value(key, &self.written, message),
        }
    }
}

/// Every link to another site, in the front matter and in the body, not skipped.
fn occurrences<'e>(entries: &'e [Entry], skip: &[String]) -> Vec<Occurrence<'e>> {
    let mut found = Vec::new();
    for entry in entries {
        let in_front_matter =
            entry.meta.web_addresses().into_iter().filter(|(_, url)| is_web_url(url));
        for (key, written) in in_front_matter {
            found.push((entry, Place::FrontMatter(key), written.to_owned()));
        }
        for (span, written) in external_links(entry.body()) {
            found.push((entry, Place::Body(span), written));
        }
    }
    found
        .into_iter()
        .filter(|(_, _, written)| !skip.iter().any(|prefix| written.starts_with(prefix.as_str())))
        .map(|(entry, place, written)| {
            let url = written.split('#').next().unwrap_or_default().to_owned();
            Occurrence { entry, place, written, url }
        })
        .collect()
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn broken(occurrence: &Occurrence<'_>, answer: &Answer) -> Diagnostic {
    let url = &occurrence.written;
    use crate::msg;
    let via = match &answer.final_url {
        Some(final_url) => msg!("external.via", url = final_url.as_str()),
        None => crate::messages::Text::default(),
    };
    let (message, help) = match (answer.status, &answer.error) {
        (_, Some(error)) => (
            msg!("external.failed", url = url, via = via, error = error.to_string()),
            msg!("external.failed_help"),
        ),
        (Some(status), None) => (
            msg!("external.status", url = url, status = status, reason = reason(status), via = via),
            if status < 500 { msg!("external.gone_help") } else { msg!("external.server_help") },
        ),
        (None, None) => {
            (msg!("external.no_answer", url = url, via = via), msg!("external.later_help"))
        }
    };
    occurrence.diagnostic(message).with_help(help)
}

fn redirected(occurrence: &Occurrence<'_>, answer: &Answer) -> Option<Diagnostic> {
    let (status, final_url) = (answer.redirect?, answer.final_url.as_ref()?);
    let url = &occurrence.written;
    let (message, help) = if is_permanent(status) {
        (
            crate::msg!("external.moved", url = url, status = status, to = final_url.as_str()),
            crate::msg!("external.moved_help", to = final_url.as_str()),
        )
    } else {
        (
            crate::msg!("external.redirect", url = url, status = status, to = final_url.as_str()),
            crate::msg!("external.redirect_help"),
        )
    };
    Some(occurrence.diagnostic(message).with_help(help))
}

fn reason(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        410 => "Gone",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

/// The hosts being asked and the URLs still to ask, shared by the workers.
struct Queue {
    waiting: VecDeque<String>,
    in_flight: HashMap<String, usize>,
}

/// Asks for every URL, `PARALLEL` at a time and at most `PER_HOST` per host.
fn fetch_all(fetcher: &fetch::Fetcher, urls: Vec<String>) -> Vec<(String, Answer)> {
    let workers = PARALLEL.min(urls.len());
    let queue = Mutex::new(Queue { waiting: urls.into(), in_flight: HashMap::new() });
    let changed = Condvar::new();
    let answers = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some(url) = next_url(&queue, &changed) {
                    let answer = fetcher.fetch(&url);
                    if let Ok(mut queue) = queue.lock() {
                        if let Some(count) = queue.in_flight.get_mut(host(&url)) {
                            *count = count.saturating_sub(1);
                        }
                    }
                    changed.notify_all();
                    if let Ok(mut answers) = answers.lock() {
                        answers.push((url, answer));
                    }
                }
            });
        }
    });
    answers.into_inner().unwrap_or_default()
}

/// The next URL whose host has a free place; waits while every waiting URL's host is busy;
/// `None` when nothing is left to ask.
fn next_url(queue: &Mutex<Queue>, changed: &Condvar) -> Option<String> {
    let mut queue = queue.lock().ok()?;
    loop {
        if queue.waiting.is_empty() {
            return None;
        }
        let free = queue
            .waiting
            .iter()
            .position(|url| queue.in_flight.get(host(url)).copied().unwrap_or(0) < PER_HOST);
        if let Some(at) = free {
            let url = queue.waiting.remove(at)?;
            *queue.in_flight.entry(host(&url).to_owned()).or_default() += 1;
            return Some(url);
        }
        queue = changed.wait(queue).ok()?;
    }
}

/// `https://user@Example.jp:8080/a` → `user@Example.jp:8080`: the part that names the server
/// (exact case is enough to tell servers apart for the limit).
fn host(url: &str) -> &str {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    after_scheme.split(['/', '?', '#']).next().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_the_authority() {
        assert_eq!(host("https://example.jp/a?b#c"), "example.jp");
        assert_eq!(host("http://127.0.0.1:8080"), "127.0.0.1:8080");
    }

    #[test]
    fn at_most_two_requests_per_host_are_handed_out() {
        let urls = ["http://a/1", "http://a/2", "http://a/3", "http://b/1"];
        let queue = Mutex::new(Queue {
            waiting: urls.iter().map(|u| u.to_string()).collect(),
            in_flight: HashMap::new(),
        });
        let changed = Condvar::new();
        let first: Vec<Option<String>> = (0..3).map(|_| next_url(&queue, &changed)).collect();
        assert_eq!(
            first,
            [Some("http://a/1".into()), Some("http://a/2".into()), Some("http://b/1".into())]
        );
        let waiting = queue.lock().map(|q| q.waiting.len()).unwrap_or_default();
        assert_eq!(waiting, 1, "http://a/3 waits for a place");
    }
}
