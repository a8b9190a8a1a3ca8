//! Front matter: splits a file into its YAML header and Markdown body, and parses the header into
//! the collection's typed `Meta`. The only user of the YAML parser, so that replacing
//! serde_yaml (archived upstream) touches this file alone.

use serde::de::DeserializeOwned;

use super::Collection;
use super::meta::{Date, Meta};
use super::{slips, syntax};
use crate::diag::Location;
use crate::messages::{Text, serde_words};
use crate::msg;

/// A file cut at its front matter fences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the fences.
    pub yaml: &'a str,
    /// The 1-based line of the file where `yaml` starts.
    pub yaml_line: usize,
    /// Everything after the closing fence.
    pub body: &'a str,
    /// Byte offset of `body` in the file.
    pub body_offset: usize,
    /// The 1-based line of the file where `body` starts.
    pub body_line: usize,
}

/// Why a file could not be split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SplitError {
    /// The file does not begin with a `---` line.
    Missing,
    /// The opening `---` has no closing one.
    Unterminated,
}

/// Cuts `text` (without a byte-order mark) at its `---` fences. Accepts `\r\n` line endings.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let first_line_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if text[..first_line_end].trim_end() != "---" {
        return Err(SplitError::Missing);
    }
    let mut offset = first_line_end;
    let mut line = 2;
    while offset < text.len() {
        let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i + 1);
        if text[offset..end].trim_end() == "---" {
            return Ok(Split {
                yaml: &text[first_line_end..offset],
                yaml_line: 2,
                body: &text[end..],
                body_offset: end,
                body_line: line + 1,
            });
        }
        offset = end;
        line += 1;
    }
    Err(SplitError::Unterminated)
}

/// A YAML problem, located in the file, in words an editor understands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub message: Text,
    pub label: Option<Text>,
    pub help: Option<Text>,
    pub location: Option<Location>,
}

/// Parses `split.yaml` as the front matter of `collection` (`section`: an `_index.md` text).
pub fn parse(split: &Split<'_>, collection: Collection, section: bool) -> Result<Meta, YamlError> {
    if section {
        return typed(split).map(Meta::Page);
    }
    match collection {
        Collection::Wards => typed(split).map(Meta::Ward),
        Collection::Prefectures => typed(split).map(Meta::Prefecture),
        Collection::Municipalities => typed(split).map(Meta::Municipality),
        Collection::Events => typed(split).map(Meta::Event),
        Collection::Exhibits => typed(split).map(Meta::Exhibit),
        Collection::News => typed(split).map(Meta::News),
        Collection::Facilities => typed(split).map(Meta::Facility),
        Collection::Agreements => typed(split).map(Meta::Agreement),
        Collection::Meetings => typed(split).map(Meta::Meeting),
        Collection::Partners => typed(split).map(Meta::PartnerOrg),
        Collection::Pages => typed(split).map(Meta::Page),
    }
}

fn typed<T: DeserializeOwned>(split: &Split<'_>) -> Result<T, YamlError> {
    // An empty header is an empty mapping, so that the message names the missing field.
    let yaml = if split.yaml.trim().is_empty() { "{}" } else { split.yaml };
    serde_yaml::from_str(yaml).map_err(|error| yaml_error(split, &error))
}

fn yaml_error(split: &Split<'_>, error: &serde_yaml::Error) -> YamlError {
    if let Some(slip) = slips::find(split.yaml, split.yaml_line) {
        return YamlError {
            message: slip.message,
            label: Some(slip.label),
            help: Some(slip.help),
            location: Some(slip.location),
        };
    }
    let index = error.location().map(|at| at.index());
    if let Some(explained) =
        index.and_then(|i| syntax::swallowed_by_list(split.yaml, split.yaml_line, i))
    {
        return YamlError {
            message: explained.message,
            label: explained.label,
            help: explained.help,
            location: Some(explained.location),
        };
    }
    let full = error.to_string();
    let raw = clean_message(&full);
    if let Some(duplicate) = duplicate_field(split, &raw) {
        return duplicate;
    }
    let location = quoted_value_location(split, &raw).or_else(|| parser_location(split, error));
    if let Some((message, help)) = explain(&raw) {
        return YamlError { message, label: None, help, location };
    }
    if let Some(explained) = syntax::explain(split.yaml, split.yaml_line, &full, index) {
        return YamlError {
            message: explained.message,
            label: explained.label,
            help: explained.help,
            location: Some(explained.location),
        };
    }
    // The last resort: a parser error none of the above knows, in the parser's English words.
    YamlError {
        message: msg!("front_matter.syntax", detail = raw),
        label: None,
        help: Some(msg!("front_matter.syntax_help")),
        location,
    }
}

/// Where serde_yaml places its error, moved off the closing `---` and widened to a word.
fn parser_location(split: &Split<'_>, error: &serde_yaml::Error) -> Option<Location> {
    error.location().map(|at| {
        let mut location = Location::from_offset(
            split.yaml,
            within_last_line(split.yaml, at.index()),
            1,
            split.yaml_line,
        );
        widen_to_token(&mut location);
        location
    })
}

/// `duplicate field `title``: serde names the field, not the place; the second time it is
/// written (in the same mapping) is the place, the first one's line is the help.
fn duplicate_field(split: &Split<'_>, raw: &str) -> Option<YamlError> {
    let field = raw.strip_prefix("duplicate field `")?.strip_suffix('`')?;
    let (first, second) = twice_written(split.yaml, field)?;
    let first_line = split.yaml_line + split.yaml[..first].matches('\n').count();
    Some(YamlError {
        message: msg!("front_matter.duplicate_field", field = field),
        label: None,
        help: Some(msg!("front_matter.duplicate_field_help", line = first_line)),
        location: Some(Location::from_offset(split.yaml, second, field.len(), split.yaml_line)),
    })
}

/// The offsets of `key` written twice in one mapping: at the same indentation, the second not
/// beginning a new list item, and no line between them outside that mapping.
fn twice_written(yaml: &str, key: &str) -> Option<(usize, usize)> {
    let mut first: Option<(usize, usize)> = None;
    let mut offset = 0;
    for line in yaml.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_start_matches(' ');
        let indent = line.len() - content.len();
        let item = content.strip_prefix("- ");
        let rest = item.unwrap_or(content).trim_start_matches(' ');
        let key_at = line.len() - rest.len();
        let is_key = rest.strip_prefix(key).is_some_and(|r| r.starts_with(':'));
        if let Some((at, column)) = first {
            if is_key && key_at == column && item.is_none() {
                return Some((at, start + key_at));
            }
            let left = !content.trim().is_empty()
                && (indent < column || item.is_some() && indent + 2 == column);
            if left {
                first = None;
            }
        }
        if is_key && first.is_none() {
            first = Some((start + key_at, key_at));
        }
    }
    None
}

/// An offset at or past the end of the front matter (serde_yaml's place for a problem of the
/// last field, or of a missing one) moved back to the last line with text, so that the caret
/// never points at the closing `---` with nothing to show.
fn within_last_line(yaml: &str, index: usize) -> usize {
    let index = index.min(yaml.len());
    let line_start = yaml[..index].rfind('\n').map_or(0, |i| i + 1);
    let line_end = yaml[index..].find('\n').map_or(yaml.len(), |i| index + i);
    if !yaml[line_start..line_end].trim().is_empty() {
        return index;
    }
    let text = yaml[..line_start].trim_end();
    let last_start = text.rfind('\n').map_or(0, |i| i + 1);
    let indent = text[last_start..].len() - text[last_start..].trim_start().len();
    last_start + indent
}

/// The data errors of serde (`missing field `title``, `invalid type: …`, `` `x` is not a
/// date``) as a catalogue message and a help line; `None` for a syntax error.
fn explain(raw: &str) -> Option<(Text, Option<Text>)> {
    let inner = serde_words::without_path(raw);
    if let Some(value) = inner.strip_prefix('`').and_then(|r| r.split_once("` is not a date")) {
        return Some(date_problem(value.0));
    }
    if let Some(value) = inner.strip_prefix('`').and_then(|r| r.split_once("` is not a 年度")) {
        return Some((msg!("nendo.invalid", value = value.0), None));
    }
    let (message, help) = serde_words::explain(raw)?;
    let help = help.or_else(|| {
        let field = inner.strip_prefix("missing field `")?.strip_suffix('`')?;
        Some(msg!("front_matter.missing_field_help", field = field))
    });
    Some((message, help))
}

/// A date that could not be read: why, and the ISO date it most likely means (`令和9年1月16日`,
/// `2027/1/16` → `2027-01-16`).
fn date_problem(value: &str) -> (Text, Option<Text>) {
    let message = match Date::parse(value) {
        Err(problem) => problem.text(),
        Ok(_) => msg!("date.not_a_date", value = value),
    };
    let help = Date::nearest(value).map(|iso| msg!("date.did_you_mean", value = iso));
    (message, Some(help.unwrap_or_else(|| msg!("date.format_help"))))
}

/// serde_yaml places errors raised while converting a value (an impossible date) at the start
/// of the mapping; the message quotes the value, so point at where it is written instead.
fn quoted_value_location(split: &Split<'_>, message: &str) -> Option<Location> {
    let message = serde_words::without_path(message);
    if message.starts_with("missing field") || message.starts_with("unknown field") {
        return None;
    }
    let value = message.strip_prefix('`')?.split('`').next()?;
    let offset = find_token(split.yaml, value)?;
    Some(Location::from_offset(split.yaml, offset, value.len(), split.yaml_line))
}

/// serde_yaml appends " at line L column C" (" at position N") to its messages; the location
/// is shown apart.
fn clean_message(message: &str) -> String {
    let end = [" at line ", " at position "].iter().filter_map(|mark| message.find(mark)).min();
    let message = &message[..end.unwrap_or(message.len())];
    message.trim_end_matches('.').to_owned()
}

/// Points the caret at the whole word under the location, not at one character.
fn widen_to_token(location: &mut Location) {
    let rest = &location.source_line[location.span.start..];
    let len = rest.find([',', ']', '}', '#', ':']).unwrap_or(rest.len());
    let token = rest[..len].trim_end();
    if !token.is_empty() {
        location.span.end = location.span.start + token.len();
    }
}

/// Where `value` is written in the front matter, searched after the line of `key` when given.
/// A code written as a number and read with its leading zeros restored (`13101` read as
/// `013101`) is searched as written too.
pub fn locate_value(split: &Split<'_>, key: Option<&str>, value: &str) -> Option<Location> {
    let yaml = split.yaml;
    let from = key.and_then(|key| find_key(yaml, key)).unwrap_or(0);
    let mut written = value;
    loop {
        let found = find_token(&yaml[from..], written)
            .map(|i| from + i)
            .or_else(|| find_token(yaml, written));
        if let Some(offset) = found {
            return Some(Location::from_offset(yaml, offset, written.len(), split.yaml_line));
        }
        match written.strip_prefix('0') {
            Some(shorter) if !shorter.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                written = shorter;
            }
            _ => return None,
        }
    }
}

/// Where `key` begins a mapping entry (at any indentation, or as a list item).
pub fn locate_key(split: &Split<'_>, key: &str) -> Option<Location> {
    let offset = find_key(split.yaml, key)?;
    let start = offset + split.yaml[offset..].find(key).unwrap_or(0);
    Some(Location::from_offset(split.yaml, start, key.len(), split.yaml_line))
}

/// Where the value of a field is written, or its key when the value is empty (`title: ""`):
/// the top-level `key` when `nested` is `None`, else its `nested`-th (0-based) occurrence inside
/// a list or a mapping (the `name` of the second district is `Some(1)`).
pub fn locate_field(split: &Split<'_>, key: &str, nested: Option<usize>) -> Option<Location> {
    let mut offset = 0;
    let mut seen = 0;
    for line in split.yaml.split_inclusive('\n') {
        let indented = line.starts_with([' ', '-', '\t']);
        let trimmed = line.trim_start().trim_start_matches("- ").trim_start();
        let rest = trimmed.strip_prefix(key).map(str::trim_start).filter(|r| r.starts_with(':'));
        if let Some(rest) = rest.filter(|_| indented == nested.is_some()) {
            if nested.is_none_or(|n| n == seen) {
                let key_at = offset + (line.len() - trimmed.len());
                let value = rest[1..].split(" #").next().unwrap_or_default().trim();
                let value_at = offset + line.len() - rest.len() + 1;
                let value_at = value_at + rest[1..].len() - rest[1..].trim_start().len();
                let (at, len) =
                    if value.is_empty() { (key_at, key.len()) } else { (value_at, value.len()) };
                return Some(Location::from_offset(split.yaml, at, len, split.yaml_line));
            }
            seen += 1;
        }
        offset += line.len();
    }
    None
}

fn find_key(yaml: &str, key: &str) -> Option<usize> {
    let mut offset = 0;
    for line in yaml.split_inclusive('\n') {
        let trimmed = line.trim_start().trim_start_matches("- ").trim_start();
        if trimmed.strip_prefix(key).is_some_and(|rest| rest.trim_start().starts_with(':')) {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}

/// The first occurrence of `value` that is not part of a longer word.
fn find_token(text: &str, value: &str) -> Option<usize> {
    if value.is_empty() {
        return None;
    }
    let is_word = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    text.match_indices(value).map(|(i, _)| i).find(|&i| {
        let before = text[..i].chars().next_back();
        let after = text[i + value.len()..].chars().next();
        !before.is_some_and(is_word) && !after.is_some_and(is_word)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quoted_value_is_found_after_a_field_path() {
        let words = serde_words::without_path;
        assert_eq!(words("`2015-13` is not a date"), "`2015-13` is not a date");
        assert_eq!(words("member: `2015-13` is not a date"), "`2015-13` is not a date");
        assert_eq!(words("partners[0].since: `x` is not a date"), "`x` is not a date");
        assert_eq!(words("a sentence: `x` is wrong"), "a sentence: `x` is wrong");
    }

    #[test]
    fn splits_at_the_fences() {
        let text = "---\ntitle: x\n---\n# Body\n";
        let split = split(text).ok();
        assert_eq!(split.as_ref().map(|s| s.yaml), Some("title: x\n"));
        assert_eq!(split.as_ref().map(|s| s.body), Some("# Body\n"));
        assert_eq!(split.map(|s| s.body_line), Some(4));
    }

    #[test]
    fn accepts_windows_line_endings() {
        let split = split("---\r\ntitle: x\r\n---\r\nbody").ok();
        assert_eq!(split.map(|s| s.body), Some("body"));
    }

    #[test]
    fn reports_missing_and_unterminated_front_matter() {
        assert_eq!(split("# no front matter"), Err(SplitError::Missing));
        assert_eq!(split("---\ntitle: x\n"), Err(SplitError::Unterminated));
        assert_eq!(split(""), Err(SplitError::Missing));
    }

    #[test]
    fn yaml_errors_are_located_in_the_file() {
        let text = "---\ntitle: x\ndate: [oops\n---\n";
        let split = split(text).ok();
        let error = split.map(|s| parse(&s, Collection::News, false));
        let line = error.and_then(|e| e.err()).and_then(|e| e.location).map(|l| l.line);
        assert!(line.is_some_and(|l| l >= 3), "{line:?}");
    }

    #[test]
    fn locates_a_padded_code_as_written() {
        let text = "---\ntitle: x\nmunicipalities: [13101]\n---\n";
        let split = split(text).ok();
        let location = split.and_then(|s| locate_value(&s, Some("municipalities"), "013101"));
        assert_eq!(location.map(|l| (l.line, l.column, l.span.len())), Some((3, 18, 5)));
    }

    #[test]
    fn a_problem_at_the_end_is_shown_on_the_last_line() {
        let yaml = "title: x\ndate: [oops\n";
        let at = within_last_line(yaml, yaml.len());
        assert_eq!(&yaml[at..], "date: [oops\n");
    }

    #[test]
    fn a_field_written_twice_is_shown_where_it_is_repeated() {
        let text = "---\ntitle: x\nwards: [minato]\ntitle: y\n---\n";
        let split = split(text).ok();
        let error = split.and_then(|s| parse(&s, Collection::News, false).err());
        let location = error.as_ref().and_then(|e| e.location.as_ref()).map(|l| (l.line, l.column));
        assert_eq!(location, Some((4, 1)));
        let help = error.and_then(|e| e.help).map(|h| h.to_string());
        assert_eq!(help.as_deref(), Some("delete one of the two lines (the other is line 2)"));
        assert_eq!(twice_written("partners:\n  - ward: a\n  - ward: b\n", "ward"), None);
        assert_eq!(twice_written("p:\n  - ward: a\n    ward: b\n", "ward"), Some((7, 19)));
    }

    /// A one-character slip anywhere in a municipality's front matter (a sign inserted, a
    /// character deleted) gives a located problem in the catalogue's words (or none), never a
    /// panic; the parser's own words only for a few.
    #[test]
    fn every_slip_is_reported_without_panic() {
        let yaml = "name: 釧路市\nkana: くしろし\nprefecture: hokkaido\npartners:\n  - ward: arakawa\n    since: 2015-10\naliases: [阿寒町, \"音別町\"]\n";
        let signs = ['"', '\'', '[', ']', ':', '-', ' ', '\t', '\u{3000}', '：', '@', '\\', '\n'];
        let (mut located, mut failed, mut last_resort) = (0, 0, 0);
        for (at, c) in yaml.char_indices() {
            let deleted = format!("{}{}", &yaml[..at], &yaml[at + c.len_utf8()..]);
            let inserted = signs.iter().map(|sign| format!("{}{sign}{}", &yaml[..at], &yaml[at..]));
            for yaml in std::iter::once(deleted).chain(inserted) {
                let text = format!("---\n{yaml}---\n本文\n");
                let Ok(split) = split(&text) else { continue };
                if let Err(error) = parse(&split, Collection::Municipalities, false) {
                    failed += 1;
                    located += usize::from(error.location.is_some());
                    last_resort +=
                        usize::from(error.message.key_id() == Some("front_matter.syntax"));
                }
            }
        }
        // The parser's English words (the last resort) for fewer than 2 in 100 of them.
        assert!(located == failed && failed > 1000, "{located} of {failed}");
        assert!(last_resort * 50 < failed, "{last_resort} of {failed} in the parser's words");
    }

    #[test]
    fn dates_are_answered_with_the_iso_date() {
        for written in ["令和9年1月16日", "2027/1/16"] {
            let (_, help) = date_problem(written);
            let help = help.map(|h| h.render(crate::messages::Lang::Ja)).unwrap_or_default();
            assert!(help.contains("`2027-01-16`"), "{written}: {help}");
        }
    }

    #[test]
    fn locates_a_value_after_its_key() {
        let text = "---\nname: chiyoda\npartners:\n  - ward: chiyodda\n---\n";
        let split = split(text).ok();
        let location = split.and_then(|s| locate_value(&s, Some("ward"), "chiyodda"));
        assert_eq!(location.map(|l| (l.line, l.column)), Some((4, 11)));
    }
}
