//! `renkei new`: a new content file with the front matter its collection requires.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, suggest};
use crate::load::{Collection, check_municipality_code};
use crate::messages::{Lang, text};
use crate::msg;

/// Collections `renkei new` accepts, by their folder name, plus `page`.
pub const COLLECTIONS: [&str; 9] = [
    "wards",
    "prefectures",
    "municipalities",
    "events",
    "exhibits",
    "news",
    "facilities",
    "agreements",
    "page",
];

/// Creates `content/<collection>/<id>.md`, never overwriting. Returns the path created.
pub fn new_entry(
    root: &Path,
    collection: &str,
    id: &str,
    today: chrono::NaiveDate,
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
    let relative = match collection_kind {
        Collection::Pages => PathBuf::from("content").join(format!("{id}.md")),
        c => PathBuf::from("content").join(c.folder()).join(format!("{id}.md")),
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
                Diagnostic::new(
                    &relative,
                    msg!("new.exists", path = crate::diag::shown_path(&relative)),
                )
                .with_help(msg!("new.exists_help"))
            } else {
                Diagnostic::new(&relative, msg!("new.cannot_create", error = error.to_string()))
            }
        })?;
    file.write_all(
        template(collection_kind, &today.format("%Y-%m-%d").to_string(), lang).as_bytes(),
    )
    .map_err(|e| Diagnostic::new(&relative, msg!("new.cannot_write", error = e.to_string())))?;
    Ok(relative)
}

fn check_id(collection: Collection, id: &str) -> Result<(), Diagnostic> {
    if collection == Collection::Municipalities {
        return check_municipality_code(id).map_err(|help| {
            Diagnostic::new("content/municipalities", msg!("load.not_a_code", id = id))
                .with_help(help)
        });
    }
    crate::load::check_slug(collection, id)
        .map_err(|help| Diagnostic::new("content", msg!("load.not_an_id", id = id)).with_help(help))
}

/// The front matter of a new file: every required field present with a value of the right
/// type, and `draft: true`, so that the site keeps building until the editor fills it in.
fn template(collection: Collection, today: &str, lang: Lang) -> String {
    let fields = match collection {
        Collection::Wards => "name: \"\"\nkana: \"\"\ncode: \"\"\nwebsite: \"\"\n".to_owned(),
        Collection::Prefectures => "name: \"\"\nkana: \"\"\ncode: \"\"\nregion: \"\"\n".to_owned(),
        Collection::Municipalities => "name: \"\"\nkana: \"\"\nprefecture: \"\"\nkind: \"\"\nwebsite: \"\"\n# partners:\n#   - ward: chiyoda\n#     relation: 友好都市\n#     since: 2020-04\n#     source: https://…\npartners: []\n".to_owned(),
        Collection::Events => format!("title: \"\"\ndate: {today}\nend: {today}\ncategory: 産業振興\nkind: 魅力発信イベント\nvenue: \"\"\nwards: []\nmunicipalities: []\nprefectures: []\n"),
        Collection::Exhibits => format!("title: \"\"\ndate: {today}\nend: {today}\nlocation: 東京区政会館 1階\nwards: []\nmunicipalities: []\n"),
        Collection::News => format!("title: \"\"\ndate: {today}\ncategory: お知らせ\nwards: []\nmunicipalities: []\nprefectures: []\n"),
        Collection::Facilities => "name: \"\"\nward: \"\"\naddress: \"\"\nuses: []\n".to_owned(),
        Collection::Agreements => format!("title: \"\"\ndate: {today}\nparties: []\nprefectures: []\n"),
        Collection::Pages => "title: \"\"\n".to_owned(),
    };
    let publish = text(lang, "new.publish_comment", &[]);
    format!("---\n{fields}# {publish}\ndraft: true\n---\n\n")
}
