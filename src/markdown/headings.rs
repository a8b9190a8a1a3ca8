//! Heading ids: every heading gets an `id` that is readable in Japanese and unique on the page,
//! and is recorded (flat, in source order) for the table of contents.

use std::collections::{HashMap, HashSet, VecDeque};

use pulldown_cmark::{CowStr, Event, HeadingLevel, Tag, TagEnd};

use super::{Spanned, TocEntry};

/// What an id becomes when a heading has nothing to make one from (e.g. "## ！？").
const FALLBACK_ID: &str = "section";

/// Turns heading text into an id: letters and digits of every script are kept (kanji and kana as
/// they are), ASCII letters are lower-cased, and every run of anything else — whitespace, ASCII or
/// Japanese punctuation, symbols — becomes one '-', never at either end.
pub(crate) fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut separator_pending = false;
    for c in text.chars() {
        if !is_kept_in_slug(c) {
            separator_pending = true;
            continue;
        }
        if separator_pending && !slug.is_empty() {
            slug.push('-');
        }
        separator_pending = false;
        slug.push(c.to_ascii_lowercase());
    }
    if slug.is_empty() { FALLBACK_ID.to_owned() } else { slug }
}

fn is_kept_in_slug(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

/// Combining marks are part of the letter before them (e.g. a decomposed "が" is "か" + U+3099),
/// so splitting there would cut words in two.
fn is_combining_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}'
        | '\u{3099}'..='\u{309A}')
}

/// Hands out ids that are unique on one page.
#[derive(Debug, Default)]
pub(crate) struct IdAllocator {
    used: HashSet<String>,
    /// Ids written explicitly somewhere on the page, which generated ids must not take even
    /// when they come first.
    reserved: HashSet<String>,
    /// For each base id, the suffix to try next: every smaller one is taken already, and starting
    /// there keeps a page with thousands of equal headings from trying them all again each time.
    next_suffix: HashMap<String, u64>,
}

impl IdAllocator {
    pub(crate) fn with_reserved(reserved: HashSet<String>) -> Self {
        Self { used: HashSet::new(), reserved, next_suffix: HashMap::new() }
    }

    /// An id the author wrote (`{#id}`) is kept as written, unless an earlier heading already has it.
    pub(crate) fn explicit(&mut self, id: &str) -> String {
        if self.used.insert(id.to_owned()) { id.to_owned() } else { self.first_free(id) }
    }

    /// An id made from the heading text takes the first of "slug", "slug-1", "slug-2", … that is
    /// neither used nor reserved.
    pub(crate) fn generated(&mut self, title: &str) -> String {
        let slug = slugify(title);
        if self.is_free(&slug) {
            self.used.insert(slug.clone());
            return slug;
        }
        self.first_free(&slug)
    }

    fn first_free(&mut self, base: &str) -> String {
        let mut suffix = self.next_suffix.get(base).copied().unwrap_or(1);
        let id = loop {
            let candidate = format!("{base}-{suffix}");
            suffix += 1;
            if self.is_free(&candidate) {
                break candidate;
            }
        };
        self.next_suffix.insert(base.to_owned(), suffix);
        self.used.insert(id.clone());
        id
    }

    fn is_free(&self, id: &str) -> bool {
        !self.used.contains(id) && !self.reserved.contains(id)
    }
}

/// Ids that are taken on the page before any heading is seen: explicit heading ids, and footnote
/// labels (pulldown-cmark uses them as the ids of footnote definitions).
pub(crate) fn reserved_ids(events: &[Spanned<'_>]) -> HashSet<String> {
    events
        .iter()
        .filter_map(|(event, _)| match event {
            Event::Start(Tag::Heading { id: Some(id), .. }) if !id.is_empty() => {
                Some(id.to_string())
            }
            Event::Start(Tag::FootnoteDefinition(label)) => Some(label.to_string()),
            _ => None,
        })
        .collect()
}

/// Adapter: gives every heading its id and records it, flat and in source order, in `headings`
/// (each entry without children; [`super::toc::nest`] builds the tree).
pub(crate) struct HeadingIds<'a, 's, I> {
    events: I,
    ids: IdAllocator,
    headings: &'s mut Vec<TocEntry>,
    /// The events of the heading just finished, waiting to be handed on.
    ready: VecDeque<Spanned<'a>>,
}

impl<'a, 's, I: Iterator<Item = Spanned<'a>>> HeadingIds<'a, 's, I> {
    pub(crate) fn new(
        events: I,
        reserved: HashSet<String>,
        headings: &'s mut Vec<TocEntry>,
    ) -> Self {
        Self { events, ids: IdAllocator::with_reserved(reserved), headings, ready: VecDeque::new() }
    }

    /// Collects the heading's inner events up to and including its end, because the id depends on
    /// text that comes after the start tag.
    fn take_heading_body(&mut self) -> Vec<Spanned<'a>> {
        let mut body = Vec::new();
        for (event, range) in self.events.by_ref() {
            let is_end = matches!(event, Event::End(TagEnd::Heading(_)));
            body.push((event, range));
            if is_end {
                break;
            }
        }
        body
    }

    fn with_id(&mut self, start: Tag<'a>, body: &[Spanned<'a>]) -> Tag<'a> {
        let Tag::Heading { level, id, classes, attrs } = start else { return start };
        let title = plain_title(body);
        let id = match id.filter(|id| !id.is_empty()) {
            Some(explicit) => self.ids.explicit(&explicit),
            None => self.ids.generated(&title),
        };
        self.headings.push(TocEntry {
            level: level_number(level),
            id: id.clone(),
            title,
            children: Vec::new(),
        });
        Tag::Heading { level, id: Some(CowStr::from(id)), classes, attrs }
    }
}

impl<'a, I: Iterator<Item = Spanned<'a>>> Iterator for HeadingIds<'a, '_, I> {
    type Item = Spanned<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(event) = self.ready.pop_front() {
            return Some(event);
        }
        match self.events.next()? {
            (Event::Start(start @ Tag::Heading { .. }), range) => {
                let body = self.take_heading_body();
                let start = self.with_id(start, &body);
                self.ready.extend(body);
                Some((Event::Start(start), range))
            }
            other => Some(other),
        }
    }
}

/// The heading's text without markup, as the table of contents shows it.
fn plain_title(body: &[Spanned<'_>]) -> String {
    let mut title = String::new();
    for (event, _) in body {
        match event {
            Event::Text(text) | Event::Code(text) => title.push_str(text),
            Event::SoftBreak | Event::HardBreak => title.push(' '),
            _ => {}
        }
    }
    title.trim().to_owned()
}

fn level_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{parse, testing::to_html};
    use super::*;
    use proptest::prelude::*;

    /// Runs only this adapter over `markdown`, returning the HTML and the recorded headings.
    fn with_ids(markdown: &str) -> (String, Vec<TocEntry>) {
        let events = parse(markdown);
        let reserved = reserved_ids(&events);
        let mut headings = Vec::new();
        let html = to_html(HeadingIds::new(events.into_iter(), reserved, &mut headings));
        (html, headings)
    }

    fn ids(markdown: &str) -> Vec<String> {
        with_ids(markdown).1.into_iter().map(|heading| heading.id).collect()
    }

    #[test]
    fn japanese_text_is_kept_as_is() {
        assert_eq!(slugify("釧路市の魅力"), "釧路市の魅力");
        assert_eq!(slugify("ラーメン々"), "ラーメン々");
    }

    #[test]
    fn japanese_punctuation_separates() {
        assert_eq!(slugify("「東京」と全国"), "東京-と全国");
        assert_eq!(slugify("Q&A: 連携とは？"), "q-a-連携とは");
        assert_eq!(slugify("交流・連携（令和6年度）、開始。"), "交流-連携-令和6年度-開始");
        assert_eq!(slugify("全角\u{3000}スペース"), "全角-スペース");
    }

    #[test]
    fn ascii_is_lower_cased_and_punctuation_runs_collapse() {
        assert_eq!(slugify("  Hello,   World!! "), "hello-world");
        assert_eq!(slugify("snake_case--and--dashes"), "snake-case-and-dashes");
        assert_eq!(slugify("Ｆｕｌｌ"), "Ｆｕｌｌ");
    }

    #[test]
    fn nothing_to_keep_becomes_section() {
        assert_eq!(slugify(""), "section");
        assert_eq!(slugify("！？「」"), "section");
        assert_eq!(slugify("--- ---"), "section");
    }

    #[test]
    fn decomposed_kana_stays_whole() {
        assert_eq!(slugify("か\u{3099}いよう"), "か\u{3099}いよう");
    }

    #[test]
    fn repeated_titles_get_numbered() {
        assert_eq!(ids("## 概要\n## 概要\n## 概要\n"), ["概要", "概要-1", "概要-2"]);
    }

    #[test]
    fn numbering_skips_ids_that_are_taken() {
        assert_eq!(ids("## 概要 1\n## 概要\n## 概要\n"), ["概要-1", "概要", "概要-2"]);
    }

    #[test]
    fn explicit_id_is_respected_and_reserved() {
        assert_eq!(ids("## 概要\n## 別の見出し {#概要}\n"), ["概要-1", "概要"]);
        assert_eq!(ids("## Intro {#top}\n## Top\n"), ["top", "top-1"]);
    }

    #[test]
    fn many_equal_headings_stay_fast_and_unique() {
        let md = "## 概要\n".repeat(5000);
        let ids = ids(&md);
        assert_eq!((ids[1].as_str(), ids[4999].as_str()), ("概要-1", "概要-4999"));
    }

    #[test]
    fn duplicate_explicit_ids_are_made_unique() {
        assert_eq!(ids("## A {#x}\n## B {#x}\n"), ["x", "x-1"]);
    }

    #[test]
    fn footnote_labels_are_not_taken_by_headings() {
        assert_eq!(ids("## 1\n\n本文[^1]\n\n[^1]: 注\n"), ["1-1"]);
    }

    #[test]
    fn explicit_id_is_escaped_in_html() {
        let (html, _) = with_ids("## 見出し {#a'b&c}\n");
        insta::assert_snapshot!(html);
    }

    #[test]
    fn headings_get_ids_in_html() {
        let md = "# 釧路市\n\n## 釧路市の魅力\n\n## 概要\n\n## 概要\n\n## 「東京」と全国\n\n## Q&A: 連携とは？\n\n### `code` と *強調*\n";
        let (html, headings) = with_ids(md);
        insta::assert_snapshot!(html);
        insta::assert_debug_snapshot!(headings);
    }

    #[test]
    fn title_is_plain_text() {
        let (_, headings) = with_ids("## [リンク](x) と `code` と <b>太字</b>\n");
        assert_eq!(headings[0].title, "リンク と code と 太字");
    }

    #[test]
    fn setext_heading_across_lines_is_one_title() {
        let (_, headings) = with_ids("一行目\n二行目\n======\n");
        assert_eq!((headings[0].level, headings[0].title.as_str()), (1, "一行目 二行目"));
    }

    #[test]
    fn other_events_pass_untouched() {
        let md = "段落\n\n- 項目\n\n```\ncode\n```\n";
        let (html, headings) = with_ids(md);
        assert_eq!(html, to_html(parse(md).into_iter()));
        assert!(headings.is_empty());
    }

    proptest! {
        #[test]
        fn slug_has_no_whitespace_or_punctuation_but_dash(text in any::<String>()) {
            let slug = slugify(&text);
            prop_assert!(!slug.is_empty());
            prop_assert!(!slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"));
            prop_assert!(
                slug.chars().all(|c| !c.is_whitespace() && (c == '-' || !c.is_ascii_punctuation())),
                "{:?}", slug
            );
        }

        #[test]
        fn slugify_is_idempotent(text in any::<String>()) {
            let once = slugify(&text);
            prop_assert_eq!(slugify(&once), once);
        }

        #[test]
        fn slugify_is_idempotent_on_japanese_and_punctuation(text in "[概要釧路市「」、。・（）！？ A-Za-z0-9_.:&\\-\u{3000}]{0,30}") {
            let once = slugify(&text);
            prop_assert_eq!(slugify(&once), once);
        }

        #[test]
        fn allocator_never_repeats(titles in prop::collection::vec("[a概要 \\-1]{0,5}", 0..20), explicit in prop::collection::vec("[a概要\\-1]{1,5}", 0..5)) {
            let mut ids = IdAllocator::with_reserved(explicit.iter().cloned().collect());
            let mut given: Vec<String> = titles.iter().map(|title| ids.generated(title)).collect();
            given.extend(explicit.iter().map(|id| ids.explicit(id)));
            let unique: HashSet<_> = given.iter().collect();
            prop_assert_eq!(unique.len(), given.len(), "{:?}", given);
        }
    }
}
