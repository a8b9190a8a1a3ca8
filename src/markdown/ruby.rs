//! Ruby (furigana) for hard readings: `{弟子屈町|てしかが}` →
//! `<ruby>弟子屈町<rp>(</rp><rt>てしかが</rt><rp>)</rp></ruby>`.
//!
//! The syntax is `{base|reading}`: the base text, a `|`, the reading, in braces, on one line,
//! neither part empty nor containing `{`, `}` or `|`. Inside a table cell write `\|` for the bar.
//! Code spans and code blocks are left alone. The reading is markup, not text: summaries, the
//! table of contents and search see only the base.

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::Spanned;
use crate::html;

pub(crate) fn apply(events: Vec<Spanned<'_>>) -> Vec<Spanned<'_>> {
    let in_heading_attributes = |event: &Event<'_>| matches!(event, Event::Start(Tag::Heading { attrs, .. }) if attrs.iter().any(is_ruby_attribute));
    if !events.iter().any(|(event, _)| {
        matches!(event, Event::Text(t) if t.contains('{')) || in_heading_attributes(event)
    }) {
        return events;
    }
    let mut out = Vec::with_capacity(events.len());
    let mut skip_depth = 0usize;
    let mut pending: Option<(String, std::ops::Range<usize>)> = None;
    // Ruby at the very end of a heading, which the parser took for the heading's attributes.
    let mut heading_ruby: Vec<String> = Vec::new();
    for (mut event, span) in events {
        if let Event::Start(Tag::Heading { attrs, .. }) = &mut event {
            heading_ruby = attrs
                .iter()
                .filter(|attr| is_ruby_attribute(attr))
                .map(|(key, _)| format!("{{{key}}}"))
                .collect();
            attrs.retain(|attr| !is_ruby_attribute(attr));
        }
        if let Event::End(TagEnd::Heading(_)) = &event
            && !heading_ruby.is_empty()
        {
            let (mut text, text_span) = pending.take().unwrap_or((String::new(), span.clone()));
            text.push_str(&std::mem::take(&mut heading_ruby).concat());
            pending = Some((text, text_span));
        }
        match &event {
            Event::Start(Tag::CodeBlock(_) | Tag::Image { .. }) => skip_depth += 1,
            Event::End(TagEnd::CodeBlock | TagEnd::Image) => {
                skip_depth = skip_depth.saturating_sub(1);
            }
            _ => {}
        }
        if let (Event::Text(text), 0) = (&event, skip_depth) {
            // Neighbouring text events (split by the parser at `\|` or `{`) are joined first.
            match &mut pending {
                Some((joined, joined_span)) => {
                    joined.push_str(text);
                    joined_span.end = span.end;
                }
                None => pending = Some((text.to_string(), span)),
            }
            continue;
        }
        if let Some((text, text_span)) = pending.take() {
            out.extend(expand(text, text_span));
        }
        out.push((event, span));
    }
    if let Some((text, text_span)) = pending.take() {
        out.extend(expand(text, text_span));
    }
    out
}

/// `{弟子屈町|てしかが}` at the end of a heading comes out of the parser as an attribute
/// `弟子屈町|てしかが` without a value: no real attribute has a `|` in its name.
fn is_ruby_attribute((key, value): &(CowStr<'_>, Option<CowStr<'_>>)) -> bool {
    value.is_none() && next_ruby(&format!("{{{key}}}")).is_some()
}

/// One text, with its `{base|reading}` groups turned into ruby.
fn expand<'a>(text: String, span: std::ops::Range<usize>) -> Vec<Spanned<'a>> {
    let mut out = Vec::new();
    let mut rest = text.as_str();
    while let Some((before, base, reading, after)) = next_ruby(rest) {
        if !before.is_empty() {
            out.push((Event::Text(CowStr::from(before.to_owned())), span.clone()));
        }
        out.push((Event::InlineHtml(CowStr::from("<ruby>")), span.clone()));
        out.push((Event::Text(CowStr::from(base.to_owned())), span.clone()));
        let reading = format!("<rp>(</rp><rt>{}</rt><rp>)</rp></ruby>", html::escape(reading));
        out.push((Event::InlineHtml(CowStr::from(reading)), span.clone()));
        rest = after;
    }
    if out.is_empty() {
        return vec![(Event::Text(CowStr::from(text)), span)];
    }
    if !rest.is_empty() {
        out.push((Event::Text(CowStr::from(rest.to_owned())), span));
    }
    out
}

/// Finds the first `{base|reading}`: (text before, base, reading, text after).
fn next_ruby(text: &str) -> Option<(&str, &str, &str, &str)> {
    let mut from = 0;
    while let Some(open) = text[from..].find('{').map(|i| i + from) {
        let inner_end = text[open + 1..].find(['{', '}', '\n']).map(|i| i + open + 1);
        if let Some(close) = inner_end.filter(|&i| text.as_bytes()[i] == b'}') {
            let inner = &text[open + 1..close];
            if let Some((base, reading)) = inner.split_once('|')
                && !base.trim().is_empty()
                && !reading.trim().is_empty()
                && !reading.contains('|')
            {
                return Some((&text[..open], base, reading, &text[close + 1..]));
            }
        }
        from = open + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::{parse, testing::to_html};
    use super::*;

    fn html(markdown: &str) -> String {
        to_html(apply(parse(markdown)).into_iter())
    }

    #[test]
    fn braces_with_a_bar_become_ruby() {
        assert_eq!(
            html("{漢字|かんじ}"),
            "<p><ruby>漢字<rp>(</rp><rt>かんじ</rt><rp>)</rp></ruby></p>\n"
        );
        assert_eq!(
            html("北海道{弟子屈町|てしかがちょう}と{標茶町|しべちゃちょう}。"),
            "<p>北海道<ruby>弟子屈町<rp>(</rp><rt>てしかがちょう</rt><rp>)</rp></ruby>と\
             <ruby>標茶町<rp>(</rp><rt>しべちゃちょう</rt><rp>)</rp></ruby>。</p>\n"
        );
    }

    #[test]
    fn not_in_code_nor_without_both_parts() {
        assert_eq!(html("`{漢字|かんじ}`"), "<p><code>{漢字|かんじ}</code></p>\n");
        assert_eq!(html("```\n{漢字|かんじ}\n```\n"), "<pre><code>{漢字|かんじ}\n</code></pre>\n");
        assert_eq!(html("{漢字}と{|かな}と{かな|}"), "<p>{漢字}と{|かな}と{かな|}</p>\n");
        assert_eq!(html("{a|b|c}"), "<p>{a|b|c}</p>\n");
        assert_eq!(
            html("{{漢字|かんじ}"),
            "<p>{<ruby>漢字<rp>(</rp><rt>かんじ</rt><rp>)</rp></ruby></p>\n"
        );
    }

    #[test]
    fn the_reading_is_escaped_and_emphasis_inside_is_kept_outside() {
        assert_eq!(
            html("{A&B|<えー>}"),
            "<p><ruby>A&amp;B<rp>(</rp><rt>&lt;えー&gt;</rt><rp>)</rp></ruby></p>\n"
        );
        assert_eq!(
            html("**{漢字|かんじ}**"),
            "<p><strong><ruby>漢字<rp>(</rp><rt>かんじ</rt><rp>)</rp></ruby></strong></p>\n"
        );
    }

    #[test]
    fn at_the_end_of_a_heading_too() {
        assert_eq!(
            html("## 北海道の{弟子屈町|てしかが}"),
            "<h2>北海道の<ruby>弟子屈町<rp>(</rp><rt>てしかが</rt><rp>)</rp></ruby></h2>\n"
        );
        assert_eq!(
            html("## 町 {弟子屈町|てしかが} {#teshikaga}"),
            "<h2 id=\"teshikaga\">町 <ruby>弟子屈町<rp>(</rp><rt>てしかが</rt><rp>)</rp></ruby></h2>\n"
        );
        // Real attributes stay attributes.
        assert_eq!(html("## 町 {#id .cls}"), "<h2 id=\"id\" class=\"cls\">町</h2>\n");
    }

    #[test]
    fn in_a_table_cell_with_an_escaped_bar() {
        let out = html("| 町 |\n|---|\n| {弟子屈町\\|てしかが} |\n");
        assert!(
            out.contains("<td><ruby>弟子屈町<rp>(</rp><rt>てしかが</rt><rp>)</rp></ruby></td>"),
            "{out}"
        );
    }
}
