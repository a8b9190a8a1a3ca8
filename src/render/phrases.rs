//! Japanese line breaking by phrase (文節) for headings and card titles: the `phrases` filter.
//!
//! Browsers break Japanese text between any two characters, so a narrow card shows
//! 「特別区全国／連携プロジェクト」 with a word cut in two. BudouX's model (Google, Apache 2.0;
//! `budoux/ja.json`, its source and licence in `budoux/`) finds phrase boundaries; the filter puts
//! `<wbr>` there, and the theme sets `word-break: keep-all` on those elements, so that lines break
//! only between phrases (and at spaces), or anywhere only when one phrase is wider than the line.
//! It runs at build time: no script, and the same breaks in every browser.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::OnceLock;

use ahash::AHashMap;

use tera::{Kwargs, State, StringInput, Tera, Value};

/// The model's feature groups, in the order `score` reads them.
const GROUPS: [&str; 13] =
    ["UW1", "UW2", "UW3", "UW4", "UW5", "UW6", "BW1", "BW2", "BW3", "TW1", "TW2", "TW3", "TW4"];

struct Model {
    /// Each group's features (one to three characters, packed by `packed`) and their scores.
    groups: [AHashMap<u64, i64>; 13],
    /// The sum of every score of the model: a boundary is where the scores of a position sum
    /// to more than half of it (BudouX's base score is minus half the total).
    total: i64,
}

fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| {
        // Compiled in; the tests check that it parses and is not empty.
        let mut parsed: HashMap<String, HashMap<String, i64>> =
            serde_json::from_str(include_str!("budoux/ja.json")).unwrap_or_default();
        let groups: [AHashMap<u64, i64>; 13] = GROUPS.map(|name| {
            let features = parsed.remove(name).unwrap_or_default();
            features.into_iter().map(|(text, score)| (packed(text.chars()), score)).collect()
        });
        let total = groups.iter().flat_map(|group| group.values()).sum();
        Model { groups, total }
    })
}

pub(super) fn register(tera: &mut Tera) {
    tera.register_filter("phrases", filter);
}

/// A feature's characters (at most three, each below 2²¹) as one number: the model's keys are
/// looked up thirteen times per character, and a number hashes far faster than a `String`.
/// Every feature of a group has the same number of characters, so no two keys of a group meet.
fn packed(chars: impl IntoIterator<Item = char>) -> u64 {
    chars.into_iter().fold(0, |key, c| key << 21 | u64::from(c))
}

/// `{{ title | phrases }}`: the text, escaped, with `<wbr>` between its Japanese phrases. Text
/// already marked safe (HTML) keeps its tags and entities; only its text is divided.
fn filter(value: StringInput, _: Kwargs, _: &State) -> Value {
    let (text, safe) = (value.as_str(), value.is_safe());
    DIVIDED.with_borrow_mut(|divided| {
        let divided = &mut divided[usize::from(safe)];
        if let Some(done) = divided.get(text) {
            return Value::safe_string(done);
        }
        let done = if safe { divide_html(text) } else { divide_text(text) };
        if divided.len() >= DIVIDED_MAX {
            divided.clear();
        }
        let value = Value::safe_string(&done);
        divided.insert(text.to_owned(), done);
        value
    })
}

/// The same titles are divided on many pages (the site's name on every page, an entry's title
/// on every list that shows its card): each rendering thread keeps what it divided, text and
/// HTML apart.
const DIVIDED_MAX: usize = 4096;

thread_local! {
    static DIVIDED: RefCell<[AHashMap<String, String>; 2]> = RefCell::default();
}

/// Plain text → escaped HTML with `<wbr>` at phrase boundaries.
pub(super) fn divide_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut start = 0;
    for at in breaks(text) {
        out.push_str(&crate::html::escape(&text[start..at]));
        out.push_str("<wbr>");
        start = at;
    }
    out.push_str(&crate::html::escape(&text[start..]));
    out
}

/// HTML → the same HTML with `<wbr>` at phrase boundaries inside its text (never inside a tag
/// or an entity such as `&amp;`).
fn divide_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 16);
    let mut rest = html;
    while !rest.is_empty() {
        let text_end = rest.find('<').unwrap_or(rest.len());
        let (text, tail) = rest.split_at(text_end);
        let mut start = 0;
        for at in breaks(text) {
            // A break inside an entity (between `&` and its `;`) is dropped.
            let open = text[..at].rfind('&');
            if open.is_some_and(|o| !text[o..at].contains(';')) {
                continue;
            }
            out.push_str(&text[start..at]);
            out.push_str("<wbr>");
            start = at;
        }
        out.push_str(&text[start..]);
        let tag_end = tail.find('>').map_or(tail.len(), |i| i + 1);
        out.push_str(&tail[..tag_end]);
        rest = &tail[tag_end..];
    }
    out
}

/// Byte offsets in `text` where a phrase begins and a line may break: BudouX's boundaries, plus
/// the change between kanji and katakana inside a long phrase (BudouX keeps compound nouns such
/// as 特別区全国連携プロジェクト whole, wider than a phone's card), except next to a space (a line
/// may break there anyway), between two Latin letters or digits (inside an English word or a
/// number) and in text without Japanese.
pub(super) fn breaks(text: &str) -> Vec<usize> {
    if !text.chars().any(is_japanese) {
        return Vec::new();
    }
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let letters: Vec<char> = chars.iter().map(|&(_, c)| c).collect();
    let phrases = boundaries(&letters);
    let mut all = Vec::with_capacity(phrases.len());
    let mut start = 0;
    for end in phrases.iter().copied().chain([letters.len()]) {
        if end - start > LONG_PHRASE {
            all.extend((start + 1..end).filter(|&i| script_changes(letters[i - 1], letters[i])));
        }
        if end < letters.len() {
            all.push(end);
        }
        start = end;
    }
    all.into_iter()
        .filter(|&i| {
            let (before, after) = (letters[i - 1], letters[i]);
            !(before.is_whitespace()
                || after.is_whitespace()
                || before.is_ascii_alphanumeric() && after.is_ascii_alphanumeric())
        })
        .map(|i| chars[i].0)
        .collect()
}

/// A phrase longer than this (in characters) may also break between kanji and katakana.
const LONG_PHRASE: usize = 6;

#[derive(PartialEq)]
enum Script {
    Kanji,
    Katakana,
}

fn script(c: char) -> Option<Script> {
    match c {
        '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' | '々' => Some(Script::Kanji),
        '\u{30a1}'..='\u{30fa}' | 'ー' => Some(Script::Katakana),
        _ => None,
    }
}

fn script_changes(before: char, after: char) -> bool {
    matches!((script(before), script(after)), (Some(a), Some(b)) if a != b)
}

fn is_japanese(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30ff}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{ff66}'..='\u{ff9f}')
}

/// Indices of the characters that begin a phrase (never 0): BudouX's `Parser.parse`.
fn boundaries(chars: &[char]) -> Vec<usize> {
    let model = model();
    let score_of = |group: usize, from: usize, to: usize| -> i64 {
        let key = packed(chars[from..to].iter().copied());
        model.groups[group].get(&key).copied().unwrap_or(0)
    };
    let n = chars.len();
    let mut out = Vec::new();
    for i in 1..n {
        let mut score = 0;
        if i > 2 {
            score += score_of(0, i - 3, i - 2) + score_of(9, i - 3, i);
        }
        if i > 1 {
            score += score_of(1, i - 2, i - 1) + score_of(6, i - 2, i) + score_of(10, i - 2, i + 1);
        }
        score += score_of(2, i - 1, i) + score_of(3, i, i + 1) + score_of(7, i - 1, i + 1);
        if i + 1 < n {
            score += score_of(4, i + 1, i + 2) + score_of(8, i, i + 2) + score_of(11, i - 1, i + 2);
        }
        if i + 2 < n {
            score += score_of(5, i + 2, i + 3) + score_of(12, i, i + 3);
        }
        if 2 * score > model.total {
            out.push(i);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Phrases as BudouX's text parser gives them, for `breaks` without its own exceptions.
    fn phrases(text: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        let mut out = Vec::new();
        let mut start = 0;
        for i in boundaries(&chars).into_iter().chain([chars.len()]) {
            out.push(chars[start..i].iter().collect());
            start = i;
        }
        out
    }

    #[test]
    fn the_model_is_read_whole() {
        let model = model();
        assert!(model.groups.iter().all(|g| !g.is_empty()));
        assert_eq!(model.groups.iter().map(|group| group.len()).sum::<usize>(), 2850);
    }

    /// Expected values from the Python package budoux 0.10.1 (`parser.parse`) on the same model.
    #[test]
    fn phrases_are_those_of_budoux() {
        let cases: [(&str, &[&str]); 4] = [
            (
                "私はその人を常に先生と呼んでいた。",
                &["私は", "その", "人を", "常に", "先生と", "呼んでいた。"],
            ),
            (
                "荒川区と釧路市が交流・連携しています。",
                &["荒川区と", "釧路市が", "交流・連携しています。"],
            ),
            (
                "令和6年度魅力発信イベント（KITTE）を開催しました",
                &["令和6年度", "魅力発信イベント", "（KITTE）を", "開催しました"],
            ),
            (
                "北海道町村会との連携協定を締結しました",
                &["北海道町村会との", "連携協定を", "締結しました"],
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(phrases(text), expected, "{text}");
        }
        assert_eq!(phrases("特別区全国連携プロジェクト魅力発信イベント").len(), 1);
    }

    #[test]
    fn wbr_goes_between_phrases_and_text_is_escaped() {
        assert_eq!(
            divide_text("東京区政会館で展示を開催 <A&B>"),
            "東京区政会館で<wbr>展示を<wbr>開催 &lt;A&amp;B&gt;"
        );
        assert_eq!(divide_text(""), "");
    }

    /// BudouX keeps a compound noun whole; a long one may break where kanji meet katakana.
    #[test]
    fn long_compound_nouns_break_between_kanji_and_katakana() {
        assert_eq!(divide_text("特別区全国連携プロジェクト"), "特別区全国連携<wbr>プロジェクト");
        assert_eq!(
            divide_text("特別区全国連携プロジェクト魅力発信イベント"),
            "特別区全国連携<wbr>プロジェクト<wbr>魅力発信<wbr>イベント"
        );
        assert_eq!(divide_text("東北六魂祭パレード"), "東北六魂祭<wbr>パレード");
        // Short phrases stay whole; ー and ・ are not a change of script.
        assert_eq!(divide_text("東京ドーム"), "東京ドーム");
        assert!(!script_changes('ド', '・') && !script_changes('・', 'シ'));
        assert!(!script_changes('ロ', 'ー') && script_changes('ー', '会'));
    }

    #[test]
    fn english_words_numbers_and_spaces_get_no_wbr() {
        assert_eq!(
            divide_text("Kushiro City autumn food market"),
            "Kushiro City autumn food market"
        );
        assert!(breaks("特別区全国連携プロジェクト 魅力発信イベント in 丸の内").iter().all(
            |&at| !"特別区全国連携プロジェクト 魅力発信イベント in 丸の内"[..at].ends_with(' ')
        ));
        for text in ["令和6年度 2024年", "TOKYO 23 CITY 東京区政会館"] {
            for at in breaks(text) {
                let (a, b) = (text[..at].chars().last(), text[at..].chars().next());
                assert!(
                    !(a.is_some_and(|c| c.is_ascii_alphanumeric())
                        && b.is_some_and(|c| c.is_ascii_alphanumeric())),
                    "{text} at {at}"
                );
            }
        }
    }

    #[test]
    fn html_keeps_its_tags_and_entities() {
        let html = "<a href=\"/x/\">東京区政会館で展示を開催</a> &amp;連携協定を締結しました";
        let out = divide_html(html);
        assert_eq!(out.replace("<wbr>", ""), html);
        assert!(out.starts_with("<a href=\"/x/\">東京区政会館で<wbr>展示を"), "{out}");
        assert!(!out.contains("&<wbr>") && !out.contains("amp<wbr>"), "{out}");
    }

    #[test]
    fn the_filter_marks_its_output_safe() {
        let mut tera = Tera::default();
        register(&mut tera);
        let mut context = tera::Context::new();
        context.insert("t", "展示を開催<b>");
        let out = tera.render_str("{{ t | phrases }}", &context, true).unwrap_or_default();
        assert_eq!(out, "展示を<wbr>開催&lt;b&gt;");
    }
}
