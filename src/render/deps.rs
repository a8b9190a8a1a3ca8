//! Dependencies of pages, for incremental rebuilds: while a page's context is built, every node
//! it shows is recorded (`touch`), and each node gets a fingerprint of all it can contribute to
//! a page (its texts, rendered bodies, relations both ways). A page whose recorded nodes, list
//! order, templates and shared data all kept their fingerprints has the same context as before,
//! so its context need not even be built again.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use rayon::prelude::*;

use crate::markdown::Bodies;
use crate::model::{Collection, NodeId, Partner, Site};

/// A node by what stays the same across builds: its collection and id.
pub type NodeKey = (Collection, String);

thread_local! {
    static TOUCHED: RefCell<Option<Vec<NodeId>>> = const { RefCell::new(None) };
}

/// Records that the page being prepared on this thread shows node `id`.
pub(super) fn touch(id: NodeId) {
    TOUCHED.with(|t| {
        if let Some(touched) = t.borrow_mut().as_mut() {
            touched.push(id);
        }
    });
}

/// Runs `f`, returning what it returned and the nodes it touched (sorted, without repeats).
pub(super) fn recording<T>(f: impl FnOnce() -> T) -> (T, Vec<NodeId>) {
    TOUCHED.with(|t| *t.borrow_mut() = Some(Vec::new()));
    let value = f();
    let mut touched = TOUCHED.with(|t| t.borrow_mut().take()).unwrap_or_default();
    touched.sort_unstable();
    touched.dedup();
    (value, touched)
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
