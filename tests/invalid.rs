//! Invalid input: every mistake an editor can make gives a located error (`--> file:line:col`, the
//! line with a caret, the bad value, what would be valid), a non-zero exit code, and leaves the
//! previous output exactly as it was.
//!
//! Each case copies the fixture site into a temporary folder, builds it once, breaks one thing and
//! builds again.

use std::path::Path;

use crate::support::{assert_same_tree, edit, fixture_copy, read_tree, renkei, run_failing, write};

/// Exit code of problems in the content or the templates.
pub(crate) const CONTENT: i32 = 1;
/// Exit code of problems with site.toml or the command line.
pub(crate) const SETUP: i32 = 2;

/// What the second build must report.
pub(crate) struct Expected<'a> {
    pub(crate) exit: i32,
    /// Every `file:line:col` (or `file` alone, for a problem with the file as a whole), in the
    /// order the problems must be reported.
    pub(crate) at: &'a [&'a str],
    /// Texts stderr must contain: the bad value, the help.
    pub(crate) says: &'a [&'a str],
}

/// Builds a copy of the fixture, applies `breaks`, builds again; checks the failure against
/// `expected`, checks the output is unchanged and snapshots stderr as `name`.
pub(crate) fn case(name: &str, breaks: impl FnOnce(&Path), expected: Expected<'_>) {
    let stderr = failed_build(breaks, expected);
    insta::with_settings!({
        snapshot_path => "snapshots/invalid",
        prepend_module_to_snapshot => false,
        description => format!("stderr of `renkei build` after: {name}"),
    }, {
        insta::assert_snapshot!(name, stderr);
    });
}

/// `case` without the snapshot; returns stderr, the temporary folder written `[TMP]`.
fn failed_build(breaks: impl FnOnce(&Path), expected: Expected<'_>) -> String {
    let site = fixture_copy("basic");
    let root = site.path();
    let output = root.join("public");
    renkei().arg("build").arg("--root").arg(root).arg("--output").arg(&output).assert().success();
    let before = read_tree(&output);
    assert!(before.contains_key("index.html"), "the first build wrote the site");

    breaks(root);
    let result = renkei()
        .arg("build")
        .arg("--root")
        .arg(root)
        .arg("--output")
        .arg(&output)
        .output()
        .unwrap_or_else(|e| panic!("cannot run renkei: {e}"));
    let stderr = String::from_utf8_lossy(&result.stderr).into_owned();
    let stdout = String::from_utf8_lossy(&result.stdout).into_owned();

    assert_eq!(result.status.code(), Some(expected.exit), "exit code; stderr:\n{stderr}");
    assert!(stdout.is_empty(), "nothing on stdout after a failure: {stdout}");
    assert!(!stderr.contains("panicked"), "no panic:\n{stderr}");
    let mut from = 0;
    for at in expected.at {
        // A problem with a file as a whole (its name, a file that is missing) has no line.
        let whole_file = at.matches(':').count() < 2;
        let arrow = if whole_file { format!("in {at}\n") } else { format!("--> {at}\n") };
        let found = stderr[from..].find(&arrow).map(|i| from + i);
        let Some(found) = found else {
            panic!("stderr does not point at `{at}` (after byte {from}):\n{stderr}");
        };
        from = found + arrow.len();
    }
    if expected.at.iter().any(|at| at.matches(':').count() == 2) {
        let caret = stderr.lines().any(|line| {
            let line = line.trim_start();
            line.starts_with('|') && line.contains('^')
        });
        assert!(caret, "a caret points at the bad value:\n{stderr}");
    }
    for text in expected.says {
        assert!(stderr.contains(text), "stderr does not say `{text}`:\n{stderr}");
    }
    let problems = if expected.at.len() == 1 {
        "1 problem found".to_owned()
    } else {
        format!("{} problems found", expected.at.len())
    };
    assert!(stderr.contains(&problems), "stderr counts `{problems}`:\n{stderr}");

    let after = read_tree(&output);
    assert_same_tree(&before, &after, "the failed build changed the previous output");
    let leftovers: Vec<String> = std::fs::read_dir(root)
        .map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    let leftovers: Vec<&String> = leftovers.iter().filter(|n| n.starts_with("public.")).collect();
    assert!(leftovers.is_empty(), "the failed build left {leftovers:?} beside the output");

    redact(&stderr, root)
}

/// The temporary folder's path, wherever it appears, as `[TMP]`.
fn redact(text: &str, root: &Path) -> String {
    let mut text = text.to_owned();
    let mut paths = vec![root.display().to_string()];
    if let Ok(canonical) = root.canonicalize() {
        paths.push(canonical.display().to_string());
    }
    paths.sort_by_key(|p| std::cmp::Reverse(p.len()));
    for path in paths {
        text = text.replace(&path, "[TMP]");
    }
    text
}

const TOURISM: &str = "content/events/kyoto-tourism-2026.md";
const SYMPOSIUM: &str = "content/events/kyoto-symposium-2024.md";
const MIKAKUICHI: &str = "content/events/kushiro-mikakuichi-2015.md";
const KUSHIRO: &str = "content/municipalities/012068.md";
const KUSHIRO_TOWN: &str = "content/municipalities/016616.md";
const FACILITY: &str = "content/facilities/kusei-kaikan.md";
const WARD_TEMPLATE: &str = "themes/plain/templates/ward.html";

#[test]
fn yaml_syntax_error() {
    case(
        "yaml_syntax_error",
        |root| edit(root, TOURISM, "title: 京都観光フェア", "title: 京都: 観光フェア"),
        Expected {
            exit: CONTENT,
            at: &["content/events/kyoto-tourism-2026.md:2:10"],
            says: &["read as the start of a new field", "`title: '京都: 観光フェア'`"],
        },
    );
}

#[test]
fn missing_required_field() {
    case(
        "missing_required_field",
        |root| edit(root, TOURISM, "title: 京都観光フェア\n", ""),
        Expected {
            exit: CONTENT,
            at: &["content/events/kyoto-tourism-2026.md:2:1"],
            says: &["missing field `title`", "help: add `title:` to the front matter"],
        },
    );
}

#[test]
fn wrong_type() {
    case(
        "wrong_type",
        |root| edit(root, FACILITY, "capacity: 100", "capacity: many"),
        Expected {
            exit: CONTENT,
            at: &["content/facilities/kusei-kaikan.md:5:11"],
            says: &["`capacity` must be a number", "\"many\""],
        },
    );
}

#[test]
fn unknown_field() {
    case(
        "unknown_field",
        |root| edit(root, TOURISM, "title: 京都観光フェア", "titel: 京都観光フェア"),
        Expected {
            exit: CONTENT,
            at: &["content/events/kyoto-tourism-2026.md:2:1"],
            says: &["unknown field `titel`", "help: did you mean `title`?"],
        },
    );
}

#[test]
fn unknown_ward_in_partners() {
    case(
        "unknown_ward_in_partners",
        |root| edit(root, KUSHIRO, "ward: arakawa", "ward: chiyodda"),
        Expected {
            exit: CONTENT,
            at: &["content/municipalities/012068.md:12:11"],
            says: &["unknown ward `chiyodda`", "help: did you mean `chiyoda`?"],
        },
    );
}

#[test]
fn unknown_municipality_code_in_an_event() {
    case(
        "unknown_municipality_code",
        |root| {
            edit(root, MIKAKUICHI, "municipalities: [\"012068\"]", "municipalities: [\"012069\"]")
        },
        Expected {
            exit: CONTENT,
            at: &["content/events/kushiro-mikakuichi-2015.md:9:19"],
            says: &["unknown municipality `012069`", "help: did you mean `012068`?"],
        },
    );
}

#[test]
fn unknown_prefecture_in_a_municipality() {
    case(
        "unknown_prefecture",
        |root| edit(root, KUSHIRO_TOWN, "prefecture: hokkaido", "prefecture: hokaido"),
        Expected {
            exit: CONTENT,
            at: &["content/municipalities/016616.md:4:13"],
            says: &["unknown prefecture `hokaido`", "help: did you mean `hokkaido`?"],
        },
    );
}

#[test]
fn municipality_referred_to_by_name() {
    case(
        "municipality_by_name",
        |root| edit(root, MIKAKUICHI, "municipalities: [\"012068\"]", "municipalities: [釧路市]"),
        Expected {
            exit: CONTENT,
            at: &["content/events/kushiro-mikakuichi-2015.md:9:18"],
            says: &["`釧路市`", "help:", "`012068`"],
        },
    );
}

#[test]
fn unknown_category() {
    case(
        "unknown_category",
        |root| edit(root, SYMPOSIUM, "category: 地域課題", "category: 地域問題"),
        Expected {
            exit: CONTENT,
            at: &["content/events/kyoto-symposium-2024.md:4:11"],
            says: &["unknown category `地域問題`", "help: did you mean `地域課題`?"],
        },
    );
}

#[test]
fn impossible_date() {
    case(
        "impossible_date",
        |root| edit(root, SYMPOSIUM, "date: 2024-11-20T13:30", "date: 2024-02-30"),
        Expected {
            exit: CONTENT,
            at: &["content/events/kyoto-symposium-2024.md:3:7"],
            says: &["`2024-02-30` is not a date that exists"],
        },
    );
}

/// An agreement's `date` may be left out, but one that is written must still exist.
#[test]
fn impossible_agreement_date() {
    let agreement = "content/agreements/hokkaido-choson.md";
    failed_build(
        |root| edit(root, agreement, "date: 2016-04-26", "date: 2016-04-31"),
        Expected {
            exit: CONTENT,
            at: &["content/agreements/hokkaido-choson.md:3:7"],
            says: &["`2016-04-31` is not a date that exists"],
        },
    );
}

#[test]
fn event_ends_before_it_begins() {
    case(
        "end_before_date",
        |root| edit(root, MIKAKUICHI, "end: 2015-10-16", "end: 2015-10-14"),
        Expected {
            exit: CONTENT,
            at: &["content/events/kushiro-mikakuichi-2015.md:4:6"],
            says: &["2015-10-14", "2015-10-15", "before it begins"],
        },
    );
}

#[test]
fn two_files_claim_the_same_url() {
    case(
        "url_collision",
        |root| write(root, "content/wards.md", "---\ntitle: 特別区の一覧\n---\n\n本文。\n"),
        Expected {
            exit: CONTENT,
            at: &["content/wards.md"],
            says: &["/wards/", "the list of wards", "help: rename one of the files"],
        },
    );
}

#[test]
fn duplicate_ward_code() {
    case(
        "duplicate_ward_code",
        |root| edit(root, "content/wards/minato.md", "code: \"131032\"", "code: \"131016\""),
        Expected {
            exit: CONTENT,
            // Both are true: the code is 千代田区's, and two files now claim it.
            at: &["content/wards/minato.md:4:8", "content/wards/minato.md:4:8"],
            says: &[
                "`131016` is the code of 千代田区, not of 港区",
                "code `131016` is already used by `content/wards/chiyoda.md`",
                "help:",
            ],
        },
    );
}

#[test]
fn unterminated_front_matter() {
    case(
        "unterminated_front_matter",
        |root| {
            edit(
                root,
                "content/about.md",
                "summary: 統合テスト用の固定サイトの説明です。\n---\n",
                "summary: 統合テスト用の固定サイトの説明です。\n",
            )
        },
        Expected {
            exit: CONTENT,
            at: &["content/about.md:1:1"],
            says: &["the front matter is never closed", "help: add a line `---`"],
        },
    );
}

#[test]
fn no_front_matter() {
    case(
        "no_front_matter",
        |root| write(root, "content/news/site-open.md", "サイトを公開しました。\n"),
        Expected {
            exit: CONTENT,
            at: &["content/news/site-open.md:1:1"],
            says: &[
                "the file has no front matter",
                "サイトを公開しました。",
                "help: begin the file with a line `---`",
            ],
        },
    );
}

#[test]
fn invalid_utf8() {
    case(
        "invalid_utf8",
        |root| {
            let path = root.join(KUSHIRO);
            let text = std::fs::read(&path).unwrap_or_else(|e| panic!("{e}"));
            let line = "と連携しています。".as_bytes();
            let at = text
                .windows(line.len())
                .position(|w| w == line)
                .unwrap_or_else(|| panic!("the line is there"));
            let cut = at + "と連携".len();
            let mut broken = text[..cut].to_vec();
            broken.extend_from_slice(&[0xff, 0xfe]);
            broken.extend_from_slice(&text[cut..]);
            std::fs::write(&path, broken).unwrap_or_else(|e| panic!("{e}"));
        },
        Expected {
            exit: CONTENT,
            at: &["content/municipalities/012068.md:20:29"],
            says: &[
                "not valid UTF-8",
                "と連携\u{fffd}\u{fffd}しています",
                "help: save the file as UTF-8",
            ],
        },
    );
}

#[test]
fn municipality_file_name_with_a_wrong_check_digit() {
    case(
        "wrong_check_digit",
        |root| {
            let text = crate::support::read(&root.join("content/municipalities/262013.md"));
            write(root, "content/municipalities/262014.md", text);
        },
        Expected {
            exit: CONTENT,
            at: &["content/municipalities/262014.md"],
            says: &["`262014` is not a municipality code", "check digit", "26201", "ends in 3"],
        },
    );
}

#[test]
fn link_to_a_missing_content_file() {
    case(
        "missing_link_target",
        |root| {
            edit(
                root,
                "content/about.md",
                "(@/municipalities/012068.md)",
                "(@/municipalities/012069.md)",
            )
        },
        Expected {
            exit: CONTENT,
            at: &["content/about.md:12:15"],
            says: &[
                "@/municipalities/012069.md",
                "does not exist",
                "help: did you mean `@/municipalities/012068.md`?",
            ],
        },
    );
}

#[test]
fn template_syntax_error() {
    case(
        "template_syntax_error",
        |root| edit(root, WARD_TEMPLATE, "kana={{ page.kana }}", "kana={{ page.kana }"),
        Expected {
            exit: CONTENT,
            at: &["themes/plain/templates/ward.html:3:43"],
            says: &[
                "template syntax error",
                "kana={{ page.kana } code=",
                "Found `}` but expected }}",
            ],
        },
    );
}

/// Names tera checks once every template is parsed (filters, components) are located too.
#[test]
fn unknown_filter_and_component_in_a_template() {
    case(
        "unknown_filter_and_component",
        |root| {
            edit(root, WARD_TEMPLATE, "kana={{ page.kana }}", "kana={{ page.kana | wareky }}");
            edit(
                root,
                WARD_TEMPLATE,
                "<p>partner_count=",
                "{{ <no_such_part/> }}<p>partner_count=",
            );
        },
        Expected {
            exit: CONTENT,
            at: &["themes/plain/templates/ward.html:3:45", "themes/plain/templates/ward.html:5:4"],
            says: &["Unknown filter `wareky`", "Unknown component `no_such_part`"],
        },
    );
}

/// An error while a page renders points into the template, at the expression that failed.
#[test]
fn template_error_while_rendering() {
    case(
        "template_error_while_rendering",
        |root| {
            edit(root, WARD_TEMPLATE, "kana={{ page.kana }}", "kana={{ page.kana.first.letter }}")
        },
        Expected {
            exit: CONTENT,
            at: &["themes/plain/templates/ward.html:3:43"],
            says: &["cannot render content/wards/", "Field `first` is not defined"],
        },
    );
}

#[test]
fn missing_template() {
    case(
        "missing_template",
        |root| std::fs::remove_file(root.join(WARD_TEMPLATE)).unwrap_or_else(|e| panic!("{e}")),
        Expected {
            exit: CONTENT,
            at: &["themes/plain/templates/ward.html"],
            says: &[
                "no template `ward.html`",
                "help: create it; the theme contract is in docs/templates.md",
            ],
        },
    );
}

#[test]
fn unknown_key_in_site_toml() {
    case(
        "unknown_key_in_site_toml",
        |root| edit(root, "site.toml", "author = ", "titel = \"テスト\"\nauthor = "),
        Expected {
            exit: SETUP,
            at: &["site.toml:5:1"],
            says: &["unknown field `titel`", "help: did you mean `title`?"],
        },
    );
}

#[test]
fn bad_base_url_in_site_toml() {
    case(
        "bad_base_url",
        |root| {
            edit(
                root,
                "site.toml",
                "base_url = \"https://example.org/\"",
                "base_url = \"example.org\"",
            )
        },
        Expected { exit: SETUP, at: &["site.toml:4:1"], says: &["example.org", "https://"] },
    );
}

#[test]
fn several_problems_are_all_reported_sorted_by_file() {
    case(
        "several_problems",
        |root| {
            edit(root, KUSHIRO, "ward: arakawa", "ward: chiyodda");
            edit(root, SYMPOSIUM, "category: 地域課題", "category: 地域問題");
            edit(root, FACILITY, "ward: chiyoda", "ward: chiyodaa");
            edit(root, WARD_TEMPLATE, "kana={{ page.kana }}", "kana={{ page.kana }");
        },
        Expected {
            exit: CONTENT,
            at: &[
                "content/events/kyoto-symposium-2024.md:4:11",
                "content/facilities/kusei-kaikan.md:3:7",
                "content/municipalities/012068.md:12:11",
                "themes/plain/templates/ward.html:3:43",
            ],
            says: &["did you mean `chiyoda`?", "did you mean `地域課題`?"],
        },
    );
}

#[test]
fn several_front_matter_problems_are_all_reported() {
    case(
        "several_front_matter_problems",
        |root| {
            edit(root, FACILITY, "capacity: 100", "capacity: many");
            edit(root, TOURISM, "title: 京都観光フェア", "title: 京都: 観光フェア");
            write(root, "content/news/site-open.md", "サイトを公開しました。\n");
        },
        Expected {
            exit: CONTENT,
            at: &[
                "content/events/kyoto-tourism-2026.md:2:10",
                "content/facilities/kusei-kaikan.md:5:11",
                "content/news/site-open.md:1:1",
            ],
            says: &["\"many\"", "read as the start of a new field", "no front matter"],
        },
    );
}

/// One build lists the problems of every step: a file that does not load, a broken relation,
/// a broken `@/` link, a broken URL and a broken `#fragment` (the last two are found only in the
/// rendered pages). A link to the page of the file that failed to load is not reported too.
#[test]
fn problems_of_every_stage_are_reported_together() {
    case(
        "problems_of_every_stage",
        |root| {
            edit(root, FACILITY, "capacity: 100", "capacity: many");
            edit(root, KUSHIRO, "ward: arakawa", "ward: chiyodda");
            edit(
                root,
                "content/news/site-open.md",
                "サイトを公開しました。\n",
                "サイトを公開しました。\n\n[会館](/facilities/kusei-kaikan/)、[荒川区](/wards/arakwa/)、\
                 [荒川区の連携先](/wards/arakawa/#nosuch)、[釧路](@/municipalities/012069.md)\n",
            );
        },
        Expected {
            exit: CONTENT,
            at: &[
                "content/facilities/kusei-kaikan.md:5:11",
                "content/municipalities/012068.md:12:11",
                "content/news/site-open.md:8:39",
                "content/news/site-open.md:8:65",
                "content/news/site-open.md:8:94",
            ],
            says: &["\"many\"", "did you mean `chiyoda`?", "arakwa", "#nosuch", "012069"],
        },
    );
}

#[test]
fn a_district_with_a_wrong_check_digit() {
    // 京都市北区 is 261017.
    failed_build(
        |root| {
            let district =
                "kind: 市\ndistricts:\n  - code: \"261012\"\n    name: 北区\n    kana: きたく\n";
            edit(root, "content/municipalities/261009.md", "kind: 市\n", district);
        },
        Expected {
            exit: CONTENT,
            at: &["content/municipalities/261009.md:7:12"],
            says: &["`261012` is not a district code", "ends in 7"],
        },
    );
}

#[test]
fn a_stylesheet_with_an_unclosed_comment() {
    failed_build(
        |root| {
            let file = "themes/plain/static/style.css";
            let old = std::fs::read_to_string(root.join(file)).unwrap_or_default();
            write(root, file, format!("{old}/* a comment without its end\nnav {{ color: red }}\n"));
        },
        Expected {
            exit: CONTENT,
            at: &["themes/plain/static/style.css:2:1"],
            says: &["cannot minify this file: Unclosed comment", "not closed"],
        },
    );
}

#[test]
fn a_prefecture_code_that_is_not_its_own() {
    for (code, says) in [
        ("\"99\"", "`99` is not the prefecture code of 北海道"),
        ("\"48\"", "`48` is not the prefecture code of 北海道"),
        ("\"02\"", "`02` is the code of 青森県, not of 北海道"),
    ] {
        failed_build(
            |root| {
                edit(
                    root,
                    "content/prefectures/hokkaido.md",
                    "code: \"01\"",
                    &format!("code: {code}"),
                )
            },
            Expected {
                exit: CONTENT,
                at: &["content/prefectures/hokkaido.md:4:8"],
                says: &[
                    says,
                    "help: the JIS X 0401 prefecture code (01–47) of 北海道 is `code: \"01\"`",
                ],
            },
        );
    }
}

#[test]
fn a_ward_code_that_is_not_a_code_or_not_its_own() {
    for (code, says) in [
        ("\"abc\"", "`abc` is not a 全国地方公共団体コード"),
        ("\"131182\"", "the check digit is wrong: the code for 13118 ends in 1"),
        ("\"131199\"", "`131199` is the code of 板橋区, not of 荒川区"),
    ] {
        failed_build(
            |root| {
                edit(root, "content/wards/arakawa.md", "code: \"131181\"", &format!("code: {code}"))
            },
            Expected { exit: CONTENT, at: &["content/wards/arakawa.md:4:8"], says: &[says] },
        );
    }
}

/// More than 100 problems: the first 100 are printed in full, sorted by file, then the count of
/// the rest; the summary counts them all and the exit code is still that of content problems.
#[test]
fn more_than_a_hundred_problems_print_a_hundred_and_count_the_rest() {
    let site = fixture_copy("basic");
    let root = site.path();
    for n in 0..130 {
        let text = format!("---\ntitle: 誤り{n}\ndate: 2025-02-30\n---\n\n本文。\n");
        write(root, &format!("content/news/bad-{n:03}.md"), text);
    }
    let result = renkei()
        .arg("check")
        .arg("--root")
        .arg(root)
        .output()
        .unwrap_or_else(|e| panic!("cannot run renkei: {e}"));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(CONTENT), "{stderr}");
    let located: Vec<usize> =
        (0..130).filter(|n| stderr.contains(&format!("content/news/bad-{n:03}.md:3:"))).collect();
    assert_eq!(located, (0..100).collect::<Vec<_>>(), "the first 100 in full:\n{stderr}");
    assert_eq!(
        stderr.lines().filter(|l| l.contains('^')).count(),
        100,
        "one caret line each:\n{stderr}"
    );
    assert!(
        stderr.contains("… and 30 more problems of the same kinds (fix these, then build again)"),
        "{stderr}"
    );
    assert!(stderr.contains("error: 130 problems found"), "{stderr}");
}

#[test]
fn a_broken_link_is_reported_with_the_front_matter_and_reference_problems_of_other_files() {
    case(
        "problems_of_load_link_and_markdown",
        |root| {
            // Loading: the facility's file fails to load.
            edit(root, FACILITY, "capacity: 100", "capacity: many");
            // Linking: an unknown category.
            edit(root, SYMPOSIUM, "category: 地域課題", "category: 地域問題");
            // Markdown: a link to a file that does not exist, and one to the facility whose own
            // problem is already reported (not reported again).
            edit(
                root,
                "content/about.md",
                "(@/municipalities/012068.md)",
                "(@/municipalities/012069.md)、[会館](@/facilities/kusei-kaikan.md)",
            );
        },
        Expected {
            exit: CONTENT,
            at: &[
                "content/about.md:12:15",
                "content/events/kyoto-symposium-2024.md:4:11",
                "content/facilities/kusei-kaikan.md:5:11",
            ],
            says: &["@/municipalities/012069.md", "did you mean `地域課題`?", "\"many\""],
        },
    );
}

#[test]
fn missing_title_in_site_toml() {
    failed_build(
        |root| edit(root, "site.toml", "title = \"連携テスト\"\n", ""),
        Expected { exit: SETUP, at: &["site.toml:1:1"], says: &["missing field `title`", "help:"] },
    );
}

/// Every required field of the README's content table, one at a time: the file that lacks it is
/// named with the line of its front matter, and the field.
#[test]
fn every_collection_reports_each_of_its_missing_required_fields() {
    let rows: &[(&str, &str, &str)] = &[
        ("content/wards/arakawa.md", "name", "name: 荒川区\n"),
        ("content/wards/arakawa.md", "kana", "kana: あらかわく\n"),
        ("content/wards/arakawa.md", "code", "code: \"131181\"\n"),
        ("content/prefectures/kyoto.md", "name", "name: 京都府\n"),
        ("content/prefectures/kyoto.md", "kana", "kana: きょうとふ\n"),
        ("content/prefectures/kyoto.md", "code", "code: \"26\"\n"),
        ("content/prefectures/kyoto.md", "region", "region: 近畿\n"),
        ("content/municipalities/261009.md", "name", "name: 京都市\n"),
        ("content/municipalities/261009.md", "kana", "kana: きょうとし\n"),
        ("content/municipalities/261009.md", "prefecture", "prefecture: kyoto\n"),
        (TOURISM, "title", "title: 京都観光フェア\n"),
        (TOURISM, "date", "date: 2026-02-10T10:00\n"),
        (TOURISM, "category", "category: 観光振興\n"),
        ("content/exhibits/kushiro-exhibit.md", "title", "title: 釧路管内の魅力展\n"),
        ("content/exhibits/kushiro-exhibit.md", "date", "date: 2025-12-01\n"),
        ("content/exhibits/kushiro-exhibit.md", "end", "end: 2026-01-31\n"),
        ("content/news/site-open.md", "title", "title: サイトを公開しました\n"),
        ("content/news/site-open.md", "date", "date: 2025-12-01\n"),
        (FACILITY, "name", "name: 東京区政会館\n"),
        (FACILITY, "ward", "ward: chiyoda\n"),
        (
            "content/agreements/hokkaido-choson.md",
            "title",
            "title: 特別区長会と北海道町村会の連携協力に関する協定\n",
        ),
        ("content/about.md", "title", "title: このサイトについて\n"),
    ];
    for (file, field, line) in rows {
        let site = fixture_copy("basic");
        edit(site.path(), file, line, "");
        let (code, stderr) = run_failing("check", site.path(), &[]);
        assert_eq!(code, Some(CONTENT), "{file} without `{field}`: exit code; stderr:\n{stderr}");
        let at = format!("--> {file}:");
        assert!(stderr.contains(&at), "{file} without `{field}`: not located:\n{stderr}");
        let says = format!("missing field `{field}`");
        assert!(stderr.contains(&says), "{file} without `{field}`: {says} not said:\n{stderr}");
        assert!(!stderr.contains("panicked"), "no panic:\n{stderr}");
    }
}
