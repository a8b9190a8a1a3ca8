//! The official codes of prefectures and special wards, so that a `code` field is checked against
//! what it names: a wrong code would go into the open data (every municipality row carries its
//! prefecture's code) and into the structured data of every page.
//!
//! Prefectures: JIS X 0401 (都道府県コード). Special wards: 全国地方公共団体コード (総務省), whose
//! sixth digit is a check digit. Both lists are closed: Japan has had 47 prefectures since 1972
//! and 23 special wards since 1947.

use crate::load::{CodeError, check_municipality_code};
use crate::messages::Text;
use crate::msg;

/// JIS X 0401: code, name, and the romaji id the site gives the prefecture.
pub(crate) const PREFECTURES: [(&str, &str, &str); 47] = [
    ("01", "北海道", "hokkaido"),
    ("02", "青森県", "aomori"),
    ("03", "岩手県", "iwate"),
    ("04", "宮城県", "miyagi"),
    ("05", "秋田県", "akita"),
    ("06", "山形県", "yamagata"),
    ("07", "福島県", "fukushima"),
    ("08", "茨城県", "ibaraki"),
    ("09", "栃木県", "tochigi"),
    ("10", "群馬県", "gunma"),
    ("11", "埼玉県", "saitama"),
    ("12", "千葉県", "chiba"),
    ("13", "東京都", "tokyo"),
    ("14", "神奈川県", "kanagawa"),
    ("15", "新潟県", "niigata"),
    ("16", "富山県", "toyama"),
    ("17", "石川県", "ishikawa"),
    ("18", "福井県", "fukui"),
    ("19", "山梨県", "yamanashi"),
    ("20", "長野県", "nagano"),
    ("21", "岐阜県", "gifu"),
    ("22", "静岡県", "shizuoka"),
    ("23", "愛知県", "aichi"),
    ("24", "三重県", "mie"),
    ("25", "滋賀県", "shiga"),
    ("26", "京都府", "kyoto"),
    ("27", "大阪府", "osaka"),
    ("28", "兵庫県", "hyogo"),
    ("29", "奈良県", "nara"),
    ("30", "和歌山県", "wakayama"),
    ("31", "鳥取県", "tottori"),
    ("32", "島根県", "shimane"),
    ("33", "岡山県", "okayama"),
    ("34", "広島県", "hiroshima"),
    ("35", "山口県", "yamaguchi"),
    ("36", "徳島県", "tokushima"),
    ("37", "香川県", "kagawa"),
    ("38", "愛媛県", "ehime"),
    ("39", "高知県", "kochi"),
    ("40", "福岡県", "fukuoka"),
    ("41", "佐賀県", "saga"),
    ("42", "長崎県", "nagasaki"),
    ("43", "熊本県", "kumamoto"),
    ("44", "大分県", "oita"),
    ("45", "宮崎県", "miyazaki"),
    ("46", "鹿児島県", "kagoshima"),
    ("47", "沖縄県", "okinawa"),
];

/// The 23 special wards: 全国地方公共団体コード, name, and the romaji id the site gives the ward.
pub(crate) const WARDS: [(&str, &str, &str); 23] = [
    ("131016", "千代田区", "chiyoda"),
    ("131024", "中央区", "chuo"),
    ("131032", "港区", "minato"),
    ("131041", "新宿区", "shinjuku"),
    ("131059", "文京区", "bunkyo"),
    ("131067", "台東区", "taito"),
    ("131075", "墨田区", "sumida"),
    ("131083", "江東区", "koto"),
    ("131091", "品川区", "shinagawa"),
    ("131105", "目黒区", "meguro"),
    ("131113", "大田区", "ota"),
    ("131121", "世田谷区", "setagaya"),
    ("131130", "渋谷区", "shibuya"),
    ("131148", "中野区", "nakano"),
    ("131156", "杉並区", "suginami"),
    ("131164", "豊島区", "toshima"),
    ("131172", "北区", "kita"),
    ("131181", "荒川区", "arakawa"),
    ("131199", "板橋区", "itabashi"),
    ("131202", "練馬区", "nerima"),
    ("131211", "足立区", "adachi"),
    ("131229", "葛飾区", "katsushika"),
    ("131237", "江戸川区", "edogawa"),
];

/// Why a prefecture's `code` is wrong, and the code it should be; `None` when it is right.
/// The code must be one of JIS X 0401's and be the one of the prefecture's id or name (an English
/// translation's name is not Japanese and is not compared).
pub(crate) fn prefecture_code_problem(id: &str, name: &str, code: &str) -> Option<(Text, Text)> {
    code_problem(&PREFECTURES, false, id, name, code).or_else(|| {
        let valid = code.len() == 2 && PREFECTURES.iter().any(|(c, _, _)| *c == code);
        (!valid)
            .then(|| (msg!("code.not_prefecture", code = code), msg!("code.not_prefecture_help")))
    })
}

/// Why a special ward's `code` is wrong, and what it should be; `None` when it is right.
pub(crate) fn ward_code_problem(id: &str, name: &str, code: &str) -> Option<(Text, Text)> {
    if let Err(error) = check_municipality_code(code) {
        let help = match error {
            CodeError::Shape => msg!("code.ward_code_shape"),
            CodeError::CheckDigit { .. } => error.text(),
        };
        return Some((msg!("code.not_a_code", code = code), help));
    }
    code_problem(&WARDS, true, id, name, code)
}

/// The entity's own code from the table, found by its id or its name, when `code` differs.
fn code_problem(
    table: &[(&str, &str, &str)],
    ward: bool,
    id: &str,
    name: &str,
    code: &str,
) -> Option<(Text, Text)> {
    let own = table.iter().find(|(_, n, slug)| *slug == id || *n == name)?;
    (own.0 != code).then(|| {
        let owner = table.iter().find(|(c, _, _)| *c == code);
        let message = match owner {
            Some((_, other, _)) => msg!("code.of_other", code = code, other = *other, own = own.1),
            None if ward => msg!("code.not_ward_code_of", code = code, own = own.1),
            None => msg!("code.not_prefecture_code_of", code = code, own = own.1),
        };
        let help = if ward {
            msg!("code.ward_code_is", own = own.1, code = own.0)
        } else {
            msg!("code.prefecture_code_is", own = own.1, code = own.0)
        };
        (message, help)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_ward_code_has_its_check_digit() {
        for (code, name, id) in WARDS {
            assert_eq!(ward_code_problem(id, name, code), None, "{name}");
        }
    }

    #[test]
    fn prefecture_codes_are_checked_against_the_id_and_the_name() {
        assert_eq!(prefecture_code_problem("hokkaido", "北海道", "01"), None);
        assert_eq!(prefecture_code_problem("hokkaido", "Hokkaido", "01"), None);
        let (message, help) =
            prefecture_code_problem("hokkaido", "北海道", "99").unwrap_or_default();
        assert!(message.contains("`99`") && help.contains("\"01\""), "{message} / {help}");
        let (message, _) = prefecture_code_problem("aomori", "青森県", "01").unwrap_or_default();
        assert_eq!(message, "`01` is the code of 北海道, not of 青森県");
        // A prefecture outside the table (another country's site) still needs a JIS code.
        assert!(prefecture_code_problem("nowhere", "どこか", "48").is_some());
        assert_eq!(prefecture_code_problem("nowhere", "どこか", "13"), None);
    }

    #[test]
    fn ward_codes_need_their_check_digit_and_their_own_ward() {
        assert!(ward_code_problem("x", "x", "abc").is_some());
        let (message, help) =
            ward_code_problem("chiyoda", "千代田区", "131017").unwrap_or_default();
        assert!(message.contains("131017"), "{message}");
        assert!(help.contains("ends in 6"), "{help}");
        let (message, help) = ward_code_problem("minato", "港区", "131016").unwrap_or_default();
        assert_eq!(message, "`131016` is the code of 千代田区, not of 港区");
        assert!(help.contains("\"131032\""), "{help}");
    }
}
