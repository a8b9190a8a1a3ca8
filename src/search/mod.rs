//! Full-text search for a static host: the build writes a compact, sharded index under
//! `search/`, and `themes/default/static/search.js` queries it in the browser. `query` is the same
//! algorithm in Rust (the tests check the real site with it; the JS mirrors it line by line).
//!
//! Japanese has no spaces between words, so the index is not of words but of character bigrams
//! (釧路市 → 釧路, 路市) over each page's title, names and text: any substring of two or more
//! characters can be found (区政会館 inside 東京区政会館で). Wards, prefectures and municipalities
//! also carry their reading in kana (くしろし) and in Hepburn romaji derived from it (kushiroshi),
//! their code and aliases, so くしろ, kushiro and 012068 find 釧路市. Texts and queries go through
//! one normalisation (`normalize`: NFKC, kana, 異体字, ヶ, …).
//!
//! Files (all JSON):
//! - `search/meta.json`: the number of documents, the kinds and prefectures for the filters, the
//!   first document of each kind (documents are in the order of the kinds), the prefectures'
//!   Japanese names (to split 長野県伊那市), the pairs of pages of a special ward, the 異体字
//!   table, the number of bigram shards and of documents per group;
//! - `search/b/<n>.json`: bigram → the documents that contain it with a rank hint each (see
//!   `rank`: delta × 16 + hint, in base-64 VLQ), for the bigrams whose hash falls in shard n;
//! - `search/p.json`: the prefectures of each document (base-64 VLQ), for the prefecture filter
//!   and a prefecture named in front of a place, without the documents' groups;
//! - `search/t/<n>.json`: documents `n*G .. n*G+G`: their entries `[url, title, kind,
//!   [prefecture…]]` and their texts, to confirm a match (the bigrams of a query may all occur
//!   apart), to rank it and to cut a snippet. An index in another language than the site's
//!   default has only the groups with a translated page; it reads the others from the default
//!   language's folder (`meta.json`'s `shared_texts`, see `SharedTexts`).
//!
//! A query downloads meta.json once, the bigram shards of the query's bigrams (it stops at the
//! first bigram that no candidate has), p.json if it needs prefectures, and the groups of its
//! best candidates by their hints, until its first results are settled (see `query`).

mod normalize;
mod postings;
pub mod query;
pub mod rank;

pub use normalize::{normalize, normalized};

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use postings::{Languages, PageTexts, Text};

use crate::japanese::kana;
use crate::load::Meta;
use crate::markdown::Bodies;
use crate::model::{Collection, NodeId, Site};

/// Documents per group (`search/t/<n>.json`): few, since a query downloads the whole group of
/// each candidate it looks at. Groups of 4 made a phrase found on many pages (しています。)
/// download 100 KB for its first ten results, groups of 2 71 KB (and the worst query of one
/// bigram 71 KB → 46 KB), at the cost of twice the files (1,063 per language on the project's
/// site rather than 597).
pub const TEXT_GROUP: usize = 2;
/// Roughly how many distinct bigrams go in one bigram shard: a query downloads a shard (2–3 KB
/// on the project's site) for each bigram it looks up, so small ones; 250 a shard made a
/// pasted sentence download 68 KB rather than 39 KB.
const BIGRAMS_PER_SHARD: usize = 125;

/// The kinds of page, in the order of the filter, with their labels. The first three are places,
/// whose text's second line is their reading (see `query::name`). Their order is also the order
/// of ties: on a site about the 23 wards, ちよだ means 千代田区 before 千代田町.
pub const KINDS: [(&str, &str); 10] = [
    ("ward", "特別区"),
    ("prefecture", "都道府県"),
    ("municipality", "自治体"),
    ("event", "イベント"),
    ("exhibit", "展示"),
    ("news", "お知らせ"),
    ("agreement", "協定"),
    ("facility", "施設"),
    ("partner", "協働する団体"),
    ("page", "ページ"),
];

/// One searchable page.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc {
    pub url: String,
    pub title: String,
    pub kind: usize,
    /// Indices into the index's prefecture list.
    pub prefectures: Vec<usize>,
    /// Title, readings, front-matter text and body, as shown in snippets.
    pub text: String,
    /// The page's language when it is not the index's (a page not translated into it).
    pub lang: Option<String>,
}

/// The whole index in memory: what the files hold.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Index {
    pub docs: Vec<Doc>,
    /// `(id, name)` of the prefectures that documents refer to, in code order.
    pub prefectures: Vec<(String, String)>,
    /// The name of each of `prefectures` as written in Japanese (長野県), whatever the index's
    /// language: a query 長野県伊那市 is split at it.
    pub place_names: Vec<String>,
    /// `(ward, municipality)`: the two pages of one special ward (wards/chiyoda and
    /// municipalities/131016), shown as one result.
    pub pairs: Vec<(usize, usize)>,
    /// bigram → sorted document ids, each with its rank hint (see `rank`).
    pub postings: BTreeMap<String, Vec<(u32, u8)>>,
    pub shards: usize,
    /// The label of each of `KINDS` in the index's language (the theme's `kind_<key>` strings).
    pub labels: Vec<String>,
    /// Where the text groups are that this index shares with the default language's index.
    pub shared_texts: Option<SharedTexts>,
}

/// The text groups that an index in another language than the site's default shares with the
/// default language's index: every group in which no page is translated holds the same bytes in
/// both (the same pages, texts and links), so it is written once, in the default language's
/// folder. On a site of 50,000 pages in two languages that is 25,000 files fewer to write and
/// upload.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SharedTexts {
    /// The default language's `search/` folder, relative to this index's (`../../search/`).
    pub at: String,
    /// The default language: the shared files mark the pages in other languages only.
    pub lang: String,
    /// The index's own language: a page in it is not marked in the index.
    pub index_lang: String,
    /// The groups that this index has in its own folder (those with a translated page), as
    /// half-open ranges of group numbers.
    pub own: Vec<(usize, usize)>,
}

impl SharedTexts {
    fn owns(&self, group: usize) -> bool {
        self.own.iter().any(|&(start, end)| start <= group && group < end)
    }

    /// The language mark of a page of a shared group as this index shows it.
    fn mark(&self, mark: Option<String>) -> Option<String> {
        let lang = mark.unwrap_or_else(|| self.lang.clone());
        (lang != self.index_lang).then_some(lang)
    }

    fn json(&self) -> Value {
        json!({
            "at": self.at,
            "lang": self.lang,
            "index_lang": self.index_lang,
            "own": self.own.iter().map(|&(s, e)| json!([s, e])).collect::<Vec<_>>(),
        })
    }

    fn from_json(value: &Value) -> Option<SharedTexts> {
        let own = value["own"]
            .as_array()?
            .iter()
            .map(|range| Some((range[0].as_u64()? as usize, range[1].as_u64()? as usize)));
        Some(SharedTexts {
            at: value["at"].as_str()?.to_owned(),
            lang: value["lang"].as_str()?.to_owned(),
            index_lang: value["index_lang"].as_str()?.to_owned(),
            own: own.collect::<Option<_>>()?,
        })
    }
}

/// The bigrams of a normalised text: pairs of neighbouring characters, neither of them whitespace.
pub fn bigrams(chars: &[char]) -> impl Iterator<Item = String> + '_ {
    chars
        .windows(2)
        .filter(|pair| !pair[0].is_whitespace() && !pair[1].is_whitespace())
        .map(|pair| pair.iter().collect())
}

/// FNV-1a over the code points of a bigram: which shard holds it. search.js computes the same.
pub fn shard_of(bigram: &str, shards: usize) -> usize {
    let mut hash: u32 = 0x811c_9dc5;
    for c in bigram.chars() {
        hash ^= c as u32;
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash as usize % shards.max(1)
}

/// Documents indexed together: enough to keep both cores busy, few enough that their texts and
/// pairs stay small. A multiple of `TEXT_GROUP`, so that each batch writes whole text files.
const BATCH: usize = 64 * TEXT_GROUP;

impl Index {
    /// The index of each of `langs`: every page, in the language where it is translated, else
    /// in its own (so that an English reader still finds every municipality, by its romaji).
    /// Their files go to `write(language's position in langs, path under that language's root,
    /// JSON)` while they are made: each group of texts as soon as its bigrams are counted. Holding the text of every page until
    /// the end was the largest part of a large site's peak memory (150 MB at 50,000 pages).
    /// Made together, since most pages show the same text in every language (see `postings`).
    /// `Err(Cancelled)` as soon as `cancelled` says yes: `renkei serve` makes the indexes in
    /// the background, and the next change should not wait for outdated ones.
    pub fn write_all_unless(
        site: &Site,
        bodies: &Bodies,
        langs: &[&str],
        cancelled: &(dyn Fn() -> bool + Sync),
        write: &mut dyn FnMut(usize, String, String),
    ) -> Result<(), Cancelled> {
        let outline = Outline::new(site, cancelled)?;
        let mut groups = TextGroups::new(site, &outline, langs);
        let languages = make(site, bodies, langs, &outline, cancelled, &mut |pages| {
            for group in pages.chunks(TEXT_GROUP) {
                groups.write(group, write);
            }
        })?;
        for (language, lang) in langs.iter().enumerate() {
            let lists = languages.lists(language);
            let shards = postings::shard_count(&lists);
            let meta = outline.meta(site, lang, shards, groups.shared(language));
            write(language, "search/meta.json".to_owned(), meta.to_string());
            write(language, "search/p.json".to_owned(), outline.prefectures_json());
            for (n, json) in postings::shard_files(&lists, shards) {
                if cancelled() {
                    return Err(Cancelled);
                }
                write(language, format!("search/b/{n}.json"), json);
            }
        }
        Ok(())
    }

    /// The file of text group `n`, relative to the index's folder (what a query downloads).
    pub fn group_file(&self, n: usize) -> String {
        match &self.shared_texts {
            Some(shared) if !shared.owns(n) => format!("{}t/{n}.json", shared.at),
            _ => format!("t/{n}.json"),
        }
    }

    /// Reads the index back from its files (`read` gives the text of a path under the root,
    /// `None` when there is no such file): what the tests and `query` search in.
    pub fn from_files(read: impl Fn(&str) -> Option<String>) -> Result<Index, ReadError> {
        let meta = Json::read(&read, "search/meta.json")?;
        let shards = meta.number("shards")?;
        let group = meta.number("text_group")?;
        let documents = meta.number("documents")?;
        let shared_texts = match meta.value.get("shared_texts") {
            None => None,
            Some(value) => {
                Some(SharedTexts::from_json(value).ok_or_else(|| meta.malformed("shared_texts"))?)
            }
        };
        let mut docs: Vec<Doc> = Vec::with_capacity(documents);
        for n in 0..documents.div_ceil(group.max(1)) {
            let shared = shared_texts.as_ref().filter(|shared| !shared.owns(n));
            let path = match shared {
                Some(shared) => under_root(&format!("search/{}t/{n}.json", shared.at)),
                None => format!("search/t/{n}.json"),
            };
            let group_docs = Json::read(&read, &path)?.docs()?.into_iter();
            // The marks of a shared group are relative to the default language.
            docs.extend(group_docs.map(|doc| match shared {
                Some(shared) => Doc { lang: shared.mark(doc.lang.clone()), ..doc },
                None => doc,
            }));
        }
        if docs.len() != documents {
            return Err(ReadError::Count { expected: documents, found: docs.len() });
        }
        // What search.js reads instead of the groups: the kinds' ranges and p.json.
        let starts: Vec<usize> = serde_json::from_value(meta.value["kind_starts"].clone())
            .map_err(|_| meta.malformed("kind_starts"))?;
        let p_json = "search/p.json";
        let prefectures: Vec<String> = serde_json::from_str(&read_text(&read, p_json)?)
            .map_err(|_| ReadError::NotJson { path: p_json.to_owned() })?;
        let agree = docs.iter().zip(&prefectures).enumerate().all(|(id, (doc, p))| {
            starts.get(doc.kind).is_some_and(|&s| s <= id)
                && starts.get(doc.kind + 1).is_some_and(|&e| id < e)
                && rank::read_vlq(p).is_some_and(|p| {
                    p.iter().map(|&p| p as usize).eq(doc.prefectures.iter().copied())
                })
        });
        if !agree || prefectures.len() != documents {
            return Err(ReadError::Malformed { path: p_json.to_owned(), field: "prefectures" });
        }
        let mut postings = BTreeMap::new();
        for n in 0..shards {
            postings.extend(read_postings(&read, &format!("search/b/{n}.json"))?);
        }
        let pairs = meta.array("pairs")?;
        let pairs =
            pairs.iter().filter_map(|p| Some((p[0].as_u64()? as usize, p[1].as_u64()? as usize)));
        Ok(Index {
            docs,
            prefectures: meta
                .array("prefectures")?
                .iter()
                .map(|p| (string_of(&p[0]), string_of(&p[1])))
                .collect(),
            place_names: meta.array("places")?.iter().map(string_of).collect(),
            postings,
            shards,
            labels: meta.array("kinds")?.iter().map(|k| string_of(&k[1])).collect(),
            pairs: pairs.collect(),
            shared_texts,
        })
    }
}

/// Why `Index::from_files` could not read an index back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// A file the index needs is not there.
    Missing { path: String },
    /// A file is not JSON.
    NotJson { path: String },
    /// A file lacks a value the index needs, or has it in another shape.
    Malformed { path: String, field: &'static str },
    /// The text files hold another number of documents than meta.json says.
    Count { expected: usize, found: usize },
}

impl ReadError {
    /// What went wrong, from the message catalogue.
    pub fn text(&self) -> crate::messages::Text {
        match self {
            ReadError::Missing { path } => crate::msg!("search.index_missing", path = path),
            ReadError::NotJson { path } => crate::msg!("search.index_not_json", path = path),
            ReadError::Malformed { path, field } => {
                crate::msg!("search.index_malformed", path = path, field = *field)
            }
            ReadError::Count { expected, found } => {
                crate::msg!("search.index_count", expected = *expected, found = *found)
            }
        }
    }
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.text().fmt(f)
    }
}

impl std::error::Error for ReadError {}

/// `renkei serve` stopped the making of an index: a newer change came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cancelled;

/// One file of the index, parsed, with its path for the errors.
struct Json {
    path: String,
    value: Value,
}

impl Json {
    fn read(read: &impl Fn(&str) -> Option<String>, path: &str) -> Result<Json, ReadError> {
        let value = serde_json::from_str(&read_text(read, path)?)
            .map_err(|_| ReadError::NotJson { path: path.to_owned() })?;
        Ok(Json { path: path.to_owned(), value })
    }

    fn malformed(&self, field: &'static str) -> ReadError {
        ReadError::Malformed { path: self.path.clone(), field }
    }

    fn number(&self, field: &'static str) -> Result<usize, ReadError> {
        let number = self.value[field].as_u64().ok_or_else(|| self.malformed(field))?;
        usize::try_from(number).map_err(|_| self.malformed(field))
    }

    fn array(&self, field: &'static str) -> Result<&Vec<Value>, ReadError> {
        self.value[field].as_array().ok_or_else(|| self.malformed(field))
    }

    /// The documents of a text group (`search/t/<n>.json`) with their texts.
    fn docs(&self) -> Result<Vec<Doc>, ReadError> {
        let texts = self.array("texts")?;
        let docs = self.array("docs")?.iter().zip(texts).map(|(d, text)| Doc {
            url: string_of(&d[0]),
            title: string_of(&d[1]),
            kind: d[2].as_u64().unwrap_or_default() as usize,
            prefectures: d[3]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_u64).map(|p| p as usize).collect())
                .unwrap_or_default(),
            text: string_of(text),
            lang: d[4].as_str().map(str::to_owned),
        });
        Ok(docs.collect())
    }
}

/// A path with its `..` folded into the folders before them; the `..` that go above the start
/// stay in front (`search/../../search/t/0.json` → `../search/t/0.json`).
fn under_root(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            "." | "" => {}
            part => parts.push(part),
        }
    }
    parts.join("/")
}

fn read_text(read: &impl Fn(&str) -> Option<String>, path: &str) -> Result<String, ReadError> {
    read(path).ok_or_else(|| ReadError::Missing { path: path.to_owned() })
}

/// The postings of a bigram shard (`search/b/<n>.json`), their delta coding undone.
fn read_postings(
    read: &impl Fn(&str) -> Option<String>,
    path: &str,
) -> Result<BTreeMap<String, Vec<(u32, u8)>>, ReadError> {
    let malformed = || ReadError::Malformed { path: path.to_owned(), field: "postings" };
    let shard: BTreeMap<String, String> =
        serde_json::from_str(&read_text(read, path)?).map_err(|_| malformed())?;
    shard
        .into_iter()
        .map(|(bigram, list)| Ok((bigram, rank::decode(&list).ok_or_else(malformed)?)))
        .collect()
}

/// A JSON string's text; empty when the value is not a string.
fn string_of(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

/// The documents of the indexes in their order: the same pages in every language (a page not
/// translated into a language is found there in its own). A document's link, title and
/// language are made from its node when a file needs them, in that file's language; holding
/// them for every document in every language took 30 MB at 50,000 pages, through the build.
struct Outline {
    /// The node of each document.
    nodes: Vec<NodeId>,
    /// The prefectures of each document, as positions in `prefectures`.
    doc_prefectures: Vec<Vec<usize>>,
    /// The prefectures that documents refer to, in code order.
    prefectures: Vec<NodeId>,
}

impl Outline {
    fn new(site: &Site, cancelled: &(dyn Fn() -> bool + Sync)) -> Result<Outline, Cancelled> {
        // In the order of the kinds, each collection in its list order (municipalities by code,
        // wards in their official order): the order of ties among results.
        let mut in_list = vec![0; site.nodes.len()];
        for collection in Collection::FOLDERS.into_iter().chain([Collection::Pages]) {
            for (position, &id) in site.list(collection).iter().enumerate() {
                in_list[id] = position;
            }
        }
        let mut nodes: Vec<NodeId> = (0..site.nodes.len())
            .filter(|&id| kind_of(site.nodes[id].collection()).is_some())
            .collect();
        nodes.sort_by_key(|&id| (kind_of(site.nodes[id].collection()), in_list[id]));
        let mut of_docs = Vec::with_capacity(nodes.len());
        let mut referred: BTreeSet<NodeId> = BTreeSet::new();
        for &id in &nodes {
            if cancelled() {
                return Err(Cancelled);
            }
            let of = prefectures_of(site, id);
            referred.extend(of.iter().copied());
            of_docs.push(of);
        }
        // Prefectures in code order (the list order of the collection).
        let prefectures: Vec<NodeId> = site
            .list(Collection::Prefectures)
            .iter()
            .copied()
            .filter(|p| referred.contains(p))
            .collect();
        let doc_prefectures = of_docs
            .into_iter()
            .map(|of| {
                let mut positions: Vec<usize> =
                    of.iter().filter_map(|p| prefectures.iter().position(|q| q == p)).collect();
                positions.sort_unstable();
                positions
            })
            .collect();
        Ok(Outline { nodes, doc_prefectures, prefectures })
    }

    /// Document `position` in an index in `lang`, without its text: its translation into `lang`
    /// where it has one, else its own entry (marked with its language).
    fn doc(&self, site: &Site, lang: &str, position: usize) -> Doc {
        let id = self.nodes[position];
        let node = &site.nodes[id];
        let entry = node.entry_in(lang);
        Doc {
            url: site.url(&site.path_of(id, &entry.lang)),
            title: entry.meta.title().to_owned(),
            kind: kind_of(node.collection()).unwrap_or(KINDS.len()),
            prefectures: self.doc_prefectures[position].clone(),
            text: String::new(),
            lang: (entry.lang != lang).then(|| entry.lang.clone()),
        }
    }

    /// The first document of each of `KINDS`, and the number of documents last: the documents
    /// of kind k are `kind_starts[k] .. kind_starts[k + 1]` (documents are in the kinds' order).
    fn kind_starts(&self, site: &Site) -> Vec<usize> {
        let kind = |id: &NodeId| kind_of(site.nodes[*id].collection()).unwrap_or(KINDS.len());
        (0..=KINDS.len()).map(|k| self.nodes.partition_point(|id| kind(id) < k)).collect()
    }

    /// `search/meta.json` of the index in `lang`.
    fn meta(&self, site: &Site, lang: &str, shards: usize, shared: Option<SharedTexts>) -> Value {
        let labels =
            KINDS.iter().map(|(key, _)| site.config.strings.text(lang, &format!("kind_{key}")));
        let prefectures = self
            .prefectures
            .iter()
            .map(|&p| json!([site.nodes[p].id(), place_name(site, p, lang)]));
        let places: Vec<&str> = self.prefectures.iter().map(|&p| site.nodes[p].title()).collect();
        let pairs = ward_pairs(site, &self.nodes);
        let mut meta = json!({
            "version": 4,
            "documents": self.nodes.len(),
            "kind_starts": self.kind_starts(site),
            "shards": shards,
            "text_group": TEXT_GROUP,
            "kinds": KINDS.iter().zip(labels).map(|((key, _), label)| json!([key, label])).collect::<Vec<_>>(),
            "prefectures": prefectures.collect::<Vec<_>>(),
            "places": places,
            "pairs": pairs.iter().map(|&(w, m)| json!([w, m])).collect::<Vec<_>>(),
            "variants": normalize::variants_string(),
        });
        if let Some(shared) = shared {
            meta["shared_texts"] = shared.json();
        }
        meta
    }

    /// `search/p.json`: the prefectures of each document, as base-64 VLQ (one or two characters
    /// each). The same in every language.
    fn prefectures_json(&self) -> String {
        let lists: Vec<String> = self
            .doc_prefectures
            .iter()
            .map(|of| {
                let mut text = String::new();
                of.iter().for_each(|&p| rank::push_vlq(&mut text, p as u64));
                text
            })
            .collect();
        serde_json::to_string(&lists).unwrap_or_default()
    }
}

/// The postings of the indexes of `langs`, made in batches of `outline`'s pages: each batch's
/// texts in every language go to `on_batch` once their bigrams are counted.
fn make(
    site: &Site,
    bodies: &Bodies,
    langs: &[&str],
    outline: &Outline,
    cancelled: &(dyn Fn() -> bool + Sync),
    on_batch: &mut dyn FnMut(&[PageTexts]),
) -> Result<Languages, Cancelled> {
    use rayon::prelude::*;
    let mut languages = Languages::new(langs.len());
    for batch in outline.nodes.chunks(BATCH) {
        let pages: Vec<PageTexts> =
            batch
                .par_iter()
                .map(|&id| {
                    if cancelled() {
                        Err(Cancelled)
                    } else {
                        Ok(page_texts(site, bodies, langs, id))
                    }
                })
                .collect::<Result<_, Cancelled>>()?;
        if cancelled() {
            return Err(Cancelled);
        }
        languages.add(&pages);
        on_batch(&pages);
    }
    Ok(languages)
}

/// What a page is found by in each of `langs` (see `doc_text`): the text of its own entry,
/// and that of its translation where a language has one.
fn page_texts(site: &Site, bodies: &Bodies, langs: &[&str], id: NodeId) -> PageTexts {
    let node = &site.nodes[id];
    let kind = kind_of(node.collection()).unwrap_or(KINDS.len());
    let text_of = |entry: &crate::load::Entry| {
        let body = bodies.get(&entry.path).map_or("", |b| b.text.as_str());
        let mut text = doc_text(site, id, &entry.meta, body);
        if entry.lang != node.entry.lang {
            // A translation is also found by the original name (釧路市 finds Kushiro).
            text.push('\n');
            text.push_str(node.title());
        }
        Text::new(text, kind)
    };
    let own = langs
        .iter()
        .map(|lang| {
            let entry = node.entry_in(lang);
            (!std::ptr::eq(entry, &*node.entry)).then(|| text_of(entry))
        })
        .collect();
    PageTexts { shared: text_of(&node.entry), own }
}

/// A JSON array of strings, serialised straight from them (`json!` would copy each first).
fn texts_json(texts: &[&str]) -> String {
    serde_json::to_string(texts).unwrap_or_default()
}

/// Writes the text groups (`search/t/<n>.json`) of every language, one group at a time: the
/// documents' entries (`[url, title, kind, [prefecture…]]`, and the page's language fifth where
/// it is not the file's) and their texts. A query downloads the groups of its candidates only,
/// so the list of all documents is in no file that every query loads (it was most of meta.json,
/// 95 KB at 1,860 documents). A language other than the default writes only the groups that
/// differ from the default language's (see `SharedTexts`).
struct TextGroups<'a> {
    site: &'a Site,
    outline: &'a Outline,
    langs: &'a [&'a str],
    /// The default language's position in `langs`, when it has an index.
    default: Option<usize>,
    /// Per language, what it shares with the default language's index (`None`: nothing).
    shared: Vec<Option<SharedTexts>>,
    next: usize,
}

impl<'a> TextGroups<'a> {
    fn new(site: &'a Site, outline: &'a Outline, langs: &'a [&'a str]) -> TextGroups<'a> {
        let default = langs.iter().position(|lang| *lang == site.config.default_language);
        let shared = langs
            .iter()
            .enumerate()
            .map(|(language, lang)| {
                let default = default.filter(|&d| d != language)?;
                // From `<prefix>search/` up to the site's root, then into the default's folder.
                let depth = site.lang_prefix(lang).matches('/').count() + 1;
                Some(SharedTexts {
                    at: format!("{}search/", "../".repeat(depth)),
                    lang: langs[default].to_owned(),
                    index_lang: (*lang).to_owned(),
                    own: Vec::new(),
                })
            })
            .collect();
        TextGroups { site, outline, langs, default, shared, next: 0 }
    }

    /// Writes the next group in each language that does not share it. Texts that no language
    /// shows translated are serialised once.
    fn write(&mut self, group: &[PageTexts], write: &mut dyn FnMut(usize, String, String)) {
        let n = self.next;
        self.next += 1;
        let documents = n * TEXT_GROUP..n * TEXT_GROUP + group.len();
        let mut untranslated: Option<String> = None;
        let mut texts = |language: usize| {
            let translated =
                group.iter().any(|page| matches!(page.own.get(language), Some(Some(_))));
            let texts_of = || group.iter().map(|page| page.text(language)).collect::<Vec<&str>>();
            if translated {
                texts_json(&texts_of())
            } else {
                untranslated.get_or_insert_with(|| texts_json(&texts_of())).clone()
            }
        };
        let file = |language: usize, file_lang: &str, texts: &str| {
            let index_lang = self.langs[language];
            let docs = documents.clone().map(|d| self.outline.doc(self.site, index_lang, d));
            group_json(docs, file_lang, index_lang, texts)
        };
        let default_file = self.default.map(|d| file(d, self.langs[d], &texts(d)));
        let path = format!("search/t/{n}.json");
        for (language, lang) in self.langs.iter().enumerate() {
            if Some(language) == self.default {
                write(language, path.clone(), default_file.clone().unwrap_or_default());
                continue;
            }
            let texts = texts(language);
            if let (Some(shared), Some(default_file)) = (&mut self.shared[language], &default_file)
            {
                if file(language, &shared.lang, &texts) == *default_file {
                    continue;
                }
                match shared.own.last_mut() {
                    Some((_, end)) if *end == n => *end = n + 1,
                    _ => shared.own.push((n, n + 1)),
                }
            }
            write(language, path.clone(), file(language, lang, &texts));
        }
    }

    /// What language `language`'s index shares, once every group is written.
    fn shared(&self, language: usize) -> Option<SharedTexts> {
        self.shared.get(language).cloned().flatten()
    }
}

/// A text group's file: the entries of its documents (without their texts) in an index in
/// `index_lang`, each marked with its page's language where that is not `file_lang`, and
/// `texts` (a JSON array).
fn group_json(
    docs: impl Iterator<Item = Doc>,
    file_lang: &str,
    index_lang: &str,
    texts: &str,
) -> String {
    let entries: Vec<Value> = docs
        .map(|d| match d.lang.as_deref().unwrap_or(index_lang) {
            lang if lang != file_lang => json!([d.url, d.title, d.kind, d.prefectures, lang]),
            _ => json!([d.url, d.title, d.kind, d.prefectures]),
        })
        .collect();
    format!("{{\"docs\":{},\"texts\":{texts}}}", Value::from(entries))
}

/// A prefecture's name for the filter: its translation's title, else its `name_en` in a language
/// other than the default, else its name.
fn place_name(site: &Site, id: NodeId, lang: &str) -> String {
    let node = &site.nodes[id];
    if let Some(entry) = node.translations.get(lang) {
        return entry.meta.title().to_owned();
    }
    match &node.entry.meta {
        Meta::Prefecture(m) if lang != site.config.default_language => {
            m.name_en.clone().unwrap_or_else(|| m.name.clone())
        }
        _ => node.title().to_owned(),
    }
}

fn kind_of(collection: Collection) -> Option<usize> {
    let key = match collection {
        Collection::Municipalities => "municipality",
        Collection::Wards => "ward",
        Collection::Prefectures => "prefecture",
        Collection::Events => "event",
        Collection::Exhibits => "exhibit",
        Collection::News => "news",
        Collection::Agreements => "agreement",
        Collection::Facilities => "facility",
        // Meetings are found as pages: a kind of their own would change every search index.
        Collection::Meetings | Collection::Pages => "page",
        Collection::Partners => "partner",
    };
    KINDS.iter().position(|(k, _)| *k == key)
}

/// The prefectures a page belongs to or is about, for the filter.
fn prefectures_of(site: &Site, id: NodeId) -> Vec<NodeId> {
    let node = &site.nodes[id];
    let mut out: BTreeSet<NodeId> = BTreeSet::new();
    match node.collection() {
        Collection::Prefectures => {
            out.insert(id);
        }
        Collection::Municipalities => out.extend(node.links.parent),
        Collection::Wards | Collection::Facilities => {
            out.extend(site.node(Collection::Prefectures, "tokyo"));
        }
        _ => {
            out.extend(node.links.prefectures.iter().copied());
            out.extend(
                node.links.municipalities.iter().filter_map(|&m| site.nodes[m].links.parent),
            );
        }
    }
    out.into_iter().collect()
}

/// The two pages of each special ward, as positions in `nodes` (the index's documents):
/// the ward's own page and the municipality page of its code.
fn ward_pairs(site: &Site, nodes: &[NodeId]) -> Vec<(usize, usize)> {
    let position = |id: NodeId| nodes.iter().position(|&n| n == id);
    nodes
        .iter()
        .enumerate()
        .filter_map(|(doc, &id)| {
            let Meta::Ward(ward) = &site.nodes[id].entry.meta else { return None };
            let municipality = site.node(Collection::Municipalities, &ward.code)?;
            Some((doc, position(municipality)?))
        })
        .collect()
}

/// What a page is found by. Line 1 is its title. Places (wards, prefectures, municipalities)
/// have a second line of names (see `query::name`): the reading in kana and in romaji, the
/// code and the `aliases`; a municipality then a line of where it is: its prefecture and the
/// wards of a 政令市 (`districts`). Then the text of the front matter that pages show (summary,
/// venue, place, address) and the body.
fn doc_text(site: &Site, id: NodeId, meta: &Meta, body: &str) -> String {
    let mut parts: Vec<String> = vec![meta.title().to_owned()];
    match meta {
        Meta::Ward(m) => parts.push(reading_line(&m.kana, &[&m.code])),
        Meta::Prefecture(m) => parts.push(reading_line(&m.kana, &[])),
        Meta::Municipality(m) => {
            let code = site.nodes[id].id();
            let mut names = vec![code];
            names.extend(m.aliases.iter().map(String::as_str));
            parts.push(reading_line(&m.kana, &names));
            let mut place: Vec<&str> = Vec::new();
            if let Some(parent) = site.nodes[id].links.parent {
                place.push(site.nodes[parent].title());
            }
            place.extend(m.districts.iter().map(|d| d.name.as_str()));
            parts.push(place.join(" "));
        }
        _ => {}
    }
    let extra: Vec<Option<&str>> = match meta {
        Meta::Ward(m) => vec![m.name_en.as_deref()],
        Meta::Prefecture(m) => vec![m.name_en.as_deref()],
        Meta::Municipality(m) => vec![m.summary.as_deref()],
        Meta::Event(m) => vec![m.venue.as_deref(), m.summary.as_deref()],
        Meta::Exhibit(m) => vec![Some(m.location.as_str()), m.summary.as_deref()],
        Meta::News(m) => vec![m.disaster.as_deref(), m.summary.as_deref()],
        Meta::Facility(m) => vec![m.address.as_deref(), m.summary.as_deref()],
        Meta::Agreement(m) => vec![m.summary.as_deref()],
        Meta::Meeting(m) => vec![Some(m.body.as_str()), m.place.as_deref(), m.summary.as_deref()],
        Meta::PartnerOrg(m) => vec![m.kana.as_deref(), m.name_en.as_deref(), m.summary.as_deref()],
        Meta::Page(m) => vec![m.summary.as_deref()],
    };
    parts.extend(extra.into_iter().flatten().map(str::to_owned));
    let body = body.trim();
    if !body.is_empty() {
        parts.push(body.to_owned());
    }
    parts.join("\n")
}

/// A place's line of names: its reading in hiragana and in romaji, then `names`.
fn reading_line(kana: &str, names: &[&str]) -> String {
    let mut words = vec![kana::to_hiragana(kana), kana::romaji(kana)];
    words.extend(names.iter().filter(|n| !n.trim().is_empty()).map(|n| n.trim().to_owned()));
    words.join(" ")
}

#[cfg(test)]
mod fast_path_tests {
    use super::postings::{hinted_pairs, unpack};
    use super::*;

    /// The bigrams as first defined: windows of the normalised text, neither side whitespace.
    fn pairs_by_windows(text: &str) -> Vec<String> {
        let (chars, _) = normalize(text);
        let mut pairs: Vec<String> = bigrams(&chars).collect();
        pairs.sort_unstable();
        pairs.dedup();
        pairs
    }

    #[test]
    fn packed_pairs_are_the_bigrams_in_their_order() {
        for text in [
            "",
            "a",
            "釧路市 くしろし Kushiro",
            "ｶﾀｶﾅ㈱と　全角 スペース\nＡＢＣ",
            "ab ab ba",
            "ｾﾀｶﾞﾔ 駒ヶ根 髙",
        ] {
            let packed: Vec<String> =
                hinted_pairs(text, 3).into_iter().map(|(pair, _)| unpack(pair)).collect();
            assert_eq!(packed, pairs_by_windows(text), "{text:?}");
        }
    }
}

/// The errors of reading an index back (the integration tests read real indexes back whole).
#[cfg(test)]
mod read_tests {
    use super::*;

    /// A reader of the files in `files`.
    fn reader(files: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
        let files: BTreeMap<String, String> =
            files.iter().map(|(p, t)| ((*p).to_owned(), (*t).to_owned())).collect();
        move |path| files.get(path).cloned()
    }

    const META: &str = r#"{"version": 2, "documents": 1, "shards": 1, "text_group": 4,
        "kinds": [["ward", "特別区"]], "prefectures": [["tokyo", "東京都"]], "places": ["東京都"],
        "pairs": []}"#;
    const TEXTS: &str =
        r#"{"docs": [["/wards/chiyoda/", "千代田区", 0, [0]]], "texts": ["千代田区\nちよだく"]}"#;

    #[test]
    fn a_broken_index_says_which_file_and_why() {
        let missing = Index::from_files(reader(&[("search/meta.json", META)])).err();
        assert_eq!(missing, Some(ReadError::Missing { path: "search/t/0.json".to_owned() }));
        let meta = META.replace("\"shards\": 1,", "");
        let no_shards = Index::from_files(reader(&[("search/meta.json", &meta)])).err();
        let malformed =
            ReadError::Malformed { path: "search/meta.json".to_owned(), field: "shards" };
        assert_eq!(no_shards, Some(malformed));
        let two = META.replace("\"documents\": 1", "\"documents\": 2");
        let short =
            Index::from_files(reader(&[("search/meta.json", &two), ("search/t/0.json", TEXTS)]));
        assert_eq!(short.err(), Some(ReadError::Count { expected: 2, found: 1 }));
        let not_json = Index::from_files(reader(&[("search/meta.json", "{")])).err();
        let text = not_json.map(|e| e.text().render(crate::messages::Lang::Ja));
        assert_eq!(
            text.as_deref(),
            Some("検索インデックスのファイル search/meta.json を JSON として読めません")
        );
    }

    #[test]
    fn an_index_reads_the_groups_it_shares_from_the_default_languages_folder() {
        // An English index of 5 documents in groups of 2: group 1 is its own (a translated
        // page), groups 0 and 2 are the Japanese index's, whose marks are relative to Japanese.
        let meta = META.replace("\"documents\": 1", "\"documents\": 5").replace(
            "\"text_group\": 4,",
            r#""text_group": 2, "shared_texts": {"at": "../../search/", "lang": "ja",
                "index_lang": "en", "own": [[1, 2]]},"#,
        );
        let doc = |url: &str, mark: &str| format!(r#"["{url}", "t", 0, [0]{mark}]"#);
        let group =
            |docs: &[String]| format!(r#"{{"docs": [{}], "texts": ["a", "b"]}}"#, docs.join(","));
        let shared_0 = group(&[doc("/a/", ""), doc("/en/b/", r#", "en""#)]);
        let own_1 = group(&[doc("/en/c/", ""), doc("/d/", r#", "ja""#)]);
        let shared_2 = group(&[doc("/e/", "")]);
        let meta = meta.replace("\"shards\": 1,", "\"shards\": 1, \"kind_starts\": [0, 5],");
        let mut prefecture = String::new();
        rank::push_vlq(&mut prefecture, 0);
        let p_json = serde_json::to_string(&[&prefecture; 5]).unwrap_or_default();
        let files = reader(&[
            ("en/search/meta.json", &meta),
            ("en/search/p.json", &p_json),
            ("en/search/b/0.json", "{}"),
            ("search/t/0.json", &shared_0),
            ("en/search/t/1.json", &own_1),
            ("search/t/2.json", &shared_2),
            ("en/search/t/0.json", "not read"),
        ]);
        let index = Index::from_files(|path| files(&under_root(&format!("en/{path}"))));
        let index = index.unwrap_or_else(|e| panic!("{e}"));
        let marks: Vec<(&str, Option<&str>)> =
            index.docs.iter().map(|d| (d.url.as_str(), d.lang.as_deref())).collect();
        assert_eq!(
            marks,
            [
                ("/a/", Some("ja")),
                ("/en/b/", None),
                ("/en/c/", None),
                ("/d/", Some("ja")),
                ("/e/", Some("ja"))
            ]
        );
        assert_eq!(index.group_file(0), "../../search/t/0.json");
        assert_eq!(index.group_file(1), "t/1.json");
        assert_eq!(under_root("search/../../search/t/0.json"), "../search/t/0.json");
        assert_eq!(under_root("en/search/../../search/t/0.json"), "search/t/0.json");
    }
}
