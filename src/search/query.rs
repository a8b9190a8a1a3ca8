//! Answering a query from the index: the algorithm that `search.js` runs in the browser, step
//! for step (the browser test asks both the same queries and requires the same answers).
//!
//! 1. The query is normalised like the texts (`normalize`) and split at spaces into words; each
//!    word is a term, a list of variants any of which may match:
//!    - romaji: a suffix after a hyphen or a space (shibuya-ku, Kushiro-shi, Sapporo City,
//!      Gunma Prefecture) gives the name alone and the name with the suffix's reading
//!      (sapporo, sapporoshi); each also with long vowels written once (toukyou, oota, ohta →
//!      tokyo, ota) and m before b, m, p as n (gumma → gunma, shimbashi → shinbashi);
//!    - kana before a suffix kanji (あらかわ区): also with the suffix read (あらかわく);
//!    - a prefecture in front (長野県伊那市): the rest, with that prefecture's pages first;
//!    - a city in front of a ward (札幌市中央区): two terms, 札幌市 and 中央区.
//!
//!    A variant of one character is dropped: the index has no single characters.
//! 2. Candidates: the documents that have the looked-up bigrams (`looked_up`: all, at most 8 a
//!    variant and 12 a query) of some variant of each term, each with an upper bound of its
//!    score from the rank hints of its postings (`rank::bound`), less those that the filters
//!    exclude (the kind by the kinds' ranges of meta.json, the prefecture by p.json).
//! 3. Each candidate's text must contain a variant of every term (bigrams found apart do not
//!    count).
//! 4. Order: pages of the prefecture named in front first; then, summed over the terms, a name
//!    (the title, or a word of a place's line of names: reading, romaji, code, aliases) equal
//!    to the term, then a name starting with it, then a name containing it, then the number
//!    of matches in the text (up to 10); ties in index order (wards, prefectures,
//!    municipalities by code, events, …). The two pages of a special ward are one result, the
//!    other page in `Hit::also`.
//! 5. Only the texts of the best candidates are downloaded: in the order of their bounds, until
//!    the first `count` results (`PAGE`, then `PAGE` more at a time) are settled, each ahead of
//!    the next candidate's bound. A frequent word (す。, on nearly every page) thus downloads
//!    the texts of a dozen pages, not of the whole site.

use std::collections::BTreeSet;

use super::{Index, TEXT_GROUP, bigrams, normalize, normalized, rank, shard_of};
use crate::html;
use crate::japanese::kana::collapse_long_vowels;

/// Results shown at a time: the first ten, and ten more each time the reader asks.
pub const PAGE: usize = 10;
/// What a page named in front of the query (長野県伊那市) adds to the score of its pages.
const IN_PREFECTURE: usize = 1000;
/// Characters of context before the first match in a snippet, and the snippet's length.
const BEFORE: usize = 30;
const LENGTH: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub doc: usize,
    /// HTML: the text around the first match, every match in it in `<mark>`.
    pub snippet: String,
    /// The other page of the same special ward (its ward page or its municipality page).
    pub also: Option<usize>,
}

/// Filters: a kind (index into `KINDS`) and a prefecture (index into `Index::prefectures`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Filter {
    pub kind: Option<usize>,
    pub prefecture: Option<usize>,
}

/// A query read: its terms, each a list of variants (normalised characters), and the
/// prefecture named in front of a place, if any.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    pub terms: Vec<Vec<Vec<char>>>,
    pub prefecture: Option<usize>,
}

/// Romaji suffixes and the readings they stand for (Kushiro-shi, Sapporo City).
const SUFFIXES: [(&str, &[&str]); 13] = [
    ("shi", &["shi"]),
    ("city", &["shi"]),
    ("ku", &["ku"]),
    ("ward", &["ku"]),
    ("machi", &["machi"]),
    ("cho", &["cho"]),
    ("town", &["machi", "cho"]),
    ("mura", &["mura"]),
    ("son", &["son"]),
    ("village", &["mura", "son"]),
    ("ken", &["ken"]),
    ("prefecture", &["ken", "fu", "to"]),
    ("fu", &["fu"]),
];

/// Kanji suffixes of place names and their readings (あらかわ区 → あらかわく).
const KANJI_SUFFIXES: [(char, &[&str]); 7] = [
    ('市', &["し"]),
    ('区', &["く"]),
    ('町', &["まち", "ちょう"]),
    ('村', &["むら", "そん"]),
    ('県', &["けん"]),
    ('都', &["と"]),
    ('府', &["ふ"]),
];

fn suffix_readings(word: &str) -> Option<&'static [&'static str]> {
    SUFFIXES.iter().find(|(suffix, _)| *suffix == word).map(|(_, readings)| *readings)
}

/// A word of the query before its variants are made.
enum Word {
    Romaji { base: String, suffix: Option<&'static [&'static str]> },
    Plain(Vec<char>),
}

/// Reads a query against the index (whose prefectures' names split 長野県伊那市).
pub fn parse(index: &Index, query: &str) -> Query {
    let mut words: Vec<Word> = Vec::new();
    let mut prefecture = None;
    for word in normalized(query).split_whitespace() {
        if word.is_ascii() {
            add_romaji(word, &mut words);
        } else if let Some(p) = add_plain(index, word, &mut words) {
            prefecture = Some(p);
        }
    }
    let terms = words.into_iter().map(variants).filter(|v| !v.is_empty()).collect();
    Query { terms, prefecture }
}

/// A word in romaji (or digits): a suffix on its own (Sapporo City) belongs to the word before
/// it; one after a hyphen (shibuya-ku) to the word itself.
fn add_romaji(word: &str, words: &mut Vec<Word>) {
    if let Some(readings) = suffix_readings(word)
        && let Some(Word::Romaji { suffix: suffix @ None, .. }) = words.last_mut()
    {
        *suffix = Some(readings);
        return;
    }
    let hyphenated = word
        .rsplit_once('-')
        .and_then(|(base, last)| Some((base.trim_end_matches('-'), suffix_readings(last)?)));
    words.push(match hyphenated {
        Some((base, readings)) => {
            Word::Romaji { base: base.replace('-', ""), suffix: Some(readings) }
        }
        None => Word::Romaji { base: word.to_owned(), suffix: None },
    });
}

/// A word in Japanese, less a prefecture in front (whose index it returns) and split after a
/// city in front of a ward.
fn add_plain(index: &Index, word: &str, words: &mut Vec<Word>) -> Option<usize> {
    let mut rest: Vec<char> = word.chars().collect();
    let prefecture = prefecture_in_front(index, &rest).map(|(p, len)| {
        rest.drain(..len);
        p
    });
    if let Some(len) = city_in_front(&rest) {
        words.push(Word::Plain(rest.drain(..len).collect()));
    }
    words.push(Word::Plain(rest));
    prefecture
}

/// The terms of a query, each with its variants (normalised characters).
pub fn terms(index: &Index, query: &str) -> Vec<Vec<Vec<char>>> {
    parse(index, query).terms
}

/// The prefecture whose name (in Japanese) starts `word`, followed by two characters or more.
fn prefecture_in_front(index: &Index, word: &[char]) -> Option<(usize, usize)> {
    index
        .place_names
        .iter()
        .enumerate()
        .map(|(i, name)| (i, normalize(name).0))
        .filter(|(_, name)| {
            name.len() >= 2 && word.len() >= name.len() + 2 && word.starts_with(name)
        })
        .max_by_key(|(i, name)| (name.len(), usize::MAX - i))
        .map(|(i, name)| (i, name.len()))
}

/// The length of the city in front of a ward of a 政令市 (札幌市中央区 → 札幌市): up to the last
/// 市 that is followed by two characters or more ending in 区, and after two or more.
fn city_in_front(word: &[char]) -> Option<usize> {
    if word.last() != Some(&'区') {
        return None;
    }
    let city = word.iter().rposition(|&c| c == '市')?;
    (city >= 2 && word.len() >= city + 3).then_some(city + 1)
}

/// The variants of a word: at least two characters each, no two the same.
fn variants(word: Word) -> Vec<Vec<char>> {
    let mut forms: Vec<String> = Vec::new();
    match word {
        Word::Romaji { base, suffix } => {
            let mut spelled = vec![base.clone()];
            spelled.extend(
                suffix.unwrap_or_default().iter().map(|reading| format!("{base}{reading}")),
            );
            for form in spelled {
                let folded = fold_romaji(&form);
                forms.push(form);
                forms.push(folded);
            }
        }
        Word::Plain(chars) => {
            let text: String = chars.iter().collect();
            forms.push(text);
            if let Some((&last, stem)) = chars.split_last()
                && stem.len() >= 2
                && stem.iter().all(|c| matches!(c, 'ぁ'..='ゖ' | 'ー'))
                && let Some((_, readings)) = KANJI_SUFFIXES.iter().find(|(k, _)| *k == last)
            {
                let stem: String = stem.iter().collect();
                forms.extend(readings.iter().map(|reading| format!("{stem}{reading}")));
            }
        }
    }
    let mut out: Vec<Vec<char>> = Vec::new();
    for form in forms {
        let chars: Vec<char> = form.chars().collect();
        if chars.len() >= 2 && !out.contains(&chars) {
            out.push(chars);
        }
    }
    out
}

/// Romaji as Renkei writes readings: long vowels once (ou, oo → o; uu → u; oh before a
/// consonant → o) and ん before b, m, p as n (gumma → gunma).
fn fold_romaji(word: &str) -> String {
    let chars: Vec<char> = word.chars().collect();
    let mut out = String::with_capacity(word.len());
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        match c {
            'h' if out.ends_with('o') && !next.is_some_and(|n| "aiueoy".contains(n)) => {}
            'm' if next.is_some_and(|n| "bmp".contains(n)) => out.push('n'),
            _ => out.push(c),
        }
    }
    collapse_long_vowels(&out)
}

/// The first `PAGE` results of a query.
pub fn search(index: &Index, query: &str, filter: Filter) -> Vec<Hit> {
    first(index, query, filter, PAGE).hits
}

/// `search`, and the files under the index's folder that search.js downloads for it.
pub fn search_traced(index: &Index, query: &str, filter: Filter) -> (Vec<Hit>, BTreeSet<String>) {
    let results = first(index, query, filter, PAGE);
    (results.hits, results.files)
}

/// The first results of a query, and what finding them downloads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Results {
    pub hits: Vec<Hit>,
    /// Whether more results may follow (candidates not yet looked at, or more results found).
    pub more: bool,
    /// The files under the index's folder that search.js downloads for them: meta.json, the
    /// bigram shards it looks up, p.json if the query or the filter names a prefecture, the
    /// groups of the candidates it looks at (their entries and texts) and those of the other
    /// pages of special wards among the results.
    pub files: BTreeSet<String>,
}

/// The first `count` results of a query: the candidates in the order of their bounds, their
/// texts looked at a batch at a time until the first `count` results are settled. A batch is
/// as many candidates as results are missing (each adds one result at most), so that search.js
/// downloads the texts of a batch together and no text that one at a time would not need.
pub fn first(index: &Index, query: &str, filter: Filter, count: usize) -> Results {
    let mut files = BTreeSet::from(["meta.json".to_owned()]);
    let query = parse(index, query);
    let candidates = candidates(index, &query, filter, &mut files);
    let mut scored: Vec<(usize, usize)> = Vec::new();
    let mut next = 0;
    while !settled(index, &scored, candidates.get(next), count) {
        let batch = count.saturating_sub(shown(index, &scored).count()).max(1);
        for &(_, id) in candidates.iter().skip(next).take(batch) {
            files.insert(index.group_file(id / TEXT_GROUP));
            if let Some(score) = score(&index.docs[id], &query) {
                scored.push((score, id));
            }
        }
        next = (next + batch).min(candidates.len());
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    }
    let more = next < candidates.len() || shown(index, &scored).nth(count).is_some();
    let hits: Vec<Hit> = shown(index, &scored)
        .take(count)
        .map(|(id, also)| Hit {
            doc: id,
            snippet: snippet(&index.docs[id].text, &query.terms, head_lines(index.docs[id].kind)),
            also,
        })
        .collect();
    // The entry of the other page of a special ward, for its link.
    files
        .extend(hits.iter().filter_map(|hit| hit.also).map(|id| index.group_file(id / TEXT_GROUP)));
    Results { hits, more, files }
}

/// Every result of a query, every document's text looked at: what `first` must begin with (the
/// tests compare them), without the bigrams and their hints.
pub fn search_all(index: &Index, query: &str, filter: Filter) -> Vec<Hit> {
    let query = parse(index, query);
    if query.terms.is_empty() {
        return Vec::new();
    }
    let mut scored: Vec<(usize, usize)> = (0..index.docs.len())
        .filter(|&id| {
            let doc = &index.docs[id];
            filter.kind.is_none_or(|kind| doc.kind == kind)
                && filter.prefecture.is_none_or(|p| doc.prefectures.contains(&p))
        })
        .filter_map(|id| Some((score(&index.docs[id], &query)?, id)))
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    shown(index, &scored)
        .map(|(id, also)| Hit {
            doc: id,
            snippet: snippet(&index.docs[id].text, &query.terms, head_lines(index.docs[id].kind)),
            also,
        })
        .collect()
}

/// The candidates of a query that the filter keeps, as `(bound, id)` in the order in which
/// their texts are looked at: best bound first, then in index order. The bigram shards looked
/// up (and p.json) go to `files`.
fn candidates(
    index: &Index,
    query: &Query,
    filter: Filter,
    files: &mut BTreeSet<String>,
) -> Vec<(usize, usize)> {
    let mut bounds: Option<Vec<(usize, usize)>> = None;
    let most = per_variant(query);
    for variants in &query.terms {
        let mut term: std::collections::BTreeMap<usize, usize> = Default::default();
        for variant in variants {
            for (id, bound) in with_all_bigrams(index, variant, most, files) {
                let best = term.entry(id).or_default();
                *best = (*best).max(bound);
            }
        }
        let next: Vec<(usize, usize)> = match bounds {
            None => term.into_iter().collect(),
            Some(before) => before
                .into_iter()
                .filter_map(|(id, bound)| Some((id, bound + term.get(&id)?)))
                .collect(),
        };
        let none = next.is_empty();
        bounds = Some(next);
        if none {
            break; // no need to download the other terms' shards
        }
    }
    let bounds = bounds.unwrap_or_default();
    if !bounds.is_empty() && (query.prefecture.is_some() || filter.prefecture.is_some()) {
        files.insert("p.json".to_owned());
    }
    let mut kept: Vec<(usize, usize)> = bounds
        .into_iter()
        .filter(|&(id, _)| {
            let doc = &index.docs[id];
            filter.kind.is_none_or(|kind| doc.kind == kind)
                && filter.prefecture.is_none_or(|p| doc.prefectures.contains(&p))
        })
        .map(|(id, bound)| {
            let named = query.prefecture.is_some_and(|p| index.docs[id].prefectures.contains(&p));
            (bound + if named { IN_PREFECTURE } else { 0 }, id)
        })
        .collect();
    kept.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    kept
}

/// Whether the first `count` results of `scored` (sorted) are final: there is no candidate
/// left to look at, or they are all ahead of the `next` candidate's bound (and so of every
/// candidate after it).
fn settled(
    index: &Index,
    scored: &[(usize, usize)],
    next: Option<&(usize, usize)>,
    count: usize,
) -> bool {
    let Some(&(bound, next_id)) = next else { return true };
    let ahead =
        scored.partition_point(|&(score, id)| score > bound || (score == bound && id < next_id));
    shown(index, &scored[..ahead]).nth(count.saturating_sub(1)).is_some()
}

/// The results of scored documents (sorted), the two pages of a special ward as one: `(id, the
/// other page)`.
fn shown<'a>(
    index: &'a Index,
    scored: &'a [(usize, usize)],
) -> impl Iterator<Item = (usize, Option<usize>)> + 'a {
    let mut seen: BTreeSet<usize> = BTreeSet::new();
    scored.iter().filter_map(move |&(_, id)| {
        let also = partner(index, id);
        if also.is_some_and(|other| seen.contains(&other)) {
            return None;
        }
        seen.insert(id);
        Some((id, also))
    })
}

/// The other page of a special ward.
fn partner(index: &Index, id: usize) -> Option<usize> {
    index.pairs.iter().find_map(|&(w, m)| {
        if w == id {
            Some(m)
        } else if m == id {
            Some(w)
        } else {
            None
        }
    })
}

/// How well a document answers the query, `None` if its text lacks a term.
fn score(doc: &super::Doc, query: &Query) -> Option<usize> {
    let (chars, _) = normalize(&doc.text);
    let (name, _) = normalize(name(doc));
    let title_end = name.iter().position(|&c| c == '\n').unwrap_or(name.len());
    let title = &name[..title_end];
    let words: Vec<&[char]> = name.split(|c| c.is_whitespace()).filter(|w| !w.is_empty()).collect();
    let mut score = 0;
    for variants in &query.terms {
        let mut best = None;
        for variant in variants {
            let count = find_all(&chars, variant).len();
            if count == 0 {
                continue;
            }
            // Pages named by the term come first, in index order; others by how often they use it.
            let rank = if title == variant.as_slice() || words.contains(&variant.as_slice()) {
                rank::RANK_NAME
            } else if title.starts_with(variant) || words.iter().any(|w| w.starts_with(variant)) {
                rank::RANK_NAME_START
            } else if !find_all(&name, variant).is_empty() {
                rank::RANK_IN_NAMES
            } else {
                count.min(rank::MAX_COUNT)
            };
            best = best.max(Some(rank));
        }
        score += best?;
    }
    if query.prefecture.is_some_and(|p| doc.prefectures.contains(&p)) {
        score += IN_PREFECTURE;
    }
    Some(score)
}

/// The lines at the start of a document's text that are its names and place (see `doc_text`):
/// the title; for wards and prefectures also the line of names; for municipalities also the
/// line of their prefecture and wards.
pub fn head_lines(kind: usize) -> usize {
    match kind {
        0 | 1 => 2,
        2 => 3,
        _ => 1,
    }
}

/// What a page is called: its title, and for places (whose text's second line is their names:
/// reading in kana and romaji, code, aliases) also that line.
pub fn name(doc: &super::Doc) -> &str {
    rank::name_of(&doc.text, doc.kind)
}

/// Bigrams of a term looked up at most: each costs a bigram shard (2–3 KB).
const LOOKED_UP: usize = 8;
/// Bigrams of a query looked up at most, shared among the variants of its terms (one each at
/// least): a pasted English sentence of 14 words looked up 29 and downloaded 157 KB.
const LOOKED_UP_PER_QUERY: usize = 12;

/// How many bigrams each variant of the query's terms looks up.
fn per_variant(query: &Query) -> usize {
    let variants: usize = query.terms.iter().map(Vec::len).sum();
    (LOOKED_UP_PER_QUERY / variants.max(1)).clamp(1, LOOKED_UP)
}

/// The bigrams of a term that are looked up: all of them, or if they are more than `most` (at
/// most `LOOKED_UP`), `most` of them spread evenly, the first among them (and the last, if
/// `most` is two or more). A page that has them nearly always has the term, and its text
/// confirms it. Every bigram of a sentence of 18 characters downloaded 120 KB; every second
/// one (a cover of the characters) let ですます look up です and ます only, on nearly every page,
/// and download 206 KB of texts to find that no page has it.
pub fn looked_up(term: &[char], most: usize) -> Vec<String> {
    let all: Vec<String> = bigrams(term).collect();
    let most = most.clamp(1, LOOKED_UP);
    if all.len() <= most {
        return all;
    }
    let last = all.len() - 1;
    (0..most).map(|i| all[i * last / (most - 1).max(1)].clone()).collect()
}

/// The documents that contain the looked-up bigrams of `term` (`looked_up`), each with the
/// bound of its rank by their hints (`rank::bound`); the bigram shards go to `files`.
fn with_all_bigrams(
    index: &Index,
    term: &[char],
    most: usize,
    files: &mut BTreeSet<String>,
) -> Vec<(usize, usize)> {
    let mut result: Option<Vec<(u32, Vec<u8>)>> = None;
    for bigram in looked_up(term, most) {
        files.insert(format!("b/{}.json", shard_of(&bigram, index.shards)));
        let list = index.postings.get(&bigram).map_or(&[][..], Vec::as_slice);
        result = Some(match result {
            None => list.iter().map(|&(id, hint)| (id, vec![hint])).collect(),
            Some(before) => before
                .into_iter()
                .filter_map(|(id, mut hints)| {
                    let at = list.binary_search_by_key(&id, |&(i, _)| i).ok()?;
                    hints.push(list[at].1);
                    Some((id, hints))
                })
                .collect(),
        });
        if result.as_ref().is_some_and(Vec::is_empty) {
            break;
        }
    }
    result
        .unwrap_or_default()
        .into_iter()
        .map(|(id, hints)| (id as usize, rank::bound(&hints, term.len())))
        .collect()
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

/// The text around the first match, matches in `<mark>`. A match in the body (after the
/// `head` lines) is preferred, then one after the title; the snippet starts at the start of
/// that match's line, or else at a word or sentence boundary (after a space or 、。), never
/// inside a word of romaji.
pub fn snippet(text: &str, terms: &[Vec<Vec<char>>], head: usize) -> String {
    let original: Vec<char> = text.chars().collect();
    let (chars, origin) = normalize(text);
    // The original character after normalised character k: where a match ending at k ends.
    let end_of = |k: usize| match origin.get(k + 1) {
        Some(&next) if next > origin[k] => next,
        Some(_) => origin[k] + 1,
        None => original.len(),
    };
    // Matches as ranges of original characters, in order.
    let mut marks: Vec<(usize, usize)> = Vec::new();
    for variant in terms.iter().flatten() {
        for start in find_all(&chars, variant) {
            marks.push((origin[start], end_of(start + variant.len() - 1)));
        }
    }
    marks.sort_unstable();
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(original.iter().enumerate().filter(|(_, c)| **c == '\n').map(|(i, _)| i + 1))
        .collect();
    let head_end = line_starts.get(head).copied().unwrap_or(original.len());
    let title_end = line_starts.get(1).copied().unwrap_or(original.len());
    let first = marks
        .iter()
        .find(|m| m.0 >= head_end)
        .or_else(|| marks.iter().find(|m| m.0 >= title_end))
        .or(marks.first())
        .map_or(0, |m| m.0);
    let line_start = line_starts.iter().copied().filter(|&s| s <= first).max().unwrap_or(0);
    let start = boundary(&original, first.saturating_sub(BEFORE).max(line_start), first);
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

/// Where a snippet cut at `start` (before the match at `first`) should begin: at the first word
/// or sentence boundary from `start` on, else after the romaji word it would cut.
fn boundary(text: &[char], start: usize, first: usize) -> usize {
    let after_break = |i: usize| {
        i == 0
            || text[i - 1] == '\n'
            || text[i - 1].is_whitespace()
            || "、。，．！？」』）".contains(text[i - 1])
    };
    if let Some(b) = (start..=first).find(|&i| after_break(i)) {
        return b;
    }
    let mut i = start;
    while i < first && text[i].is_ascii_alphanumeric() && text[i - 1].is_ascii_alphanumeric() {
        i += 1;
    }
    i
}

/// Escaped text with line breaks as spaces.
fn piece(chars: &[char]) -> String {
    let text: String = chars.iter().map(|&c| if c == '\n' { ' ' } else { c }).collect();
    html::escape(&text)
}

#[cfg(test)]
mod tests {
    use super::super::{Doc, Index};
    use super::*;

    /// An index of `(title, kind, text after the title)`, every document in 北海道 (0) except
    /// those whose text mentions 長野県 (1).
    fn index(docs: &[(&str, usize, &str)]) -> Index {
        let docs: Vec<Doc> = docs
            .iter()
            .map(|&(title, kind, text)| Doc {
                url: format!("/{title}/"),
                title: title.to_owned(),
                kind,
                prefectures: vec![usize::from(text.contains("長野県"))],
                text: format!("{title}\n{text}"),
                lang: None,
            })
            .collect();
        let postings = rank::postings_of(&docs);
        Index {
            docs,
            prefectures: vec![
                ("hokkaido".into(), "北海道".into()),
                ("nagano".into(), "長野県".into()),
            ],
            place_names: vec!["北海道".into(), "長野県".into()],
            postings,
            shards: 1,
            labels: Vec::new(),
            pairs: Vec::new(),
            shared_texts: None,
        }
    }

    fn titles(index: &Index, query: &str) -> Vec<String> {
        search(index, query, Filter::default())
            .into_iter()
            .map(|hit| index.docs[hit.doc].title.clone())
            .collect()
    }

    fn no_index() -> Index {
        index(&[])
    }

    #[test]
    fn substrings_of_japanese_are_found() {
        let index = index(&[
            ("釧路市", 2, "くしろし kushiroshi 012068\n北海道\n北海道東部の中心都市。"),
            ("秋の味覚市", 3, "釧路市の味覚市を開きます。"),
            ("展示", 4, "東京区政会館で開催。"),
        ]);
        assert_eq!(titles(&index, "釧路"), ["釧路市", "秋の味覚市"]);
        assert_eq!(titles(&index, "区政会館"), ["展示"]);
        for query in ["くしろ", "クシロ", "ｸｼﾛ", "KUSHIRO", "kushiro-shi", "Kushiro City", "012068"]
        {
            assert_eq!(titles(&index, query), ["釧路市"], "{query}");
        }
        assert_eq!(titles(&index, "味覚 釧路"), ["秋の味覚市"]);
        assert!(titles(&index, "大阪").is_empty());
        assert!(titles(&index, "市").is_empty());
        assert!(titles(&index, "").is_empty());
        // Bigrams that occur apart are not a match: 京区 and 区政 are there, 東京区政 is not in 釧路市.
        assert!(titles(&index, "市東部の中").is_empty());
    }

    #[test]
    fn filters_by_kind() {
        let index = index(&[("釧路市", 2, ""), ("釧路の催し", 3, "")]);
        let events = search(&index, "釧路", Filter { kind: Some(3), prefecture: None });
        assert_eq!(events.len(), 1);
        assert_eq!(index.docs[events[0].doc].title, "釧路の催し");
        assert!(search(&index, "釧路", Filter { kind: None, prefecture: Some(1) }).is_empty());
    }

    #[test]
    fn snippets_highlight_in_the_original_text() {
        let terms = terms(&no_index(), "釧路");
        assert_eq!(
            snippet("題\n本文は釧路市と<釧路町>です。", &terms, 1),
            "本文は<mark>釧路</mark>市と&lt;<mark>釧路</mark>町&gt;です。"
        );
        let long = format!("題\n{}釧路{}", "あ".repeat(50), "い".repeat(200));
        let cut = snippet(&long, &terms, 1);
        assert!(cut.starts_with('…') && cut.ends_with('…'), "{cut}");
        // A match in the title only: the snippet starts with the title.
        assert_eq!(snippet("釧路市\n本文", &terms, 1), "<mark>釧路</mark>市 本文");
        assert_eq!(cut.chars().filter(|&c| c == 'あ').count(), 30);
        // Full-width and katakana queries highlight the original characters.
        assert_eq!(
            snippet("x\nＫｕｓｈｉｒｏ", &super::terms(&no_index(), "kushiro"), 1),
            "<mark>Ｋｕｓｈｉｒｏ</mark>"
        );
        // Half-width ｶﾞ is one character: the highlight covers both code points.
        assert_eq!(
            snippet("x\nｾﾀｶﾞﾔ区", &super::terms(&no_index(), "せたがや"), 1),
            "<mark>ｾﾀｶﾞﾔ</mark>区"
        );
    }

    #[test]
    fn snippets_start_at_a_boundary_and_prefer_the_body() {
        // The match in the body is shown, from the start of its line, not the line of names.
        let text = "札幌市\nさっぽろし sapporoshi 011002\n北海道 中央区\n札幌市（さっぽろし）は北海道の市です。";
        let terms = terms(&no_index(), "北海道");
        assert_eq!(snippet(text, &terms, 3), "札幌市（さっぽろし）は<mark>北海道</mark>の市です。");
        // Cut within a line: from the first boundary after the cut, not inside a word.
        let text =
            format!("題\n{} romajiword {}。本文は釧路です。", "あ".repeat(5), "い".repeat(30));
        let cut = snippet(&text, &super::terms(&no_index(), "釧路"), 1);
        assert!(cut.starts_with("…本文は"), "{cut}");
        let text = format!("題\n{}kushiroshi{}北海道", "い".repeat(10), "う".repeat(25));
        let cut = snippet(&text, &super::terms(&no_index(), "北海道"), 1);
        assert_eq!(cut, format!("…{}<mark>北海道</mark>", "う".repeat(25)));
    }

    #[test]
    fn romaji_long_vowels_and_old_spellings() {
        let index = index(&[
            ("東京", 1, "とうきょう tokyo"),
            ("大田区", 0, "おおたく otaku 131113"),
            ("中央区", 0, "ちゅうおうく chuoku 131024"),
            ("群馬県", 1, "ぐんまけん gunmaken"),
        ]);
        for query in ["toukyou", "tokyo", "Tōkyō", "Tôkyô"] {
            assert_eq!(titles(&index, query), ["東京"], "{query}");
        }
        for query in ["Ōta", "ohta", "oota", "ota-ku", "Ota City"] {
            assert_eq!(titles(&index, query), ["大田区"], "{query}");
        }
        assert_eq!(titles(&index, "Chūō"), ["中央区"]);
        for query in ["gumma", "Gunma Prefecture", "gunma-ken"] {
            assert_eq!(titles(&index, query), ["群馬県"], "{query}");
        }
    }

    #[test]
    fn exact_names_first_then_prefixes_then_the_rest() {
        let index = index(&[
            ("釧路市", 2, "くしろし kushiroshi\n北海道"),
            ("釧路町", 2, "くしろちょう kushirocho\n北海道"),
            ("釧路の催し", 3, "釧路町と釧路市で。"),
        ]);
        assert_eq!(titles(&index, "釧路町"), ["釧路町", "釧路の催し"]);
        assert_eq!(titles(&index, "釧路"), ["釧路市", "釧路町", "釧路の催し"]);
        assert_eq!(titles(&index, "kushiro-cho")[0], "釧路町");
        assert_eq!(titles(&index, "Kushiro Town")[0], "釧路町");
    }

    #[test]
    fn a_prefecture_or_a_city_in_front_is_split_off() {
        let index = index(&[
            ("伊達市", 2, "だてし dateshi\n北海道"),
            ("伊達市", 2, "だてし dateshi\n長野県"),
            ("伊那市", 2, "いなし inashi\n長野県"),
            ("札幌市", 2, "さっぽろし sapporoshi\n北海道 中央区 北区"),
            ("中央区", 0, "ちゅうおうく chuoku"),
        ]);
        assert_eq!(titles(&index, "長野県伊那市"), ["伊那市"]);
        let date = search(&index, "長野県伊達市", Filter::default());
        assert_eq!(date.first().map(|h| h.doc), Some(1), "{date:?}");
        assert_eq!(titles(&index, "札幌市中央区"), ["札幌市"]);
        assert_eq!(titles(&index, "中央区"), ["中央区", "札幌市"]);
        assert_eq!(titles(&index, "あらかわ区"), Vec::<String>::new());
    }

    #[test]
    fn kana_before_a_suffix_kanji_is_read() {
        let index = index(&[("荒川区", 0, "あらかわく arakawaku"), ("荒川", 4, "あらかわの話")]);
        assert_eq!(titles(&index, "あらかわ区"), ["荒川区"]);
        assert_eq!(titles(&index, "アラカワ区"), ["荒川区"]);
    }

    #[test]
    fn the_two_pages_of_a_special_ward_are_one_result() {
        let mut index = index(&[
            ("千代田区", 0, "ちよだく chiyodaku 131016"),
            ("千代田区", 2, "ちよだく chiyodaku 131016\n東京都"),
            ("千代田町", 2, "ちよだまち chiyodamachi\n群馬県"),
        ]);
        index.pairs = vec![(0, 1)];
        let hits = search(&index, "千代田", Filter::default());
        assert_eq!(
            hits.iter().map(|h| (h.doc, h.also)).collect::<Vec<_>>(),
            [(0, Some(1)), (2, None)]
        );
        // Only the municipality page is a candidate (the kind filter): it links the ward's.
        let hits = search(&index, "千代田", Filter { kind: Some(2), prefecture: None });
        assert_eq!(
            hits.iter().map(|h| (h.doc, h.also)).collect::<Vec<_>>(),
            [(1, Some(0)), (2, None)]
        );
    }

    /// The first results, found from the hints, are those of scoring every candidate; the texts
    /// looked at are those of the best candidates only.
    #[test]
    fn the_first_results_are_those_of_every_candidate_scored() {
        let mut docs: Vec<(String, usize, String)> = Vec::new();
        for n in 0..40 {
            let body = "東京の話です。".repeat(n % 7 + 1);
            docs.push((format!("お知らせ{n}"), 5, format!("{body}東京都で。")));
        }
        docs.push(("東京都".to_owned(), 1, "とうきょうと tokyoto".to_owned()));
        docs.push(("東京".to_owned(), 8, "東京のページ".to_owned()));
        let docs: Vec<(&str, usize, &str)> =
            docs.iter().map(|(t, k, x)| (t.as_str(), *k, x.as_str())).collect();
        let index = index(&docs);
        for query in ["東京", "です。", "話", "東京 話です", "tokyo", "東京都", "存在しない"]
        {
            let all = search_all(&index, query, Filter::default());
            for count in [1, 3, PAGE, 25, 100] {
                let results = first(&index, query, Filter::default(), count);
                assert_eq!(results.hits, all[..all.len().min(count)], "{query} {count}");
                assert_eq!(results.more, all.len() > count, "{query} {count}");
            }
        }
        // 東京 is on every page: the first ten are the two named by it and the eight that say it
        // most (8 and 7 times: documents 6, 13, 20, 27, 34, then 5, 12, 19); only their texts are
        // downloaded, not those of the other 32 pages.
        let results = first(&index, "東京", Filter::default(), PAGE);
        let groups: BTreeSet<&String> =
            results.files.iter().filter(|f| f.starts_with("t/")).collect();
        let expected: Vec<String> = [40, 41, 6, 13, 20, 27, 34, 5, 12, 19]
            .iter()
            .map(|id| format!("t/{}.json", id / TEXT_GROUP))
            .collect();
        assert_eq!(groups, expected.iter().collect());
        assert_eq!(index.docs[results.hits[0].doc].title, "東京");
        assert_eq!(index.docs[results.hits[1].doc].title, "東京都");
    }

    #[test]
    fn a_long_term_looks_up_some_of_its_bigrams() {
        let chars = |s: &str| s.chars().collect::<Vec<char>>();
        assert_eq!(looked_up(&chars("釧路"), 8), ["釧路"]);
        assert_eq!(looked_up(&chars("釧路市"), 8), ["釧路", "路市"]);
        assert_eq!(looked_up(&chars("ですます"), 8), ["です", "すま", "ます"]);
        assert_eq!(looked_up(&chars("shibuya"), 3), ["sh", "ib", "ya"]);
        assert_eq!(looked_up(&chars("shibuya"), 2), ["sh", "ya"]);
        assert_eq!(looked_up(&chars("shibuya"), 1), ["sh"]);
        let sentence = looked_up(&chars("特別区全国連携プロジェクトのイベント"), 12);
        assert_eq!(sentence.len(), LOOKED_UP);
        assert_eq!((sentence[0].as_str(), sentence[7].as_str()), ("特別", "ント"));
        // Many words share the query's bigrams, one each at least.
        let index = index(&[]);
        assert_eq!(per_variant(&parse(&index, "釧路市")), LOOKED_UP);
        assert_eq!(per_variant(&parse(&index, "東京 連携")), 6);
        assert_eq!(per_variant(&parse(&index, &"word ".repeat(14))), 1);
    }
}
