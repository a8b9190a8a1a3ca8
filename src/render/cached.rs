//! Values that many pages show, made once per build and language in tera's form: links to
//! entities (references) and cards. tera's values are reference-counted, so every page that
//! shows one shares it instead of building and converting its own copy. Partner rows (a ward's
//! page lists hundreds, which municipality and prefecture pages show again) are made per page
//! from the shared references: keeping them too cost more memory than it saved time.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

use super::context::{card, municipality_row, reference};
use super::deps::PageReader;
use crate::model::{NodeId, Site};

/// A value in tera's form with the hash of what it was made from (for pages' fingerprints).
#[derive(Clone)]
pub(super) struct Shown {
    pub(super) value: tera::Value,
    pub(super) hash: u64,
}

impl Shown {
    pub(super) fn of(json: &serde_json::Value) -> Shown {
        Shown {
            value: tera::Value::from_serializable(json),
            hash: super::fingerprint::of_json(json),
        }
    }

    /// A string, hashed as it is (partner rows show three per row, on every page that lists them).
    pub(super) fn text(text: &str) -> Shown {
        Shown { value: tera::Value::from(text), hash: crate::hash::of(text) }
    }

    /// An array of shown values, hashed from its members' hashes.
    pub(super) fn array(members: impl IntoIterator<Item = Shown>) -> Shown {
        let mut hasher = std::hash::DefaultHasher::new();
        let values: Vec<tera::Value> = members
            .into_iter()
            .map(|member| {
                member.hash.hash(&mut hasher);
                member.value
            })
            .collect();
        values.len().hash(&mut hasher);
        Shown { value: tera::Value::from(values), hash: hasher.finish() }
    }

    /// A map of shown values, hashed from its names and members' hashes.
    pub(super) fn map(members: impl IntoIterator<Item = (&'static str, Shown)>) -> Shown {
        Shown::extended(None, members)
    }

    /// The fields of the map `base` (shared, not copied) and `members`.
    fn extended(
        base: Option<&Shown>,
        members: impl IntoIterator<Item = (&'static str, Shown)>,
    ) -> Shown {
        let mut hasher = std::hash::DefaultHasher::new();
        let mut map = tera::Map::default();
        if let Some(base) = base {
            base.hash.hash(&mut hasher);
            if let Some(fields) = base.value.as_map() {
                map.extend(fields.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
        }
        for (name, member) in members {
            name.hash(&mut hasher);
            member.hash.hash(&mut hasher);
            map.insert(name.into(), member.value);
        }
        Shown { value: tera::Value::from(map), hash: hasher.finish() }
    }
}

/// One language's values, each made when a page first shows it.
struct LanguageSlots {
    references: Vec<OnceLock<Shown>>,
    cards: Vec<OnceLock<Shown>>,
}

impl LanguageSlots {
    fn new(site: &Site) -> LanguageSlots {
        let slots = |n: usize| (0..n).map(|_| OnceLock::new()).collect();
        LanguageSlots { references: slots(site.nodes.len()), cards: slots(site.nodes.len()) }
    }
}

/// The values of one build, per language.
pub(super) struct NodeValueCache {
    tables: HashMap<String, LanguageSlots>,
}

impl NodeValueCache {
    pub(super) fn new(site: &Site) -> NodeValueCache {
        let tables = site
            .config
            .language_codes()
            .into_iter()
            .map(|lang| (lang.to_owned(), LanguageSlots::new(site)))
            .collect();
        NodeValueCache { tables }
    }

    /// Every access reads the node the value shows, as building it would have: the page that
    /// asks depends on it whether or not another page built the value first.
    pub(super) fn reference(&self, site: &PageReader, id: NodeId, lang: &str) -> Shown {
        site.read(id);
        self.get(lang, |t| &t.references[id], || reference(site, id, lang))
    }

    pub(super) fn references(&self, site: &PageReader, ids: &[NodeId], lang: &str) -> Shown {
        Shown::array(ids.iter().map(|&id| self.reference(site, id, lang)))
    }

    pub(super) fn card(&self, site: &PageReader, id: NodeId, lang: &str) -> Shown {
        site.read(id);
        self.get(lang, |t| &t.cards[id], || card(site, id, lang))
    }

    pub(super) fn cards(&self, site: &PageReader, ids: &[NodeId], lang: &str) -> Shown {
        Shown::array(ids.iter().map(|&id| self.card(site, id, lang)))
    }

    /// A partner relation: `{ward, municipality, prefecture: Ref, relation, since, source}`,
    /// the absent ones left out.
    pub(super) fn partner(&self, site: &PageReader, index: usize, lang: &str) -> Shown {
        let partner = &site.partners()[index];
        let mut fields = vec![
            ("ward", self.reference(site, partner.ward, lang)),
            ("municipality", self.reference(site, partner.municipality, lang)),
        ];
        if let Some(prefecture) = site.read(partner.municipality).links.parent {
            fields.push(("prefecture", self.reference(site, prefecture, lang)));
        }
        let texts = [
            ("relation", &partner.relation),
            ("since", &partner.since),
            ("source", &partner.source),
        ];
        for (name, text) in texts {
            if let Some(text) = text {
                fields.push((name, Shown::text(text)));
            }
        }
        Shown::map(fields)
    }

    pub(super) fn partners(&self, site: &PageReader, indices: &[usize], lang: &str) -> Shown {
        Shown::array(indices.iter().map(|&index| self.partner(site, index, lang)))
    }

    /// A municipality with its code, kind, reading and partner rows (a prefecture's page).
    pub(super) fn municipality_row(&self, site: &PageReader, id: NodeId, lang: &str) -> Shown {
        let row = Shown::of(&municipality_row(site, id, lang));
        let partners = self.partners(site, &site.read(id).links.partners, lang);
        Shown::extended(Some(&row), [("partners", partners)])
    }

    fn get(
        &self,
        lang: &str,
        slot: impl Fn(&LanguageSlots) -> &OnceLock<Shown>,
        make: impl FnOnce() -> serde_json::Value,
    ) -> Shown {
        match self.tables.get(lang) {
            Some(table) => slot(table).get_or_init(|| Shown::of(&make())).clone(),
            // A language the site does not have: nothing to share, made on the spot.
            None => Shown::of(&make()),
        }
    }
}
