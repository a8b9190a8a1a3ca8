//! Open data under `/data/`: the site's records as CSV (UTF-8 with a BOM, RFC 4180, CRLF) and as
//! JSON with a JSON Schema each, written in Rust so that they are valid whatever the theme does.
//!
//! Every data set is one table (`Dataset`): its columns name the CSV header (Japanese, following
//! the 自治体標準オープンデータセット where one exists), the JSON field (stable, English) and the type,
//! so that the CSV, the JSON and the schema cannot disagree.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::Bodies;
use super::context::entry_summary;
use crate::load::{Date, Meta};
use crate::model::{Collection, NodeId, Site};

/// The type of a column's values (every value may also be empty: `null` in JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Integer,
    /// A date as precise as its source: `2016-12-03`, `2016-12` or `2016` (a text in JSON,
    /// with a pattern in the schema). Never a day the source does not give.
    Date,
}

/// The pattern of `Kind::Date` values in the JSON Schema.
pub const DATE_PATTERN: &str = "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$";

/// One column of a data set.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The CSV header.
    pub header: &'static str,
    /// The JSON field name.
    pub field: &'static str,
    pub kind: Kind,
}

/// One value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Integer(i64),
    Empty,
}

impl Cell {
    fn text(value: impl Into<String>) -> Cell {
        let value = value.into();
        if value.is_empty() { Cell::Empty } else { Cell::Text(value) }
    }

    fn optional(value: Option<&str>) -> Cell {
        value.map_or(Cell::Empty, Cell::text)
    }

    fn csv(&self) -> String {
        match self {
            Cell::Text(text) => text.clone(),
            Cell::Integer(number) => number.to_string(),
            Cell::Empty => String::new(),
        }
    }
}

/// One data set: a table, written as `data/<id>.csv`, `data/<id>.json` and `data/schema/<id>.json`.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub id: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

const fn col(header: &'static str, field: &'static str, kind: Kind) -> Column {
    Column { header, field, kind }
}

/// Every data set of the site, in the order of the data page.
pub fn datasets(site: &Site, bodies: &Bodies) -> Vec<Dataset> {
    dataset_makers(site, bodies).into_iter().map(|make| make()).collect()
}

/// What makes each data set, in the order of the data page, so that each can be made only when
/// the one before it has been written and dropped.
type DatasetMaker<'a> = Box<dyn Fn() -> Dataset + 'a>;

fn dataset_makers<'a>(site: &'a Site, bodies: &'a Bodies) -> Vec<DatasetMaker<'a>> {
    let mut makers: Vec<DatasetMaker<'a>> = vec![
        Box::new(|| municipalities(site)),
        Box::new(|| relations(site)),
        Box::new(|| events(site, bodies)),
        Box::new(|| exhibits(site, bodies)),
        Box::new(|| facilities(site, bodies)),
        Box::new(|| agreements(site)),
        Box::new(|| members(site)),
        Box::new(|| partners(site, bodies)),
    ];
    // The plan against what was done, when the site has a plan (`data/plan.toml`).
    if let Some(plan) = site.config.plan.as_deref() {
        makers.push(Box::new(move || plan_dataset(site, plan)));
    }
    makers
}

/// The data sets as files, each handed to `write` as soon as it is made, and the description
/// the data page shows. A large site's data sets are tens of megabytes: made one at a time,
/// only one of them is held at once.
///
/// `others`: the paths and sizes of files made beside it (feeds, calendars); the site-wide
/// ones are listed too.
pub fn open_data(
    site: &Site,
    bodies: &Bodies,
    others: &[(String, usize)],
    write: &mut dyn FnMut(String, Vec<u8>),
) -> Value {
    let config = &site.config;
    let mut page = Vec::new();
    for make in dataset_makers(site, bodies) {
        let dataset = make();
        let csv = to_csv(&dataset);
        let schema_path = format!("data/schema/{}.json", dataset.id);
        let schema_url = format!("{}{schema_path}", config.base_url);
        let json = json_text(site, &dataset, &schema_url);
        let schema = pretty(&schema(site, &dataset, &schema_url));
        let outputs = [
            ("CSV", format!("data/{}.csv", dataset.id), csv),
            ("JSON", format!("data/{}.json", dataset.id), json.into_bytes()),
            ("JSON Schema", schema_path, schema.into_bytes()),
        ];
        let file_values: Vec<Value> = outputs
            .iter()
            .map(|(format, path, bytes)| {
                json!({
                    "format": format,
                    "name": path.strip_prefix("data/").unwrap_or(path),
                    "url": format!("{}{path}", config.base_path),
                    "size": bytes.len(),
                    "size_label": size_label(bytes.len()),
                })
            })
            .collect();
        let columns: Vec<Value> = dataset
            .columns
            .iter()
            .map(|c| {
                json!({"header": c.header, "field": c.field, "type": match c.kind {
                    Kind::Text | Kind::Date => "string",
                    Kind::Integer => "integer",
                }})
            })
            .collect();
        page.push(json!({
            "id": dataset.id,
            "title": dataset.title,
            "description": dataset.description,
            "license": config.license,
            "records": dataset.rows.len(),
            "columns": columns,
            "files": file_values,
        }));
        for (_, path, bytes) in outputs {
            write(path, bytes);
        }
    }
    let mut others_by_lang = Map::new();
    for lang in site.config.language_codes() {
        others_by_lang.insert(lang.to_owned(), json!(other_files(site, others, lang)));
    }
    let others = others_by_lang.get(config.default_language.as_str()).cloned();
    json!({"datasets": page, "others": others, "others_by_lang": others_by_lang})
}

/// The calendar and the site-wide feeds, as the data page of `lang` lists them: the feeds in
/// `lang` where the site has them.
fn other_files(site: &Site, files: &[(String, usize)], lang: &str) -> Vec<Value> {
    let feed = |collection: Collection| {
        let has_feed = super::feeds::has_feed(site, collection, lang);
        let shown = if has_feed { lang } else { &site.config.default_language };
        super::feeds::list_feed(site, collection, shown).path
    };
    let listed = [
        ("events/calendar.ics".to_owned(), "iCalendar", "イベントのカレンダー"),
        (feed(Collection::Events), "Atom", "イベントのフィード"),
        (feed(Collection::News), "Atom", "お知らせのフィード"),
    ];
    listed
        .iter()
        .filter_map(|(path, format, title)| {
            let (_, size) = files.iter().find(|(p, _)| p == path)?;
            Some(json!({
                "title": title,
                "format": format,
                "name": path,
                "url": site.url(path),
                "size": size,
                "size_label": size_label(*size),
                "license": site.config.license,
            }))
        })
        .collect()
}

/// The title of the data page.
pub(super) fn title(site: &Site, lang: &str) -> String {
    site.config.strings.text(lang, "open_data")
}

/// The context of `data.html`.
pub(super) fn context(site: &Site, datasets: &Value, lang: &str) -> Map<String, Value> {
    let path = format!("{}data/", site.lang_prefix(lang));
    let mut context = Map::new();
    context.insert(
        "page".into(),
        json!({
            "title": title(site, lang),
            "url": format!("{}{path}", site.config.base_path),
            "permalink": format!("{}{path}", site.config.base_url),
            "content": "",
        }),
    );
    let translated;
    let datasets = if lang == site.config.default_language {
        datasets
    } else {
        translated = super::opendata_en::translate(datasets, lang);
        &translated
    };
    context.insert("datasets".into(), datasets["datasets"].clone());
    context.insert("other_files".into(), datasets["others"].clone());
    context.insert("license".into(), json!(site.config.license));
    context
}

/// `1,234 bytes` below 10 KB, else `12.3 KB`.
fn size_label(bytes: usize) -> String {
    if bytes < 10 * 1024 {
        let digits = bytes.to_string();
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        format!("{grouped} bytes")
    } else {
        format!("{:.1} KB", bytes as f64 / 1024.0)
    }
}

fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

/// RFC 4180: CRLF line ends, fields quoted when they hold a comma, a quote or a line break,
/// quotes doubled; a BOM first so that spreadsheet programs read UTF-8.
pub fn to_csv(dataset: &Dataset) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    let header: Vec<String> = dataset.columns.iter().map(|c| csv_field(c.header)).collect();
    out.push_str(&header.join(","));
    out.push_str("\r\n");
    for row in &dataset.rows {
        let fields: Vec<String> = row.iter().map(|cell| csv_field(&cell.csv())).collect();
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\r', '\n']) || text.starts_with(' ') || text.ends_with(' ') {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// The pretty JSON file of a data set, as `serde_json::to_string_pretty` writes the object
/// (keys in sorted order), but serialised straight from the rows: a tree of JSON values for
/// every cell of a large data set took several times the size of the file.
fn json_text(site: &Site, dataset: &Dataset, schema_url: &str) -> String {
    let head: BTreeMap<&str, Value> = BTreeMap::from([
        ("$schema", json!(schema_url)),
        ("dataset", json!(dataset.id)),
        ("title", json!(dataset.title)),
        ("description", json!(dataset.description)),
        ("license", json!(site.config.license)),
        ("publisher", json!(publisher(site))),
        ("source", json!(site.config.base_url)),
    ]);
    let mut text = serde_json::to_string_pretty(&JsonFile { head, dataset }).unwrap_or_default();
    text.push('\n');
    text
}

/// A data set's JSON file: the fields of `head` and `records`, in sorted key order.
struct JsonFile<'a> {
    head: BTreeMap<&'a str, Value>,
    dataset: &'a Dataset,
}

impl serde::Serialize for JsonFile<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        const RECORDS: &str = "records";
        let records = Records(self.dataset);
        let mut map = serializer.serialize_map(Some(self.head.len() + 1))?;
        let mut records_written = false;
        for (key, value) in &self.head {
            if !records_written && *key > RECORDS {
                map.serialize_entry(RECORDS, &records)?;
                records_written = true;
            }
            map.serialize_entry(key, value)?;
        }
        if !records_written {
            map.serialize_entry(RECORDS, &records)?;
        }
        map.end()
    }
}

/// The rows of a data set as JSON objects, their fields in sorted order (as a JSON object of
/// serde_json would have them).
struct Records<'a>(&'a Dataset);

impl serde::Serialize for Records<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let columns = &self.0.columns;
        let mut order: Vec<usize> = (0..columns.len()).collect();
        order.sort_by_key(|&i| columns[i].field);
        // A field written twice would be one key of a JSON object: the last value wins.
        order.dedup_by(|later, earlier| {
            let same = columns[*later].field == columns[*earlier].field;
            if same {
                *earlier = *later;
            }
            same
        });
        let mut seq = serializer.serialize_seq(Some(self.0.rows.len()))?;
        for row in &self.0.rows {
            seq.serialize_element(&Record { fields: &order, columns, row })?;
        }
        seq.end()
    }
}

/// One row as a JSON object; `fields`: indices of the columns, in the order of their names.
struct Record<'a> {
    fields: &'a [usize],
    columns: &'a [Column],
    row: &'a [Cell],
}

impl serde::Serialize for Record<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let present: Vec<usize> =
            self.fields.iter().copied().filter(|&i| i < self.row.len()).collect();
        let mut map = serializer.serialize_map(Some(present.len()))?;
        for i in present {
            map.serialize_entry(self.columns[i].field, &self.row[i])?;
        }
        map.end()
    }
}

impl serde::Serialize for Cell {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Cell::Text(text) => serializer.serialize_str(text),
            Cell::Integer(number) => serializer.serialize_i64(*number),
            Cell::Empty => serializer.serialize_unit(),
        }
    }
}

fn publisher(site: &Site) -> &str {
    if site.config.author.is_empty() { &site.config.title } else { &site.config.author }
}

/// The JSON Schema (draft 2020-12) of a data set's JSON file.
pub fn schema(site: &Site, dataset: &Dataset, schema_url: &str) -> Value {
    let properties: Map<String, Value> = dataset
        .columns
        .iter()
        .map(|column| {
            let property = match column.kind {
                Kind::Text => json!({"type": ["string", "null"], "description": column.header}),
                Kind::Integer => json!({"type": ["integer", "null"], "description": column.header}),
                // YYYY-MM or YYYY when the source gives no day: never an invented day.
                Kind::Date => json!({
                    "type": ["string", "null"],
                    "pattern": DATE_PATTERN,
                    "examples": ["2016-12-03", "2016-12", "2016"],
                    "description": column.header,
                }),
            };
            (column.field.to_owned(), property)
        })
        .collect();
    let required: Vec<&str> = dataset.columns.iter().map(|c| c.field).collect();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_url,
        "title": format!("{} — {}", site.config.title, dataset.title),
        "type": "object",
        "required": ["dataset", "title", "license", "publisher", "source", "records"],
        "properties": {
            "$schema": {"type": "string"},
            "dataset": {"const": dataset.id},
            "title": {"type": "string"},
            "description": {"type": "string"},
            "license": {"type": "string"},
            "publisher": {"type": "string"},
            "source": {"type": "string"},
            "records": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": required,
                    "properties": properties,
                },
            },
        },
        "additionalProperties": false,
    })
}

/// Hiragana as katakana (the standard's `_カナ` columns); everything else unchanged.
pub fn katakana(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{3041}'..='\u{3096}' | '\u{309d}' | '\u{309e}' => {
                char::from_u32(c as u32 + 0x60).unwrap_or(c)
            }
            c => c,
        })
        .collect()
}

fn page_url(site: &Site, id: NodeId) -> String {
    site.permalink(&site.path_of(id, &site.config.default_language))
}

fn names(site: &Site, ids: &[NodeId]) -> String {
    ids.iter().map(|&id| site.nodes[id].title()).collect::<Vec<_>>().join("、")
}

fn summary(site: &Site, bodies: &Bodies, id: NodeId) -> Cell {
    let entry = &site.nodes[id].entry;
    Cell::text(entry_summary(entry, bodies.get(&entry.path).map(|b| b.text.as_str())))
}

fn prefecture_of(site: &Site, municipality: NodeId) -> (Cell, Cell) {
    match site.nodes[municipality].links.parent.map(|p| &site.nodes[p].entry.meta) {
        Some(Meta::Prefecture(p)) => (Cell::text(p.code.clone()), Cell::text(p.name.clone())),
        _ => (Cell::Empty, Cell::Empty),
    }
}

fn municipalities(site: &Site) -> Dataset {
    let columns = vec![
        col("全国地方公共団体コード", "code", Kind::Text),
        col("都道府県コード", "prefecture_code", Kind::Text),
        col("都道府県名", "prefecture", Kind::Text),
        col("地方公共団体名", "name", Kind::Text),
        col("地方公共団体名_カナ", "name_kana", Kind::Text),
        col("種別", "kind", Kind::Text),
        col("公式サイト", "website", Kind::Text),
        col("連携数", "partner_count", Kind::Integer),
        col("URL", "url", Kind::Text),
    ];
    let rows = site
        .list(Collection::Municipalities)
        .iter()
        .filter_map(|&id| {
            let node = &site.nodes[id];
            let Meta::Municipality(m) = &node.entry.meta else { return None };
            let (prefecture_code, prefecture) = prefecture_of(site, id);
            Some(vec![
                Cell::text(node.id()),
                prefecture_code,
                prefecture,
                Cell::text(m.name.clone()),
                Cell::text(katakana(&m.kana)),
                Cell::optional(m.kind.as_deref()),
                Cell::optional(m.website.as_deref()),
                Cell::Integer(node.links.partners.len() as i64),
                Cell::text(page_url(site, id)),
            ])
        })
        .collect();
    Dataset {
        id: "municipalities",
        title: "連携自治体一覧",
        description: "このサイトに掲載している全国の自治体（全国地方公共団体コード順）",
        columns,
        rows,
    }
}

fn relations(site: &Site) -> Dataset {
    let columns = vec![
        col("特別区コード", "ward_code", Kind::Text),
        col("特別区名", "ward", Kind::Text),
        col("全国地方公共団体コード", "municipality_code", Kind::Text),
        col("地方公共団体名", "municipality", Kind::Text),
        col("都道府県名", "prefecture", Kind::Text),
        col("関係", "relation", Kind::Text),
        col("提携時期", "since", Kind::Date),
        col("出典URL", "source", Kind::Text),
    ];
    let mut partners: Vec<&crate::model::Partner> = site.partners.iter().collect();
    let code = |id: NodeId| match &site.nodes[id].entry.meta {
        Meta::Ward(w) => w.code.clone(),
        _ => site.nodes[id].id().to_owned(),
    };
    partners.sort_by_key(|p| (code(p.ward), site.nodes[p.municipality].id().to_owned()));
    let rows = partners
        .into_iter()
        .map(|p| {
            let (_, prefecture) = prefecture_of(site, p.municipality);
            vec![
                Cell::text(code(p.ward)),
                Cell::text(site.nodes[p.ward].title()),
                Cell::text(site.nodes[p.municipality].id()),
                Cell::text(site.nodes[p.municipality].title()),
                prefecture,
                Cell::optional(p.relation.as_deref()),
                Cell::optional(p.since.as_deref()),
                Cell::optional(p.source.as_deref()),
            ]
        })
        .collect();
    Dataset {
        id: "relations",
        title: "特別区と全国の自治体との連携関係",
        description: "特別区と全国の自治体との交流・連携の関係（友好都市、交流都市、災害時相互応援など）。関係と時期は出典の記載のとおり",
        columns,
        rows,
    }
}

/// The 自治体標準オープンデータセット「イベント一覧」, in the column order of the 推奨データセット.
pub const EVENT_COLUMNS: [Column; 32] = [
    col("都道府県コード又は市区町村コード", "code", Kind::Text),
    col("NO", "no", Kind::Integer),
    col("都道府県名", "prefecture", Kind::Text),
    col("市区町村名", "municipality", Kind::Text),
    col("イベント名", "name", Kind::Text),
    col("イベント名_カナ", "name_kana", Kind::Text),
    col("イベント名_英語", "name_en", Kind::Text),
    col("開始日", "start_date", Kind::Date),
    col("終了日", "end_date", Kind::Date),
    col("開始時間", "start_time", Kind::Text),
    col("終了時間", "end_time", Kind::Text),
    col("開始日時特記事項", "date_note", Kind::Text),
    col("説明", "description", Kind::Text),
    col("料金(基本)", "fee", Kind::Text),
    col("料金(詳細)", "fee_detail", Kind::Text),
    col("連絡先名称", "contact_name", Kind::Text),
    col("連絡先電話番号", "contact_phone", Kind::Text),
    col("連絡先内線番号", "contact_extension", Kind::Text),
    col("主催者", "organizer", Kind::Text),
    col("場所名称", "place_name", Kind::Text),
    col("住所", "address", Kind::Text),
    col("方書", "address_detail", Kind::Text),
    col("緯度", "latitude", Kind::Text),
    col("経度", "longitude", Kind::Text),
    col("アクセス方法", "access", Kind::Text),
    col("駐車場情報", "parking", Kind::Text),
    col("定員", "capacity", Kind::Text),
    col("参加申込終了日", "application_end_date", Kind::Text),
    col("参加申込終了時間", "application_end_time", Kind::Text),
    col("参加申込方法", "application_method", Kind::Text),
    col("URL", "url", Kind::Text),
    col("備考", "note", Kind::Text),
];

/// Events in date order (oldest first).
fn chronological(site: &Site, collection: Collection) -> Vec<NodeId> {
    let mut ids = site.list(collection).to_vec();
    ids.sort_by_key(|&id| (site.nodes[id].date(), site.nodes[id].id().to_owned()));
    ids
}

fn events(site: &Site, bodies: &Bodies) -> Dataset {
    let rows = chronological(site, Collection::Events)
        .into_iter()
        .enumerate()
        .filter_map(|(index, id)| {
            let node = &site.nodes[id];
            let Meta::Event(m) = &node.entry.meta else { return None };
            let wards = &node.links.wards;
            let first_ward = wards.first().map(|&w| &site.nodes[w].entry.meta);
            let code = match first_ward {
                Some(Meta::Ward(w)) => Cell::text(w.code.clone()),
                _ => Cell::Empty,
            };
            let end = m.end.unwrap_or(m.date);
            let time = |t: Option<chrono::NaiveTime>| {
                t.map_or(Cell::Empty, |t| Cell::text(t.format("%H:%M").to_string()))
            };
            let name_en = node.translations.get("en").map(|e| e.meta.title().to_owned());
            let mut note = vec![format!("分野：{}", m.category)];
            if let Some(kind) = &m.kind {
                note.push(format!("種別：{kind}"));
            }
            let partners = [&node.links.municipalities[..], &node.links.prefectures[..]].concat();
            if !partners.is_empty() {
                note.push(format!("関係する自治体：{}", names(site, &partners)));
            }
            let organizer =
                if wards.is_empty() { publisher(site).to_owned() } else { names(site, wards) };
            Some(vec![
                code,
                Cell::Integer(index as i64 + 1),
                if wards.is_empty() { Cell::Empty } else { Cell::text("東京都") },
                Cell::text(names(site, wards)),
                Cell::text(m.title.clone()),
                Cell::Empty,
                Cell::optional(name_en.as_deref()),
                Cell::text(m.date.iso_date()),
                Cell::text(end.iso_date()),
                time(m.date.time()),
                time(m.end.and_then(|e| e.time())),
                date_note(m.date, m.end),
                summary(site, bodies, id),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::text(organizer),
                Cell::optional(m.venue.as_deref()),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::text(page_url(site, id)),
                Cell::text(note.join("／")),
            ])
        })
        .collect();
    Dataset {
        id: "events",
        title: "イベント一覧",
        description: "連携イベント（自治体標準オープンデータセット「イベント一覧」の項目）",
        columns: EVENT_COLUMNS.to_vec(),
        rows,
    }
}

/// 開始日時特記事項 of an event whose source gives no day: says so, so that `2016-12` in 開始日
/// is not read as a typing mistake.
fn date_note(start: Date, end: Option<Date>) -> Cell {
    let partial = |date: Date| date.is_partial().then(|| ja_period(date));
    match (partial(start), end.and_then(partial)) {
        (None, None) => Cell::Empty,
        (Some(start), None) => Cell::text(format!("開催日は出典に記載がありません（{start}）")),
        (None, Some(end)) => Cell::text(format!("終了日は出典に記載がありません（{end}）")),
        (Some(start), Some(end)) => {
            Cell::text(format!("開催日・終了日は出典に記載がありません（{start}〜{end}）"))
        }
    }
}

/// `2016年12月`, `2016年`.
fn ja_period(date: Date) -> String {
    match date.month() {
        Some(month) => format!("{}年{month}月", date.year()),
        None => format!("{}年", date.year()),
    }
}

fn exhibits(site: &Site, bodies: &Bodies) -> Dataset {
    let columns = vec![
        col("ID", "id", Kind::Text),
        col("展示名", "name", Kind::Text),
        col("開始日", "start_date", Kind::Date),
        col("終了日", "end_date", Kind::Date),
        col("場所名称", "place_name", Kind::Text),
        col("説明", "description", Kind::Text),
        col("関係する特別区", "wards", Kind::Text),
        col("関係する自治体", "municipalities", Kind::Text),
        col("関係する都道府県", "prefectures", Kind::Text),
        col("URL", "url", Kind::Text),
    ];
    let rows = chronological(site, Collection::Exhibits)
        .into_iter()
        .filter_map(|id| {
            let node = &site.nodes[id];
            let Meta::Exhibit(m) = &node.entry.meta else { return None };
            Some(vec![
                Cell::text(node.id()),
                Cell::text(m.title.clone()),
                Cell::text(m.date.iso_date()),
                Cell::text(m.end.iso_date()),
                Cell::text(m.location.clone()),
                summary(site, bodies, id),
                Cell::text(names(site, &node.links.wards)),
                Cell::text(names(site, &node.links.municipalities)),
                Cell::text(names(site, &node.links.prefectures)),
                Cell::text(page_url(site, id)),
            ])
        })
        .collect();
    Dataset {
        id: "exhibits",
        title: "展示一覧",
        description: "東京区政会館などでの魅力発信の展示",
        columns,
        rows,
    }
}

/// The columns of the agreements data set.
pub const AGREEMENT_COLUMNS: [Column; 8] = [
    col("ID", "id", Kind::Text),
    col("協定名", "name", Kind::Text),
    col("締結日", "date", Kind::Date),
    col("締結日の注記", "date_note", Kind::Text),
    col("当事者", "parties", Kind::Text),
    col("関係する都道府県", "prefectures", Kind::Text),
    col("関係する自治体", "municipalities", Kind::Text),
    col("URL", "url", Kind::Text),
];

/// Agreements, oldest first; those whose sources state no signing day last, by title, with an
/// empty date (never an inferred one) and the note in its own column.
fn agreements(site: &Site) -> Dataset {
    let mut ids = site.list(Collection::Agreements).to_vec();
    ids.sort_by_key(|&id| {
        let node = &site.nodes[id];
        (node.date().is_none(), node.date(), node.title().to_owned(), node.id().to_owned())
    });
    let rows = ids
        .into_iter()
        .filter_map(|id| {
            let node = &site.nodes[id];
            let Meta::Agreement(m) = &node.entry.meta else { return None };
            Some(vec![
                Cell::text(node.id()),
                Cell::text(m.title.clone()),
                m.date.map_or(Cell::Empty, |d| Cell::text(d.iso_date())),
                Cell::optional(m.date_note.as_deref()),
                Cell::text(m.parties.join("、")),
                Cell::text(names(site, &node.links.prefectures)),
                Cell::text(names(site, &node.links.municipalities)),
                Cell::text(page_url(site, id)),
            ])
        })
        .collect();
    Dataset {
        id: "agreements",
        title: "協定一覧",
        description: "特別区長会や各区が結んだ協定（締結日は出典に書かれている場合だけ）",
        columns: AGREEMENT_COLUMNS.to_vec(),
        rows,
    }
}

/// The columns of `plan`: one row per project and 年度 of the plan.
pub const PLAN_COLUMNS: [Column; 7] = [
    col("年度", "nendo", Kind::Integer),
    col("年度名", "nendo_name", Kind::Text),
    col("事業ID", "project", Kind::Text),
    col("事業", "project_name", Kind::Text),
    col("計画", "aim", Kind::Text),
    col("計画の件数", "aim_count", Kind::Integer),
    col("実績の件数", "count", Kind::Integer),
];

/// The plan against what was done: per project and 年度 of the plan, its aim and the number of
/// records of the site (the plan page's table); then, per project with any, the records whose
/// 年度 is not known (a date that is a year alone), with an empty 年度.
fn plan_dataset(site: &Site, plan: &crate::plan::Plan) -> Dataset {
    let counts = site.plan_counts(plan);
    let mut rows = Vec::new();
    for (project, count) in plan.projects.iter().zip(&counts.projects) {
        let aim_count = project.per_year.map_or(Cell::Empty, |n| Cell::Integer(i64::from(n)));
        let row = |nendo: Cell, name: String, aim: Cell, n: usize| {
            vec![
                nendo,
                Cell::text(name),
                Cell::text(project.id.clone()),
                Cell::text(project.name.clone()),
                Cell::text(project.aim.clone()),
                aim,
                Cell::Integer(n as i64),
            ]
        };
        for (year, records) in &count.years {
            let name = crate::japanese::wareki::nendo(crate::load::Nendo(*year).first_day());
            rows.push(row(Cell::Integer(i64::from(*year)), name, aim_count.clone(), records.len()));
        }
        if !count.uncertain.is_empty() {
            rows.push(row(Cell::Empty, "年度不明".to_owned(), Cell::Empty, count.uncertain.len()));
        }
    }
    Dataset {
        id: "plan",
        title: "事業計画と実績",
        description: "推進方針の事業計画（主要事業ごとの年度の目標）と、このサイトに記録された実績の件数",
        columns: PLAN_COLUMNS.to_vec(),
        rows,
    }
}

/// The 自治体標準オープンデータセット「公共施設一覧」: its 24 columns in the standard's order, the
/// first four (the publishing body's code, the row number, its prefecture and municipality) as in
/// 「イベント一覧」.
pub const FACILITY_COLUMNS: [Column; 24] = [
    col("都道府県コード又は市区町村コード", "code", Kind::Text),
    col("NO", "no", Kind::Integer),
    col("都道府県名", "prefecture", Kind::Text),
    col("市区町村名", "municipality", Kind::Text),
    col("名称", "name", Kind::Text),
    col("名称_カナ", "name_kana", Kind::Text),
    col("名称_通称", "alias", Kind::Text),
    col("POIコード", "poi_code", Kind::Text),
    col("住所", "address", Kind::Text),
    col("方書", "address_detail", Kind::Text),
    col("緯度", "latitude", Kind::Text),
    col("経度", "longitude", Kind::Text),
    col("電話番号", "phone", Kind::Text),
    col("内線番号", "extension", Kind::Text),
    col("法人番号", "corporate_number", Kind::Text),
    col("団体名", "organization", Kind::Text),
    col("利用可能曜日", "available_days", Kind::Text),
    col("開始時間", "start_time", Kind::Text),
    col("終了時間", "end_time", Kind::Text),
    col("利用可能日時特記事項", "availability_note", Kind::Text),
    col("説明", "description", Kind::Text),
    col("バリアフリー情報", "accessibility", Kind::Text),
    col("URL", "url", Kind::Text),
    col("備考", "note", Kind::Text),
];

/// A row of `columns` with the named cells filled and the others empty. Cells are named by their
/// column's JSON field, so a column added to the standard cannot shift a value into the wrong
/// place; a field that is not a column fails every debug build (the tests) at once.
fn row_of(columns: &[Column], cells: Vec<(&str, Cell)>) -> Vec<Cell> {
    let mut row = vec![Cell::Empty; columns.len()];
    for (field, cell) in cells {
        let index = columns.iter().position(|column| column.field == field);
        debug_assert!(index.is_some(), "`{field}` is not a column");
        if let Some(index) = index {
            row[index] = cell;
        }
    }
    row
}

fn facilities(site: &Site, bodies: &Bodies) -> Dataset {
    let rows = site
        .list(Collection::Facilities)
        .iter()
        .enumerate()
        .filter_map(|(index, &id)| {
            let node = &site.nodes[id];
            let Meta::Facility(m) = &node.entry.meta else { return None };
            let mut note = Vec::new();
            if let Some(capacity) = m.capacity {
                note.push(format!("定員：{capacity}人"));
            }
            if !m.uses.is_empty() {
                note.push(format!("用途：{}", m.uses.join("、")));
            }
            let ward = node.links.parent.map(|w| &site.nodes[w]);
            let ward_code = ward.and_then(|w| match &w.entry.meta {
                Meta::Ward(meta) => Some(meta.code.clone()),
                _ => None,
            });
            let ward_name = ward.map(|w| w.title().to_owned());
            let url = m.website.clone().unwrap_or_else(|| page_url(site, id));
            Some(row_of(
                &FACILITY_COLUMNS,
                vec![
                    ("code", ward_code.map_or(Cell::Empty, Cell::text)),
                    ("no", Cell::Integer(index as i64 + 1)),
                    ("prefecture", ward.map_or(Cell::Empty, |_| Cell::text("東京都"))),
                    ("municipality", Cell::optional(ward_name.as_deref())),
                    ("name", Cell::text(m.name.clone())),
                    ("address", Cell::optional(m.address.as_deref())),
                    ("organization", Cell::optional(ward_name.as_deref())),
                    ("description", summary(site, bodies, id)),
                    ("url", Cell::text(url)),
                    ("note", Cell::text(note.join("／"))),
                ],
            ))
        })
        .collect();
    Dataset {
        id: "facilities",
        title: "公共施設一覧",
        description: "連携先の自治体も利用できる特別区の施設（自治体標準オープンデータセット「公共施設一覧」の項目）",
        columns: FACILITY_COLUMNS.to_vec(),
        rows,
    }
}

/// The columns of the members data set (issue 24).
pub const MEMBER_COLUMNS: [Column; 9] = [
    col("会員の種別", "member_type", Kind::Text),
    col("ID", "id", Kind::Text),
    col("全国地方公共団体コード", "code", Kind::Text),
    col("名称", "name", Kind::Text),
    col("都道府県名", "prefecture", Kind::Text),
    col("会員登録日", "registered", Kind::Date),
    col("出典", "source", Kind::Text),
    col("記事数", "article_count", Kind::Integer),
    col("URL", "url", Kind::Text),
];

/// The members of the project website: municipalities in code order, then partners; the
/// registration as precise as its source gives it.
fn members(site: &Site) -> Dataset {
    let rows = site
        .members()
        .into_iter()
        .map(|id| {
            let node = &site.nodes[id];
            let member = node.entry.meta.membership();
            let (member_type, code, prefecture) = match &node.entry.meta {
                Meta::Municipality(_) => {
                    ("自治体", Cell::text(node.id()), prefecture_of(site, id).1)
                }
                _ => ("団体", Cell::Empty, Cell::Empty),
            };
            vec![
                Cell::text(member_type),
                Cell::text(node.id()),
                code,
                Cell::text(node.title()),
                prefecture,
                Cell::optional(member.map(|m| m.registered.0.as_str())),
                Cell::optional(member.and_then(|m| m.source.as_deref())),
                Cell::Integer(node.backlinks.articles.len() as i64),
                Cell::text(page_url(site, id)),
            ]
        })
        .collect();
    Dataset {
        id: "members",
        title: "会員登録自治体・団体一覧",
        description: "全国連携ホームページに会員登録している自治体と団体（登録日は出典に書かれている精度で）",
        columns: MEMBER_COLUMNS.to_vec(),
        rows,
    }
}

/// The columns of the partners data set (issue 24).
pub const PARTNER_COLUMNS: [Column; 9] = [
    col("ID", "id", Kind::Text),
    col("名称", "name", Kind::Text),
    col("よみがな", "kana", Kind::Text),
    col("団体の種別", "partner_kind", Kind::Text),
    col("公式サイト", "website", Kind::Text),
    col("参加しているイベント・展示", "taking_part", Kind::Text),
    col("会員登録日", "registered", Kind::Date),
    col("説明", "description", Kind::Text),
    col("URL", "url", Kind::Text),
];

/// The partners of the 協働プラットフォーム, in the platform page's order (by kind).
fn partners(site: &Site, bodies: &Bodies) -> Dataset {
    let rows = site
        .list(Collection::Partners)
        .iter()
        .filter_map(|&id| {
            let node = &site.nodes[id];
            let Meta::PartnerOrg(m) = &node.entry.meta else { return None };
            Some(vec![
                Cell::text(node.id()),
                Cell::text(m.name.clone()),
                Cell::optional(m.kana.as_deref()),
                Cell::text(m.kind.clone()),
                Cell::optional(m.website.as_deref()),
                Cell::text(names(site, &node.links.taking_part)),
                Cell::optional(m.member.as_ref().map(|member| member.registered.0.as_str())),
                summary(site, bodies, id),
                Cell::text(page_url(site, id)),
            ])
        })
        .collect();
    Dataset {
        id: "partners",
        title: "協働プラットフォーム参画団体一覧",
        description: "プロジェクトに参画する企業・NPO・大学・金融機関・労働団体・報道機関・公的団体など",
        columns: PARTNER_COLUMNS.to_vec(),
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_needed() {
        assert_eq!(csv_field("釧路市"), "釧路市");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\r\nlines"), "\"two\r\nlines\"");
    }

    #[test]
    fn hiragana_becomes_katakana() {
        assert_eq!(katakana("くしろし"), "クシロシ");
        assert_eq!(katakana("ちよだく abc"), "チヨダク abc");
    }

    #[test]
    fn sizes_are_readable() {
        assert_eq!(size_label(999), "999 bytes");
        assert_eq!(size_label(1234), "1,234 bytes");
        assert_eq!(size_label(20480), "20.0 KB");
    }
}
