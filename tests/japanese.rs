//! Japanese on the project's own site, as built: wards in their official order, 和暦 beside
//! event dates.

use crate::support::{project_site, read, repo_root};

#[test]
fn wards_in_official_order_and_event_dates_with_wareki() {
    let public = project_site();

    let wards = read(&public.join("wards/index.html"));
    let official = [
        "千代田区",
        "中央区",
        "港区",
        "新宿区",
        "文京区",
        "台東区",
        "墨田区",
        "江東区",
        "品川区",
        "目黒区",
        "大田区",
        "世田谷区",
        "渋谷区",
        "中野区",
        "杉並区",
        "豊島区",
        "北区",
        "荒川区",
        "板橋区",
        "練馬区",
        "足立区",
        "葛飾区",
        "江戸川区",
    ];
    let main = &wards[wards.find("<main").unwrap_or(0)..];
    let positions: Vec<usize> = official
        .iter()
        .map(|name| {
            main.find(&format!(">{name}<")).unwrap_or_else(|| panic!("{name} is not listed"))
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "wards out of order: {positions:?}");

    let event = read(&public.join("events/kushiro-mikakuichi-2015/index.html"));
    assert!(event.contains("2015年10月17日（土）"), "西暦 date missing");
    assert!(event.contains("<span class=\"wareki\">〔平成27年〕</span>"), "和暦 missing");
}

/// Every reading of the real content turns into plain romaji (a–z only): no kana left over,
/// nothing the search box could not match.
#[test]
fn every_reading_of_the_content_has_plain_romaji() {
    let mut checked = 0;
    for folder in ["wards", "prefectures", "municipalities"] {
        let dir = repo_root().join("content").join(folder);
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{e}")).flatten() {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            let Some(kana) = text.lines().find_map(|l| l.strip_prefix("kana:")) else { continue };
            let kana = kana.trim().trim_matches('"');
            let romaji = renkei::japanese::kana::romaji(kana);
            assert!(
                !romaji.is_empty() && romaji.chars().all(|c| c.is_ascii_lowercase()),
                "{}: {kana} → {romaji}",
                entry.path().display()
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} readings found");
    assert_eq!(renkei::japanese::kana::romaji("くしろし"), "kushiroshi");
}
