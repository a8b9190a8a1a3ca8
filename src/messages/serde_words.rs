//! serde's English about data of the wrong shape, in the catalogue's words: the same messages
//! come from the front matter (serde_yaml) and from site.toml (toml), which name a missing or
//! unknown field and a wrong type alike.

use crate::diag::{nearest, quoted_list};
use crate::messages::Text;

/// serde's message `raw` (`missing field `title``, `unknown field `titel`, expected …`,
/// `invalid type: string "many", expected u32`) as a catalogue message, and the nearest valid
/// field name as help for an unknown one; `None` for any other message.
pub fn explain(raw: &str) -> Option<(Text, Option<Text>)> {
    if let Some((field, rest)) = invalid_type(raw) {
        return Some(wrong_type(field, rest));
    }
    let raw = without_path(raw);
    if let Some(field) = raw.strip_prefix("missing field `").and_then(|f| f.strip_suffix('`')) {
        return Some((msg!("front_matter.missing_field", field = field), None));
    }
    if let Some(rest) = raw.strip_prefix("unknown field `") {
        let (field, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let valid: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        let help = match nearest(field, valid.iter().copied()) {
            Some(best) => msg!("diag.did_you_mean", value = best),
            None => msg!("front_matter.fields_are", fields = quoted_list(&valid)),
        };
        return Some((msg!("front_matter.unknown_field", field = field), Some(help)));
    }
    None
}

/// `invalid type: …` of `field` (when named): what was expected and what was found.
fn wrong_type(field: Option<&str>, rest: &str) -> (Text, Option<Text>) {
    let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
    // A count (`capacity`): not negative, no decimal point.
    let count = expected.starts_with('u') && is_number_type(expected);
    let help = count.then(|| msg!("front_matter.whole_number_help"));
    let (found, expected) = (found_words(found), expected_words(expected));
    let message = match field {
        Some(field) => {
            msg!("front_matter.invalid_type_of", field = field, found = found, expected = expected)
        }
        None => msg!("front_matter.invalid_type", found = found, expected = expected),
    };
    (message, help)
}

/// `partners[0]: missing field `ward``: serde_yaml names the place of a nested field before its
/// message; the place is shown apart (the caret), so the message alone is explained.
pub fn without_path(raw: &str) -> &str {
    match raw.split_once(": ") {
        Some((path, rest)) if is_path(path) => rest,
        _ => raw,
    }
}

fn is_path(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || "_-.[]".contains(c))
}

/// `invalid type: …`, or `capacity: invalid type: …` as serde_yaml writes it for a field: the
/// field (when named) and what follows `invalid type: `.
fn invalid_type(raw: &str) -> Option<(Option<&str>, &str)> {
    // `invalid value` is serde's word for a number out of range (`-5` for a count).
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = raw.strip_prefix(prefix) {
            return Some((None, rest));
        }
    }
    let (field, rest) =
        raw.split_once(": invalid type: ").or_else(|| raw.split_once(": invalid value: "))?;
    is_path(field).then_some((Some(field), rest))
}

/// serde's name of what was found (`a sequence`, `string "x"`) in plain words.
fn found_words(found: &str) -> Text {
    if let Some(text) = found.strip_prefix("string ") {
        return msg!("front_matter.found_text", value = text.to_owned());
    }
    match found {
        "sequence" => msg!("front_matter.a_list"),
        "map" => msg!("front_matter.a_mapping"),
        "unit value" => msg!("front_matter.nothing"),
        _ => match found
            .strip_prefix("floating point ")
            .map_or(found.split_once(' '), |v| Some(("floating", v)))
        {
            Some(("integer" | "floating", value)) => {
                msg!("front_matter.found_number", value = value.to_owned())
            }
            Some(("boolean", value)) => msg!("front_matter.found_text", value = value.to_owned()),
            _ => Text::from(found),
        },
    }
}

/// serde's name of what was expected (`a sequence`, `struct Event`) in plain words.
fn expected_words(expected: &str) -> Text {
    match expected {
        "a sequence" => msg!("front_matter.a_list"),
        "a string" | "a text or a number" => msg!("front_matter.a_text"),
        "a boolean" => msg!("front_matter.a_boolean"),
        _ if expected.starts_with("struct ") || expected == "a map" => {
            msg!("front_matter.a_mapping")
        }
        _ if expected.contains("integer") || is_number_type(expected) => {
            msg!("front_matter.a_number")
        }
        _ => Text::from(expected),
    }
}

/// Rust's names of number types (`u32`, `i64`, `f64`), which serde gives as the expected type.
fn is_number_type(name: &str) -> bool {
    let digits = name.strip_prefix(['u', 'i', 'f']).unwrap_or_default();
    !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) || name == "usize"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::Lang;

    #[test]
    fn a_wrong_type_names_its_field_in_plain_words() {
        let explained = explain("capacity: invalid type: string \"many\", expected u32");
        let Some((message, help)) = explained else { panic!("not explained") };
        assert_eq!(message.key_id(), Some("front_matter.invalid_type_of"));
        assert_eq!(message.render(Lang::En), "`capacity` must be a number, not the text \"many\"");
        assert!(help.is_some_and(|h| h.key_id() == Some("front_matter.whole_number_help")));
        let negative = explain("capacity: invalid value: integer `-5`, expected u32");
        let negative = negative.map(|(m, h)| (m.render(Lang::Ja), h.map(|h| h.render(Lang::Ja))));
        assert_eq!(
            negative,
            Some((
                "`capacity` には数を書きます。数 `-5` が書かれています".to_owned(),
                Some("0 以上の整数（小数点なし）で書いてください".to_owned())
            ))
        );
        let decimal = explain("capacity: invalid type: floating point `1.5`, expected u32");
        let decimal = decimal.map(|(m, _)| m.render(Lang::En));
        assert_eq!(decimal.as_deref(), Some("`capacity` must be a number, not the number `1.5`"));
        let listed = explain("draft: invalid type: string \"はい\", expected a boolean");
        let listed = listed.map(|(m, h)| (m.render(Lang::Ja), h.is_none()));
        assert_eq!(
            listed,
            Some((
                "`draft` には「true」か「false」を書きます。文字 \"はい\" が書かれています"
                    .to_owned(),
                true
            ))
        );
    }

    #[test]
    fn a_nested_field_is_explained_without_its_path() {
        let missing = explain("partners[0]: missing field `ward`").map(|(m, _)| m.render(Lang::Ja));
        assert_eq!(missing.as_deref(), Some("項目 `ward` がありません"));
        let unknown = explain("partners[0]: unknown field `wrd`, expected `ward` or `since`");
        let help = unknown.and_then(|(_, help)| help).map(|h| h.render(Lang::En));
        assert_eq!(help.as_deref(), Some("did you mean `ward`?"));
    }

    #[test]
    fn site_toml_s_messages_are_explained_too() {
        let typed = explain("invalid type: string \"十\", expected usize").map(|(m, _)| m);
        assert_eq!(
            typed.map(|m| m.render(Lang::Ja)).as_deref(),
            Some("ここには数を書きます。文字 \"十\" が書かれています")
        );
        let unknown = explain("unknown field `titel`, expected `title` or `description`");
        let help = unknown.and_then(|(_, help)| help).map(|h| h.render(Lang::Ja));
        assert_eq!(help.as_deref(), Some("`title` のことですか？"));
        assert!(explain("expected `=`").is_none());
    }
}
