//! The bigram → documents lists of the indexes of several languages, made together.
//!
//! Every language's index holds every page, in the language's translation where there is one,
//! else in the page's own language. Most pages are not translated, so they show the same text in
//! every index: their bigrams are found and counted once, in `Languages::shared`, and each
//! language keeps only how its translated pages differ (`Differences`). A site in two languages
//! used to find every bigram twice; the search index was a fifth of the build.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::{BIGRAMS_PER_SHARD, normalize, shard_of};

/// bigram (a packed pair of characters) → the ids of the documents that contain it, in
/// increasing order, since documents are inserted in order.
#[derive(Default)]
pub(super) struct Postings {
    // Keyed by the packed pair and hashed with ahash: there are millions of insertions, and
    // SipHash of std's maps was a tenth of the index's time.
    lists: ahash::AHashMap<u64, Ids>,
}

impl Postings {
    /// Adds document `id`, after every document inserted so far, with its distinct pairs.
    fn insert(&mut self, id: u32, pairs: &[u64]) {
        for &pair in pairs {
            self.lists.entry(pair).or_default().push(id);
        }
    }

    fn get(&self, pair: u64) -> Option<&Ids> {
        self.lists.get(&pair)
    }
}

/// Increasing document ids, kept as the differences between neighbours (the first from 0) in
/// LEB128: the lists of frequent bigrams, which hold most ids, have close neighbours, so most
/// ids take one byte instead of four. The postings were the largest part of a large site's
/// peak memory. The index's files hold the same differences.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct Ids {
    bytes: Vec<u8>,
    last: u32,
}

impl Ids {
    /// Appends `id`, which must be greater than every id so far.
    fn push(&mut self, id: u32) {
        let mut delta = id.saturating_sub(self.last);
        self.last = id;
        while delta >= 0x80 {
            self.bytes.push((delta as u8 & 0x7F) | 0x80);
            delta >>= 7;
        }
        self.bytes.push(delta as u8);
    }

    /// The differences between neighbours, the first from 0.
    fn deltas(&self) -> impl Iterator<Item = u32> + '_ {
        let mut bytes = self.bytes.iter();
        std::iter::from_fn(move || {
            let (mut value, mut shift) = (0u32, 0);
            loop {
                let byte = *bytes.next()?;
                value |= u32::from(byte & 0x7F).checked_shl(shift).unwrap_or(0);
                if byte & 0x80 == 0 {
                    return Some(value);
                }
                shift += 7;
            }
        })
    }

    /// The ids, in increasing order.
    pub(super) fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.deltas().scan(0u32, |last, delta| {
            *last = last.saturating_add(delta);
            Some(*last)
        })
    }

    pub(super) fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

impl FromIterator<u32> for Ids {
    fn from_iter<I: IntoIterator<Item = u32>>(ids: I) -> Ids {
        let mut list = Ids::default();
        ids.into_iter().for_each(|id| list.push(id));
        list
    }
}

/// Serialised as the differences between neighbours (`[3, 5, 9]` → `[3, 2, 4]`), which keeps
/// the numbers of a long list short.
impl serde::Serialize for Ids {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.deltas())
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
    pub(super) fn lists(&self, language: usize) -> BTreeMap<String, Cow<'_, Ids>> {
        let differences = &self.differences[language];
        let touched = |pair: &u64| {
            differences.removed.lists.contains_key(pair)
                || differences.added.lists.contains_key(pair)
        };
        let mut lists: BTreeMap<String, Cow<'_, Ids>> = BTreeMap::new();
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
pub(super) fn shard_count(lists: &BTreeMap<String, Cow<'_, Ids>>) -> usize {
    lists.len().div_ceil(BIGRAMS_PER_SHARD).next_power_of_two().clamp(1, 256)
}

/// `shared` without `removed`, with `added`: three sorted lists of ids into one.
fn merge(shared: Option<&Ids>, removed: Option<&Ids>, added: Option<&Ids>) -> Ids {
    let removed: Vec<u32> = removed.map(|ids| ids.iter().collect()).unwrap_or_default();
    let mut kept: Vec<u32> = shared
        .into_iter()
        .flat_map(Ids::iter)
        .filter(|id| removed.binary_search(id).is_err())
        .chain(added.into_iter().flat_map(Ids::iter))
        .collect();
    kept.sort_unstable();
    kept.dedup();
    kept.into_iter().collect()
}

/// The shard files of one language's lists: `(n, JSON)`, each made when the iterator reaches
/// it. Each shard is serialised straight from the lists (sorted keys, as a JSON object of
/// serde_json would have them), without a tree of JSON values: that tree took four times the
/// memory of the postings themselves.
pub(super) fn shard_files<'a>(
    lists: &'a BTreeMap<String, Cow<'a, Ids>>,
    shards: usize,
) -> impl Iterator<Item = (usize, String)> + 'a {
    let mut split: Vec<BTreeMap<&str, &Ids>> = vec![BTreeMap::new(); shards];
    for (bigram, ids) in lists {
        split[shard_of(bigram, shards)].insert(bigram.as_str(), ids.as_ref());
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
    normalize::each(text, |c, _| step(c));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn page(shared: &str, own: &[Option<&str>]) -> PageTexts {
        PageTexts {
            shared: Text::new(shared.to_owned()),
            own: own.iter().map(|o| o.map(|t| Text::new(t.to_owned()))).collect(),
        }
    }

    fn plain(lists: &BTreeMap<String, Cow<'_, Ids>>) -> BTreeMap<String, Vec<u32>> {
        lists.iter().map(|(b, ids)| (b.clone(), ids.iter().collect())).collect()
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
        let ids = |bigram: &str| english.get(bigram).map(|ids| ids.iter().collect::<Vec<u32>>());
        assert_eq!(ids("区政"), Some(vec![1]));
        assert_eq!(ids("釧路"), Some(vec![0]));
    }

    #[test]
    fn ids_keep_their_values_and_serialise_as_differences() {
        let values = [0, 1, 2, 127, 128, 300, 16_383, 16_384, 2_000_000, u32::MAX];
        let ids: Ids = values.into_iter().collect();
        assert_eq!(ids.iter().collect::<Vec<u32>>(), values);
        let deltas: Vec<u32> =
            values.iter().scan(0, |last, &v| Some(v - std::mem::replace(last, v))).collect();
        assert_eq!(serde_json::to_string(&ids).ok(), serde_json::to_string(&deltas).ok());
        assert!(Ids::default().is_empty() && Ids::default().iter().next().is_none());
        // Close neighbours take one byte each.
        let dense: Ids = (0..1000).collect();
        assert_eq!(dense.bytes.len(), 1000);
    }
}
