//! The template values of the project website's members and of the 協働プラットフォーム's
//! partners (issue 24): the member list page, a member's badge and articles, the partners on an
//! event, the platform page grouped by kind, the registration link, and the feed per member.
//!
//! Its own module so that `context` only calls in here; the values are plain JSON made from
//! `reference` and `card`, which record the nodes a page shows (`deps`).

use serde_json::{Map, Value, json};

use super::context::{card, reference};
use super::deps::PageReader;
use super::i18n;
use crate::config::{Config, Registration};
use crate::load::{Date, Meta};
use crate::model::{Collection, NodeId, PARTNER_KINDS, Site};

/// `site.registration`: `{url, kind}` where `kind` is `form` (an external form service),
/// `email` (a `mailto:` to the contact address) or `contact` (neither is set: `url` is the
/// contact page when the site has one, else null), and `page`: the registration page
/// (`content/registration.md`) as a Ref, when the site has one.
pub(super) fn registration(site: &PageReader, lang: &str) -> Value {
    let config = site.config();
    let kind = match config.registration {
        Registration::Form(_) => "form",
        Registration::Email(_) => "email",
        Registration::None => "contact",
    };
    let url = config.registration.url().map(Value::String).unwrap_or_else(|| {
        site.node(Collection::Pages, "contact")
            .map_or(Value::Null, |id| reference(site, id, lang)["url"].clone())
    });
    json!({
        "kind": kind,
        "url": url,
        "email": config.contact_email,
        "page": registration_page(site, lang),
    })
}

/// `member`: a member's registration `{registered, source, feed_url}`; null for a non-member.
pub(super) fn membership(site: &PageReader, id: NodeId) -> Value {
    let node = site.read(id);
    let Some(member) = node.entry.meta.membership() else { return Value::Null };
    let feed = format!("{}atom.xml", site.path_of(id, &site.config().default_language));
    json!({
        "registered": member.registered,
        "source": member.source,
        "feed_url": site.url(&feed),
        "list_url": site.url("members/"),
    })
}

/// The values of a member's, partner's, event's or exhibit's page that this module adds:
/// `member` and `articles` (a member's), `author` (of a news item or an event), `platform`
/// (the partners taking part in an event or exhibit), `taking_part` (a partner's events).
pub(super) fn entity_values(
    site: &PageReader,
    id: NodeId,
    lang: &str,
    context: &mut Map<String, Value>,
) {
    let node = site.read(id);
    let cards = |ids: &[NodeId]| Value::Array(ids.iter().map(|&i| card(site, i, lang)).collect());
    if node.entry.meta.membership().is_some() {
        context.insert("member".into(), membership(site, id));
        context.insert("articles".into(), cards(&node.backlinks.articles));
    }
    if let Some(author) = node.links.author {
        context.insert("author".into(), reference(site, author, lang));
    }
    if !node.backlinks.partner_orgs.is_empty() {
        context.insert("platform".into(), cards(&node.backlinks.partner_orgs));
    }
    if let Meta::PartnerOrg(_) = &node.entry.meta {
        context.insert("taking_part".into(), cards(&node.links.taking_part));
    }
}

/// The fields a partner's card adds to its reference.
pub(super) fn partner_card_fields(site: &PageReader, id: NodeId) -> Value {
    let Meta::PartnerOrg(m) = &site.read(id).entry.meta else { return Value::Null };
    json!({
        "kind": "partner",
        "kind_label": m.kind,
        "summary": m.summary,
        "member": m.member.as_ref().map(|member| &member.registered),
    })
}

/// The platform page: `kinds: [{kind, partners: [Card]}]`, in the order of `PARTNER_KINDS`,
/// kinds without partners left out.
pub(super) fn platform_values(site: &PageReader, lang: &str, context: &mut Map<String, Value>) {
    let kind_of = |id: NodeId| match &site.read(id).entry.meta {
        Meta::PartnerOrg(m) => m.kind.as_str(),
        _ => "",
    };
    let groups = PARTNER_KINDS.iter().filter_map(|&kind| {
        let members: Vec<Value> = site
            .list(Collection::Partners)
            .iter()
            .filter(|&&id| kind_of(id) == kind)
            .map(|&id| card(site, id, lang))
            .collect();
        (!members.is_empty()).then(|| json!({"kind": kind, "partners": members}))
    });
    context.insert("kinds".into(), Value::Array(groups.collect()));
    context.insert("partner_count".into(), json!(site.list(Collection::Partners).len()));
}

/// The member list page: `prefectures: [{prefecture: Ref, count, members: [Member]}]` in code
/// order, `others: [Member]` (partners that are members), `count`, and `latest`: the date of the
/// latest change (the latest registration or `updated` of a member). A Member is a Ref with
/// `code` (municipalities), `kind`, `registered` and `source`.
///
/// Always prepared again (`build::pages`): who is a member is decided over the whole site.
pub(super) fn members_context(site: &PageReader, lang: &str) -> Map<String, Value> {
    let members = site.unrecorded().members();
    let mut context = Map::new();
    let mut groups: Vec<(NodeId, Vec<Value>)> = Vec::new();
    let mut others = Vec::new();
    for &id in &members {
        let value = member_row(site, id, lang);
        let node = site.read(id);
        match (node.collection(), node.links.parent) {
            (Collection::Municipalities, Some(prefecture)) => {
                match groups.iter_mut().find(|(p, _)| *p == prefecture) {
                    Some((_, rows)) => rows.push(value),
                    None => groups.push((prefecture, vec![value])),
                }
            }
            _ => others.push(value),
        }
    }
    let order = |p: NodeId| site.list(Collection::Prefectures).iter().position(|&x| x == p);
    groups.sort_by_key(|(p, _)| order(*p));
    let prefectures = groups.into_iter().map(|(prefecture, rows)| {
        json!({"prefecture": reference(site, prefecture, lang), "count": rows.len(), "members": rows})
    });
    context.insert("prefectures".into(), Value::Array(prefectures.collect()));
    context.insert("others".into(), Value::Array(others));
    context.insert("count".into(), json!(members.len()));
    context.insert("latest".into(), json!(latest_change(site, &members)));
    context.insert(
        "page".into(),
        json!({"title": title(site.config(), lang), "url": site.url(&members_path(site, lang)), "content": ""}),
    );
    context
}

/// The title of the member list page in `lang`.
pub(super) fn title(config: &Config, lang: &str) -> String {
    i18n::text(config, lang, "members")
}

/// `members/` or `en/members/`.
pub(super) fn members_path(site: &PageReader, lang: &str) -> String {
    format!("{}members/", site.lang_prefix(lang))
}

/// The registration page (`content/registration.md`) as a Ref, when the site has one.
pub(super) fn registration_page(site: &PageReader, lang: &str) -> Value {
    site.node(Collection::Pages, "registration").map_or(Value::Null, |id| reference(site, id, lang))
}

fn member_row(site: &PageReader, id: NodeId, lang: &str) -> Value {
    let node = site.read(id);
    let mut value = reference(site, id, lang);
    let (code, kind) = match &node.entry.meta {
        Meta::Municipality(m) => (Some(node.id()), m.kind.as_deref()),
        Meta::PartnerOrg(m) => (None, Some(m.kind.as_str())),
        _ => (None, None),
    };
    let member = node.entry.meta.membership();
    if let Value::Object(map) = &mut value {
        map.insert("code".into(), json!(code));
        map.insert("kind".into(), json!(kind));
        map.insert("registered".into(), json!(member.map(|m| &m.registered)));
        map.insert("source".into(), json!(member.and_then(|m| m.source.as_ref())));
    }
    value
}

/// The latest registration or `updated` among the members, as written (`2017-03`); null when
/// there are no members.
fn latest_change(site: &PageReader, members: &[NodeId]) -> Option<String> {
    members
        .iter()
        .flat_map(|&id| {
            let meta = &site.read(id).entry.meta;
            let registered = meta.membership().and_then(|m| Date::parse(&m.registered.0).ok());
            registered.into_iter().chain(meta.common().updated)
        })
        .max()
        .map(|date| date.iso_date())
}

/// The feed of a member's articles: `municipalities/012068/atom.xml`.
pub(super) fn feed_path(site: &Site, id: NodeId) -> String {
    format!("{}atom.xml", site.path_of(id, &site.config.default_language))
}
