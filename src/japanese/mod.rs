//! Japanese-specific text and calendar logic, shared by the template filters, the Markdown stage
//! and the search index: 和暦 and 年度 (`wareki`), 五十音順 and romaji from kana (`kana`).
//! Pure functions: no I/O, no templates.

pub mod kana;
pub mod wareki;
