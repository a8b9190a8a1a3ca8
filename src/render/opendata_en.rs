//! The data page in languages other than Japanese: the same files, described in English. The
//! files themselves do not change (their CSV headers are the Japanese ones of the standard data
//! sets, which programs rely on); the page says in English what each data set and column holds.

use serde_json::{Value, json};

/// `(id, title, description)` of each data set.
const DATASETS: [(&str, &str, &str); 9] = [
    (
        "municipalities",
        "Municipalities",
        "Every municipality on this site, in the order of their local government codes.",
    ),
    (
        "relations",
        "Relations between the special wards and municipalities",
        "Ward ↔ municipality relations (sister cities, exchange partners, disaster mutual aid…), with the relation and its date as the public source states them.",
    ),
    (
        "events",
        "Events",
        "Collaboration events, in the columns of the standard open data set “イベント一覧” (event list) of Japanese local governments.",
    ),
    (
        "exhibits",
        "Exhibits",
        "Exhibitions presenting partner municipalities, at the Tokyo Kusei Kaikan and elsewhere.",
    ),
    (
        "facilities",
        "Public facilities",
        "Facilities of the special wards that partner municipalities may also use, in the columns of the standard open data set “公共施設一覧” (public facilities).",
    ),
    (
        "agreements",
        "Agreements",
        "Agreements of the Conference of Mayors of the Special Wards and of the wards; the date is given only when a public source states the signing day.",
    ),
    (
        "plan",
        "The plan and what was done",
        "The plan of the promotion policy (each main project's aim per fiscal year) beside the number of records on this site; a row with no fiscal year counts the records dated only by a year.",
    ),
    (
        "members",
        "Members of the project website",
        "Municipalities and organisations registered as members of the project website; the registration date as precise as the source gives it.",
    ),
    (
        "partners",
        "Partners of the collaboration platform",
        "Companies, NPOs, universities, financial institutions, labour and news organisations and public bodies taking part in the project.",
    ),
];

/// JSON field → what the column holds, in English.
const COLUMNS: &[(&str, &str)] = &[
    ("code", "Local government code (6 digits, with check digit)"),
    ("prefecture_code", "Prefecture code (JIS X 0401)"),
    ("prefecture", "Prefecture"),
    ("name", "Name"),
    ("name_kana", "Name in katakana"),
    ("kind", "Kind (city 市, town 町, village 村, special ward 特別区)"),
    ("website", "Official website"),
    ("partner_count", "Number of relations with the special wards"),
    ("url", "Page on this site"),
    ("ward_code", "Local government code of the special ward"),
    ("ward", "Special ward"),
    ("municipality_code", "Local government code of the municipality"),
    ("municipality", "Municipality"),
    ("relation", "Relation, as the source states it"),
    ("since", "Since (year, month or day)"),
    ("source", "URL of the public source"),
    ("no", "Row number"),
    ("name_en", "Name in English"),
    ("start_date", "First day (YYYY-MM-DD; YYYY-MM or YYYY when the source gives no day)"),
    ("end_date", "Last day (YYYY-MM-DD; YYYY-MM or YYYY when the source gives no day)"),
    ("start_time", "Start time (HH:MM, Japan time)"),
    ("end_time", "End time (HH:MM, Japan time)"),
    ("date_note", "Note on the dates"),
    ("description", "Description"),
    ("fee", "Fee"),
    ("fee_detail", "Fee details"),
    ("contact_name", "Contact"),
    ("contact_phone", "Contact telephone number"),
    ("contact_extension", "Contact extension number"),
    ("organizer", "Organizer"),
    ("place_name", "Venue"),
    ("address", "Address"),
    ("address_detail", "Address details (building, floor)"),
    ("latitude", "Latitude"),
    ("longitude", "Longitude"),
    ("access", "Access"),
    ("parking", "Parking"),
    ("capacity", "Capacity"),
    ("application_end_date", "Last day to apply"),
    ("application_end_time", "Last time to apply"),
    ("application_method", "How to apply"),
    ("note", "Notes (field, kind, municipalities involved…)"),
    ("id", "Identifier on this site"),
    ("wards", "Special wards involved"),
    ("municipalities", "Municipalities involved"),
    ("prefectures", "Prefectures involved"),
    ("alias", "Common name"),
    ("poi_code", "POI code"),
    ("phone", "Telephone number"),
    ("extension", "Extension number"),
    ("corporate_number", "Corporate number"),
    ("organization", "Operating body (special ward)"),
    ("available_days", "Days open"),
    ("availability_note", "Note on opening hours"),
    ("accessibility", "Accessibility"),
    ("kana", "Reading in kana"),
    ("ward_name", "Special ward"),
    ("category", "Field"),
    ("venue", "Venue"),
    ("summary", "Summary"),
    (
        "date",
        "Date signed (YYYY-MM-DD, or YYYY-MM / YYYY as precise as the source; empty when no source states it)",
    ),
    ("parties", "Parties"),
    ("nendo", "Fiscal year (April to March), by the year it begins"),
    ("nendo_name", "Fiscal year in the Japanese calendar (年度)"),
    ("project", "Identifier of the main project in data/plan.toml"),
    ("project_name", "Main project, as the plan names it"),
    ("aim", "The plan's aim, as it words it"),
    ("aim_count", "Number aimed at each year, when the plan gives one"),
    ("count", "Number of records on this site"),
    ("member_type", "Kind of member (自治体: local government, 団体: organisation)"),
    (
        "registered",
        "Registered as a member (YYYY-MM-DD, or YYYY-MM / YYYY as precise as the source)",
    ),
    ("article_count", "Number of articles (news and events) written by the member"),
    (
        "partner_kind",
        "Kind (企業 company, NPO, 大学 university, 金融機関 financial institution, 労働団体 labour organisation, 報道機関 news organisation, 公的団体 public body, その他 other)",
    ),
    ("taking_part", "Events and exhibits it takes part in"),
];

/// `{datasets, others}` of the Japanese data page, described in English: each data set's title
/// and description, and a `description` of each column.
pub(super) fn translate(page: &Value, lang: &str) -> Value {
    let mut page = page.clone();
    if let Some(datasets) = page["datasets"].as_array_mut() {
        for dataset in datasets {
            let id = dataset["id"].as_str().unwrap_or_default().to_owned();
            if let Some((_, title, description)) = DATASETS.iter().find(|(d, _, _)| *d == id) {
                dataset["title"] = json!(title);
                dataset["description"] = json!(description);
            }
            for column in dataset["columns"].as_array_mut().into_iter().flatten() {
                let field = column["field"].as_str().unwrap_or_default();
                let text = COLUMNS.iter().find(|(f, _)| *f == field).map_or("", |(_, t)| t);
                column["description"] = json!(text);
            }
        }
    }
    // The calendar and the feeds in this language where they exist (`open_data` lists them).
    page["others"] = page["others_by_lang"][lang].clone();
    for other in page["others"].as_array_mut().into_iter().flatten() {
        let title = match other["name"].as_str().unwrap_or_default() {
            "events/calendar.ics" => "Calendar of all events",
            path if path.ends_with("events/atom.xml") => "Feed of events",
            _ => "Feed of news",
        };
        other["title"] = json!(title);
    }
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_of_every_data_set_is_described() {
        let site_columns = [
            &super::super::opendata::EVENT_COLUMNS[..],
            &super::super::opendata::FACILITY_COLUMNS[..],
            &super::super::opendata::AGREEMENT_COLUMNS[..],
            &super::super::opendata::PLAN_COLUMNS[..],
            &super::super::opendata::MEMBER_COLUMNS[..],
            &super::super::opendata::PARTNER_COLUMNS[..],
        ];
        for column in site_columns.iter().flat_map(|c| c.iter()) {
            let found = COLUMNS.iter().find(|(f, _)| *f == column.field);
            assert!(found.is_some_and(|(_, t)| !t.is_empty()), "{} has no English", column.field);
        }
    }
}
