//! The data page in languages other than Japanese: the same files, described in English. The
//! files themselves do not change (their CSV headers are the Japanese ones of the standard data
//! sets, which programs rely on); the page says in English what each data set and column holds.

use serde_json::{Value, json};

use super::DATASETS;

/// `{datasets, others}` of the Japanese data page, described in English: each data set's title
/// and description, and a `description` of each column.
pub(super) fn translate(page: &Value, lang: &str) -> Value {
    let mut page = page.clone();
    if let Some(datasets) = page["datasets"].as_array_mut() {
        for dataset in datasets {
            let id = dataset["id"].as_str().unwrap_or_default();
            let Some(entry) = DATASETS.iter().find(|entry| entry.about.id == id) else { continue };
            dataset["title"] = json!(entry.about.title_en);
            dataset["description"] = json!(entry.about.description_en);
            for column in dataset["columns"].as_array_mut().into_iter().flatten() {
                let field = column["field"].as_str().unwrap_or_default();
                let described = entry.columns.iter().find(|c| c.field == field);
                column["description"] = json!(described.map_or("", |c| c.english));
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
    fn every_data_set_and_column_is_described() {
        for entry in DATASETS {
            assert!(!entry.about.title_en.is_empty() && !entry.about.description_en.is_empty());
            for column in entry.columns {
                assert!(
                    !column.english.is_empty(),
                    "{}: {} has no English",
                    entry.about.id,
                    column.field
                );
            }
        }
    }
}
