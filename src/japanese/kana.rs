//! Kana: 五十音順 sort keys and Hepburn romaji, both computed from a reading written in kana
//! (hiragana, katakana or half-width katakana; NFKC-normalised first).

use std::cmp::Ordering;

use unicode_normalization::UnicodeNormalization;

/// Katakana → hiragana, after NFKC (which turns half-width ｶﾀｶﾅ into full-width カタカナ and
/// joins ｶﾞ into ガ). ASCII letters are lower-cased; everything else is kept.
pub fn to_hiragana(text: &str) -> String {
    text.nfkc()
        .map(|c| match c {
            'ァ'..='ヶ' | 'ヽ' | 'ヾ' => hiragana_of(c),
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// Hiragana → katakana (the `_カナ` columns of the standard open data sets); everything else is
/// kept as it is.
pub fn to_katakana(text: &str) -> String {
    text.chars().map(katakana_of).collect()
}

/// The hiragana of a katakana (ァ–ヶ, ヽ, ヾ); any other character as it is.
pub fn hiragana_of(c: char) -> char {
    match c {
        'ァ'..='ヶ' | 'ヽ' | 'ヾ' => char::from_u32(c as u32 - KANA_DISTANCE).unwrap_or(c),
        c => c,
    }
}

/// The katakana of a hiragana (ぁ–ゖ, ゝ, ゞ); any other character as it is.
pub fn katakana_of(c: char) -> char {
    match c {
        'ぁ'..='ゖ' | 'ゝ' | 'ゞ' => char::from_u32(c as u32 + KANA_DISTANCE).unwrap_or(c),
        c => c,
    }
}

/// From a hiragana to its katakana in Unicode (あ U+3042, ア U+30A2).
const KANA_DISTANCE: u32 = 0x60;

const VOICED: char = '\u{3099}';
const SEMI_VOICED: char = '\u{309A}';

/// A small kana's large form: ゃ → や, っ → つ.
fn large(c: char) -> Option<char> {
    let (small, large) = ("ぁぃぅぇぉっゃゅょゎゕゖ", "あいうえおつやゆよわかけ");
    small.chars().position(|s| s == c).and_then(|i| large.chars().nth(i))
}

/// The vowel that a kana ends in, for the long vowel mark: か → あ, しょ → お.
fn vowel_of(c: char) -> Option<char> {
    const ROWS: [(&str, char); 5] = [
        ("あかさたなはまやらわぁゃゎ", 'あ'),
        ("いきしちにひみりゐぃ", 'い'),
        ("うくすつぬふむゆるぅゅ", 'う'),
        ("えけせてねへめれゑぇ", 'え'),
        ("おこそとのほもよろをぉょ", 'お'),
    ];
    ROWS.iter().find(|(row, _)| row.contains(c)).map(|&(_, vowel)| vowel)
}

/// The sort key of a reading in 五十音順 (after JIS X 4061, simplified):
/// 1. primary: the plain large hiragana, with ー replaced by the vowel before it
///    (カード → かあと), so ゃ = や, が = か, カ = か;
/// 2. then voicing, per character: plain < voiced (が) < semi-voiced (ぱ);
/// 3. then small before large, and ー before a written vowel, hiragana before katakana;
/// 4. then the text itself, so that the order is total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortKey {
    primary: Vec<char>,
    voicing: Vec<u8>,
    form: Vec<u8>,
    text: String,
}

impl Ord for SortKey {
    fn cmp(&self, other: &Self) -> Ordering {
        (&self.primary, &self.voicing, &self.form, &self.text).cmp(&(
            &other.primary,
            &other.voicing,
            &other.form,
            &other.text,
        ))
    }
}

impl PartialOrd for SortKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

pub fn sort_key(reading: &str) -> SortKey {
    let mut key = SortKey {
        primary: Vec::new(),
        voicing: Vec::new(),
        form: Vec::new(),
        text: reading.into(),
    };
    for original in reading.nfkc() {
        let katakana = matches!(original, 'ァ'..='ヶ');
        let c = to_hiragana(&original.to_string()).chars().next().unwrap_or(original);
        // NFD splits が into か + U+3099 and ぱ into は + U+309A.
        let mut parts = c.nfd();
        let base = parts.next().unwrap_or(c);
        let voicing = match parts.next() {
            Some(VOICED) => 1,
            Some(SEMI_VOICED) => 2,
            _ => 0,
        };
        let (primary, form) = match (base, large(base)) {
            ('ー', _) => {
                let vowel = key.primary.last().copied().and_then(vowel_of);
                (vowel.unwrap_or('ー'), 0)
            }
            (_, Some(large)) => (large, 0),
            (base, None) => (base, 1),
        };
        key.primary.push(primary);
        key.voicing.push(voicing);
        key.form.push(form * 2 + u8::from(katakana));
    }
    key
}

/// Hepburn romaji of a kana reading, in the form people type: no macrons and long vowels written
/// once (とうきょう → tokyo, ほっかいどう → hokkaido, おおさか → osaka), ん as n, っ doubling the next
/// consonant (っち → tchi). Characters that are not kana are kept (lower-cased).
pub fn romaji(reading: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = to_hiragana(reading).chars().collect();
    let mut i = 0;
    let mut geminate = false;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        let mut syllable = match c {
            'っ' => {
                geminate = true;
                continue;
            }
            'ー' => continue,
            'ゃ' | 'ゅ' | 'ょ' => yoon(None, c).to_owned(),
            c => match syllable(c) {
                Some(s) => s.to_owned(),
                None => c.to_string(),
            },
        };
        // Contracted sounds: き + ゃ → kya, し + ょ → sho, ち + ゅ → chu.
        if let Some(&next @ ('ゃ' | 'ゅ' | 'ょ')) = chars.get(i)
            && syllable.ends_with('i')
            && syllable.len() > 1
        {
            i += 1;
            syllable = yoon(Some(&syllable), next);
        } else if let Some(&next @ ('ぁ' | 'ぃ' | 'ぇ' | 'ぉ')) = chars.get(i)
            && syllable.len() > 1
        {
            // ふぁ → fa, てぃ → ti, ゔぉ → vo.
            i += 1;
            let stem = syllable.trim_end_matches(['a', 'i', 'u', 'e', 'o']).to_owned();
            syllable = format!("{stem}{}", syllable_of_small(next));
        }
        if geminate {
            geminate = false;
            match syllable.as_bytes().first() {
                Some(b'c') => out.push('t'),
                Some(&b) if b.is_ascii_lowercase() && !b"aiueon".contains(&b) => {
                    out.push(char::from(b));
                }
                _ => {}
            }
        }
        out.push_str(&syllable);
    }
    collapse_long_vowels(&out)
}

fn syllable_of_small(c: char) -> &'static str {
    match c {
        'ぁ' => "a",
        'ぃ' => "i",
        'ぅ' => "u",
        'ぇ' => "e",
        _ => "o",
    }
}

/// き + ゃ → kya; し + ゃ → sha; a lone ゃ → ya.
fn yoon(before: Option<&str>, small: char) -> String {
    let vowel = match small {
        'ゃ' => "a",
        'ゅ' => "u",
        _ => "o",
    };
    match before {
        Some(s @ ("shi" | "chi" | "ji")) => format!("{}{vowel}", &s[..s.len() - 1]),
        Some(s) => format!("{}y{vowel}", &s[..s.len() - 1]),
        None => format!("y{vowel}"),
    }
}

/// Writes long vowels once, as on signs and passports: ou, oo → o; uu → u. Applied to readings
/// and to romaji queries alike, so that `toukyou` and `tokyo` both find 東京.
pub fn collapse_long_vowels(romaji: &str) -> String {
    let mut out = String::with_capacity(romaji.len());
    for c in romaji.chars() {
        let last = out.chars().next_back();
        let long = matches!((last, c), (Some('o'), 'u' | 'o') | (Some('u'), 'u'));
        if !long {
            out.push(c);
        }
    }
    out
}

fn syllable(c: char) -> Option<&'static str> {
    const TABLE: &[(char, &str)] = &[
        ('あ', "a"),
        ('い', "i"),
        ('う', "u"),
        ('え', "e"),
        ('お', "o"),
        ('か', "ka"),
        ('き', "ki"),
        ('く', "ku"),
        ('け', "ke"),
        ('こ', "ko"),
        ('が', "ga"),
        ('ぎ', "gi"),
        ('ぐ', "gu"),
        ('げ', "ge"),
        ('ご', "go"),
        ('さ', "sa"),
        ('し', "shi"),
        ('す', "su"),
        ('せ', "se"),
        ('そ', "so"),
        ('ざ', "za"),
        ('じ', "ji"),
        ('ず', "zu"),
        ('ぜ', "ze"),
        ('ぞ', "zo"),
        ('た', "ta"),
        ('ち', "chi"),
        ('つ', "tsu"),
        ('て', "te"),
        ('と', "to"),
        ('だ', "da"),
        ('ぢ', "ji"),
        ('づ', "zu"),
        ('で', "de"),
        ('ど', "do"),
        ('な', "na"),
        ('に', "ni"),
        ('ぬ', "nu"),
        ('ね', "ne"),
        ('の', "no"),
        ('は', "ha"),
        ('ひ', "hi"),
        ('ふ', "fu"),
        ('へ', "he"),
        ('ほ', "ho"),
        ('ば', "ba"),
        ('び', "bi"),
        ('ぶ', "bu"),
        ('べ', "be"),
        ('ぼ', "bo"),
        ('ぱ', "pa"),
        ('ぴ', "pi"),
        ('ぷ', "pu"),
        ('ぺ', "pe"),
        ('ぽ', "po"),
        ('ま', "ma"),
        ('み', "mi"),
        ('む', "mu"),
        ('め', "me"),
        ('も', "mo"),
        ('や', "ya"),
        ('ゆ', "yu"),
        ('よ', "yo"),
        ('ら', "ra"),
        ('り', "ri"),
        ('る', "ru"),
        ('れ', "re"),
        ('ろ', "ro"),
        ('わ', "wa"),
        ('ゐ', "i"),
        ('ゑ', "e"),
        ('を', "o"),
        ('ん', "n"),
        ('ゔ', "vu"),
        ('ぁ', "a"),
        ('ぃ', "i"),
        ('ぅ', "u"),
        ('ぇ', "e"),
        ('ぉ', "o"),
        ('ゎ', "wa"),
    ];
    TABLE.iter().find(|(k, _)| *k == c).map(|&(_, s)| s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hiragana_becomes_katakana() {
        assert_eq!(to_katakana("くしろし"), "クシロシ");
        assert_eq!(to_katakana("ちよだく abc"), "チヨダク abc");
    }

    fn sorted(words: &[&str]) -> Vec<String> {
        let mut words: Vec<&str> = words.to_vec();
        words.sort_by_key(|w| sort_key(w));
        words.into_iter().map(str::to_owned).collect()
    }

    #[test]
    fn katakana_half_width_and_hiragana_sort_together() {
        assert_eq!(to_hiragana("ｶﾞｲﾄﾞ"), "がいど");
        assert_eq!(to_hiragana("カタカナ"), "かたかな");
        assert_eq!(sorted(&["ちよだく", "アダチク", "ｴﾄﾞｶﾞﾜｸ"]), ["アダチク", "ｴﾄﾞｶﾞﾜｸ", "ちよだく"]);
    }

    #[test]
    fn wards_in_gojuon_order() {
        let wards = [
            "ちよだく",
            "ちゅうおうく",
            "みなとく",
            "しんじゅくく",
            "ぶんきょうく",
            "たいとうく",
            "すみだく",
            "こうとうく",
            "しながわく",
            "めぐろく",
            "おおたく",
            "せたがやく",
            "しぶやく",
            "なかのく",
            "すぎなみく",
            "としまく",
            "きたく",
            "あらかわく",
            "いたばしく",
            "ねりまく",
            "あだちく",
            "かつしかく",
            "えどがわく",
        ];
        assert_eq!(
            sorted(&wards),
            [
                "あだちく",
                "あらかわく",
                "いたばしく",
                "えどがわく",
                "おおたく",
                "かつしかく",
                "きたく",
                "こうとうく",
                "しながわく",
                "しぶやく",
                "しんじゅくく",
                "すぎなみく",
                "すみだく",
                "せたがやく",
                "たいとうく",
                "ちゅうおうく",
                "ちよだく",
                "としまく",
                "なかのく",
                "ねりまく",
                "ぶんきょうく",
                "みなとく",
                "めぐろく",
            ]
        );
    }

    #[test]
    fn small_kana_sort_as_large_and_just_before_them() {
        // ちゅう (中央) and ちよ (千代): ゅ sorts as ゆ, and ゆ < よ.
        assert_eq!(sorted(&["ちよだ", "ちゅうおう"]), ["ちゅうおう", "ちよだ"]);
        // Otherwise equal: small first.
        assert_eq!(sorted(&["きや", "きゃ"]), ["きゃ", "きや"]);
        assert_eq!(sorted(&["かつ", "かっ"]), ["かっ", "かつ"]);
    }

    #[test]
    fn voiced_marks_are_a_secondary_key() {
        // は, ば, ぱ are one letter at first: はい < ばか (い < か).
        assert_eq!(sorted(&["ばか", "はい", "ぱん", "はん"]), ["はい", "ばか", "はん", "ぱん"]);
        assert_eq!(sorted(&["ぱ", "ば", "は"]), ["は", "ば", "ぱ"]);
        assert_eq!(sorted(&["かご", "がこ"]), ["かご", "がこ"]);
    }

    #[test]
    fn long_vowel_mark_sorts_as_the_vowel_before_it() {
        // カード = かあど: after かあ, before かい.
        assert_eq!(sorted(&["かい", "カード", "かあ"]), ["かあ", "カード", "かい"]);
        assert_eq!(sorted(&["すーぱー", "すいか", "すうじ"]), ["すいか", "すうじ", "すーぱー"]);
    }

    #[test]
    fn romaji_reads_like_hepburn() {
        assert_eq!(romaji("くしろし"), "kushiroshi");
        assert_eq!(romaji("ちよだく"), "chiyodaku");
        assert_eq!(romaji("ほっかいどう"), "hokkaido");
        assert_eq!(romaji("とうきょう"), "tokyo");
        assert_eq!(romaji("おおさかし"), "osakashi");
        assert_eq!(romaji("しんじゅくく"), "shinjukuku");
        assert_eq!(romaji("ちゅうおうく"), "chuoku");
        assert_eq!(romaji("てしかがちょう"), "teshikagacho");
        assert_eq!(romaji("いっちょう"), "itcho");
        assert_eq!(romaji("きっさ"), "kissa");
        assert_eq!(romaji("ふじし"), "fujishi");
        assert_eq!(romaji("ぢ"), "ji");
        assert_eq!(romaji("ファミリー"), "famiri");
        assert_eq!(romaji("ｸｼﾛ"), "kushiro");
        assert_eq!(romaji("じょうえつし"), "joetsushi");
        assert_eq!(romaji("せたがやく"), "setagayaku");
        assert_eq!(romaji("ぎふ"), "gifu");
        assert_eq!(romaji("ゃ"), "ya");
        assert_eq!(romaji(""), "");
    }

    #[test]
    fn long_vowels_collapse_in_queries_too() {
        assert_eq!(collapse_long_vowels("toukyou"), "tokyo");
        assert_eq!(collapse_long_vowels("oosaka"), "osaka");
        assert_eq!(collapse_long_vowels("kushiro"), "kushiro");
    }
}
