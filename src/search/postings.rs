//! The bigram → documents lists of the indexes of several languages, made together.
//!
//! Every language's index holds every page, in the language's translation where there is one,
//! else in the page's own language. Most pages are not translated, so they show the same text in
//! every index: their bigrams are found and counted once, in `Languages::shared`, and each
//! language keeps only how its translated pages differ (`Differences`). A site in two languages
//! used to find every bigram twice; the search index was a fifth of the build.

use std::borrow::Cow;

use super::{BIGRAMS_PER_SHARD, normalize, rank, shard_of};

/// bigram (a packed pair of characters) → the ids of the documents that contain it with their
/// rank hints (see `rank`), in increasing order, since documents are inserted in order.
#[derive(Default)]
pub(super) struct Postings {
    // Keyed by the packed pair and hashed with ahash: there are millions of insertions, and
    // SipHash of std's maps was a tenth of the index's time.
    lists: ahash::AHashMap<u64, Ids>,
}

impl Postings {
    /// Adds document `id`, after every document inserted so far, with its distinct pairs and
    /// their hints.
    fn insert(&mut self, id: u32, pairs: &[(u64, u8)]) {
        for &(pair, hint) in pairs {
            self.lists.entry(pair).or_default().push(id, hint);
        }
    }

    fn get(&self, pair: u64) -> Option<&Ids> {
        self.lists.get(&pair)
    }
}

/// Increasing document ids with their hints, kept as the postings of the files (the difference
/// from the id before × 16 + hint, see `rank`) in LEB128: the lists of frequent bigrams, which
/// hold most ids, have close neighbours, so most postings take one byte instead of five. The
/// postings were the largest part of a large site's peak memory.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct Ids {
    bytes: Vec<u8>,
    last: u32,
}

impl Ids {
    /// Appends `id`, which must be greater than every id so far, with its hint (below 16).
    fn push(&mut self, id: u32, hint: u8) {
        let delta = id.saturating_sub(self.last);
        self.last = id;
        let mut value = u64::from(delta) * rank::HINT_SCALE + u64::from(hint) % rank::HINT_SCALE;
        while value >= 0x80 {
            self.bytes.push((value as u8 & 0x7F) | 0x80);
            value >>= 7;
        }
        self.bytes.push(value as u8);
    }

    /// The postings as written: delta × 16 + hint.
    fn values(&self) -> impl Iterator<Item = u64> + '_ {
        let mut bytes = self.bytes.iter();
        std::iter::from_fn(move || {
            let (mut value, mut shift) = (0u64, 0);
            loop {
                let byte = *bytes.next()?;
                value |= u64::from(byte & 0x7F).checked_shl(shift).unwrap_or(0);
                if byte & 0x80 == 0 {
                    return Some(value);
                }
                shift += 7;
            }
        })
    }

    /// The ids, in increasing order, with their hints.
    pub(super) fn iter(&self) -> impl Iterator<Item = (u32, u8)> + '_ {
        self.values().scan(0u32, |last, value| {
            let delta = u32::try_from(value / rank::HINT_SCALE).unwrap_or(u32::MAX);
            *last = last.saturating_add(delta);
            Some((*last, (value % rank::HINT_SCALE) as u8))
        })
    }

    pub(super) fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

impl FromIterator<(u32, u8)> for Ids {
    fn from_iter<I: IntoIterator<Item = (u32, u8)>>(postings: I) -> Ids {
        let mut list = Ids::default();
        postings.into_iter().for_each(|(id, hint)| list.push(id, hint));
        list
    }
}

/// Serialised as a string of base-64 VLQ (`rank::encode`): the same values, in fewer
/// characters than JSON numbers.
impl serde::Serialize for Ids {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut text = String::with_capacity(self.bytes.len() * 2);
        self.values().for_each(|value| rank::push_vlq(&mut text, value));
        serializer.serialize_str(&text)
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

/// A page's text in an index and its distinct bigrams with their hints.
pub(super) struct Text {
    pub(super) text: String,
    pairs: Vec<(u64, u8)>,
}

impl Text {
    /// The text of a page of the `kind`-th of `KINDS` (which says which lines are its names).
    pub(super) fn new(text: String, kind: usize) -> Text {
        let pairs = hinted_pairs(&text, kind);
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

    /// The bigram lists of the `language`-th language: (packed bigram, ids), in the bigrams'
    /// order. Lists that no translation touches are borrowed from the shared postings.
    pub(super) fn lists(&self, language: usize) -> Lists<'_> {
        let differences = &self.differences[language];
        let touched = |pair: &u64| {
            differences.removed.lists.contains_key(pair)
                || differences.added.lists.contains_key(pair)
        };
        let mut lists: Lists<'_> = self
            .shared
            .lists
            .iter()
            .filter(|(pair, _)| !touched(pair))
            .map(|(&pair, ids)| (pair, Cow::Borrowed(ids)))
            .collect();
        let mut pairs: Vec<u64> = differences
            .removed
            .lists
            .keys()
            .chain(differences.added.lists.keys())
            .copied()
            .collect();
        pairs.sort_unstable();
        pairs.dedup();
        for pair in pairs {
            let merged = merge(
                self.shared.get(pair),
                differences.removed.get(pair),
                differences.added.get(pair),
            );
            if !merged.is_empty() {
                lists.push((pair, Cow::Owned(merged)));
            }
        }
        lists.sort_unstable_by_key(|&(pair, _)| pair);
        lists
    }
}

/// A language's bigram lists: each bigram packed (`pack`) with the ids of its documents, in the
/// order of the bigrams' text. Two characters each, so the packed numbers sort as the text does
/// (UTF-8 keeps the order of code points): no string per bigram, of which a large site has
/// hundreds of thousands, while the pages render beside.
pub(super) type Lists<'a> = Vec<(u64, Cow<'a, Ids>)>;

/// How many bigram files a language's lists take.
pub(super) fn shard_count(lists: &Lists<'_>) -> usize {
    lists.len().div_ceil(BIGRAMS_PER_SHARD).next_power_of_two().clamp(1, 256)
}

/// `shared` without `removed`, with `added`: three sorted lists of ids into one (a document is
/// in `added` only if it is in `removed`: its hints are those of its translation).
fn merge(shared: Option<&Ids>, removed: Option<&Ids>, added: Option<&Ids>) -> Ids {
    let removed: Vec<u32> =
        removed.map(|ids| ids.iter().map(|(id, _)| id).collect()).unwrap_or_default();
    let mut kept: Vec<(u32, u8)> = shared
        .into_iter()
        .flat_map(Ids::iter)
        .filter(|(id, _)| removed.binary_search(id).is_err())
        .chain(added.into_iter().flat_map(Ids::iter))
        .collect();
    kept.sort_unstable();
    kept.dedup_by_key(|(id, _)| *id);
    kept.into_iter().collect()
}

/// The shard files of one language's lists: `(n, JSON)`, each made when the iterator reaches
/// it. Each shard is serialised straight from the lists (in the bigrams' order, as a JSON object
/// of serde_json would have its keys), without a tree of JSON values: that tree took four times
/// the memory of the postings themselves.
pub(super) fn shard_files<'a>(
    lists: &'a Lists<'a>,
    shards: usize,
) -> impl Iterator<Item = (usize, String)> + 'a {
    let mut split: Vec<Vec<(u64, &Ids)>> = vec![Vec::new(); shards];
    for (pair, ids) in lists {
        split[shard_of(&unpack(*pair), shards)].push((*pair, ids.as_ref()));
    }
    split
        .into_iter()
        .enumerate()
        .map(|(n, shard)| (n, serde_json::to_string(&Shard(&shard)).unwrap_or_default()))
}

/// One shard's lists as a JSON object: bigram → ids.
struct Shard<'a>(&'a [(u64, &'a Ids)]);

impl serde::Serialize for Shard<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (pair, ids) in self.0 {
            map.serialize_entry(&unpack(*pair), ids)?;
        }
        map.end()
    }
}

/// The distinct bigrams of a document's text with their hints (see `rank`): the pairs of
/// normalised characters packed into a u64 each (`pack`; sorting them is the main cost of
/// indexing, and integers sort faster than pairs), each counted, and the hints of the names
/// over the counts.
pub(super) fn hinted_pairs(text: &str, kind: usize) -> Vec<(u64, u8)> {
    let mut pairs = Vec::with_capacity(text.len() / 3);
    let mut previous: Option<char> = None;
    normalize::each(text, |c, _| {
        let kept = (!c.is_whitespace()).then_some(c);
        if let (Some(a), Some(b)) = (previous, kept) {
            pairs.push(pack(a, b));
        }
        previous = kept;
    });
    pairs.sort_unstable();
    let mut names: Vec<(u64, u8)> = Vec::new();
    rank::name_hints(text, kind, |a, b, hint| names.push((pack(a, b), hint)));
    names.sort_unstable();
    let mut hinted: Vec<(u64, u8)> = pairs
        .chunk_by(|a, b| a == b)
        .map(|run| (run[0], run.len().min(rank::MAX_COUNT) as u8))
        .collect();
    for (pair, hint) in hinted.iter_mut() {
        // The highest hint of the names, the last of the pair's run in sorted order.
        let end = names.partition_point(|(p, _)| p <= pair);
        if let Some(&(p, name)) = end.checked_sub(1).and_then(|i| names.get(i))
            && p == *pair
        {
            *hint = name;
        }
    }
    hinted
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
    use std::collections::BTreeMap;

    use super::*;

    fn page(shared: &str, own: &[Option<&str>]) -> PageTexts {
        PageTexts {
            shared: Text::new(shared.to_owned(), 2),
            own: own.iter().map(|o| o.map(|t| Text::new(t.to_owned(), 2))).collect(),
        }
    }

    /// The lists by bigram text; checks that they come in the text's order.
    fn plain(lists: &Lists<'_>) -> BTreeMap<String, Vec<(u32, u8)>> {
        let texts: Vec<String> = lists.iter().map(|(pair, _)| unpack(*pair)).collect();
        assert!(texts.is_sorted(), "{texts:?}");
        lists.iter().map(|(pair, ids)| (unpack(*pair), ids.iter().collect())).collect()
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
        let english = plain(&together.lists(1));
        assert_eq!(english.get("くし"), None, "the shared text of a translated page is not found");
        let ids = |bigram: &str| english.get(bigram).cloned();
        assert_eq!(ids("区政"), Some(vec![(1, rank::NAME)]));
        // In the names of the translation (its second line), at the start of 釧路市.
        assert_eq!(ids("釧路"), Some(vec![(0, rank::STARTS_3)]));
        assert_eq!(ids("路市"), Some(vec![(0, rank::IN_NAMES)]));
    }

    /// The writer's hints are those of the plain definition (`rank::hints_of`).
    #[test]
    fn hinted_pairs_are_the_hints_of_the_definition() {
        for (text, kind) in [
            ("釧路市\nくしろし kushiroshi 012068\n北海道\n釧路市は釧路の市。路市路市", 2),
            ("東京\n東京の東京 ｶﾞｶﾞ", 5),
            ("", 0),
            ("ab ab ba\nabab", 0),
            ("大田区 おおたく\nota ota-ku ohta", 1),
        ] {
            let packed: BTreeMap<String, u8> =
                hinted_pairs(text, kind).into_iter().map(|(p, h)| (unpack(p), h)).collect();
            assert_eq!(packed, rank::hints_of(text, kind), "{text:?}");
        }
    }

    #[test]
    fn ids_keep_their_values_and_serialise_as_the_files_say() {
        let values = [0, 1, 2, 127, 128, 300, 16_383, 16_384, 2_000_000, u32::MAX];
        let postings: Vec<(u32, u8)> = values.iter().map(|&v| (v, (v % 14) as u8)).collect();
        let ids: Ids = postings.iter().copied().collect();
        assert_eq!(ids.iter().collect::<Vec<_>>(), postings);
        let written = serde_json::to_string(&ids).unwrap_or_default();
        assert_eq!(written, format!("\"{}\"", rank::encode(postings.iter().copied())));
        assert_eq!(rank::decode(written.trim_matches('"')), Some(postings));
        assert!(Ids::default().is_empty() && Ids::default().iter().next().is_none());
        // Close neighbours take one byte each.
        let dense: Ids = (0..1000).map(|id| (id, 3)).collect();
        assert_eq!(dense.bytes.len(), 1000);
    }
}
