//! YAML's syntax errors in words an editor understands.
//!
//! The parser (libyaml, through serde_yaml) names what its grammar expected ("did not find
//! expected key", "found character that cannot start any token") where it gave up, often a line
//! or more after the mistake. The mistakes behind those errors in real front matter are few: a
//! quote or a `[` left open, text after a closing quote, a value that begins with a sign YAML
//! reserves (`@`, `` ` ``, `*`, `%`, `!`, `&`, `|`, `>`, `- `), a `: ` inside a value, a line
//! indented unlike its neighbours, a line without its colon, a `\` inside double quotes, an empty
//! item in a `[…]` list, an invisible control character pasted from another program. Each is
//! recognised from the parser's words and the text, placed where the editor made it, and
//! explained with the line to type instead.
//!
//! A parser error that is none of these (directives, tags, anchors used on purpose, byte-order
//! problems, nesting limits) is left to the caller, which shows the parser's English words as
//! the last resort (`front_matter.syntax`).

use crate::diag::Location;
use crate::messages::Text;
use crate::msg;

/// A syntax error explained: where the editor made it, what it is, what to type instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Explained {
    pub location: Location,
    pub message: Text,
    pub label: Option<Text>,
    pub help: Option<Text>,
}

/// The explanation of the parser's `error` (serde_yaml's text: `problem at line L column C,
/// while context at line L column C`) raised at byte `index` of `yaml`, whose first line is line
/// `first_line` of the file; `None` for an error this module does not recognise.
pub(super) fn explain(
    yaml: &str,
    first_line: usize,
    error: &str,
    index: Option<usize>,
) -> Option<Explained> {
    let report = Report::parse(yaml, error, index);
    let found = control_character(yaml, &report)
        .or_else(|| unclosed_quote(yaml, &report))
        .or_else(|| text_after_quote(yaml, &report))
        .or_else(|| unclosed_bracket(yaml, &report))
        .or_else(|| empty_item(yaml, &report))
        .or_else(|| reserved_sign(yaml, &report))
        .or_else(|| colon_in_value(yaml, &report))
        .or_else(|| missing_colon(yaml, &report))
        .or_else(|| bad_escape(yaml, &report))
        .or_else(|| indentation(yaml, &report))
        .or_else(|| sign_inside(yaml, &report))
        .or_else(|| not_a_field(yaml, &report))?;
    Some(Explained {
        location: Location::from_offset(yaml, found.at, found.len, first_line),
        message: found.message,
        label: found.label,
        help: found.help,
    })
}

/// `prefectures: [fukushima,` without its `]`: the list swallows the next fields
/// (`summary: …` read as an item), which serde reports as a wrong type on another line. Found
/// when a `[` that is not closed on its line runs into a field at the left margin before the
/// error at byte `index`.
pub(super) fn swallowed_by_list(yaml: &str, first_line: usize, index: usize) -> Option<Explained> {
    // Up to the end of the line of the error, which is the swallowed field's.
    let index = floor_boundary(yaml, index);
    let index = yaml[index..].find('\n').map_or(yaml.len(), |i| index + i);
    for (start, line) in lines(yaml).take_while(|(start, _)| *start <= index) {
        let Some(field) = field_of(line).filter(|f| f.key.is_some() && f.value.starts_with('['))
        else {
            continue;
        };
        let open = start + field.value_at;
        let after = &yaml[open..];
        let close = after.find(']').map_or(yaml.len(), |i| open + i);
        let rest = &yaml[open..close.min(index.max(open))];
        let swallowed = rest
            .lines()
            .skip(1)
            .any(|l| field_of(l).is_some_and(|f| f.key.is_some() && f.key_at == 0));
        if line.contains(']') || !swallowed {
            continue;
        }
        let found = unclosed_bracket_at(yaml, open)?;
        return Some(Explained {
            location: Location::from_offset(yaml, found.at, found.len, first_line),
            message: found.message,
            label: found.label,
            help: found.help,
        });
    }
    None
}

/// What the parser said, taken apart.
struct Report<'a> {
    /// `did not find expected key`.
    problem: &'a str,
    /// `while parsing a flow sequence`, or empty.
    context: &'a str,
    /// Byte offset of the problem in the YAML.
    at: Option<usize>,
    /// Byte offset of where the context began (the `[` of that flow sequence).
    context_at: Option<usize>,
}

impl<'a> Report<'a> {
    fn parse(yaml: &str, error: &'a str, index: Option<usize>) -> Report<'a> {
        let (head, context) = match error.split_once(", while ") {
            Some((head, context)) => (head, context),
            None => (error, ""),
        };
        let (context, context_at) = match context.split_once(" at line ") {
            Some((words, mark)) => (words, line_column_offset(yaml, mark)),
            None => (context, None),
        };
        let problem = [" at line ", " at position "]
            .iter()
            .filter_map(|mark| head.find(mark))
            .min()
            .map_or(head, |end| &head[..end]);
        let at = index.map(|i| floor_boundary(yaml, i));
        Report { problem, context, at, context_at }
    }
}

/// `index` moved back to the start of its character, within `yaml`.
fn floor_boundary(yaml: &str, index: usize) -> usize {
    let mut index = index.min(yaml.len());
    while !yaml.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// The byte offset of `L column C` (1-based, columns in characters) in `yaml`.
fn line_column_offset(yaml: &str, mark: &str) -> Option<usize> {
    let (line, column) = mark.split_once(" column ")?;
    let line: usize = line.trim().parse().ok()?;
    let column: usize =
        column.trim().trim_end_matches(|c: char| !c.is_ascii_digit()).parse().ok()?;
    let (start, text) = lines(yaml).nth(line.checked_sub(1)?)?;
    let within = text.char_indices().nth(column.saturating_sub(1)).map_or(text.len(), |(i, _)| i);
    Some(start + within)
}

/// A recognised mistake: its place (bytes of the YAML) and its words.
struct Found {
    at: usize,
    len: usize,
    message: Text,
    label: Option<Text>,
    help: Option<Text>,
}

/// The lines of `yaml` with their byte offsets, without line ends.
fn lines(yaml: &str) -> impl Iterator<Item = (usize, &str)> {
    yaml.split_inclusive('\n').scan(0, |offset, line| {
        let start = *offset;
        *offset += line.len();
        Some((start, line.trim_end_matches(['\n', '\r'])))
    })
}

/// The line that holds byte `at`, with its offset.
fn line_at(yaml: &str, at: usize) -> (usize, &str) {
    let at = at.min(yaml.len());
    let start = yaml[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = yaml[start..].find('\n').map_or(yaml.len(), |i| start + i);
    (start, yaml[start..end].trim_end_matches('\r'))
}

/// A line read as `key: value`, `- value` or `- key: value`.
struct Field<'a> {
    /// The key, when the line has one.
    key: Option<&'a str>,
    /// Byte offset of the key (or of the value of a bare list item) in the line.
    key_at: usize,
    /// Byte offset of the value in the line.
    value_at: usize,
    /// The value as written, to the end of the line.
    value: &'a str,
}

fn field_of(line: &str) -> Option<Field<'_>> {
    let mut rest = line.trim_start_matches(' ');
    while let Some(item) = rest.strip_prefix("- ") {
        rest = item.trim_start_matches(' ');
    }
    let key_at = line.len() - rest.len();
    let key_end = rest.find(": ").or_else(|| rest.ends_with(':').then(|| rest.len() - 1));
    let key = key_end
        .map(|end| &rest[..end])
        .filter(|key| !key.is_empty() && !key.contains(char::is_whitespace))
        .filter(|key| !key.starts_with(['"', '\'', '[', '{', '#', '-']));
    let value_at = match key {
        Some(key) => {
            let after = &rest[key.len() + 1..];
            key_at + key.len() + 1 + (after.len() - after.trim_start_matches(' ').len())
        }
        None if key_at > 0 && line[..key_at].trim_end().ends_with('-') => key_at,
        None => return None,
    };
    Some(Field { key, key_at, value_at, value: line[value_at..].trim_end() })
}

/// `line` with its value replaced by `value`.
fn with_value(line: &str, field: &Field<'_>, value: &str) -> String {
    format!("{}{value}", &line[..field.value_at])
}

/// The value as the editor meant it, in quotes: single quotes (in which `\` is a plain
/// character), or double quotes when the text has an apostrophe and no `"` or `\`.
fn quoted(value: &str) -> String {
    let value = value.trim();
    // `'It's'` meant the text It's; `"東京" "大阪"` is kept whole, quotes and all.
    let inner = ['"', '\'']
        .iter()
        .find(|q| value.len() >= 2 && value.starts_with(**q) && value.ends_with(**q))
        .map(|_| &value[1..value.len() - 1])
        .filter(|inner| inner.matches(['"', '\'']).count() <= 1)
        .unwrap_or(value);
    if inner.contains('\'') && !inner.contains(['"', '\\']) {
        format!("\"{inner}\"")
    } else {
        format!("'{}'", inner.replace('\'', "''"))
    }
}

/// The offset of the quote that closes the one at `open`, if any (`''` inside single quotes and
/// `\"` inside double quotes do not close).
fn closing_quote(yaml: &str, open: usize) -> Option<usize> {
    let quote = yaml[open..].chars().next()?;
    let mut chars = yaml[open + 1..].char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' if quote == '"' => {
                chars.next();
            }
            '\'' if quote == '\'' && chars.peek().is_some_and(|(_, n)| *n == '\'') => {
                chars.next();
            }
            _ if c == quote => return Some(open + 1 + i),
            _ => {}
        }
    }
    None
}

/// The text after byte `after` up to the end of its line, without a trailing comment.
fn rest_of_line(yaml: &str, after: usize) -> &str {
    let rest = &yaml[after..];
    let rest = &rest[..rest.find('\n').unwrap_or(rest.len())];
    let rest = rest.trim_end_matches('\r');
    if rest.trim_start().starts_with('#') { "" } else { rest }
}

/// `control characters are not allowed`: an invisible character pasted from a word processor
/// (a vertical tab, a backspace). The parser gives no line; the text does.
fn control_character(yaml: &str, report: &Report<'_>) -> Option<Found> {
    if report.problem != "control characters are not allowed" {
        return None;
    }
    let (at, c) =
        yaml.char_indices().find(|(_, c)| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))?;
    Some(Found {
        at,
        len: c.len_utf8(),
        message: msg!("yaml.control_character", code = format!("U+{:04X}", u32::from(c))),
        label: Some(msg!("yaml.control_character_label")),
        help: Some(msg!("yaml.control_character_help")),
    })
}

/// A value that opens a quote and does not close it on its line: the parser reads on to the
/// next quote of the file, and fails there (or at the end).
fn unclosed_quote(yaml: &str, report: &Report<'_>) -> Option<Found> {
    if report.problem == "found unexpected end of stream" && report.context.contains("quoted") {
        return report.context_at.map(|open| unclosed_quote_at(yaml, open));
    }
    let limit = report.at.or(report.context_at)?;
    for (start, line) in lines(yaml).take_while(|(start, _)| *start <= limit) {
        let Some(field) = field_of(line) else { continue };
        if !field.value.starts_with(['"', '\'']) {
            continue;
        }
        let open = start + field.value_at;
        let closed_on_its_line = closing_quote(yaml, open).is_some_and(|close| {
            !yaml[open..close].contains('\n') || rest_of_line(yaml, close + 1).trim().is_empty()
        });
        if !closed_on_its_line {
            return Some(unclosed_quote_at(yaml, open));
        }
    }
    None
}

fn unclosed_quote_at(yaml: &str, open: usize) -> Found {
    let quote = yaml[open..].chars().next().unwrap_or('"');
    let (_, line) = line_at(yaml, open);
    let fixed = format!("{}{quote}", line.trim_end());
    Found {
        at: open,
        len: quote.len_utf8(),
        message: msg!("yaml.unclosed_quote", quote = quote),
        label: Some(msg!("yaml.unclosed_quote_label")),
        help: Some(msg!("yaml.unclosed_quote_help", quote = quote, line = fixed)),
    }
}

/// `title: "いわき"体験ツアー`, `title: 'It's'`: the value's quotes close before its end, and
/// the parser fails on the text after them.
fn text_after_quote(yaml: &str, report: &Report<'_>) -> Option<Found> {
    let at = report.at?;
    let (start, line) = line_at(yaml, at);
    let field = field_of(line)?;
    let quote = field.value.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let close = closing_quote(yaml, start + field.value_at)?;
    let after = close + 1;
    let rest = rest_of_line(yaml, after);
    if after > at + 1 || rest.trim().is_empty() || yaml[start..close].contains('\n') {
        return None;
    }
    Some(Found {
        at: after,
        len: rest.trim_end().len(),
        message: msg!("yaml.text_after_quote", quote = quote),
        label: Some(msg!("yaml.text_after_quote_label")),
        help: Some(msg!(
            "yaml.quote_inside_help",
            line = with_value(line, &field, &quoted(field.value))
        )),
    })
}

/// `wards: [minato`: a `[` (or `{`) without its `]` (`}`); the parser names where it began.
fn unclosed_bracket(yaml: &str, report: &Report<'_>) -> Option<Found> {
    if !report.problem.starts_with("did not find expected ',' or ")
        || !report.context.contains("flow")
    {
        return None;
    }
    unclosed_bracket_at(yaml, report.context_at?)
}

fn unclosed_bracket_at(yaml: &str, open_at: usize) -> Option<Found> {
    let open = yaml[open_at..].chars().next().filter(|c| matches!(c, '[' | '{'))?;
    let close = if open == '[' { ']' } else { '}' };
    let (_, line) = line_at(yaml, open_at);
    let help = if line.contains(close) {
        msg!("yaml.unclosed_bracket_help_plain", close = close)
    } else {
        let fixed = line.trim_end().trim_end_matches(',').trim_end();
        msg!("yaml.unclosed_bracket_help", line = format!("{fixed}{close}"))
    };
    Some(Found {
        at: open_at,
        len: 1,
        message: msg!("yaml.unclosed_bracket", open = open, close = close),
        label: Some(msg!("yaml.unclosed_bracket_label", close = close)),
        help: Some(help),
    })
}

/// `wards: [minato, ]`, `[minato,, chuo]`: an empty item in a `[…]` list.
fn empty_item(yaml: &str, report: &Report<'_>) -> Option<Found> {
    if report.problem != "did not find expected node content" || !report.context.contains("flow") {
        return None;
    }
    let at = report.at?;
    let (start, line) = line_at(yaml, at);
    // The extra comma: the one the parser stopped at, else the one before it (`[minato, ]`).
    let comma = if yaml[at..].starts_with(',') {
        at
    } else {
        yaml[start..at].rfind(',').map_or(at, |i| start + i)
    };
    let help = tidy_list(line).map_or_else(
        || msg!("yaml.empty_item_help_plain"),
        |fixed| msg!("yaml.empty_item_help", line = fixed),
    );
    Some(Found {
        at: comma,
        len: 1,
        message: msg!("yaml.empty_item"),
        label: Some(msg!("yaml.empty_item_label")),
        help: Some(help),
    })
}

/// `wards: [minato,, chuo, ]` → `wards: [minato, chuo]`.
fn tidy_list(line: &str) -> Option<String> {
    let open = line.find('[')?;
    let close = line.rfind(']').filter(|close| *close > open)?;
    let items: Vec<&str> =
        line[open + 1..close].split(',').map(str::trim).filter(|i| !i.is_empty()).collect();
    Some(format!("{}[{}]{}", &line[..open], items.join(", "), &line[close + 1..]))
}

/// Signs that YAML reads as something other than text at the start of a value.
const RESERVED: [char; 8] = ['@', '`', '%', '*', '&', '!', '|', '>'];

/// `summary: @港区`, `` `港区` ``, `*重要*`, `!注意`, `>100人`, `- 一覧`: a value that begins
/// with a sign YAML reserves (Markdown emphasis, a mention, a quotation mark of another kind).
fn reserved_sign(yaml: &str, report: &Report<'_>) -> Option<Found> {
    for at in [report.at, report.context_at].into_iter().flatten() {
        let (start, line) = line_at(yaml, at);
        let Some(field) = field_of(line) else { continue };
        let Some(sign) = field.value.chars().next() else { continue };
        let fixed = with_value(line, &field, &quoted(field.value));
        let value_at = start + field.value_at;
        if let (Some(key), Some(item)) = (field.key, field.value.strip_prefix("- ")) {
            let list = format!("{key}: [{}]", item.trim());
            return Some(Found {
                at: value_at,
                len: 1,
                message: msg!("yaml.dash_after_key"),
                label: Some(msg!("yaml.reserved_label")),
                help: Some(msg!("yaml.dash_after_key_help", list = list, text = fixed.trim())),
            });
        }
        let block_header = |v: &str| {
            let rest = v[1..]
                .trim_start_matches(['-', '+'])
                .trim_start_matches(|c: char| c.is_ascii_digit());
            rest.trim().is_empty() || rest.trim_start().starts_with('#')
        };
        if !RESERVED.contains(&sign) || matches!(sign, '|' | '>') && block_header(field.value) {
            continue;
        }
        return Some(Found {
            at: value_at,
            len: sign.len_utf8(),
            message: msg!("yaml.reserved_sign", sign = sign),
            label: Some(msg!("yaml.reserved_label")),
            help: Some(msg!("yaml.requote_help", line = fixed)),
        });
    }
    None
}

/// `title: 京都: 観光フェア`: a second `: ` in a value, which YAML reads as a new field.
fn colon_in_value(yaml: &str, report: &Report<'_>) -> Option<Found> {
    if report.problem != "mapping values are not allowed in this context" {
        return None;
    }
    let at = report.at?;
    let (start, line) = line_at(yaml, at);
    let field = field_of(line)?;
    if field.key.is_none() || at < start + field.value_at || field.value.starts_with(['"', '\'']) {
        return None;
    }
    Some(Found {
        at,
        len: 1,
        message: msg!("yaml.colon_in_value"),
        label: Some(msg!("yaml.colon_in_value_label")),
        help: Some(msg!(
            "front_matter.colon_in_value_help",
            line = with_value(line, &field, &quoted(field.value))
        )),
    })
}

/// `venue 荒川区`: a field without its colon, which the parser notices on the next line.
fn missing_colon(yaml: &str, report: &Report<'_>) -> Option<Found> {
    if report.problem != "could not find expected ':'" {
        return None;
    }
    let at = report.context_at.or(report.at)?;
    let (start, line) = line_at(yaml, at);
    let content = line.trim_start_matches(' ');
    let indent = line.len() - content.len();
    if let Some(item) = content.strip_prefix('-').filter(|rest| !rest.starts_with([' ', '-'])) {
        let fixed = format!("{}- {}", &line[..indent], item.trim_end());
        return Some(Found {
            at: start + indent,
            len: 1,
            message: msg!("yaml.dash_no_space"),
            label: Some(msg!("yaml.dash_no_space_label")),
            help: Some(msg!("yaml.dash_no_space_help", line = fixed)),
        });
    }
    let help = missing_colon_fix(line).map_or_else(
        || msg!("yaml.missing_colon_help_plain"),
        |fixed| msg!("yaml.missing_colon_help", line = fixed),
    );
    Some(Found {
        at: start + indent,
        len: content.trim_end().len(),
        message: msg!("yaml.missing_colon"),
        label: Some(msg!("yaml.missing_colon_label")),
        help: Some(help),
    })
}

/// `venue 荒川区` → `venue: 荒川区` (a field name of ASCII letters, then a space of either width).
pub(super) fn missing_colon_fix(line: &str) -> Option<String> {
    let content = line.trim_start_matches(' ');
    let indent = &line[..line.len() - content.len()];
    let dash = if content.starts_with("- ") { "- " } else { "" };
    let content = &content[dash.len()..];
    let key_len = content.find([' ', '\u{3000}'])?;
    let key = &content[..key_len];
    let is_key = key.starts_with(|c: char| c.is_ascii_lowercase())
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let value = content[key_len..].trim_start_matches([' ', '\u{3000}']).trim_end();
    (is_key && !value.is_empty()).then(|| format!("{indent}{dash}{key}: {value}"))
}

/// `venue: "福島県\いわき市"`: a `\` (the yen key of a Japanese keyboard) inside double quotes,
/// where it begins an escape such as `\n`.
fn bad_escape(yaml: &str, report: &Report<'_>) -> Option<Found> {
    let escape = report.problem == "found unknown escape character"
        || report.problem.starts_with("found invalid Unicode character escape")
        || report.problem == "did not find expected hexadecimal number";
    if !escape {
        return None;
    }
    let at = report.at?;
    let (start, line) = line_at(yaml, at);
    let upto = (at + 1).min(yaml.len());
    let backslash = yaml.get(start..upto).and_then(|text| text.rfind('\\')).map(|i| start + i)?;
    let len = yaml[backslash..].chars().take(2).map(char::len_utf8).sum();
    let help = field_of(line).map(|field| {
        msg!("yaml.bad_escape_help", line = with_value(line, &field, &quoted(field.value)))
    });
    Some(Found {
        at: backslash,
        len,
        message: msg!("yaml.bad_escape"),
        label: Some(msg!("yaml.bad_escape_label")),
        help,
    })
}

/// A line indented unlike its neighbours: a field indented under a field that has a value
/// (`venue: 荒川区` then `  wards: …`), a field left of its list, a list item out of line.
fn indentation(yaml: &str, report: &Report<'_>) -> Option<Found> {
    let at = report.at?;
    let (start, line) = line_at(yaml, at);
    let content = line.trim_start_matches(' ');
    let indent = line.len() - content.len();
    let field = field_of(line)?;
    let is_item = content.starts_with("- ") || content == "-";
    let misplaced = match report.problem {
        // The colon of a field, on a line the parser read as the previous value's continuation.
        "mapping values are not allowed in this context" => {
            field.key.is_some() && at == start + field.key_at + field.key.map_or(0, str::len)
        }
        "did not find expected key" => at == start + indent && (indent > 0 || is_item),
        "did not find expected '-' indicator" => is_item || field.key.is_some(),
        _ => false,
    };
    if !misplaced {
        return None;
    }
    let (before, _) = yaml.split_at(start);
    let fixed_indent = if is_item { item_indent(before) } else { key_indent(before) };
    let fixed = format!("{}{content}", " ".repeat(fixed_indent));
    let help = if is_item {
        msg!("yaml.item_indentation_help", line = fixed)
    } else {
        msg!("yaml.indentation_help", line = fixed)
    };
    Some(Found {
        at: start,
        len: indent.max(1),
        message: msg!("yaml.indentation"),
        label: Some(msg!("yaml.indentation_label")),
        help: Some(help),
    })
}

/// Where the key of the nearest field above begins (its column, in bytes of spaces).
fn key_indent(before: &str) -> usize {
    before
        .lines()
        .rev()
        .filter_map(|line| field_of(line).and_then(|f| f.key.map(|_| f.key_at)))
        .next()
        .unwrap_or(0)
}

/// The indentation of the nearest list item above, else two spaces more than the field above.
fn item_indent(before: &str) -> usize {
    for line in before.lines().rev() {
        let content = line.trim_start_matches(' ');
        if content.starts_with("- ") {
            return line.len() - content.len();
        }
        if let Some(field) = field_of(line).filter(|f| f.key.is_some()) {
            return field.key_at + 2;
        }
    }
    2
}

/// A character no value may begin with, inside a line: a tab after the list's dash
/// (`-\tward`), a sign inside a `[…]` list (`[@阿寒町]`), a `]` without its `[`.
fn sign_inside(yaml: &str, report: &Report<'_>) -> Option<Found> {
    let at = report.at?;
    let c = yaml[at..].chars().next()?;
    let (start, line) = line_at(yaml, at);
    let (message, help) = match (report.problem, c) {
        (_, '\t') => {
            let fixed = line.replace('\t', " ");
            (msg!("yaml.tab"), msg!("yaml.tab_help", line = fixed))
        }
        ("did not find expected node content", ']' | '}') => {
            (msg!("yaml.stray_bracket", sign = c), msg!("yaml.stray_bracket_help", sign = c))
        }
        ("found character that cannot start any token", _) if RESERVED.contains(&c) => {
            let within = at - start;
            let end = line[within..].find([',', ']', '}']).map_or(line.len(), |i| within + i);
            let token = line[within..end].trim_end();
            let fixed =
                format!("{}{}{}", &line[..within], quoted(token), &line[within + token.len()..]);
            (msg!("yaml.reserved_sign", sign = c), msg!("yaml.requote_help", line = fixed))
        }
        _ => return None,
    };
    Some(Found {
        at,
        len: c.len_utf8(),
        message,
        label: Some(msg!("yaml.reserved_label")),
        help: Some(help),
    })
}

/// `did not find expected key` for any other reason: the place where the line stops being a
/// field, in plain words.
fn not_a_field(yaml: &str, report: &Report<'_>) -> Option<Found> {
    if report.problem != "did not find expected key" {
        return None;
    }
    let at = report.at?;
    let (start, line) = line_at(yaml, at);
    let len = line.get(at - start..).unwrap_or_default().trim_end().len().max(1);
    Some(Found {
        at,
        len,
        message: msg!("yaml.not_a_field"),
        label: Some(msg!("yaml.not_a_field_label")),
        help: Some(msg!("front_matter.syntax_help")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// serde_yaml's error for `yaml`, explained: the line, the column, the text under the
    /// caret, the message's key and the help in English.
    fn explained(yaml: &str) -> Option<(usize, usize, String, &'static str, String)> {
        let error = serde_yaml::from_str::<serde_yaml::Value>(yaml).err()?;
        let index = error.location().map(|l| l.index());
        let e = explain(yaml, 1, &error.to_string(), index)?;
        let under = e.location.source_line[e.location.span.clone()].to_owned();
        let help = e.help.map(|h| h.to_string()).unwrap_or_default();
        Some((e.location.line, e.location.column, under, e.message.key_id()?, help))
    }

    fn check(yaml: &str, line: usize, column: usize, under: &str, key: &str, help: &str) {
        let found = explained(yaml);
        let Some((l, c, u, k, h)) = found else { panic!("not explained: {yaml}") };
        assert_eq!((l, c, u.as_str(), k), (line, column, under, key), "{yaml}");
        assert!(h.contains(help), "{yaml}: help {h:?} lacks {help:?}");
    }

    #[test]
    fn an_unclosed_quote_is_found_where_it_opens() {
        let yaml = "title: \"いわき体験\ndate: 2017-03-26\nmunicipalities: [\"072044\"]\n";
        check(yaml, 1, 8, "\"", "yaml.unclosed_quote", "`title: \"いわき体験\"`");
        let at_the_end = "date: 2017-03-26\ntitle: 'いわき体験\n";
        check(at_the_end, 2, 8, "'", "yaml.unclosed_quote", "`title: 'いわき体験'`");
    }

    #[test]
    fn text_after_a_closing_quote_is_answered_with_the_whole_value_quoted() {
        let yaml = "title: \"いわき\"体験ツアー\n";
        check(
            yaml,
            1,
            13,
            "体験ツアー",
            "yaml.text_after_quote",
            "`title: '\"いわき\"体験ツアー'`",
        );
        check(
            "title: 'It's いわき'\n",
            1,
            12,
            "s いわき'",
            "yaml.text_after_quote",
            "\"It's いわき\"",
        );
    }

    #[test]
    fn an_unclosed_list_is_found_at_its_bracket() {
        let yaml = "wards: [minato\nprefectures: [fukushima]\n";
        check(yaml, 1, 8, "[", "yaml.unclosed_bracket", "`wards: [minato]`");
    }

    #[test]
    fn a_list_that_swallows_the_next_field_is_found_at_its_bracket() {
        let yaml = "prefectures: [fukushima,\nsummary: 港区民の親子向けツアー\n";
        let found = swallowed_by_list(yaml, 1, yaml.len() - 3);
        let help = found.as_ref().and_then(|e| e.help.as_ref()).map(|h| h.to_string());
        assert!(help.is_some_and(|h| h.contains("`prefectures: [fukushima]`")));
        let found = found.map(|e| (e.location.line, e.location.column, e.message.key_id()));
        assert_eq!(found, Some((1, 14, Some("yaml.unclosed_bracket"))));
        let valid = "wards: [\n  minato,\n  chuo\n]\ntitle: [x]\n";
        assert!(swallowed_by_list(valid, 1, valid.len() - 2).is_none());
    }

    #[test]
    fn an_empty_list_item_is_found_at_its_comma() {
        check("wards: [, minato]\n", 1, 9, ",", "yaml.empty_item", "`wards: [minato]`");
        check("wards: [minato,, chuo]\n", 1, 16, ",", "yaml.empty_item", "[minato, chuo]");
    }

    #[test]
    fn a_reserved_sign_at_the_start_of_a_value_is_answered_with_quotes() {
        for (yaml, sign) in [
            ("summary: @港区 限定\n", "@"),
            ("summary: `港区` 限定\n", "`"),
            ("summary: *注意* 雨天中止\n", "*"),
            ("summary: %港区\n", "%"),
            ("summary: !港区\n", "!"),
            ("summary: >100人が参加\n", ">"),
        ] {
            let value = &yaml["summary: ".len()..yaml.len() - 1];
            check(yaml, 1, 10, sign, "yaml.reserved_sign", &format!("`summary: '{value}'`"));
        }
        check("wards: - minato\n", 1, 8, "-", "yaml.dash_after_key", "`wards: [minato]`");
    }

    #[test]
    fn a_colon_in_a_value_is_answered_with_the_value_in_quotes() {
        let yaml = "title: 京都: 観光フェア\n";
        check(yaml, 1, 10, ":", "yaml.colon_in_value", "`title: '京都: 観光フェア'`");
    }

    #[test]
    fn a_line_without_its_colon_is_found_on_its_line() {
        let yaml = "title: x\nvenue 福島県\nwards: [minato]\n";
        check(yaml, 2, 1, "venue 福島県", "yaml.missing_colon", "`venue: 福島県`");
        assert_eq!(missing_colon_fix("venue 福島県").as_deref(), Some("venue: 福島県"));
        assert_eq!(missing_colon_fix("  - ward　arakawa").as_deref(), Some("  - ward: arakawa"));
        assert_eq!(missing_colon_fix("本文です"), None);
    }

    #[test]
    fn a_list_item_without_its_space() {
        let yaml = "wards:\n  - minato\n  -chuo\n";
        check(yaml, 3, 3, "-", "yaml.dash_no_space", "`  - chuo`");
    }

    #[test]
    fn a_value_with_quotes_inside_is_quoted_whole() {
        assert_eq!(quoted("'It's いわき'"), "\"It's いわき\"");
        assert_eq!(quoted("\"いわき\" \"ツアー\""), "'\"いわき\" \"ツアー\"'");
        assert_eq!(quoted("@港区"), "'@港区'");
    }

    #[test]
    fn a_backslash_in_double_quotes_is_answered_with_single_quotes() {
        let yaml = "venue: \"福島県\\いわき市\"\n";
        check(yaml, 1, 12, "\\い", "yaml.bad_escape", "`venue: '福島県\\いわき市'`");
    }

    #[test]
    fn a_line_indented_unlike_its_neighbours_is_answered_with_the_line_aligned() {
        check("title: x\n  venue: 福島県\n", 2, 1, "  ", "yaml.indentation", "`venue: 福島県`");
        let left_of_its_list = "wards:\n  - minato\n prefectures: [x]\n";
        check(left_of_its_list, 3, 1, " ", "yaml.indentation", "`prefectures: [x]`");
        let item = "wards:\n  - minato\n - chuo\n";
        check(item, 3, 1, " ", "yaml.indentation", "`  - chuo`");
        let no_key = "title: x\n- minato\n";
        check(no_key, 2, 1, "-", "yaml.indentation", "`  - minato`");
    }

    #[test]
    fn a_sign_inside_a_line() {
        let tab = "partners:\n  -\tward: arakawa\n";
        check(tab, 2, 4, "\t", "yaml.tab", "`  - ward: arakawa`");
        let inside = "aliases: [@阿寒町, 音別町]\n";
        check(inside, 1, 11, "@", "yaml.reserved_sign", "`aliases: ['@阿寒町', 音別町]`");
        check("prefecture: ]hokkaido\n", 1, 13, "]", "yaml.stray_bracket", "");
        let nested = "partners:\n  - ward: arakawa\n   since: 2015-10\n";
        check(nested, 3, 1, "   ", "yaml.indentation", "`    since: 2015-10`");
    }

    #[test]
    fn a_control_character_is_found_in_the_text() {
        let yaml = "title: x\nvenue: 福島県\u{b}いわき市\n";
        check(yaml, 2, 11, "\u{b}", "yaml.control_character", "");
        let e = explained(yaml).map(|(.., key, _)| key);
        assert_eq!(e, Some("yaml.control_character"));
    }

    /// Every one-character slip at every place of a realistic front matter (a sign inserted, a
    /// character deleted) is explained or left to the last resort, and never panics.
    #[test]
    fn no_slip_anywhere_panics() {
        let yaml = "title: \"いわき\"体験ツアー\ndate: 2017-03-26\nwards: [minato]\npartners:\n  - ward: chuo\n    since: '2015'\nsummary: |\n  港区：説明\n";
        let signs = [
            '"', '\'', '[', ']', '{', ':', '-', ' ', '\t', '\u{3000}', '@', '*', '\\', '#', '\n',
            '\u{b}', '|',
        ];
        let mut explained = 0;
        for (at, c) in yaml.char_indices() {
            let deleted = format!("{}{}", &yaml[..at], &yaml[at + c.len_utf8()..]);
            let inserted = signs.iter().map(|sign| format!("{}{sign}{}", &yaml[..at], &yaml[at..]));
            for text in std::iter::once(deleted).chain(inserted) {
                let Err(error) = serde_yaml::from_str::<serde_yaml::Value>(&text) else { continue };
                let index = error.location().map(|l| l.index());
                explained += usize::from(explain(&text, 2, &error.to_string(), index).is_some());
                let _ = swallowed_by_list(&text, 2, index.unwrap_or(0));
            }
        }
        assert!(explained > 100, "{explained} explained");
    }

    #[test]
    fn a_valid_file_is_never_explained() {
        assert!(
            explained("title: '京都: 観光'\nwards: [minato]\nsummary: |\n  *注意*\n").is_none()
        );
    }
}
