//! Template filters, tests and functions the theme relies on: Japanese dates, the URLs of static
//! files under the site's base path, and `matching` (a regular expression test).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{Datelike, NaiveDate, Weekday};
use tera::{Kwargs, State, Tera, TeraResult, Value};

use crate::config::Config;
use crate::load::Date;

pub(super) fn register(tera: &mut Tera, config: &Config) {
    tera.register_filter("ja_date", date_filter(ja_date));
    tera.register_filter("ja_date_short", date_filter(ja_date_short));
    tera.register_filter("iso_date", date_filter(|d| d.iso()));
    tera.register_filter(
        "ja_time",
        date_filter(|d| d.time().map(|t| t.format("%H:%M").to_string()).unwrap_or_default()),
    );
    tera.register_test("matching", matching());
    super::ja_filters::register(tera);
    super::phrases::register(tera);
    register_asset(tera, &config.base_path, &crate::assets::Assets::default());
}

/// `asset(path="style.css")`: the URL of a static file under the base path, by its published
/// (fingerprinted) name when it has one.
pub(super) fn register_asset(tera: &mut Tera, base_path: &str, assets: &crate::assets::Assets) {
    let base_path = base_path.to_owned();
    let names = assets.names.clone();
    tera.register_function("asset", move |args: Kwargs, _: &State| -> TeraResult<String> {
        let path: &str =
            args.get("path")?.ok_or_else(|| tera::Error::message("asset() needs `path=\"…\"`"))?;
        let path = path.trim_start_matches('/');
        let published = names.get(path).map_or(path, String::as_str);
        Ok(format!("{base_path}{published}"))
    });
}

/// `value is matching(pat="^[0-9]{4}$")`. tera 2 leaves regular expressions to its users; each
/// pattern is compiled once per build, not once per call (partner tables test every row).
fn matching() -> impl Fn(&str, Kwargs, &State) -> TeraResult<bool> + Send + Sync + 'static {
    let compiled: Mutex<HashMap<String, Arc<regex::Regex>>> = Mutex::default();
    move |value: &str, args: Kwargs, _: &State| {
        let pattern: &str = args.must_get("pat")?;
        let regex = {
            let mut compiled = compiled.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            match compiled.get(pattern) {
                Some(regex) => Arc::clone(regex),
                None => {
                    let regex = Arc::new(regex::Regex::new(pattern).map_err(|e| {
                        tera::Error::message(format!(
                            "matching: `{pattern}` is not a valid regular expression: {e}"
                        ))
                    })?);
                    compiled.insert(pattern.to_owned(), Arc::clone(&regex));
                    regex
                }
            }
        };
        Ok(regex.is_match(value))
    }
}

/// A filter that reads its input as a `Date` (`2016-12-03`, `2016-12-03T10:00`, `2016-12`, `2016`).
pub(super) fn date_filter(
    format: impl Fn(&Date) -> String + Send + Sync + 'static,
) -> impl Fn(&Value, Kwargs, &State) -> TeraResult<String> + Send + Sync + 'static {
    move |value: &Value, _: Kwargs, _: &State| {
        let text = value
            .as_str()
            .ok_or_else(|| tera::Error::message(format!("expected a date, got `{value}`")))?;
        let date = Date::parse(text).map_err(|e| tera::Error::message(e.to_string()))?;
        Ok(format(&date))
    }
}

/// `2016年12月3日（土）`; `2016年12月` or `2016年` when the source gives no day.
fn ja_date(date: &Date) -> String {
    match date.day() {
        Some(day) => format!("{}（{}）", ja_day(day), weekday(day.weekday())),
        None => ja_date_short(date),
    }
}

/// `2016年12月3日`, `2016年12月` or `2016年`.
pub(super) fn ja_date_short(date: &Date) -> String {
    match (date.day(), date.month()) {
        (Some(day), _) => ja_day(day),
        (None, Some(month)) => format!("{}年{month}月", date.year()),
        (None, None) => format!("{}年", date.year()),
    }
}

fn ja_day(day: NaiveDate) -> String {
    format!("{}年{}月{}日", day.year(), day.month(), day.day())
}

fn weekday(weekday: Weekday) -> &'static str {
    ["月", "火", "水", "木", "金", "土", "日"][weekday.num_days_from_monday() as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(template: &str) -> String {
        let mut tera = Tera::default();
        register(&mut tera, &Config::for_test(std::path::Path::new(".")));
        tera.render_str(template, &tera::Context::new(), false)
            .unwrap_or_else(|e| format!("error: {e}"))
    }

    #[test]
    fn japanese_dates_with_weekday() {
        assert_eq!(render("{{ '2016-12-03' | ja_date }}"), "2016年12月3日（土）");
        assert_eq!(render("{{ '2016-12-03T10:30' | ja_time }}"), "10:30");
        assert_eq!(render("{{ '2016-12-03T10:30' | iso_date }}"), "2016-12-03T10:30");
    }

    #[test]
    fn partial_dates_show_no_day() {
        assert_eq!(render("{{ '2016-12' | ja_date }}"), "2016年12月");
        assert_eq!(render("{{ '2016-12' | ja_date_short }}"), "2016年12月");
        assert_eq!(render("{{ '2016' | ja_date }}"), "2016年");
        assert_eq!(render("{{ '2016-12' | iso_date }}"), "2016-12");
        assert_eq!(render("{{ '2016-12' | ja_time }}"), "");
        assert!(render("{{ '2016-13' | ja_date }}").contains("no month 13"));
    }

    #[test]
    fn assets_live_under_the_base_path() {
        assert_eq!(render("{{ asset(path='style.css') }}"), "/style.css");
    }

    #[test]
    fn regular_expressions_are_tested() {
        assert_eq!(render("{{ '2015-10' is matching(pat='^[0-9]{4}(-[0-9]{2}){0,2}$') }}"), "true");
        assert_eq!(render("{{ '平成27年' is matching(pat='^[0-9]{4}$') }}"), "false");
        assert!(
            render("{{ 'x' is matching(pat='(') }}").contains("not a valid regular expression")
        );
    }

    #[test]
    fn assets_are_linked_by_their_published_name() {
        let mut tera = Tera::default();
        let mut assets = crate::assets::Assets::default();
        assets.names.insert("style.css".to_owned(), "style.0123abcd.css".to_owned());
        register_asset(&mut tera, "/renkei/", &assets);
        let render = |t: &str| tera.render_str(t, &tera::Context::new(), false).unwrap_or_default();
        assert_eq!(render("{{ asset(path='/style.css') }}"), "/renkei/style.0123abcd.css");
        assert_eq!(render("{{ asset(path='search/') }}"), "/renkei/search/");
    }
}
