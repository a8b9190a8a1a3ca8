//! The typed front matter of every collection: the contract with editors (docs/content-model.md).
//!
//! Plain serde types; which YAML parser fills them is `front_matter.rs`'s business alone.

use std::fmt;

use chrono::{Datelike, Months, NaiveDate, NaiveTime};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::messages::Text;
use crate::msg;

/// A date as precise as its source: a year (`2016`), a month (`2016-12`), a day (`2016-12-03`)
/// or a day and a time (`2016-12-03T10:00`, Japan time).
///
/// One type for every date of the content, so that no output can print a day it does not have:
/// the day is private, and `day()` gives it only when the source does. `first_day` and
/// `last_day` bound the period, for ordering and for deciding what is upcoming; they are never
/// to be printed as the date.
///
/// Order: by the first day of the period, and a period before the dates within it (`2016`
/// < `2016-01` < `2016-01-01` < `2016-01-01T10:00`), as their ISO texts sort. Lists newest
/// first therefore show an entry known only by its month after the dated entries of that month.
///
/// A date field that `renkei new` wrote and the editor has not filled in yet
/// (`date: "要記入: …"`) reads as a placeholder (`is_placeholder`), so that a draft still loads;
/// it prints as `要記入`, and the model refuses to build an entry that holds one
/// (`model::placeholders`): a forgotten date is never published as today or as a made-up day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    first: NaiveDate,
    precision: Precision,
    time: Option<NaiveTime>,
    placeholder: bool,
}

/// How much of a date its source gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Precision {
    Year,
    Month,
    Day,
}

impl Date {
    /// A known day, with a time when one is given.
    pub fn from_day(day: NaiveDate, time: Option<NaiveTime>) -> Date {
        Date { first: day, precision: Precision::Day, time, placeholder: false }
    }

    /// The date of a field still holding `renkei new`'s placeholder: after every real date (the
    /// last year the schema allows), printed as `要記入`.
    pub fn placeholder() -> Date {
        let first = NaiveDate::from_ymd_opt(9999, 1, 1).unwrap_or(NaiveDate::MAX);
        Date { first, precision: Precision::Year, time: None, placeholder: true }
    }

    /// Whether the field still holds `renkei new`'s placeholder (see `placeholder`).
    pub fn is_placeholder(&self) -> bool {
        self.placeholder
    }

    /// `2016`, `2016-12`, `2016-12-03`, `2016-12-03T10:00` (or `…T10:00:00`, `… 10:00`).
    pub fn parse(text: &str) -> Result<Date, DateError> {
        let text = text.trim();
        let (day_part, time_part) = match text.split_once(['T', ' ']) {
            Some((day, time)) => (day, Some(time)),
            None => (text, None),
        };
        let date = parse_day_part(text, day_part)?;
        let Some(time_part) = time_part else { return Ok(date) };
        if date.precision != Precision::Day {
            return Err(DateError::TimeNeedsDay { value: text.to_owned() });
        }
        let time = NaiveTime::parse_from_str(time_part, "%H:%M")
            .or_else(|_| NaiveTime::parse_from_str(time_part, "%H:%M:%S"))
            .map_err(|_| DateError::BadTime { value: text.to_owned() })?;
        Ok(Date { time: Some(time), ..date })
    }

    /// How much of the date is known.
    pub fn precision(&self) -> Precision {
        self.precision
    }

    /// Whether the source gives less than a day.
    pub fn is_partial(&self) -> bool {
        self.precision != Precision::Day
    }

    /// The day, only when the source gives it.
    pub fn day(&self) -> Option<NaiveDate> {
        (self.precision == Precision::Day).then_some(self.first)
    }

    /// The time of day, when given (only ever with a day).
    pub fn time(&self) -> Option<NaiveTime> {
        self.time
    }

    pub fn year(&self) -> i32 {
        self.first.year()
    }

    /// The month, unless only the year is known.
    pub fn month(&self) -> Option<u32> {
        (self.precision != Precision::Year).then(|| self.first.month())
    }

    /// The first day of the period (the day itself when known): for ordering, never to print.
    pub fn first_day(&self) -> NaiveDate {
        self.first
    }

    /// The last day of the period (the day itself when known): an event known by its month is
    /// upcoming until that month is over. For comparisons, never to print.
    pub fn last_day(&self) -> NaiveDate {
        let next = match self.precision {
            Precision::Day => return self.first,
            Precision::Month => self.first.checked_add_months(Months::new(1)),
            Precision::Year => self.first.checked_add_months(Months::new(12)),
        };
        next.and_then(|d| d.pred_opt()).unwrap_or(self.first)
    }

    /// Whether this date is surely before `other`: every day it may be comes before every day
    /// `other` may be (for known days and times, the plain order).
    pub fn is_before(&self, other: &Date) -> bool {
        if self.placeholder || other.placeholder {
            return false;
        }
        if self.is_partial() || other.is_partial() {
            self.last_day() < other.first_day()
        } else {
            self < other
        }
    }

    /// `2016`, `2016-12`, `2016-12-03` or `2016-12-03T10:00`.
    pub fn iso(&self) -> String {
        if self.placeholder {
            return PLACEHOLDER.to_owned();
        }
        match self.time {
            Some(time) => format!("{}T{}", self.iso_date(), time.format("%H:%M")),
            None => self.iso_date(),
        }
    }

    /// The date without its time: `2016`, `2016-12` or `2016-12-03`.
    pub fn iso_date(&self) -> String {
        if self.placeholder {
            return PLACEHOLDER.to_owned();
        }
        let (year, month, day) = (self.first.year(), self.first.month(), self.first.day());
        match self.precision {
            Precision::Year => format!("{year:04}"),
            Precision::Month => format!("{year:04}-{month:02}"),
            Precision::Day => format!("{year:04}-{month:02}-{day:02}"),
        }
    }

    /// The valid date nearest to a bad one, for the help line of its error: `2016-13` →
    /// `2016-12`, `2024-02-30` → `2024-02-29`, `2016/12/1` → `2016-12-01`, `平成28年12月` →
    /// `2016-12`. `None` when the text holds no year.
    pub fn nearest(text: &str) -> Option<String> {
        let (era_offset, rest) = era_prefix(text.trim());
        let (day_part, time_part) = split_time(rest);
        let mut numbers: Vec<u32> = day_part
            .split(|c: char| !c.is_ascii_digit())
            .filter(|part| !part.is_empty())
            .filter_map(|part| part.parse().ok())
            .collect();
        if era_offset.is_none() && numbers.len() == 1 && day_part.trim().len() == 8 {
            let n = numbers[0];
            numbers = vec![n / 10000, n / 100 % 100, n % 100];
        }
        if era_offset.is_some() && day_part.contains('元') {
            numbers.insert(0, 1);
        }
        let mut numbers = numbers.into_iter();
        let year = i32::try_from(numbers.next()?).ok()? + era_offset.unwrap_or(0);
        if !(1000..=9999).contains(&year) {
            return None;
        }
        let Some(month) = numbers.next() else { return Some(format!("{year}")) };
        let month = month.clamp(1, 12);
        let Some(day) = numbers.next() else { return Some(format!("{year}-{month:02}")) };
        let first = NaiveDate::from_ymd_opt(year, month, 1)?;
        let period = Date { first, precision: Precision::Month, time: None, placeholder: false };
        let last = period.last_day().day();
        let day = day.clamp(1, last);
        let time = time_part
            .and_then(|t| NaiveTime::parse_from_str(t.trim(), "%H:%M").ok())
            .map(|t| format!("T{}", t.format("%H:%M")))
            .unwrap_or_default();
        Some(format!("{year}-{month:02}-{day:02}{time}"))
    }
}

/// The date of `2016`, `2016-12` or `2016-12-03` (`text`: the whole value, for messages).
fn parse_day_part(text: &str, day_part: &str) -> Result<Date, DateError> {
    let parts: Vec<&str> = day_part.split('-').collect();
    // Months and days of one digit are read too (`2016-1-5`), as chrono read them before.
    let digits = |part: &str, lens: std::ops::RangeInclusive<usize>| {
        lens.contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit())
    };
    let shape_ok = match parts.as_slice() {
        [y] => digits(y, 4..=4),
        [y, m] => digits(y, 4..=4) && digits(m, 1..=2),
        [y, m, d] => digits(y, 4..=4) && digits(m, 1..=2) && digits(d, 1..=2),
        _ => false,
    };
    if !shape_ok {
        return Err(DateError::Shape { value: text.to_owned() });
    }
    let number = |i: usize| parts.get(i).and_then(|p| p.parse::<u32>().ok());
    let year = parts[0].parse::<i32>().unwrap_or_default();
    let month = number(1).unwrap_or(1);
    if !(1..=12).contains(&month) {
        return Err(DateError::NoMonth { value: text.to_owned(), month });
    }
    let precision = match parts.len() {
        1 => Precision::Year,
        2 => Precision::Month,
        _ => Precision::Day,
    };
    let first = NaiveDate::from_ymd_opt(year, month, number(2).unwrap_or(1))
        .ok_or_else(|| DateError::NoSuchDay { value: text.to_owned() })?;
    Ok(Date { first, precision, time: None, placeholder: false })
}

/// Why a text is not a [`Date`] (each with the whole value, for the message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    /// Not YYYY, YYYY-MM or YYYY-MM-DD.
    Shape { value: String },
    /// A month outside 1–12.
    NoMonth { value: String, month: u32 },
    /// A day the month does not have (`2024-02-30`).
    NoSuchDay { value: String },
    /// A time after a year or a month.
    TimeNeedsDay { value: String },
    /// A time that is not HH:MM.
    BadTime { value: String },
}

impl DateError {
    /// What is wrong, from the message catalogue.
    pub fn text(&self) -> Text {
        match self {
            DateError::Shape { value } => msg!("date.shape", value = value),
            DateError::NoMonth { value, month } => {
                msg!("date.no_month", value = value, month = *month)
            }
            DateError::NoSuchDay { value } => msg!("date.no_such_day", value = value),
            DateError::TimeNeedsDay { value } => msg!("date.time_needs_day", value = value),
            DateError::BadTime { value } => msg!("date.bad_time", value = value),
        }
    }
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.text().fmt(f)
    }
}

impl std::error::Error for DateError {}

/// The years to add to an era year (`平成28年` → 28 + 1988), and the text after the era name.
fn era_prefix(text: &str) -> (Option<i32>, &str) {
    const ERAS: [(&str, i32); 5] =
        [("令和", 2018), ("平成", 1988), ("昭和", 1925), ("大正", 1911), ("明治", 1867)];
    for (name, offset) in ERAS {
        if let Some(rest) = text.strip_prefix(name) {
            return (Some(offset), rest);
        }
    }
    (None, text)
}

/// `2016-12-03T10:00` → (`2016-12-03`, `10:00`).
fn split_time(text: &str) -> (&str, Option<&str>) {
    match text.find(['T', ' ']) {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iso())
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.iso())
    }
}

impl<'de> Deserialize<'de> for Date {
    /// A text, or a number: YAML reads `date: 2016` as one.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        let text = scalar_string(deserializer)?;
        if is_placeholder(&text) {
            return Ok(Date::placeholder());
        }
        Date::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// What `Date::parse` reads, for the JSON Schemas of the front matter (`renkei schema`): the
/// shape only (a month 13 matches it, and `Date::parse` still refuses it).
pub const DATE_PATTERN: &str =
    r"^[0-9]{4}(-[0-9]{1,2}(-[0-9]{1,2}([T ][0-9]{1,2}:[0-9]{2}(:[0-9]{2})?)?)?)?$";

/// `DATE_PATTERN` without a time: what `Since` reads.
pub const DAY_PATTERN: &str = r"^[0-9]{4}(-[0-9]{1,2}(-[0-9]{1,2})?)?$";

/// A text of `pattern`, or a year written as a number (YAML reads `date: 2016` as one).
fn date_schema(pattern: &str, description: &str) -> schemars::Schema {
    schemars::json_schema!({
        "description": description,
        "anyOf": [
            { "type": "string", "pattern": pattern },
            { "type": "integer", "minimum": 1000, "maximum": 9999 }
        ]
    })
}

impl JsonSchema for Date {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        date_schema(
            DATE_PATTERN,
            "YYYY-MM-DD (2016-12-03), YYYY-MM or YYYY when the source gives no day; a time: YYYY-MM-DDTHH:MM",
        )
    }
}

/// A relation's start as sources give it: `2015`, `2015-10` or `2015-10-01` (a `Date` without a
/// time, kept as written).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Since(pub String);

impl<'de> Deserialize<'de> for Since {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Since, D::Error> {
        let text = scalar_string(deserializer)?;
        if is_placeholder(&text) {
            return Ok(Since(PLACEHOLDER.to_owned()));
        }
        match Date::parse(&text) {
            Ok(date) if date.time().is_none() => Ok(Since(date.iso())),
            Ok(_) => Err(serde::de::Error::custom(msg!("date.since_no_time", value = text))),
            Err(message) => Err(serde::de::Error::custom(message)),
        }
    }
}

impl JsonSchema for Since {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Since".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        date_schema(DAY_PATTERN, "YYYY, YYYY-MM or YYYY-MM-DD, as the source gives it")
    }
}

/// A string that an editor may have written as a number (`code: 131016`, `since: 2015`,
/// `date: 2016.12`).
fn scalar_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    scalar(deserializer).map(|(text, _)| text)
}

/// A scalar as text, and whether YAML read it as a number.
/// A visitor rather than an untagged enum, so that a YAML syntax error keeps its place.
fn scalar<'de, D: Deserializer<'de>>(deserializer: D) -> Result<(String, bool), D::Error> {
    struct Scalar;
    impl serde::de::Visitor<'_> for Scalar {
        type Value = (String, bool);
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a text or a number")
        }
        fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<(String, bool), E> {
            Ok((text.to_owned(), false))
        }
        fn visit_u64<E: serde::de::Error>(self, number: u64) -> Result<(String, bool), E> {
            Ok((number.to_string(), true))
        }
        fn visit_i64<E: serde::de::Error>(self, number: i64) -> Result<(String, bool), E> {
            Ok((number.to_string(), true))
        }
        fn visit_f64<E: serde::de::Error>(self, number: f64) -> Result<(String, bool), E> {
            Ok((number.to_string(), true))
        }
    }
    deserializer.deserialize_any(Scalar)
}

/// A code written as a number, which lost its leading zeros (`code: 1` for `01`): padded back.
/// A code written as a text stays as written (`"01206"`, a five-digit code without its check
/// digit), so that a diagnostic names what the editor wrote.
fn code<'de, D: Deserializer<'de>>(deserializer: D, width: usize) -> Result<String, D::Error> {
    let (text, number) = scalar(deserializer)?;
    if number && text.bytes().all(|b| b.is_ascii_digit()) {
        Ok(format!("{text:0>width$}"))
    } else {
        Ok(text)
    }
}

fn prefecture_code<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    code(deserializer, 2)
}

fn ward_code<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    code(deserializer, 6)
}

/// A list of municipality codes, padded to 6 digits when written as numbers.
fn municipality_codes<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    struct Code(#[serde(deserialize_with = "ward_code")] String);
    Ok(Vec::<Code>::deserialize(deserializer)?.into_iter().map(|c| c.0).collect())
}

/// The mark of a value that `renkei new` wrote for the editor to replace (`title: "要記入: …"`):
/// a built entry whose field still holds one is an error at that field (`model`), so that a
/// template's value is never published as if an editor had chosen it.
pub const PLACEHOLDER: &str = "要記入";

/// Whether `value` is a template's placeholder (see `PLACEHOLDER`).
pub fn is_placeholder(value: &str) -> bool {
    value.trim_start().starts_with(PLACEHOLDER)
}

/// Fields every collection accepts.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Common {
    #[serde(default)]
    pub draft: bool,
    pub updated: Option<Date>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WardMeta {
    pub name: String,
    pub kana: String,
    #[serde(deserialize_with = "ward_code")]
    pub code: String,
    pub name_en: Option<String>,
    pub website: Option<String>,
    #[serde(default)]
    pub draft: bool,
    pub updated: Option<Date>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrefectureMeta {
    pub name: String,
    pub kana: String,
    #[serde(deserialize_with = "prefecture_code")]
    pub code: String,
    pub region: String,
    pub name_en: Option<String>,
    #[serde(default)]
    pub draft: bool,
    pub updated: Option<Date>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MunicipalityMeta {
    pub name: String,
    pub kana: String,
    pub prefecture: String,
    pub kind: Option<String>,
    pub website: Option<String>,
    pub summary: Option<String>,
    #[serde(default)]
    pub partners: Vec<PartnerMeta>,
    /// The wards of a 政令指定都市 (政令市の区): listed on the city's page, not entities.
    #[serde(default)]
    pub districts: Vec<DistrictMeta>,
    /// Other names the search finds it by: old names (浦和 for さいたま市), common spellings.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// A member of the project's website (全国連携ホームページの会員登録, 推進方針 6 (1)).
    pub member: Option<Membership>,
    #[serde(default)]
    pub draft: bool,
    pub updated: Option<Date>,
}

/// Membership of the project's website: when the body registered, and where that is stated.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Membership {
    /// As precise as the source gives it (`2015`, `2015-04`, `2015-04-01`).
    pub registered: Since,
    /// The public page (or document) that states the registration.
    pub source: Option<String>,
}

/// A ward of a 政令指定都市 (`札幌市` → `中央区`, code `011011`).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DistrictMeta {
    #[serde(deserialize_with = "ward_code")]
    pub code: String,
    pub name: String,
    pub kana: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerMeta {
    pub ward: String,
    pub relation: Option<String>,
    pub since: Option<Since>,
    pub source: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventMeta {
    pub title: String,
    pub date: Date,
    pub end: Option<Date>,
    pub category: String,
    pub kind: Option<String>,
    /// What the 23 wards gave to another's project (推進方針 4 (3) ③): `[協賛, 後援]`; an event
    /// with support is a supported project (`model::SUPPORT_KINDS`).
    #[serde(default)]
    pub support: Vec<String>,
    pub venue: Option<String>,
    #[serde(default)]
    pub wards: Vec<String>,
    #[serde(default, deserialize_with = "municipality_codes")]
    pub municipalities: Vec<String>,
    #[serde(default)]
    pub prefectures: Vec<String>,
    /// A photo beside a folder entry, for cards and the Open Graph preview (issue 10).
    pub image: Option<String>,
    /// Its alt text: required with `image` (`""` for a picture that says nothing the title does not).
    pub image_alt: Option<String>,
    /// The member (a municipality's code or a partner's id with `member:`) that wrote it.
    pub author: Option<String>,
    pub summary: Option<String>,
    #[serde(default)]
    pub draft: bool,
    pub updated: Option<Date>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExhibitMeta {
    pub title: String,
    pub date: Date,
    pub end: Date,
    #[serde(default = "default_exhibit_location")]
    pub location: String,
    #[serde(default)]
    pub wards: Vec<String>,
    #[serde(default, deserialize_with = "municipality_codes")]
    pub municipalities: Vec<String>,
    #[serde(default)]
    pub prefectures: Vec<String>,
    /// A photo beside a folder entry, for cards and the Open Graph preview (issue 10).
    pub image: Option<String>,
    /// Its alt text: required with `image` (`""` for a picture that says nothing the title does not).
    pub image_alt: Option<String>,
    pub summary: Option<String>,
    #[serde(default)]
    pub draft: bool,
    pub updated: Option<Date>,
}

fn default_exhibit_location() -> String {
    "東京区政会館 1階".to_owned()
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewsMeta {
    pub title: String,
    pub date: Date,
    #[serde(default = "default_news_category")]
    pub category: String,
    pub disaster: Option<String>,
    #[serde(default)]
    pub wards: Vec<String>,
    #[serde(default, deserialize_with = "municipality_codes")]
    pub municipalities: Vec<String>,
    #[serde(default)]
    pub prefectures: Vec<String>,
    /// A photo beside a folder entry, for cards and the Open Graph preview (issue 10).
    pub image: Option<String>,
    /// Its alt text: required with `image` (`""` for a picture that says nothing the title does not).
    pub image_alt: Option<String>,
    /// The member (a municipality's code or a partner's id with `member:`) that wrote it.
    pub author: Option<String>,
    pub summary: Option<String>,
    #[serde(default)]
    pub draft: bool,
    pub updated: Option<Date>,
}

fn default_news_category() -> String {
    "お知らせ".to_owned()
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FacilityMeta {
    pub name: String,
    pub ward: String,
    pub address: Option<String>,
    pub capacity: Option<u32>,
    #[serde(default)]
    pub uses: Vec<String>,
    pub website: Option<String>,
    pub summary: Option<String>,
    #[serde(default)]
    pub draft: bool,
    pub updated: Option<Date>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgreementMeta {
    pub title: String,
    /// The signing day, only when a source states it in full; otherwise left out and
    /// `date_note` says what is known (an inferred or bounding date is not a signing date).
    pub date: Option<Date>,
    /// Shown where the date would be, e.g. `締結日は出典に記載がありません（2017年9月までに締結）`.
    pub date_note: Option<String>,
    #[serde(default)]
    pub parties: Vec<String>,
    #[serde(default)]
    pub prefectures: Vec<String>,
    #[serde(default, deserialize_with = "municipality_codes")]
    pub municipalities: Vec<String>,
    pub summary: Option<String>,
    #[serde(default)]
    pub draft: bool,
    pub updated: Option<Date>,
}

/// A 年度 (fiscal year, April to March), by the year it begins: written `2016`, `2016年度`,
/// `平成28年度` or `令和元年度`. For what a source dates only by its 年度 (「平成28年度に3回開催」).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Nendo(pub i32);

impl Nendo {
    /// `2016`, `2016年度`, `平成28年度`, `令和元年度` (full-width digits too).
    pub fn parse(text: &str) -> Result<Nendo, String> {
        let normal: String = text
            .trim()
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
                c => c,
            })
            .collect();
        let (offset, rest) = era_prefix(&normal);
        let rest = rest.strip_suffix("年度").or_else(|| rest.strip_suffix('年')).unwrap_or(rest);
        let number =
            if offset.is_some() && rest == "元" { Some(1) } else { rest.parse::<i32>().ok() };
        let year = number.map(|n| n + offset.unwrap_or(0));
        match year {
            Some(year)
                if (1000..=9999).contains(&year) && (offset.is_some() || rest.len() == 4) =>
            {
                Ok(Nendo(year))
            }
            // The wording is the key `front_matter::explain` recognises to give `nendo.invalid`.
            _ => Err(format!("`{text}` is not a 年度")),
        }
    }

    /// The 年度 a day or month falls in; `None` for a year alone, which overlaps two.
    pub fn of(date: &Date) -> Option<Nendo> {
        let month = date.month()?;
        Some(Nendo(if month >= 4 { date.year() } else { date.year() - 1 }))
    }

    /// Its first day (1 April), for ordering.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0, 4, 1).unwrap_or_default()
    }
}

impl JsonSchema for Nendo {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Nendo".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "The 年度 by the year it begins (2016) or its name (2016年度, 平成28年度, 令和元年度)",
            "anyOf": [
                { "type": "string" },
                { "type": "integer", "minimum": 1000, "maximum": 9999 }
            ]
        })
    }
}

impl<'de> Deserialize<'de> for Nendo {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Nendo, D::Error> {
        let text = scalar_string(deserializer)?;
        Nendo::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A meeting of a body (会議体) such as the 連絡会 of the 23 wards: dated as precisely as its
/// source, by `date` or, when the source gives only the 年度, by `nendo`; `count` when the
/// source only counts the meetings of that period (「3回開催」).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingMeta {
    pub title: String,
    /// The body that met, as its name is written: `特別区全国連携プロジェクト連絡会`.
    pub body: String,
    pub date: Option<Date>,
    pub nendo: Option<Nendo>,
    /// How many meetings this entry stands for, when the source gives a number and no dates.
    pub count: Option<u32>,
    /// How often the body meets, as the source states it: `毎月1回`.
    pub frequency: Option<String>,
    pub place: Option<String>,
    #[serde(default)]
    pub agenda: Vec<String>,
    /// The minutes: a PDF beside a folder entry's `index.md`.
    pub minutes: Option<String>,
    #[serde(default)]
    pub wards: Vec<String>,
    #[serde(default, deserialize_with = "municipality_codes")]
    pub municipalities: Vec<String>,
    #[serde(default)]
    pub prefectures: Vec<String>,
    /// Ids of the agreements the meeting concerns (`content/agreements/`).
    #[serde(default)]
    pub agreements: Vec<String>,
    pub source: Option<String>,
    pub summary: Option<String>,
    #[serde(default)]
    pub draft: bool,
    pub updated: Option<Date>,
}

/// A body of the 協働プラットフォーム (推進方針 6 (4)): a company, NPO, university, bank, union,
/// news organisation or public body taking part in the project.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerOrgMeta {
    pub name: String,
    /// One of `model::PARTNER_KINDS`.
    pub kind: String,
    pub kana: Option<String>,
    pub name_en: Option<String>,
    pub website: Option<String>,
    /// The events it takes part in, by id.
    #[serde(default)]
    pub events: Vec<String>,
    /// The exhibits it takes part in, by id.
    #[serde(default)]
    pub exhibits: Vec<String>,
    pub member: Option<Membership>,
    pub summary: Option<String>,
    #[serde(default)]
    pub draft: bool,
    pub updated: Option<Date>,
}

impl MeetingMeta {
    /// The 年度 it is listed under: `nendo`, else that of `date` (none for a year alone).
    pub fn fiscal_year(&self) -> Option<Nendo> {
        self.nendo.or_else(|| self.date.as_ref().and_then(Nendo::of))
    }
}

/// A plain page, or the text of a list page (`_index.md`).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PageMeta {
    pub title: String,
    /// A photo beside a folder entry, for cards and the Open Graph preview (issue 10).
    pub image: Option<String>,
    /// Its alt text: required with `image` (`""` for a picture that says nothing the title does not).
    pub image_alt: Option<String>,
    pub summary: Option<String>,
    #[serde(default)]
    pub draft: bool,
    pub updated: Option<Date>,
}

/// Ids an entry refers to, as written.
#[derive(Debug, Clone, Copy)]
pub struct References<'a> {
    pub wards: &'a [String],
    pub municipalities: &'a [String],
    pub prefectures: &'a [String],
}

/// The front matter of one file, typed by its collection.
#[derive(Debug, Clone)]
pub enum Meta {
    Ward(WardMeta),
    Prefecture(PrefectureMeta),
    Municipality(MunicipalityMeta),
    Event(EventMeta),
    Exhibit(ExhibitMeta),
    News(NewsMeta),
    Facility(FacilityMeta),
    Agreement(AgreementMeta),
    Meeting(MeetingMeta),
    PartnerOrg(PartnerOrgMeta),
    Page(PageMeta),
}

impl Meta {
    pub fn common(&self) -> Common {
        let (draft, updated) = match self {
            Meta::Ward(m) => (m.draft, m.updated),
            Meta::Prefecture(m) => (m.draft, m.updated),
            Meta::Municipality(m) => (m.draft, m.updated),
            Meta::Event(m) => (m.draft, m.updated),
            Meta::Exhibit(m) => (m.draft, m.updated),
            Meta::News(m) => (m.draft, m.updated),
            Meta::Facility(m) => (m.draft, m.updated),
            Meta::Agreement(m) => (m.draft, m.updated),
            Meta::Meeting(m) => (m.draft, m.updated),
            Meta::PartnerOrg(m) => (m.draft, m.updated),
            Meta::Page(m) => (m.draft, m.updated),
        };
        Common { draft, updated }
    }

    /// The wards, municipalities and prefectures an event, exhibit, news item or agreement
    /// names (empty for other collections).
    pub fn references(&self) -> References<'_> {
        let (wards, municipalities, prefectures): (&[String], &[String], &[String]) = match self {
            Meta::Event(m) => (&m.wards, &m.municipalities, &m.prefectures),
            Meta::Exhibit(m) => (&m.wards, &m.municipalities, &m.prefectures),
            Meta::News(m) => (&m.wards, &m.municipalities, &m.prefectures),
            Meta::Agreement(m) => (&[], &m.municipalities, &m.prefectures),
            Meta::Meeting(m) => (&m.wards, &m.municipalities, &m.prefectures),
            _ => (&[], &[], &[]),
        };
        References { wards, municipalities, prefectures }
    }

    /// The front matter's addresses of other sites, by key: `website`, and the `source` of each
    /// partnership. Every field that holds an address belongs here: the model refuses any that
    /// is not `https:`/`http:` (`model::url_problem`), and `check --external` fetches them.
    pub fn web_addresses(&self) -> Vec<(&'static str, &str)> {
        let website = match self {
            Meta::Ward(m) => m.website.as_deref(),
            Meta::Municipality(m) => m.website.as_deref(),
            Meta::Facility(m) => m.website.as_deref(),
            Meta::PartnerOrg(m) => m.website.as_deref(),
            _ => None,
        };
        let mut addresses: Vec<(&'static str, &str)> =
            website.map(|url| ("website", url)).into_iter().collect();
        if let Meta::Municipality(m) = self {
            let sources = m.partners.iter().filter_map(|p| p.source.as_deref());
            addresses.extend(sources.map(|source| ("source", source)));
        }
        if let Meta::Meeting(m) = self {
            addresses.extend(m.source.as_deref().map(|source| ("source", source)));
        }
        let member_source = self.membership().and_then(|m| m.source.as_deref());
        addresses.extend(member_source.map(|source| ("source", source)));
        addresses
    }

    /// The front matter's `image` and `image_alt`, for the collections that have them.
    pub fn image(&self) -> Option<(&str, Option<&str>)> {
        let (image, alt) = match self {
            Meta::Event(m) => (&m.image, &m.image_alt),
            Meta::Exhibit(m) => (&m.image, &m.image_alt),
            Meta::News(m) => (&m.image, &m.image_alt),
            Meta::Page(m) => (&m.image, &m.image_alt),
            _ => return None,
        };
        image.as_deref().map(|image| (image, alt.as_deref()))
    }

    /// The top-level fields of the front matter as JSON (for checks that look at every field).
    pub fn fields(&self) -> serde_json::Value {
        let value = match self {
            Meta::Ward(m) => serde_json::to_value(m),
            Meta::Prefecture(m) => serde_json::to_value(m),
            Meta::Municipality(m) => serde_json::to_value(m),
            Meta::Event(m) => serde_json::to_value(m),
            Meta::Exhibit(m) => serde_json::to_value(m),
            Meta::News(m) => serde_json::to_value(m),
            Meta::Facility(m) => serde_json::to_value(m),
            Meta::Agreement(m) => serde_json::to_value(m),
            Meta::Meeting(m) => serde_json::to_value(m),
            Meta::PartnerOrg(m) => serde_json::to_value(m),
            Meta::Page(m) => serde_json::to_value(m),
        };
        value.unwrap_or_default()
    }

    /// The name or title shown for the entry.
    pub fn title(&self) -> &str {
        match self {
            Meta::Ward(m) => &m.name,
            Meta::Prefecture(m) => &m.name,
            Meta::Municipality(m) => &m.name,
            Meta::Event(m) => &m.title,
            Meta::Exhibit(m) => &m.title,
            Meta::News(m) => &m.title,
            Meta::Facility(m) => &m.name,
            Meta::Agreement(m) => &m.title,
            Meta::Meeting(m) => &m.title,
            Meta::PartnerOrg(m) => &m.name,
            Meta::Page(m) => &m.title,
        }
    }

    /// The membership of the project's website, of a municipality or a partner that has one.
    pub fn membership(&self) -> Option<&Membership> {
        match self {
            Meta::Municipality(m) => m.member.as_ref(),
            Meta::PartnerOrg(m) => m.member.as_ref(),
            _ => None,
        }
    }

    /// The member that wrote a news item or an event, as written (`author:`).
    pub fn author(&self) -> Option<&str> {
        match self {
            Meta::Event(m) => m.author.as_deref(),
            Meta::News(m) => m.author.as_deref(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impossible_dates_are_rejected_not_rolled_over() {
        assert!(
            Date::parse("2024-02-30")
                .is_err_and(|e| e.to_string().contains("is not a date that exists"))
        );
        assert_eq!(Date::parse("2024-02-29").map(|d| d.iso()), Ok("2024-02-29".to_owned()));
        assert_eq!(
            Date::parse("2016-12-03T10:00").map(|d| d.iso()),
            Ok("2016-12-03T10:00".to_owned())
        );
        assert!(Date::parse("12/03/2016").is_err());
    }

    fn date(text: &str) -> Date {
        Date::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn dates_are_as_precise_as_written() {
        let month = date("2016-12");
        assert_eq!(month.precision(), Precision::Month);
        assert_eq!(
            (month.iso(), month.day(), month.month()),
            ("2016-12".to_owned(), None, Some(12))
        );
        assert_eq!(month.first_day().to_string(), "2016-12-01");
        assert_eq!(month.last_day().to_string(), "2016-12-31");
        let year = date("2016");
        assert_eq!((year.iso(), year.day(), year.month()), ("2016".to_owned(), None, None));
        assert_eq!(year.last_day().to_string(), "2016-12-31");
        assert_eq!(date("2024-02").last_day().to_string(), "2024-02-29");
        let day = date("2016-12-03");
        assert_eq!(day.day(), NaiveDate::from_ymd_opt(2016, 12, 3));
        assert_eq!((day.first_day(), day.last_day()), (day.first_day(), day.first_day()));
        assert_eq!(date("2016-1-5").iso(), "2016-01-05");
        assert_eq!(date("2016-12-03 10:00").iso(), "2016-12-03T10:00");
    }

    #[test]
    fn bad_dates_name_the_problem() {
        assert_eq!(
            Date::parse("2016-13").err().map(|e| e.to_string()).as_deref(),
            Some("`2016-13` is not a date: there is no month 13")
        );
        assert!(Date::parse("2016-00").is_err());
        let error = |text: &str| Date::parse(text).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error("2016-12T10:00").contains("a time needs a day"));
        assert!(error("16-12").contains("YYYY-MM when the source"));
        assert!(error("2016-12-03T25:00").contains("HH:MM"));
    }

    #[test]
    fn a_placeholder_of_renkei_new_reads_as_a_date_that_prints_as_the_mark() {
        let read: Result<Date, _> = serde_yaml::from_str("\"要記入: the first day: YYYY-MM-DD\"");
        let date = read.ok();
        assert!(date.is_some_and(|d| d.is_placeholder()), "{date:?}");
        let date = date.unwrap_or_else(Date::placeholder);
        assert_eq!((date.iso(), date.iso_date()), ("要記入".to_owned(), "要記入".to_owned()));
        assert!(!date.is_before(&Date::placeholder()));
        let day = Date::parse("2027-01-16").ok().unwrap_or(date);
        assert!(!day.is_before(&date) && !date.is_before(&day) && !day.is_placeholder());
        let since: Result<Since, _> = serde_yaml::from_str("\"要記入: since when\"");
        assert_eq!(since.ok().map(|s| s.0), Some("要記入".to_owned()));
    }

    #[test]
    fn the_nearest_valid_date_is_suggested() {
        let nearest = |text: &str| Date::nearest(text);
        assert_eq!(nearest("2016-13").as_deref(), Some("2016-12"));
        assert_eq!(nearest("2024-02-30").as_deref(), Some("2024-02-29"));
        assert_eq!(nearest("2016/12/1").as_deref(), Some("2016-12-01"));
        assert_eq!(nearest("20161201").as_deref(), Some("2016-12-01"));
        assert_eq!(nearest("2016年12月").as_deref(), Some("2016-12"));
        assert_eq!(nearest("平成28年12月").as_deref(), Some("2016-12"));
        assert_eq!(nearest("令和元年5月1日").as_deref(), Some("2019-05-01"));
        assert_eq!(nearest("2016-12-03T10:00").as_deref(), Some("2016-12-03T10:00"));
        assert_eq!(nearest("未定"), None);
        // Every suggestion is itself valid.
        for text in ["2016-13", "2024-02-30", "2016/12/1", "平成28年12月", "2016-0-0"] {
            let suggestion = nearest(text).unwrap_or_else(|| panic!("{text}"));
            assert!(Date::parse(&suggestion).is_ok(), "{text} -> {suggestion}");
        }
    }

    #[test]
    fn a_period_sorts_before_the_days_within_it() {
        let mut dates: Vec<Date> = [
            "2016-12-03",
            "2016-12",
            "2017",
            "2016-11-30",
            "2016-12-01T10:00",
            "2016-12-01",
            "2016",
        ]
        .into_iter()
        .map(date)
        .collect();
        dates.sort();
        let texts: Vec<String> = dates.iter().map(Date::iso).collect();
        assert_eq!(
            texts,
            [
                "2016",
                "2016-11-30",
                "2016-12",
                "2016-12-01",
                "2016-12-01T10:00",
                "2016-12-03",
                "2017"
            ]
        );
        assert!(date("2016-11").is_before(&date("2016-12")));
        assert!(!date("2016-12").is_before(&date("2016-12-20")));
        assert!(!date("2016-12-20").is_before(&date("2016-12")));
        assert!(date("2016-12-20T10:00").is_before(&date("2016-12-20T11:00")));
    }

    #[test]
    fn a_nendo_is_its_first_year_or_its_name() {
        let nendo = |text: &str| Nendo::parse(text).map(|n| n.0);
        assert_eq!(nendo("2016"), Ok(2016));
        assert_eq!(nendo("平成28年度"), Ok(2016));
        assert_eq!(nendo("平成２８年度"), Ok(2016));
        assert_eq!(nendo("令和元年度"), Ok(2019));
        assert_eq!(nendo("2016年度"), Ok(2016));
        assert!(nendo("平成28年").is_ok_and(|y| y == 2016), "the 年 of 年度 may be left out");
        assert!(nendo("16").is_err() && nendo("来年度").is_err());
        assert_eq!(Nendo::of(&date("2017-03")), Some(Nendo(2016)));
        assert_eq!(Nendo::of(&date("2017-04-01")), Some(Nendo(2017)));
        assert_eq!(Nendo::of(&date("2017")), None, "a year overlaps two 年度");
    }

    #[test]
    fn years_may_be_written_as_numbers() {
        let yaml = "date: 2016\nsince: 2015\n";
        #[derive(Deserialize)]
        struct Both {
            date: Date,
            since: Since,
        }
        let both: Both = serde_yaml::from_str(yaml).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((both.date.iso(), both.since.0), ("2016".to_owned(), "2015".to_owned()));
        assert!(serde_yaml::from_str::<Both>("date: 2016-12\nsince: 2015-10-01T10:00\n").is_err());
    }
}
