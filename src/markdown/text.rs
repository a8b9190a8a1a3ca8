//! Plain text: the words of the body without markup, for summaries and search.

use pulldown_cmark::{Event, TagEnd};

use super::Spanned;

/// Adapter: passes every event on unchanged while writing the body's text into `text`, with a
/// newline after each block (a space after a table cell) so words of neighbouring blocks stay apart.
/// Raw HTML is left out: it is markup, not text.
pub(crate) struct PlainText<'s, I> {
    events: I,
    text: &'s mut String,
}

impl<'a, 's, I: Iterator<Item = Spanned<'a>>> PlainText<'s, I> {
    pub(crate) fn new(events: I, text: &'s mut String) -> Self {
        Self { events, text }
    }

    fn record(&mut self, event: &Event<'_>) {
        match event {
            Event::Text(text) | Event::Code(text) => self.text.push_str(text),
            Event::SoftBreak => self.separate(' '),
            Event::HardBreak | Event::Rule => self.separate('\n'),
            Event::End(end) => {
                if let Some(separator) = separator_after(end) {
                    self.separate(separator);
                }
            }
            _ => {}
        }
    }

    /// Adds `separator` unless the text is empty or already ends in whitespace, so blocks that end
    /// together (a paragraph closing a list item closing a list) leave one separator, not three.
    /// A newline wins over a space just before it (the last cell of a table row).
    fn separate(&mut self, separator: char) {
        match self.text.chars().next_back() {
            Some(' ') if separator == '\n' => {
                self.text.pop();
                self.text.push('\n');
            }
            Some(last) if !last.is_whitespace() => self.text.push(separator),
            _ => {}
        }
    }
}

impl<'a, I: Iterator<Item = Spanned<'a>>> Iterator for PlainText<'_, I> {
    type Item = Spanned<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        let spanned = self.events.next()?;
        self.record(&spanned.0);
        Some(spanned)
    }
}

fn separator_after(end: &TagEnd) -> Option<char> {
    match end {
        TagEnd::TableCell => Some(' '),
        TagEnd::Paragraph
        | TagEnd::Heading(_)
        | TagEnd::BlockQuote(_)
        | TagEnd::CodeBlock
        | TagEnd::HtmlBlock
        | TagEnd::List(_)
        | TagEnd::Item
        | TagEnd::FootnoteDefinition
        | TagEnd::DefinitionList
        | TagEnd::DefinitionListTitle
        | TagEnd::DefinitionListDefinition
        | TagEnd::Table
        | TagEnd::TableHead
        | TagEnd::TableRow => Some('\n'),
        _ => None,
    }
}

/// The collected text without the separator left after the last block.
pub(crate) fn finish(mut text: String) -> String {
    text.truncate(text.trim_end().len());
    // Held with the body until the last page is written: no spare capacity.
    text.shrink_to_fit();
    text
}

#[cfg(test)]
mod tests {
    use super::super::{parse, testing::to_html};
    use super::*;

    /// Runs only this adapter over `markdown`, returning the HTML and the finished text.
    fn plain(markdown: &str) -> (String, String) {
        let mut text = String::new();
        let html = to_html(PlainText::new(parse(markdown).into_iter(), &mut text));
        (html, finish(text))
    }

    #[test]
    fn blocks_are_separated_by_newlines() {
        let (_, text) = plain("# 題\n\n第一段落の\n続き。\n\n- 項目一\n- 項目二\n\n> 引用\n");
        assert_eq!(text, "題\n第一段落の 続き。\n項目一\n項目二\n引用");
    }

    #[test]
    fn markup_is_dropped_and_code_kept() {
        let (_, text) =
            plain("**強調**と`コード`と[リンク](x)と<b>生HTML</b>\n\n<div>ブロック</div>\n");
        assert_eq!(text, "強調とコードとリンクと生HTML");
    }

    #[test]
    fn code_blocks_and_tables_keep_their_words() {
        let (_, text) =
            plain("```rust\nlet a = 1;\n```\n\n| 区 | 市 |\n|---|---|\n| 荒川 | 釧路 |\n");
        assert_eq!(text, "let a = 1;\n区 市\n荒川 釧路");
    }

    #[test]
    fn events_pass_unchanged() {
        let md = "# 題\n\n本文 *強調*\n";
        assert_eq!(plain(md).0, to_html(parse(md).into_iter()));
    }

    #[test]
    fn empty_body_has_empty_text() {
        assert_eq!(plain("").1, "");
        assert_eq!(plain("<!-- コメント -->\n").1, "");
    }
}
