//! The JSON Schemas of the front matter (`renkei schema`, `schemas/*.json`): the committed files
//! are what the code generates, every content file of the site matches its schema, a schema
//! refuses what the build refuses (a wrong ward id, an unknown field, a missing title), and
//! `.vscode/settings.json` and `.remarkrc.mjs` map every schema to its files.
//!
//! Validated with the `jsonschema` crate (already the validator of the open data's schemas, in
//! `opendata.rs`): a maintained draft-7 / 2020-12 validator whose errors name the path and the
//! value, so a failure here says which file and which field.

use std::path::Path;

use renkei::schema::{COLLECTIONS, Spec};
use serde_json::{Value, json};

use crate::support::{read, renkei, repo_root, tempdir};

fn validator(spec: &Spec) -> jsonschema::Validator {
    jsonschema::validator_for(&spec.schema()).unwrap_or_else(|e| panic!("{}: {e}", spec.name))
}

fn spec(name: &str) -> &'static Spec {
    COLLECTIONS.iter().find(|s| s.name == name).unwrap_or_else(|| panic!("no schema {name}"))
}

/// The front matter of a content file as the YAML extension sees it: YAML read as JSON.
fn front_matter(text: &str) -> Value {
    let split = renkei::load::front_matter::split(text).unwrap_or_else(|_| panic!("{text}"));
    let yaml: serde_yaml::Value =
        serde_yaml::from_str(split.yaml).unwrap_or_else(|e| panic!("{e}: {}", split.yaml));
    serde_json::to_value(yaml).unwrap_or_else(|e| panic!("{e}"))
}

fn errors(spec: &Spec, instance: &Value) -> Vec<String> {
    validator(spec)
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn committed_schemas_are_what_the_code_generates() {
    let folder = repo_root().join(renkei::schema::FOLDER);
    let generated = renkei::schema::files();
    for (name, text) in &generated {
        let committed = std::fs::read_to_string(folder.join(name)).unwrap_or_default();
        assert!(
            committed == *text,
            "schemas/{name} differs from what the code generates: run `cargo run -- schema` and commit schemas/"
        );
    }
    let mut on_disk: Vec<String> = std::fs::read_dir(&folder)
        .map(|dir| dir.filter_map(|e| e.ok()?.file_name().into_string().ok()).collect())
        .unwrap_or_default();
    on_disk.sort();
    let mut names: Vec<String> = generated.into_iter().map(|(name, _)| name).collect();
    names.sort();
    assert_eq!(on_disk, names, "schemas/ holds exactly the generated files");
}

/// Every field (and every field of a list's items) of every schema, with its description.
fn descriptions(schema: &Value, path: &str, into: &mut Vec<(String, Option<String>)>) {
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else { return };
    for (field, property) in properties {
        let place = format!("{path}{field}");
        let description = property.get("description").and_then(Value::as_str);
        into.push((place.clone(), description.map(str::to_owned)));
        if let Some(items) = property.get("items") {
            descriptions(items, &format!("{place}[]."), into);
        }
    }
}

/// The editors read Japanese: every field says what it is in Japanese first, then in English
/// (one file serves everyone, whatever the language of the command line).
#[test]
fn every_field_is_described_in_japanese_then_english() {
    let is_japanese = |c: char| matches!(c, '\u{3040}'..='\u{30ff}' | '\u{4e00}'..='\u{9fff}');
    let mut problems = Vec::new();
    for spec in COLLECTIONS {
        let schema = spec.schema();
        let mut fields = Vec::new();
        descriptions(&schema, "", &mut fields);
        assert!(fields.len() >= 6, "{}: {} fields", spec.name, fields.len());
        for (field, description) in fields {
            let Some(description) = description else {
                problems.push(format!("{}: `{field}` has no description", spec.name));
                continue;
            };
            let (japanese, english) = description.split_once("\n\n").unwrap_or(("", ""));
            if !japanese.chars().any(is_japanese) || !english.starts_with(|c: char| c.is_ascii()) {
                problems.push(format!("{}: `{field}`: {description:?}", spec.name));
            }
        }
        let title = schema["title"].as_str().unwrap_or_default();
        assert!(title.contains("のフロントマター / Front matter of"), "{title}");
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let events = spec("events").schema();
    let date = events["properties"]["date"]["description"].as_str().unwrap_or_default();
    assert!(date.starts_with("始まる日：YYYY-MM-DD"), "{date}");
    assert!(date.contains("\n\nThe first day, YYYY-MM-DD"), "{date}");
    // What the Rust types say of themselves is not left inside (`end`'s inner date schema).
    let end = events["properties"]["end"].to_string();
    assert_eq!(end.matches("\"description\"").count(), 1, "{end}");
}

#[test]
fn the_schema_command_writes_the_schemas() {
    let dir = tempdir();
    let output = renkei().args(["schema", "--root"]).arg(dir.path()).output().expect("runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let events = read(&dir.path().join("schemas/events.json"));
    assert_eq!(events, read(&repo_root().join("schemas/events.json")));
    assert!(String::from_utf8_lossy(&output.stdout).contains("schemas/events.json"));
    let remarkrc = read(&dir.path().join(".remarkrc.mjs"));
    assert_eq!(remarkrc, read(&repo_root().join(".remarkrc.mjs")));
}

#[test]
fn every_content_file_of_the_site_matches_its_schema() {
    let root = repo_root();
    let mut checked = 0;
    let mut problems = Vec::new();
    for file in walkdir::WalkDir::new(root.join("content")).sort_by_file_name() {
        let file = file.unwrap_or_else(|e| panic!("{e}"));
        if file.path().extension().is_none_or(|e| e != "md") {
            continue;
        }
        let relative = file.path().strip_prefix(&root).unwrap_or(file.path());
        let spec = Spec::for_file(relative).unwrap_or_else(|| panic!("{}", relative.display()));
        let text = read(file.path());
        for error in errors(spec, &front_matter(text.trim_start_matches('\u{feff}'))) {
            problems.push(format!("{}: {error}", relative.display()));
        }
        checked += 1;
    }
    assert!(checked > 1800, "only {checked} files found");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_schema_refuses_a_wrong_ward_id_and_what_else_the_build_refuses() {
    let events = spec("events");
    let good = json!({"title": "味覚市", "date": "2016-10-15", "category": "産業振興", "wards": ["arakawa"], "municipalities": ["012068"]});
    assert_eq!(errors(events, &good), Vec::<String>::new());
    let cases = [
        ("wards", json!(["arakwa"]), "arakwa"),
        ("category", json!("産業"), "産業"),
        ("date", json!("2016/10/15"), "2016/10/15"),
        ("municipalities", json!(["12068"]), "12068"),
        ("titel", json!("x"), "titel"),
    ];
    for (field, value, shown) in cases {
        let mut bad = good.clone();
        bad[field] = value;
        let found = errors(events, &bad);
        assert!(found.iter().any(|e| e.contains(shown)), "{field}: {found:?}");
    }
    let mut untitled = good.clone();
    untitled.as_object_mut().map(|o| o.remove("title"));
    assert!(errors(events, &untitled).iter().any(|e| e.contains("title")));
    // A partnership's ward, nested in a municipality's list.
    let municipality = json!({"name": "釧路市", "kana": "くしろし", "prefecture": "hokkaido",
        "partners": [{"ward": "arakwa", "relation": "友好都市", "since": "2015-10"}]});
    assert!(errors(spec("municipalities"), &municipality).iter().any(|e| e.contains("arakwa")));
    // A year written as a number is a date, as the build reads it.
    let mut year = good.clone();
    year["date"] = json!(2016);
    assert_eq!(errors(events, &year), Vec::<String>::new());
}

#[test]
fn the_vscode_settings_map_every_schema_to_its_files() {
    let text = read(&repo_root().join(".vscode/settings.json"));
    let settings: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    for spec in COLLECTIONS {
        let key = format!("./schemas/{}.json", spec.name);
        let globs: Vec<String> = spec.globs().iter().map(|g| format!("content/{g}")).collect();
        assert_eq!(settings["yaml.schemas"][&key], json!(globs), "{key}");
    }
    // The remark extension also formats Markdown (other list markers, escapes): not on saving.
    assert_eq!(settings["[markdown]"]["editor.formatOnSave"], json!(false));
    let extensions = read(&repo_root().join(".vscode/extensions.json"));
    assert!(extensions.contains("redhat.vscode-yaml"), "{extensions}");
    assert!(extensions.contains("unifiedjs.vscode-remark"), "{extensions}");
}

/// `.remarkrc.mjs` (the remark extension's configuration, run in `remark.rs`) is what `renkei
/// schema` writes, with the same globs as `.vscode/settings.json`.
#[test]
fn the_remark_configuration_is_what_the_code_generates() {
    let committed = read(&repo_root().join(renkei::schema::REMARKRC));
    assert!(
        committed == renkei::schema::remarkrc(),
        ".remarkrc.mjs differs from what the code generates: run `cargo run -- schema` and commit it"
    );
    for spec in COLLECTIONS {
        let globs: Vec<String> = spec.globs().iter().map(|g| format!("\"content/{g}\"")).collect();
        let line = format!("\"./schemas/{}.json\": [{}],", spec.name, globs.join(", "));
        assert!(committed.contains(&line), "{line}");
    }
}

#[test]
fn a_content_file_finds_its_schema() {
    for (path, name) in [
        ("content/events/a.md", "events"),
        ("content/events/a/index.md", "events"),
        ("content/events/_index.md", "page"),
        ("content/about.md", "page"),
        ("content/about/index.md", "page"),
        ("content/municipalities/012068.md", "municipalities"),
    ] {
        assert_eq!(Spec::for_file(Path::new(path)).map(|s| s.name), Some(name), "{path}");
    }
}
