//! Which file names make valid ids (and so URLs).
//!
//! Wards and prefectures are named by their romaji (`chiyoda`), municipalities by their code.
//! Other entries may also be named in Japanese (`content/news/お知らせ.md`): the id is then kept as
//! written, in NFC, as the output folder's name (`news/お知らせ/index.html`), and every link to it
//! is percent-encoded (`/news/%E3%81%8A…/`), which every static host decodes back to the folder.
//! Renkei never transliterates a name into a slug: a reading chosen by a program (pinyin for kanji,
//! a wrong on-yomi) reads wrong, and the editor's own romaji or the Japanese itself does not.

use unicode_normalization::UnicodeNormalization;

use super::Collection;
use crate::messages::Text;
use crate::msg;

/// Whether `id` may name an entry of `collection`; the help text when not.
pub fn check_slug(collection: Collection, id: &str) -> Result<(), Text> {
    let ascii = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    let ascii_only = matches!(collection, Collection::Wards | Collection::Prefectures);
    if !id.is_empty() && id.chars().all(ascii) {
        return Ok(());
    }
    if ascii_only {
        return Err(msg!("id.romaji_only"));
    }
    if id.is_empty() {
        return Err(msg!("id.empty"));
    }
    match id.chars().find(|&c| !ascii(c) && !japanese_ok(c)) {
        None => Ok(()),
        Some(c) => Err(bad_character(id, c)),
    }
}

/// A letter or digit outside ASCII that is written the way it is meant (NFKC leaves it alone:
/// no full-width Ａ, no half-width ｶ) and is not a capital.
fn japanese_ok(c: char) -> bool {
    !c.is_ascii()
        && c.is_alphanumeric()
        && !c.is_uppercase()
        && c.to_string().nfkc().eq(std::iter::once(c))
}

fn bad_character(id: &str, c: char) -> Text {
    let suggestion: String = id
        .nfkc()
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() || c == '-' { c } else { '-' })
        .collect();
    let suggestion = suggestion.trim_matches('-').to_owned();
    if suggestion.is_empty() || suggestion == id {
        msg!("id.bad_character", character = c)
    } else {
        msg!("id.bad_character_example", character = c, example = suggestion)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_names_are_ids_except_for_places() {
        for id in ["お知らせ", "釧路市の味覚市-2016", "東京2020", "ラーメン々", "news-1"]
        {
            assert_eq!(check_slug(Collection::News, id), Ok(()), "{id}");
            assert_eq!(check_slug(Collection::Pages, id), Ok(()), "{id}");
        }
        assert!(check_slug(Collection::Wards, "千代田").is_err());
        assert!(check_slug(Collection::Prefectures, "北海道").is_err());
    }

    #[test]
    fn spaces_punctuation_capitals_and_width_variants_are_refused_with_a_suggestion() {
        let help =
            check_slug(Collection::News, "お知らせ 2024").err().unwrap_or_default().to_string();
        assert!(help.contains("`お知らせ-2024.md`"), "{help}");
        let help = check_slug(Collection::News, "ｵｼﾗｾ").err().unwrap_or_default().to_string();
        assert!(help.contains("`オシラセ.md`"), "{help}");
        let help = check_slug(Collection::News, "Ｎｅｗｓ").err().unwrap_or_default().to_string();
        assert!(help.contains("`news.md`"), "{help}");
        for id in ["News", "a?b", "a#b", "a%20b", "「東京」", "a.b", ""] {
            assert!(check_slug(Collection::Events, id).is_err(), "{id}");
        }
    }
}
