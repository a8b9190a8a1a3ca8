//! Property tests: the functions that see every editor's text never panic, whatever the text.

use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

use renkei::diag::Location;
use renkei::load::front_matter::split;
use renkei::markdown::{self, LinkResolver};

/// Text made of pieces that front matter and Markdown care about, mixed with arbitrary text, so
/// that the interesting paths (fences, links, tables, code blocks) are reached often.
fn pieces(vocabulary: &'static [&'static str]) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => proptest::sample::select(vocabulary).prop_map(str::to_owned),
        1 => any::<String>(),
        1 => "[\\PC\\n\\r\\t]{0,8}",
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|parts| parts.concat())
}

const FRONT_MATTER: &[&str] = &[
    "---",
    "---\n",
    "--- \n",
    "---\r\n",
    "\n",
    "\r\n",
    "\r",
    "title: 釧路市\n",
    "date: 2016-10-15\n",
    "- ",
    "  ",
    "\u{feff}",
    "----",
    "--",
    "本文",
    "# 見出し\n",
    "\t",
    "é",
    "\u{10FFFF}",
];

const MARKDOWN: &[&str] = &[
    "\n",
    "\n\n",
    "# ",
    "## 見出し",
    "### Q&A: 連携とは？",
    " {#id}",
    "{#",
    "[釧路市](@/municipalities/012068.md)",
    "[x](@/municipalities/012069.md#partners)",
    "](@/",
    "@/",
    "[",
    "]",
    "(",
    ")",
    "[^1]",
    "[^1]: 注記",
    "[^",
    "| 区 | 自治体 |\n",
    "|---|---|\n",
    "| 荒川区 | 釧路市 |\n",
    "```rust\n",
    "```\n",
    "```",
    "~~~",
    "    code\n",
    "`",
    "**",
    "*",
    "_",
    "~~",
    "- [ ] ",
    "- [x] ",
    "1. ",
    "> ",
    "<div>",
    "</div>",
    "<!--",
    "-->",
    "&amp;",
    "&",
    "<",
    "\\",
    "![alt](img.png)",
    "<https://example.org/>",
    "---\n",
    "===\n",
    "\t",
    "\u{3000}",
    "𠮷",
    "\u{200d}",
    "\r\n",
];

/// A site in which no internal link resolves (with or without candidates to suggest).
struct NothingResolves {
    candidates: Vec<String>,
}

impl LinkResolver for NothingResolves {
    fn resolve(&self, _path: &str) -> Option<String> {
        None
    }

    fn candidates(&self) -> Vec<String> {
        self.candidates.clone()
    }
}

/// Where `part` begins in `whole`, when it is a slice of it.
fn offset_in(whole: &str, part: &str) -> Option<usize> {
    let start = (part.as_ptr() as usize).checked_sub(whole.as_ptr() as usize)?;
    (start + part.len() <= whole.len()).then_some(start)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        // Failures are remembered beside this file (the default would write at the crate root).
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/proptest-regressions/properties.txt",
        ))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn split_never_panics_and_returns_slices_in_order(text in pieces(FRONT_MATTER)) {
        check_split(&text)?;
    }

    #[test]
    fn split_never_panics_on_arbitrary_strings(text in any::<String>()) {
        check_split(&text)?;
    }

    #[test]
    fn markdown_never_panics(text in pieces(MARKDOWN), suggest in any::<bool>()) {
        let candidates = if suggest {
            vec!["municipalities/012068.md".to_owned(), "wards/arakawa.md".to_owned()]
        } else {
            Vec::new()
        };
        let rendered = markdown::render(&text, &NothingResolves { candidates });
        for problem in &rendered.problems {
            prop_assert!(problem.span.start <= problem.span.end, "{:?}", problem);
            prop_assert!(problem.span.end <= text.len(), "{:?}", problem);
            prop_assert!(text.is_char_boundary(problem.span.start), "{:?}", problem);
            prop_assert!(text.is_char_boundary(problem.span.end), "{:?}", problem);
            prop_assert!(problem.target.starts_with("@/"), "{:?}", problem);
        }
        prop_assert!(!rendered.html.contains("href=\"@/"), "an unresolved link is not kept: {}", rendered.html);
    }

    #[test]
    fn markdown_never_panics_on_arbitrary_strings(text in any::<String>()) {
        markdown::render(&text, &NothingResolves { candidates: Vec::new() });
    }

    #[test]
    fn location_from_offset_never_panics(
        text in any::<String>(),
        offset in prop_oneof![0..64usize, any::<usize>(), Just(usize::MAX)],
        len in 0..1024usize,
        first_line in 1..100_000usize,
    ) {
        check_location(&text, offset, len, first_line)?;
    }

    #[test]
    fn location_from_offset_never_panics_for_any_length(
        text in any::<String>(),
        offset in prop_oneof![0..64usize, any::<usize>(), Just(usize::MAX)],
        len in prop_oneof![0..64usize, any::<usize>(), (usize::MAX - 64)..=usize::MAX],
        first_line in 1..100_000usize,
    ) {
        check_location(&text, offset, len, first_line)?;
    }

    #[test]
    fn location_from_offset_never_panics_on_lines(
        text in pieces(&["\n", "\r\n", "釧路", "a", " ", "\t", "𠮷", "\r"]),
        offset in 0..80usize,
        len in 0..80usize,
    ) {
        check_location(&text, offset, len, 1)?;
    }
}

fn check_split(text: &str) -> Result<(), TestCaseError> {
    let Ok(split) = split(text) else { return Ok(()) };
    let yaml = offset_in(text, split.yaml);
    let body = offset_in(text, split.body);
    prop_assert!(yaml.is_some(), "the yaml is a slice of the input");
    prop_assert!(body.is_some(), "the body is a slice of the input");
    let (yaml, body) = (yaml.unwrap_or_default(), body.unwrap_or_default());
    prop_assert!(yaml + split.yaml.len() <= body, "the yaml comes before the body");
    prop_assert_eq!(body, split.body_offset);
    prop_assert_eq!(body + split.body.len(), text.len(), "the body runs to the end");
    prop_assert!(split.yaml_line >= 1 && split.yaml_line < split.body_line);
    if text[..body].ends_with('\n') {
        prop_assert_eq!(split.body_line, text[..body].matches('\n').count() + 1);
    } else {
        // A closing fence on the last line, without a line break: the body is empty.
        prop_assert!(split.body.is_empty());
    }
    Ok(())
}

fn check_location(
    text: &str,
    offset: usize,
    len: usize,
    first_line: usize,
) -> Result<(), TestCaseError> {
    let location = Location::from_offset(text, offset, len, first_line);
    prop_assert!(location.line >= first_line);
    prop_assert!(location.column >= 1);
    prop_assert!(location.span.start <= location.span.end);
    prop_assert!(location.span.end <= location.source_line.len());
    prop_assert!(location.source_line.is_char_boundary(location.span.start));
    prop_assert!(location.source_line.is_char_boundary(location.span.end));
    prop_assert!(!location.source_line.contains('\n'));
    prop_assert!(text.contains(&location.source_line));
    Ok(())
}

#[test]
fn location_from_offset_at_the_end_of_the_text() {
    let text = "title: 釧路\nward: chiyodda";
    let location = Location::from_offset(text, text.len(), 5, 2);
    assert_eq!((location.line, location.source_line.as_str()), (3, "ward: chiyodda"));
    assert_eq!(location.column, "ward: chiyodda".chars().count() + 1);
    let location = Location::from_offset(text, usize::MAX, 0, 2);
    assert_eq!(location.line, 3);
}

#[test]
fn location_from_offset_with_a_huge_length() {
    let text = "ward: chiyodda\n";
    let location = Location::from_offset(text, 6, usize::MAX, 1);
    assert_eq!(&location.source_line[location.span.clone()], "chiyodda");
}
