//! Meetings, supported projects and the plan against what was done (issue 24, second half).
//!
//! The fixture `tests/fixtures/plan` is laid over a copy of `tests/fixtures/basic` built with the
//! project's own theme: a plan for 2024–2026年度 and entries on the edges of 年度. The plan
//! page's counts are checked against a hand count of that fixture, written out below.

use std::path::{Path, PathBuf};

use crate::support::{copy_dir, edit, fixture, fixture_copy, read, renkei, repo_root, write};

/// The basic fixture with the default theme and the plan fixture over it.
fn plan_site() -> tempfile::TempDir {
    let site = fixture_copy("basic");
    let root = site.path();
    copy_dir(&repo_root().join("themes/default"), &root.join("themes/default"));
    edit(root, "site.toml", "theme = \"plain\"", "theme = \"default\"");
    copy_dir(&fixture("plan"), root);
    site
}

fn build(root: &Path) -> PathBuf {
    let output = root.join("public");
    renkei().arg("build").arg("--root").arg(root).arg("--output").arg(&output).assert().success();
    output
}

/// The build's error output, which must fail.
fn build_errors(root: &Path) -> String {
    let output = root.join("public");
    let run = renkei().arg("build").arg("--root").arg(root).arg("--output").arg(&output).output();
    let run = run.unwrap_or_else(|e| panic!("cannot run renkei: {e}"));
    assert!(!run.status.success(), "the build should fail");
    String::from_utf8_lossy(&run.stderr).into_owned()
}

/// The (年度, recorded, aim) rows of one project's table on the plan page, and its total.
fn table(html: &str, project: &str) -> (Vec<(String, String, String)>, String) {
    let start = html
        .find(&format!("aria-labelledby=\"{project}\""))
        .unwrap_or_else(|| panic!("no section for {project}"));
    let section = &html[start..];
    let section = &section[..section.find("</section>").unwrap_or(section.len())];
    let body = between(section, "<tbody>", "</tbody>");
    let rows = body
        .split("<tr>")
        .skip(1)
        .map(|row| {
            let year = between(row, "<th scope=\"row\">", "</th>").to_owned();
            let cells: Vec<&str> =
                row.split("<td>").skip(1).map(|c| c.split("</td>").next().unwrap_or("")).collect();
            (year, cells[0].to_owned(), cells[1].to_owned())
        })
        .collect();
    let total = between(between(section, "<tfoot>", "</tfoot>"), "<td>", "</td>").to_owned();
    (rows, total)
}

fn between<'a>(text: &'a str, from: &str, to: &str) -> &'a str {
    let start = text.find(from).map_or(0, |at| at + from.len());
    let rest = &text[start..];
    &rest[..rest.find(to).unwrap_or(rest.len())]
}

fn row(year: &str, count: &str, aim: &str) -> (String, String, String) {
    (year.to_owned(), count.to_owned(), aim.to_owned())
}

#[test]
fn the_plan_page_counts_what_the_fixture_records_per_nendo() {
    let site = plan_site();
    let output = build(site.path());
    let html = read(&output.join("plan/index.html"));
    let per_year = "各年度2件程度";

    // Hand count, 年度 = April to March; the plan covers 令和6 (2024), 7 (2025), 8 (2026).
    // symposiums (kinds シンポジウム, 講演会, セミナー):
    //   basic/events/kyoto-symposium-2024   2024-11-20T13:30 シンポジウム → 令和6年度
    //   plan/events/plan-seminar-2025-03    2025-03 セミナー (a month: March) → 令和6年度
    //   plan/events/plan-lecture-2025-04-01 2025-04-01 講演会             → 令和7年度
    //   plan/events/plan-old-symposium      2024-03-31 シンポジウム → 令和5年度, before the plan
    //   plan/events/plan-draft-symposium    draft                           → not published
    //   => 令和6年度 2, 令和7年度 1, 令和8年度 0; total 3
    let (rows, total) = table(&html, "symposiums");
    assert_eq!(
        rows,
        [
            row("令和6年度", "2", per_year),
            row("令和7年度", "1", per_year),
            row("令和8年度", "0", per_year)
        ]
    );
    assert_eq!(total, "3");

    // events (魅力発信イベント):
    //   basic/events/kyoto-tourism-2026     2026-02-10 → 令和7年度
    //   basic/events/kushiro-mikakuichi-2015 2015-10-15 → before the plan
    //   => 0, 1, 0
    let (rows, total) = table(&html, "events");
    assert_eq!(
        rows,
        [
            row("令和6年度", "0", per_year),
            row("令和7年度", "1", per_year),
            row("令和8年度", "0", per_year)
        ]
    );
    assert_eq!(total, "1");

    // supported (events with `support`):
    //   plan/events/plan-supported-2025     2025-06-14 協賛 → 令和7年度
    //   plan/events/plan-supported-year     2026 (a year: 令和7年度 or 令和8年度) → uncertain
    //   => 0, 1, 0 and one record whose 年度 is not known
    let (rows, total) = table(&html, "supported");
    assert_eq!(
        rows,
        [
            row("令和6年度", "0", per_year),
            row("令和7年度", "1", per_year),
            row("令和8年度", "0", per_year)
        ]
    );
    assert_eq!(total, "1");
    let supported = between(&html, "aria-labelledby=\"supported\"", "</section>");
    assert!(supported.contains("年度を特定できない記録（年だけが分かるもの）：1"), "{supported}");
    assert!(supported.contains("/events/plan-supported-year/"), "{supported}");

    // exhibits: basic/exhibits/kushiro-exhibit 2025-12-01 → 令和7年度 => 0, 1, 0 (no number aimed at)
    let (rows, _) = table(&html, "exhibits");
    assert_eq!(
        rows,
        [row("令和6年度", "0", "—"), row("令和7年度", "1", "—"), row("令和8年度", "0", "—")]
    );

    // agreements (dated only): basic hokkaido-choson 2016-04-26 → before; plan-agreement-2026
    // 2026-04-01 → 令和8年度; plan-undated has no date → not counted. => 0, 0, 1
    let (rows, _) = table(&html, "agreements");
    assert_eq!(
        rows,
        [row("令和6年度", "0", "—"), row("令和7年度", "0", "—"), row("令和8年度", "1", "—")]
    );

    // relations by `since`: basic 012068 (since 2015: 平成26 or 27年度) → before the plan;
    // plan 016616 chiyoda 2024-10 → 令和6年度, minato 2026-03-31 → 令和7年度; arakawa without
    // since → not counted; plan 262013 arakawa since 2025 → uncertain. => 1, 1, 0; 1 uncertain
    let (rows, total) = table(&html, "relations");
    assert_eq!(
        rows,
        [row("令和6年度", "1", "—"), row("令和7年度", "1", "—"), row("令和8年度", "0", "—")]
    );
    assert_eq!(total, "2");
    let relations = between(&html, "aria-labelledby=\"relations\"", "</section>");
    assert!(relations.contains("：1</p>") && relations.contains("計画の起点"), "{relations}");

    // The chart says the same numbers, in its description, and is labelled.
    assert!(
        html.contains("<desc id=\"plan-symposiums-desc\">令和6年度 2件、令和7年度 1件、令和8年度 0件（計画：各年度2件程度）</desc>"),
        "{html}"
    );
    assert!(
        html.contains(
            "role=\"img\" aria-labelledby=\"plan-symposiums-title plan-symposiums-desc\""
        )
    );

    // The open data set says the same, with a schema; the uncertain records in a row of their own.
    let csv = read(&output.join("data/plan.csv"));
    assert!(
        csv.starts_with("\u{feff}年度,年度名,事業ID,事業,計画,計画の件数,実績の件数\r\n"),
        "{csv}"
    );
    for line in [
        "2024,令和6年度,symposiums,シンポジウム等,各年度2回程度,2,2\r\n",
        "2025,令和7年度,symposiums,シンポジウム等,各年度2回程度,2,1\r\n",
        "2026,令和8年度,agreements,協定,協定締結,,1\r\n",
        ",年度不明,supported,事業への支援,各年度2件程度,,1\r\n",
        ",年度不明,relations,新たな連携,友好・交流関係の拡大,,1\r\n",
    ] {
        assert!(csv.contains(line), "`{line}` not in {csv}");
    }
    assert_eq!(csv.lines().count(), 1 + 6 * 3 + 2, "a row per project and 年度, two uncertain");
    assert!(
        output.join("data/schema/plan.json").is_file() && output.join("data/plan.json").is_file()
    );
    let data_page = read(&output.join("data/index.html"));
    assert!(data_page.contains("plan.csv"), "the data page lists the set");

    // The English page: the same numbers, fiscal years in English.
    let en = read(&output.join("en/plan/index.html"));
    let (rows, _) = table(&en, "symposiums");
    assert_eq!(rows[0], row("FY2024", "2", "about 2 a year"));
    assert!(en.contains("<h2 id=\"symposiums\">Symposiums</h2>"), "{en}");
}

#[test]
fn meetings_are_listed_per_body_and_nendo_and_linked_from_what_they_concern() {
    let site = plan_site();
    let output = build(site.path());
    let list = read(&output.join("meetings/index.html"));
    // Bodies by name, 年度 newest first within each; the 年度 table counts meetings (count: 3).
    let committee = list.find("テスト推進委員会</h2>").unwrap_or(usize::MAX);
    let council = list.find("テスト連絡会</h2>").unwrap_or(usize::MAX);
    assert!(committee < council && council < usize::MAX, "{list}");
    assert!(list.contains("<tr><th scope=\"row\">令和7年度</th><td>1</td></tr>"), "{list}");
    assert!(list.contains("<tr><th scope=\"row\">令和6年度</th><td>3</td></tr>"), "{list}");
    assert!(
        list.contains(
            "<span class=\"card-date\">令和6年度</span><span class=\"card-count\">3回</span>"
        ),
        "{list}"
    );

    let page = read(&output.join("meetings/plan-renrakukai-2025/index.html"));
    assert!(page.contains("href=\"/meetings/plan-renrakukai-2025/gijiroku.pdf\""), "{page}");
    assert!(page.contains("<li>今年度の事業計画</li>") && page.contains("令和7年度"), "{page}");
    assert!(output.join("meetings/plan-renrakukai-2025/gijiroku.pdf").is_file());
    let en = read(&output.join("en/meetings/plan-renrakukai-2025/index.html"));
    assert!(en.contains("href=\"/meetings/plan-renrakukai-2025/gijiroku.pdf\""), "{en}");
    assert!(en.contains("FY2025") && en.contains("Test liaison council"), "{en}");

    // Linked from the agreement and the places they concern.
    let agreement = read(&output.join("agreements/hokkaido-choson/index.html"));
    assert!(agreement.contains("/meetings/plan-renrakukai-2025/"), "{agreement}");
    let kyoto = read(&output.join("prefectures/kyoto/index.html"));
    assert!(kyoto.contains("/meetings/plan-iinkai-2024/"), "{kyoto}");
    let hokkaido = read(&output.join("prefectures/hokkaido/index.html"));
    assert!(hokkaido.contains("/meetings/plan-renrakukai-2025/"), "{hokkaido}");

    // A supported event shows the support given, on its page and its card.
    let event = read(&output.join("events/plan-supported-2025/index.html"));
    assert!(event.contains("<dt>特別区長会の支援</dt><dd>協賛</dd>"), "{event}");

    // Both in the open data: the meetings oldest first with their 年度, count and minutes; the
    // support in the 備考 of events.csv.
    let csv = read(&output.join("data/meetings.csv"));
    let ids: Vec<&str> = csv.lines().skip(1).filter_map(|line| line.split(',').next()).collect();
    let (iinkai, renrakukai) = (
        ids.iter().position(|id| *id == "plan-iinkai-2024"),
        ids.iter().position(|id| *id == "plan-renrakukai-2025"),
    );
    assert!(iinkai.is_some() && iinkai < renrakukai, "oldest first:\n{csv}");
    assert!(csv.contains(",2024,令和6年度,,3,"), "a 年度 without a date, 3 meetings:\n{csv}");
    assert!(
        csv.contains("https://example.org/meetings/plan-renrakukai-2025/gijiroku.pdf"),
        "the minutes' address:\n{csv}"
    );
    let json = read(&output.join("data/meetings.json"));
    assert!(json.contains("\"plan-renrakukai-2025\""), "{json}");
    assert!(output.join("data/schema/meetings.json").is_file());
    let events = read(&output.join("data/events.csv"));
    assert!(events.contains("／支援：協賛"), "{events}");
}

#[test]
fn the_basic_fixture_without_a_plan_or_meeting_templates_has_no_such_pages() {
    let site = fixture_copy("basic");
    let output = build(site.path());
    assert!(!output.join("plan").exists() && !output.join("meetings").exists());
}

#[test]
fn bad_meetings_support_and_plans_are_located_with_the_nearest_value() {
    let site = plan_site();
    let root = site.path();
    build(root);
    write(
        root,
        "content/meetings/undated.md",
        "---\ntitle: 日付のない会議\nbody: テスト連絡会\n---\n",
    );
    write(
        root,
        "content/meetings/bad-nendo.md",
        "---\ntitle: 年度の誤り\nbody: テスト連絡会\nnendo: 来年度\n---\n",
    );
    edit(root, "content/events/plan-supported-2025.md", "support: [協賛]", "support: [協賛金]");
    edit(
        root,
        "content/meetings/plan-renrakukai-2025/index.md",
        "minutes: gijiroku.pdf",
        "minutes: gijroku.pdf",
    );
    let errors = build_errors(root);
    let expect = |needle: &str| assert!(errors.contains(needle), "`{needle}` not in:\n{errors}");
    expect("a meeting needs `date` or `nendo`");
    expect("content/meetings/undated.md:2:8");
    expect("`来年度` is not a 年度");
    expect("content/meetings/bad-nendo.md:4");
    expect("unknown kind of support `協賛金`");
    expect("content/events/plan-supported-2025.md:6:");
    expect("did you mean `協賛`?");
    expect("the minutes `gijroku.pdf` are not beside the entry");
    expect("did you mean `gijiroku.pdf`?");
    // The previous output is left as it was.
    assert!(root.join("public/plan/index.html").is_file());

    let site = plan_site();
    let root = site.path();
    edit(root, "data/plan.toml", "counts = \"exhibits\"", "counts = \"exhibit\"");
    let errors = build_errors(root);
    assert!(errors.contains("`exhibit` is not something the plan can count"), "{errors}");
    assert!(errors.contains("data/plan.toml:50:11"), "{errors}");
    assert!(errors.contains("did you mean `exhibits`?"), "{errors}");
}
