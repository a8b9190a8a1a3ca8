//! The plan page (`plan/`): each main project of the plan with, per 年度, its aim and what the
//! content records, as a table and as a bar chart drawn here as inline SVG.
//!
//! The chart is drawn at build time so that it needs no script and prints as it shows; it is
//! an image with a title and a description that say the same numbers as the table beside it.
//! Colours are fixed on a white ground of their own, so that the contrast (bars and the aim
//! line over 3:1, text over 4.5:1) holds whatever the page's colours.

use serde_json::{Map, Value, json};

use super::deps::PageReader;
use super::i18n::text;
use super::meetings::nendo_label;
use crate::load::Nendo;
use crate::model::{ProjectCount, Record};
use crate::plan::Project;

/// The context of the plan page: `plan` (see docs/templates.md).
pub(super) fn context(site: &PageReader, lang: &str) -> Map<String, Value> {
    let mut context = Map::new();
    let Some(plan) = site.config().plan.as_deref() else { return context };
    // Always prepared again (`build::pages`): the counts are over the whole site.
    let counts = site.unrecorded().plan_counts(plan);
    let projects: Vec<Value> = plan
        .projects
        .iter()
        .zip(&counts.projects)
        .map(|(project, count)| project_value(site, project, count, lang))
        .collect();
    let english = lang != "ja";
    let source = match (&plan.source_en, english) {
        (Some(en), true) => en,
        _ => &plan.source,
    };
    context.insert(
        "plan".into(),
        json!({
            "source": source,
            "source_url": plan.source_url,
            "period": format!("{}–{}", nendo_label(Nendo(plan.first_year), lang), nendo_label(Nendo(plan.last_year), lang)),
            "years": plan.years().map(|y| nendo_label(Nendo(y), lang)).collect::<Vec<_>>(),
            "projects": projects,
        }),
    );
    context
}

fn project_value(site: &PageReader, project: &Project, count: &ProjectCount, lang: &str) -> Value {
    let english = lang != "ja";
    let pick = |ja: &String, en: &Option<String>| match (en, english) {
        (Some(en), true) => en.clone(),
        _ => ja.clone(),
    };
    let name = pick(&project.name, &project.name_en);
    let aim = pick(&project.aim, &project.aim_en);
    // The table and the chart read oldest first, as the plan does.
    let rows: Vec<Value> = count
        .years
        .iter()
        .map(|(year, records)| {
            json!({
                "year": year,
                "label": nendo_label(Nendo(*year), lang),
                "count": records.len(),
                "aim": project.per_year,
                "items": records.iter().map(|r| record_value(site, *r, lang)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let total: usize = count.years.iter().map(|(_, r)| r.len()).sum();
    let chart = chart(site, project, count, &name, lang);
    json!({
        "id": project.id,
        "name": name,
        "aim": aim,
        "per_year": project.per_year,
        "baseline": project.baseline,
        "baseline_date": project.baseline_date,
        "rows": rows,
        "total": total,
        "uncertain": count.uncertain.iter().map(|r| record_value(site, *r, lang)).collect::<Vec<_>>(),
        "chart": chart,
    })
}

/// A record as a link: an entry's page, or a relation's municipality (`ward – municipality`).
fn record_value(site: &PageReader, record: Record, lang: &str) -> Value {
    match record {
        Record::Node(id) => super::context::reference(site, id, lang),
        Record::Partner(index) => {
            let partner = &site.partners()[index];
            let (ward, municipality) = (
                super::context::reference(site, partner.ward, lang),
                super::context::reference(site, partner.municipality, lang),
            );
            let title = format!(
                "{} – {}",
                ward["title"].as_str().unwrap_or_default(),
                municipality["title"].as_str().unwrap_or_default()
            );
            json!({"title": title, "url": municipality["url"], "lang": municipality["lang"], "since": partner.since})
        }
    }
}

/// The chart's box, in SVG units, and its margins around the bars.
const WIDTH: f64 = 320.0;
const HEIGHT: f64 = 180.0;
const LEFT: f64 = 28.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 22.0;
const BOTTOM: f64 = 30.0;

/// Colours on the chart's own white ground: bars 8.6:1, the aim line 5.9:1, text 17:1.
const BAR: &str = "#1d4f91";
const AIM: &str = "#b1361e";
const INK: &str = "#1a1a1a";
const AXIS: &str = "#595959";

/// The bar chart of one project: a bar per 年度 with its number, and the plan's aim as a dashed
/// line when the plan gives a number. 320 units wide, drawn to the width of its box.
fn chart(
    site: &PageReader,
    project: &Project,
    count: &ProjectCount,
    name: &str,
    lang: &str,
) -> String {
    let values: Vec<(i32, usize)> = count.years.iter().map(|(y, r)| (*y, r.len())).collect();
    let aim = project.per_year.map(|n| n as usize);
    let top = values.iter().map(|(_, n)| *n).chain(aim).max().unwrap_or(0).max(1);
    let plot = HEIGHT - TOP - BOTTOM;
    let y = |n: usize| TOP + plot - plot * n as f64 / top as f64;
    let band = (WIDTH - LEFT - RIGHT) / values.len().max(1) as f64;
    let id = format!("plan-{}", project.id);
    let mut svg = format!(
        "<svg class=\"plan-chart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" xmlns=\"http://www.w3.org/2000/svg\">"
    );
    svg += &format!(
        "<title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        crate::html::escape(&format!("{name}: {}", text(site.config(), lang, "plan_chart"))),
        crate::html::escape(&description(site, &values, aim, lang)),
    );
    svg += &format!("<rect width=\"{WIDTH}\" height=\"{HEIGHT}\" fill=\"#ffffff\"/>");
    svg += &format!(
        "<line x1=\"{LEFT}\" y1=\"{0}\" x2=\"{1}\" y2=\"{0}\" stroke=\"{AXIS}\"/>",
        y(0),
        WIDTH - RIGHT
    );
    svg += &format!(
        "<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\" fill=\"{INK}\">0</text><text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\" fill=\"{INK}\">{top}</text>",
        LEFT - 6.0,
        y(0) + 4.0,
        LEFT - 6.0,
        y(top) + 4.0
    );
    for (i, (year, n)) in values.iter().enumerate() {
        let x = LEFT + band * i as f64;
        let (bar_x, bar_w) = (x + band * 0.2, band * 0.6);
        if *n > 0 {
            svg += &format!(
                "<rect x=\"{bar_x:.1}\" y=\"{:.1}\" width=\"{bar_w:.1}\" height=\"{:.1}\" fill=\"{BAR}\"/>",
                y(*n),
                y(0) - y(*n)
            );
        }
        svg += &format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" font-weight=\"bold\" text-anchor=\"middle\" fill=\"{INK}\">{n}</text>",
            x + band / 2.0,
            y(*n) - 5.0
        );
        svg += &format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"{INK}\">{}</text>",
            x + band / 2.0,
            y(0) + 16.0,
            crate::html::escape(&short_year(*year, lang))
        );
    }
    if let Some(aim) = aim {
        svg += &format!(
            "<line x1=\"{LEFT}\" y1=\"{0:.1}\" x2=\"{1}\" y2=\"{0:.1}\" stroke=\"{AIM}\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/><text x=\"{1}\" y=\"{2:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"{AIM}\">{3}</text>",
            y(aim),
            WIDTH - RIGHT,
            y(aim) - 4.0,
            crate::html::escape(&format!("{} {aim}", text(site.config(), lang, "plan_aim")))
        );
    }
    svg += "</svg>";
    svg
}

/// `平成29年度 0件、平成30年度 1件…（計画：各年度2件程度）`: the chart's numbers in words.
fn description(
    site: &PageReader,
    values: &[(i32, usize)],
    aim: Option<usize>,
    lang: &str,
) -> String {
    let unit = text(site.config(), lang, "plan_unit");
    let sep = if lang == "ja" { "、" } else { ", " };
    let words: Vec<String> =
        values.iter().map(|(y, n)| format!("{} {n}{unit}", nendo_label(Nendo(*y), lang))).collect();
    let mut description = words.join(sep);
    if let Some(aim) = aim {
        let per_year = text(site.config(), lang, "plan_per_year").replace("{n}", &aim.to_string());
        let (open, colon, close) =
            if lang == "ja" { ("（", "：", "）") } else { (" (", ": ", ")") };
        description +=
            &format!("{open}{}{colon}{per_year}{close}", text(site.config(), lang, "plan_aim"));
    }
    description
}

/// The x axis label of a 年度: its Western year, `2017`, short enough for a phone.
fn short_year(year: i32, _lang: &str) -> String {
    year.to_string()
}
