//! The typing slips of a Japanese keyboard in front matter, found where YAML saw only an error:
//! a full-width colon `venue：荒川区`, no space after the colon `venue:荒川区`, a full-width space
//! after it `venue:　荒川区` or in the indentation, a tab in the indentation, and Markdown text
//! in the front matter because its closing `---` is missing.
//!
//! The YAML parser reports these as something else, at another place (`unknown field `　- ward``,
//! "could not find expected ':'" on the next line, or at the closing `---`). They are looked for
//! only after the parser failed, so a valid file (`title: 会議：第1回`) is never questioned.

use crate::diag::Location;
use crate::messages::Text;
use crate::msg;

/// A slip: where, what is wrong, what to type instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slip {
    pub location: Location,
    pub message: Text,
    pub label: Text,
    pub help: Text,
}

const FULL_WIDTH_SPACE: char = '\u{3000}';
const FULL_WIDTH_COLON: char = '：';

/// The first slip of `yaml` (whose first line is line `first_line` of the file).
pub fn find(yaml: &str, first_line: usize) -> Option<Slip> {
    let mut offset = 0;
    let mut block_indent: Option<usize> = None;
    let mut block_text = false;
    let mut key_seen = false;
    for line in yaml.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let line = line.trim_end_matches(['\n', '\r']);
        let indent = line.len() - line.trim_start_matches(' ').len();
        // The lines of a block text (`description: |`) are text, not fields.
        if let Some(block) = block_indent {
            if line.trim().is_empty() || indent > block {
                block_text |= !line.trim().is_empty();
                continue;
            }
            block_indent = None;
            if !block_text && looks_like_body(line.trim_start_matches(' ')) {
                return Some(unindented_block(yaml, start, line, block, first_line));
            }
        }
        if let Some(slip) = indentation_slip(yaml, start, line, first_line) {
            return Some(slip);
        }
        let trimmed = line.trim_start_matches(' ');
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let item = trimmed.strip_prefix("- ").map_or(trimmed, str::trim_start);
        let item_start = start + (line.len() - item.len());
        if let Some(slip) = colon_slip(yaml, item_start, item, first_line) {
            return Some(slip);
        }
        if indent == 0 && key_seen && looks_like_body(trimmed) {
            if forgot_colon(trimmed, &yaml[offset..]) {
                continue;
            }
            return Some(unclosed(yaml, start, first_line));
        }
        if key_of(item).is_some() {
            key_seen = true;
        }
        let value = item.split_once(':').map(|(_, v)| v.trim());
        if value.is_some_and(|v| v.starts_with(['|', '>'])) {
            block_indent = Some(indent);
            block_text = false;
        }
    }
    None
}

/// `summary: |` followed by its text at the left margin: the text of a block is indented.
fn unindented_block(yaml: &str, start: usize, line: &str, block: usize, first_line: usize) -> Slip {
    let mut location = Location::from_offset(yaml, start, line.len(), first_line);
    location.span = 0..location.source_line.len();
    let fixed = format!("{}{}", " ".repeat(block + 2), line.trim());
    Slip {
        location,
        message: msg!("slip.block_unindented"),
        label: msg!("slip.block_unindented_label"),
        help: msg!("slip.block_unindented_help", line = fixed),
    }
}

/// A tab or a full-width space among the spaces that begin `line`.
fn indentation_slip(yaml: &str, start: usize, line: &str, first_line: usize) -> Option<Slip> {
    let lead = line.len() - line.trim_start_matches([' ', '\t', FULL_WIDTH_SPACE]).len();
    let (at, c) = line[..lead].char_indices().find(|(_, c)| *c != ' ')?;
    let location = Location::from_offset(yaml, start + at, c.len_utf8(), first_line);
    // A full-width space is as wide as two half-width ones, and so is the tab an editor meant.
    let spaces: String = line[..lead].chars().map(|c| if c == ' ' { " " } else { "  " }).collect();
    let fixed = format!("{spaces}{}", &line[lead..]).trim_end().to_owned();
    let slip = if c == '\t' {
        Slip {
            location,
            message: msg!("slip.tab_indent"),
            label: msg!("slip.tab_label"),
            help: msg!("slip.tab_help", line = fixed),
        }
    } else {
        Slip {
            location,
            message: msg!("slip.full_width_indent"),
            label: msg!("slip.full_width_space_label"),
            help: msg!("slip.full_width_indent_help", line = fixed),
        }
    };
    Some(slip)
}

/// `key：value`, `key:value`, `key:　value` at the start of `item` (a line without its
/// indentation and list dash).
fn colon_slip(yaml: &str, item_start: usize, item: &str, first_line: usize) -> Option<Slip> {
    let key_len = item.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))?;
    if key_len == 0 || !item.as_bytes()[0].is_ascii_alphabetic() {
        return None;
    }
    let key = &item[..key_len];
    let after_key = &item[key_len..];
    let spaces = after_key.len() - after_key.trim_start_matches([' ', FULL_WIDTH_SPACE]).len();
    let rest = &after_key[spaces..];
    let at = |offset: usize, len: usize| {
        Location::from_offset(yaml, item_start + offset, len, first_line)
    };
    if let Some(value) = rest.strip_prefix(FULL_WIDTH_COLON) {
        let value = value.trim_start_matches([' ', FULL_WIDTH_SPACE]);
        return Some(Slip {
            location: at(key_len + spaces, FULL_WIDTH_COLON.len_utf8()),
            message: msg!("slip.full_width_colon"),
            label: msg!("slip.full_width_colon_label"),
            help: msg!("slip.full_width_colon_help", line = fixed(key, value)),
        });
    }
    let value = rest.strip_prefix(':').filter(|_| spaces == 0)?;
    let colon = key_len;
    if let Some(after) = value.strip_prefix(FULL_WIDTH_SPACE) {
        let value = after.trim_start_matches([' ', FULL_WIDTH_SPACE]);
        return Some(Slip {
            location: at(colon + 1, FULL_WIDTH_SPACE.len_utf8()),
            message: msg!("slip.full_width_space"),
            label: msg!("slip.full_width_space_label"),
            help: msg!("slip.full_width_space_help", line = fixed(key, value)),
        });
    }
    let next = value.chars().next()?;
    // `key:value`: a URL's `https://` or a time's `10:00` is a value, never a key; only a key
    // followed by its colon and more text without a space is a slip.
    if next == ' ' || next == '\t' || next == '#' || value.starts_with("//") {
        return None;
    }
    Some(Slip {
        location: at(colon, 1 + next.len_utf8()),
        message: msg!("slip.no_space"),
        label: msg!("slip.no_space_label"),
        help: msg!("slip.no_space_help", line = fixed(key, value)),
    })
}

/// `key: value` as it should be written.
fn fixed(key: &str, value: &str) -> String {
    if value.is_empty() { format!("{key}:") } else { format!("{key}: {value}") }
}

/// The key of `key: value` or `key:` (an ASCII name, its colon, then a space or the end).
fn key_of(item: &str) -> Option<&str> {
    let (key, rest) = item.split_once(':')?;
    let is_key = !key.is_empty()
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && (rest.is_empty() || rest.starts_with([' ', '\t']));
    is_key.then_some(key)
}

/// A line at the left margin that is no field, list item or comment: Markdown text. (A field
/// written with `：` was taken for a slip before.)
fn looks_like_body(line: &str) -> bool {
    !line.starts_with(['-', '#', '"', '\'', '[', '{', '&', '*', '!', '|', '>'])
        && !line.contains(": ")
        && !line.trim_end().ends_with(':')
}

/// `venue 荒川区` followed by another field (or by nothing): a field without its colon, not the
/// body (which `syntax` explains); a heading or a sentence is followed by more text.
fn forgot_colon(line: &str, after: &str) -> bool {
    if super::syntax::missing_colon_fix(line).is_none() {
        return false;
    }
    match after.lines().find(|l| !l.trim().is_empty()) {
        None => true,
        Some(next) => !next.starts_with([' ', '\t']) && key_of(next.trim_end()).is_some(),
    }
}

/// The front matter runs into the body: its closing `---` is missing before the body line that
/// starts at `start`. Points there, not at a later `---` of the body that closed it instead.
fn unclosed(yaml: &str, start: usize, first_line: usize) -> Slip {
    // The body begins after the last field: step back over blank lines and Markdown headings
    // (`# 見出し`, which YAML reads as comments).
    let mut body_start = start;
    for line in yaml[..start].split_inclusive('\n').rev() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            body_start -= line.len();
        } else {
            break;
        }
    }
    let mut location = Location::from_offset(yaml, body_start, 0, first_line);
    // Point at the first line with text (the heading), not at a blank line before it.
    if location.source_line.trim().is_empty() {
        let skip = yaml[body_start..start]
            .split_inclusive('\n')
            .take_while(|l| l.trim().is_empty())
            .map(str::len)
            .sum::<usize>();
        location = Location::from_offset(yaml, body_start + skip, 0, first_line);
    }
    location.span = 0..location.source_line.len();
    let line = location.line;
    Slip {
        location,
        message: msg!("slip.unclosed"),
        label: msg!("slip.unclosed_label"),
        help: msg!("slip.unclosed_help", line = line),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slip(yaml: &str) -> Option<(usize, usize, String, Option<&'static str>)> {
        find(yaml, 2).map(|s| {
            let text = s.location.source_line[s.location.span.clone()].to_owned();
            (s.location.line, s.location.column, text, s.message.key_id())
        })
    }

    #[test]
    fn finds_each_slip_at_its_place() {
        let full_colon = slip("title: x\nvenue：荒川区\n");
        assert_eq!(full_colon, Some((3, 6, "：".to_owned(), Some("slip.full_width_colon"))));
        let no_space = slip("title: x\nvenue:荒川区\n");
        assert_eq!(no_space, Some((3, 6, ":荒".to_owned(), Some("slip.no_space"))));
        let wide_space = slip("title: x\nvenue:　荒川区\n");
        assert_eq!(wide_space, Some((3, 7, "　".to_owned(), Some("slip.full_width_space"))));
        let wide_indent = slip("partners:\n　- ward: arakawa\n");
        assert_eq!(wide_indent, Some((3, 1, "　".to_owned(), Some("slip.full_width_indent"))));
        let tab = slip("partners:\n\t- ward: arakawa\n");
        assert_eq!(tab, Some((3, 1, "\t".to_owned(), Some("slip.tab_indent"))));
    }

    #[test]
    fn valid_text_is_no_slip() {
        assert_eq!(slip("title: 会議：第1回\nwebsite: https://example.jp/\ntime: '10:00'\n"), None);
        assert_eq!(slip("description: |\n  注意：雨天中止\n  venue:荒川区\n"), None);
        assert_eq!(slip("wards:\n  - chiyoda\n"), None);
    }

    #[test]
    fn the_help_gives_the_line_to_type() {
        let help = find("venue：荒川区\n", 2).map(|s| s.help.render(crate::messages::Lang::En));
        assert!(help.is_some_and(|h| h.contains("`venue: 荒川区`")));
    }

    #[test]
    fn an_indentation_slip_gives_the_line_with_two_spaces() {
        for yaml in ["wards:\n\t- arakawa\n", "wards:\n\u{3000}- arakawa\n"] {
            let help = find(yaml, 2).map(|s| s.help.render(crate::messages::Lang::En));
            assert!(help.as_ref().is_some_and(|h| h.contains("`  - arakawa`")), "{help:?}");
        }
    }

    #[test]
    fn the_text_of_a_block_at_the_left_margin() {
        let found = slip("title: x\nsummary: |\n港区民限定のツアー\n");
        assert_eq!(
            found,
            Some((4, 1, "港区民限定のツアー".to_owned(), Some("slip.block_unindented")))
        );
        assert_eq!(slip("summary: |\n  港区民限定\ntitle: x\n"), None);
        assert_eq!(slip("summary: >\ntitle: x\n"), None);
    }

    #[test]
    fn a_field_without_its_colon_is_not_taken_for_the_body() {
        assert_eq!(slip("title: x\nvenue 荒川区\nwards: [arakawa]\n"), None);
        assert_eq!(slip("title: x\nvenue 荒川区\n"), None);
        let body = slip("title: x\nPR イベントのお知らせ\n\n本文です。\n");
        assert_eq!(body.map(|s| s.3), Some(Some("slip.unclosed")));
    }

    #[test]
    fn a_body_in_the_front_matter_is_found_where_it_begins() {
        let yaml = "title: x\ndate: 2027-01-16\n\n# 見出し\n本文です。\n";
        assert_eq!(slip(yaml), Some((5, 1, "# 見出し".to_owned(), Some("slip.unclosed"))));
    }
}
