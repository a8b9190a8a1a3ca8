//! Interface strings per language, as data: a theme's `i18n/<lang>.toml` files (flat `key =
//! "text"` tables). The default theme's Japanese and English files are also compiled into Renkei
//! as the fallback, so that a theme without an `i18n/` folder still has every string.
//!
//! Adding a language is configuration plus strings: `[languages.ko]` in `site.toml` and a
//! `themes/<theme>/i18n/ko.toml`. A key missing from a language's file falls back to English,
//! then to the default language, so a partial translation still builds.
//!
//! Reads the theme's `i18n/` folder only; called by `config`.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diag::{Diagnostic, Location};

/// `key → text` of one language.
pub type LanguageStrings = BTreeMap<String, String>;

/// The strings of every language of the site, complete (fallbacks already applied).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Strings {
    tables: BTreeMap<String, LanguageStrings>,
}

/// The default theme's own files, the fallback of every theme.
const BUILT_IN: [(&str, &str); 2] = [
    ("ja", include_str!("../themes/default/i18n/ja.toml")),
    ("en", include_str!("../themes/default/i18n/en.toml")),
];

/// The language strings fall back to before the default language.
const FALLBACK: &str = "en";

impl Strings {
    /// The strings of `languages` (the default first) from `theme_dir/i18n/`, over the built-in
    /// ones. A language that has neither a file nor built-in strings is an error.
    pub fn load(theme_dir: &Path, languages: &[&str]) -> Result<Strings, Diagnostic> {
        let mut own: BTreeMap<String, LanguageStrings> = BTreeMap::new();
        for (lang, text) in BUILT_IN {
            own.insert(lang.to_owned(), parse(Path::new("<built-in>"), text)?);
        }
        let dir = theme_dir.join("i18n");
        for &lang in languages {
            let path = dir.join(format!("{lang}.toml"));
            let Ok(text) = std::fs::read_to_string(&path) else { continue };
            let shown = theme_relative(&path);
            let table = parse(&shown, &text)?;
            own.entry(lang.to_owned()).or_default().extend(table);
        }
        let default = languages.first().copied().unwrap_or("ja");
        let mut tables = BTreeMap::new();
        for &lang in languages {
            if !own.contains_key(lang) {
                let path = theme_relative(&dir.join(format!("{lang}.toml")));
                return Err(Diagnostic::new(path, crate::msg!("strings.missing", lang = lang))
                    .with_help(crate::msg!(
                        "strings.missing_help",
                        fallback = FALLBACK,
                        lang = lang
                    )));
            }
            let mut table = LanguageStrings::new();
            for fallback in [default, FALLBACK, lang] {
                if let Some(strings) = own.get(fallback) {
                    table.extend(strings.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
            }
            tables.insert(lang.to_owned(), table);
        }
        Ok(Strings { tables })
    }

    /// The built-in strings of Japanese and English alone (for tests and themes without files).
    pub fn built_in(languages: &[&str]) -> Strings {
        Strings::load(Path::new("/nonexistent"), languages).unwrap_or_default()
    }

    /// All strings of `lang`.
    pub fn table(&self, lang: &str) -> Option<&LanguageStrings> {
        self.tables.get(lang)
    }

    /// One string of `lang`; the key itself when no language has it (a theme's typo shows up
    /// on the page rather than failing the build).
    pub fn text(&self, lang: &str, key: &str) -> String {
        self.tables.get(lang).and_then(|t| t.get(key)).map_or_else(|| key.to_owned(), Clone::clone)
    }
}

/// `themes/default/i18n/ja.toml` rather than the absolute path, for diagnostics.
fn theme_relative(path: &Path) -> std::path::PathBuf {
    let parts: Vec<_> = path.iter().collect();
    let start = parts.iter().rposition(|p| *p == "themes").unwrap_or(0);
    parts[start..].iter().collect()
}

/// A flat table of strings; anything else (a number, a nested table) is located and reported.
fn parse(path: &Path, text: &str) -> Result<LanguageStrings, Diagnostic> {
    let table: toml::Table = toml::from_str(text).map_err(|error| {
        let diagnostic = Diagnostic::new(
            path,
            crate::msg!("strings.invalid", detail = error.message().trim_end()),
        );
        match error.span() {
            Some(span) => {
                diagnostic.at(Location::from_offset(text, span.start, span.len().max(1), 1))
            }
            None => diagnostic,
        }
    })?;
    let mut strings = LanguageStrings::new();
    for (key, value) in table {
        match value {
            toml::Value::String(s) => {
                strings.insert(key, s);
            }
            other => {
                let offset = text.find(&format!("{key} ")).or_else(|| text.find(&key)).unwrap_or(0);
                return Err(Diagnostic::new(
                    path,
                    crate::msg!("strings.not_text", key = key.as_str(), kind = other.type_str()),
                )
                .at(Location::from_offset(text, offset, key.len(), 1))
                .with_help(crate::msg!("strings.not_text_help", key = key.as_str())));
            }
        }
    }
    Ok(strings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_strings_cover_both_languages_alike() {
        let strings = Strings::built_in(&["ja", "en"]);
        let (ja, en) = (strings.table("ja"), strings.table("en"));
        let keys = |t: Option<&LanguageStrings>| t.map(|t| t.keys().cloned().collect::<Vec<_>>());
        assert_eq!(keys(ja), keys(en));
        assert_eq!(strings.text("ja", "home"), "ホーム");
        assert_eq!(strings.text("en", "home"), "Home");
        assert_eq!(strings.text("en", "page_n"), " (page {n})");
    }

    #[test]
    fn a_third_language_needs_its_file_and_falls_back_to_english() {
        let dir = tempfile::tempdir().ok();
        let dir = dir.as_ref().map_or(Path::new("/nonexistent"), |d| d.path());
        let missing = Strings::load(dir, &["ja", "en", "ko"]).err();
        let missing = missing.map(|d| d.to_string()).unwrap_or_default();
        assert!(missing.contains("`ko`") && missing.contains("i18n/ko.toml"), "{missing}");
        let _ = std::fs::create_dir_all(dir.join("i18n"));
        let _ =
            std::fs::write(dir.join("i18n/ko.toml"), "home = \"홈\"\nlanguage_name = \"한국어\"\n");
        let strings = Strings::load(dir, &["ja", "en", "ko"]).unwrap_or_default();
        assert_eq!(strings.text("ko", "home"), "홈");
        assert_eq!(strings.text("ko", "news"), "News");
        assert_eq!(strings.text("ja", "news"), "お知らせ");
    }

    #[test]
    fn a_value_that_is_not_text_is_located() {
        let error = parse(Path::new("themes/t/i18n/ko.toml"), "home = \"홈\"\nnews = 3\n").err();
        assert_eq!(error.map(|d| d.origin()).unwrap_or_default(), "themes/t/i18n/ko.toml:2:1");
        let error = parse(Path::new("x.toml"), "home = \"unclosed\n").err();
        assert!(error.is_some_and(|d| d.location.is_some()));
    }
}
