//! What counts as a Japanese (CJK) character for the Markdown passes of this module's siblings.

/// A character of East Asian wide text: kanji, kana, CJK and full-width punctuation and symbols
/// (「」。、・ー！？（）…). Hangul is excluded: Korean separates words with spaces.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{2E80}'..='\u{2FDF}'     // radicals
        | '\u{3000}'..='\u{303F}'   // CJK symbols and punctuation: 、。「」〜
        | '\u{3040}'..='\u{30FF}'   // hiragana, katakana
        | '\u{3190}'..='\u{31FF}'   // kanbun, katakana extensions
        | '\u{3200}'..='\u{33FF}'   // enclosed CJK, compatibility: ㈱ ㍻
        | '\u{3400}'..='\u{4DBF}'   // extension A
        | '\u{4E00}'..='\u{9FFF}'   // unified ideographs
        | '\u{F900}'..='\u{FAFF}'   // compatibility ideographs
        | '\u{FE30}'..='\u{FE4F}'   // vertical forms
        | '\u{FF00}'..='\u{FF60}'   // full-width forms: ！（）ＡＢ
        | '\u{FFE0}'..='\u{FFE6}'
        | '\u{20000}'..='\u{3FFFF}') // supplementary ideographs
}

/// Half-width katakana (ｶﾅ) also take no spaces between them.
pub(crate) fn is_wide_or_kana(c: char) -> bool {
    is_cjk(c) || matches!(c, '\u{FF61}'..='\u{FF9F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_is_cjk_and_latin_is_not() {
        for c in ['東', '京', 'か', 'カ', '「', '」', '。', '、', 'ー', '！', '𠮷', '々']
        {
            assert!(is_cjk(c), "{c}");
        }
        for c in ['a', 'Z', '1', ' ', '*', '"', 'é', '한'] {
            assert!(!is_cjk(c), "{c}");
        }
        assert!(is_wide_or_kana('ｶ'));
    }
}
