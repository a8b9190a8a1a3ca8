//! What the templates get of meetings: their cards, the 年度 and minutes of a meeting's page, and
//! the list page's groups per body and per 年度 (`docs/templates.md`).

use serde_json::{Map, Value, json};

use super::cached::{NodeValueCache, Shown};
use super::context::Own;
use super::deps::PageReader;
use crate::config::Config;
use crate::japanese::wareki;
use crate::load::{Meta, Nendo};
use crate::model::NodeId;

/// A 年度 as the page's language writes it: `平成28年度` in Japanese, `FY2016` otherwise.
pub(super) fn nendo_label(nendo: Nendo, lang: &str) -> String {
    if lang == "ja" { wareki::nendo(nendo.first_day()) } else { format!("FY{}", nendo.0) }
}

/// The card of a meeting: its body, date or 年度, how many meetings it stands for, its place.
pub(super) fn card_fields(site: &PageReader, id: NodeId, lang: &str) -> Value {
    let node = site.read(id);
    let (Meta::Meeting(original), Meta::Meeting(shown)) =
        (&node.entry.meta, &node.entry_in(lang).meta)
    else {
        return json!({"kind": "meeting"});
    };
    json!({
        "kind": "meeting",
        "kind_label": super::i18n::text(site.config(), lang, "kind_meeting"),
        "date": original.date,
        "nendo": original.nendo.map(|n| nendo_label(n, lang)),
        "count": original.count,
        "body": shown.body,
        "venue": shown.place,
        "summary": shown.summary,
    })
}

/// A meeting's page: `page.nendo_label` (its 年度, also when given by `date`) and
/// `page.minutes_url` (the PDF, published beside the Japanese page for every language).
pub(super) fn add_page_fields(
    site: &PageReader,
    id: NodeId,
    lang: &str,
    context: &mut Map<String, Value>,
) {
    let Meta::Meeting(m) = &site.read(id).entry.meta else { return };
    let Some(Value::Object(page)) = context.get_mut("page") else { return };
    if let Some(nendo) = m.fiscal_year() {
        page.insert("nendo_label".into(), json!(nendo_label(nendo, lang)));
    }
    if let Some(minutes) = &m.minutes {
        let folder = site.path_of(id, &site.config().default_language);
        let file = minutes.strip_prefix("./").unwrap_or(minutes);
        let url = site.url(&format!("{folder}{}", crate::model::encode_path(file)));
        page.insert("minutes_url".into(), json!(url));
        page.insert("minutes".into(), json!(file));
    }
    // Dates and counts come from the original: a translation only translates text.
    for (key, value) in [("date", json!(m.date)), ("count", json!(m.count))] {
        if !value.is_null() {
            page.insert(key.into(), value);
        }
    }
}

/// The meetings list: `bodies` (each `{name, anchor, count, years: [{label, items}]}`) and
/// `years` (every 年度 with meetings, newest first: `{label, count}`, `count` being the
/// meetings the entries stand for).
pub(super) fn list_context(site: &PageReader, cache: &NodeValueCache, lang: &str, own: &mut Own) {
    // The grouping follows the list's order (its fingerprint); every meeting shown is read.
    let bodies = site.unrecorded().meetings_by_body();
    let mut per_year: std::collections::BTreeMap<Option<Nendo>, u32> = Default::default();
    let shown = bodies.iter().enumerate().map(|(index, (name, years))| {
        let shown_name = years
            .first()
            .and_then(|(_, ids)| ids.first())
            .map(|&id| match &site.read(id).entry_in(lang).meta {
                Meta::Meeting(m) => m.body.clone(),
                _ => name.clone(),
            })
            .unwrap_or_else(|| name.clone());
        let groups = years.iter().map(|(nendo, ids)| {
            *per_year.entry(*nendo).or_default() +=
                ids.iter().map(|&id| meetings_in(site, id)).sum::<u32>();
            Shown::map([
                ("label", Shown::text(&year_label(site.config(), *nendo, lang))),
                ("items", cache.cards(site, ids, lang)),
            ])
        });
        let groups = Shown::array(groups.collect::<Vec<_>>());
        Shown::map([
            ("name", Shown::text(&shown_name)),
            ("anchor", Shown::text(&format!("body-{}", index + 1))),
            ("years", groups),
        ])
    });
    let shown: Vec<Shown> = shown.collect();
    own.show("bodies", Shown::array(shown));
    let mut years: Vec<(Option<Nendo>, u32)> = per_year.into_iter().collect();
    years.sort_by_key(|(nendo, _)| (nendo.is_none(), std::cmp::Reverse(*nendo)));
    let years: Vec<Value> = years
        .into_iter()
        .map(|(nendo, count)| {
            json!({"label": year_label(site.config(), nendo, lang), "count": count})
        })
        .collect();
    own.json.insert("years".into(), Value::Array(years));
}

/// How many meetings an entry stands for.
fn meetings_in(site: &PageReader, id: NodeId) -> u32 {
    match &site.read(id).entry.meta {
        Meta::Meeting(m) => m.count.unwrap_or(1),
        _ => 0,
    }
}

fn year_label(config: &Config, nendo: Option<Nendo>, lang: &str) -> String {
    match nendo {
        Some(nendo) => nendo_label(nendo, lang),
        None => super::i18n::text(config, lang, "nendo_unknown"),
    }
}
