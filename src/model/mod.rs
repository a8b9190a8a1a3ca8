//! The site model: every entry as a node of one graph, its references resolved into relations
//! in both directions, validated, and the list of pages (routes) the site consists of.
//!
//! Input: the loaded entries and the configuration. Output: a `Site`, or diagnostics for every
//! unknown id, duplicate and inconsistency. Plain data: no I/O, no Markdown, no templates.

mod codes;
mod fields;
mod link;
mod placeholders;
mod routes;
mod urls;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use crate::config::Config;
use crate::diag::Diagnostics;
pub use crate::load::Collection;
use crate::load::{Date, Entry, Meta};
pub(crate) use codes::{PREFECTURES, WARDS};
pub use fields::{UrlKind, url_problem};
pub use routes::{Route, RouteKind};
pub use urls::{encode_path, percent_decode};

/// Index of a node in `Site::nodes`.
pub type NodeId = usize;

/// The six fields of the policy (推進方針 5), each with its own event list.
pub const CATEGORIES: [(&str, &str); 6] = [
    ("産業振興", "industry"),
    ("観光振興", "tourism"),
    ("文化芸術振興", "culture"),
    ("東京2020", "tokyo2020"),
    ("地域課題", "challenges"),
    ("住民交流", "exchange"),
];

/// The eight regions, in their usual order.
pub const REGIONS: [&str; 8] =
    ["北海道", "東北", "関東", "中部", "近畿", "中国", "四国", "九州・沖縄"];

/// One entity: a file in the default language, with its translations and relations.
#[derive(Debug, Clone)]
pub struct Node {
    /// Shared with `renkei serve`'s cache of loaded entries.
    pub entry: Arc<Entry>,
    /// The same entity in other languages, by language code.
    pub translations: BTreeMap<String, Arc<Entry>>,
    /// References written in this node's front matter, resolved.
    pub links: Links,
    /// Nodes whose front matter refers to this one.
    pub backlinks: Backlinks,
}

impl Node {
    pub fn collection(&self) -> Collection {
        self.entry.collection
    }

    pub fn id(&self) -> &str {
        &self.entry.id
    }

    pub fn title(&self) -> &str {
        self.entry.meta.title()
    }

    /// The entry in `lang`, falling back to the default language.
    pub fn entry_in(&self, lang: &str) -> &Entry {
        self.translations.get(lang).unwrap_or(&self.entry)
    }

    /// The date lists are sorted by: start of an event, exhibit, news or agreement.
    pub fn date(&self) -> Option<Date> {
        match &self.entry.meta {
            Meta::Event(m) => Some(m.date),
            Meta::Exhibit(m) => Some(m.date),
            Meta::News(m) => Some(m.date),
            Meta::Agreement(m) => m.date,
            _ => None,
        }
    }

    /// The last day an event or exhibit may run (its first day when it has no end): for one
    /// known only by its month, the last day of that month, so that it stays upcoming until
    /// the month is over. For deciding upcoming and past only, never printed.
    pub fn last_day(&self) -> Option<chrono::NaiveDate> {
        match &self.entry.meta {
            Meta::Event(m) => Some(m.end.unwrap_or(m.date).last_day()),
            Meta::Exhibit(m) => Some(m.end.last_day()),
            _ => self.date().map(|d| d.last_day()),
        }
    }

    /// The sort key within a collection: codes for places, ids otherwise.
    fn code(&self) -> &str {
        match &self.entry.meta {
            Meta::Ward(m) => &m.code,
            Meta::Prefecture(m) => &m.code,
            _ => &self.entry.id,
        }
    }
}

/// Resolved outgoing references.
#[derive(Debug, Clone, Default)]
pub struct Links {
    pub wards: Vec<NodeId>,
    pub municipalities: Vec<NodeId>,
    pub prefectures: Vec<NodeId>,
    /// A municipality's prefecture, a facility's ward.
    pub parent: Option<NodeId>,
    /// A municipality's partner relations (indices into `Site::partners`).
    pub partners: Vec<usize>,
}

/// Incoming references, each list sorted as its list page is.
#[derive(Debug, Clone, Default)]
pub struct Backlinks {
    /// Partner relations (indices into `Site::partners`) of a ward, or of a prefecture's municipalities.
    pub partners: Vec<usize>,
    /// A prefecture's municipalities.
    pub municipalities: Vec<NodeId>,
    pub events: Vec<NodeId>,
    pub exhibits: Vec<NodeId>,
    pub news: Vec<NodeId>,
    pub agreements: Vec<NodeId>,
    pub facilities: Vec<NodeId>,
}

/// A ward ↔ municipality relation, written once in the municipality's file.
#[derive(Debug, Clone)]
pub struct Partner {
    pub ward: NodeId,
    pub municipality: NodeId,
    pub relation: Option<String>,
    pub since: Option<String>,
    pub source: Option<String>,
}

/// The whole site, linked and validated.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: Config,
    pub nodes: Vec<Node>,
    pub partners: Vec<Partner>,
    /// Node ids of each collection, in list order.
    pub collections: BTreeMap<Collection, Vec<NodeId>>,
    /// The texts of list pages: (collection folder, or "" for the home page; language) → entry.
    pub sections: BTreeMap<(String, String), Arc<Entry>>,
    /// Every page of the site, sorted by URL. Shared: `renkei serve` copies a site to put
    /// edited bodies in (`replace_bodies`), and the pages stay the same.
    pub routes: Arc<Vec<Route>>,
    /// How many entries marked `draft: true` were left out (none with `--drafts`), for the
    /// summary line: an editor should hear that a page is missing because it is a draft.
    pub drafts: usize,
    index: Arc<HashMap<(Collection, String), NodeId>>,
    /// `event_list` of all events, then of each category, made once when first asked: every
    /// page of the event lists asks, and making them anew each time grew with the square of
    /// the number of events.
    event_lists: std::sync::OnceLock<Vec<EventList>>,
}

/// Upcoming events (soonest first) and past ones (latest first).
type EventList = (Vec<NodeId>, Vec<NodeId>);

impl Site {
    /// Builds the model from loaded entries: drafts dropped (unless configured), translations
    /// attached, references resolved and checked, routes listed and checked for collisions.
    ///
    /// `unavailable`: entities whose files could not be loaded; references to them are not
    /// reported again, since their own file's problem already is.
    ///
    /// Links the entries into the site, with its problems. The site is whole even when there are
    /// problems (a reference to an unknown id is left out), so that later stages can still find
    /// theirs and one run reports them all.
    pub fn build(
        config: &Config,
        entries: Vec<Arc<Entry>>,
        unavailable: &BTreeSet<(Collection, String)>,
    ) -> (Site, Diagnostics) {
        link::link(config, entries, unavailable)
    }

    pub fn node(&self, collection: Collection, id: &str) -> Option<NodeId> {
        self.index.get(&(collection, id.to_owned())).copied()
    }

    /// The nodes of a collection, in list order.
    pub fn list(&self, collection: Collection) -> &[NodeId] {
        self.collections.get(&collection).map_or(&[], Vec::as_slice)
    }

    /// The text of a list page, in `lang` or else the default language.
    pub fn section(&self, folder: &str, lang: &str) -> Option<&Entry> {
        let section = self.sections.get(&(folder.to_owned(), lang.to_owned())).or_else(|| {
            self.sections.get(&(folder.to_owned(), self.config.default_language.clone()))
        });
        section.map(Arc::as_ref)
    }

    /// The URL path of a node's page in `lang`, relative to the site root: `wards/chiyoda/`.
    pub fn path_of(&self, node: NodeId, lang: &str) -> String {
        let node = &self.nodes[node];
        let prefix = self.lang_prefix(lang);
        match node.collection() {
            Collection::Pages => format!("{prefix}{}/", node.id()),
            collection => format!("{prefix}{}/{}/", collection.folder(), node.id()),
        }
    }

    /// `""` for the default language, `en/` for English.
    pub fn lang_prefix(&self, lang: &str) -> String {
        if lang == self.config.default_language { String::new() } else { format!("{lang}/") }
    }

    /// Every entry with the path of the page that shows its body: a node's page in each
    /// language, and a section text's list page (`news/`, or the home page for the root's).
    pub fn entry_pages(&self) -> Vec<(&Entry, String)> {
        let mut pages = Vec::with_capacity(self.nodes.len() + self.sections.len());
        for (id, node) in self.nodes.iter().enumerate() {
            pages.push((&*node.entry, self.path_of(id, &self.config.default_language)));
            for (lang, entry) in &node.translations {
                pages.push((&**entry, self.path_of(id, lang)));
            }
        }
        for ((folder, lang), entry) in &self.sections {
            let prefix = self.lang_prefix(lang);
            let path = if folder.is_empty() { prefix } else { format!("{prefix}{folder}/") };
            pages.push((&**entry, path));
        }
        pages
    }

    /// Puts new versions of some entries in place of the old ones (`replaced`: by the address
    /// of the old one), each differing only in its body: linking reads nothing but the front
    /// matter and the place of a file, so the site stays as linking the new entries would make
    /// it. Returns the nodes that hold a replaced entry (a section text belongs to none).
    pub fn replace_bodies(&mut self, replaced: &HashMap<usize, Arc<Entry>>) -> Vec<NodeId> {
        let swap = |entry: &mut Arc<Entry>| match replaced.get(&(Arc::as_ptr(entry) as usize)) {
            Some(new) => {
                *entry = Arc::clone(new);
                true
            }
            None => false,
        };
        let mut holders = Vec::new();
        for (id, node) in self.nodes.iter_mut().enumerate() {
            let mut held = swap(&mut node.entry);
            for translation in node.translations.values_mut() {
                held |= swap(translation);
            }
            if held {
                holders.push(id);
            }
        }
        for section in self.sections.values_mut() {
            swap(section);
        }
        holders
    }

    /// Every entry of the site (nodes, translations, section texts), for the Markdown stage.
    pub fn entries(&self) -> Vec<&Entry> {
        let nodes = self
            .nodes
            .iter()
            .flat_map(|n| std::iter::once(&n.entry).chain(n.translations.values()));
        nodes.chain(self.sections.values()).map(Arc::as_ref).collect()
    }
}
