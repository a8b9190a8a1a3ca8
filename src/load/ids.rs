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

/// Whether `id` may name an entry of `collection`; why not when not.
pub fn check_slug(collection: Collection, id: &str) -> Result<(), IdError> {
    let ascii = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    let ascii_only = matches!(collection, Collection::Wards | Collection::Prefectures);
    if !id.is_empty() && id.chars().all(ascii) {
        return Ok(());
    }
    if ascii_only {
        return Err(IdError::RomajiOnly);
    }
    if id.is_empty() {
        return Err(IdError::Empty);
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

/// The bad character, with the id it most likely means (in NFKC, lower-case, `-` between).
fn bad_character(id: &str, c: char) -> IdError {
    let suggestion: String = id
        .nfkc()
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() || c == '-' { c } else { '-' })
        .collect();
    let suggestion = suggestion.trim_matches('-').to_owned();
    let example = (!suggestion.is_empty() && suggestion != id).then_some(suggestion);
    IdError::BadCharacter { character: c, example }
}

/// Why a file name is not an id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdError {
    /// A ward's or a prefecture's id with other than lower-case ASCII, digits and `-`.
    RomajiOnly,
    Empty,
    /// A character no id may hold, with the id it most likely means.
    BadCharacter {
        character: char,
        example: Option<String>,
    },
}

impl IdError {
    /// What is wrong, from the message catalogue (the help line of a diagnostic).
    pub fn text(&self) -> Text {
        match self {
            IdError::RomajiOnly => msg!("id.romaji_only"),
            IdError::Empty => msg!("id.empty"),
            IdError::BadCharacter { character, example: None } => {
                msg!("id.bad_character", character = *character)
            }
            IdError::BadCharacter { character, example: Some(example) } => {
                msg!("id.bad_character_example", character = *character, example = example)
            }
        }
    }
}

impl std::fmt::Display for IdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.text().fmt(f)
    }
}

impl std::error::Error for IdError {}

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
        assert_eq!(check_slug(Collection::Wards, "千代田"), Err(IdError::RomajiOnly));
        assert_eq!(check_slug(Collection::News, ""), Err(IdError::Empty));
        assert_eq!(
            check_slug(Collection::News, "お知らせ 2024"),
            Err(IdError::BadCharacter {
                character: ' ',
                example: Some("お知らせ-2024".to_owned())
            })
        );
        assert!(check_slug(Collection::Prefectures, "北海道").is_err());
    }

    #[test]
    fn spaces_punctuation_capitals_and_width_variants_are_refused_with_a_suggestion() {
        let help = check_slug(Collection::News, "お知らせ 2024")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(help.contains("`お知らせ-2024.md`"), "{help}");
        let help =
            check_slug(Collection::News, "ｵｼﾗｾ").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(help.contains("`オシラセ.md`"), "{help}");
        let help = check_slug(Collection::News, "Ｎｅｗｓ")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(help.contains("`news.md`"), "{help}");
        for id in ["News", "a?b", "a#b", "a%20b", "「東京」", "a.b", ""] {
            assert!(check_slug(Collection::Events, id).is_err(), "{id}");
        }
    }
}
