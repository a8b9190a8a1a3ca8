//! The one normalisation of the site search. Page texts (at build time), queries in Rust
//! (`query`) and queries in the browser (`normalize` in search.js, the same steps line by line)
//! all go through it, so that what a citizen types meets what a page says:
//!
//! 1. NFKC of each character together with the combining marks after it: ｶﾞ (two code points)
//!    becomes ガ, not カ and a loose mark. For the site's text this is NFKC of the whole string
//!    (a test checks it on every page); done per cluster so that each normalised character keeps
//!    the original character it came from, for the highlight.
//! 2. ASCII lower case; Latin vowels with a macron or circumflex as the plain vowel (Ōta → ota).
//! 3. Katakana as hiragana; ヶ and ヵ (ゖ, ゕ) as が, and ケ after a kanji as が: 駒ヶ根, 駒ケ根 and
//!    駒が根 are one text. づ as ず and ぢ as じ: まなずる finds まなづる (真鶴).
//! 4. 異体字 as their standard form (髙 → 高, 﨑 → 崎, 檮 → 梼) by `data/itaiji/variants.txt`,
//!    which the index's meta.json also carries for search.js.

use std::sync::OnceLock;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::japanese::kana::hiragana_of;

/// `variant standard` per line (see data/itaiji/README.md for its source and licence).
const VARIANTS: &str = include_str!("../../data/itaiji/variants.txt");

/// The pairs of the 異体字 table: (variant, standard).
fn variant_pairs() -> impl Iterator<Item = (char, char)> {
    VARIANTS.lines().filter(|line| !line.starts_with('#')).filter_map(|line| {
        let mut chars = line.chars().filter(|c| !c.is_whitespace());
        Some((chars.next()?, chars.next()?))
    })
}

/// The table as meta.json gives it to search.js: the pairs written one after the other.
pub(super) fn variants_string() -> String {
    variant_pairs().flat_map(|(variant, standard)| [variant, standard]).collect()
}

fn variants() -> &'static ahash::AHashMap<char, char> {
    static TABLE: OnceLock<ahash::AHashMap<char, char>> = OnceLock::new();
    TABLE.get_or_init(|| variant_pairs().collect())
}

/// Characters that NFKC keeps as they are and that no mark can join: ASCII, kana, kanji and the
/// punctuation of Japanese text, nearly all of the site's text (NFKC of one character allocates).
pub(super) fn is_plain(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{7F}'
        | '\u{3001}'..='\u{3002}'
        | '\u{3005}'..='\u{3007}'
        | '\u{3008}'..='\u{3011}'
        | '\u{3014}'..='\u{301F}'
        | '\u{3041}'..='\u{3096}'
        | 'ァ'..='ヶ'
        | '\u{30FB}'..='\u{30FC}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}')
}

/// Whether `c` belongs to the cluster of the character before it: a combining mark, or a
/// character whose NFKC begins with one (half-width ﾞ and ﾟ).
fn joins(c: char) -> bool {
    !is_plain(c) && c.nfkc().next().is_some_and(is_combining_mark)
}

pub(super) fn is_kanji(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3FFFF}')
}

/// Steps 2–4 for one character of the NFKC text; `before` is the normalised character before it.
fn fold(c: char, before: Option<char>) -> char {
    match c {
        'A'..='Z' => c.to_ascii_lowercase(),
        'ā' | 'â' | 'Ā' | 'Â' => 'a',
        'ī' | 'î' | 'Ī' | 'Î' => 'i',
        'ū' | 'û' | 'Ū' | 'Û' => 'u',
        'ē' | 'ê' | 'Ē' | 'Ê' => 'e',
        'ō' | 'ô' | 'Ō' | 'Ô' => 'o',
        'ヶ' | 'ヵ' | 'ゖ' | 'ゕ' => 'が',
        'ケ' if before.is_some_and(is_kanji) => 'が',
        'ヅ' | 'づ' => 'ず',
        'ヂ' | 'ぢ' => 'じ',
        'ァ'..='ヶ' | 'ヽ' | 'ヾ' => hiragana_of(c),
        _ if is_kanji(c) => variants().get(&c).copied().unwrap_or(c),
        _ => c,
    }
}

/// Calls `emit(character, index of the original character it came from)` for each character of
/// the normalised text, in order.
pub(super) fn each(text: &str, mut emit: impl FnMut(char, usize)) {
    let mut before: Option<char> = None;
    let mut chars = text.chars().enumerate().peekable();
    let mut cluster = String::new();
    while let Some((i, c)) = chars.next() {
        let joined = chars.peek().is_some_and(|&(_, next)| joins(next));
        if is_plain(c) && !joined {
            let n = fold(c, before);
            emit(n, i);
            before = Some(n);
            continue;
        }
        cluster.clear();
        cluster.push(c);
        while let Some(&(_, next)) = chars.peek() {
            if !joins(next) {
                break;
            }
            cluster.push(next);
            chars.next();
        }
        for n in cluster.nfkc() {
            let n = fold(n, before);
            emit(n, i);
            before = Some(n);
        }
    }
}

/// A text normalised, with for each of its characters the index (in characters) of the original
/// character it came from, to highlight matches in the original.
pub fn normalize(text: &str) -> (Vec<char>, Vec<usize>) {
    let mut chars = Vec::with_capacity(text.len() / 2);
    let mut origin = Vec::with_capacity(text.len() / 2);
    each(text, |c, i| {
        chars.push(c);
        origin.push(i);
    });
    (chars, origin)
}

/// A text normalised, as a string.
pub fn normalized(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    each(text, |c, _| out.push(c));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(text: &str) -> String {
        normalized(text)
    }

    #[test]
    fn half_width_katakana_with_dakuten_becomes_one_character() {
        assert_eq!(n("ｾﾀｶﾞﾔ"), "せたがや");
        assert_eq!(n("ｼﾌﾞﾔ"), "しぶや");
        assert_eq!(n("ｻｯﾎﾟﾛ"), "さっぽろ");
        assert_eq!(n("ｸｼﾛ"), "くしろ");
        // A combining mark after a full-width kana: か + U+3099 is が.
        assert_eq!(n("か\u{3099}"), "が");
        assert_eq!(normalize("ｾﾀｶﾞﾔ").1, vec![0, 1, 2, 4]);
    }

    #[test]
    fn per_cluster_nfkc_is_nfkc_of_the_whole_string() {
        for text in ["ｾﾀｶﾞﾔ", "ＡＢＣ㈱", "ﾊﾟﾝ ﾌﾞﾗｼ", "e\u{301}cole", "ｶﾞｶﾞ\u{3099}", "①②"]
        {
            let mut clusters = String::new();
            let mut chars = text.chars().peekable();
            while let Some(c) = chars.next() {
                let mut cluster = c.to_string();
                while chars.peek().is_some_and(|&d| joins(d)) {
                    cluster.extend(chars.next());
                }
                clusters.extend(cluster.nfkc());
            }
            assert_eq!(clusters, text.nfkc().collect::<String>(), "{text}");
        }
    }

    #[test]
    fn ke_after_a_kanji_and_small_ke_are_ga() {
        for spelling in ["駒ヶ根", "駒ケ根", "駒が根", "駒ヵ根", "駒ｹ根"] {
            assert_eq!(n(spelling), "駒が根", "{spelling}");
        }
        // ケ elsewhere is the kana ke.
        assert_eq!(n("ケーキ"), "けーき");
    }

    #[test]
    fn zu_and_ji_fold_in_readings() {
        assert_eq!(n("まなづる"), n("まなずる"));
        assert_eq!(n("ちぢみ"), "ちじみ");
        assert_eq!(n("ヅ"), "ず");
    }

    #[test]
    fn variant_kanji_fold_to_the_standard_form() {
        assert_eq!(n("檮原"), "梼原");
        assert_eq!(n("宮﨑"), "宮崎");
        assert_eq!(n("髙橋"), "高橋");
        assert_eq!(n("澤"), "沢");
        assert_eq!(n("邊"), n("邉"));
        assert_eq!(n("邊"), "辺");
        for c in ["齋", "齊", "斎", "斉"] {
            assert_eq!(n(c), "斎", "{c}");
        }
        assert_eq!(n("嶋"), "島");
        assert_eq!(n("冨"), "富");
        assert!(variants_string().chars().count() >= 2 * 100);
    }

    #[test]
    fn latin_is_lower_case_without_macrons() {
        assert_eq!(n("Ōta Chūō ＫＵＳＨＩＲＯ Tôkyô"), "ota chuo kushiro tokyo");
    }

    /// The shortcut gives exactly what NFKC does, for every character it takes.
    #[test]
    fn plain_characters_are_their_own_nfkc() {
        for code in 0..=0x10FFFF {
            let Some(c) = char::from_u32(code) else { continue };
            if is_plain(c) {
                assert_eq!(c.nfkc().collect::<String>(), c.to_string(), "U+{code:04X}");
                assert!(!is_combining_mark(c), "U+{code:04X}");
            }
        }
    }
}
