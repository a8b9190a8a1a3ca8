//! Linking: entries become nodes, references by id become relations in both directions, and
//! everything that cannot be resolved becomes a located diagnostic with the nearest valid id.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use super::{
    Backlinks, CATEGORIES, Collection, Links, Node, NodeId, Partner, REGIONS, Site, codes, routes,
};
use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics, suggest};
use crate::load::meta::is_placeholder;
use crate::load::{Entry, Meta};
use crate::messages::Text;
use crate::msg;

pub(super) fn link(
    config: &Config,
    entries: Vec<Arc<Entry>>,
    unavailable: &BTreeSet<(Collection, String)>,
) -> (Site, Diagnostics) {
    let mut diagnostics = Diagnostics::default();
    let mut drafts = BTreeSet::new();
    let mut sections = BTreeMap::new();
    let mut originals = Vec::new();
    let mut translations = Vec::new();
    for entry in entries {
        if entry.meta.common().draft && !config.drafts {
            drafts.insert((entry.collection, entry.id.clone()));
        } else if entry.section {
            sections.insert((entry.collection.folder().to_owned(), entry.lang.clone()), entry);
        } else if entry.lang == config.default_language {
            originals.push(entry);
        } else {
            translations.push(entry);
        }
    }
    let mut site = Site {
        config: config.clone(),
        nodes: originals.into_iter().map(new_node).collect(),
        partners: Vec::new(),
        collections: BTreeMap::new(),
        sections,
        routes: Arc::default(),
        drafts: drafts.len(),
        index: Arc::default(),
        event_lists: std::sync::OnceLock::new(),
    };
    site.index = Arc::new(
        site.nodes
            .iter()
            .enumerate()
            .map(|(i, n)| ((n.collection(), n.id().to_owned()), i))
            .collect(),
    );
    attach_translations(&mut site, translations, &[&drafts, unavailable], &mut diagnostics);
    let resolver = Resolver { site: &site, drafts: &drafts, unavailable };
    let resolved = resolver.links_of_all();
    for (id, (mut links, partners, problems)) in resolved.into_iter().enumerate() {
        diagnostics.extend(problems);
        links.partners = (site.partners.len()..site.partners.len() + partners.len()).collect();
        site.partners.extend(partners);
        site.nodes[id].links = links;
    }
    check_values(&site, &mut diagnostics);
    super::meetings::check(&site, &mut diagnostics);
    for node in &site.nodes {
        super::members::check_partner(&node.entry, &mut diagnostics);
    }
    super::fields::check(&site, &mut diagnostics);
    super::placeholders::check(&site, &mut diagnostics);
    sort_collections(&mut site);
    fill_backlinks(&mut site);
    site.routes = Arc::new(routes::routes(&site, &mut diagnostics));
    (site, diagnostics)
}

fn new_node(entry: Arc<Entry>) -> Node {
    Node {
        entry,
        translations: BTreeMap::new(),
        links: Links::default(),
        backlinks: Backlinks::default(),
    }
}

/// Attaches each translation to its original. `absent` originals (drafts, files that failed to
/// load) take their translations with them silently.
fn attach_translations(
    site: &mut Site,
    translations: Vec<Arc<Entry>>,
    absent: &[&BTreeSet<(Collection, String)>],
    diagnostics: &mut Diagnostics,
) {
    for entry in translations {
        let key = (entry.collection, entry.id.clone());
        if absent.iter().any(|set| set.contains(&key)) {
            continue;
        }
        match site.node(entry.collection, &entry.id) {
            Some(id) => {
                if let Meta::Municipality(m) = &entry.meta
                    && !m.partners.is_empty()
                {
                    diagnostics.push(
                        entry
                            .error_at_value(
                                "partners",
                                "partners",
                                msg!("link.translation_partners"),
                            )
                            .with_help(msg!("link.translation_partners_help")),
                    );
                }
                site.nodes[id].translations.insert(entry.lang.clone(), entry);
            }
            None => {
                let original =
                    entry.path.to_string_lossy().replace(&format!(".{}.md", entry.lang), ".md");
                diagnostics.push(
                    Diagnostic::new(&entry.path, msg!("link.no_original", id = &entry.id))
                        .with_help(msg!("link.no_original_help", original = original)),
                );
            }
        }
    }
}

/// Looks ids up, with the nearest valid id for a typo.
struct Resolver<'a> {
    site: &'a Site,
    drafts: &'a BTreeSet<(Collection, String)>,
    unavailable: &'a BTreeSet<(Collection, String)>,
}

impl Resolver<'_> {
    /// The links of every node, in parallel (a nearest id for a typo compares it with every
    /// id of the collection), with each node's problems apart, in the nodes' order.
    fn links_of_all(&self) -> Vec<(Links, Vec<Partner>, Diagnostics)> {
        use rayon::prelude::*;
        (0..self.site.nodes.len())
            .into_par_iter()
            .map(|id| {
                let mut problems = Diagnostics::default();
                let (links, partners) = self.links_of(id, &mut problems);
                (links, partners, problems)
            })
            .collect()
    }

    fn links_of(&self, id: NodeId, diagnostics: &mut Diagnostics) -> (Links, Vec<Partner>) {
        let entry = &self.site.nodes[id].entry;
        let mut links = Links::default();
        let mut partners = Vec::new();
        // Each id is looked up once per list, and a repeated id reported once, however often
        // it is repeated.
        let refs = |key: &str, collection: Collection, ids: &[String], d: &mut Diagnostics| {
            let (mut seen, mut repeated) = (BTreeSet::new(), BTreeSet::new());
            let mut resolved = Vec::new();
            for target in ids {
                if seen.insert(target.as_str()) {
                    resolved.extend(self.resolve(entry, key, collection, target, d));
                } else if repeated.insert(target.as_str()) {
                    let message = msg!("link.repeated", target = target, key = key);
                    d.push(
                        entry
                            .error_at_value(key, target, message)
                            .with_help(msg!("link.repeated_help")),
                    );
                }
            }
            resolved
        };
        // The wards, municipalities and prefectures the entry names.
        let places = |links: &mut Links, d: &mut Diagnostics| {
            let written = entry.meta.references();
            links.wards = refs("wards", Collection::Wards, written.wards, d);
            links.municipalities =
                refs("municipalities", Collection::Municipalities, written.municipalities, d);
            links.prefectures =
                refs("prefectures", Collection::Prefectures, written.prefectures, d);
        };
        match &entry.meta {
            Meta::Municipality(m) => {
                links.parent = self.resolve(
                    entry,
                    "prefecture",
                    Collection::Prefectures,
                    &m.prefecture,
                    diagnostics,
                );
                for district in &m.districts {
                    if let Err(check) = crate::load::check_municipality_code(&district.code) {
                        let help = if district.code.len() == 6 {
                            check.text()
                        } else {
                            msg!("link.district_code_help")
                        };
                        diagnostics.push(
                            entry
                                .error_at_value(
                                    "code",
                                    &district.code,
                                    msg!("link.not_a_district_code", code = &district.code),
                                )
                                .with_help(help),
                        );
                    }
                }
                let mut seen = BTreeSet::new();
                for partner in &m.partners {
                    let Some(ward) =
                        self.resolve(entry, "ward", Collection::Wards, &partner.ward, diagnostics)
                    else {
                        continue;
                    };
                    if !seen.insert(ward) {
                        diagnostics.push(
                            entry
                                .error_at_value(
                                    "ward",
                                    &partner.ward,
                                    msg!("link.partner_twice", ward = &partner.ward),
                                )
                                .with_help(msg!("link.partner_twice_help")),
                        );
                        continue;
                    }
                    partners.push(Partner {
                        ward,
                        municipality: id,
                        relation: partner.relation.clone(),
                        since: partner.since.as_ref().map(|s| s.0.clone()),
                        source: partner.source.clone(),
                    });
                }
            }
            Meta::Event(_) | Meta::Exhibit(_) | Meta::News(_) | Meta::Agreement(_) => {
                let absent = [self.drafts, self.unavailable];
                links.author =
                    super::members::resolve_author(self.site, entry, &absent, diagnostics);
                places(&mut links, diagnostics);
            }
            Meta::Facility(m) => {
                links.parent = self.resolve(entry, "ward", Collection::Wards, &m.ward, diagnostics);
            }
            Meta::Meeting(m) => {
                places(&mut links, diagnostics);
                links.agreements =
                    refs("agreements", Collection::Agreements, &m.agreements, diagnostics);
            }
            Meta::PartnerOrg(m) => {
                links.taking_part = refs("events", Collection::Events, &m.events, diagnostics);
                links.taking_part.extend(refs(
                    "exhibits",
                    Collection::Exhibits,
                    &m.exhibits,
                    diagnostics,
                ));
            }
            Meta::Ward(_) | Meta::Prefecture(_) | Meta::Page(_) => {}
        }
        (links, partners)
    }

    fn resolve(
        &self,
        entry: &Entry,
        key: &str,
        collection: Collection,
        target: &str,
        diagnostics: &mut Diagnostics,
    ) -> Option<NodeId> {
        if let Some(id) = self.site.node(collection, target) {
            return Some(id);
        }
        let wanted = (collection, target.to_owned());
        // A placeholder of `renkei new` is reported as such (`placeholders`).
        if self.unavailable.contains(&wanted) || is_placeholder(target) {
            return None;
        }
        let noun = noun(collection);
        let diagnostic = if self.drafts.contains(&wanted) {
            entry
                .error_at_value(key, target, msg!("link.draft", noun = noun, target = target))
                .with_help(msg!("link.draft_help"))
        } else {
            let mut diagnostic = entry
                .error_at_value(
                    key,
                    target,
                    msg!("link.unknown", noun = noun.clone(), target = target),
                )
                .with_optional_help(self.nearest(collection, target));
            // A code written as a number was padded (`13101` read as `013101`): name it as written.
            let written = written_at(&diagnostic).filter(|w| *w != target && target.ends_with(w));
            let written = written.unwrap_or(target).to_owned();
            if let Some((code, exists)) = self.short_code(collection, &written) {
                diagnostic.message = msg!("link.short_code", written = &written);
                diagnostic.help = Some(if exists {
                    msg!("link.short_code_help", code = code)
                } else {
                    msg!("link.short_code_no_page", code = code)
                });
            } else if written != target {
                diagnostic.message = msg!("link.unknown", noun = noun, target = written);
            }
            diagnostic
        };
        diagnostics.push(diagnostic);
        None
    }

    /// The six-digit code that a five-digit municipality code stands for: with its check digit
    /// (`01206` → `012068`), or with the leading zero it lost (`12068` → `012068`) when only that
    /// one is a page of the site; and whether the site has a page of it.
    fn short_code(&self, collection: Collection, target: &str) -> Option<(String, bool)> {
        if collection != Collection::Municipalities {
            return None;
        }
        let full = crate::load::with_check_digit(target)?;
        let padded = format!("0{target}");
        let exists = |code: &str| self.site.node(collection, code).is_some();
        if !exists(&full) && exists(&padded) {
            return Some((padded, true));
        }
        let page = exists(&full);
        Some((full, page))
    }

    /// The nearest id by spelling, or the id of an entity whose name was written instead.
    fn nearest(&self, collection: Collection, target: &str) -> Option<Text> {
        let ids: Vec<&str> = self.site.list_unsorted(collection).map(|n| n.id()).collect();
        let by_name: Vec<&Node> =
            self.site.list_unsorted(collection).filter(|n| n.title() == target).collect();
        if let [node] = by_name.as_slice() {
            return Some(if collection == Collection::Municipalities {
                msg!("link.by_code", target = target, id = node.id())
            } else {
                msg!("link.by_id", folder = collection.folder(), target = target, id = node.id())
            });
        }
        if by_name.len() > 1 {
            let choices: Vec<String> = by_name.iter().map(|n| format!("`{}`", n.id())).collect();
            return Some(msg!("link.several", target = target, choices = choices.join(", ")));
        }
        suggest(target, &ids).or_else(|| {
            (!ids.is_empty()).then(|| msg!("link.see_folder", folder = collection.folder()))
        })
    }
}

impl Site {
    fn list_unsorted(&self, collection: Collection) -> impl Iterator<Item = &Node> {
        self.nodes.iter().filter(move |n| n.collection() == collection)
    }
}

/// The value under a diagnostic's caret, without its quotes.
fn written_at(diagnostic: &Diagnostic) -> Option<&str> {
    let location = diagnostic.location.as_ref()?;
    let text = location.source_line.get(location.span.clone())?;
    Some(text.trim_matches(['"', '\'']))
}

/// What an entry of `collection` is called: 区, 市町村…
fn noun(collection: Collection) -> Text {
    match collection {
        Collection::Wards => msg!("noun.ward"),
        Collection::Prefectures => msg!("noun.prefecture"),
        Collection::Municipalities => msg!("noun.municipality"),
        Collection::Events => msg!("noun.event"),
        Collection::Exhibits => msg!("noun.exhibit"),
        Collection::News => msg!("noun.news"),
        Collection::Facilities => msg!("noun.facility"),
        Collection::Agreements => msg!("noun.agreement"),
        Collection::Meetings => msg!("noun.meeting"),
        Collection::Partners => msg!("noun.partner"),
        Collection::Pages => msg!("noun.page"),
    }
}

/// Values that must come from a fixed set, codes that must be unique, periods that must not end
/// before they begin.
fn check_values(site: &Site, diagnostics: &mut Diagnostics) {
    let categories: Vec<&str> = CATEGORIES.iter().map(|(name, _)| *name).collect();
    let mut codes: HashMap<(Collection, &str), &Entry> = HashMap::new();
    for node in &site.nodes {
        let entry = &node.entry;
        match &entry.meta {
            Meta::Ward(m) => {
                let problem = codes::ward_code_problem(&entry.id, &m.name, &m.code);
                push_code_problem(entry, &m.code, problem, diagnostics);
                unique_code(&mut codes, entry, Collection::Wards, &m.code, diagnostics)
            }
            Meta::Prefecture(m) => {
                let problem = codes::prefecture_code_problem(&entry.id, &m.name, &m.code);
                push_code_problem(entry, &m.code, problem, diagnostics);
                unique_code(&mut codes, entry, Collection::Prefectures, &m.code, diagnostics);
                if !REGIONS.contains(&m.region.as_str()) && !is_placeholder(&m.region) {
                    diagnostics.push(
                        entry
                            .error_at_value(
                                "region",
                                &m.region,
                                msg!("link.unknown_region", region = &m.region),
                            )
                            .with_optional_help(suggest(&m.region, &REGIONS)),
                    );
                }
            }
            Meta::Event(m) => {
                // A placeholder is reported as such (`placeholders`).
                if !categories.contains(&m.category.as_str()) && !is_placeholder(&m.category) {
                    diagnostics.push(
                        entry
                            .error_at_value(
                                "category",
                                &m.category,
                                msg!("link.unknown_category", category = &m.category),
                            )
                            .with_optional_help(suggest(&m.category, &categories)),
                    );
                }
                if let Some(end) = m.end
                    && end.is_before(&m.date)
                {
                    diagnostics.push(entry.error_at_value(
                        "end",
                        &end.iso(),
                        msg!("link.event_ends_early", end = end.iso(), date = m.date.iso()),
                    ));
                }
            }
            Meta::Exhibit(m) if m.end.is_before(&m.date) => {
                diagnostics.push(entry.error_at_value(
                    "end",
                    &m.end.iso(),
                    msg!("link.exhibit_ends_early", end = m.end.iso(), date = m.date.iso()),
                ));
            }
            _ => {}
        }
    }
}

fn push_code_problem(
    entry: &Entry,
    code: &str,
    problem: Option<(Text, Text)>,
    diagnostics: &mut Diagnostics,
) {
    if let Some((message, help)) = problem.filter(|_| !is_placeholder(code)) {
        diagnostics.push(entry.error_at_value("code", code, message).with_help(help));
    }
}

fn unique_code<'a>(
    codes: &mut HashMap<(Collection, &'a str), &'a Entry>,
    entry: &'a Entry,
    collection: Collection,
    code: &'a str,
    diagnostics: &mut Diagnostics,
) {
    if let Some(first) = codes.insert((collection, code), entry) {
        diagnostics.push(
            entry
                .error_at_value(
                    "code",
                    code,
                    msg!(
                        "link.code_used",
                        code = code,
                        other = crate::diag::shown_path(&first.path)
                    ),
                )
                .with_help(msg!("link.code_used_help")),
        );
    }
}

fn sort_collections(site: &mut Site) {
    let mut collections: BTreeMap<Collection, Vec<NodeId>> = BTreeMap::new();
    for (id, node) in site.nodes.iter().enumerate() {
        collections.entry(node.collection()).or_default().push(id);
    }
    for (collection, ids) in &mut collections {
        let nodes = &site.nodes;
        match collection {
            // Codes give the official order (千代田区 … 江戸川区; 北海道 … 沖縄県).
            Collection::Wards
            | Collection::Prefectures
            | Collection::Municipalities
            | Collection::Pages => {
                ids.sort_by(|&a, &b| nodes[a].code().cmp(nodes[b].code()));
            }
            Collection::Facilities => ids.sort_by(|&a, &b| nodes[a].title().cmp(nodes[b].title())),
            // The platform page lists partners by kind, then by reading (or name).
            Collection::Partners => ids.sort_by_key(|&id| partner_order(&nodes[id])),
            _ => ids.sort_by(|&a, &b| newest_first(&nodes[a], &nodes[b])),
        }
    }
    if let Some(mut meetings) = collections.remove(&Collection::Meetings) {
        super::meetings::sort(site, &mut meetings);
        collections.insert(Collection::Meetings, meetings);
    }
    site.collections = collections;
}

/// Newest first; undated entries (an agreement whose sources give no signing day) after every
/// dated one, by title; remaining ties by id so that the order never depends on the file system.
/// An entry known only by its month (or year) comes after the dated entries of that month (or
/// year): `Date` orders a period before the days within it.
pub(super) fn newest_first(a: &Node, b: &Node) -> Ordering {
    // `None < Some`, so the reversed comparison puts undated entries last.
    let by_date = b.date().cmp(&a.date());
    let by_title = || if a.date().is_none() { a.title().cmp(b.title()) } else { Ordering::Equal };
    by_date.then_with(by_title).then_with(|| a.id().cmp(b.id()))
}

/// A partner's place on the platform page: its kind's place in `PARTNER_KINDS`, then its
/// reading (or name), then its id.
fn partner_order(node: &Node) -> (usize, String, String) {
    let (kind, reading) = match &node.entry.meta {
        Meta::PartnerOrg(m) => (m.kind.as_str(), m.kana.clone().unwrap_or_else(|| m.name.clone())),
        _ => ("", String::new()),
    };
    let rank = super::PARTNER_KINDS.iter().position(|k| *k == kind).unwrap_or(usize::MAX);
    (rank, reading, node.id().to_owned())
}

/// Every relation written on one side is recorded on the other, in list order.
fn fill_backlinks(site: &mut Site) {
    let mut backlinks: Vec<Backlinks> = vec![Backlinks::default(); site.nodes.len()];
    for (index, partner) in site.partners.iter().enumerate() {
        backlinks[partner.ward].partners.push(index);
    }
    for &id in site.list(Collection::Municipalities) {
        let node = &site.nodes[id];
        if let Some(prefecture) = node.links.parent {
            backlinks[prefecture].municipalities.push(id);
            backlinks[prefecture].partners.extend(&node.links.partners);
        }
    }
    for collection in [
        Collection::Events,
        Collection::Exhibits,
        Collection::News,
        Collection::Agreements,
        Collection::Facilities,
        Collection::Meetings,
    ] {
        for &id in site.list(collection) {
            for target in involved(site, id) {
                let list = match collection {
                    Collection::Events => &mut backlinks[target].events,
                    Collection::Exhibits => &mut backlinks[target].exhibits,
                    Collection::News => &mut backlinks[target].news,
                    Collection::Agreements => &mut backlinks[target].agreements,
                    Collection::Meetings => &mut backlinks[target].meetings,
                    _ => &mut backlinks[target].facilities,
                };
                list.push(id);
            }
        }
    }
    // A ward's partners read best grouped by prefecture, in code order.
    for list in &mut backlinks {
        list.partners.sort_by(|&a, &b| {
            site.nodes[site.partners[a].municipality]
                .code()
                .cmp(site.nodes[site.partners[b].municipality].code())
        });
    }
    super::members::fill_backlinks(site, &mut backlinks);
    for (node, backlinks) in site.nodes.iter_mut().zip(backlinks) {
        node.backlinks = backlinks;
    }
}

/// The wards, municipalities and prefectures an entry involves, each once: a prefecture is
/// involved when one of its municipalities is.
fn involved(site: &Site, id: NodeId) -> BTreeSet<NodeId> {
    let links = &site.nodes[id].links;
    let mut targets: BTreeSet<NodeId> = BTreeSet::new();
    targets.extend(&links.wards);
    targets.extend(&links.prefectures);
    targets.extend(links.parent);
    targets.extend(&links.agreements);
    for &municipality in &links.municipalities {
        targets.insert(municipality);
        targets.extend(site.nodes[municipality].links.parent);
    }
    targets
}
