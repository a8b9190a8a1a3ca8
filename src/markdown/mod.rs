//! Markdown stage: turns an entry's Markdown body into HTML, a table of contents and link problems.
//! Input: the body text (after front matter). Output: `Rendered`. Does no I/O.
//!
//! It must not read files, print, or panic on any input: a bad body still renders, and broken
//! internal links come back as [`LinkProblem`]s for the caller to report, pointing at `#` in the HTML.
//!
//! The body is parsed once (with `parser_options`) into spanned events, then flows through a chain
//! of small event adapters, each in its own submodule, before pulldown-cmark writes the HTML:
//! `links::InternalLinks` → `headings::HeadingIds` → `text::PlainText` →
//! `highlight::CodeHighlighter`. Raw HTML is allowed, escaped or sanitised as `site.toml` says
//! (`raw_html`, see the submodule).
//!
//! Before the chain, three passes over the whole list of events fix what CommonMark gets wrong
//! for Japanese: `emphasis` (CJK-friendly `**「東京」**と`), `breaks` (no space for a line break
//! between Japanese characters) and `ruby` (`{漢字|かんじ}`).

mod breaks;
mod cjk;
mod emphasis;
mod headings;
mod highlight;
mod images;
mod links;
mod raw_html;
mod ruby;
mod text;
mod toc;

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser};

pub use images::{AssetProblem, AssetResolver, NoAssets, Picture, SIZES};
pub use links::{attribute_values, external_links, is_web_url};
pub use raw_html::{RawHtml, is_safe_url, risky_html};

/// The Markdown stage's output: every rendered body, keyed by its source file; shared with
/// `renkei serve`'s cache.
pub type Bodies = std::collections::HashMap<std::path::PathBuf, std::sync::Arc<Rendered>>;

/// One rendered body.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub html: String,
    /// A hash of `html`, for the fingerprints of incremental rebuilds (made once, not per build).
    pub html_hash: u64,
    pub toc: Vec<TocEntry>,
    /// Internal links that did not resolve, in source order.
    pub problems: Vec<LinkProblem>,
    /// Plain text of the body (no markup), for summaries and search.
    pub text: String,
    /// Images without alt text, links to files that are not beside the entry (issue 10).
    pub asset_problems: Vec<AssetProblem>,
    /// The processed images the body shows or links to (their source files).
    pub images: Vec<std::path::PathBuf>,
    /// Links and images that may lead into the site (paths, and web URLs, which may be the
    /// site's own), in source order, for the check of their targets and fragments once every
    /// file of the site (and the ids of its pages) exists.
    pub site_links: Vec<SiteLink>,
}

#[derive(Debug, Clone, serde::Serialize, PartialEq)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LinkProblem {
    /// Byte range of the link destination (or of the whole link) in the Markdown passed to `render`.
    pub span: std::ops::Range<usize>,
    /// The target as written, e.g. "@/municipalities/012069.md".
    pub target: String,
    /// The nearest valid target, if one is close enough, e.g. "@/municipalities/012068.md".
    pub suggestion: Option<String>,
}

/// A link that may lead into the site: `#概要`, `/wards/arakawa/`, `../chiyoda/#h-partners`,
/// `https://renkei.example.jp/wards/`, or a resolved `@/` link (whose `href` is then the URL).
#[derive(Debug, Clone, PartialEq)]
pub struct SiteLink {
    /// Byte range of the destination (or of the whole link) in the Markdown.
    pub span: std::ops::Range<usize>,
    /// The destination as the HTML carries it, fragment included.
    pub href: String,
}

/// Resolves internal links written as paths to content files: "@/municipalities/012068.md" (with an optional "#fragment").
pub trait LinkResolver: Sync {
    /// `path` is what follows "@/", without the fragment, e.g. "municipalities/012068.md". Returns the URL, or None.
    fn resolve(&self, path: &str) -> Option<String>;
    /// All valid paths, used to suggest the nearest one when `resolve` fails (only called on failure).
    fn candidates(&self) -> Vec<String>;
}

/// A parser event with the byte range of the source it came from.
pub(crate) type Spanned<'a> = (Event<'a>, Range<usize>);

/// Renders one body with raw HTML sanitised (the default of `site.toml`).
pub fn render(markdown: &str, links: &dyn LinkResolver) -> Rendered {
    render_full(markdown, links, RawHtml::default(), &NoAssets)
}

/// `render` with the site's setting for raw HTML.
pub fn render_with(markdown: &str, links: &dyn LinkResolver, raw_html: RawHtml) -> Rendered {
    render_full(markdown, links, raw_html, &NoAssets)
}

/// Renders one body. Never fails: problems with the body's links and files come back in
/// `problems` and `asset_problems`. For an entry with files beside it (`assets`), its images
/// become responsive pictures and its relative links point at the published files.
pub fn render_full(
    markdown: &str,
    links: &dyn LinkResolver,
    raw_html: RawHtml,
    assets: &dyn AssetResolver,
) -> Rendered {
    let events = ruby::apply(breaks::apply(emphasis::apply(parse(markdown), markdown)));
    // The editor's raw HTML is handled before the images add the markup Renkei writes itself.
    let (events, must_sanitize) = raw_html::apply(events, raw_html);
    let mut found = images::Found::default();
    let events = images::apply(events, markdown, assets, &mut found);
    // Decided up front so that a page without highlightable code never loads syntect.
    let syntaxes = highlight::needs_highlighting(&events).then(highlight::syntax_set);
    let reserved_ids = headings::reserved_ids(&events);

    let mut problems = Vec::new();
    let mut site_links = Vec::new();
    let mut headings = Vec::new();
    let mut text = String::new();
    let mut html = String::with_capacity(markdown.len() + markdown.len() / 2);

    let events = links::InternalLinks::new(
        events.into_iter(),
        markdown,
        links,
        links::Found { problems: &mut problems, site_links: &mut site_links },
    );
    let events = headings::HeadingIds::new(events, reserved_ids, &mut headings);
    let events = text::PlainText::new(events, &mut text);
    let events = highlight::CodeHighlighter::new(events, syntaxes);
    pulldown_cmark::html::push_html(&mut html, events.map(|(event, _)| event));
    if must_sanitize {
        html = raw_html::sanitize(&html);
    }
    // Every body is held until the last page is written: the spare capacity left by growing
    // the string would be a third of what the bodies take.
    html.shrink_to_fit();

    Rendered {
        html_hash: crate::hash::of(&html),
        html,
        toc: toc::nest(headings),
        problems,
        text: text::finish(text),
        asset_problems: found.problems,
        images: found.images,
        site_links,
    }
}

/// The one set of parser options used for every body, so that all stages see the same syntax.
pub(crate) fn parser_options() -> Options {
    // Smart punctuation stays off: it would rewrite quotes and dashes in Japanese text.
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Parses `markdown` into events that remember where in the source they came from.
pub(crate) fn parse(markdown: &str) -> Vec<Spanned<'_>> {
    Parser::new_ext(markdown, parser_options()).into_offset_iter().collect()
}

/// Test doubles shared by the submodules' tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::LinkResolver;

    /// A site whose valid paths are fixed; each resolves to "/<path without .md>/".
    pub(crate) struct FixedSite(pub(crate) &'static [&'static str]);

    impl LinkResolver for FixedSite {
        fn resolve(&self, path: &str) -> Option<String> {
            self.0.contains(&path).then(|| format!("/{}/", path.trim_end_matches(".md")))
        }

        fn candidates(&self) -> Vec<String> {
            self.0.iter().map(|path| path.to_string()).collect()
        }
    }

    pub(crate) const SITE: FixedSite = FixedSite(&[
        "municipalities/012068.md",
        "municipalities/012025.md",
        "wards/arakawa.md",
        "wards/chiyoda.md",
        "about.md",
    ]);

    /// Renders events back to HTML, for testing one adapter on its own.
    pub(crate) fn to_html<'a>(events: impl Iterator<Item = super::Spanned<'a>>) -> String {
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, events.map(|(event, _)| event));
        html
    }
}

#[cfg(test)]
mod tests {
    use super::testing::SITE;
    use super::*;
    use proptest::prelude::*;

    fn html(markdown: &str) -> String {
        render(markdown, &SITE).html
    }

    fn all_ids(toc: &[TocEntry]) -> Vec<String> {
        toc.iter()
            .flat_map(|entry| std::iter::once(entry.id.clone()).chain(all_ids(&entry.children)))
            .collect()
    }

    #[test]
    fn japanese_page_renders_whole() {
        let md = "# 釧路市\n\n## 概要\n\n釧路市は[荒川区](@/wards/arakawa.md#partners)と連携しています。\n\n\
                  ## 概要\n\n```rust\nfn main() {}\n```\n\n## 「東京」と全国\n\n- [x] 協定締結\n- [ ] 交流事業\n";
        let rendered = render(md, &SITE);
        insta::assert_snapshot!(rendered.html);
        insta::assert_debug_snapshot!(rendered.toc);
        assert!(rendered.problems.is_empty());
        assert_eq!(
            rendered.text,
            "釧路市\n概要\n釧路市は荒川区と連携しています。\n概要\nfn main() {}\n「東京」と全国\n協定締結\n交流事業"
        );
    }

    #[test]
    fn japanese_headings_get_readable_unique_ids() {
        let md = "## 釧路市の魅力\n## 概要\n## 概要\n## 「東京」と全国\n## Q&A: 連携とは？\n";
        let ids = all_ids(&render(md, &SITE).toc);
        assert_eq!(ids, ["釧路市の魅力", "概要", "概要-1", "東京-と全国", "q-a-連携とは"]);
        insta::assert_snapshot!(html(md));
    }

    #[test]
    fn japanese_markdown_fixes_render_together() {
        let md = "## **「東京」**と{弟子屈町|てしかが}の連携\n\n\
                  **「特別区」**と全国の自治体が\n連携します。\n\
                  English lines\nkeep their space.\n\n\
                  `**「コード」**と{漢字|かんじ}`\n\n\
                  ```\n**「東京」**と\n{漢字|かんじ}\n```\n";
        let rendered = render(md, &SITE);
        insta::assert_snapshot!(rendered.html);
        assert_eq!(rendered.toc[0].title, "「東京」と弟子屈町の連携");
        let at_the_end = render("## 北海道の{弟子屈町|てしかが}\n", &SITE);
        assert_eq!(at_the_end.toc[0].title, "北海道の弟子屈町");
        assert_eq!(at_the_end.toc[0].id, "北海道の弟子屈町");
        assert!(rendered.text.contains("全国の自治体が連携します。"), "{}", rendered.text);
    }

    #[test]
    fn footnotes_render() {
        insta::assert_snapshot!(html("本文[^1]です。\n\n[^1]: 注記の内容。\n"));
    }

    #[test]
    fn tables_render() {
        insta::assert_snapshot!(html("| 区 | 自治体 |\n|:---|---:|\n| 荒川区 | 釧路市 |\n"));
    }

    #[test]
    fn task_lists_render() {
        insta::assert_snapshot!(html("- [x] 済み\n- [ ] 未着手\n"));
    }

    #[test]
    fn strikethrough_renders() {
        assert_eq!(html("~~旧名称~~"), "<p><del>旧名称</del></p>\n");
    }

    #[test]
    fn smart_punctuation_is_off() {
        assert_eq!(html("\"quoted\" -- 'single' ..."), "<p>\"quoted\" -- 'single' ...</p>\n");
    }

    #[test]
    fn raw_html_passes_through() {
        assert_eq!(html("<div class=\"map\">地図</div>\n"), "<div class=\"map\">地図</div>\n");
        assert_eq!(html("a <b>b</b>"), "<p>a <b>b</b></p>\n");
    }

    #[test]
    fn broken_link_is_reported_and_points_nowhere() {
        let md = "[釧路市](@/municipalities/012069.md)";
        let rendered = render(md, &SITE);
        assert_eq!(rendered.html, "<p><a href=\"#\">釧路市</a></p>\n");
        let [problem] = rendered.problems.as_slice() else { panic!("{:?}", rendered.problems) };
        assert_eq!(&md[problem.span.clone()], "@/municipalities/012069.md");
    }

    #[test]
    fn empty_body_renders_empty() {
        let rendered = render("", &SITE);
        assert_eq!(rendered.html, "");
        assert!(
            rendered.toc.is_empty() && rendered.problems.is_empty() && rendered.text.is_empty()
        );
    }

    /// Markdown made of the characters that drive the parser hardest, plus some Japanese.
    fn markdownish() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "#",
            "## ",
            "\n",
            "\n\n",
            " ",
            "    ",
            "*",
            "_",
            "`",
            "```",
            "```rust\n",
            "~~~yaml\n",
            "[",
            "]",
            "(",
            ")",
            "!",
            "<",
            ">",
            "{#",
            "}",
            "|",
            "---",
            "-",
            "[^1]",
            "[^1]: ",
            ":",
            "\\",
            "&",
            "@/",
            "@/wards/arakawa.md",
            "#x",
            "- [ ] ",
            "1. ",
            "<div>",
            "</div>",
            "\"",
            "概要",
            "「",
            "」",
            "。",
            "？",
            "\u{3000}",
            "a",
            "Z",
            "0",
            "\t",
            "\r\n",
            "|---|\n",
        ]);
        prop::collection::vec(pieces, 0..80).prop_map(|pieces| pieces.concat())
    }

    proptest! {
        #[test]
        fn render_never_panics_on_any_string(md in any::<String>()) {
            let _ = render(&md, &SITE);
        }

        #[test]
        fn render_never_panics_on_markdown_punctuation(md in markdownish()) {
            let rendered = render(&md, &SITE);
            for problem in &rendered.problems {
                prop_assert!(md.get(problem.span.clone()).is_some());
            }
            for link in &rendered.site_links {
                prop_assert!(md.get(link.span.clone()).is_some());
                prop_assert!(!link.href.is_empty());
            }
        }

        #[test]
        fn heading_ids_on_a_page_are_unique(
            titles in prop::collection::vec("[概要a-c1 \\-!「」{}#]{0,8}", 0..12)
        ) {
            let md: String = titles.iter().map(|title| format!("## {title}\n")).collect();
            let ids = all_ids(&render(&md, &SITE).toc);
            let unique: std::collections::HashSet<_> = ids.iter().collect();
            prop_assert_eq!(unique.len(), ids.len(), "{:?}", ids);
        }
    }
}
