//! What Renkei says to the people who run it, in Japanese and in English: the message catalogue.
//!
//! The texts are data, one file per language (`ja.toml`, `en.toml`, flat `key = "text"` tables
//! with `{name}` placeholders), compiled into the program. Code never writes a sentence: it names
//! a message and its values (`msg!("front_matter.unknown_field", field = name)`), which makes a
//! `Text`. A `Text` keeps its key, so that the binary renders it in the language the user chose
//! (`Text::render`); it also carries its English rendering, which `Display` and `Deref<str>`
//! give, so that tests and log lines read as before.
//!
//! A `Text` made from a plain `String` (`Diagnostic::new(path, format!(…))`) has no key and reads
//! the same in both languages: the test `no_untranslated_messages` lists such places in src/.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

/// The languages Renkei speaks to its users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    Ja,
    /// The library's default (its tests and log lines); the binary chooses (`Lang::choose`).
    #[default]
    En,
}

impl Lang {
    /// `ja` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }

    /// `ja`/`en`, also as a locale (`ja_JP.UTF-8`, `en-US`); `None` for anything else.
    pub fn from_code(code: &str) -> Option<Lang> {
        let code = code.trim().to_ascii_lowercase();
        let language = code.split(['_', '-', '.', '@']).next().unwrap_or_default();
        match language {
            "ja" => Some(Lang::Ja),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language of the locale variables (`LC_ALL`, then `LC_MESSAGES`, then `LANG`, the
    /// first one set): Japanese for `ja_*`, English for any other locale, and `None` when no
    /// variable is set (as on Windows, where the caller falls back to Japanese).
    pub fn from_locale(var: impl Fn(&str) -> Option<String>) -> Option<Lang> {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .into_iter()
            .filter_map(var)
            .find(|value| !value.trim().is_empty())?;
        Some(Lang::from_code(&locale).unwrap_or(Lang::En))
    }

    /// The language to speak: the command line's `--lang`, else `[ui] language` of site.toml,
    /// else the locale, else Japanese (the editors' language; Windows sets no `LANG`).
    pub fn choose(flag: Option<Lang>, site: Option<Lang>, locale: Option<Lang>) -> Lang {
        flag.or(site).or(locale).unwrap_or(Lang::Ja)
    }
}

/// The catalogue files, compiled in.
const JA: &str = include_str!("ja.toml");
const EN: &str = include_str!("en.toml");

type Catalogue = HashMap<String, String>;

/// The catalogue of `lang`, parsed once. A file that does not parse is an empty catalogue (the
/// test `catalogues_have_the_same_keys_and_placeholders` fails first).
fn catalogue(lang: Lang) -> &'static Catalogue {
    static JA_TABLE: OnceLock<Catalogue> = OnceLock::new();
    static EN_TABLE: OnceLock<Catalogue> = OnceLock::new();
    let (cell, text) = match lang {
        Lang::Ja => (&JA_TABLE, JA),
        Lang::En => (&EN_TABLE, EN),
    };
    cell.get_or_init(|| parse_catalogue(text).unwrap_or_default())
}

fn parse_catalogue(text: &str) -> Result<Catalogue, String> {
    let table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut catalogue = Catalogue::new();
    flatten("", table, &mut catalogue)?;
    Ok(catalogue)
}

/// `[load]` + `unknown_field = "…"` → `load.unknown_field`.
fn flatten(prefix: &str, table: toml::Table, into: &mut Catalogue) -> Result<(), String> {
    for (key, value) in table {
        let key = if prefix.is_empty() { key } else { format!("{prefix}.{key}") };
        match value {
            toml::Value::String(text) => {
                into.insert(key, text);
            }
            toml::Value::Table(table) => flatten(&key, table, into)?,
            other => return Err(format!("`{key}` is a {}, not a text", other.type_str())),
        }
    }
    Ok(())
}

/// A message: a catalogue key with its values, or a text given as is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Text {
    /// The English rendering (what `Display` shows).
    english: String,
    key: Option<Key>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Key {
    id: &'static str,
    args: Vec<(&'static str, Text)>,
}

impl Text {
    /// The message `id` of the catalogue with its `{name}` placeholders filled by `args`.
    pub fn key(id: &'static str, args: Vec<(&'static str, Text)>) -> Text {
        let key = Key { id, args };
        Text { english: key.render(Lang::En), key: Some(key) }
    }

    /// The text in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        match (&self.key, lang) {
            (Some(key), Lang::Ja) => key.render(lang),
            _ => self.english.clone(),
        }
    }

    /// Whether this text comes from the catalogue (rather than from a literal in the code).
    pub fn is_translated(&self) -> bool {
        self.key.is_some()
    }

    /// The catalogue key, if any.
    pub fn key_id(&self) -> Option<&'static str> {
        self.key.as_ref().map(|k| k.id)
    }

    pub fn as_str(&self) -> &str {
        &self.english
    }
}

impl Key {
    fn render(&self, lang: Lang) -> String {
        let Some(template) = catalogue(lang).get(self.id) else {
            return self.id.to_owned();
        };
        fill(template, |name| {
            self.args.iter().find(|(n, _)| *n == name).map(|(_, value)| value.render(lang))
        })
    }
}

/// `template` with each `{name}` replaced by `value(name)` (left as written when unknown).
fn fill(template: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').map(|close| (&after[..close], close)) {
            Some((name, close)) if is_placeholder(name) => {
                match value(name) {
                    Some(text) => out.push_str(&text),
                    None => out.push_str(&rest[open..open + close + 2]),
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn is_placeholder(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The placeholders of a catalogue text, sorted.
#[cfg(test)]
fn placeholders(template: &str) -> Vec<String> {
    let mut names: Vec<String> = template
        .split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name))
        .filter(|name| is_placeholder(name))
        .map(str::to_owned)
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Whether both catalogues have `key` (for keys made at run time: the command line's help).
pub fn has_key(key: &str) -> bool {
    catalogue(Lang::Ja).contains_key(key) && catalogue(Lang::En).contains_key(key)
}

/// The text of a key made at run time (`schema.events.title`), as written in the catalogue of
/// `lang`; `None` when that catalogue lacks it.
pub fn lookup(lang: Lang, key: &str) -> Option<&'static str> {
    catalogue(lang).get(key).map(String::as_str)
}

/// A plain text in `lang` (command-line lines, overlay texts): `text(lang, "cli.built", &[…])`.
pub fn text(lang: Lang, id: &'static str, args: &[(&'static str, &str)]) -> String {
    let args = args.iter().map(|(n, v)| (*n, Text::from(*v))).collect();
    Text::key(id, args).render(lang)
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.english)
    }
}

impl std::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.english
    }
}

impl From<String> for Text {
    fn from(english: String) -> Text {
        Text { english, key: None }
    }
}

impl From<&String> for Text {
    fn from(english: &String) -> Text {
        Text { english: english.clone(), key: None }
    }
}

impl From<&str> for Text {
    fn from(english: &str) -> Text {
        Text { english: english.to_owned(), key: None }
    }
}

impl From<std::borrow::Cow<'_, str>> for Text {
    fn from(english: std::borrow::Cow<'_, str>) -> Text {
        Text { english: english.into_owned(), key: None }
    }
}

macro_rules! text_from_number {
    ($($t:ty),*) => {$(
        impl From<$t> for Text {
            fn from(n: $t) -> Text {
                Text { english: n.to_string(), key: None }
            }
        }
    )*};
}
text_from_number!(usize, u64, u32, u16, i64, i32, char);

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.english == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.english == *other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        &self.english == other
    }
}

/// A catalogue message: `msg!("front_matter.unknown_field", field = name)`.
/// Each value is anything a `Text` is made from: a `String`, a `&str`, a number, or another
/// `msg!` (translated with it).
#[macro_export]
macro_rules! msg {
    ($id:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::messages::Text::key($id, vec![$((stringify!($name), $crate::messages::Text::from($value))),*])
    };
}

pub mod serde_words;

#[cfg(test)]
mod tests;
