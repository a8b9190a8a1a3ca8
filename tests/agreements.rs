//! Agreements whose sources give no signing day: `date` left out, `date_note` said instead.
//! The fixture site gets two undated agreements and is built with the project's own theme, as
//! readers see it.

use std::path::Path;

use crate::support::{copy_dir, edit, fixture_copy, read, renkei, repo_root, write};

const NOTE_A: &str = "締結日は出典に記載がありません（2017年9月までに締結）";
const NOTE_B: &str = "出典は2月21日とだけ記しています";

/// Builds `root` into `root/public` and returns the folder.
fn build(root: &Path) -> std::path::PathBuf {
    let output = root.join("public");
    renkei().arg("build").arg("--root").arg(root).arg("--output").arg(&output).assert().success();
    output
}

/// The fixture with the default theme and two undated agreements whose titles sort before the
/// dated one's (`あ…`, `い…` < `特…`), so that only the date can put them last.
fn site_with_undated_agreements() -> tempfile::TempDir {
    let site = fixture_copy("basic");
    let root = site.path();
    copy_dir(&repo_root().join("themes/default"), &root.join("themes/default"));
    edit(root, "site.toml", "theme = \"plain\"", "theme = \"default\"");
    write(
        root,
        "content/agreements/undated-b.md",
        format!(
            "---\ntitle: いの協定\nparties: [特別区長会, い町村会]\ndate_note: {NOTE_B}\n---\n\n本文。\n"
        ),
    );
    write(
        root,
        "content/agreements/undated-a.md",
        format!(
            "---\ntitle: あの協定\nparties: [特別区長会, あ町村会]\ndate_note: {NOTE_A}\nprefectures: [hokkaido]\n---\n\n本文。\n"
        ),
    );
    site
}

fn position(html: &str, needle: &str) -> usize {
    html.find(needle).unwrap_or_else(|| panic!("`{needle}` is not in the page"))
}

#[test]
fn undated_agreements_build_sort_last_by_title_and_show_their_note() {
    let site = site_with_undated_agreements();
    let output = build(site.path());

    let list = read(&output.join("agreements/index.html"));
    let dated = position(&list, "/agreements/hokkaido-choson/");
    let a = position(&list, "/agreements/undated-a/");
    let b = position(&list, "/agreements/undated-b/");
    assert!(dated < a && a < b, "dated first, then undated by title: {dated} {a} {b}");
    assert!(list.contains(NOTE_A) && list.contains(NOTE_B), "the cards show the notes");

    let page = read(&output.join("agreements/undated-a/index.html"));
    assert!(page.contains(&format!("<dd class=\"date-note\">{NOTE_A}</dd>")), "{page}");
    assert!(!page.contains("<time"), "no date is invented for an undated agreement");

    // The prefecture's card list takes the note too.
    let prefecture = read(&output.join("prefectures/hokkaido/index.html"));
    assert!(prefecture.contains(NOTE_A), "the prefecture's card shows the note");
}

#[test]
fn an_undated_agreement_has_no_lastmod_in_the_sitemap() {
    let site = site_with_undated_agreements();
    let output = build(site.path());
    let sitemap = read(&output.join("sitemaps/ja.xml"));
    let entry = sitemap
        .split("<url>")
        .find(|url| url.contains("/agreements/undated-a/</loc>"))
        .unwrap_or_else(|| panic!("the undated agreement is not in the sitemap"));
    assert!(!entry.contains("<lastmod>"), "no date, no lastmod: {entry}");
}

#[test]
fn open_data_gives_an_undated_agreement_an_empty_date_and_its_note() {
    let site = site_with_undated_agreements();
    let output = build(site.path());

    let csv = read(&output.join("data/agreements.csv"));
    let mut lines = csv.trim_start_matches('\u{feff}').lines();
    let header = lines.next().unwrap_or_default();
    assert!(header.starts_with("ID,協定名,締結日,締結日の注記,"), "{header}");
    let rows: Vec<&str> = lines.collect();
    assert!(rows[0].starts_with("hokkaido-choson,"), "dated first: {rows:?}");
    assert!(rows[1].starts_with(&format!("undated-a,あの協定,,{NOTE_A},")), "{rows:?}");
    assert!(rows[2].starts_with(&format!("undated-b,いの協定,,{NOTE_B},")), "{rows:?}");

    let json: serde_json::Value = serde_json::from_str(&read(&output.join("data/agreements.json")))
        .unwrap_or_else(|e| {
            panic!("agreements.json is not JSON: {e}");
        });
    let text = json.to_string();
    assert!(text.contains("\"date\":null"), "the undated agreement's date is null: {text}");
    let schema = read(&output.join("data/schema/agreements.json"));
    assert!(schema.contains("\"null\""), "the schema allows an empty date: {schema}");
}

/// The open data list the dated agreements oldest first, whatever their ids and titles (here in
/// the opposite order), then the undated ones.
#[test]
fn open_data_lists_the_dated_agreements_oldest_first() {
    let site = site_with_undated_agreements();
    let root = site.path();
    let agreement = |id: &str, title: &str, date: &str| {
        let text =
            format!("---\ntitle: {title}\ndate: {date}\nparties: [特別区長会]\n---\n\n本文。\n");
        write(root, &format!("content/agreements/{id}.md"), text);
    };
    agreement("dated-new", "あ新しい協定", "2021-03-01");
    agreement("dated-old", "う古い協定", "2010-05-10");
    let output = build(root);

    let expected = ["dated-old", "hokkaido-choson", "dated-new", "undated-a", "undated-b"];
    let csv = read(&output.join("data/agreements.csv"));
    let ids: Vec<&str> = csv
        .trim_start_matches('\u{feff}')
        .lines()
        .skip(1)
        .map(|row| row.split(',').next().unwrap_or_default())
        .collect();
    assert_eq!(ids, expected, "agreements.csv:\n{csv}");

    let json: serde_json::Value = serde_json::from_str(&read(&output.join("data/agreements.json")))
        .unwrap_or_else(|e| panic!("agreements.json is not JSON: {e}"));
    let records = json["records"].as_array().unwrap_or_else(|| panic!("records: {json}"));
    let ids: Vec<&str> = records.iter().map(|r| r["id"].as_str().unwrap_or_default()).collect();
    assert_eq!(ids, expected, "agreements.json");
}
