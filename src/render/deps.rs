//! Dependencies of pages, for incremental rebuilds. A page's context is built through a
//! [`PageReader`], the only way the page builders of this stage reach a node: it records every
//! node it hands out, and returns them with the context (`Renderer::prepare`). The build keeps
//! them with the page. Each node gets a fingerprint of all it can contribute to a page (its
//! texts, rendered bodies, relations both ways). A page whose recorded nodes, list order,
//! templates and shared data all kept their fingerprints has the same context as before, so its
//! context need not even be built again.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use rayon::prelude::*;

use crate::config::Config;
use crate::load::Entry;
use crate::markdown::Bodies;
use crate::model::{Collection, Node, NodeId, Partner, Route, RouteKind, Site};

/// A node by what stays the same across builds: its collection and id.
pub type NodeKey = (Collection, String);

/// The site as one page's context reads it. A node is reached only through [`PageReader::read`],
/// which records it as shown by the page; what is not a node's (configuration, URLs, list
/// orders, which list pages depend on as a whole) is asked of it directly. One reader per page,
/// on one thread.
pub(super) struct PageReader<'a> {
    site: &'a Site,
    read: RefCell<Vec<NodeId>>,
}

impl<'a> PageReader<'a> {
    pub(super) fn new(site: &'a Site) -> PageReader<'a> {
        PageReader { site, read: RefCell::new(Vec::new()) }
    }

    /// The node `id`, recorded as one the page shows.
    pub(super) fn read(&self, id: NodeId) -> &'a Node {
        self.read.borrow_mut().push(id);
        &self.site.nodes[id]
    }

    /// The nodes read, sorted, without repeats.
    pub(super) fn into_read(self) -> Vec<NodeId> {
        let mut read = self.read.into_inner();
        read.sort_unstable();
        read.dedup();
        read
    }

    /// The whole site, read without recording: only for values that the page's kind or the
    /// nodes already read account for (the structured data and map of the page's own node,
    /// the open data page, which is always prepared again). Prefer [`PageReader::read`].
    pub(super) fn unrecorded(&self) -> &'a Site {
        self.site
    }

    pub(super) fn config(&self) -> &'a Config {
        &self.site.config
    }

    pub(super) fn partners(&self) -> &'a [Partner] {
        &self.site.partners
    }

    pub(super) fn url(&self, path: &str) -> String {
        self.site.url(path)
    }

    pub(super) fn permalink(&self, path: &str) -> String {
        self.site.permalink(path)
    }

    /// The path of node `id` in `lang` (its translations decide): the node is read.
    pub(super) fn path_of(&self, id: NodeId, lang: &str) -> String {
        self.read(id);
        self.site.path_of(id, lang)
    }

    pub(super) fn lang_prefix(&self, lang: &str) -> String {
        self.site.lang_prefix(lang)
    }

    pub(super) fn node(&self, collection: Collection, id: &str) -> Option<NodeId> {
        self.site.node(collection, id)
    }

    pub(super) fn list(&self, collection: Collection) -> &'a [NodeId] {
        self.site.list(collection)
    }

    pub(super) fn list_path(
        &self,
        lang: &str,
        collection: Collection,
        page: usize,
        category: Option<usize>,
    ) -> String {
        self.site.list_path(lang, collection, page, category)
    }

    pub(super) fn event_list(&self, category: Option<usize>) -> (&'a [NodeId], &'a [NodeId]) {
        self.site.event_list(category)
    }

    pub(super) fn exhibit_list(&self) -> (Vec<NodeId>, Vec<NodeId>) {
        self.site.exhibit_list()
    }

    pub(super) fn has_list(&self, collection: Collection, lang: &str) -> bool {
        self.site.has_list(collection, lang)
    }

    pub(super) fn page_count(&self, collection: Collection, count: usize) -> usize {
        self.site.page_count(collection, count)
    }

    pub(super) fn section(&self, folder: &str, lang: &str) -> Option<&'a Entry> {
        self.site.section(folder, lang)
    }

    /// The route in every language it has: an entity's page reads its node's translations.
    pub(super) fn alternate_paths(&self, route: &Route) -> Vec<(String, String)> {
        if let RouteKind::Entity(id) = route.kind {
            self.read(id);
        }
        self.site.alternate_paths(route)
    }
}

/// The fingerprints of one build's nodes and lists.
#[derive(Debug, Default, Clone)]
pub struct Fingerprints {
    pub nodes: HashMap<NodeKey, u64>,
    /// Per collection: its members in list order, with what decides where they are listed.
    pub lists: HashMap<Collection, u64>,
    /// The texts of the list pages and the home page (`_index.md`).
    pub sections: u64,
}

impl Fingerprints {
    pub fn new(site: &Site, bodies: &Bodies) -> Fingerprints {
        let nodes = (0..site.nodes.len())
            .into_par_iter()
            .map(|id| (key(site, id), node_hash(site, bodies, id)))
            .collect();
        Fingerprints { nodes, lists: lists(site), sections: sections_hash(site, bodies) }
    }

    /// The fingerprints after only the bodies of the entries of `nodes` (and of any section
    /// text) changed: a node's fingerprint holds its own bodies, and no other node's does, so
    /// only those nodes are hashed again.
    pub fn after_body_edits(&self, site: &Site, bodies: &Bodies, nodes: &[NodeId]) -> Fingerprints {
        let mut updated = self.nodes.clone();
        for &id in nodes {
            updated.insert(key(site, id), node_hash(site, bodies, id));
        }
        Fingerprints { nodes: updated, lists: lists(site), sections: sections_hash(site, bodies) }
    }
}

fn lists(site: &Site) -> HashMap<Collection, u64> {
    Collection::FOLDERS
        .into_iter()
        .chain([Collection::Pages])
        .map(|c| (c, list_hash(site, c)))
        .collect()
}

/// The texts of the list pages and the home page.
fn sections_hash(site: &Site, bodies: &Bodies) -> u64 {
    let mut hasher = DefaultHasher::new();
    for ((folder, lang), entry) in &site.sections {
        (folder, lang, entry.hash).hash(&mut hasher);
        bodies.get(&entry.path).map(|b| b.html_hash).hash(&mut hasher);
    }
    hasher.finish()
}

pub fn key(site: &Site, id: NodeId) -> NodeKey {
    let node = &site.nodes[id];
    (node.collection(), node.id().to_owned())
}

fn keys(site: &Site, ids: &[NodeId], hasher: &mut DefaultHasher) {
    for &id in ids {
        site.nodes[id].id().hash(hasher);
    }
}

fn partner(site: &Site, partner: &Partner, hasher: &mut DefaultHasher) {
    keys(site, &[partner.ward, partner.municipality], hasher);
    (&partner.relation, &partner.since, &partner.source).hash(hasher);
}

/// Everything about a node that any page can show: its files, bodies, relations both ways.
fn node_hash(site: &Site, bodies: &Bodies, id: NodeId) -> u64 {
    let node = &site.nodes[id];
    let mut hasher = DefaultHasher::new();
    for entry in std::iter::once(&node.entry).chain(node.translations.values()) {
        // The hashes made when the file was read and its Markdown rendered, not the texts again.
        (&entry.lang, entry.hash).hash(&mut hasher);
        bodies.get(&entry.path).map(|b| b.html_hash).hash(&mut hasher);
    }
    let (links, back) = (&node.links, &node.backlinks);
    for list in [&links.wards, &links.municipalities, &links.prefectures] {
        keys(site, list, &mut hasher);
        0xff.hash(&mut hasher);
    }
    keys(site, links.parent.as_slice(), &mut hasher);
    for list in [&back.municipalities, &back.events, &back.exhibits, &back.news] {
        keys(site, list, &mut hasher);
        0xff.hash(&mut hasher);
    }
    keys(site, &back.agreements, &mut hasher);
    keys(site, &back.facilities, &mut hasher);
    for &index in links.partners.iter().chain(&back.partners) {
        partner(site, &site.partners[index], &mut hasher);
    }
    // Pages of a ward show its partners' prefectures; those come from the partners' own files.
    for &index in &back.partners {
        let municipality = &site.nodes[site.partners[index].municipality];
        keys(site, municipality.links.parent.as_slice(), &mut hasher);
    }
    hasher.finish()
}

/// The members of a collection in list order, with what sorts them into lists and pages.
fn list_hash(site: &Site, collection: Collection) -> u64 {
    let mut hasher = DefaultHasher::new();
    keys(site, site.list(collection), &mut hasher);
    site.partners.len().hash(&mut hasher);
    if collection == Collection::Events {
        let (upcoming, past) = site.event_list(None);
        keys(site, upcoming, &mut hasher);
        keys(site, past, &mut hasher);
        for category in 0..crate::model::CATEGORIES.len() {
            let (upcoming, past) = site.event_list(Some(category));
            keys(site, upcoming, &mut hasher);
            keys(site, past, &mut hasher);
        }
    }
    if collection == Collection::Exhibits {
        let (current, past) = site.exhibit_list();
        keys(site, &current, &mut hasher);
        keys(site, &past, &mut hasher);
    }
    hasher.finish()
}
