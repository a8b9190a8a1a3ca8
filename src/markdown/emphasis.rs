//! CJK-friendly emphasis: `**「東京」**と` is bold.
//!
//! CommonMark decides whether `**` may open or close emphasis by the characters around it
//! ("flanking" rules). They assume words are separated by spaces: a closing `**` after punctuation
//! (`」`) must be followed by a space or punctuation, so `**「東京」**と` stays literal asterisks.
//! The "CJK-friendly emphasis" proposal relaxes the rules next to CJK characters. This pass does
//! that after parsing: it pairs the `*` runs that the parser left as text, when
//!
//! - the run was written as is (not `\*`, not inside code, a code block, an image's alt text or a link's
//!   destination: only text events whose source is exactly their text are looked at);
//! - an opener is followed by a non-space and a closer preceded by one;
//! - opener and closer are siblings in the same inline container with only inline content
//!   between them (never across a list, a block, or a link's boundary);
//! - a CJK character touches the opener or the closer (so English keeps CommonMark's rules:
//!   `**"hi"**there` stays as it is).
//!
//! Runs of the same length pair up (1 = em, 2 = strong, 3 = both), nearest first.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::Spanned;
use super::cjk::is_cjk;

/// A run of `*` left as text: in event `event`, bytes `at..at + len` of its text.
#[derive(Debug, Clone, Copy)]
struct Run {
    event: usize,
    at: usize,
    len: usize,
    parent: Option<usize>,
    can_open: bool,
    can_close: bool,
    cjk: bool,
}

pub(crate) fn apply<'a>(events: Vec<Spanned<'a>>, source: &str) -> Vec<Spanned<'a>> {
    if !events.iter().any(|(event, _)| matches!(event, Event::Text(t) if t.contains('*'))) {
        return events;
    }
    let events = join_literal_text(events, source);
    let runs = find_runs(&events, source);
    if runs.is_empty() {
        return events;
    }
    let pairs = pair(&runs, &events);
    if pairs.is_empty() {
        return events;
    }
    rewrite(events, &runs, &pairs)
}

/// The parser hands out a leftover `**` as separate text events (`*`, `*`, `「東京」`): joins
/// neighbouring text events that are each written exactly as shown, so that runs are whole.
fn join_literal_text<'a>(events: Vec<Spanned<'a>>, source: &str) -> Vec<Spanned<'a>> {
    let literal = |text: &str, span: &Range<usize>| is_literal(text, span, source);
    let mut out: Vec<Spanned<'a>> = Vec::with_capacity(events.len());
    for (event, span) in events {
        if let (Event::Text(text), Some((Event::Text(last), last_span))) = (&event, out.last_mut())
            && last_span.end == span.start
            && literal(text, &span)
            && literal(last, last_span)
        {
            let joined = format!("{last}{text}");
            *last = CowStr::from(joined);
            last_span.end = span.end;
            continue;
        }
        out.push((event, span));
    }
    out
}

/// The event's text is its source, and not the character of a backslash escape (`\*`, whose
/// text event covers only the `*`).
fn is_literal(text: &str, span: &Range<usize>, source: &str) -> bool {
    let backslashes = source
        .get(..span.start)
        .map_or(0, |before| before.len() - before.trim_end_matches('\\').len());
    source.get(span.clone()) == Some(text) && backslashes % 2 == 0
}

fn is_inline(event: &Event<'_>) -> bool {
    match event {
        Event::Text(_)
        | Event::Code(_)
        | Event::InlineHtml(_)
        | Event::InlineMath(_)
        | Event::SoftBreak
        | Event::HardBreak
        | Event::FootnoteReference(_) => true,
        Event::Start(tag) => matches!(
            tag,
            Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript
                | Tag::Link { .. }
        ),
        Event::End(end) => matches!(
            end,
            TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Link
        ),
        _ => false,
    }
}

/// The character just before event `index` in its container, as far as it matters here:
/// `None` at the start of a block or after a line break (like whitespace).
fn char_before(events: &[Spanned<'_>], index: usize) -> Option<char> {
    match events.get(index.checked_sub(1)?)?.0 {
        Event::Text(ref text) | Event::Code(ref text) => text.chars().next_back(),
        Event::SoftBreak | Event::HardBreak => None,
        ref event if is_inline(event) => Some('x'),
        _ => None,
    }
}

fn char_after(events: &[Spanned<'_>], index: usize) -> Option<char> {
    match events.get(index + 1)?.0 {
        Event::Text(ref text) | Event::Code(ref text) => text.chars().next(),
        Event::SoftBreak | Event::HardBreak => None,
        ref event if is_inline(event) => Some('x'),
        _ => None,
    }
}

fn find_runs(events: &[Spanned<'_>], source: &str) -> Vec<Run> {
    let mut runs = Vec::new();
    let mut parents: Vec<usize> = Vec::new();
    let mut in_code_or_image = 0usize;
    for (index, (event, span)) in events.iter().enumerate() {
        match event {
            Event::Start(tag) => {
                if matches!(tag, Tag::CodeBlock(_) | Tag::Image { .. } | Tag::HtmlBlock) {
                    in_code_or_image += 1;
                }
                parents.push(index);
            }
            Event::End(end) => {
                if matches!(end, TagEnd::CodeBlock | TagEnd::Image | TagEnd::HtmlBlock) {
                    in_code_or_image = in_code_or_image.saturating_sub(1);
                }
                parents.pop();
            }
            Event::Text(text) if in_code_or_image == 0 && text.contains('*') => {
                // Only text written exactly as it is shown: an escaped `\*` is not a delimiter.
                if !is_literal(text, span, source) {
                    continue;
                }
                let parent = parents.last().copied();
                let before_event = char_before(events, index);
                let after_event = char_after(events, index);
                let bytes = text.as_bytes();
                let mut i = 0;
                while i < bytes.len() {
                    if bytes[i] != b'*' {
                        i += 1;
                        continue;
                    }
                    let start = i;
                    while i < bytes.len() && bytes[i] == b'*' {
                        i += 1;
                    }
                    let before =
                        if start == 0 { before_event } else { text[..start].chars().next_back() };
                    let after =
                        if i == text.len() { after_event } else { text[i..].chars().next() };
                    let is_space = |c: Option<char>| c.is_none_or(char::is_whitespace);
                    runs.push(Run {
                        event: index,
                        at: start,
                        len: i - start,
                        parent,
                        can_open: !is_space(after),
                        can_close: !is_space(before),
                        cjk: before.is_some_and(is_cjk) || after.is_some_and(is_cjk),
                    });
                }
            }
            _ => {}
        }
    }
    runs
}

/// Pairs runs (indices into `runs`), nearest first, with only inline events between them.
fn pair(runs: &[Run], events: &[Spanned<'_>]) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    let mut openers: Vec<usize> = Vec::new();
    for (index, run) in runs.iter().enumerate() {
        if let Some(&last) = openers.last() {
            let block_between = events[runs[last].event..run.event]
                .iter()
                .skip(1)
                .any(|(event, _)| !is_inline(event));
            if block_between {
                openers.clear();
            }
        }
        let matching = openers.iter().rposition(|&o| {
            let opener = &runs[o];
            opener.parent == run.parent && opener.len == run.len && (opener.cjk || run.cjk)
        });
        match matching {
            Some(position) if run.can_close && run.len <= 3 => {
                let opener = openers[position];
                openers.truncate(position);
                pairs.push((opener, index));
            }
            _ if run.can_open && run.len <= 3 => openers.push(index),
            _ => {}
        }
    }
    pairs
}

/// Splits the text events at the paired runs and puts emphasis tags in their place.
fn rewrite<'a>(
    events: Vec<Spanned<'a>>,
    runs: &[Run],
    pairs: &[(usize, usize)],
) -> Vec<Spanned<'a>> {
    // For each text event: (byte offset, length, tags to emit, opening?) sorted by offset.
    let mut cuts: Vec<(usize, usize, usize, bool)> = Vec::new();
    for &(open, close) in pairs {
        cuts.push((runs[open].event, runs[open].at, runs[open].len, true));
        cuts.push((runs[close].event, runs[close].at, runs[close].len, false));
    }
    cuts.sort_unstable();
    let mut out = Vec::with_capacity(events.len() + cuts.len() * 3);
    let mut cuts = cuts.into_iter().peekable();
    for (index, (event, span)) in events.into_iter().enumerate() {
        if cuts.peek().is_none_or(|cut| cut.0 != index) {
            out.push((event, span));
            continue;
        }
        let Event::Text(text) = event else {
            out.push((event, span));
            continue;
        };
        let mut done = 0;
        while let Some(&(_, at, len, opening)) = cuts.peek().filter(|cut| cut.0 == index) {
            cuts.next();
            if at > done {
                out.push(text_event(&text, done..at, span.start));
            }
            let tag_span = span.start + at..span.start + at + len;
            out.extend(tags(len, opening).into_iter().map(|e| (e, tag_span.clone())));
            done = at + len;
        }
        if done < text.len() {
            out.push(text_event(&text, done..text.len(), span.start));
        }
    }
    out
}

fn text_event<'a>(text: &str, range: Range<usize>, base: usize) -> Spanned<'a> {
    let span = base + range.start..base + range.end;
    (Event::Text(CowStr::from(text[range].to_owned())), span)
}

fn tags<'a>(len: usize, opening: bool) -> Vec<Event<'a>> {
    let kinds: &[(Tag<'a>, TagEnd)] = match len {
        1 => &[(Tag::Emphasis, TagEnd::Emphasis)],
        2 => &[(Tag::Strong, TagEnd::Strong)],
        _ => &[(Tag::Emphasis, TagEnd::Emphasis), (Tag::Strong, TagEnd::Strong)],
    };
    if opening {
        kinds.iter().map(|(tag, _)| Event::Start(tag.clone())).collect()
    } else {
        kinds.iter().rev().map(|(_, end)| Event::End(*end)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{parse, testing::to_html};
    use super::*;

    fn html(markdown: &str) -> String {
        to_html(apply(parse(markdown), markdown).into_iter())
    }

    #[test]
    fn strong_around_japanese_brackets() {
        assert_eq!(html("**「東京」**と"), "<p><strong>「東京」</strong>と</p>\n");
        assert_eq!(
            html("これは**「特別区」**です。"),
            "<p>これは<strong>「特別区」</strong>です。</p>\n"
        );
        assert_eq!(html("*（仮称）*の"), "<p><em>（仮称）</em>の</p>\n");
        assert_eq!(html("***「重要」***です"), "<p><em><strong>「重要」</strong></em>です</p>\n");
    }

    #[test]
    fn what_commonmark_already_does_is_unchanged() {
        assert_eq!(html("**東京**と"), "<p><strong>東京</strong>と</p>\n");
        assert_eq!(html("**bold** text"), "<p><strong>bold</strong> text</p>\n");
    }

    #[test]
    fn counter_examples_stay_literal() {
        // Code spans and code blocks are never touched.
        assert_eq!(html("`**「東京」**と`"), "<p><code>**「東京」**と</code></p>\n");
        assert_eq!(
            html("```\n**「東京」**と\n```\n"),
            "<pre><code>**「東京」**と\n</code></pre>\n"
        );
        // Escaped asterisks are text.
        assert_eq!(html("\\*\\*「東京」\\*\\*と"), "<p>**「東京」**と</p>\n");
        // English keeps CommonMark's flanking rules.
        assert_eq!(html("**\"hi\"**there"), "<p>**\"hi\"**there</p>\n");
        // Spaces inside the delimiters: not emphasis.
        assert_eq!(html("** 「東京」 **と"), "<p>** 「東京」 **と</p>\n");
        // Unpaired, or of different lengths.
        assert_eq!(html("**「東京」と"), "<p>**「東京」と</p>\n");
        assert_eq!(html("**「東京」*と"), "<p>**「東京」*と</p>\n");
        // Arithmetic.
        assert_eq!(html("2 * 3 * 4"), "<p>2 * 3 * 4</p>\n");
    }

    #[test]
    fn never_across_blocks_or_link_boundaries() {
        assert_eq!(html("**「東京」\n\n」**と"), "<p>**「東京」</p>\n<p>」**と</p>\n");
        assert_eq!(html("[**「東京」](x)**と"), "<p><a href=\"x\">**「東京」</a>**と</p>\n");
        // A whole link inside is fine.
        assert_eq!(
            html("**「[東京](x)」**と"),
            "<p><strong>「<a href=\"x\">東京</a>」</strong>と</p>\n"
        );
    }

    #[test]
    fn works_in_headings_lists_and_tables() {
        assert_eq!(html("## **「東京」**と全国"), "<h2><strong>「東京」</strong>と全国</h2>\n");
        assert_eq!(
            html("- **「東京」**と\n"),
            "<ul>\n<li><strong>「東京」</strong>と</li>\n</ul>\n"
        );
    }
}
