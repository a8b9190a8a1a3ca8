//! Members of the project website and the 協働プラットフォーム (issue 24), in the fixture site:
//! 釧路市 (012068, registered 2015-04), 京都市 (261009, 2016-12-03) and the partner
//! 釧路テスト信用金庫 (kushiro-shinkin, 金融機関, 2017-06) are members; テスト大学 is a partner
//! but not a member. The news item kushiro-report is by 釧路市, the event kyoto-symposium-2024
//! by 京都市, the event kushiro-exchange-2025 by the 信用金庫, which takes part in it (with the
//! university) and in the exhibit kushiro-exhibit. The counts below are by hand from those files.

use std::path::{Path, PathBuf};

use crate::invalid::{CONTENT, Expected, SETUP, case};
use crate::support::{copy_dir, edit, fixture_copy, read, renkei, repo_root, write};

/// Builds `root` into `root/public` and returns the folder.
fn build(root: &Path) -> PathBuf {
    let output = root.join("public");
    renkei()
        .arg("build")
        .arg("--root")
        .arg(root)
        .arg("--output")
        .arg(&output)
        .assert()
        .success()
        .stderr("");
    output
}

fn page(output: &Path, path: &str) -> String {
    read(&output.join(path))
}

fn assert_in(haystack: &str, needles: &[&str]) {
    for needle in needles {
        assert!(haystack.contains(needle), "`{needle}` is missing from:\n{haystack}");
    }
}

fn position(html: &str, needle: &str) -> usize {
    html.find(needle).unwrap_or_else(|| panic!("`{needle}` is not in:\n{html}"))
}

#[test]
fn the_member_list_groups_members_by_prefecture_with_counts_and_the_latest_change() {
    let site = fixture_copy("basic");
    let output = build(site.path());
    let list = page(&output, "members/index.html");
    // Three members; the latest change is the 信用金庫's registration (2017-06).
    assert_in(&list, &["count=3 latest=2017-06"]);
    assert_in(
        &list,
        &[
            "prefecture=<a href=\"/prefectures/hokkaido/\">北海道</a> count=1",
            "<a href=\"/municipalities/012068/\">釧路市</a> code=012068 kind=市 registered=2015-04 <a href=\"https://www.example.jp/renkei/members-2015.html\">source</a>",
            "prefecture=<a href=\"/prefectures/kyoto/\">京都府</a> count=1",
            "<a href=\"/municipalities/261009/\">京都市</a> code=261009 kind=市 registered=2016-12-03</li>",
            "<a href=\"/partners/kushiro-shinkin/\">釧路テスト信用金庫</a> kind=金融機関 registered=2017-06",
        ],
    );
    assert!(!list.contains("テスト大学"), "a partner without `member:` is no member");
    assert!(!list.contains("釧路町"), "a municipality without `member:` is no member");
    // Prefectures in code order (北海道 01 before 京都府 26), then the other members.
    assert!(position(&list, "北海道</a> count") < position(&list, "京都府</a> count"));
    assert!(position(&list, "京都市</a>") < position(&list, "釧路テスト信用金庫"));
    assert_in(
        &list,
        &[
            "registration: kind=form url=https://forms.example.jp/renkei-member page=<a href=\"/registration/\">会員登録</a>",
        ],
    );
    // In English too, like the data page.
    let english = page(&output, "en/members/index.html");
    assert_in(&english, &["count=3", "page=<a href=\"/en/registration/\">Membership</a>"]);
}

#[test]
fn a_member_shows_its_registration_its_articles_and_its_feed() {
    let site = fixture_copy("basic");
    let output = build(site.path());
    let kushiro = page(&output, "municipalities/012068/index.html");
    assert_in(
        &kushiro,
        &[
            "member: registered=2015-04 <a href=\"https://www.example.jp/renkei/members-2015.html\">source</a> <a href=\"/municipalities/012068/atom.xml\">feed</a> <a href=\"/members/\">members</a>",
            "<p>articles:</p>\n<ul>\n<li>[news] <a href=\"/news/kushiro-report/\">釧路市との交流の報告</a> 2025-11-01",
        ],
    );
    let feed = page(&output, "municipalities/012068/atom.xml");
    assert_in(
        &feed,
        &["<title>連携テスト — 釧路市</title>", "<title>釧路市との交流の報告</title>"],
    );
    assert_eq!(feed.matches("<entry>").count(), 1, "{feed}");
    let kyoto_feed = page(&output, "municipalities/261009/atom.xml");
    assert_in(&kyoto_feed, &["<title>地域課題シンポジウム</title>"]);
    // A municipality that is no member has no badge and no feed.
    let town = page(&output, "municipalities/016616/index.html");
    assert!(!town.contains("member:"), "{town}");
    assert!(!output.join("municipalities/016616/atom.xml").exists());
    // A partner that is a member: its article is the event it wrote.
    let shinkin = page(&output, "partners/kushiro-shinkin/index.html");
    assert_in(
        &shinkin,
        &[
            "name=釧路テスト信用金庫 kind=金融機関 kana=くしろてすとしんようきんこ",
            "member: registered=2017-06",
            "<p>articles:</p>\n<ul>\n<li>[event] <a href=\"/events/kushiro-exchange-2025/\">釧路町との住民交流</a>",
        ],
    );
    let feed = page(&output, "partners/kushiro-shinkin/atom.xml");
    assert_in(&feed, &["<title>釧路町との住民交流</title>"]);
    assert!(!output.join("partners/test-university/atom.xml").exists());
}

#[test]
fn articles_name_their_member_and_events_their_partners() {
    let site = fixture_copy("basic");
    let output = build(site.path());
    let news = page(&output, "news/kushiro-report/index.html");
    assert_in(&news, &["author: <a href=\"/municipalities/012068/\">釧路市</a>"]);
    let event = page(&output, "events/kushiro-exchange-2025/index.html");
    assert_in(
        &event,
        &[
            "author: <a href=\"/partners/kushiro-shinkin/\">釧路テスト信用金庫</a>",
            // Partners in the platform's order: 大学 before 金融機関.
            "<p>platform:</p>\n<ul>\n<li>[partner] <a href=\"/partners/test-university/\">テスト大学</a></li>\n<li>[partner] <a href=\"/partners/kushiro-shinkin/\">釧路テスト信用金庫</a></li>",
        ],
    );
    let exhibit = page(&output, "exhibits/kushiro-exhibit/index.html");
    assert_in(
        &exhibit,
        &["<li>[partner] <a href=\"/partners/kushiro-shinkin/\">釧路テスト信用金庫</a></li>"],
    );
    assert!(!exhibit.contains("テスト大学"), "{exhibit}");
    let other = page(&output, "events/kyoto-tourism-2026/index.html");
    assert!(!other.contains("platform:") && !other.contains("author:"), "{other}");
}

#[test]
fn the_platform_page_lists_partners_by_kind() {
    let site = fixture_copy("basic");
    let output = build(site.path());
    let platform = page(&output, "partners/index.html");
    assert_in(&platform, &["プロジェクトに参画する団体です。", "partners=2"]);
    assert!(position(&platform, "<p>大学:</p>") < position(&platform, "<p>金融機関:</p>"));
    assert!(!platform.contains("<p>企業:</p>"), "kinds without partners are left out");
    let partner = page(&output, "partners/test-university/index.html");
    assert_in(
        &partner,
        &["<p>taking_part:</p>\n<ul>\n<li>[event] <a href=\"/events/kushiro-exchange-2025/\">"],
    );
}

#[test]
fn registration_links_the_form_else_mails_the_contact_address_else_the_contact_page() {
    let site = fixture_copy("basic");
    let root = site.path();
    let output = build(root);
    assert_in(
        &page(&output, "registration/index.html"),
        &[
            "registration: kind=form <a href=\"https://forms.example.jp/renkei-member\">register</a>",
        ],
    );
    // No form: a mailto: to the site's contact address.
    edit(root, "site.toml", "form_url = \"https://forms.example.jp/renkei-member\"\n", "");
    edit(
        root,
        "site.toml",
        "theme = \"plain\"",
        "theme = \"plain\"\ncontact_email = \"renkei@example.jp\"",
    );
    let output = build(root);
    assert_in(
        &page(&output, "registration/index.html"),
        &["registration: kind=email <a href=\"mailto:renkei@example.jp\">register</a>"],
    );
    // Neither: the contact page.
    edit(root, "site.toml", "contact_email = \"renkei@example.jp\"", "");
    write(root, "content/contact.md", "---\ntitle: お問い合わせ\n---\n\n窓口です。\n");
    let output = build(root);
    assert_in(
        &page(&output, "registration/index.html"),
        &["registration: kind=contact <a href=\"/contact/\">register</a>"],
    );
}

/// The project's own theme shows the badge, the member list and the registration button; the
/// browser checks (tests/browser.rs) look at the same pages for accessibility.
#[test]
fn the_default_theme_shows_members_partners_and_registration() {
    let site = fixture_copy("basic");
    let root = site.path();
    copy_dir(&repo_root().join("themes/default"), &root.join("themes/default"));
    edit(root, "site.toml", "theme = \"plain\"", "theme = \"default\"");
    let output = build(root);
    let kushiro = page(&output, "municipalities/012068/index.html");
    assert_in(
        &kushiro,
        &[
            "<a class=\"badge badge-member\" href=\"/members/\">全国連携ホームページ会員</a>",
            "<dt>会員登録</dt><dd><time datetime=\"2015-04\">2015年4月</time>",
            "href=\"/municipalities/012068/atom.xml\" type=\"application/atom+xml\">この会員の記事のフィード（Atom）</a>",
        ],
    );
    let list = page(&output, "members/index.html");
    assert_in(
        &list,
        &[
            "<h1>会員登録<wbr>自治体・団体</h1>",
            "<dt>会員数</dt><dd>3</dd>",
            "href=\"https://forms.example.jp/renkei-member\" rel=\"external noopener\">登録フォームへ進む（外部サービス）</a>",
        ],
    );
    let event = page(&output, "events/kushiro-exchange-2025/index.html");
    assert_in(&event, &["<dt>記事を書いた会員</dt>", "協働する団体"]);
    let registration = page(&output, "registration/index.html");
    assert_in(&registration, &["class=\"button\" href=\"https://forms.example.jp/renkei-member\""]);
    let english = page(&output, "en/members/index.html");
    assert_in(&english, &["<h1>Website members</h1>"]);
}

const KUSHIRO: &str = "content/municipalities/012068.md";
const REPORT: &str = "content/news/kushiro-report.md";
const SHINKIN: &str = "content/partners/kushiro-shinkin.md";

#[test]
fn a_bad_registration_date_is_located_with_the_nearest_date() {
    case(
        "member_bad_date",
        |root| edit(root, KUSHIRO, "registered: 2015-04", "registered: 2015-13"),
        Expected {
            exit: CONTENT,
            at: &["content/municipalities/012068.md:9:15"],
            says: &["`2015-13` is not a date: there is no month 13", "did you mean `2015-12`?"],
        },
    );
}

#[test]
fn an_unknown_author_is_located_with_the_nearest_member() {
    case(
        "member_unknown_author",
        |root| edit(root, REPORT, "author: \"012068\"", "author: \"012086\""),
        Expected {
            exit: CONTENT,
            at: &["content/news/kushiro-report.md:6:10"],
            says: &["unknown member `012086`", "did you mean `012068`?"],
        },
    );
}

#[test]
fn an_author_that_is_no_member_is_an_error() {
    case(
        "member_author_not_member",
        |root| edit(root, REPORT, "author: \"012068\"", "author: \"016616\""),
        Expected {
            exit: CONTENT,
            at: &["content/news/kushiro-report.md:6:10"],
            says: &[
                "`016616` (釧路町) is not a member of the website",
                "add `member:` with `registered:` to `content/municipalities/016616.md`",
            ],
        },
    );
}

#[test]
fn a_partner_with_an_unknown_kind_or_event_is_located_with_the_nearest() {
    case(
        "partner_unknown_kind_and_event",
        |root| {
            edit(root, SHINKIN, "kind: 金融機関", "kind: 金融");
            edit(
                root,
                SHINKIN,
                "events: [kushiro-exchange-2025]",
                "events: [kushiro-exchange-2052]",
            );
        },
        Expected {
            exit: CONTENT,
            at: &[
                "content/partners/kushiro-shinkin.md:4:7",
                "content/partners/kushiro-shinkin.md:6:10",
            ],
            says: &[
                "unknown partner kind `金融`",
                "did you mean `金融機関`?",
                "unknown event `kushiro-exchange-2052`",
                "did you mean `kushiro-exchange-2025`?",
            ],
        },
    );
}

#[test]
fn a_registration_form_that_is_not_a_web_address_is_a_setup_error() {
    case(
        "registration_form_not_https",
        |root| {
            edit(
                root,
                "site.toml",
                "\"https://forms.example.jp/renkei-member\"",
                "\"forms.example.jp/renkei-member\"",
            )
        },
        Expected {
            exit: SETUP,
            at: &["site.toml:17:1"],
            says: &[
                "`forms.example.jp/renkei-member` is not a web address",
                "did you mean `https://forms.example.jp/renkei-member`?",
            ],
        },
    );
}

#[test]
fn members_and_partners_are_open_data_with_a_schema() {
    let site = fixture_copy("basic");
    let output = build(site.path());
    let csv = page(&output, "data/members.csv");
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').split("\r\n").collect();
    assert_eq!(
        lines[0],
        "会員の種別,ID,全国地方公共団体コード,名称,都道府県名,会員登録日,出典,記事数,URL"
    );
    assert_eq!(
        lines[1..4],
        [
            "自治体,012068,012068,釧路市,北海道,2015-04,https://www.example.jp/renkei/members-2015.html,1,https://example.org/municipalities/012068/",
            "自治体,261009,261009,京都市,京都府,2016-12-03,,1,https://example.org/municipalities/261009/",
            "団体,kushiro-shinkin,,釧路テスト信用金庫,,2017-06,https://www.example.jp/renkei/members-2017.html,1,https://example.org/partners/kushiro-shinkin/",
        ]
    );
    let json: serde_json::Value = serde_json::from_str(&page(&output, "data/partners.json"))
        .unwrap_or_else(|e| panic!("partners.json: {e}"));
    let records = json["records"].as_array().map_or(0, Vec::len);
    assert_eq!(records, 2, "{json}");
    assert_eq!(json["records"][0]["partner_kind"], "大学");
    assert_eq!(json["records"][1]["taking_part"], "釧路町との住民交流、釧路管内の魅力展");
    for id in ["members", "partners"] {
        let schema: serde_json::Value =
            serde_json::from_str(&page(&output, &format!("data/schema/{id}.json")))
                .unwrap_or_else(|e| panic!("schema of {id}: {e}"));
        assert!(schema["$schema"].is_string(), "{schema}");
    }
    assert_in(&page(&output, "en/data/index.html"), &["members"]);
}
