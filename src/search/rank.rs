//! Rank hints: what ranking needs to know of one bigram in one page, written in the posting
//! itself, so that a query can put its candidates in order before it downloads their texts.
//!
//! A frequent word (す。, 東京) is on hundreds of pages; ranking them all needed all their texts,
//! most of the index. With a hint per posting, a query orders its candidates by an upper bound
//! of their rank, downloads the texts of the best ones only, and stops as soon as its first
//! results are settled (see `query`). The hint of a bigram in a page (1–15):
//!
//! - 15: a name of the page (its title, or a word of a place's line of names) is the bigram;
//! - 14, 13, 12: a name of three characters, of four, of five or more starts with it (the
//!   shortest such name);
//! - 11: the names contain it;
//! - else how often the page's text has it, at most 10.
//!
//! The length of the names matters for terms longer than their first bigram: a name equal to
//! the term must be as long as it. Without it (the first design, 13: is a name, 12: starts one),
//! every page with a name that starts with `sh` had the bound of a name equal to `shi`, and the
//! query `shi` looked at the texts of 80 pages (105 KB) to settle its first ten results.
//!
//! A posting is `delta × 16 + hint` (delta: the document id less the one before), and a list of
//! them is written in base-64 VLQ (five bits a digit, the sixth says another digit follows, as
//! source maps do): most postings take one or two characters, fewer than the decimal numbers of
//! a JSON array without hints.

use super::{Doc, bigrams, normalize};

/// Postings hold `delta * HINT_SCALE + hint`.
pub const HINT_SCALE: u64 = 16;
/// The hints of a bigram that is a name, starts a name (of three characters, four, five or
/// more), is in the names; below them, counts.
pub const NAME: u8 = 15;
pub const STARTS_3: u8 = 14;
pub const STARTS_4: u8 = 13;
pub const NAME_START: u8 = 12;
pub const IN_NAMES: u8 = 11;
/// Counts of the bigram in the text are cut here (as the rank of a match in the text is).
pub const MAX_COUNT: usize = 10;

/// The rank of a match in a page: a name is the term (400), a name starts with it (300), the
/// names contain it (100), else how often the text has it (up to `MAX_COUNT`).
pub const RANK_NAME: usize = 400;
pub const RANK_NAME_START: usize = 300;
pub const RANK_IN_NAMES: usize = 100;

/// The rank that a hint stands for: exact for a term of one bigram.
pub fn rank_of_hint(hint: u8) -> usize {
    match hint {
        NAME => RANK_NAME,
        NAME_START..=STARTS_3 => RANK_NAME_START,
        IN_NAMES => RANK_IN_NAMES,
        count => usize::from(count),
    }
}

/// The hint of the first bigram of a name of `len` characters.
fn start_hint(len: usize) -> u8 {
    match len {
        2 => NAME,
        3 => STARTS_3,
        4 => STARTS_4,
        _ => NAME_START,
    }
}

/// The most that a term of `len` characters can rank in a page, by the hints there of some of
/// its bigrams (`hints`, the first bigram's first). Its rank in the names needs every bigram in
/// the names; for more than `RANK_IN_NAMES` the first one at the start of a name, and to be a
/// name, a name no longer than the term to start with it. Otherwise the term is counted in the
/// text, at most as often as its least frequent bigram.
pub fn bound(hints: &[u8], len: usize) -> usize {
    match hints {
        [] => 0,
        [one] if len <= 2 => rank_of_hint(*one),
        [first, ..] if hints.iter().all(|&h| h >= IN_NAMES) => match *first {
            IN_NAMES => RANK_IN_NAMES,
            // The shortest name that starts with the first bigram: 2 + (NAME − hint).
            hint if usize::from(2 + NAME - hint) <= len => RANK_NAME,
            _ => RANK_NAME_START,
        },
        _ => hints.iter().filter(|&&h| h < IN_NAMES).map(|&h| usize::from(h)).min().unwrap_or(0),
    }
}

/// What a page is called: its title, and for places (wards, prefectures, municipalities: kinds
/// 0–2, whose second line is their names: reading in kana and romaji, code, aliases) also that
/// line.
pub fn name_of(text: &str, kind: usize) -> &str {
    let lines = if kind <= 2 { 2 } else { 1 };
    let end = text.match_indices('\n').nth(lines - 1).map_or(text.len(), |(i, _)| i);
    &text[..end]
}

/// The hints of the bigrams of a page's names (`NAME` to `IN_NAMES`), by `each` with the two
/// characters and the hint, possibly several times for one bigram (the highest counts).
pub fn name_hints(text: &str, kind: usize, mut each: impl FnMut(char, char, u8)) {
    let (name, _) = normalize(name_of(text, kind));
    for word in name.split(|c| c.is_whitespace()).filter(|w| w.len() >= 2) {
        for (i, pair) in word.windows(2).enumerate() {
            let hint = if i == 0 { start_hint(word.len()) } else { IN_NAMES };
            each(pair[0], pair[1], hint);
        }
    }
}

/// The hint of every bigram of a document, the plain way (a map of counts): what the index's
/// writer computes faster, which the tests compare with this.
pub fn hints_of(text: &str, kind: usize) -> std::collections::BTreeMap<String, u8> {
    let (chars, _) = normalize(text);
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    for bigram in bigrams(&chars) {
        *counts.entry(bigram).or_default() += 1;
    }
    let mut hints: std::collections::BTreeMap<String, u8> =
        counts.into_iter().map(|(bigram, count)| (bigram, count.min(MAX_COUNT) as u8)).collect();
    let mut names: std::collections::BTreeMap<String, u8> = Default::default();
    name_hints(text, kind, |a, b, hint| {
        let entry = names.entry(String::from_iter([a, b])).or_default();
        *entry = (*entry).max(hint);
    });
    hints.extend(names);
    hints
}

/// The postings of `docs` with their hints, the plain way (see `hints_of`).
pub fn postings_of(docs: &[Doc]) -> std::collections::BTreeMap<String, Vec<(u32, u8)>> {
    let mut postings: std::collections::BTreeMap<String, Vec<(u32, u8)>> = Default::default();
    for (id, doc) in (0u32..).zip(docs) {
        for (bigram, hint) in hints_of(&doc.text, doc.kind) {
            postings.entry(bigram).or_default().push((id, hint));
        }
    }
    postings
}

/// The digits of base-64 VLQ, in the order of base64.
const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Appends `value` in base-64 VLQ: five bits a digit, lowest first, 32 added to every digit
/// but the last.
pub fn push_vlq(out: &mut String, mut value: u64) {
    loop {
        let digit = (value & 31) as usize;
        value >>= 5;
        let digit = if value > 0 { digit | 32 } else { digit };
        out.push(char::from(DIGITS[digit]));
        if value == 0 {
            return;
        }
    }
}

/// The values of a base-64 VLQ string; `None` if it has a character that is not a digit, ends
/// inside a value or holds a value over 64 bits.
pub fn read_vlq(text: &str) -> Option<Vec<u64>> {
    let mut values = Vec::with_capacity(text.len());
    let (mut value, mut shift) = (0u64, 0u32);
    for byte in text.bytes() {
        let digit = DIGITS.iter().position(|&d| d == byte)? as u64;
        value |= (digit & 31).checked_shl(shift).filter(|_| shift < 64)?;
        if digit & 32 == 0 {
            values.push(value);
            (value, shift) = (0, 0);
        } else {
            shift += 5;
        }
    }
    (shift == 0).then_some(values)
}

/// Postings as written: `(id, hint)` in increasing ids → the base-64 VLQ of their
/// `delta * HINT_SCALE + hint`.
pub fn encode(postings: impl IntoIterator<Item = (u32, u8)>) -> String {
    let mut out = String::new();
    let mut last = 0u32;
    for (id, hint) in postings {
        push_vlq(&mut out, u64::from(id.saturating_sub(last)) * HINT_SCALE + u64::from(hint));
        last = id;
    }
    out
}

/// The postings of a written list; `None` if it is not one.
pub fn decode(text: &str) -> Option<Vec<(u32, u8)>> {
    let mut last = 0u32;
    read_vlq(text)?
        .into_iter()
        .map(|value| {
            let delta = u32::try_from(value / HINT_SCALE).ok()?;
            last = last.checked_add(delta)?;
            Some((last, (value % HINT_SCALE) as u8))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vlq_round_trips() {
        let postings = [(0, 3), (1, 13), (2, 0), (40, 10), (1_000, 12), (u32::MAX, 11)];
        let text = encode(postings);
        assert_eq!(decode(&text), Some(postings.to_vec()));
        // A first document, hint 3: 3 in one digit; the next, delta 1, hint 13: 29, one digit.
        assert_eq!(&text[..2], "Dd");
        assert_eq!(decode("g"), None, "ends inside a value");
        assert_eq!(decode("A!"), None, "not a digit");
        assert_eq!(read_vlq(&"g".repeat(20)), None, "over 64 bits");
        assert_eq!(decode(""), Some(Vec::new()));
    }

    #[test]
    fn hints_say_what_the_names_and_the_text_hold() {
        let text = "釧路市\nくしろし kushiroshi 012068\n北海道\n釧路市は釧路の市。路市路市";
        let hints = hints_of(text, 2);
        assert_eq!(hints["釧路"], STARTS_3);
        assert_eq!(hints["路市"], IN_NAMES);
        assert_eq!(hints["くし"], STARTS_4);
        assert_eq!(hints["ku"], NAME_START);
        assert_eq!(hints["01"], NAME_START);
        assert_eq!(hints["ro"], IN_NAMES);
        // Not a name (the third line is where it is): counted.
        assert_eq!(hints["北海"], 1);
        assert_eq!(hints["の市"], 1);
        assert_eq!(hints["市は"], 1);
        assert_eq!(hints_of("東京\n東京の東京", 3)["東京"], NAME);
        assert_eq!(hints_of(&("題\n".to_owned() + &"ああ".repeat(20)), 3)["ああ"], 10);
    }

    #[test]
    fn a_bound_is_never_below_the_rank() {
        assert_eq!(bound(&[NAME], 2), RANK_NAME);
        assert_eq!(bound(&[STARTS_3], 2), RANK_NAME_START);
        // shi: a page whose shortest name starting with sh is shizuoka cannot be named shi.
        assert_eq!(bound(&[NAME_START, IN_NAMES], 3), RANK_NAME_START);
        assert_eq!(bound(&[STARTS_3, IN_NAMES], 3), RANK_NAME);
        assert_eq!(bound(&[STARTS_4, IN_NAMES], 3), RANK_NAME_START);
        assert_eq!(bound(&[STARTS_4, IN_NAMES, IN_NAMES], 4), RANK_NAME);
        // Bigrams skipped (a term of five characters, its first, third and fourth looked up).
        assert_eq!(bound(&[NAME_START, IN_NAMES, IN_NAMES], 5), RANK_NAME);
        assert_eq!(bound(&[IN_NAMES, NAME_START], 3), RANK_IN_NAMES);
        assert_eq!(bound(&[IN_NAMES, 4, 2], 4), 2);
        assert_eq!(bound(&[7, 9], 3), 7);
    }
}
