//! Fingerprints for incremental rebuilds: a page is rendered again only when the hash of its
//! context or of its templates changed. Since rendering is a pure function of the two, an
//! unchanged fingerprint means unchanged bytes, which is what keeps `renkei serve`'s site equal
//! to a fresh build's.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};

use xxhash_rust::xxh3::xxh3_64;

/// The hash of a JSON value as serialized (serde_json's maps are sorted, so this is stable).
///
/// Every page's context passes through here on every build. serde_json writes in fragments of a
/// few bytes, which cost a streaming hasher a call each; serialized into a buffer and hashed at
/// once with XXH3, this function took 2.6 % of an empty-folder build's CPU samples rather than
/// 3.9 % with SipHash. These hashes only decide what a rebuild may keep, so they need no keyed
/// hash.
pub(crate) fn of_json(value: &impl serde::Serialize) -> u64 {
    thread_local! {
        static BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    }
    BUFFER.with_borrow_mut(|buffer| {
        buffer.clear();
        // Writing into a Vec cannot fail; a value that cannot be serialized hashes as what was
        // written.
        let _ = serde_json::to_writer(&mut *buffer, value);
        let hash = xxh3_64(buffer);
        // A list page of every municipality has a context of megabytes: not kept for the rest
        // of the build (or of `renkei serve`).
        if buffer.capacity() > KEPT_BUFFER {
            *buffer = Vec::new();
        }
        hash
    })
}

/// The largest buffer `of_json` keeps between calls: most pages' contexts are far smaller.
const KEPT_BUFFER: usize = 1 << 20;

/// A hash of every template's name and text.
pub(crate) fn of_sources(sources: &[(String, String)]) -> u64 {
    crate::hash::of(sources)
}

/// For every template, a hash of its text and of the texts of every template it extends or
/// includes, transitively, and of every template that defines components: a change to
/// `base.html` or to a component changes the hash of every template built on it, a change to
/// `ward.html` only its own.
pub(crate) fn templates(sources: &[(String, String)]) -> HashMap<String, u64> {
    let texts: HashMap<&str, &str> =
        sources.iter().map(|(name, text)| (name.as_str(), text.as_str())).collect();
    // tera 2's components are global: any template may call one without naming its file.
    let components: Vec<&str> =
        texts.iter().filter(|(_, text)| defines_components(text)).map(|(name, _)| *name).collect();
    let mut hashes = HashMap::new();
    for name in texts.keys() {
        let mut hasher = DefaultHasher::new();
        let mut members = closure(name, &texts);
        members.extend(components.iter().copied());
        for member in &members {
            member.hash(&mut hasher);
            texts.get(member).hash(&mut hasher);
        }
        hashes.insert((*name).to_owned(), hasher.finish());
    }
    hashes
}

/// `name` and every template it extends, includes or imports, transitively.
pub(crate) fn closure<'a>(name: &'a str, texts: &HashMap<&'a str, &'a str>) -> BTreeSet<&'a str> {
    let mut closure = BTreeSet::new();
    collect(name, texts, &mut closure);
    closure
}

fn collect<'a>(name: &'a str, texts: &HashMap<&'a str, &'a str>, closure: &mut BTreeSet<&'a str>) {
    if !closure.insert(name) {
        return;
    }
    let Some(text) = texts.get(name) else { return };
    for used in references(text) {
        if let Some((&known, _)) = texts.get_key_value(used) {
            collect(known, texts, closure);
        }
    }
}

/// Whether a template has a `{% component … %}` definition.
fn defines_components(text: &str) -> bool {
    tags(text).any(|tag| tag.starts_with("component "))
}

/// The inside of every `{% … %}` tag, without the whitespace control and leading spaces.
fn tags(text: &str) -> impl Iterator<Item = &str> {
    text.split("{%").skip(1).map(|rest| {
        let end = rest.find("%}").unwrap_or(rest.len());
        rest[..end].trim_start_matches('-').trim_start()
    })
}

/// The template names quoted in `{% extends %}`, `{% include %}` and (tera 1's) `{% import %}`
/// tags.
pub(crate) fn references(text: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{%") {
        rest = &rest[start + 2..];
        let end = rest.find("%}").unwrap_or(rest.len());
        let tag = rest[..end].trim_start_matches('-').trim_start();
        if ["extends", "include", "import"].iter().any(|k| tag.starts_with(k)) {
            names.extend(quoted(tag));
        }
        rest = &rest[end..];
    }
    names
}

fn quoted(tag: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = tag;
    while let Some(open) = rest.find(['"', '\'']) {
        let quote = &rest[open..=open];
        let after = &rest[open + 1..];
        let Some(close) = after.find(quote) else { break };
        names.push(&after[..close]);
        rest = &after[close + 1..];
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_extends_include_and_import() {
        let text = r#"{% extends "base.html" %}{%- import 'macros.html' as m -%}{% include ["a.html", "b.html"] %}{{ x }}"#;
        assert_eq!(references(text), ["base.html", "macros.html", "a.html", "b.html"]);
    }

    #[test]
    fn a_component_change_reaches_every_template() {
        let sources = |component: &str| {
            vec![
                (
                    "macros.html".to_owned(),
                    format!("{{% component c() %}}{component}{{% endcomponent c %}}"),
                ),
                ("ward.html".to_owned(), "{{ <c/> }}".to_owned()),
            ]
        };
        let (before, after) = (templates(&sources("1")), templates(&sources("2")));
        assert_ne!(before.get("ward.html"), after.get("ward.html"));
        assert!(!defines_components("{{ <c/> }}{% if x %}{% endif %}"));
        assert!(defines_components("{%- component c(a) -%}{% endcomponent %}"));
    }

    #[test]
    fn a_base_change_reaches_children_only() {
        let sources = |base: &str| {
            vec![
                ("base.html".to_owned(), base.to_owned()),
                ("ward.html".to_owned(), r#"{% extends "base.html" %}"#.to_owned()),
                ("alone.html".to_owned(), "alone".to_owned()),
            ]
        };
        let (before, after) = (templates(&sources("1")), templates(&sources("2")));
        assert_ne!(before.get("ward.html"), after.get("ward.html"));
        assert_eq!(before.get("alone.html"), after.get("alone.html"));
    }
}
