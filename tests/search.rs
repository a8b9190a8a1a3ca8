//! The search index of the project's own site, built as a user builds it and read back from the
//! written files: the queries of issue 6 find what they should, with the same algorithm that
//! search.js runs (src/search/query.rs). Also reports the index's size.

use std::path::Path;

use renkei::search::query::{Filter, search};
use renkei::search::{Index, KINDS};

use crate::support::project_site;

fn built_index() -> (&'static Path, Index) {
    let public = project_site();
    let index = Index::from_files(|path| std::fs::read_to_string(public.join(path)).ok())
        .unwrap_or_else(|| panic!("no readable search index under {}", public.display()));
    (public, index)
}

fn titles(index: &Index, query: &str, filter: Filter) -> Vec<String> {
    search(index, query, filter).into_iter().map(|hit| index.docs[hit.doc].title.clone()).collect()
}

fn kind(name: &str) -> usize {
    KINDS.iter().position(|(key, _)| *key == name).unwrap_or_else(|| panic!("no kind {name}"))
}

fn size(dir: &Path) -> (usize, u64) {
    let files: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .collect();
    let bytes = files.iter().filter_map(|e| e.metadata().ok()).map(|m| m.len()).sum();
    (files.len(), bytes)
}

#[test]
fn the_queries_of_the_issue_find_what_they_should() {
    let (public, index) = built_index();
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

    for query in ["くしろ", "クシロ", "kushiro", "Kushiro", "ｸｼﾛ"] {
        let found = titles(&index, query, all);
        assert_eq!(found.first().map(String::as_str), Some("釧路市"), "{query}: {found:?}");
    }
    assert_eq!(titles(&index, "ちよだ", all).first().map(String::as_str), Some("千代田区"));
    assert_eq!(titles(&index, "hokkaido", all).first().map(String::as_str), Some("北海道"));

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

    // The sizes, for the record (cargo test -- --nocapture shows them).
    let (files, bytes) = size(&public.join("search"));
    report(&format!(
        "search index: {} documents, {files} files, {bytes} bytes in all, {} bigram shards",
        index.docs.len(),
        index.shards
    ));
    for query in ["釧路", "区政会館", "kushiro", "存在しない言葉"] {
        report(&format!("query {query}: downloads {} bytes", download(public, &index, query)));
    }
}

#[allow(clippy::print_stderr)] // a measurement, shown with --nocapture
fn report(line: &str) {
    eprintln!("{line}");
}

/// What search.js downloads for a query: meta.json, the bigram shards of its bigrams and the
/// text shards of the candidates (every document that has all the bigrams of a term).
fn download(public: &Path, index: &Index, query: &str) -> u64 {
    use renkei::search::{TEXT_GROUP, bigrams, shard_of};
    let len = |path: String| std::fs::metadata(public.join(path)).map_or(0, |m| m.len());
    let mut paths = std::collections::BTreeSet::from(["search/meta.json".to_owned()]);
    for variants in renkei::search::query::terms(query) {
        for variant in variants {
            let mut candidates: Option<Vec<usize>> = None;
            for bigram in bigrams(&variant) {
                paths.insert(format!("search/b/{}.json", shard_of(&bigram, index.shards)));
                let ids: Vec<usize> = index
                    .postings
                    .get(&bigram)
                    .map_or_else(Vec::new, |ids| ids.iter().map(|&id| id as usize).collect());
                candidates = Some(match candidates {
                    None => ids,
                    Some(before) => before.into_iter().filter(|id| ids.contains(id)).collect(),
                });
                if candidates.as_ref().is_some_and(Vec::is_empty) {
                    break;
                }
            }
            for id in candidates.unwrap_or_default() {
                paths.insert(format!("search/t/{}.json", id / TEXT_GROUP));
            }
        }
    }
    paths.into_iter().map(len).sum()
}
