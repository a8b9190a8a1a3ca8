//! The catalogues agree with each other and with the code: every key in both languages with
//! the same placeholders, every `msg!` of src/ names a key that exists with the values it needs,
//! and no diagnostic is made from an untranslated literal.

use std::path::{Path, PathBuf};

use super::*;

fn both() -> (Catalogue, Catalogue) {
    let ja = parse_catalogue(JA).unwrap_or_else(|e| panic!("ja.toml: {e}"));
    let en = parse_catalogue(EN).unwrap_or_else(|e| panic!("en.toml: {e}"));
    (ja, en)
}

#[test]
fn catalogues_have_the_same_keys_and_placeholders() {
    let (ja, en) = both();
    let mut problems = Vec::new();
    for (key, text) in &ja {
        match en.get(key) {
            None => problems.push(format!("`{key}` is in ja.toml only")),
            Some(english) if placeholders(english) != placeholders(text) => problems.push(format!(
                "`{key}`: ja has {:?}, en has {:?}",
                placeholders(text),
                placeholders(english)
            )),
            Some(_) => {}
        }
    }
    problems.extend(
        en.keys().filter(|k| !ja.contains_key(*k)).map(|k| format!("`{k}` is in en.toml only")),
    );
    problems.sort();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(ja.len() > 50, "{} messages", ja.len());
}

#[test]
fn a_message_renders_in_each_language_and_keeps_user_values() {
    let text = crate::msg!("test.unknown_ward", ward = "chiyodda");
    assert_eq!(text.render(Lang::En), "unknown ward `chiyodda`");
    assert_eq!(text.render(Lang::Ja), "区 `chiyodda` は存在しません");
    assert_eq!(text.to_string(), "unknown ward `chiyodda`");
    let nested =
        crate::msg!("test.did_you_mean", value = crate::msg!("test.unknown_ward", ward = "x"));
    assert!(nested.render(Lang::Ja).contains("区 `x`"), "{}", nested.render(Lang::Ja));
    let raw = Text::from("as written".to_owned());
    assert_eq!(raw.render(Lang::Ja), "as written");
    assert!(!raw.is_translated() && text.is_translated());
}

#[test]
fn placeholders_are_filled_and_braces_kept() {
    let filled =
        fill("{a} and {b} {not a placeholder} {", |name| (name == "a").then(|| "1".to_owned()));
    assert_eq!(filled, "1 and {b} {not a placeholder} {");
}

#[test]
fn the_language_is_chosen_flag_site_locale_then_japanese() {
    assert_eq!(Lang::choose(Some(Lang::En), Some(Lang::Ja), Some(Lang::Ja)), Lang::En);
    assert_eq!(Lang::choose(None, Some(Lang::En), Some(Lang::Ja)), Lang::En);
    assert_eq!(Lang::choose(None, None, Some(Lang::En)), Lang::En);
    assert_eq!(Lang::choose(None, None, None), Lang::Ja);
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v).to_owned())
    };
    assert_eq!(Lang::from_locale(env(&[("LANG", "ja_JP.UTF-8")])), Some(Lang::Ja));
    assert_eq!(Lang::from_locale(env(&[("LANG", "ja_JP.UTF-8"), ("LC_ALL", "C")])), Some(Lang::En));
    assert_eq!(Lang::from_locale(env(&[("LC_ALL", ""), ("LANG", "ja")])), Some(Lang::Ja));
    assert_eq!(Lang::from_locale(env(&[])), None);
}

/// The Rust files of src/, without their `#[cfg(test)]` modules.
fn sources() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(&root).into_iter().flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") || path.ends_with("messages/tests.rs") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(path) else { continue };
        let text = match text.find("#[cfg(test)]\nmod tests") {
            Some(end) => text[..end].to_owned(),
            None => text,
        };
        files.push((path.strip_prefix(&root).unwrap_or(path).to_path_buf(), text));
    }
    files.sort();
    files
}

/// The arguments of the call whose `(` is at `open`, split at top-level commas.
fn call_args(text: &str, open: usize) -> Vec<String> {
    let mut args = vec![String::new()];
    let mut depth = 0;
    let mut in_string = false;
    let mut escaped = false;
    for c in text[open..].chars() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
        } else {
            match c {
                '"' => in_string = true,
                '(' | '[' | '{' => {
                    depth += 1;
                    if depth == 1 {
                        continue;
                    }
                }
                ')' | ']' | '}' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                ',' if depth == 1 => {
                    args.push(String::new());
                    continue;
                }
                _ => {}
            }
        }
        if let Some(arg) = args.last_mut() {
            arg.push(c);
        }
    }
    args.into_iter().map(|a| a.trim().to_owned()).filter(|a| !a.is_empty()).collect()
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset].matches('\n').count() + 1
}

#[test]
fn every_message_of_the_code_is_in_the_catalogue_with_its_values() {
    let (ja, _) = both();
    let mut problems = Vec::new();
    for (path, text) in sources() {
        for (offset, _) in text.match_indices("msg!(") {
            let args = call_args(&text, offset + 4);
            let Some(key) = args.first().and_then(|k| k.strip_prefix('"')?.strip_suffix('"'))
            else {
                continue;
            };
            let place = format!("{}:{}", path.display(), line_of(&text, offset));
            let Some(template) = ja.get(key) else {
                problems.push(format!("{place}: `{key}` is not in the catalogue"));
                continue;
            };
            let mut given: Vec<String> = args[1..]
                .iter()
                .filter_map(|a| a.split_once('=').map(|(name, _)| name.trim().to_owned()))
                .collect();
            given.sort();
            if given != placeholders(template) {
                problems.push(format!(
                    "{place}: `{key}` is given {given:?}, its text has {:?}",
                    placeholders(template)
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The calls that make a diagnostic's text, and which of their arguments is the text.
const MESSAGE_ARGUMENTS: [(&str, usize); 5] = [
    ("Diagnostic::new(", 1),
    (".with_help(", 0),
    ("error_at_value(", 2),
    ("error_in_body(", 1),
    ("Diagnostic::warning(", 1),
];

/// Every diagnostic of src/ made from a literal (`"…"`, `format!(…)`) rather than from the
/// catalogue (`msg!`): what is left to translate, listed by place.
fn untranslated() -> Vec<String> {
    let mut left = Vec::new();
    for (path, text) in sources() {
        if path.starts_with("messages") || path == Path::new("diag.rs") {
            continue;
        }
        for (call, index) in MESSAGE_ARGUMENTS {
            for (offset, _) in text.match_indices(call) {
                if text[..offset].ends_with("fn ") {
                    continue;
                }
                let args = call_args(&text, offset + call.len() - 1);
                let Some(arg) = args.get(index) else { continue };
                let literal = arg.starts_with('"')
                    || arg.starts_with("format!")
                    || arg.starts_with("&format!")
                    || arg.ends_with(".to_owned()") && arg.starts_with('"');
                if literal {
                    let first_line = arg.lines().next().unwrap_or_default();
                    left.push(format!(
                        "{}:{}: {first_line}",
                        path.display(),
                        line_of(&text, offset)
                    ));
                }
            }
        }
    }
    left
}

#[test]
fn no_untranslated_messages() {
    let left = untranslated();
    assert!(
        left.is_empty(),
        "{} diagnostic text(s) in src/ are literals, not catalogue messages (msg!): add them to \
         src/messages/ja.toml and en.toml\n{}",
        left.len(),
        left.join("\n")
    );
}
