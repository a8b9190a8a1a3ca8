//! Line breaks in Japanese: a soft line break (a newline inside a paragraph) between two Japanese
//! characters disappears, since Japanese puts no space between words; between anything else
//! (English, or English next to Japanese) it stays, and becomes a space as usual.
//!
//! 一行目の文が\n続きます → 一行目の文が続きます; "the first\nline" keeps its space.

use pulldown_cmark::Event;

use super::Spanned;
use super::cjk::is_wide_or_kana;

pub(crate) fn apply(events: Vec<Spanned<'_>>) -> Vec<Spanned<'_>> {
    if !events.iter().any(|(event, _)| matches!(event, Event::SoftBreak)) {
        return events;
    }
    let keep: Vec<bool> = (0..events.len())
        .map(|index| {
            let soft = matches!(events[index].0, Event::SoftBreak);
            !(soft
                && last_char_before(&events, index).is_some_and(is_wide_or_kana)
                && first_char_after(&events, index).is_some_and(is_wide_or_kana))
        })
        .collect();
    events.into_iter().zip(keep).filter_map(|(event, keep)| keep.then_some(event)).collect()
}

/// The last character of text before `index`, looking through inline tags (`**…**`, links),
/// but not through anything else (code, a block boundary).
fn last_char_before(events: &[Spanned<'_>], index: usize) -> Option<char> {
    for (event, _) in events[..index].iter().rev() {
        match event {
            Event::Text(text) => return text.chars().next_back(),
            Event::Start(_) | Event::End(_) => {
                if !is_inline_tag(event) {
                    return None;
                }
            }
            _ => return None,
        }
    }
    None
}

fn first_char_after(events: &[Spanned<'_>], index: usize) -> Option<char> {
    for (event, _) in &events[index + 1..] {
        match event {
            Event::Text(text) => return text.chars().next(),
            Event::Start(_) | Event::End(_) => {
                if !is_inline_tag(event) {
                    return None;
                }
            }
            _ => return None,
        }
    }
    None
}

fn is_inline_tag(event: &Event<'_>) -> bool {
    use pulldown_cmark::{Tag, TagEnd};
    matches!(
        event,
        Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. })
            | Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link)
    )
}

#[cfg(test)]
mod tests {
    use super::super::{parse, testing::to_html};
    use super::*;

    fn html(markdown: &str) -> String {
        to_html(apply(parse(markdown)).into_iter())
    }

    #[test]
    fn no_space_between_japanese_lines() {
        assert_eq!(html("一行目の文が\n続きます。"), "<p>一行目の文が続きます。</p>\n");
        assert_eq!(html("文の終わり。\n次の文"), "<p>文の終わり。次の文</p>\n");
        assert_eq!(html("**強調**\n続き"), "<p><strong>強調</strong>続き</p>\n");
        assert_eq!(html("ｶﾀｶﾅ\nｶﾀｶﾅ"), "<p>ｶﾀｶﾅｶﾀｶﾅ</p>\n");
    }

    #[test]
    fn english_keeps_its_space() {
        assert_eq!(html("the first\nline"), "<p>the first\nline</p>\n");
        assert_eq!(html("東京\nTokyo"), "<p>東京\nTokyo</p>\n");
        assert_eq!(html("Tokyo\n東京"), "<p>Tokyo\n東京</p>\n");
        // A hard break stays a break.
        assert_eq!(html("一行目  \n二行目"), "<p>一行目<br />\n二行目</p>\n");
    }

    #[test]
    fn code_next_to_a_break_keeps_it() {
        assert_eq!(html("`code`\n続き"), "<p><code>code</code>\n続き</p>\n");
    }
}
