//! The one table writer of the open data: a data set's records as CSV (RFC 4180), as the
//! `records` of its JSON file and as its JSON Schema.
//!
//! A record is a struct declared with [`record!`]: each field is one column, written with its
//! CSV header and its English description beside it, in the order of the CSV. The column list
//! and the values come from the same declaration, so a column added, removed or moved cannot
//! shift a value into another column.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

/// The type of a column's values (every value may also be empty: `null` in JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Integer,
    /// A date as precise as its source: `2016-12-03`, `2016-12` or `2016` (a text in JSON,
    /// with a pattern in the schema). Never a day the source does not give.
    Date,
}

/// The Rust type of a `Kind::Text` field: empty text is an empty value.
pub type Text = String;
/// The Rust type of a `Kind::Date` field: `2016-12-03`, `2016-12`, `2016` or empty.
pub type Date = String;
/// The Rust type of a `Kind::Integer` field.
pub type Integer = Option<i64>;

/// The pattern of `Kind::Date` values in the JSON Schema.
pub const DATE_PATTERN: &str = "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$";

/// One column of a data set.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The CSV header (Japanese, the standard's where one exists).
    pub header: &'static str,
    /// The JSON field name (stable, English).
    pub field: &'static str,
    pub kind: Kind,
    /// What the column holds, in English (the data page in other languages).
    pub english: &'static str,
}

/// One value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Integer(i64),
    Empty,
}

impl From<String> for Cell {
    fn from(value: String) -> Cell {
        if value.is_empty() { Cell::Empty } else { Cell::Text(value) }
    }
}

impl From<Option<i64>> for Cell {
    fn from(value: Option<i64>) -> Cell {
        value.map_or(Cell::Empty, Cell::Integer)
    }
}

impl Cell {
    fn csv(&self) -> String {
        match self {
            Cell::Text(text) => text.clone(),
            Cell::Integer(number) => number.to_string(),
            Cell::Empty => String::new(),
        }
    }
}

/// One row of a data set, declared with [`record!`].
pub trait Record: Default {
    /// The columns, in the order of the CSV.
    const COLUMNS: &'static [Column];
    /// The values, in the order of `COLUMNS`.
    fn into_cells(self) -> Vec<Cell>;
}

/// Declares a record: a struct whose fields are the columns of a data set, in the order of the
/// CSV. Each field is `name: Kind = "CSV header", "English description";`; the field's name is
/// the JSON field and `Kind` (`Text`, `Date`, `Integer`) its type. The struct derives `Default`
/// (every value empty), so a record names only the columns it fills.
macro_rules! record {
    (
        $(#[$meta:meta])*
        pub(super) struct $name:ident {
            $( $field:ident : $kind:ident = $header:literal, $english:literal; )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Default)]
        pub(super) struct $name {
            $( pub $field: $crate::render::opendata::table::$kind, )*
        }

        impl $crate::render::opendata::table::Record for $name {
            const COLUMNS: &'static [$crate::render::opendata::table::Column] = &[$(
                $crate::render::opendata::table::Column {
                    header: $header,
                    field: stringify!($field),
                    kind: $crate::render::opendata::table::Kind::$kind,
                    english: $english,
                },
            )*];

            fn into_cells(self) -> Vec<$crate::render::opendata::table::Cell> {
                vec![$( $crate::render::opendata::table::Cell::from(self.$field), )*]
            }
        }
    };
}
pub(super) use record;

/// RFC 4180: CRLF line ends, fields quoted when they hold a comma, a quote or a line break,
/// quotes doubled; a BOM first so that spreadsheet programs read UTF-8.
pub fn to_csv(columns: &[Column], rows: &[Vec<Cell>]) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    let header: Vec<String> = columns.iter().map(|c| csv_field(c.header)).collect();
    out.push_str(&header.join(","));
    out.push_str("\r\n");
    for row in rows {
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

/// The pretty JSON file of a data set: the fields of `head` and `records`, in sorted key order
/// (as `serde_json::to_string_pretty` writes an object), serialised straight from the rows: a
/// tree of JSON values for every cell of a large data set took several times the size of the file.
pub(super) fn json_text(
    head: BTreeMap<&str, Value>,
    columns: &[Column],
    rows: &[Vec<Cell>],
) -> String {
    let file = JsonFile { head, records: Records { columns, rows } };
    let mut text = serde_json::to_string_pretty(&file).unwrap_or_default();
    text.push('\n');
    text
}

struct JsonFile<'a> {
    head: BTreeMap<&'a str, Value>,
    records: Records<'a>,
}

impl serde::Serialize for JsonFile<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        const RECORDS: &str = "records";
        let mut map = serializer.serialize_map(Some(self.head.len() + 1))?;
        let mut records_written = false;
        for (key, value) in &self.head {
            if !records_written && *key > RECORDS {
                map.serialize_entry(RECORDS, &self.records)?;
                records_written = true;
            }
            map.serialize_entry(key, value)?;
        }
        if !records_written {
            map.serialize_entry(RECORDS, &self.records)?;
        }
        map.end()
    }
}

/// The rows of a data set as JSON objects, their fields in sorted order (as a JSON object of
/// serde_json would have them).
struct Records<'a> {
    columns: &'a [Column],
    rows: &'a [Vec<Cell>],
}

impl serde::Serialize for Records<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut order: Vec<usize> = (0..self.columns.len()).collect();
        order.sort_by_key(|&i| self.columns[i].field);
        let mut seq = serializer.serialize_seq(Some(self.rows.len()))?;
        for row in self.rows {
            seq.serialize_element(&JsonRecord { order: &order, columns: self.columns, row })?;
        }
        seq.end()
    }
}

/// One row as a JSON object; `order`: indices of the columns, in the order of their names.
struct JsonRecord<'a> {
    order: &'a [usize],
    columns: &'a [Column],
    row: &'a [Cell],
}

impl serde::Serialize for JsonRecord<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.order.len()))?;
        for &i in self.order {
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

/// The JSON Schema of one record: a property per column, every one required.
pub(super) fn record_schema(columns: &[Column]) -> Value {
    let properties: Map<String, Value> = columns
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
    let required: Vec<&str> = columns.iter().map(|c| c.field).collect();
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": required,
        "properties": properties,
    })
}

/// The columns as the data page lists them.
pub(super) fn column_values(columns: &[Column]) -> Vec<Value> {
    columns
        .iter()
        .map(|c| {
            json!({"header": c.header, "field": c.field, "type": match c.kind {
                Kind::Text | Kind::Date => "string",
                Kind::Integer => "integer",
            }})
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    record! {
        /// A record for the tests.
        pub(super) struct Sample {
            name: Text = "名称", "Name";
            count: Integer = "数", "Count";
            since: Date = "時期", "Since";
        }
    }

    #[test]
    fn a_record_has_one_value_per_column_in_the_columns_order() {
        let sample = Sample { name: "釧路市".into(), count: Some(3), ..Sample::default() };
        let cells = sample.into_cells();
        assert_eq!(cells, [Cell::Text("釧路市".into()), Cell::Integer(3), Cell::Empty]);
        let fields: Vec<&str> = Sample::COLUMNS.iter().map(|c| c.field).collect();
        assert_eq!(fields, ["name", "count", "since"]);
        assert_eq!(Sample::COLUMNS[2].kind, Kind::Date);
    }

    #[test]
    fn fields_are_quoted_only_when_needed() {
        assert_eq!(csv_field("釧路市"), "釧路市");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\r\nlines"), "\"two\r\nlines\"");
    }

    #[test]
    fn json_records_list_their_fields_in_name_order() {
        let rows = vec![Sample { name: "a".into(), ..Sample::default() }.into_cells()];
        let text = json_text(BTreeMap::new(), Sample::COLUMNS, &rows);
        let value: Value = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(value["records"][0], json!({"count": null, "name": "a", "since": null}));
        assert!(text.find("\"count\"") < text.find("\"name\""), "{text}");
    }
}
