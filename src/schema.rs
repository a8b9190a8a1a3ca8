//! `renkei schema`: the JSON Schemas of every collection's front matter, written to `schemas/`,
//! so that an editor gets completion and red underlines while typing (README, "Editing in VS
//! Code").
//!
//! Why generated, not written by hand: a schema kept beside the code drifts from it, and then
//! underlines what the build accepts or misses what it refuses. The shape (field names, types,
//! required fields, unknown fields refused) comes from the very types that parse the front
//! matter (`load::meta`, through schemars, which follows their serde attributes); the closed
//! sets (ward and prefecture ids and codes, event categories, regions) from the tables the
//! model checks them against. A test compares the committed files with this module's output.
//!
//! One line of `COLLECTIONS` per collection: a new collection adds its line.
//!
//! The YAML extension of VS Code reads YAML files only, not the front matter of `.md` files; the
//! remark extension (`unifiedjs.vscode-remark`) does, through `remark-lint-frontmatter-schema`
//! and the site's `.remarkrc.mjs`, which this module writes too, from the same globs as the
//! committed `.vscode/settings.json` (a test compares both with `Spec::globs`).

use std::path::{Path, PathBuf};

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema};
use serde_json::{Map, Value, json};

use crate::diag::Diagnostic;
use crate::load::Collection;
use crate::load::meta::{
    AgreementMeta, EventMeta, ExhibitMeta, FacilityMeta, MeetingMeta, MunicipalityMeta, NewsMeta,
    PageMeta, PartnerOrgMeta, PrefectureMeta, WardMeta,
};
use crate::messages::{self, Lang};
use crate::model::{CATEGORIES, PARTNER_KINDS, PREFECTURES, REGIONS, SUPPORT_KINDS, WARDS};
use crate::msg;

/// The folder the schemas are written to, under the site's root.
pub const FOLDER: &str = "schemas";

/// One schema: its file name (without `.json`), the collection whose files it describes, and
/// the generator of its shape.
pub struct Spec {
    pub name: &'static str,
    pub collection: Collection,
    shape: fn() -> Schema,
}

/// Every collection's schema; plain pages and the texts of list pages (`_index.md`) share
/// `page`.
pub const COLLECTIONS: &[Spec] = &[
    spec::<WardMeta>("wards", Collection::Wards),
    spec::<PrefectureMeta>("prefectures", Collection::Prefectures),
    spec::<MunicipalityMeta>("municipalities", Collection::Municipalities),
    spec::<EventMeta>("events", Collection::Events),
    spec::<ExhibitMeta>("exhibits", Collection::Exhibits),
    spec::<NewsMeta>("news", Collection::News),
    spec::<FacilityMeta>("facilities", Collection::Facilities),
    spec::<AgreementMeta>("agreements", Collection::Agreements),
    spec::<MeetingMeta>("meetings", Collection::Meetings),
    spec::<PartnerOrgMeta>("partners", Collection::Partners),
    spec::<PageMeta>("page", Collection::Pages),
];

const fn spec<T: JsonSchema>(name: &'static str, collection: Collection) -> Spec {
    Spec { name, collection, shape: shape_of::<T> }
}

/// The shape of `T` as JSON Schema draft 7 (what VS Code's YAML extension and most validators
/// read), with every part inlined (no `$ref`), so that the closed sets can be put in place.
fn shape_of<T: JsonSchema>() -> Schema {
    let mut settings = SchemaSettings::draft07();
    settings.inline_subschemas = true;
    settings.into_generator().into_root_schema_for::<T>()
}

impl Spec {
    /// The schema as written to `schemas/<name>.json`.
    pub fn schema(&self) -> Value {
        let mut schema = (self.shape)().to_value();
        if let Some(object) = schema.as_object_mut() {
            object.insert("$id".into(), json!(format!("renkei:{}", self.name)));
            let title = match self.collection {
                Collection::Pages => msg!("schema.page_title"),
                c => msg!("schema.collection_title", folder = c.folder()),
            };
            let title = format!("{} / {}", title.render(Lang::Ja), title.as_str());
            object.insert("title".into(), json!(title));
            object.remove("description");
            constrain(self.collection, object, true);
            describe(self.name, object, None);
        }
        schema
    }

    /// The files (globs relative to the site root) the schema is for.
    pub fn globs(&self) -> Vec<String> {
        match self.collection {
            Collection::Pages => vec!["*.md".into(), "*/index*.md".into(), "*/_index*.md".into()],
            // `[!_]`: a list's own text (`_index.md`) is a page.
            c => vec![format!("{}/[!_]*.md", c.folder()), format!("{}/*/index*.md", c.folder())],
        }
    }

    /// The schema of a content file (relative to the site root): `_index.md` is a page's.
    pub fn for_file(path: &Path) -> Option<&'static Spec> {
        let parts: Vec<&str> = path.iter().filter_map(|p| p.to_str()).collect();
        let collection = match parts.as_slice() {
            ["content", _] => Collection::Pages,
            ["content", _, file] if file.starts_with("_index.") => Collection::Pages,
            ["content", folder, ..] => Collection::from_folder(folder).unwrap_or(Collection::Pages),
            _ => return None,
        };
        COLLECTIONS.iter().find(|spec| spec.collection == collection)
    }
}

/// Puts the closed sets of the model in place of plain texts, by field name, in `properties`
/// and in those of the objects its lists hold (a municipality's `partners`).
fn constrain(collection: Collection, schema: &mut Map<String, Value>, top: bool) {
    let Some(Value::Object(properties)) = schema.get_mut("properties") else { return };
    for (name, property) in properties.iter_mut() {
        let Some(property) = property.as_object_mut() else { continue };
        if let Some(values) = closed_set(collection, name, top) {
            restrict(property, values);
        }
        if let Some(Value::Object(items)) = property.get_mut("items") {
            constrain(collection, items, false);
        }
    }
}

/// The values a field may take, when the model checks it against a fixed list.
fn closed_set(collection: Collection, field: &str, top: bool) -> Option<Restriction> {
    let ward_ids = || WARDS.iter().map(|(_, _, id)| *id).collect();
    let prefecture_ids = || PREFECTURES.iter().map(|(_, _, id)| *id).collect();
    Some(match (collection, field, top) {
        (_, "ward", _) => Restriction::OneOf(ward_ids()),
        (_, "wards", _) => Restriction::EachOneOf(ward_ids()),
        (_, "prefecture", _) => Restriction::OneOf(prefecture_ids()),
        (_, "prefectures", _) => Restriction::EachOneOf(prefecture_ids()),
        (_, "municipalities", _) => Restriction::EachCode,
        (Collection::Events, "category", true) => {
            Restriction::OneOf(CATEGORIES.iter().map(|(name, _)| *name).collect())
        }
        (Collection::Events, "support", true) => Restriction::EachOneOf(SUPPORT_KINDS.to_vec()),
        (Collection::Partners, "kind", true) => Restriction::OneOf(PARTNER_KINDS.to_vec()),
        (Collection::Prefectures, "region", true) => Restriction::OneOf(REGIONS.to_vec()),
        (Collection::Wards, "code", true) => {
            Restriction::OneOf(WARDS.iter().map(|(code, _, _)| *code).collect())
        }
        (Collection::Prefectures, "code", true) => {
            Restriction::OneOf(PREFECTURES.iter().map(|(code, _, _)| *code).collect())
        }
        (_, "code", _) => Restriction::Code,
        _ => return None,
    })
}

/// Gives every field its description from the catalogue (`schema.*`), in Japanese and in
/// English: VS Code shows it on hover and beside a completion. What serde's types say of
/// themselves (the doc comments of `load::meta`, written for programmers) is dropped.
fn describe(name: &str, schema: &mut Map<String, Value>, list: Option<&str>) {
    let Some(Value::Object(properties)) = schema.get_mut("properties") else { return };
    for (field, property) in properties.iter_mut() {
        let Some(property) = property.as_object_mut() else { continue };
        forget_descriptions(property);
        if let Some(text) = description(name, list, field) {
            property.insert("description".into(), json!(text));
        }
        if let Some(Value::Object(items)) = property.get_mut("items") {
            describe(name, items, Some(field));
        }
    }
}

/// The description of `field` of the schema `name` (of an item of the list `list`): the
/// collection's own text, else the one every collection shares.
fn description(name: &str, list: Option<&str>, field: &str) -> Option<String> {
    let keys = match list {
        Some(list) => vec![format!("schema.{list}.{field}")],
        None => vec![format!("schema.{name}.{field}"), format!("schema.field.{field}")],
    };
    let find = |lang| keys.iter().find_map(|key| messages::lookup(lang, key));
    Some(both(find(Lang::Ja)?, find(Lang::En)?))
}

/// Japanese first (the editors' language, whatever `--lang` says: the files are committed, one
/// for everyone), then English for the others who edit the site or the code.
fn both(japanese: &str, english: &str) -> String {
    format!("{japanese}\n\n{english}")
}

fn forget_descriptions(schema: &mut Map<String, Value>) {
    schema.remove("description");
    for value in schema.values_mut() {
        match value {
            Value::Object(object) => forget_descriptions(object),
            Value::Array(values) => {
                values.iter_mut().filter_map(Value::as_object_mut).for_each(forget_descriptions)
            }
            _ => {}
        }
    }
}

enum Restriction {
    OneOf(Vec<&'static str>),
    EachOneOf(Vec<&'static str>),
    /// A 6-digit 全国地方公共団体コード, quoted (`"012068"`).
    Code,
    EachCode,
}

const CODE_PATTERN: &str = "^[0-9]{6}$";

fn restrict(property: &mut Map<String, Value>, restriction: Restriction) {
    match restriction {
        Restriction::OneOf(values) => {
            property.insert("enum".into(), json!(values));
        }
        Restriction::Code => {
            property.insert("pattern".into(), json!(CODE_PATTERN));
        }
        Restriction::EachOneOf(values) => {
            property.insert("items".into(), json!({ "type": "string", "enum": values }));
        }
        Restriction::EachCode => {
            property.insert("items".into(), json!({ "type": "string", "pattern": CODE_PATTERN }));
        }
    }
}

/// Every schema as the text of its file, by file name: stable (sorted keys, two-space indent,
/// a final newline), so that the committed files compare equal.
pub fn files() -> Vec<(String, String)> {
    COLLECTIONS
        .iter()
        .map(|spec| {
            let text = serde_json::to_string_pretty(&spec.schema()).unwrap_or_default();
            (format!("{}.json", spec.name), format!("{text}\n"))
        })
        .collect()
}

/// The file the remark extension of VS Code and `npx remark` read, at the site's root.
pub const REMARKRC: &str = ".remarkrc.mjs";

/// The text of `.remarkrc.mjs`: `remark-frontmatter` finds the front matter, and
/// `remark-lint-frontmatter-schema` checks it against the schema of each file's collection, as an
/// error (a red underline in VS Code). No other rule and no preset: Markdown style is not the
/// editors' concern. The rule places a wrong value at its line but an unknown field (a misspelt
/// name) nowhere; `placeUnknownFields` puts it at the field's line, and a missing field at the
/// opening `---`.
pub fn remarkrc() -> String {
    let mut schemas = String::new();
    for spec in COLLECTIONS {
        let globs: Vec<String> =
            spec.globs().iter().map(|g| js_string(&format!("content/{g}"))).collect();
        let schema = js_string(&format!("./{FOLDER}/{}.json", spec.name));
        schemas.push_str(&format!("  {schema}: [{}],\n", globs.join(", ")));
    }
    REMARKRC_TEMPLATE.replace("{schemas}", &schemas)
}

fn js_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

const REMARKRC_TEMPLATE: &str = r#"// Written by `renkei schema` (src/schema.rs) beside schemas/: do not edit, run it again.
// Checks the front matter of content/**/*.md against schemas/*.json, in VS Code (the remark
// extension, unifiedjs.vscode-remark) and on the command line (npx remark content --quiet).
// Needs, once, in this folder: npm ci (package.json).
import remarkFrontmatter from 'remark-frontmatter';
import remarkLintFrontmatterSchema from 'remark-lint-frontmatter-schema';

const schemas = {
{schemas}};

// The schemas' integers say "uint32" as their format, which the validator does not know.
const formats = {
  uint32: { type: 'number', validate: (n) => Number.isInteger(n) && n >= 0 && n < 2 ** 32 },
};

// The rule places a wrong value at its line, but an unknown field of the top level (a misspelt
// name) nowhere and without its name, and a missing field nowhere: this names the first and puts
// it at the field's line, and puts the second at the opening `---`.
function placeUnknownFields() {
  return (tree, file) => {
    const yaml = tree.children.find((node) => node.type === 'yaml');
    if (!yaml || !yaml.position) return;
    const first = yaml.position.start.line;
    const lines = yaml.value.split(/\r?\n/);
    for (const message of file.messages) {
      if (message.ruleId !== 'frontmatter-schema' || message.place || message.position) continue;
      const field = message.schema && message.schema.params && message.schema.params.additionalProperty;
      if (typeof field === 'string') {
        message.reason = message.reason.replace(' • ', `: \`${field}\` • `);
        message.message = message.reason;
      }
      const index = typeof field === 'string'
        ? lines.findIndex((line) => line.split(':')[0].trim().replace(/^["']|["']$/g, '') === field && !/^[\s-]/.test(line))
        : -1;
      const line = index >= 0 ? first + 1 + index : first;
      const length = index >= 0 ? lines[index].indexOf(':') : 3;
      message.place = { start: { line, column: 1 }, end: { line, column: length + 1 } };
      message.line = line;
      message.column = 1;
    }
  };
}

export default {
  plugins: [
    remarkFrontmatter,
    [remarkLintFrontmatterSchema, ['error', { schemas, ajvOptions: { formats } }]],
    placeUnknownFields,
  ],
};
"#;

/// Writes every schema into `<root>/schemas/` and `<root>/.remarkrc.mjs`; returns the files
/// written (relative to `root`).
pub fn write(root: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let folder = PathBuf::from(FOLDER);
    std::fs::create_dir_all(root.join(&folder)).map_err(|e| {
        Diagnostic::new(&folder, msg!("new.cannot_create_folder", error = e.to_string()))
    })?;
    let mut written = Vec::new();
    for (name, text) in files() {
        let path = folder.join(name);
        std::fs::write(root.join(&path), text)
            .map_err(|e| Diagnostic::new(&path, msg!("new.cannot_write", error = e.to_string())))?;
        written.push(path);
    }
    let path = PathBuf::from(REMARKRC);
    std::fs::write(root.join(&path), remarkrc())
        .map_err(|e| Diagnostic::new(&path, msg!("new.cannot_write", error = e.to_string())))?;
    written.push(path);
    Ok(written)
}
