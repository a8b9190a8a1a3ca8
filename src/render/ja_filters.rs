//! The Japanese template filters: 和暦 (`wareki`, `wareki_year`), 年度 (`nendo`) and 五十音順
//! (`kana_sort`). The logic lives in `crate::japanese`; this module only adapts it to tera.

use tera::{Kwargs, State, Tera, TeraResult, Value};

use crate::japanese::{kana, wareki};

pub(super) fn register(tera: &mut Tera) {
    tera.register_filter("wareki", day_filter(wareki::wareki, wareki::wareki_period));
    tera.register_filter(
        "wareki_year",
        day_filter(|day| wareki::era_year_of(day).unwrap_or_default(), wareki::era_year_of_period),
    );
    tera.register_filter("nendo", day_filter(wareki::nendo, wareki::nendo_of_period));
    tera.register_filter("kana_sort", kana_sort);
}

/// A filter on the day of a date (its time, if any, plays no part in 和暦 or 年度), or on its
/// year and month when the source gives no day (`2016-12` → 平成28年12月, never a day).
fn day_filter(
    of_day: impl Fn(chrono::NaiveDate) -> String + Send + Sync + 'static,
    of_period: impl Fn(i32, Option<u32>) -> String + Send + Sync + 'static,
) -> impl Fn(&Value, Kwargs, &State) -> TeraResult<String> + Send + Sync + 'static {
    super::filters::date_filter(move |date| match date.day() {
        Some(day) => of_day(day),
        None => of_period(date.year(), date.month()),
    })
}

/// `items | kana_sort(attribute="kana")`: the array in 五十音順 of each item's reading (see
/// `kana::sort_key`). Items without the attribute go last, in their original order; the sort is
/// stable. `attribute` defaults to `kana`.
fn kana_sort(value: &Value, args: Kwargs, _: &State) -> TeraResult<Value> {
    let items = value.as_array().ok_or_else(|| {
        tera::Error::message(format!("kana_sort expects an array, got `{value}`"))
    })?;
    let attribute: &str = args.get("attribute")?.unwrap_or("kana");
    let mut keyed: Vec<(Option<kana::SortKey>, &Value)> = items
        .iter()
        .map(|item| {
            let reading = item.get_from_path(attribute).and_then(Value::as_str);
            (reading.map(kana::sort_key), item)
        })
        .collect();
    keyed.sort_by(|(a, _), (b, _)| match (a, b) {
        (Some(a), Some(b)) => a.cmp(b),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    Ok(Value::from(keyed.into_iter().map(|(_, item)| item.clone()).collect::<Vec<_>>()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn context(values: serde_json::Value) -> tera::Context {
        tera::Context::from_serialize(&values).unwrap_or_else(|e| panic!("{e}"))
    }

    fn render(template: &str, values: serde_json::Value) -> String {
        let mut tera = Tera::default();
        register(&mut tera);
        tera.render_str(template, &context(values), false)
            .unwrap_or_else(|e| format!("error: {e:?}"))
    }

    #[test]
    fn wareki_filters() {
        let none = json!({});
        assert_eq!(render("{{ '2024-04-01' | wareki }}", none.clone()), "令和6年4月1日");
        assert_eq!(render("{{ '2019-05-01T10:00' | wareki }}", none.clone()), "令和元年5月1日");
        assert_eq!(render("{{ '2016-12-03' | wareki_year }}", none.clone()), "平成28年");
        assert_eq!(render("{{ '2024-03-31' | nendo }}", none.clone()), "令和5年度");
        assert_eq!(render("{{ '2016-12' | wareki }}", none.clone()), "平成28年12月");
        assert_eq!(render("{{ '2016' | wareki }}", none.clone()), "平成28年");
        assert_eq!(render("{{ '2016-12' | wareki_year }}", none.clone()), "平成28年");
        assert_eq!(render("{{ '2016-12' | nendo }}", none.clone()), "平成28年度");
        assert!(render("{{ 'x' | wareki }}", none).starts_with("error"));
    }

    /// The default theme's components show 西暦 and 和暦 side by side for 更新日 and event periods.
    #[test]
    fn default_theme_shows_wareki_beside_the_date() {
        let macros = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("themes/default/templates/macros.html");
        let macros = std::fs::read_to_string(macros).unwrap_or_else(|e| panic!("{e}"));
        let mut tera = Tera::default();
        super::super::filters::register(
            &mut tera,
            &crate::config::Config::for_test(std::path::Path::new(".")),
        );
        // Cards call it for their photos; no card is rendered here.
        tera.register_function("resize_image", |_: Kwargs, _: &State| Value::none());
        tera.add_raw_templates([
            ("macros.html", macros.as_str()),
            ("updated.html", "{{ <updated date={page.updated} label={t.updated} lang={lang}/> }}"),
            ("period.html", "{{ <period start={s} end={e} lang={lang} wareki={true}/> }}"),
        ])
        .unwrap_or_else(|e| panic!("{e:?}"));
        let render = |name: &str, values: serde_json::Value| {
            tera.render(name, &context(values)).unwrap_or_else(|e| panic!("{e:?}"))
        };
        let page =
            json!({"page": {"updated": "2016-12-03"}, "t": {"updated": "更新日"}, "lang": "ja"});
        assert_eq!(
            render("updated.html", page),
            "<p class=\"updated\">更新日：<time datetime=\"2016-12-03\">2016年12月3日（土）</time>\
             <span class=\"wareki\">〔平成28年〕</span></p>"
        );
        let across = json!({"s": "2019-04-27", "e": "2019-05-06", "lang": "ja"});
        assert!(
            render("period.html", across)
                .ends_with("<span class=\"wareki\">〔平成31年〜令和元年〕</span>")
        );
        let month = json!({"s": "2016-12", "e": false, "lang": "ja"});
        assert_eq!(
            render("period.html", month),
            "<time datetime=\"2016-12\">2016年12月</time><span class=\"wareki\">〔平成28年〕</span>"
        );
        let english = json!({"s": "2019-04-27", "e": false, "lang": "en"});
        assert!(!render("period.html", english).contains("wareki"));
    }

    #[test]
    fn kana_sort_orders_by_reading() {
        let context = json!({"items": [
            {"name": "千代田区", "kana": "ちよだく"},
            {"name": "足立区", "kana": "あだちく"},
            {"name": "無名"},
            {"name": "葛飾区", "kana": "カツシカク"},
            {"name": "江戸川区", "kana": "えどがわく"},
        ]});
        let template = "{% for i in items | kana_sort %}{{ i.name }} {% endfor %}";
        assert_eq!(render(template, context.clone()), "足立区 江戸川区 葛飾区 千代田区 無名 ");
        let by_name = "{% for i in items | kana_sort(attribute='name') %}{{ i.name }} {% endfor %}";
        assert!(!render(by_name, context).starts_with("error"));
        assert!(render("{{ 3 | kana_sort }}", json!({})).starts_with("error"));
    }
}
