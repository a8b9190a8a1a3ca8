//! Diagnostics: located problems with the input, collected from every stage and rendered
//! rustc-style (`--> file:line:col`, the source line, a caret, a help line).
//!
//! Stages never print; they return `Diagnostic`s. Only the binary renders them, in the language
//! the user chose (`render_in`): a diagnostic's texts are catalogue messages (`crate::messages`).
//! A part that cannot know the file or the line (a date's parser, an image decoder) has its own
//! error enum instead, which its caller makes into a `Diagnostic` at the place it knows
//! (docs/architecture.md, "Errors").

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::messages::{Lang, Text};

/// A problem with the input, pointing at the place in a file that causes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file, relative to the site root where possible.
    pub path: PathBuf,
    /// Where in the file, when known.
    pub location: Option<Location>,
    /// What is wrong, naming the bad value.
    pub message: Text,
    /// A few words under the caret (what is at that place), when the message alone is long.
    pub label: Option<Text>,
    /// What would be valid: the nearest id, the allowed values, how to fix it.
    pub help: Option<Text>,
}

/// A place in a file: 1-based line and column (in characters), the text of that line and the
/// span of the bad value inside it (byte offsets within `source_line`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub line: usize,
    pub column: usize,
    pub source_line: String,
    pub span: Range<usize>,
}

impl Location {
    /// The location of byte `offset` (and `len` bytes after it) in `text`, whose first line is
    /// line `first_line` of the file.
    pub fn from_offset(text: &str, offset: usize, len: usize, first_line: usize) -> Location {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        let source_line = text[line_start..line_end].trim_end_matches('\r').to_owned();
        let start = (offset - line_start).min(source_line.len());
        let end =
            floor_char_boundary(&source_line, start.saturating_add(len).min(source_line.len()));
        Location {
            line: first_line + text[..line_start].matches('\n').count(),
            column: source_line[..start].chars().count() + 1,
            span: start..end.max(start),
            source_line,
        }
    }

    /// The location of 1-based `line` and `column` (in characters) of `text`.
    pub fn from_line_col(text: &str, line: usize, column: usize) -> Location {
        let line_text = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
        let start = line_text
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(line_text.len(), |(byte, _)| byte);
        let len = token_len(&line_text[start..]);
        Location {
            line,
            column,
            source_line: line_text.trim_end_matches('\r').to_owned(),
            span: start..start + len,
        }
    }
}

/// The length of the token that starts `text`: up to the next whitespace or `,`, at least one
/// character, so that a caret always points at something.
fn token_len(text: &str) -> usize {
    let end = text.find([' ', '\t', ',', '\r']).unwrap_or(text.len());
    if end == 0 { text.chars().next().map_or(0, char::len_utf8) } else { end }
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while index > 0 && !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

impl Diagnostic {
    /// A diagnostic about `path`. `message` is a catalogue message (`msg!`); a `String` is
    /// accepted too (shown as is in every language) until it is moved to the catalogue.
    pub fn new(path: impl Into<PathBuf>, message: impl Into<Text>) -> Diagnostic {
        Diagnostic {
            path: path.into(),
            location: None,
            message: message.into(),
            label: None,
            help: None,
        }
    }

    pub fn at(mut self, location: Location) -> Diagnostic {
        self.location = Some(location);
        self
    }

    pub fn with_help(mut self, help: impl Into<Text>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn with_optional_help<T: Into<Text>>(mut self, help: Option<T>) -> Diagnostic {
        self.help = help.map(Into::into);
        self
    }

    /// Words under the caret.
    pub fn with_label(mut self, label: impl Into<Text>) -> Diagnostic {
        self.label = Some(label.into());
        self
    }

    fn sort_key(&self) -> (&Path, usize, usize) {
        let (line, column) = self.location.as_ref().map_or((0, 0), |l| (l.line, l.column));
        (&self.path, line, column)
    }

    /// The diagnostic as text in English: `error: …`, `--> file:line:col`, the line with a
    /// caret, `= help: …`.
    pub fn render(&self) -> String {
        self.render_in(Lang::En)
    }

    /// The same as a `warning: …`, for what is allowed but worth a look.
    pub fn render_warning(&self) -> String {
        self.render_warning_in(Lang::En)
    }

    /// The diagnostic in `lang`: `エラー: …` with the same `--> file:line:col` and caret.
    pub fn render_in(&self, lang: Lang) -> String {
        self.render_as(annotate_snippets::Level::ERROR, "diag.error", lang)
    }

    /// A warning in `lang`.
    pub fn render_warning_in(&self, lang: Lang) -> String {
        self.render_as(annotate_snippets::Level::WARNING, "diag.warning", lang)
    }

    fn render_as(
        &self,
        level: annotate_snippets::Level<'_>,
        name: &'static str,
        lang: Lang,
    ) -> String {
        use crate::messages::text;
        use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
        let path = shown_path(&self.path);
        let message = self.message.render(lang);
        let title = level.with_name(text(lang, name, &[])).primary_title(message);
        let mut group = match &self.location {
            Some(location) => {
                let mut annotation = AnnotationKind::Primary.span(location.span.clone());
                if let Some(label) = &self.label {
                    annotation = annotation.label(label.render(lang));
                }
                title.element(
                    Snippet::source(&location.source_line)
                        .line_start(location.line)
                        .path(&path)
                        .annotation(annotation),
                )
            }
            None => {
                title.element(Level::NOTE.with_name(text(lang, "diag.note", &[])).message(text(
                    lang,
                    "diag.in_file",
                    &[("file", &self.origin())],
                )))
            }
        };
        if let Some(help) = &self.help {
            group = group.element(
                Level::HELP.with_name(text(lang, "diag.help", &[])).message(help.render(lang)),
            );
        }
        Renderer::plain().render(&[group]).to_string()
    }

    /// `file:line:col`, or the file alone.
    pub fn origin(&self) -> String {
        let path = shown_path(&self.path);
        match &self.location {
            Some(l) => format!("{path}:{}:{}", l.line, l.column),
            None => path.to_string(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.origin(), self.message)
    }
}

/// A file's path as the editor's file manager writes it: `content\events\x.md` on Windows.
/// Paths reach diagnostics from walking folders (the system's separator) and from the site's own
/// `/`-separated names (links, `content/municipalities`); on Windows both would otherwise mix.
pub fn shown_path(path: &Path) -> String {
    with_separator(&path.display().to_string(), std::path::MAIN_SEPARATOR)
}

fn with_separator(path: &str, separator: char) -> String {
    if separator == '/' { path.to_owned() } else { path.replace('/', &separator.to_string()) }
}

/// All problems of one build, reported together.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Sorted by file, line and column, without exact repeats, so that output is deterministic
    /// whatever order the parallel stages found them in.
    pub fn sorted(mut self) -> Diagnostics {
        self.0.sort_by(|a, b| {
            a.sort_key().cmp(&b.sort_key()).then(a.message.as_str().cmp(b.message.as_str()))
        });
        self.0.dedup();
        self
    }

    /// `Ok(value)` when there is no problem.
    pub fn into_result<T>(self, value: T) -> Result<T, Diagnostics> {
        if self.is_empty() { Ok(value) } else { Err(self.sorted()) }
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }
}

impl std::error::Error for Diagnostic {}

/// One line per problem (`file:line:col: message`); the command line renders them in full
/// (`Diagnostic::render`).
impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, diagnostic) in self.0.iter().enumerate() {
            if n > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{diagnostic}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Diagnostics {
        Diagnostics(vec![diagnostic])
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Diagnostics {
        Diagnostics(iter.into_iter().collect())
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// The candidate nearest to `wrong`, if it is close enough to be a likely typo.
pub fn nearest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    nearest_within(wrong, candidates, (wrong.chars().count() / 3).max(2))
}

/// The candidate nearest to `wrong` within `limit` edits.
pub fn nearest_within<'a>(
    wrong: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    limit: usize,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(wrong, c), c))
        .filter(|(distance, _)| *distance <= limit)
        .min()
        .map(|(_, c)| c)
}

/// "did you mean `x`?" for the nearest candidate, or the list of valid values when there are few.
pub fn suggest(wrong: &str, candidates: &[&str]) -> Option<Text> {
    if let Some(best) = nearest(wrong, candidates.iter().copied()) {
        return Some(crate::msg!("diag.did_you_mean", value = best));
    }
    if candidates.is_empty() {
        return None;
    }
    if candidates.len() <= 12 {
        return Some(crate::msg!("diag.one_of", values = quoted_list(candidates)));
    }
    None
}

/// `` `a`, `b`, `c` ``.
pub fn quoted_list(values: &[&str]) -> String {
    values.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_display_one_a_line_and_are_errors() {
        let problems = Diagnostics(vec![
            Diagnostic::new("content/events/a.md", Text::from("one")),
            Diagnostic::new("content/events/b.md", Text::from("two")),
        ]);
        let error: &dyn std::error::Error = &problems;
        let shown = |path: &str| shown_path(Path::new(path));
        let expected =
            format!("{}: one\n{}: two", shown("content/events/a.md"), shown("content/events/b.md"));
        assert_eq!(error.to_string(), expected);
    }

    #[test]
    fn paths_are_shown_with_the_systems_separator() {
        assert_eq!(with_separator("content/events\\x.md", '\\'), "content\\events\\x.md");
        assert_eq!(with_separator("content/events/x.md", '/'), "content/events/x.md");
        let diagnostic = Diagnostic::new(Path::new("content/events").join("x.md"), "bad");
        let expected = format!("content{0}events{0}x.md: bad", std::path::MAIN_SEPARATOR);
        assert_eq!(diagnostic.to_string(), expected);
    }

    #[test]
    fn location_from_offset_counts_lines_and_characters() {
        let text = "title: 釧路\nward: chiyodda\n";
        let offset = text.find("chiyodda").unwrap_or(0);
        let location = Location::from_offset(text, offset, 8, 2);
        assert_eq!(location.line, 3);
        assert_eq!(location.column, 7);
        assert_eq!(&location.source_line[location.span.clone()], "chiyodda");
    }

    #[test]
    fn location_from_line_col_points_at_the_token() {
        let location = Location::from_line_col("a: 1\nward: 千代田 x\n", 2, 7);
        assert_eq!(&location.source_line[location.span], "千代田");
    }

    #[test]
    fn nearest_finds_typos_only() {
        assert_eq!(nearest("chiyodda", ["chiyoda", "chuo", "minato"]), Some("chiyoda"));
        assert_eq!(nearest("osaka", ["chiyoda", "chuo", "minato"]), None);
    }

    #[test]
    fn renders_rustc_style() {
        let text = "ward: chiyodda\n";
        let diagnostic = Diagnostic::new("content/x.md", "unknown ward `chiyodda`")
            .at(Location::from_offset(text, 6, 8, 3))
            .with_help("did you mean `chiyoda`?");
        insta::assert_snapshot!(diagnostic.render());
    }
}
