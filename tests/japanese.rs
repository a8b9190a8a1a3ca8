//! Japanese on the project's own site, as built: wards in their official order, 和暦 beside
//! event dates.

use crate::support::{read, renkei, repo_root};

#[test]
fn wards_in_official_order_and_event_dates_with_wareki() {
    let out = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let public = out.path().join("public");
    renkei()
        .arg("build")
        .arg("--root")
        .arg(repo_root())
        .arg("--output")
        .arg(&public)
        .assert()
        .success();

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
