//! Source hygiene: warnings about the sources the content cites that will not keep saying what
//! they are cited for. Run by `renkei check` and `renkei build`, without the network.
//!
//! A source is a relation's `source` in the front matter, or a link in the body on a line that
//! names it as one (`出典：[…](…)`, `[出典](…)`: agreements, events and news cite theirs so).
//! Two kinds are warned about, at the URL:
//!
//! - a rolling address, whose page will be replaced by the next issue or the next page of a
//!   list (`ROLLING_SEGMENTS`, `ROLLING_QUERIES`): cite the or the article's own page;
//! - a page on a host listed in `site.toml`'s `[check] aggregators`: sites that copy or
//!   summarise others' pages; cite the ward's or the municipality's own page, or its 広報.

use std::collections::BTreeSet;
use std::ops::Range;

use crate::config::Config;
use crate::diag::Diagnostics;
use crate::load::Entry;
use crate::markdown::{external_links, is_web_url};

/// Path segments (or file names without their extension) of pages that show whatever is newest:
/// `/kuhou/current/kuhou01.html`, `/news/latest`, `/recent.html`.
pub const ROLLING_SEGMENTS: [&str; 4] = ["current", "latest", "newest", "recent"];

/// Query parameters that page through a list, whose pages change as items are added: `?page=2`.
pub const ROLLING_QUERIES: [&str; 3] = ["page", "pageno", "offset"];

/// The warnings about the sources of `entries`, sorted by file and place.
pub fn warnings<'e>(config: &Config, entries: impl IntoIterator<Item = &'e Entry>) -> Diagnostics {
    let aggregators = &config.check.aggregators;
    let mut warnings = Diagnostics::default();
    for entry in entries {
        let mut in_front_matter = BTreeSet::new();
        for (key, url) in entry.meta.web_addresses() {
            if key != "source" || !is_web_url(url) {
                continue;
            }
            in_front_matter.insert(url);
            if let Some(problem) = problem(url, aggregators) {
                warnings.push(entry.error_at_value(key, url, problem.message(url)));
            }
        }
        for (span, url) in cited_links(entry.body()) {
            // The body repeats a relation's source as `[出典](…)`: warned about once, above.
            if in_front_matter.contains(url.as_str()) {
                continue;
            }
            if let Some(problem) = problem(&url, aggregators) {
                warnings.push(entry.error_in_body(span, problem.message(&url)));
            }
        }
    }
    warnings.sorted()
}

/// What is wrong with a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Matches a rolling pattern: the part of the URL that does.
    Rolling(String),
    /// On a host of `[check] aggregators`: the entry of the list it matches.
    Aggregator(String),
}

impl Problem {
    fn message(&self, url: &str) -> crate::messages::Text {
        match self {
            Problem::Rolling(part) => crate::msg!("source.rolling", url = url, part = part),
            Problem::Aggregator(host) => crate::msg!("source.aggregator", url = url, host = host),
        }
    }
}

/// The problem of a source URL, if it has one.
pub fn problem(url: &str, aggregators: &[String]) -> Option<Problem> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.split('#').next().unwrap_or_default();
    let (address, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (host, path) = address.split_once('/').unwrap_or((address, ""));
    let host = host.rsplit('@').next().unwrap_or(host).split(':').next().unwrap_or(host);
    let host = host.to_ascii_lowercase();
    let listed = aggregators.iter().find(|a| {
        let a = a.trim().trim_end_matches('.').to_ascii_lowercase();
        !a.is_empty() && (host == a || host.ends_with(&format!(".{a}")))
    });
    if let Some(listed) = listed {
        return Some(Problem::Aggregator(listed.clone()));
    }
    let rolling_segment = path.split('/').find(|segment| {
        let stem = segment.split('.').next().unwrap_or_default();
        ROLLING_SEGMENTS.iter().any(|r| stem.eq_ignore_ascii_case(r))
    });
    if let Some(segment) = rolling_segment {
        return Some(Problem::Rolling(format!("/{segment}")));
    }
    let rolling_query = query.split('&').find(|pair| {
        let name = pair.split('=').next().unwrap_or_default();
        ROLLING_QUERIES.iter().any(|r| name.eq_ignore_ascii_case(r))
    });
    rolling_query.map(|pair| Problem::Rolling(format!("?{pair}")))
}

/// The links to other sites on the lines of `body` that name a source (`出典`), with their
/// places in `body`. Only those lines are parsed: a build runs this on every file.
fn cited_links(body: &str) -> Vec<(Range<usize>, String)> {
    let mut links = Vec::new();
    let mut start = 0;
    for line in body.split_inclusive('\n') {
        if line.contains("出典") {
            let found = external_links(line).into_iter();
            links.extend(found.map(|(span, url)| (span.start + start..span.end + start, url)));
        }
        start += line.len();
    }
    links
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aggregators() -> Vec<String> {
        vec!["tokyodaily.org".to_owned(), "Example-Copies.jp.".to_owned()]
    }

    fn check(url: &str) -> Option<Problem> {
        problem(url, &aggregators())
    }

    #[test]
    fn rolling_addresses_are_found() {
        let sumida = "https://www.city.sumida.lg.jp/kuhou/current/kuhou01.html";
        assert_eq!(check(sumida), Some(Problem::Rolling("/current".to_owned())));
        assert_eq!(
            check("https://example.lg.jp/news/latest.html"),
            Some(Problem::Rolling("/latest.html".to_owned()))
        );
        assert_eq!(
            check("https://example.lg.jp/list?cat=3&page=2"),
            Some(Problem::Rolling("?page=2".to_owned()))
        );
        // Words that only contain a pattern, and ids in queries, are fine.
        assert_eq!(check("https://example.lg.jp/currently/a.html"), None);
        assert_eq!(check("https://adachikanko.net/?p=43463"), None);
        assert_eq!(check("https://www.city.sumida.lg.jp/kuhou/2024/kuhou01.html"), None);
        // The host is not the path.
        assert_eq!(check("https://latest.example.jp/a.html"), None);
    }

    #[test]
    fn aggregator_hosts_and_their_subdomains_are_found() {
        let listed = Some(Problem::Aggregator("tokyodaily.org".to_owned()));
        assert_eq!(check("http://tokyodaily.org/info/t-2410290417.html"), listed);
        assert_eq!(check("https://www.TokyoDaily.org/x"), listed);
        assert_eq!(
            check("https://a.example-copies.jp/x"),
            Some(Problem::Aggregator("Example-Copies.jp.".to_owned()))
        );
        assert_eq!(check("https://nottokyodaily.org/x"), None);
        assert_eq!(problem("http://tokyodaily.org/x", &[]), None);
    }

    #[test]
    fn only_lines_that_cite_a_source_count() {
        let body = "本文 [リンク](https://a.jp/x/)\n\n出典：[広報](https://a.jp/current/)\n";
        let links = cited_links(body);
        assert_eq!(links.len(), 1, "{links:?}");
        let (span, url) = &links[0];
        assert_eq!(
            (&body[span.clone()], url.as_str()),
            ("https://a.jp/current/", "https://a.jp/current/")
        );
    }
}
