//! The bigram → documents lists of the indexes of several languages, made together.
//!
//! Every language's index holds every page, in the language's translation where there is one,
//! else in the page's own language. Most pages are not translated, so they show the same text in
//! every index: their bigrams are found and counted once, in `Languages::shared`, and each
//! language keeps only how its translated pages differ (`Differences`). A site in two languages
//! used to find every bigram twice; the search index was a fifth of the build.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::{BIGRAMS_PER_SHARD, fast_normalized, shard_of};
use crate::japanese::kana;

/// bigram (a packed pair of characters) → the ids of the documents that contain it, in
/// increasing order, since documents are inserted in order.
#[derive(Default)]
pub(super) struct Postings {
    // Keyed by the packed pair and hashed with ahash: there are millions of insertions, and
    // SipHash of std's maps was a tenth of the index's time.
    lists: ahash::AHashMap<u64, Vec<u32>>,
}

impl Postings {
    /// Adds document `id`, after every document inserted so far, with its distinct pairs.
    fn insert(&mut self, id: u32, pairs: &[u64]) {
        for &pair in pairs {
            self.lists.entry(pair).or_default().push(id);
        }
    }

    fn get(&self, pair: u64) -> &[u32] {
        self.lists.get(&pair).map_or(&[], Vec::as_slice)
    }
}

/// What one language's index shows differently from the shared text: the pages it shows in a
/// translation.
#[derive(Default)]
struct Differences {
    /// The bigrams of the translations.
    added: Postings,
    /// The bigrams of the shared text of the same pages, which this language does not show.
    removed: Postings,
}

/// A page's text in an index and its distinct bigrams.
pub(super) struct Text {
    pub(super) text: String,
    pairs: Vec<u64>,
}

impl Text {
    pub(super) fn new(text: String) -> Text {
        let pairs = pairs_of(&text);
        Text { text, pairs }
    }
}

/// What one page is found by: the text that every language shows unless it has its own, and
/// each language's own (`None` where it shows the shared one).
pub(super) struct PageTexts {
    pub(super) shared: Text,
    pub(super) own: Vec<Option<Text>>,
}

impl PageTexts {
    /// The text that the `language`-th language shows.
    pub(super) fn text(&self, language: usize) -> &str {
        match self.own.get(language) {
            Some(Some(own)) => &own.text,
            _ => &self.shared.text,
        }
    }
}

/// The postings of several languages' indexes, documents numbered alike in all of them.
pub(super) struct Languages {
    shared: Postings,
    differences: Vec<Differences>,
    documents: usize,
}

impl Languages {
    pub(super) fn new(languages: usize) -> Languages {
        Languages {
            shared: Postings::default(),
            differences: (0..languages).map(|_| Differences::default()).collect(),
            documents: 0,
        }
    }

    /// Adds the next documents, in order.
    pub(super) fn add(&mut self, pages: &[PageTexts]) {
        for page in pages {
            let id = doc_id(self.documents);
            self.documents += 1;
            self.shared.insert(id, &page.shared.pairs);
            for (differences, own) in self.differences.iter_mut().zip(&page.own) {
                if let Some(own) = own {
                    differences.added.insert(id, &own.pairs);
                    differences.removed.insert(id, &page.shared.pairs);
                }
            }
        }
    }

    /// The bigram lists of the `language`-th language: bigram → ids, in the bigrams' order.
    /// Lists that no translation touches are borrowed from the shared postings.
    pub(super) fn lists(&self, language: usize) -> BTreeMap<String, Cow<'_, [u32]>> {
        let differences = &self.differences[language];
        let touched = |pair: &u64| {
            differences.removed.lists.contains_key(pair)
                || differences.added.lists.contains_key(pair)
        };
        let mut lists: BTreeMap<String, Cow<'_, [u32]>> = BTreeMap::new();
        for (&pair, ids) in &self.shared.lists {
            if !touched(&pair) {
                lists.insert(unpack(pair), Cow::Borrowed(ids));
            }
        }
        let pairs = differences.removed.lists.keys().chain(differences.added.lists.keys());
        for &pair in pairs {
            let merged = merge(
                self.shared.get(pair),
                differences.removed.get(pair),
                differences.added.get(pair),
            );
            if !merged.is_empty() {
                lists.insert(unpack(pair), Cow::Owned(merged));
            }
        }
        lists
    }
}

/// How many bigram files a language's lists take.
pub(super) fn shard_count(lists: &BTreeMap<String, Cow<'_, [u32]>>) -> usize {
    lists.len().div_ceil(BIGRAMS_PER_SHARD).next_power_of_two().clamp(1, 256)
}

/// `shared` without `removed`, with `added`: three sorted lists of ids into one.
fn merge(shared: &[u32], removed: &[u32], added: &[u32]) -> Vec<u32> {
    let mut kept: Vec<u32> =
        shared.iter().copied().filter(|id| removed.binary_search(id).is_err()).collect();
    kept.extend_from_slice(added);
    kept.sort_unstable();
    kept.dedup();
    kept
}

/// The shard files of one language's lists: `(n, JSON)`, each made when the iterator reaches
/// it. Each shard is serialised straight from the lists (sorted keys, as a JSON object of
/// serde_json would have them), without a tree of JSON values: that tree took four times the
/// memory of the postings themselves.
pub(super) fn shard_files<'a>(
    lists: &'a BTreeMap<String, Cow<'a, [u32]>>,
    shards: usize,
) -> impl Iterator<Item = (usize, String)> + 'a {
    let mut split: Vec<BTreeMap<&str, Deltas<'_>>> = vec![BTreeMap::new(); shards];
    for (bigram, ids) in lists {
        split[shard_of(bigram, shards)].insert(bigram.as_str(), Deltas(ids));
    }
    split
        .into_iter()
        .enumerate()
        .map(|(n, shard)| (n, serde_json::to_string(&shard).unwrap_or_default()))
}

/// The distinct bigrams of a document's text, as pairs of normalised characters packed into
/// a u64 each (`pack`): sorting them is the main cost of indexing, and integers sort faster
/// than pairs.
pub(super) fn pairs_of(text: &str) -> Vec<u64> {
    let mut pairs = Vec::with_capacity(text.len() / 3);
    let mut previous: Option<char> = None;
    let mut step = |c: char| {
        let kept = (!c.is_whitespace()).then_some(c);
        if let (Some(a), Some(b)) = (previous, kept) {
            pairs.push(pack(a, b));
        }
        previous = kept;
    };
    for c in text.chars() {
        match fast_normalized(c) {
            Some(n) => step(n),
            None => kana::to_hiragana(&c.to_string()).chars().for_each(&mut step),
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

/// Two characters in one integer, ordered as the pairs are.
fn pack(a: char, b: char) -> u64 {
    (u64::from(a) << 32) | u64::from(b)
}

pub(super) fn unpack(pair: u64) -> String {
    let char_of = |bits: u64| char::from_u32(bits as u32).unwrap_or(char::REPLACEMENT_CHARACTER);
    String::from_iter([char_of(pair >> 32), char_of(pair & 0xFFFF_FFFF)])
}

/// A document's position as a posting: four bytes, half a `usize`, since the postings are the
/// largest part of the index in memory. No site comes near four billion pages.
fn doc_id(position: usize) -> u32 {
    u32::try_from(position).unwrap_or(u32::MAX)
}

/// Sorted document ids, serialised as the differences between neighbours (`[3, 5, 9]` →
/// `[3, 2, 4]`), which keeps the numbers of a long list short.
#[derive(Clone, Copy)]
struct Deltas<'a>(&'a [u32]);

impl serde::Serialize for Deltas<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut last = 0;
        serializer.collect_seq(self.0.iter().map(|&id| {
            let delta = id - last;
            last = id;
            delta
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(shared: &str, own: &[Option<&str>]) -> PageTexts {
        PageTexts {
            shared: Text::new(shared.to_owned()),
            own: own.iter().map(|o| o.map(|t| Text::new(t.to_owned()))).collect(),
        }
    }

    fn plain(lists: &BTreeMap<String, Cow<'_, [u32]>>) -> BTreeMap<String, Vec<u32>> {
        lists.iter().map(|(b, ids)| (b.clone(), ids.to_vec())).collect()
    }

    /// Each language's lists are those of its own texts indexed alone.
    #[test]
    fn a_language_sees_its_translations_and_the_shared_text_of_the_rest() {
        let pages = [
            page("釧路市 くしろ", &[None, Some("Kushiro 釧路市")]),
            page("東京 区政", &[None, None]),
            page("区政 会館", &[None, Some("Kaikan")]),
        ];
        let mut together = Languages::new(2);
        together.add(&pages);
        for language in 0..2 {
            let mut alone = Languages::new(1);
            let texts: Vec<PageTexts> =
                pages.iter().map(|p| page(p.text(language), &[None])).collect();
            alone.add(&texts);
            assert_eq!(plain(&together.lists(language)), plain(&alone.lists(0)), "{language}");
        }
        let english = together.lists(1);
        assert_eq!(english.get("くし"), None, "the shared text of a translated page is not found");
        assert_eq!(english.get("区政").map(|ids| ids.to_vec()), Some(vec![1]));
        assert_eq!(english.get("釧路").map(|ids| ids.to_vec()), Some(vec![0]));
    }
}
