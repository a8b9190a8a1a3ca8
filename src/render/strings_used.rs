//! Which interface strings (`t.<key>`) each template can show. Every page's context used to get
//! a copy of all of `t` (over a hundred strings) although a page shows a dozen; tera offers no
//! way to share values between contexts, so pages now get the keys their template needs.

use std::collections::{BTreeSet, HashMap};

/// The keys of `t` a template shows, or `None` when it uses `t` as a whole (`t[key]`, `t`
/// passed to a macro, looped over, or the context dumped): then its pages get all of `t`.
pub(crate) type Keys = Option<BTreeSet<String>>;

/// For every template, the keys of `t` that it and every template it extends, includes or
/// imports use.
pub(crate) fn per_template(sources: &[(String, String)]) -> HashMap<String, Keys> {
    let own: HashMap<&str, Keys> =
        sources.iter().map(|(name, text)| (name.as_str(), keys_in(text))).collect();
    let texts: HashMap<&str, &str> =
        sources.iter().map(|(name, text)| (name.as_str(), text.as_str())).collect();
    own.keys()
        .map(|&name| {
            let mut keys = Some(BTreeSet::new());
            for member in super::fingerprint::closure(name, &texts) {
                keys = match (keys, own.get(member)) {
                    (Some(mut all), Some(Some(more))) => {
                        all.extend(more.iter().cloned());
                        Some(all)
                    }
                    (keys, None) => keys,
                    _ => None,
                };
            }
            (name.to_owned(), keys)
        })
        .collect()
}

/// The keys of `t` in the tags of one template, outside macro definitions: a macro sees only
/// its arguments, so a `t` there is an argument, not the page's strings.
fn keys_in(text: &str) -> Keys {
    let mut keys = BTreeSet::new();
    let mut in_macro = false;
    for (kind, inside) in tags(text) {
        let words = inside.trim_matches('-').trim();
        if kind == '%' && words.starts_with("macro ") {
            in_macro = true;
        } else if kind == '%' && words.starts_with("endmacro") {
            in_macro = false;
        } else if !in_macro {
            if inside.contains("__tera_context") {
                return None;
            }
            for key in uses_of_t(inside) {
                keys.insert(key?.to_owned());
            }
        }
    }
    Some(keys)
}

/// The `{{ … }}` and `{% … %}` tags of a template, with what is between their delimiters;
/// comments are left out.
fn tags(text: &str) -> impl Iterator<Item = (char, &str)> {
    let mut rest = text;
    std::iter::from_fn(move || {
        loop {
            let start = rest.find('{')?;
            let kind = rest[start + 1..].chars().next()?;
            let close = match kind {
                '{' => "}}",
                '%' => "%}",
                '#' => "#}",
                _ => {
                    rest = &rest[start + 1..];
                    continue;
                }
            };
            let body = &rest[start + 2..];
            let end = body.find(close).unwrap_or(body.len());
            rest = &body[(end + close.len()).min(body.len())..];
            if kind != '#' {
                return Some((kind, &body[..end]));
            }
        }
    })
}

/// Each use of the variable `t` in an expression: `Some(key)` for `t.key`, `None` for any other
/// use. Words inside string literals are not variables.
fn uses_of_t(expression: &str) -> Vec<Option<&str>> {
    let bytes = expression.as_bytes();
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut uses = Vec::new();
    let mut quote = None;
    for (i, &b) in bytes.iter().enumerate() {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if matches!(b, b'"' | b'\'' | b'`') => quote = Some(b),
            None => {
                let starts_word = i == 0 || !(is_word(bytes[i - 1]) || bytes[i - 1] == b'.');
                let ends_word = bytes.get(i + 1).is_none_or(|&next| !is_word(next));
                if b == b't' && starts_word && ends_word {
                    uses.push(key_after(&expression[i + 1..]));
                }
            }
        }
    }
    uses
}

/// `key` of `.key…` right after `t`, if that is what follows.
fn key_after(rest: &str) -> Option<&str> {
    let after_dot = rest.strip_prefix('.')?;
    let len = after_dot.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_').count();
    (len > 0).then(|| &after_dot[..len])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Keys {
        keys_in(text)
    }

    fn set(keys: &[&str]) -> Keys {
        Some(keys.iter().map(|k| (*k).to_owned()).collect())
    }

    #[test]
    fn finds_the_keys_of_t_in_tags_only() {
        let text = "<p>t.not_a_tag</p>{{ t.home }} {% if x %}{{ t.next | upper }}{% endif %}\
                    {# t.in_comment #}{{ art.t }}{{ \"t.quoted\" }}{{ text }}";
        assert_eq!(keys(text), set(&["home", "next"]));
    }

    #[test]
    fn any_other_use_of_t_means_all_of_it() {
        assert_eq!(keys("{{ m::s(t=t, key=\"a\") }}"), None);
        assert_eq!(keys("{{ t[name] }}"), None);
        assert_eq!(keys("{% for k, v in t %}{% endfor %}"), None);
        assert_eq!(keys("{{ __tera_context }}"), None);
    }

    #[test]
    fn macro_bodies_see_their_arguments_not_the_context() {
        let text = "{% macro s(t, key) -%}{{ t[key] }}{%- endmacro s %}{{ t.after }}";
        assert_eq!(keys(text), set(&["after"]));
    }

    #[test]
    fn a_template_gets_the_keys_of_what_it_is_built_on() {
        let sources = [
            ("base.html".to_owned(), "{{ t.home }}{% block content %}{% endblock %}".to_owned()),
            ("page.html".to_owned(), "{% extends \"base.html\" %}{{ t.next }}".to_owned()),
            ("all.html".to_owned(), "{% extends \"base.html\" %}{{ t[x] }}".to_owned()),
        ];
        let keys = per_template(&sources);
        assert_eq!(keys["page.html"], set(&["home", "next"]));
        assert_eq!(keys["base.html"], set(&["home"]));
        assert_eq!(keys["all.html"], None);
    }
}
