//! The template context of each route, exactly as docs/templates.md describes it.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::{Map, Value, json};

use super::cached::{NodeValueCache, Shown};
use super::deps::PageReader;
use super::i18n;
use crate::load::{Entry, Meta};
use crate::markdown::Bodies;
use crate::model::{CATEGORIES, Collection, NodeId, REGIONS, Route, RouteKind, Site};

/// What every page of a language shares, computed once per build rather than once per page.
pub struct CommonContext {
    per_lang: HashMap<String, Map<String, Value>>,
    /// Per language, the whole navigation (`nav` of the fragments): pages get only its
    /// `sections` and `categories`, since copying all prefectures and wards into every page's
    /// context cost more than rendering what they show.
    fragment_nav: HashMap<String, Value>,
    categories: Vec<Value>,
    /// `{datasets, others}` of the open data page.
    pub(super) datasets: Value,
    /// A hash of `per_lang`, per language: part of every page's fingerprint.
    hashes: HashMap<String, u64>,
    /// `per_lang` as tera values, made once all fragments are in: their strings, arrays and
    /// maps are reference-counted, so giving them to every page copies nothing.
    template_values: OnceLock<HashMap<String, Vec<(String, tera::Value)>>>,
    /// References and cards, made once for all the pages that show them.
    pub(super) cache: NodeValueCache,
}

/// A page's own context: values made for it (JSON), and values it shares with other pages.
pub(super) struct Own {
    pub(super) json: Map<String, Value>,
    pub(super) shown: Vec<(&'static str, Shown)>,
}

impl Own {
    fn new(json: Map<String, Value>) -> Own {
        Own { json, shown: Vec::new() }
    }

    pub(super) fn show(&mut self, name: &'static str, value: Shown) {
        self.shown.push((name, value));
    }

    /// A hash of the whole context: equal hashes, equal values.
    pub(super) fn hash(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::hash::DefaultHasher::new();
        super::fingerprint::of_json(&self.json).hash(&mut hasher);
        for (name, shown) in &self.shown {
            name.hash(&mut hasher);
            shown.hash.hash(&mut hasher);
        }
        hasher.finish()
    }
}

impl CommonContext {
    pub fn new(whole: &Site) -> CommonContext {
        // What every page shares has its own hash in each page's fingerprint: what it reads is
        // not a page's dependency.
        let site = &PageReader::new(whole);
        let categories: Vec<Value> = (0..CATEGORIES.len()).map(|i| category(site, i)).collect();
        let mut per_lang = HashMap::new();
        let mut fragment_nav = HashMap::new();
        let og_image = super::extras::og_image(whole);
        for lang in site.config().language_codes() {
            let nav = nav(site, lang, &categories);
            let mut values = Map::new();
            values.insert("site".into(), site_value(site, lang));
            values.insert("lang".into(), json!(lang));
            values.insert("t".into(), i18n::strings(&whole.config, lang));
            if let Some(image) = &og_image {
                values.insert("og_image".into(), json!(image));
            }
            values.insert(
                "nav".into(),
                json!({"sections": nav["sections"], "categories": nav["categories"]}),
            );
            per_lang.insert(lang.to_owned(), values);
            fragment_nav.insert(lang.to_owned(), nav);
        }
        let hashes = per_lang
            .iter()
            .map(|(lang, values)| (lang.clone(), super::fingerprint::of_json(values)))
            .collect();
        CommonContext {
            per_lang,
            fragment_nav,
            categories,
            datasets: json!({"datasets": [], "others": []}),
            hashes,
            template_values: OnceLock::new(),
            cache: NodeValueCache::new(whole),
        }
    }

    /// The open data files, for the data page.
    pub fn with_datasets(mut self, datasets: Value) -> CommonContext {
        self.datasets = datasets;
        self.template_values = OnceLock::new();
        self
    }

    /// The hash of what every page in `lang` shares (site, navigation, strings).
    pub fn hash(&self, lang: &str) -> u64 {
        self.hashes.get(lang).copied().unwrap_or_default()
    }

    /// The languages of the site, with the context of their fragments: what all their pages
    /// share, with the whole navigation.
    pub(super) fn fragment_contexts(&self) -> Vec<(String, Map<String, Value>)> {
        let mut contexts: Vec<(String, Map<String, Value>)> =
            self.per_lang.clone().into_iter().collect();
        for (lang, values) in &mut contexts {
            if let Some(nav) = self.fragment_nav.get(lang.as_str()) {
                values.insert("nav".into(), nav.clone());
            }
        }
        contexts.sort_by(|a, b| a.0.cmp(&b.0));
        contexts
    }

    /// Adds the theme's fragments of one language (`fragments.<name>`, rendered once for all
    /// pages); they become part of that language's hash, so a changed fragment re-renders pages.
    pub(super) fn add_fragments(&mut self, lang: &str, fragments: Map<String, Value>) {
        if let Some(values) = self.per_lang.get_mut(lang) {
            values.insert("fragments".into(), Value::Object(fragments));
            self.hashes.insert(lang.to_owned(), super::fingerprint::of_json(values));
            self.template_values = OnceLock::new();
        }
    }

    /// The page's own context completed with what all pages in its language share (which wins
    /// over a page value of the same name).
    pub(super) fn complete(&self, own: Own, lang: &str) -> tera::Context {
        let mut context = tera::Context::new();
        for (name, value) in own.json {
            context.insert_value(name, tera::Value::from_serializable(&value));
        }
        for (name, shown) in own.shown {
            context.insert_value(name, shown.value);
        }
        let shared = self.template_values.get_or_init(|| {
            let convert = |values: &Map<String, Value>| {
                values
                    .iter()
                    .map(|(name, value)| (name.clone(), tera::Value::from_serializable(value)))
                    .collect()
            };
            self.per_lang.iter().map(|(lang, values)| (lang.clone(), convert(values))).collect()
        });
        for (name, value) in shared.get(lang).into_iter().flatten() {
            context.insert_value(name.clone(), value.clone());
        }
        context
    }
}

/// The context of one page, without what every page shares (`CommonContext::complete` adds it), read
/// through `site`, which records the nodes it shows.
pub(super) fn for_route(
    site: &PageReader,
    shared: &CommonContext,
    bodies: &Bodies,
    route: &Route,
) -> Own {
    let lang = route.lang.as_str();
    let mut own = match route.kind {
        RouteKind::Home => home(site, shared, bodies, lang),
        RouteKind::NotFound | RouteKind::Search => Own::new(Map::new()),
        // Always prepared again (`build::pages`): they count over the whole site.
        RouteKind::Plan => Own::new(super::plan::context(site, lang)),
        // Always prepared again (`build::pages`): it lists the files of the whole site.
        RouteKind::Data => {
            Own::new(super::opendata::context(site.unrecorded(), &shared.datasets, lang))
        }
        RouteKind::Members => Own::new(super::members::members_context(site, lang)),
        RouteKind::Entity(id) => entity(site, shared, bodies, id, lang),
        RouteKind::List { collection, page, category } => {
            list(site, shared, bodies, collection, page, category, lang)
        }
    };
    let context = &mut own.json;
    let title = page_title(site, route, context);
    context.insert("current_url".into(), json!(url(site, &route.path)));
    context.insert("permalink".into(), json!(permalink(site, &route.path)));
    context.insert("breadcrumbs".into(), breadcrumbs(site, route, &title));
    context.insert("title".into(), json!(title));
    context.insert("alternates".into(), alternates(site, route));
    context.insert("lang_links".into(), lang_links(site, route));
    context.insert("section".into(), json!(section_name(site, route)));
    context.insert("feeds".into(), feeds(site, route));
    super::extras::add(site, route, context);
    own
}

fn url(site: &PageReader, path: &str) -> String {
    site.url(path)
}

fn permalink(site: &PageReader, path: &str) -> String {
    site.permalink(path)
}

fn site_value(site: &PageReader, lang: &str) -> Value {
    let config = site.config();
    let (title, description) = match config.languages.get(lang) {
        Some(language) => (language.title.as_str(), language.description.as_str()),
        None => (config.title.as_str(), config.description.as_str()),
    };
    json!({
        "title": title,
        "description": description,
        "base_url": config.base_url,
        "base_path": config.base_path,
        "author": config.author,
        "license": config.license,
        "home_url": url(site, &site.lang_prefix(lang)),
        "about": about(site, lang),
        "pages": footer_pages(site, lang),
        "registration": super::members::registration(site, lang),
    })
}

/// The pages the footer links to when the site has them (`content/<name>.md`), as Refs by name:
/// accessibility, contact, privacy, site-map, opendata.
fn footer_pages(site: &PageReader, lang: &str) -> Value {
    let pages = ["accessibility", "contact", "privacy", "site-map", "opendata"]
        .into_iter()
        .filter_map(|name| {
            site.node(Collection::Pages, name)
                .map(|id| (name.to_owned(), reference(site, id, lang)))
        });
    Value::Object(pages.collect())
}

/// The about page (`content/about.md`) for the menu: a Ref in `lang` when translated, else the
/// default language's (its `lang` says which); null when the site has none.
fn about(site: &PageReader, lang: &str) -> Value {
    site.node(Collection::Pages, "about").map_or(Value::Null, |id| reference(site, id, lang))
}

/// A link to a node, in `lang` when it has that translation.
pub(super) fn reference(site: &PageReader, id: NodeId, lang: &str) -> Value {
    let node = site.read(id);
    let shown = if node.translations.contains_key(lang) {
        lang
    } else {
        site.config().default_language.as_str()
    };
    json!({
        "id": node.id(),
        "title": node.entry_in(shown).meta.title(),
        "url": url(site, &site.path_of(id, shown)),
        "lang": shown,
    })
}

/// An entry in a list: a reference plus what a list shows of it.
pub(super) fn card(site: &PageReader, id: NodeId, lang: &str) -> Value {
    let mut card = reference(site, id, lang);
    let node = site.read(id);
    let entry = node.entry_in(lang);
    let fields = match &entry.meta {
        Meta::Event(m) => {
            json!({"kind": "event", "kind_label": m.kind.clone().unwrap_or_else(|| "イベント".into()), "date": m.date, "end": m.end, "category": m.category, "venue": m.venue, "summary": m.summary, "support": (!m.support.is_empty()).then_some(&m.support)})
        }
        Meta::Exhibit(m) => {
            json!({"kind": "exhibit", "kind_label": "展示", "date": m.date, "end": m.end, "location": m.location, "summary": m.summary})
        }
        Meta::News(m) => {
            json!({"kind": "news", "kind_label": m.category, "date": m.date, "category": m.category, "summary": m.summary})
        }
        Meta::Agreement(m) => {
            json!({"kind": "agreement", "kind_label": "協定", "date": m.date, "date_note": m.date_note, "summary": m.summary})
        }
        Meta::Meeting(_) => super::meetings::card_fields(site, id, lang),
        Meta::Facility(m) => {
            json!({"kind": "facility", "kind_label": "施設", "location": m.address, "summary": m.summary})
        }
        Meta::Municipality(m) => {
            json!({"kind": "municipality", "kind_label": m.kind, "summary": m.summary})
        }
        Meta::PartnerOrg(_) => super::members::partner_card_fields(site, id),
        _ => json!({"kind": node.collection().folder()}),
    };
    merge(&mut card, fields);
    // Cards of events, exhibits and news show their photo (the translation's, else the original's).
    if let Some(image) = image_value(entry).or_else(|| image_value(&node.entry))
        && let Value::Object(map) = &mut card
    {
        map.insert("image".into(), image);
    }
    card
}

/// Adds the non-null fields of `extra` to `target`.
fn merge(target: &mut Value, extra: Value) {
    if let (Value::Object(target), Value::Object(extra)) = (target, extra) {
        target.extend(extra.into_iter().filter(|(_, v)| !v.is_null()));
    }
}

/// `page`: the front matter of the entry plus its rendered body and URLs.
fn page_value(site: &PageReader, bodies: &Bodies, entry: &Entry, path: &str) -> Value {
    let mut page = entry.meta.fields();
    if let Value::Object(map) = &mut page {
        map.retain(|_, v| !v.is_null());
        map.remove("partners");
        map.remove("draft");
    }
    let body = bodies.get(&entry.path);
    let summary = entry_summary(entry, body.map(|b| b.text.as_str()));
    merge(
        &mut page,
        json!({
            "id": entry.id,
            "title": entry.meta.title(),
            "url": url(site, path),
            "permalink": permalink(site, path),
            "content": body.map_or("", |b| b.html.as_str()),
            "toc": body.map(|b| &b.toc),
            "summary": summary,
        }),
    );
    add_image(entry, &mut page);
    page
}

/// `page.image`: `{path, alt}` of the front matter's photo, `path` being what `resize_image`
/// takes (the file beside the entry, from the site root).
fn add_image(entry: &Entry, page: &mut Value) {
    let Some(image) = image_value(entry) else { return };
    if let Value::Object(map) = page {
        map.remove("image_alt");
        map.insert("image".into(), image);
    }
}

fn image_value(entry: &Entry) -> Option<Value> {
    let (image, alt) = entry.meta.image()?;
    let folder = entry.path.parent().unwrap_or(std::path::Path::new(""));
    let path = folder.join(image.strip_prefix("./").unwrap_or(image));
    Some(json!({"path": path.to_string_lossy().replace('\\', "/"), "alt": alt.unwrap_or("")}))
}

/// The front matter's summary, or the first sentence or so of the body.
pub(super) fn entry_summary(entry: &Entry, text: Option<&str>) -> String {
    let written = match &entry.meta {
        Meta::Municipality(m) => m.summary.as_deref(),
        Meta::Event(m) => m.summary.as_deref(),
        Meta::Exhibit(m) => m.summary.as_deref(),
        Meta::News(m) => m.summary.as_deref(),
        Meta::Facility(m) => m.summary.as_deref(),
        Meta::Agreement(m) => m.summary.as_deref(),
        Meta::Meeting(m) => m.summary.as_deref(),
        Meta::PartnerOrg(m) => m.summary.as_deref(),
        Meta::Page(m) => m.summary.as_deref(),
        Meta::Ward(_) | Meta::Prefecture(_) => None,
    };
    if let Some(summary) = written {
        return summary.to_owned();
    }
    first_words(text.unwrap_or(""), SUMMARY_CHARS)
}

/// The length of a summary made from the body, in characters.
const SUMMARY_CHARS: usize = 120;

/// The first `limit` characters of `text` with its whitespace runs made single spaces (none at
/// either end), and `…` when there is more. Reads only as far as it needs: bodies are
/// kilobytes long, Japanese ones mostly without spaces, and this runs for every page.
fn first_words(text: &str, limit: usize) -> String {
    let mut out = String::with_capacity(limit * 3 + 3);
    let mut count = 0;
    let mut space_pending = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space_pending = count > 0;
            continue;
        }
        let needed = if space_pending { 2 } else { 1 };
        if count + needed > limit {
            // What `limit` allows of a pending space is still written, as a word boundary.
            if space_pending && count < limit {
                out.push(' ');
            }
            out.push('…');
            return out;
        }
        if space_pending {
            out.push(' ');
            space_pending = false;
        }
        out.push(c);
        count += needed;
    }
    out
}

fn home(site: &PageReader, shared: &CommonContext, bodies: &Bodies, lang: &str) -> Own {
    let cache = &shared.cache;
    let mut own = Own::new(Map::new());
    let prefix = site.lang_prefix(lang);
    if let Some(entry) = site.section("", lang) {
        own.json.insert("page".into(), page_value(site, bodies, entry, &prefix));
    }
    let news: Vec<NodeId> = site.list(Collection::News).iter().copied().take(5).collect();
    let (upcoming, _) = site.event_list(None);
    let (current, _) = site.exhibit_list();
    own.show("news", cache.cards(site, &news, lang));
    own.show("upcoming_events", cache.cards(site, &upcoming[..upcoming.len().min(6)], lang));
    own.show("current_exhibits", cache.cards(site, &current, lang));
    let context = &mut own.json;
    context.insert(
        "stats".into(),
        json!({
            "wards": site.list(Collection::Wards).len(),
            "prefectures": site.list(Collection::Prefectures).len(),
            "municipalities": site.list(Collection::Municipalities).len(),
            "partners": site.partners().len(),
        }),
    );
    context.insert("regions".into(), regions(site, lang));
    own
}

/// The prefectures by region, each with its number of partner relations.
fn regions(site: &PageReader, lang: &str) -> Value {
    let regions = REGIONS.iter().map(|&region| {
        let prefectures: Vec<Value> = site
            .list(Collection::Prefectures)
            .iter()
            .filter(|&&id| matches!(&site.read(id).entry.meta, Meta::Prefecture(m) if m.region == region))
            .map(|&id| {
                let node = site.read(id);
                let mut value = reference(site, id, lang);
                let code = match &node.entry.meta {
                    Meta::Prefecture(m) => m.code.as_str(),
                    _ => "",
                };
                merge(&mut value, json!({
                    "code": code,
                    "partner_count": node.backlinks.partners.len(),
                    "municipality_count": node.backlinks.municipalities.len(),
                }));
                value
            })
            .collect();
        json!({"name": region, "prefectures": prefectures})
    });
    Value::Array(regions.collect())
}

fn entity(
    site: &PageReader,
    shared: &CommonContext,
    bodies: &Bodies,
    id: NodeId,
    lang: &str,
) -> Own {
    let cache = &shared.cache;
    let node = site.read(id);
    let entry = node.entry_in(lang);
    let mut own = Own::new(Map::new());
    let mut page = page_value(site, bodies, entry, &site.path_of(id, lang));
    // Relations and codes come from the original: a translation only translates text.
    if let (Meta::Municipality(_), Value::Object(map)) = (&node.entry.meta, &mut page) {
        map.insert("code".into(), json!(node.id()));
    }
    own.json.insert("page".into(), page);
    let back = &node.backlinks;
    let links = &node.links;
    match node.collection() {
        Collection::Wards => {
            own.show(
                "partners_by_prefecture",
                partners_by_prefecture(site, cache, &back.partners, lang),
            );
            own.json.insert("partner_count".into(), json!(back.partners.len()));
            own.show("facilities", cache.cards(site, &back.facilities, lang));
        }
        Collection::Prefectures => {
            let rows = back.municipalities.iter().map(|&m| cache.municipality_row(site, m, lang));
            own.show("municipalities", Shown::array(rows));
            own.show(
                "municipality_groups",
                municipality_groups(site, cache, &back.municipalities, lang),
            );
            own.show("partners_by_ward", partners_by_ward(site, cache, &back.partners, lang));
            own.json.insert("partner_count".into(), json!(back.partners.len()));
            own.show("agreements", cache.cards(site, &back.agreements, lang));
        }
        Collection::Municipalities => {
            if let Some(prefecture) = links.parent {
                own.show("prefecture", cache.reference(site, prefecture, lang));
            }
            own.show("partners", cache.partners(site, &links.partners, lang));
            own.show("agreements", cache.cards(site, &back.agreements, lang));
        }
        Collection::Events => {
            if let Meta::Event(m) = &node.entry.meta
                && let Some(index) = CATEGORIES.iter().position(|(name, _)| *name == m.category)
            {
                own.json.insert("category".into(), shared.categories[index].clone());
            }
        }
        Collection::Facilities => {
            if let Some(ward) = links.parent {
                own.show("ward", cache.reference(site, ward, lang));
            }
        }
        Collection::Meetings => {
            own.show("agreements", cache.references(site, &links.agreements, lang));
            super::meetings::add_page_fields(site, id, lang, &mut own.json);
        }
        _ => {}
    }
    if !back.meetings.is_empty() {
        own.show("meetings", cache.cards(site, &back.meetings, lang));
    }
    super::members::entity_values(site, id, lang, &mut own.json);
    if matches!(
        node.collection(),
        Collection::Wards | Collection::Prefectures | Collection::Municipalities
    ) {
        own.show("events", cache.cards(site, &back.events, lang));
        own.show("exhibits", cache.cards(site, &back.exhibits, lang));
        own.show("news", cache.cards(site, &back.news, lang));
    } else {
        own.show("wards", cache.references(site, &links.wards, lang));
        own.show("municipalities", cache.references(site, &links.municipalities, lang));
        own.show("prefectures", cache.references(site, &links.prefectures, lang));
    }
    own
}

/// A municipality in a list: its reference, code, kind, reading and number of partners.
pub(super) fn municipality_row(site: &PageReader, id: NodeId, lang: &str) -> Value {
    let node = site.read(id);
    let mut value = reference(site, id, lang);
    let (kind, kana) = match &node.entry.meta {
        Meta::Municipality(m) => (m.kind.clone(), Some(m.kana.clone())),
        _ => (None, None),
    };
    merge(
        &mut value,
        json!({
            "code": node.id(),
            "kind": kind,
            "kana": kana,
            "partner_count": node.links.partners.len(),
        }),
    );
    value
}

/// A ward's partners grouped by prefecture, in the order of the prefectures' codes (北海道
/// first), each group in the order of the partners' municipality codes; partners whose
/// municipality has no prefecture come last.
fn partners_by_prefecture(
    site: &PageReader,
    cache: &NodeValueCache,
    indices: &[usize],
    lang: &str,
) -> Shown {
    let groups = group_partners(site, indices, |index| {
        let prefecture = site.read(site.partners()[index].municipality).links.parent;
        let order = prefecture.map(|p| position(site, Collection::Prefectures, p));
        (order.is_none(), order, prefecture)
    });
    let groups = groups.into_iter().map(|((_, _, prefecture), members)| {
        let prefecture = match prefecture {
            Some(p) => cache.reference(site, p, lang),
            None => Shown { value: tera::Value::none(), hash: 0 },
        };
        Shown::map([("prefecture", prefecture), ("partners", cache.partners(site, &members, lang))])
    });
    Shown::array(groups)
}

/// A prefecture's relations grouped by ward, in the wards' order (千代田区 first), each group in
/// the order of the municipalities' codes: `[{ward: Ref, partners: [Partner]}]`.
fn partners_by_ward(
    site: &PageReader,
    cache: &NodeValueCache,
    indices: &[usize],
    lang: &str,
) -> Shown {
    let groups = group_partners(site, indices, |index| {
        let ward = site.partners()[index].ward;
        (position(site, Collection::Wards, ward), ward)
    });
    let groups = groups.into_iter().map(|((_, ward), members)| {
        Shown::map([
            ("ward", cache.reference(site, ward, lang)),
            ("partners", cache.partners(site, &members, lang)),
        ])
    });
    Shown::array(groups)
}

/// Partner indices grouped by `key`, groups in key order, members in municipality code order.
fn group_partners<K: Ord>(
    site: &PageReader,
    indices: &[usize],
    key: impl Fn(usize) -> K,
) -> Vec<(K, Vec<usize>)> {
    let mut groups: std::collections::BTreeMap<K, Vec<usize>> = std::collections::BTreeMap::new();
    for &index in indices {
        groups.entry(key(index)).or_default().push(index);
    }
    for members in groups.values_mut() {
        members.sort_by_key(|&i| (site.read(site.partners()[i].municipality).id(), i));
    }
    groups.into_iter().collect()
}

fn position(site: &PageReader, collection: Collection, id: NodeId) -> usize {
    site.list(collection).iter().position(|&x| x == id).unwrap_or(usize::MAX)
}

/// A prefecture's municipalities grouped by kind, 市 then 町 then 村 (then any other kind, such
/// as 特別区), each in code order: `[{kind, municipalities: [Ref + {code, kind, partners}]}]`.
fn municipality_groups(
    site: &PageReader,
    cache: &NodeValueCache,
    ids: &[NodeId],
    lang: &str,
) -> Shown {
    let kind_of = |id: NodeId| match &site.read(id).entry.meta {
        Meta::Municipality(m) => m.kind.clone().unwrap_or_default(),
        _ => String::new(),
    };
    let rank = |kind: &str| ["市", "町", "村"].iter().position(|k| *k == kind).unwrap_or(3);
    let mut groups: Vec<(String, Vec<NodeId>)> = Vec::new();
    for &id in ids {
        let kind = kind_of(id);
        match groups.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, members)) => members.push(id),
            None => groups.push((kind, vec![id])),
        }
    }
    groups.sort_by(|a, b| (rank(&a.0), &a.0).cmp(&(rank(&b.0), &b.0)));
    Shown::array(groups.into_iter().map(|(kind, members)| {
        let rows = members.iter().map(|&m| cache.municipality_row(site, m, lang));
        Shown::map([("kind", Shown::text(&kind)), ("municipalities", Shown::array(rows))])
    }))
}

fn category(site: &PageReader, index: usize) -> Value {
    let (name, slug) = CATEGORIES[index];
    let (upcoming, past) = site.event_list(Some(index));
    json!({
        "name": name,
        "slug": slug,
        "url": url(site, &site.list_path(&site.config().default_language, Collection::Events, 1, Some(index))),
        "count": upcoming.len() + past.len(),
    })
}

fn list(
    site: &PageReader,
    shared: &CommonContext,
    bodies: &Bodies,
    collection: Collection,
    page: usize,
    category_index: Option<usize>,
    lang: &str,
) -> Own {
    let cache = &shared.cache;
    let mut own = Own::new(Map::new());
    let context = &mut own.json;
    let path = site.list_path(lang, collection, page, category_index);
    match site.section(collection.folder(), lang) {
        Some(entry) => context.insert("page".into(), page_value(site, bodies, entry, &path)),
        None => context.insert("page".into(), json!({"title": i18n::collection_title(site.config(), collection, lang), "url": url(site, &path), "content": ""})),
    };
    match collection {
        Collection::Events => {
            let (upcoming, past) = site.event_list(category_index);
            let (upcoming, past) =
                paginate_two(upcoming, past, page, site.config().events_per_page);
            own.show("upcoming", cache.cards(site, upcoming, lang));
            own.show("past", cache.cards(site, past, lang));
            let context = &mut own.json;
            context.insert(
                "paginator".into(),
                paginator(site, collection, page, category_index, lang),
            );
            if let Some(index) = category_index {
                context.insert("category".into(), shared.categories[index].clone());
            }
        }
        Collection::Exhibits => {
            let (current, past) = site.exhibit_list();
            let (current, past) =
                paginate_two(&current, &past, page, site.config().events_per_page);
            own.show("current", cache.cards(site, current, lang));
            own.show("past", cache.cards(site, past, lang));
            let context = &mut own.json;
            context.insert("paginator".into(), paginator(site, collection, page, None, lang));
        }
        Collection::News => {
            let per_page = site.config().news_per_page;
            let items: Vec<NodeId> = site
                .list(collection)
                .iter()
                .copied()
                .skip((page - 1) * per_page)
                .take(per_page)
                .collect();
            own.show("items", cache.cards(site, &items, lang));
            own.json.insert("paginator".into(), paginator(site, collection, page, None, lang));
        }
        Collection::Wards => {
            let wards = site.list(collection).iter().map(|&id| {
                let mut value = reference(site, id, lang);
                if let Meta::Ward(m) = &site.read(id).entry.meta {
                    merge(&mut value, json!({"code": m.code, "kana": m.kana, "partner_count": site.read(id).backlinks.partners.len()}));
                }
                value
            });
            context.insert("wards".into(), Value::Array(wards.collect()));
        }
        Collection::Prefectures => {
            context.insert("regions".into(), regions(site, lang));
        }
        Collection::Municipalities => {
            let groups = site
                .list(Collection::Prefectures)
                .iter()
                .filter(|&&p| !site.read(p).backlinks.municipalities.is_empty())
                .map(|&p| {
                    let members: Vec<Value> = site
                        .read(p)
                        .backlinks
                        .municipalities
                        .iter()
                        .map(|&m| municipality_row(site, m, lang))
                        .collect();
                    json!({"prefecture": reference(site, p, lang), "municipalities": members})
                });
            context.insert("prefectures".into(), Value::Array(groups.collect()));
        }
        Collection::Facilities | Collection::Agreements | Collection::Pages => {
            own.show("items", cache.cards(site, site.list(collection), lang));
        }
        Collection::Meetings => super::meetings::list_context(site, cache, lang, &mut own),
        Collection::Partners => super::members::platform_values(site, lang, &mut own.json),
    }
    own
}

/// Page `page` of the list `first` followed by `second`, split back into its two parts.
fn paginate_two<'a>(
    first: &'a [NodeId],
    second: &'a [NodeId],
    page: usize,
    per_page: usize,
) -> (&'a [NodeId], &'a [NodeId]) {
    let start = (page - 1) * per_page;
    let end = start + per_page;
    let clamp = |x: usize, len: usize| x.min(len);
    let a = &first[clamp(start, first.len())..clamp(end, first.len())];
    let second_start = start.saturating_sub(first.len());
    let second_end = end.saturating_sub(first.len());
    let b = &second[clamp(second_start, second.len())..clamp(second_end, second.len())];
    (a, b)
}

fn paginator(
    site: &PageReader,
    collection: Collection,
    current: usize,
    category: Option<usize>,
    lang: &str,
) -> Value {
    let count = match collection {
        Collection::Events => {
            let (upcoming, past) = site.event_list(category);
            upcoming.len() + past.len()
        }
        other => site.list(other).len(),
    };
    let total = site.page_count(collection, count);
    let page_url = |n: usize| url(site, &site.list_path(lang, collection, n, category));
    let mut value = json!({
        "current": current,
        "total": total,
        "first_url": page_url(1),
        "last_url": page_url(total),
        "pages": pager_window(current, total)
            .into_iter()
            .map(|n| match n {
                Some(n) => json!({"number": n, "url": page_url(n)}),
                None => json!({"gap": true}),
            })
            .collect::<Vec<_>>(),
    });
    if current > 1 {
        merge(&mut value, json!({"prev_url": page_url(current - 1)}));
    }
    if current < total {
        merge(&mut value, json!({"next_url": page_url(current + 1)}));
    }
    value
}

/// The page numbers a pager links: the first and last pages and two on each side of the
/// current one, with `None` for each run left out. Linking all of them made every list page as
/// long as the number of pages, so a large site's lists grew with its square.
fn pager_window(current: usize, total: usize) -> Vec<Option<usize>> {
    const AROUND: usize = 2;
    let shown = |n: usize| n == 1 || n == total || n.abs_diff(current) <= AROUND;
    let mut window = Vec::new();
    for n in 1..=total {
        if shown(n) {
            window.push(Some(n));
        } else if window.last().is_some_and(Option::is_some) {
            window.push(None);
        }
    }
    window
}

fn page_title(site: &PageReader, route: &Route, context: &Map<String, Value>) -> String {
    match route.kind {
        RouteKind::Home => site
            .config()
            .languages
            .get(&route.lang)
            .map_or(site.config().title.clone(), |l| l.title.clone()),
        RouteKind::NotFound => i18n::text(site.config(), &route.lang, "not_found_title"),
        RouteKind::Data => super::opendata::title(site.unrecorded(), &route.lang),
        RouteKind::Search => i18n::text(site.config(), &route.lang, "search"),
        RouteKind::Plan => i18n::text(site.config(), &route.lang, "plan"),
        RouteKind::Members => super::members::title(site.config(), &route.lang),
        RouteKind::List { page, category, collection } => {
            let base = match category {
                Some(index) => format!(
                    "{}（{}）",
                    i18n::collection_title(site.config(), collection, &route.lang),
                    CATEGORIES[index].0
                ),
                None => context
                    .get("page")
                    .and_then(|p| p.get("title"))
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
            };
            if page > 1 {
                // The string carries its own spacing: none before a full-width bracket.
                format!(
                    "{base}{}",
                    i18n::text(site.config(), &route.lang, "page_n")
                        .replace("{n}", &page.to_string())
                )
            } else {
                base
            }
        }
        RouteKind::Entity(id) => site.read(id).entry_in(&route.lang).meta.title().to_owned(),
    }
}

fn breadcrumbs(site: &PageReader, route: &Route, title: &str) -> Value {
    let lang = route.lang.as_str();
    let mut crumbs = vec![
        json!({"title": i18n::text(site.config(), lang, "home"), "url": url(site, &site.lang_prefix(lang))}),
    ];
    let mut push =
        |title: String, path: String| crumbs.push(json!({"title": title, "url": url(site, &path)}));
    match route.kind {
        RouteKind::Home => return Value::Array(crumbs),
        RouteKind::NotFound
        | RouteKind::Data
        | RouteKind::Search
        | RouteKind::Plan
        | RouteKind::Members => {}
        RouteKind::List { collection, category, page } => {
            if category.is_some() || page > 1 {
                push(
                    i18n::collection_title(site.config(), collection, lang),
                    site.list_path(lang, collection, 1, None),
                );
            }
        }
        RouteKind::Entity(id) => {
            let node = site.read(id);
            let collection = node.collection();
            if collection != Collection::Pages {
                push(
                    i18n::collection_title(site.config(), collection, lang),
                    site.list_path(lang, collection, 1, None),
                );
            }
            if let (Collection::Municipalities, Some(prefecture)) = (collection, node.links.parent)
            {
                // The prefecture's page in this language if it has one, else the Japanese page.
                let shown = reference(site, prefecture, lang);
                let shown_lang = shown["lang"].as_str().unwrap_or(&site.config().default_language);
                push(
                    shown["title"].as_str().unwrap_or_default().to_owned(),
                    site.path_of(prefecture, shown_lang),
                );
            }
        }
    }
    crumbs.push(json!({"title": title, "url": url(site, &route.path)}));
    Value::Array(crumbs)
}

fn alternates(site: &PageReader, route: &Route) -> Value {
    let alternates = site.alternate_paths(route).into_iter().map(|(lang, path)| {
        json!({
            "lang": lang,
            "name": i18n::text(site.config(), &lang, "language_name"),
            "url": url(site, &path),
            "permalink": permalink(site, &path),
            "current": lang == route.lang,
        })
    });
    Value::Array(alternates.collect())
}

/// The header's language switch: for each other language, this page in it, else the list of
/// its section in it, else that language's home page. `exact` says which. Every page has it, so
/// the switch keeps its place from page to page.
fn lang_links(site: &PageReader, route: &Route) -> Value {
    let alternates = site.alternate_paths(route);
    let links =
        site.config().language_codes().into_iter().filter(|&lang| lang != route.lang).map(|lang| {
            let exact = alternates.iter().find(|(l, _)| l == lang).map(|(_, path)| path.clone());
            let list = match route.kind {
                RouteKind::Entity(id) => Some(site.read(id).collection()),
                RouteKind::List { collection, .. } => Some(collection),
                _ => None,
            }
            .filter(|&collection| {
                collection != Collection::Pages && site.has_list(collection, lang)
            })
            .map(|collection| site.list_path(lang, collection, 1, None));
            let path = exact.clone().or(list).unwrap_or_else(|| site.lang_prefix(lang));
            json!({
                "lang": lang,
                "name": i18n::text(site.config(), lang, "language_name"),
                "url": url(site, &path),
                "exact": exact.is_some(),
            })
        });
    Value::Array(links.collect())
}

fn nav(site: &PageReader, lang: &str, categories: &[Value]) -> Value {
    json!({
        "regions": REGIONS.iter().map(|&region| {
            let prefectures: Vec<Value> = site.list(Collection::Prefectures).iter()
                .filter(|&&id| matches!(&site.read(id).entry.meta, Meta::Prefecture(m) if m.region == region))
                .map(|&id| reference(site, id, lang))
                .collect();
            json!({"name": region, "prefectures": prefectures})
        }).collect::<Vec<_>>(),
        "wards": site.list(Collection::Wards).iter().map(|&id| reference(site, id, lang)).collect::<Vec<_>>(),
        "categories": categories,
        "sections": sections(site, lang),
    })
}

/// The list pages of the main menu, in `lang` where they exist in it: `{key, title, url,
/// hreflang}` (`hreflang`: the language of the linked page when it is not `lang`, else empty).
fn sections(site: &PageReader, lang: &str) -> Vec<Value> {
    Collection::FOLDERS
        .into_iter()
        .filter(|&collection| site.unrecorded().lists(collection))
        .map(|collection| {
            let shown = if site.has_list(collection, lang) {
                lang
            } else {
                &site.config().default_language
            };
            json!({
                "key": collection.folder(),
                "title": i18n::collection_title(site.config(), collection, lang),
                "url": url(site, &site.list_path(lang, collection, 1, None)),
                "hreflang": if shown == lang { "" } else { shown },
            })
        })
        .collect()
}

fn section_name(site: &PageReader, route: &Route) -> &'static str {
    match route.kind {
        RouteKind::Home => "home",
        RouteKind::NotFound => "",
        RouteKind::Data => "data",
        RouteKind::Search => "search",
        RouteKind::Plan => "plan",
        RouteKind::Members => "members",
        RouteKind::List { collection, .. } => collection.folder(),
        RouteKind::Entity(id) => match site.read(id).collection() {
            Collection::Pages => "pages",
            collection => collection.folder(),
        },
    }
}

fn feeds(site: &PageReader, route: &Route) -> Value {
    // The feed in this page's language where there is one, else the default language's.
    let feed = |collection: Collection| {
        let lang = if super::feeds::has_feed(site.unrecorded(), collection, &route.lang) {
            route.lang.as_str()
        } else {
            site.config().default_language.as_str()
        };
        let feed = super::feeds::list_feed(site.unrecorded(), collection, lang);
        json!({"title": feed.title, "url": url(site, &feed.path), "lang": lang})
    };
    let collections: Vec<Collection> = match route.kind {
        RouteKind::Home => vec![Collection::News, Collection::Events],
        RouteKind::List { collection: c @ (Collection::News | Collection::Events), .. } => vec![c],
        _ => Vec::new(),
    };
    Value::Array(collections.into_iter().map(feed).collect())
}

#[cfg(test)]
mod tests {
    use super::first_words;

    /// The summary as it was first defined: the words joined by single spaces, cut at 120
    /// characters, `…` when anything is left.
    fn words_then_cut(text: &str, limit: usize) -> String {
        let mut chars = text
            .split_whitespace()
            .enumerate()
            .flat_map(|(i, word)| (i > 0).then_some(' ').into_iter().chain(word.chars()));
        let cut: String = chars.by_ref().take(limit).collect();
        if chars.next().is_some() { format!("{cut}…") } else { cut }
    }

    #[test]
    fn first_words_match_the_words_cut_at_the_limit() {
        let texts = [
            "",
            "   ",
            "釧路市は北海道の東部に位置する。",
            "  a  b\tc\n\nd  ",
            "一二三四五 六七八九十",
            "一二三四五六七八九十 ",
            "一二三四五六七八九 十",
            "一二三四五六七八九十　十一",
        ];
        for text in texts {
            for limit in 0..14 {
                assert_eq!(
                    first_words(text, limit),
                    words_then_cut(text, limit),
                    "{text:?} at {limit}"
                );
            }
        }
        let long = "北海道釧路市と荒川区の交流。".repeat(40);
        assert_eq!(first_words(&long, 120), words_then_cut(&long, 120));
    }

    use super::pager_window;

    #[test]
    fn a_pager_links_the_ends_and_the_pages_near_the_current_one() {
        assert_eq!(pager_window(1, 3), [Some(1), Some(2), Some(3)]);
        assert_eq!(pager_window(4, 7), (1..=7).map(Some).collect::<Vec<_>>());
        assert_eq!(
            pager_window(10, 300),
            [Some(1), None, Some(8), Some(9), Some(10), Some(11), Some(12), None, Some(300)]
        );
        assert_eq!(pager_window(1, 300), [Some(1), Some(2), Some(3), None, Some(300)]);
    }
}
