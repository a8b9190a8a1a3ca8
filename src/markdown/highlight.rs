//! Code highlighting: fenced code blocks in a language syntect knows become `<span>`s with
//! "hl-"-prefixed CSS classes (the site's stylesheet colours them); everything else stays plain.
//!
//! Loading syntect's syntaxes takes long enough to matter on every build, so it happens once, and
//! only for a page that has a fenced block with a language: see [`needs_highlighting`].

use std::collections::VecDeque;
use std::sync::OnceLock;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Tag, TagEnd};
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::{SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

use super::Spanned;
use crate::html;

/// Prefix of every highlighting class, so they cannot clash with the site's own classes.
const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

static SYNTAXES: OnceLock<SyntaxSet> = OnceLock::new();

/// syntect's default syntaxes, loaded on first use.
pub(crate) fn syntax_set() -> &'static SyntaxSet {
    SYNTAXES.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// Whether the syntaxes have been loaded in this process.
#[cfg(test)]
pub(crate) fn highlighter_loaded() -> bool {
    SYNTAXES.get().is_some()
}

/// Whether the page has a fenced code block with a language, the only thing worth loading
/// syntect for.
pub(crate) fn needs_highlighting(events: &[Spanned<'_>]) -> bool {
    events.iter().any(|(event, _)| fenced_language(event).is_some())
}

/// The language of a fenced code block's start, if it names one: the info string's first word
/// ("rust" in "rust,ignore" or "rust title=main.rs").
fn fenced_language<'e>(event: &'e Event<'_>) -> Option<&'e str> {
    let Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) = event else { return None };
    let language = info.split(|c: char| c.is_whitespace() || c == ',').next()?;
    (!language.is_empty()).then_some(language)
}

/// Adapter: replaces each fenced code block whose language syntect knows with one HTML event
/// holding the highlighted block. With no syntaxes (`None`), it passes everything on unchanged.
/// Blocks in an unknown language, without one, or indented, are left for pulldown-cmark to write
/// as plain escaped `<pre><code>` (keeping its `language-…` class).
pub(crate) struct CodeHighlighter<'a, I> {
    events: I,
    syntaxes: Option<&'static SyntaxSet>,
    /// Events of a block that could not be highlighted after all, waiting to be handed on.
    ready: VecDeque<Spanned<'a>>,
}

impl<'a, I: Iterator<Item = Spanned<'a>>> CodeHighlighter<'a, I> {
    pub(crate) fn new(events: I, syntaxes: Option<&'static SyntaxSet>) -> Self {
        Self { events, syntaxes, ready: VecDeque::new() }
    }

    fn known_syntax(&self, event: &Event<'_>) -> Option<(&'static SyntaxReference, String)> {
        let language = fenced_language(event)?;
        let syntax = self.syntaxes?.find_syntax_by_token(language)?;
        Some((syntax, language.to_owned()))
    }

    /// The block's events up to and including its end.
    fn take_block_body(&mut self) -> Vec<Spanned<'a>> {
        let mut body = Vec::new();
        for (event, range) in self.events.by_ref() {
            let is_end = matches!(event, Event::End(TagEnd::CodeBlock));
            body.push((event, range));
            if is_end {
                break;
            }
        }
        body
    }
}

impl<'a, I: Iterator<Item = Spanned<'a>>> Iterator for CodeHighlighter<'a, I> {
    type Item = Spanned<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(event) = self.ready.pop_front() {
            return Some(event);
        }
        let (start, range) = self.events.next()?;
        let (Some(syntaxes), Some((syntax, language))) = (self.syntaxes, self.known_syntax(&start))
        else {
            return Some((start, range));
        };
        let body = self.take_block_body();
        match highlighted_block(&code_of(&body), &language, syntax, syntaxes) {
            Some(html) => Some((Event::Html(CowStr::from(html)), range)),
            // syntect gave up on this code: fall back to the plain block rather than lose it.
            None => {
                self.ready.extend(body);
                Some((start, range))
            }
        }
    }
}

fn code_of(body: &[Spanned<'_>]) -> String {
    body.iter()
        .filter_map(|(event, _)| match event {
            Event::Text(text) => Some(text.as_ref()),
            _ => None,
        })
        .collect()
}

/// `<pre class="highlight" data-lang="…"><code>…</code></pre>`, or None if syntect fails.
fn highlighted_block(
    code: &str,
    language: &str,
    syntax: &SyntaxReference,
    syntaxes: &SyntaxSet,
) -> Option<String> {
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, syntaxes, CLASS_STYLE);
    for line in LinesWithEndings::from(code) {
        generator.parse_html_for_line_which_includes_newline(line).ok()?;
    }
    Some(format!(
        "<pre class=\"highlight\" data-lang=\"{}\"><code>{}</code></pre>\n",
        html::escape(language),
        generator.finalize()
    ))
}

#[cfg(test)]
mod tests {
    use std::process::Command;

    use super::super::testing::{SITE, to_html};
    use super::super::{parse, render};
    use super::*;

    /// Runs only this adapter over `markdown`, with the syntaxes loaded.
    fn highlighted(markdown: &str) -> String {
        to_html(CodeHighlighter::new(parse(markdown).into_iter(), Some(syntax_set())))
    }

    fn plain(markdown: &str) -> String {
        to_html(parse(markdown).into_iter())
    }

    #[test]
    fn rust_is_highlighted() {
        let html = highlighted("```rust\nfn main() {\n    let x = \"<&>\";\n}\n```\n");
        assert!(html.starts_with("<pre class=\"highlight\" data-lang=\"rust\"><code>"));
        assert!(html.contains("hl-source hl-rust"));
        assert!(html.contains("&lt;&amp;&gt;"));
        insta::assert_snapshot!(html);
    }

    #[test]
    fn yaml_is_highlighted() {
        let html = highlighted("```yaml\ntitle: 釧路市\npartners:\n  - arakawa # 荒川区\n```\n");
        assert!(html.contains("hl-source hl-yaml"));
        insta::assert_snapshot!(html);
    }

    #[test]
    fn info_string_extras_are_ignored() {
        let html = highlighted("```rust,ignore title=main.rs\nfn f() {}\n```\n");
        assert!(html.starts_with("<pre class=\"highlight\" data-lang=\"rust\">"));
    }

    #[test]
    fn unknown_language_stays_plain_with_its_class() {
        let md = "```no-such-language\n<a> & b\n```\n";
        assert_eq!(
            highlighted(md),
            "<pre><code class=\"language-no-such-language\">&lt;a&gt; &amp; b\n</code></pre>\n"
        );
    }

    #[test]
    fn no_language_and_indented_code_stay_plain() {
        let md = "```\n<x>\n```\n\n    indented <y>\n";
        assert_eq!(highlighted(md), plain(md));
        insta::assert_snapshot!(highlighted(md));
    }

    #[test]
    fn without_syntaxes_everything_passes_unchanged() {
        let md = "```rust\nfn main() {}\n```\n";
        assert_eq!(to_html(CodeHighlighter::new(parse(md).into_iter(), None)), plain(md));
    }

    #[test]
    fn code_in_a_list_item_is_highlighted_in_place() {
        insta::assert_snapshot!(highlighted("- 手順\n\n  ```sh\n  cargo build\n  ```\n- 次\n"));
    }

    #[test]
    fn needs_highlighting_only_for_fenced_code_with_a_language() {
        let needs = |md: &str| needs_highlighting(&parse(md));
        assert!(!needs("# 題\n\n本文と`インライン`\n"));
        assert!(!needs("```\nplain\n```\n"));
        assert!(!needs("    indented\n"));
        assert!(needs("```rust\nfn f() {}\n```\n"));
        assert!(needs("> ~~~no-such-language\n> x\n> ~~~\n"));
    }

    /// Tells [`probe_page_without_code_leaves_syntect_unloaded`] that it runs in its own process.
    const PROBE_VARIABLE: &str = "RENKEI_MARKDOWN_SYNTECT_PROBE";

    /// Other tests in this binary load the syntaxes, in parallel, so only a fresh process can show
    /// that rendering a page without code does not: this reruns the test binary for the probe alone.
    #[test]
    fn page_without_code_never_loads_syntect() {
        let own_path = module_path!().split_once("::").map_or(module_path!(), |(_, path)| path);
        let probe = format!("{own_path}::probe_page_without_code_leaves_syntect_unloaded");
        let binary = std::env::current_exe().expect("the test binary knows its path");
        let output = Command::new(binary)
            .args(["--exact", &probe, "--ignored", "--test-threads=1"])
            .env(PROBE_VARIABLE, "1")
            .output()
            .expect("the test binary can be rerun");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
        assert!(stdout.contains("1 passed"), "the probe did not run: {stdout}");
    }

    #[test]
    #[ignore = "run alone in a fresh process by page_without_code_never_loads_syntect"]
    fn probe_page_without_code_leaves_syntect_unloaded() {
        if std::env::var_os(PROBE_VARIABLE).is_none() {
            return;
        }
        let without_code = "# 題\n\n`インライン`\n\n```\nplain\n```\n\n    indented\n";
        let _ = render(without_code, &SITE);
        assert!(!highlighter_loaded(), "a page without fenced code in a language loaded syntect");
        let _ = render("```rust\nfn f() {}\n```\n", &SITE);
        assert!(highlighter_loaded());
    }
}
