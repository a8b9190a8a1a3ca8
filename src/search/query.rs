//! Answering a query from the index: the algorithm that `search.js` runs in the browser.
//!
//! 1. The query is normalised like the texts and split at spaces into terms; a term of one
//!    character is too short for a bigram index and is dropped. A term of ASCII letters also
//!    stands for itself with long vowels written once (`toukyou` = `tokyo`).
//! 2. Candidates: the documents that have every bigram of a term (for every term).
//! 3. Each candidate's text must contain every term (bigrams found apart do not count).
//! 4. Order: a name (title, or a place's reading) that starts with a term, then a name that has it, then the number of
//!    matches (up to 10 per term); ties in the index order
//!    (municipalities, wards, prefectures, events, …); at most `LIMIT` results.

use super::{Index, bigrams, normalize};
use crate::japanese::kana::collapse_long_vowels;
use crate::render::escape_html;

/// Results shown for one query.
pub const LIMIT: usize = 50;
/// Characters of context before the first match in a snippet, and the snippet's length.
const BEFORE: usize = 30;
const LENGTH: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub doc: usize,
    /// HTML: the text around the first match, every match in it in `<mark>`.
    pub snippet: String,
}

/// Filters: a kind (index into `KINDS`) and a prefecture (index into `Index::prefectures`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Filter {
    pub kind: Option<usize>,
    pub prefecture: Option<usize>,
}

/// The terms of a query, each with its variants (normalised characters).
pub fn terms(query: &str) -> Vec<Vec<Vec<char>>> {
    let (chars, _) = normalize(query);
    let text: String = chars.into_iter().collect();
    text.split_whitespace()
        .filter(|term| term.chars().count() >= 2)
        .map(|term| {
            let mut variants = vec![term.chars().collect::<Vec<char>>()];
            if term.chars().all(|c| c.is_ascii_lowercase()) {
                let collapsed = collapse_long_vowels(term);
                if collapsed != term && collapsed.chars().count() >= 2 {
                    variants.push(collapsed.chars().collect());
                }
            }
            variants
        })
        .collect()
}

pub fn search(index: &Index, query: &str, filter: Filter) -> Vec<Hit> {
    let terms = terms(query);
    if terms.is_empty() {
        return Vec::new();
    }
    let mut candidates: Option<Vec<usize>> = None;
    for variants in &terms {
        let mut union: Vec<usize> =
            variants.iter().flat_map(|variant| with_all_bigrams(index, variant)).collect();
        union.sort_unstable();
        union.dedup();
        candidates = Some(match candidates {
            None => union,
            Some(before) => {
                before.into_iter().filter(|id| union.binary_search(id).is_ok()).collect()
            }
        });
    }
    let mut scored: Vec<(usize, usize, Hit)> = Vec::new();
    for id in candidates.unwrap_or_default() {
        let doc = &index.docs[id];
        if filter.kind.is_some_and(|kind| doc.kind != kind)
            || filter.prefecture.is_some_and(|p| !doc.prefectures.contains(&p))
        {
            continue;
        }
        let (chars, _) = normalize(&doc.text);
        let (title, _) = normalize(name(doc));
        let mut score = 0;
        let mut all = true;
        for variants in &terms {
            let count: usize = variants.iter().map(|v| find_all(&chars, v).len()).sum();
            if count == 0 {
                all = false;
                break;
            }
            let in_title = variants.iter().map(|v| find_all(&title, v)).find(|at| !at.is_empty());
            let at_word_start = in_title
                .as_ref()
                .is_some_and(|at| at.iter().any(|&i| i == 0 || title[i - 1].is_whitespace()));
            // Pages named by the term come first, in index order; others by how often they use it.
            score += match in_title {
                Some(_) if at_word_start => 150,
                Some(_) => 100,
                None => count.min(10),
            };
        }
        if all {
            scored.push((score, id, Hit { doc: id, snippet: snippet(&doc.text, &terms) }));
        }
    }
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().take(LIMIT).map(|(_, _, hit)| hit).collect()
}

/// What a page is called: its title, and for places (whose text's second line is their reading
/// in kana and romaji) also that line.
pub fn name(doc: &super::Doc) -> &str {
    let lines = if doc.kind <= 2 { 2 } else { 1 };
    let end = doc.text.match_indices('\n').nth(lines - 1).map_or(doc.text.len(), |(i, _)| i);
    &doc.text[..end]
}

/// The documents that contain every bigram of `term`.
fn with_all_bigrams(index: &Index, term: &[char]) -> Vec<usize> {
    let mut result: Option<Vec<usize>> = None;
    for bigram in bigrams(term) {
        let ids = index.postings.get(&bigram).map_or(&[][..], Vec::as_slice);
        result = Some(match result {
            None => ids.iter().map(|&id| id as usize).collect(),
            Some(before) => before
                .into_iter()
                .filter(|&id| u32::try_from(id).is_ok_and(|id| ids.binary_search(&id).is_ok()))
                .collect(),
        });
        if result.as_ref().is_some_and(Vec::is_empty) {
            break;
        }
    }
    result.unwrap_or_default()
}

/// Start positions of `needle` in `haystack`.
fn find_all(haystack: &[char], needle: &[char]) -> Vec<usize> {
    if needle.is_empty() || needle.len() > haystack.len() {
        return Vec::new();
    }
    (0..=haystack.len() - needle.len())
        .filter(|&i| haystack[i..i + needle.len()] == *needle)
        .collect()
}

/// The text around the first match (preferably after the title line), matches in `<mark>`.
pub fn snippet(text: &str, terms: &[Vec<Vec<char>>]) -> String {
    let original: Vec<char> = text.chars().collect();
    // Normalised characters, each with the index of the original character it came from.
    let mut chars = Vec::new();
    let mut origin = Vec::new();
    for (i, c) in original.iter().enumerate() {
        for n in super::normalize_char(*c).chars() {
            chars.push(n);
            origin.push(i);
        }
    }
    // Matches as ranges of original characters, in order.
    let mut marks: Vec<(usize, usize)> = Vec::new();
    for variant in terms.iter().flatten() {
        for start in find_all(&chars, variant) {
            let end = start + variant.len() - 1;
            marks.push((origin[start], origin[end] + 1));
        }
    }
    marks.sort_unstable();
    let title_end = original.iter().position(|&c| c == '\n').unwrap_or(original.len());
    let after_title = marks.iter().find(|m| m.0 > title_end);
    let first = after_title.or(marks.first()).map_or(0, |m| m.0);
    // The title is shown above the snippet: no need to repeat it.
    let start = match after_title {
        Some(_) => first.saturating_sub(BEFORE).max(title_end + 1),
        None => first.saturating_sub(BEFORE),
    };
    let end = (start + LENGTH).min(original.len());
    let mut html = String::new();
    if start > 0 && original[start - 1] != '\n' {
        html.push('…');
    }
    let mut i = start;
    for &(from, to) in &marks {
        let (from, to) = (from.max(i), to.min(end));
        if from >= to {
            continue;
        }
        html.push_str(&piece(&original[i..from]));
        html.push_str("<mark>");
        html.push_str(&piece(&original[from..to]));
        html.push_str("</mark>");
        i = to;
    }
    html.push_str(&piece(&original[i..end]));
    if end < original.len() {
        html.push('…');
    }
    html
}

/// Escaped text with line breaks as spaces.
fn piece(chars: &[char]) -> String {
    let text: String = chars.iter().map(|&c| if c == '\n' { ' ' } else { c }).collect();
    escape_html(&text)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::super::{Doc, Index, bigrams, normalize};
    use super::*;

    fn index(docs: &[(&str, usize, &str)]) -> Index {
        let docs: Vec<Doc> = docs
            .iter()
            .map(|&(title, kind, text)| Doc {
                url: format!("/{title}/"),
                title: title.to_owned(),
                kind,
                prefectures: vec![0],
                text: format!("{title}\n{text}"),
                lang: None,
            })
            .collect();
        let mut postings: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        for (id, doc) in (0u32..).zip(&docs) {
            let (chars, _) = normalize(&doc.text);
            let mut unique: Vec<String> = bigrams(&chars).collect();
            unique.sort();
            unique.dedup();
            for bigram in unique {
                postings.entry(bigram).or_default().push(id);
            }
        }
        Index {
            docs,
            prefectures: vec![("hokkaido".into(), "北海道".into())],
            postings,
            shards: 1,
            labels: Vec::new(),
        }
    }

    fn titles(index: &Index, query: &str) -> Vec<String> {
        search(index, query, Filter::default())
            .into_iter()
            .map(|hit| index.docs[hit.doc].title.clone())
            .collect()
    }

    #[test]
    fn substrings_of_japanese_are_found() {
        let index = index(&[
            ("釧路市", 0, "くしろし kushiroshi\n北海道東部の中心都市。"),
            ("秋の味覚市", 3, "釧路市の味覚市を開きます。"),
            ("展示", 4, "東京区政会館で開催。"),
        ]);
        assert_eq!(titles(&index, "釧路"), ["釧路市", "秋の味覚市"]);
        assert_eq!(titles(&index, "区政会館"), ["展示"]);
        assert_eq!(titles(&index, "くしろ"), ["釧路市"]);
        assert_eq!(titles(&index, "クシロ"), ["釧路市"]);
        assert_eq!(titles(&index, "KUSHIRO"), ["釧路市"]);
        assert_eq!(titles(&index, "味覚 釧路"), ["秋の味覚市"]);
        assert!(titles(&index, "大阪").is_empty());
        assert!(titles(&index, "市").is_empty());
        assert!(titles(&index, "").is_empty());
        // Bigrams that occur apart are not a match: 京区 and 区政 are there, 東京区政 is not in 釧路市.
        assert!(titles(&index, "市東部の中").is_empty());
    }

    #[test]
    fn filters_by_kind() {
        let index = index(&[("釧路市", 0, ""), ("釧路の催し", 3, "")]);
        let events = search(&index, "釧路", Filter { kind: Some(3), prefecture: None });
        assert_eq!(events.len(), 1);
        assert_eq!(index.docs[events[0].doc].title, "釧路の催し");
        assert!(search(&index, "釧路", Filter { kind: None, prefecture: Some(1) }).is_empty());
    }

    #[test]
    fn snippets_highlight_in_the_original_text() {
        let terms = terms("釧路");
        assert_eq!(
            snippet("題\n本文は釧路市と<釧路町>です。", &terms),
            "本文は<mark>釧路</mark>市と&lt;<mark>釧路</mark>町&gt;です。"
        );
        let long = format!("題\n{}釧路{}", "あ".repeat(50), "い".repeat(200));
        let cut = snippet(&long, &terms);
        assert!(cut.starts_with('…') && cut.ends_with('…'), "{cut}");
        // A match in the title only: the snippet starts with the title.
        assert_eq!(snippet("釧路市\n本文", &terms), "<mark>釧路</mark>市 本文");
        assert_eq!(cut.chars().filter(|&c| c == 'あ').count(), 30);
        // Full-width and katakana queries highlight the original characters.
        assert_eq!(
            snippet("x\nＫｕｓｈｉｒｏ", &super::terms("kushiro")),
            "<mark>Ｋｕｓｈｉｒｏ</mark>"
        );
    }

    #[test]
    fn romaji_long_vowels_written_either_way() {
        let index = index(&[("東京", 1, "とうきょう tokyo")]);
        assert_eq!(titles(&index, "toukyou"), ["東京"]);
        assert_eq!(titles(&index, "tokyo"), ["東京"]);
    }
}
