//! The typed front matter of every collection: the contract with editors (docs/content-model.md).
//!
//! Plain serde types; which YAML parser fills them is `front_matter.rs`'s business alone.

use std::fmt;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar day, with a time of day when one was given (Japan time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub day: NaiveDate,
    pub time: Option<NaiveTime>,
}

impl Date {
    pub fn parse(text: &str) -> Result<Date, String> {
        let text = text.trim();
        if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return Ok(Date { day, time: None });
        }
        for format in ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"] {
            if let Ok(at) = NaiveDateTime::parse_from_str(text, format) {
                return Ok(Date { day: at.date(), time: Some(at.time()) });
            }
        }
        Err(date_error(text))
    }

    /// `2016-12-03` or `2016-12-03T10:00`.
    pub fn iso(&self) -> String {
        match self.time {
            Some(time) => format!("{}T{}", self.day.format("%Y-%m-%d"), time.format("%H:%M")),
            None => self.day.format("%Y-%m-%d").to_string(),
        }
    }
}

fn date_error(text: &str) -> String {
    let shape_ok = text.len() >= 10 && text.as_bytes().get(4) == Some(&b'-');
    if shape_ok {
        format!("`{text}` is not a date that exists")
    } else {
        format!("`{text}` is not a date: write YYYY-MM-DD, or YYYY-MM-DDTHH:MM for a time")
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
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        let text = String::deserialize(deserializer)?;
        Date::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A partial date as sources give them: `2015`, `2015-10` or `2015-10-01`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Since(pub String);

impl<'de> Deserialize<'de> for Since {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Since, D::Error> {
        let text = scalar_string(deserializer)?;
        let valid = match text.len() {
            4 => text.parse::<u16>().is_ok(),
            7 => NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d").is_ok(),
            _ => NaiveDate::parse_from_str(&text, "%Y-%m-%d").is_ok(),
        };
        if valid {
            Ok(Since(text))
        } else {
            Err(serde::de::Error::custom(format!(
                "`{text}` is not a date: write YYYY, YYYY-MM or YYYY-MM-DD"
            )))
        }
    }
}

/// A string that an editor may have written as a number (`code: 131016`).
fn scalar_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Scalar {
        Text(String),
        Number(u64),
    }
    match Scalar::deserialize(deserializer) {
        Ok(Scalar::Text(text)) => Ok(text),
        Ok(Scalar::Number(number)) => Ok(number.to_string()),
        Err(_) => Err(serde::de::Error::custom("expected a text or a number")),
    }
}

/// A code that loses its leading zeros when written unquoted (`01`, `012068`): padded back.
fn code<'de, D: Deserializer<'de>>(deserializer: D, width: usize) -> Result<String, D::Error> {
    let text = scalar_string(deserializer)?;
    // Only a number lost its zeros; anything else (a name written by mistake) stays as written,
    // so that the diagnostic can name it.
    if text.bytes().all(|b| b.is_ascii_digit()) { Ok(format!("{text:0>width$}")) } else { Ok(text) }
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

/// Fields every collection accepts.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Common {
    #[serde(default)]
    pub draft: bool,
    pub updated: Option<Date>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
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

#[derive(Debug, Clone, Deserialize, Serialize)]
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

#[derive(Debug, Clone, Deserialize, Serialize)]
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
    #[serde(default)]
    pub draft: bool,
    pub updated: Option<Date>,
}

/// A ward of a 政令指定都市 (`札幌市` → `中央区`, code `011011`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DistrictMeta {
    #[serde(deserialize_with = "ward_code")]
    pub code: String,
    pub name: String,
    pub kana: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PartnerMeta {
    pub ward: String,
    pub relation: Option<String>,
    pub since: Option<Since>,
    pub source: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EventMeta {
    pub title: String,
    pub date: Date,
    pub end: Option<Date>,
    pub category: String,
    pub kind: Option<String>,
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
    pub summary: Option<String>,
    #[serde(default)]
    pub draft: bool,
    pub updated: Option<Date>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
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

#[derive(Debug, Clone, Deserialize, Serialize)]
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
    pub summary: Option<String>,
    #[serde(default)]
    pub draft: bool,
    pub updated: Option<Date>,
}

fn default_news_category() -> String {
    "お知らせ".to_owned()
}

#[derive(Debug, Clone, Deserialize, Serialize)]
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

#[derive(Debug, Clone, Deserialize, Serialize)]
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

/// A plain page, or the text of a list page (`_index.md`).
#[derive(Debug, Clone, Deserialize, Serialize)]
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
            _ => (&[], &[], &[]),
        };
        References { wards, municipalities, prefectures }
    }

    /// The front matter's addresses of other sites, by key: `website`, and the `source` of each
    /// partnership (which may also be a plain description).
    pub fn web_addresses(&self) -> Vec<(&'static str, &str)> {
        let website = match self {
            Meta::Ward(m) => m.website.as_deref(),
            Meta::Municipality(m) => m.website.as_deref(),
            Meta::Facility(m) => m.website.as_deref(),
            _ => None,
        };
        let mut addresses: Vec<(&'static str, &str)> =
            website.map(|url| ("website", url)).into_iter().collect();
        if let Meta::Municipality(m) = self {
            let sources = m.partners.iter().filter_map(|p| p.source.as_deref());
            addresses.extend(sources.map(|source| ("source", source)));
        }
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
            Meta::Page(m) => &m.title,
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
                .is_err_and(|e| e.contains("does not exist") || e.contains("exists"))
        );
        assert_eq!(Date::parse("2024-02-29").map(|d| d.iso()), Ok("2024-02-29".to_owned()));
        assert_eq!(
            Date::parse("2016-12-03T10:00").map(|d| d.iso()),
            Ok("2016-12-03T10:00".to_owned())
        );
        assert!(Date::parse("12/03/2016").is_err());
    }
}
