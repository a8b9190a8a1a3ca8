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
use crate::msg;

use super::Site;

pub(super) fn check(site: &Site, diagnostics: &mut Diagnostics) {
    for entry in site.entries() {
        diagnostics.extend(placeholders_of(entry));
    }
}

/// A diagnostic for each top-level text of `entry`'s front matter (or text in a list) that is
/// still a placeholder.
fn placeholders_of(entry: &Entry) -> Vec<Diagnostic> {
    let fields = entry.meta.fields();
    let Some(fields) = fields.as_object() else { return Vec::new() };
    let mut found = Vec::new();
    for (key, value) in fields {
        let texts: Vec<&str> = match value {
            serde_json::Value::String(text) => vec![text],
            serde_json::Value::Array(items) => items.iter().filter_map(|i| i.as_str()).collect(),
            _ => Vec::new(),
        };
        for text in texts.into_iter().filter(|t| is_placeholder(t)) {
            found.push(
                entry
                    .error_at_value(key, text, msg!("placeholder.left", key = key, text = text))
                    .with_help(msg!("placeholder.left_help", key = key)),
            );
        }
    }
    found
}
