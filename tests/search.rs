//! The search index of the project's own site, built as a user builds it and read back from the
//! written files: the queries that citizens type (tests/data/search-queries.tsv) find what they
//! should, with the same algorithm that search.js runs (src/search/query.rs); the index stays
//! small enough for a phone (under 1 MB per language, under 100 KB downloaded per query).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use renkei::search::Index;
use renkei::search::KINDS;
use renkei::search::query::{Filter, PAGE, first, search};

use crate::support::{project_site, repo_root};

/// The index of a language (`""` for the default one) under the built site.
fn built_index(public: &Path, lang: &str) -> Index {
    let root = public.join(lang);
    Index::from_files(|path| std::fs::read_to_string(root.join(path)).ok())
        .unwrap_or_else(|e| panic!("no readable search index under {}: {e}", root.display()))
}

fn titles(index: &Index, query: &str, filter: Filter) -> Vec<String> {
    search(index, query, filter).into_iter().map(|hit| index.docs[hit.doc].title.clone()).collect()
}

fn kind(name: &str) -> usize {
    KINDS.iter().position(|(key, _)| *key == name).unwrap_or_else(|| panic!("no kind {name}"))
}

/// One row of tests/data/search-queries.tsv.
pub(crate) struct Case {
    pub(crate) lang: String,
    pub(crate) query: String,
    pub(crate) url: String,
    /// 1: must be the first result; 3: among the first three.
    pub(crate) rank: usize,
}

pub(crate) fn cases() -> Vec<Case> {
    let path = repo_root().join("tests/data/search-queries.tsv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            assert!(fields.len() >= 4, "{}: bad line {line:?}", path.display());
            Case {
                lang: fields[0].to_owned(),
                query: fields[1].to_owned(),
                url: fields[2].to_owned(),
                rank: fields[3].parse().unwrap_or_else(|_| panic!("bad rank in {line:?}")),
            }
        })
        .collect()
}

#[test]
fn what_citizens_type_finds_the_page_they_mean() {
    let public = project_site();
    let japanese = built_index(public, "");
    let english = built_index(public, "en");
    let cases = cases();
    assert!(cases.len() >= 60, "{} queries", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let index = if case.lang == "en" { &english } else { &japanese };
        let hits = search(index, &case.query, Filter::default());
        let urls: Vec<&str> = hits.iter().map(|hit| index.docs[hit.doc].url.as_str()).collect();
        if !urls.iter().take(case.rank).any(|url| *url == case.url) {
            failures.push(format!(
                "{} {:?}: {} not in the first {}: {:?}",
                case.lang,
                case.query,
                case.url,
                case.rank,
                &urls[..urls.len().min(5)]
            ));
        }
        // A special ward is one result, whose other page is reachable from it.
        for &(ward, municipality) in &index.pairs {
            let shown = hits.iter().filter(|h| h.doc == ward || h.doc == municipality).count();
            assert!(shown <= 1, "{:?} shows both pages of {}", case.query, index.docs[ward].title);
        }
        for hit in &hits {
            assert_eq!(
                hit.also,
                index.pairs.iter().find_map(|&(w, m)| {
                    (w == hit.doc).then_some(m).or((m == hit.doc).then_some(w))
                })
            );
            snippet_starts_at_a_boundary(&index.docs[hit.doc].text, &hit.snippet);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} queries:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// The first results, found by the rank hints from the texts of the best candidates only, are
/// those of scoring every page of the site, for every query of the table and of the measured
/// ones, with and without filters, ten at a time as the reader asks for more.
#[test]
fn the_first_results_are_those_of_every_page_scored() {
    let public = project_site();
    let japanese = built_index(public, "");
    let english = built_index(public, "en");
    let tokyo = japanese.prefectures.iter().position(|(id, _)| id == "tokyo");
    let filters = [
        Filter::default(),
        Filter { kind: Some(kind("event")), prefecture: None },
        Filter { kind: None, prefecture: tokyo },
    ];
    let mut queries: Vec<(String, String)> =
        cases().into_iter().map(|case| (case.lang, case.query)).collect();
    queries.extend(MEASURED.iter().map(|q| ("ja".to_owned(), (*q).to_owned())));
    for (lang, query) in &queries {
        let index = if lang == "en" { &english } else { &japanese };
        for filter in filters {
            let all = renkei::search::query::search_all(index, query, filter);
            for count in [PAGE, 3 * PAGE] {
                let results = first(index, query, filter, count);
                assert!(
                    results.hits == all[..all.len().min(count)],
                    "{lang} {query:?} {filter:?}: the first {count} differ"
                );
                assert_eq!(results.more, all.len() > count, "{lang} {query:?} {filter:?}");
            }
        }
    }
}

/// NFKC per character and its combining marks, as the index does, is NFKC of the whole text for
/// every text of the site: normalising the NFKC of a text changes nothing.
#[test]
fn the_normalisation_is_that_of_the_whole_string_on_every_text() {
    use unicode_normalization::UnicodeNormalization;
    let index = built_index(project_site(), "");
    for doc in &index.docs {
        let whole: String = doc.text.nfkc().collect();
        assert_eq!(
            renkei::search::normalized(&doc.text),
            renkei::search::normalized(&whole),
            "{}",
            doc.url
        );
    }
}

/// A snippet cut inside a line starts after a space or punctuation, or at least not inside a
/// word of romaji ("…hiroshi 北海道の市。").
fn snippet_starts_at_a_boundary(text: &str, snippet: &str) {
    let Some(cut) = snippet.strip_prefix('…') else { return };
    let plain = cut.replace("<mark>", "").replace("</mark>", "");
    let start: String = plain.chars().take(8).collect();
    let start = start.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
    let Some(at) = text.find(&start) else { return };
    let before = text[..at].chars().next_back();
    let first = start.chars().next();
    assert!(
        !(before.is_some_and(|c| c.is_ascii_alphanumeric())
            && first.is_some_and(|c| c.is_ascii_alphanumeric())),
        "the snippet starts inside a word: {snippet}"
    );
}

#[test]
fn the_queries_of_issue_6_still_find_what_they_should() {
    let public = project_site();
    let index = built_index(public, "");
    let all = Filter::default();

    let kushiro = titles(&index, "釧路", all);
    assert_eq!(kushiro.first().map(String::as_str), Some("釧路市"), "{kushiro:?}");
    assert!(
        kushiro.iter().any(|t| t.contains("味覚市")),
        "釧路 finds the 味覚市 events: {kushiro:?}"
    );
    let events = titles(&index, "釧路", Filter { kind: Some(kind("event")), prefecture: None });
    assert!(!events.is_empty() && events.iter().all(|t| kushiro.contains(t)), "{events:?}");
    assert!(events.iter().any(|t| t.contains("味覚市")), "{events:?}");

    let kaikan = search(&index, "区政会館", all);
    assert!(!kaikan.is_empty());
    for hit in &kaikan {
        assert!(hit.snippet.contains("<mark>区政会館</mark>"), "{}", hit.snippet);
        assert!(index.docs[hit.doc].text.contains("区政会館"));
    }
    assert!(
        kaikan.iter().any(|hit| index.docs[hit.doc].text.contains("東京区政会館")),
        "区政会館 finds pages that mention 東京区政会館"
    );
    for absent in ["存在しない言葉", "xyzzy", "大阪市北区役所前"] {
        assert!(titles(&index, absent, all).is_empty(), "{absent} finds something");
    }

    // Filter by prefecture: 釧路 in 北海道 finds 釧路市; in another prefecture, not it.
    let hokkaido = index.prefectures.iter().position(|(id, _)| id == "hokkaido");
    let in_hokkaido = titles(&index, "釧路", Filter { kind: None, prefecture: hokkaido });
    assert!(in_hokkaido.contains(&"釧路市".to_owned()));
    let aomori = index.prefectures.iter().position(|(id, _)| id == "aomori");
    assert!(
        !titles(&index, "釧路市", Filter { kind: None, prefecture: aomori })
            .contains(&"釧路市".to_owned())
    );
}

/// What a static host serves: the file gzipped (as most serve JSON).
fn gzipped(bytes: &[u8]) -> usize {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap_or_else(|e| panic!("{e}"));
    encoder.finish().unwrap_or_else(|e| panic!("{e}")).len()
}

/// The queries whose downloads are measured, the README and docs/search.md quote them: names
/// (what the search is for), the most frequent words of the site (す。 is on nearly every page,
/// 東京 on a hundred), a kana particle, a suffix in romaji that most names have (shi), one
/// character (区: finds nothing, downloads nothing but meta.json), long names and a sentence
/// (a shard for each of their bigrams), phrases of frequent bigrams (しています。 on many pages,
/// 区の交流 on a few, ですます on none), a sentence of an English page pasted whole (14 words), a
/// prefecture in front and a word that is not there.
/// Each must download under 100 KB, not gzipped, for its first results.
const MEASURED: [&str; 22] = [
    "釧路",
    "区政会館",
    "kushiro",
    "くしろ",
    "札幌市中央区",
    "shibuya-ku",
    "東京",
    "す。",
    "には",
    "から",
    "shi",
    "区",
    "長野県伊那市",
    "shinagawa-ku",
    "Sapporo City",
    "特別区全国連携プロジェクトのイベント",
    "東京 連携",
    "しています。",
    "区の交流",
    "ですます",
    "friendly exchange agreement since October 1991, and mutual aid in disasters since November 1995",
    "存在しない言葉",
];

/// Under this many bytes (raw, not gzipped) a query downloads for its first results.
const DOWNLOAD_LIMIT: usize = 100_000;

/// The index of each language stays under 1 MB and a query downloads under 100 KB (raw, not
/// gzipped) for its first `PAGE` results, and for each `PAGE` more: measured on every build of
/// the project's site, printed with --nocapture.
#[test]
fn the_index_and_what_a_query_downloads_stay_small() {
    let public = project_site();
    for lang in ["", "en"] {
        let root = public.join(lang).join("search");
        let index = built_index(public, lang);
        let files: Vec<std::path::PathBuf> = walkdir::WalkDir::new(&root)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| e.into_path())
            .collect();
        let read =
            |path: &Path| std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let raw: usize = files.iter().map(|f| read(f).len()).sum();
        let gzip: usize = files.iter().map(|f| gzipped(&read(f))).sum();
        let label = if lang.is_empty() { "ja" } else { lang };
        report(&format!(
            "search index {label}: {} documents, {} files, {raw} bytes, {gzip} bytes gzipped",
            index.docs.len(),
            files.len()
        ));
        assert!(raw < 1_000_000, "the {label} index is {raw} bytes, over 1 MB");
        for query in MEASURED {
            let results = first(&index, query, Filter::default(), PAGE);
            let bytes: Vec<Vec<u8>> = results.files.iter().map(|p| read(&root.join(p))).collect();
            let raw: usize = bytes.iter().map(Vec::len).sum();
            let gzip: usize = bytes.iter().map(|b| gzipped(b)).sum();
            report(&format!(
                "  query {query}: {} results, {} files, {raw} bytes, {gzip} bytes gzipped",
                results.hits.len(),
                results.files.len()
            ));
            assert!(
                raw < DOWNLOAD_LIMIT,
                "{label} query {query} downloads {raw} bytes ({gzip} gzipped)"
            );
            // Each time the reader asks for more: what the next results download beyond the
            // files the first ones did (search.js keeps those).
            let more = first(&index, query, Filter::default(), 2 * PAGE);
            let added: usize =
                more.files.difference(&results.files).map(|p| read(&root.join(p)).len()).sum();
            assert!(added < DOWNLOAD_LIMIT, "{label} {query}: the next results download {added}");
            assert!(more.hits.starts_with(&results.hits), "{query}: more results change the first");
        }
        worst_query(&index, &root);
    }
}

/// The largest download of a query of one term of the index, for its first results: each of
/// its bigrams, measured with the query's own trace, must stay under the limit. Without rank
/// hints a frequent bigram (す。, on 1,859 of 1,864 pages) downloaded the texts of all its
/// pages, 509 KB.
fn worst_query(index: &Index, root: &Path) {
    let mut sizes: BTreeMap<String, usize> = BTreeMap::new();
    let mut size = |path: &String| {
        *sizes
            .entry(path.clone())
            .or_insert_with(|| std::fs::metadata(root.join(path)).map_or(0, |m| m.len() as usize))
    };
    let mut worst = (0, 0, "");
    for bigram in index.postings.keys() {
        let results = first(index, bigram, Filter::default(), PAGE);
        assert!(!results.hits.is_empty(), "{bigram} is in the index but finds nothing");
        let raw: usize = results.files.iter().map(&mut size).sum();
        worst = worst.max((raw, results.files.len(), bigram.as_str()));
    }
    let (raw, files, bigram) = worst;
    let pages = index.postings.get(bigram).map_or(0, Vec::len);
    report(&format!(
        "  worst query of {} terms: {bigram}, on {pages} pages: {files} files, {raw} bytes",
        index.postings.len()
    ));
    assert!(raw < DOWNLOAD_LIMIT, "the query {bigram} downloads {raw} bytes");
}

#[allow(clippy::print_stderr)] // a measurement, shown with --nocapture
fn report(line: &str) {
    eprintln!("{line}");
}
