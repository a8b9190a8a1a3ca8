//! `renkei new`: a new content file with the front matter its collection requires.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, suggest};
use crate::load::meta::PLACEHOLDER;
use crate::load::{Collection, check_municipality_code};
use crate::messages::{Lang, text};
use crate::model::{CATEGORIES, PARTNER_KINDS, REGIONS, SUPPORT_KINDS};
use crate::msg;

/// Collections `renkei new` accepts, by their folder name, plus `page`.
pub const COLLECTIONS: [&str; 11] = [
    "wards",
    "prefectures",
    "municipalities",
    "events",
    "exhibits",
    "news",
    "facilities",
    "agreements",
    "meetings",
    "partners",
    "page",
];

/// What `renkei new` makes: a file `<id>.md`, or a folder `<id>/index.md` (for an entry with
/// photos or files beside it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    File,
    Folder,
}

/// Creates `content/<collection>/<id>.md` (or `<id>/index.md`), never overwriting, and refusing
/// an id that exists in either form. Returns the path created.
pub fn new_entry(
    root: &Path,
    collection: &str,
    id: &str,
    today: chrono::NaiveDate,
    form: Form,
    lang: Lang,
) -> Result<PathBuf, Diagnostic> {
    let collection_kind = match collection {
        "page" | "pages" => Collection::Pages,
        other => Collection::from_folder(other).ok_or_else(|| {
            Diagnostic::new("content", msg!("new.unknown_collection", collection = other))
                .with_optional_help(suggest(other, &COLLECTIONS))
        })?,
    };
    check_id(collection_kind, id)?;
    let folder = match collection_kind {
        Collection::Pages => PathBuf::from("content"),
        c => PathBuf::from("content").join(c.folder()),
    };
    refuse_existing(root, &folder, id)?;
    let relative = match form {
        Form::File => folder.join(format!("{id}.md")),
        Form::Folder => folder.join(id).join("index.md"),
    };
    let path = root.join(&relative);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| {
            Diagnostic::new(&relative, msg!("new.cannot_create_folder", error = e.to_string()))
        })?;
    }
    // create_new: the check and the creation are one step, so a file appearing meanwhile is safe too.
    let mut file =
        OpenOptions::new().write(true).create_new(true).open(&path).map_err(|error| {
            if error.kind() == std::io::ErrorKind::AlreadyExists {
                exists(&relative, id)
            } else {
                Diagnostic::new(&relative, msg!("new.cannot_create", error = error.to_string()))
            }
        })?;
    let text = template(collection_kind, &today.format("%Y-%m-%d").to_string(), form, lang);
    file.write_all(text.as_bytes())
        .map_err(|e| Diagnostic::new(&relative, msg!("new.cannot_write", error = e.to_string())))?;
    Ok(relative)
}

/// An entry is one id, written as `<id>.md` or as `<id>/index.md` (or a translation of either):
/// a second file for it would make the next build fail ("written twice").
fn refuse_existing(root: &Path, folder: &Path, id: &str) -> Result<(), Diagnostic> {
    let file = folder.join(format!("{id}.md"));
    let index = folder.join(id).join("index.md");
    for existing in [&file, &index] {
        if root.join(existing).exists() {
            return Err(exists(existing, id));
        }
    }
    // A translation alone (`<id>.en.md`, `<id>/index.en.md`) names the entry too.
    let translation = |dir: &Path, prefix: &str| -> Option<PathBuf> {
        let entries = std::fs::read_dir(root.join(dir)).ok()?;
        entries.filter_map(Result::ok).map(|e| e.file_name()).find_map(|name| {
            let name = name.to_str()?;
            let lang = name.strip_prefix(prefix)?.strip_suffix(".md")?;
            (!lang.is_empty() && !lang.contains('.')).then(|| dir.join(name))
        })
    };
    let found =
        translation(folder, &format!("{id}.")).or_else(|| translation(&folder.join(id), "index."));
    match found {
        Some(existing) => Err(exists(&existing, id)),
        None => Ok(()),
    }
}

fn exists(existing: &Path, id: &str) -> Diagnostic {
    let path = crate::diag::shown_path(existing);
    Diagnostic::new(existing, msg!("new.exists", id = id, path = path))
        .with_help(msg!("new.exists_help"))
}

fn check_id(collection: Collection, id: &str) -> Result<(), Diagnostic> {
    if collection == Collection::Municipalities {
        return check_municipality_code(id).map_err(|error| {
            Diagnostic::new("content/municipalities", msg!("load.not_a_code", id = id))
                .with_help(error.text())
        });
    }
    crate::load::check_slug(collection, id).map_err(|error| {
        Diagnostic::new("content", msg!("load.not_an_id", id = id)).with_help(error.text())
    })
}

/// The front matter of a new file: every field of the collection, the required ones with a
/// value to replace (`要記入: …`, which the build refuses until it is replaced, dates too) or a
/// valid default (empty lists), the optional ones commented out; and `draft: true`, so that the
/// site keeps building until the editor is done.
fn template(collection: Collection, today: &str, form: Form, lang: Lang) -> String {
    let fields = fields(collection, today, lang).join("\n");
    let image = if form == Form::Folder {
        format!("# {}\n", text(lang, "new.folder_comment", &[]))
    } else {
        String::new()
    };
    let replace = text(lang, "new.replace_comment", &[("placeholder", PLACEHOLDER)]);
    let optional = text(lang, "new.optional_comment", &[]);
    let publish = text(lang, "new.publish_comment", &[]);
    format!("---\n# {replace}\n# {optional}\n{image}{fields}\n# {publish}\ndraft: true\n---\n\n")
}

/// `"要記入: <hint>"`: a placeholder the build recognises (`load::meta::PLACEHOLDER`).
fn todo(hint: &str) -> String {
    format!("\"{PLACEHOLDER}: {hint}\"")
}

/// The lines of the front matter of `collection`, one per field.
fn fields(collection: Collection, today: &str, lang: Lang) -> Vec<String> {
    let h = |key: &'static str| text(lang, key, &[]);
    // A date is a placeholder too: today, or any day written for the editor, would be published
    // as the date if forgotten. The hint gives today's date to copy when it is the one.
    let day = |key: &'static str| todo(&text(lang, key, &[("today", today)]));
    let categories: Vec<&str> = CATEGORIES.iter().map(|(name, _)| *name).collect();
    let regions = REGIONS.join(" / ");
    let links = [
        format!("wards: []          # {}", h("new.hint.ward_ids")),
        format!("municipalities: [] # {}", h("new.hint.municipality_codes")),
        format!("prefectures: []    # {}", h("new.hint.prefecture_ids")),
    ];
    let photo = [
        format!("# image: photo.jpg  # {}", h("new.hint.image")),
        format!("# image_alt: \"\"    # {}", h("new.hint.image_alt")),
    ];
    let summary = format!("# summary: \"\"      # {}", h("new.hint.summary"));
    let member = [
        format!("# member:            # {}", h("new.hint.member")),
        format!("#   registered: 2015-04  # {}", h("new.hint.registered")),
        "#   source: https://".to_owned(),
    ];
    let author = format!("# author: \"\"       # {}", h("new.hint.author"));
    let updated = format!("# updated: {}", day("new.hint.updated_day"));
    let mut lines: Vec<String> = match collection {
        Collection::Wards => vec![
            format!("name: {}", todo(&h("new.hint.ward_name"))),
            format!("kana: {}", todo(&h("new.hint.ward_kana"))),
            format!("code: {}", todo(&h("new.hint.ward_code"))),
            "# name_en: \"\"".to_owned(),
            "# website: https://".to_owned(),
        ],
        Collection::Prefectures => vec![
            format!("name: {}", todo(&h("new.hint.prefecture_name"))),
            format!("kana: {}", todo(&h("new.hint.kana"))),
            format!("code: {}", todo(&h("new.hint.prefecture_code"))),
            format!("region: {}", todo(&text(lang, "new.hint.one_of", &[("values", &regions)]))),
            "# name_en: \"\"".to_owned(),
        ],
        Collection::Municipalities => vec![
            format!("name: {}", todo(&h("new.hint.municipality_name"))),
            format!("kana: {}", todo(&h("new.hint.municipality_kana"))),
            format!("prefecture: {}", todo(&h("new.hint.municipality_prefecture"))),
            format!("kind: {}", todo("市 / 町 / 村 / 特別区")),
            "# website: https://".to_owned(),
            summary.clone(),
            format!("# partners:          # {}", h("new.hint.partners")),
            "#   - ward: chiyoda".to_owned(),
            "#     relation: 友好都市".to_owned(),
            format!("#     since: {}", day("new.hint.since_day")),
            "#     source: https://".to_owned(),
            format!("# districts:         # {}", h("new.hint.districts")),
            "#   - code: \"011011\"".to_owned(),
            "#     name: 中央区".to_owned(),
            "#     kana: ちゅうおうく".to_owned(),
            format!("# aliases: []        # {}", h("new.hint.aliases")),
            member[0].clone(),
            member[1].clone(),
            member[2].clone(),
        ],
        Collection::Events => [
            vec![
                format!("title: {}", todo(&h("new.hint.event_title"))),
                format!("date: {}", day("new.hint.first_day_month")),
                format!("# end: {}", day("new.hint.last_day")),
                format!(
                    "category: {}",
                    todo(&text(lang, "new.hint.one_of", &[("values", &categories.join(" / "))]))
                ),
                format!("kind: {}", todo(&h("new.hint.event_kind"))),
                format!("venue: {}", todo(&h("new.hint.venue"))),
                format!(
                    "# support: []      # {}",
                    text(lang, "new.hint.support", &[("values", &SUPPORT_KINDS.join(" / "))])
                ),
            ],
            links.to_vec(),
            photo.to_vec(),
            vec![author.clone(), summary.clone()],
        ]
        .concat(),
        Collection::Exhibits => [
            vec![
                format!("title: {}", todo(&h("new.hint.exhibit_title"))),
                format!("date: {}", day("new.hint.first_day")),
                format!("end: {}", day("new.hint.last_day")),
                "# location: 東京区政会館 1階".to_owned(),
            ],
            links.to_vec(),
            photo.to_vec(),
            vec![summary.clone()],
        ]
        .concat(),
        Collection::News => [
            vec![
                format!("title: {}", todo(&h("new.hint.news_title"))),
                format!("date: {}", day("new.hint.news_day")),
                format!("category: お知らせ  # {}", h("new.hint.news_category")),
                format!("# disaster: \"\"     # {}", h("new.hint.disaster")),
            ],
            links.to_vec(),
            photo.to_vec(),
            vec![author.clone(), summary.clone()],
        ]
        .concat(),
        Collection::Facilities => vec![
            format!("name: {}", todo(&h("new.hint.facility_name"))),
            format!("ward: {}", todo(&h("new.hint.facility_ward"))),
            "# address: \"\"".to_owned(),
            "# capacity: 100".to_owned(),
            format!("# uses: []          # {}", h("new.hint.uses")),
            "# website: https://".to_owned(),
            summary.clone(),
        ],
        Collection::Agreements => vec![
            format!("title: {}", todo(&h("new.hint.agreement_title"))),
            format!("# date: {}", day("new.hint.signing_day")),
            format!("# date_note: \"\"    # {}", h("new.hint.date_note")),
            format!("parties: []        # {}", h("new.hint.parties")),
            format!("prefectures: []    # {}", h("new.hint.prefecture_ids_short")),
            format!("municipalities: [] # {}", h("new.hint.municipality_codes_short")),
            summary.clone(),
        ],
        Collection::Meetings => [
            vec![
                format!("title: {}", todo(&h("new.hint.meeting_title"))),
                format!("body: {}", todo(&h("new.hint.meeting_body"))),
                format!("date: {}", day("new.hint.meeting_date")),
                format!("# nendo: 平成28年度  # {}", h("new.hint.nendo")),
                format!("# count: 3          # {}", h("new.hint.count")),
                "# frequency: 毎月1回".to_owned(),
                "# place: \"\"".to_owned(),
                format!("# agenda: []        # {}", h("new.hint.agenda")),
                format!("# minutes: minutes.pdf  # {}", h("new.hint.minutes")),
            ],
            links.to_vec(),
            vec![
                format!("# agreements: []    # {}", h("new.hint.meeting_agreements")),
                "# source: https://".to_owned(),
                summary.clone(),
            ],
        ]
        .concat(),
        Collection::Partners => [
            vec![
                format!("name: {}", todo(&h("new.hint.partner_name"))),
                format!(
                    "kind: {}",
                    todo(&text(lang, "new.hint.one_of", &[("values", &PARTNER_KINDS.join(" / "))]))
                ),
                format!("# kana: \"\"         # {}", h("new.hint.partner_kana")),
                "# name_en: \"\"".to_owned(),
                "# website: https://".to_owned(),
                format!("# events: []        # {}", h("new.hint.partner_events")),
                format!("# exhibits: []      # {}", h("new.hint.partner_exhibits")),
            ],
            member.to_vec(),
            vec![summary.clone()],
        ]
        .concat(),
        Collection::Pages => [
            vec![format!("title: {}", todo(&h("new.hint.page_title")))],
            photo.to_vec(),
            vec![summary.clone()],
        ]
        .concat(),
    };
    lines.push(updated);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each collection's template names every field of its schema (the types that parse it),
    /// so a field added to a collection is added to its template too.
    #[test]
    fn every_template_lists_every_field_of_its_collection() {
        for spec in crate::schema::COLLECTIONS {
            let text = template(spec.collection, "2026-12-01", Form::File, Lang::En);
            let schema = spec.schema();
            let fields = schema["properties"].as_object().map(|o| o.keys().collect::<Vec<_>>());
            for field in fields.unwrap_or_default() {
                let listed = text.lines().any(|line| {
                    let line = line.trim_start_matches("# ");
                    line.starts_with(&format!("{field}:"))
                });
                assert!(listed, "{}: `{field}` is missing from\n{text}", spec.name);
            }
        }
    }

    /// A template is valid YAML whose required fields hold placeholders or valid values.
    #[test]
    fn templates_parse_and_mark_what_the_editor_must_replace() {
        for (spec, lang) in
            crate::schema::COLLECTIONS.iter().flat_map(|spec| [(spec, Lang::Ja), (spec, Lang::En)])
        {
            let text = template(spec.collection, "2026-12-01", Form::Folder, lang);
            let yaml = text.trim_start_matches("---\n").split("\n---\n").next().unwrap_or_default();
            let value: serde_yaml::Value =
                serde_yaml::from_str(yaml).unwrap_or_else(|e| panic!("{}: {e}\n{text}", spec.name));
            assert_eq!(value["draft"], serde_yaml::Value::Bool(true), "{}", spec.name);
        }
        let events = template(Collection::Events, "2026-12-01", Form::File, Lang::En);
        assert!(events.contains("category: \"要記入: one of 産業振興 / 観光振興"), "{events}");
        // Every date is a placeholder, with today's date in the hint to copy.
        let news = template(Collection::News, "2026-12-01", Form::File, Lang::Ja);
        assert!(
            news.contains("\ndate: \"要記入: お知らせの日付：YYYY-MM-DD（今日なら 2026-12-01）\""),
            "{news}"
        );
        for spec in crate::schema::COLLECTIONS {
            let text = template(spec.collection, "2026-12-01", Form::File, Lang::En);
            for line in text.lines().map(|l| l.trim_start_matches(['#', ' '])) {
                let is_date =
                    ["date:", "end:", "updated:", "since:"].iter().any(|f| line.starts_with(f));
                assert!(!is_date || line.contains(": \"要記入: "), "{}: {line}", spec.name);
            }
        }
        let ward = template(Collection::Wards, "2026-12-01", Form::File, Lang::Ja);
        assert!(ward.contains("code: \"要記入: 6桁のコード。例：\\\"131016\\\"\""), "{ward}");
        assert!(
            ward.contains("要記入: 区の名前。例：千代田区") && !ward.contains("e.g."),
            "{ward}"
        );
    }
}
