//! Values that `renkei new` wrote for the editor to replace (`要記入: …`, see
//! `load::meta::PLACEHOLDER`), still in an entry that is built: an error at the field.
//!
//! An error, not a warning: a warning lets `build` succeed and the template's text be published
//! (an event filed under a category nobody chose), and scrolls away in `serve`'s terminal. An
//! unfinished entry keeps `draft: true`, which `renkei new` writes: the site builds without it,
//! and `--drafts` (a preview of the drafts) lists in one run every field still to fill in.

use crate::diag::{Diagnostic, Diagnostics};
use crate::load::Entry;
use crate::load::meta::is_placeholder;
use crate::messages::Text;
use crate::msg;

use super::Site;

pub(super) fn check(site: &Site, diagnostics: &mut Diagnostics) {
    use rayon::prelude::*;
    // In parallel: each entry's front matter is converted to JSON to be walked, and the link
    // step that calls this is otherwise one thread's work while the other cores wait.
    let found: Vec<Vec<Diagnostic>> =
        site.entries().par_iter().map(|e| placeholders_of(e)).collect();
    diagnostics.extend(found.into_iter().flatten());
}

/// A diagnostic for each text of `entry`'s front matter that is still a placeholder: a field's
/// value, an item of a list, a field of a list's item (a relation's `since`).
fn placeholders_of(entry: &Entry) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    if let Some(fields) = entry.meta.fields().as_object() {
        for (key, value) in fields {
            left_in(entry, key, value, &mut found);
        }
    }
    found
}

fn left_in(entry: &Entry, key: &str, value: &serde_json::Value, found: &mut Vec<Diagnostic>) {
    match value {
        serde_json::Value::String(text) if is_placeholder(text) => {
            let help = if DATES.contains(&key) {
                msg!("placeholder.left_date_help", key = key)
            } else {
                msg!("placeholder.left_help", key = key)
            };
            let mut diagnostic = entry.error_at_value(key, text, Text::default());
            let written = whole_value(&mut diagnostic).unwrap_or_else(|| text.clone());
            diagnostic.message = msg!("placeholder.left", key = key, text = written);
            found.push(diagnostic.with_help(help));
        }
        serde_json::Value::Array(items) => {
            items.iter().for_each(|item| left_in(entry, key, item, found));
        }
        serde_json::Value::Object(fields) => {
            fields.iter().for_each(|(key, value)| left_in(entry, key, value, found));
        }
        _ => {}
    }
}

/// A date holds only the mark `要記入` (`load::meta::Date::placeholder`): the caret and the
/// message take the whole value as written (`"要記入: 始まる日：YYYY-MM-DD…"`), up to its quote.
fn whole_value(diagnostic: &mut Diagnostic) -> Option<String> {
    let location = diagnostic.location.as_mut()?;
    let rest = location.source_line.get(location.span.start..)?;
    let quoted = location.source_line[..location.span.start].ends_with('"');
    let len = if quoted { rest.find('"')? } else { rest.find(" #").unwrap_or(rest.len()) };
    let written = rest[..len].trim_end();
    location.span.end = location.span.start + written.len();
    Some(written.to_owned())
}

/// The date fields (`load::meta::Date`, `Since`): their placeholder is answered with the format.
const DATES: [&str; 4] = ["date", "end", "updated", "since"];
