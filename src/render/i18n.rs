//! The theme's interface strings in each language (`t` in templates), from `crate::i18n`: the
//! theme's `i18n/<lang>.toml` files over the built-in Japanese and English ones.

use serde_json::{Map, Value};

use crate::config::Config;
use crate::model::Collection;

/// All strings of `lang`.
pub(super) fn strings(config: &Config, lang: &str) -> Value {
    let table = config.strings.table(lang);
    let map: Map<String, Value> = table
        .into_iter()
        .flatten()
        .map(|(key, text)| (key.clone(), Value::String(text.clone())))
        .collect();
    Value::Object(map)
}

pub(super) fn text(config: &Config, lang: &str, key: &str) -> String {
    config.strings.text(lang, key)
}

/// The title of a collection's list page when no `_index.md` gives one.
pub(super) fn collection_title(config: &Config, collection: Collection, lang: &str) -> String {
    match collection {
        Collection::Pages => text(config, lang, "home"),
        other => text(config, lang, other.folder()),
    }
}
