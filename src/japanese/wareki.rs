//! 和暦: dates in the Japanese era calendar (令和6年4月1日) and fiscal years (令和5年度).
//!
//! Eras are counted from the day each began: 令和 2019-05-01, 平成 1989-01-08, 昭和 1926-12-25,
//! 大正 1912-07-30. The first year of an era is 元年.
//!
//! 明治 is written only from 1873-01-01 (明治6年1月1日), the day Japan adopted the Gregorian
//! calendar. Before that Japan used a lunisolar calendar, in which a Gregorian date such as
//! 1868-10-23 has another month and day (明治元年9月8日): writing it as 明治元年10月23日 would be
//! wrong, so for earlier dates `era_date` gives `None` and the filters fall back to the 西暦 date
//! (1868年10月23日).
//!
//! A date whose source gives only the month or the year is written without a day: 平成28年12月,
//! 平成28年. A month or year in which the era changed names both era years, the later in
//! brackets, as offices write it: 平成31年（令和元年）, 昭和64年（平成元年）1月.

use chrono::{Datelike, NaiveDate};

/// An era: its name and its first day (Gregorian).
struct Era {
    name: &'static str,
    start: (i32, u32, u32),
    /// The Gregorian year of the era's first year (元年); differs from `start.0` only for 明治.
    first_year: i32,
}

/// Newest first.
const ERAS: [Era; 5] = [
    Era { name: "令和", start: (2019, 5, 1), first_year: 2019 },
    Era { name: "平成", start: (1989, 1, 8), first_year: 1989 },
    Era { name: "昭和", start: (1926, 12, 25), first_year: 1926 },
    Era { name: "大正", start: (1912, 7, 30), first_year: 1912 },
    // 明治元年 is 1868; written here only from the adoption of the Gregorian calendar.
    Era { name: "明治", start: (1873, 1, 1), first_year: 1868 },
];

fn era_index(day: NaiveDate) -> Option<usize> {
    ERAS.iter().position(|era| {
        let (y, m, d) = era.start;
        (day.year(), day.month(), day.day()) >= (y, m, d)
    })
}

/// `令和6年`, `令和元年`: an era name and the year in it.
fn era_year(era: &Era, gregorian_year: i32) -> String {
    match gregorian_year - era.first_year + 1 {
        1 => format!("{}元年", era.name),
        n => format!("{}{n}年", era.name),
    }
}

/// The era year of a day, `平成28年`; `None` before 1873 (see the module documentation).
pub fn era_year_of(day: NaiveDate) -> Option<String> {
    era_index(day).map(|i| era_year(&ERAS[i], day.year()))
}

/// `令和6年4月1日`; `None` before 1873.
pub fn era_date(day: NaiveDate) -> Option<String> {
    era_year_of(day).map(|year| format!("{year}{}月{}日", day.month(), day.day()))
}

/// The 和暦 date, or the 西暦 date (`1868年10月23日`) before 1873.
pub fn wareki(day: NaiveDate) -> String {
    era_date(day).unwrap_or_else(|| format!("{}年{}月{}日", day.year(), day.month(), day.day()))
}

/// The era year of the days from `first` to `last`: `平成28年`, or both when the era changed
/// between them, `平成31年（令和元年）`; `None` when `first` is before 1873.
pub fn era_years(first: NaiveDate, last: NaiveDate) -> Option<String> {
    let from = era_year_of(first)?;
    match era_year_of(last) {
        Some(to) if to != from => Some(format!("{from}（{to}）")),
        _ => Some(from),
    }
}

/// The first and last day of a month or, without `month`, of a year.
fn bounds(year: i32, month: Option<u32>) -> Option<(NaiveDate, NaiveDate)> {
    let first = NaiveDate::from_ymd_opt(year, month.unwrap_or(1), 1)?;
    let months = if month.is_some() { 1 } else { 12 };
    let last = first.checked_add_months(chrono::Months::new(months))?.pred_opt()?;
    Some((first, last))
}

/// A month in 和暦, `平成28年12月` (`昭和64年（平成元年）1月`), or a year without `month`,
/// `平成28年`; the 西暦 before 1873 (`1872年12月`).
pub fn wareki_period(year: i32, month: Option<u32>) -> String {
    let era = bounds(year, month).and_then(|(first, last)| era_years(first, last));
    let year_text = era.unwrap_or_else(|| format!("{year}年"));
    match month {
        Some(month) => format!("{year_text}{month}月"),
        None => year_text,
    }
}

/// The era year of a month or year: `平成28年`, `平成31年（令和元年）`; empty before 1873.
pub fn era_year_of_period(year: i32, month: Option<u32>) -> String {
    bounds(year, month).and_then(|(first, last)| era_years(first, last)).unwrap_or_default()
}

/// 年度 of a month (`平成28年度`) or of a year, which overlaps two: `平成27年度または平成28年度`.
pub fn nendo_of_period(year: i32, month: Option<u32>) -> String {
    let Some((first, last)) = bounds(year, month) else { return String::new() };
    let (from, to) = (nendo(first), nendo(last));
    if from == to { from } else { format!("{from}または{to}") }
}

/// The Gregorian year in which the fiscal year (April–March) of `day` begins.
pub fn fiscal_year(day: NaiveDate) -> i32 {
    if day.month() >= 4 { day.year() } else { day.year() - 1 }
}

/// 年度 (April to March): 2024-03-31 → `令和5年度`, 2024-04-01 → `令和6年度`.
///
/// The era is the one in force on the day, as offices wrote it at the time: 2019-04-15 →
/// `平成31年度`, 2019-05-15 → `令和元年度`, 2020-03-31 → `令和元年度`. A fiscal year that began
/// before the first year of that era (January to March 1989) keeps the previous era's name:
/// 1989-02-01 → `昭和63年度`. Before 1873 (see above) the 西暦 year: `1870年度`.
pub fn nendo(day: NaiveDate) -> String {
    let year = fiscal_year(day);
    let mut era = era_index(day);
    while let Some(i) = era.filter(|&i| ERAS[i].first_year > year) {
        era = (i + 1 < ERAS.len()).then_some(i + 1);
    }
    match era {
        Some(i) => format!("{}度", era_year(&ERAS[i], year)),
        None => format!("{year}年度"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn w(text: &str) -> String {
        wareki(day(text))
    }

    fn n(text: &str) -> String {
        nendo(day(text))
    }

    #[test]
    fn examples_of_the_issue() {
        assert_eq!(w("2024-04-01"), "令和6年4月1日");
        assert_eq!(n("2024-03-31"), "令和5年度");
        assert_eq!(n("2024-04-01"), "令和6年度");
        assert_eq!(w("2016-12-03"), "平成28年12月3日");
    }

    #[test]
    fn first_year_is_gannen() {
        assert_eq!(w("2019-05-01"), "令和元年5月1日");
        assert_eq!(w("2019-12-31"), "令和元年12月31日");
        assert_eq!(w("2020-01-01"), "令和2年1月1日");
        assert_eq!(w("1989-01-08"), "平成元年1月8日");
        assert_eq!(w("1926-12-25"), "昭和元年12月25日");
        assert_eq!(w("1927-01-01"), "昭和2年1月1日");
        assert_eq!(w("1912-07-30"), "大正元年7月30日");
    }

    #[test]
    fn era_boundaries() {
        assert_eq!(w("2019-04-30"), "平成31年4月30日");
        assert_eq!(w("2019-05-01"), "令和元年5月1日");
        assert_eq!(w("1989-01-07"), "昭和64年1月7日");
        assert_eq!(w("1989-01-08"), "平成元年1月8日");
        assert_eq!(w("1926-12-24"), "大正15年12月24日");
        assert_eq!(w("1926-12-25"), "昭和元年12月25日");
        assert_eq!(w("1912-07-29"), "明治45年7月29日");
        assert_eq!(w("1912-07-30"), "大正元年7月30日");
    }

    #[test]
    fn meiji_from_the_gregorian_calendar_on() {
        assert_eq!(w("1873-01-01"), "明治6年1月1日");
        assert_eq!(w("1900-02-28"), "明治33年2月28日");
        // Before 1873 the Japanese calendar was lunisolar: the 西暦 date is written instead.
        assert_eq!(w("1872-12-31"), "1872年12月31日");
        assert_eq!(w("1868-10-23"), "1868年10月23日");
        assert_eq!(era_date(day("1850-01-01")), None);
        assert_eq!(era_year_of(day("1873-06-01")).as_deref(), Some("明治6年"));
    }

    #[test]
    fn months_and_years_without_a_day() {
        assert_eq!(wareki_period(2016, Some(12)), "平成28年12月");
        assert_eq!(wareki_period(2016, None), "平成28年");
        assert_eq!(wareki_period(2019, Some(5)), "令和元年5月");
        assert_eq!(wareki_period(2019, Some(4)), "平成31年4月");
        assert_eq!(wareki_period(2019, None), "平成31年（令和元年）");
        assert_eq!(wareki_period(1989, Some(1)), "昭和64年（平成元年）1月");
        assert_eq!(wareki_period(1872, Some(12)), "1872年12月");
        assert_eq!(era_year_of_period(2016, Some(12)), "平成28年");
        assert_eq!(era_year_of_period(1850, None), "");
        assert_eq!(nendo_of_period(2016, Some(12)), "平成28年度");
        assert_eq!(nendo_of_period(2017, Some(3)), "平成28年度");
        assert_eq!(nendo_of_period(2016, None), "平成27年度または平成28年度");
    }

    #[test]
    fn fiscal_years_run_april_to_march() {
        assert_eq!(n("2023-04-01"), "令和5年度");
        assert_eq!(n("2025-03-31"), "令和6年度");
        assert_eq!(n("2016-12-03"), "平成28年度");
        assert_eq!(n("2017-01-15"), "平成28年度");
    }

    #[test]
    fn fiscal_years_across_era_changes() {
        assert_eq!(n("2019-04-15"), "平成31年度");
        assert_eq!(n("2019-05-15"), "令和元年度");
        assert_eq!(n("2020-03-31"), "令和元年度");
        assert_eq!(n("2020-04-01"), "令和2年度");
        assert_eq!(n("1989-01-07"), "昭和63年度");
        assert_eq!(n("1989-02-01"), "昭和63年度");
        assert_eq!(n("1989-04-01"), "平成元年度");
        assert_eq!(n("1926-12-24"), "大正15年度");
        assert_eq!(n("1927-03-31"), "昭和元年度");
        assert_eq!(n("1927-04-01"), "昭和2年度");
        assert_eq!(n("1912-08-01"), "大正元年度");
        assert_eq!(n("1913-03-31"), "大正元年度");
        assert_eq!(n("1873-04-01"), "明治6年度");
        assert_eq!(n("1873-03-31"), "明治5年度");
        assert_eq!(n("1872-12-31"), "1872年度");
        assert_eq!(n("1870-06-01"), "1870年度");
    }
}
