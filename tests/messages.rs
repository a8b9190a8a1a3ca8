//! What renkei says, in Japanese and in English (issue 17): the typing slips of a Japanese
//! keyboard in front matter, each at its line and column with what to type instead; dates
//! answered with the ISO date they mean; the choice of the language (`--lang`, `[ui] language`,
//! the locale); `--help` and the summary lines in both languages.
//!
//! Each slip is written into a copy of the fixture site and `renkei check` run on it; stderr is
//! snapshotted in both languages (tests/snapshots/messages/).

use std::path::Path;

use crate::support::{fixture_copy, renkei_in, renkei_unset, write};

/// A new event whose front matter holds `fields` (after `title:`).
fn event(fields: &str) -> String {
    format!("---\ntitle: 荒川区の物産展\n{fields}---\n\n物産展のお知らせです。\n")
}

/// `renkei check` in `lang` on the fixture with `content/events/slip.md` holding `text`:
/// its exit code and stderr.
fn check_with(lang: &str, text: &str) -> (Option<i32>, String) {
    let site = fixture_copy("basic");
    write(site.path(), "content/events/slip.md", text);
    check(renkei_in(lang), site.path())
}

fn check(mut command: assert_cmd::Command, root: &Path) -> (Option<i32>, String) {
    let output = command
        .arg("check")
        .arg("--root")
        .arg(root)
        .output()
        .unwrap_or_else(|e| panic!("cannot run renkei: {e}"));
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (output.status.code(), stderr)
}

/// Checks the slip in both languages: it is reported at `at` (`line:col`) of the file, says
/// `ja` and `en` (the help line's text), and matches the snapshots `<name>_ja`, `<name>_en`.
fn slip(name: &str, text: &str, at: &str, ja: &str, en: &str) {
    for (lang, says) in [("ja", ja), ("en", en)] {
        let (code, stderr) = check_with(lang, text);
        assert_eq!(code, Some(1), "{name} ({lang}) fails the check:\n{stderr}");
        let place = format!("--> {}:{at}\n", Path::new("content/events/slip.md").display());
        assert!(stderr.contains(&place), "{name} ({lang}) is reported at {at}:\n{stderr}");
        assert!(stderr.contains(says), "{name} ({lang}) says `{says}`:\n{stderr}");
        assert_eq!(stderr.matches("--> ").count(), 1, "{name} ({lang}): one problem\n{stderr}");
        if lang == "ja" {
            let english = ["expected", "found", "not allowed", "duplicate", "control"];
            let left = english.iter().find(|word| stderr.contains(*word));
            assert!(left.is_none(), "{name}: the parser's English {left:?} in Japanese:\n{stderr}");
        }
        insta::with_settings!({
            snapshot_path => "snapshots/messages",
            prepend_module_to_snapshot => false,
            description => format!("renkei --lang {lang} check, content/events/slip.md:\n{text}"),
        }, {
            insta::assert_snapshot!(format!("{name}_{lang}"), stderr);
        });
    }
}

#[test]
fn a_full_width_colon() {
    let text = event("date: 2027-01-16\ncategory: 産業振興\nvenue：荒川区\nwards: [arakawa]\n");
    slip("full_width_colon", &text, "5:6", "`venue: 荒川区`", "`venue: 荒川区`");
}

#[test]
fn no_space_after_the_colon() {
    let text = event("date: 2027-01-16\ncategory: 産業振興\nvenue:荒川区\nwards: [arakawa]\n");
    slip(
        "no_space",
        &text,
        "5:6",
        "半角スペースを入れて `venue: 荒川区`",
        "a space after the colon",
    );
}

#[test]
fn a_full_width_space_after_the_colon() {
    let text = event("date: 2027-01-16\ncategory: 産業振興\nvenue:　荒川区\nwards: [arakawa]\n");
    slip("full_width_space", &text, "5:7", "全角スペースを半角スペースに", "a half-width space");
}

#[test]
fn an_indent_of_a_full_width_space() {
    let text = event("date: 2027-01-16\ncategory: 産業振興\nwards:\n　- arakawa\n");
    slip(
        "full_width_indent",
        &text,
        "6:1",
        "字下げは半角スペースで",
        "indent with half-width spaces",
    );
}

#[test]
fn an_indent_of_a_tab() {
    let text = event("date: 2027-01-16\ncategory: 産業振興\nwards:\n\t- arakawa\n");
    slip("tab_indent", &text, "6:1", "字下げしてください：`  - arakawa`", "tab: `  - arakawa`");
}

#[test]
fn a_slip_on_the_last_field_is_shown_on_its_line() {
    let text = event("date: 2027-01-16\ncategory: 産業振興\nvenue：荒川区\n");
    slip("last_field", &text, "5:6", "`venue: 荒川区`", "`venue: 荒川区`");
    let (_, stderr) = check_with("en", &text);
    assert!(!stderr.contains("| ---"), "not at the closing `---`:\n{stderr}");
}

#[test]
fn a_body_after_a_missing_closing_line_is_found_where_it_begins() {
    // The closing `---` is missing; the body has a `---` line of its own further down.
    let text = "---\ntitle: 荒川区の物産展\ndate: 2027-01-16\ncategory: 産業振興\n\n# 物産展\n\n物産展のお知らせです。\n\n---\n\n続きです。\n";
    slip("unclosed", text, "6:1", "`---` だけの行を入れて", "add a line `---`");
    let (_, stderr) = check_with("en", text);
    assert!(!stderr.contains(":10:"), "not at the body's own `---` (line 10):\n{stderr}");
}

#[test]
fn a_japanese_era_date_is_answered_with_the_iso_date() {
    let text = event("date: 令和9年1月16日\ncategory: 産業振興\n");
    slip("wareki_date", &text, "3:7", "`2027-01-16`", "`2027-01-16`");
}

#[test]
fn a_slashed_date_is_answered_with_the_iso_date() {
    let text = event("date: 2027/1/16\ncategory: 産業振興\n");
    slip("slashed_date", &text, "3:7", "`2027-01-16`", "`2027-01-16`");
}

#[test]
fn a_short_municipality_code_is_named_as_written() {
    let text = event("date: 2027-01-16\ncategory: 産業振興\nmunicipalities: [\"01206\"]\n");
    slip(
        "short_code",
        &text,
        "5:19",
        "市町村コード `01206` は5桁です",
        "the municipality code `01206` has five digits",
    );
    let (_, stderr) = check_with("ja", &text);
    assert!(
        stderr.contains("6桁で `012068` と書いてください") && !stderr.contains("001206"),
        "{stderr}"
    );
    // Unquoted, in a block list, and a code of a municipality the site has no page of.
    for (written, at, says) in [
        ("municipalities: [01206]\n", "5:18", "6桁で `012068`"),
        ("municipalities:\n  - \"01206\"\n", "6:6", "6桁で `012068`"),
        ("municipalities: [13101]\n", "5:18", "6桁では `131016` ですが"),
    ] {
        let text = event(&format!("date: 2027-01-16\ncategory: 産業振興\n{written}"));
        let (_, stderr) = check_with("ja", &text);
        let place = format!("slip.md:{at}\n");
        assert!(stderr.contains(&place) && stderr.contains(says), "{written}: {stderr}");
    }
}

#[test]
fn the_language_is_the_flag_then_site_toml_then_the_locale() {
    let site = fixture_copy("basic");
    write(site.path(), "content/events/slip.md", event("date: 2027/1/16\ncategory: 産業振興\n"));
    let japanese = "日付として読めません";
    let english = "is not a date";
    // No flag, no setting, no locale: Japanese.
    let (_, stderr) = check(renkei_unset(), site.path());
    assert!(stderr.contains(japanese), "{stderr}");
    // The locale.
    let mut command = renkei_unset();
    command.env("LANG", "en_US.UTF-8");
    assert!(check(command, site.path()).1.contains(english));
    // site.toml's [ui] language over the locale.
    let config = site.path().join("site.toml");
    let text = std::fs::read_to_string(&config).unwrap_or_default();
    write(site.path(), "site.toml", format!("{text}\n[ui]\nlanguage = \"ja\"\n"));
    let mut command = renkei_unset();
    command.env("LANG", "en_US.UTF-8");
    assert!(check(command, site.path()).1.contains(japanese));
    // --lang over everything.
    let mut command = renkei_unset();
    command.env("LANG", "ja_JP.UTF-8").args(["--lang", "en"]);
    assert!(check(command, site.path()).1.contains(english));
    // A language renkei does not speak in site.toml is an error at its line.
    write(site.path(), "site.toml", format!("{text}\n[ui]\nlanguage = \"fr\"\n"));
    let (code, stderr) = check(renkei_in("ja"), site.path());
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("`[ui] language` の `fr` は使えません"), "{stderr}");
}

#[test]
fn help_and_summaries_in_both_languages() {
    let help = |lang: &str, args: &[&str]| {
        let output = renkei_in(lang).args(args).output().unwrap_or_else(|e| panic!("{e}"));
        assert!(output.status.success(), "{args:?}");
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    for (name, args) in [("help", &["--help"][..]), ("help_new", &["new", "--help"][..])] {
        insta::with_settings!({
            snapshot_path => "snapshots/messages",
            prepend_module_to_snapshot => false,
        }, {
            insta::assert_snapshot!(format!("{name}_ja"), help("ja", args));
        });
    }
    let build = help("ja", &["build", "--help"]);
    for text in ["使い方", "オプション", "--output", "書き出す先のフォルダー", "メッセージの言語"]
    {
        assert!(build.contains(text), "build --help in Japanese has `{text}`:\n{build}");
    }
    // `renkei help new` is `renkei new --help`.
    assert_eq!(help("ja", &["help", "new"]), help("ja", &["new", "--help"]));
    // A mistake on the command line, in Japanese.
    let output = renkei_in("ja").args(["buld"]).output().unwrap_or_else(|e| panic!("{e}"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr.contains("`buld` というコマンドはありません") && stderr.contains("`build`"),
        "{stderr}"
    );
    // The summary of a good check.
    let site = fixture_copy("basic");
    let output = renkei_in("ja").arg("check").arg("--root").arg(site.path()).output();
    let stdout =
        output.map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default();
    assert!(stdout.starts_with("問題はありません（"), "{stdout}");
}

#[test]
fn new_writes_its_comment_in_the_language() {
    for (lang, comment, hint) in [
        ("ja", "# 公開するときは", "title: \"要記入: お知らせの題名\""),
        ("en", "# Remove the next line to publish.", "title: \"要記入: the news item's title\""),
    ] {
        let site = fixture_copy("basic");
        let output = renkei_in(lang)
            .args(["new", "news", "slip-test", "--root"])
            .arg(site.path())
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let text = std::fs::read_to_string(site.path().join("content/news/slip-test.md"));
        let text = text.unwrap_or_default();
        assert!(text.contains(comment) && text.contains(hint), "{lang}:\n{text}");
    }
}

/// The diagnostics of the link and address checks, in Japanese, name the value as written.
#[test]
fn link_and_address_problems_in_japanese() {
    let site = fixture_copy("basic");
    let text = "---\nname: 荒川区民会館\nward: arakawa\naddress: 荒川区荒川1-1\ncapacity: 100\nwebsite: www.city.arakawa.tokyo.jp\n---\n\n\
                [区の紹介](/wards/arakwa/)\n";
    write(site.path(), "content/facilities/slip.md", text);
    let (code, stderr) = check(renkei_in("ja"), site.path());
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "`website` の `www.city.arakawa.tokyo.jp` はウェブのアドレスになっていません"
        ) && stderr.contains("`https://www.city.arakawa.tokyo.jp` と書いてください"),
        "{stderr}"
    );
    // The links are checked once the rest builds.
    write(site.path(), "content/facilities/slip.md", text.replace("www.", "https://www."));
    let (code, stderr) = check(renkei_in("ja"), site.path());
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr
            .contains("リンク先 `/wards/arakwa/` は、このサイトのページにもファイルにもありません")
            && stderr.contains("`/wards/arakawa/` のことですか？"),
        "{stderr}"
    );
}

/// The YAML mistakes of real front matter, each explained in the editor's words at the place
/// where it was made (not where the parser stopped), with the line to type instead.
#[test]
fn a_quote_left_open() {
    // The parser reads on to the next `"` (two lines below) and stops there.
    let text = event(
        "date: 2027-01-16\ncategory: 産業振興\nvenue: \"荒川区役所\nwards: [arakawa]\nmunicipalities: [\"012068\"]\n",
    );
    slip(
        "unclosed_quote",
        &text,
        "5:8",
        "値の終わりにも \" を書いてください：`venue: \"荒川区役所\"`",
        "end the value with \" too: `venue: \"荒川区役所\"`",
    );
}

#[test]
fn text_after_a_closing_quote() {
    let text = event("date: 2027-01-16\ncategory: 産業振興\nvenue: \"荒川\"区役所\n");
    slip(
        "text_after_quote",
        &text,
        "5:12",
        "別の種類の引用符で囲んでください：`venue: '\"荒川\"区役所'`",
        "quotes of the other kind: `venue: '\"荒川\"区役所'`",
    );
}

#[test]
fn a_list_left_open() {
    let text = event("date: 2027-01-16\ncategory: 産業振興\nwards: [arakawa\nvenue: 荒川区役所\n");
    slip("unclosed_list", &text, "5:8", "`wards: [arakawa]`", "`wards: [arakawa]`");
}

#[test]
fn markdown_at_the_start_of_a_value() {
    let text = event("date: 2027-01-16\ncategory: 産業振興\nsummary: *雨天中止* 荒川区の物産展\n");
    slip(
        "reserved_sign",
        &text,
        "5:10",
        "値全体を引用符で囲むと、そのまま文字として読まれます：`summary: '*雨天中止* 荒川区の物産展'`",
        "`summary: '*雨天中止* 荒川区の物産展'`",
    );
}

#[test]
fn a_colon_and_space_inside_a_value() {
    let text = event("date: 2027-01-16\ncategory: 産業振興\nvenue: 荒川区役所: 1階ホール\n");
    slip(
        "colon_in_value",
        &text,
        "5:13",
        "`venue: '荒川区役所: 1階ホール'`",
        "`venue: '荒川区役所: 1階ホール'`",
    );
}

#[test]
fn a_field_without_its_colon() {
    let text = event("date: 2027-01-16\ncategory: 産業振興\nvenue 荒川区役所\nwards: [arakawa]\n");
    slip("missing_colon", &text, "5:1", "`venue: 荒川区役所`", "`venue: 荒川区役所`");
}

#[test]
fn a_field_indented_under_the_one_before() {
    let text =
        event("date: 2027-01-16\ncategory: 産業振興\nvenue: 荒川区役所\n  wards: [arakawa]\n");
    slip(
        "indentation",
        &text,
        "6:1",
        "上の項目名と同じ位置から書いてください：`wards: [arakawa]`",
        "`wards: [arakawa]`",
    );
}

#[test]
fn a_field_written_twice() {
    let text = event("date: 2027-01-16\ncategory: 産業振興\nvenue: 荒川区役所\nvenue: 区民会館\n");
    slip("duplicate_field", &text, "6:1", "もう一方は 5 行目", "the other is line 5");
}

#[test]
fn a_yen_sign_inside_double_quotes() {
    let text = event("date: 2027-01-16\ncategory: 産業振興\nvenue: \"荒川区\\区民会館\"\n");
    slip("bad_escape", &text, "5:12", "`venue: '荒川区\\区民会館'`", "`venue: '荒川区\\区民会館'`");
}

#[test]
fn an_invisible_character_pasted_from_a_word_processor() {
    let text = event("date: 2027-01-16\ncategory: 産業振興\nvenue: 荒川区\u{b}区民会館\n");
    slip("control_character", &text, "5:11", "制御文字（U+000B）", "control character (U+000B)");
}

#[test]
fn a_list_started_on_the_line_of_its_field() {
    let text = event("date: 2027-01-16\ncategory: 産業振興\nwards: - arakawa\n");
    slip("dash_after_key", &text, "5:8", "`wards: [arakawa]`", "`wards: [arakawa]`");
}

/// site.toml's wrong types and unknown settings in plain Japanese too (the same words as the
/// front matter's), with the nearest setting.
#[test]
fn site_toml_problems_in_japanese() {
    let site = fixture_copy("basic");
    let config = site.path().join("site.toml");
    let text = std::fs::read_to_string(&config).unwrap_or_default();
    for (edited, says) in [
        (
            text.replace("events_per_page = 2", "events_per_page = \"十\""),
            "サイトの設定（site.toml）の誤り：ここには数を書きます。文字 \"十\" が書かれています",
        ),
        (text.replace("author = ", "titel = \"x\"\nauthor = "), "`title` のことですか？"),
        (
            text.replace("author = ", "events_per_page = 5\nauthor = "),
            "この設定はもう上に書かれています",
        ),
    ] {
        write(site.path(), "site.toml", edited);
        let (code, stderr) = check(renkei_in("ja"), site.path());
        assert_eq!(code, Some(2), "{stderr}");
        assert!(stderr.contains(says) && !stderr.contains("expected"), "{stderr}");
    }
}

#[test]
fn a_list_item_without_the_space_after_its_dash() {
    let text = event("date: 2027-01-16\ncategory: 産業振興\nwards:\n  - arakawa\n  -chiyoda\n");
    slip("dash_no_space", &text, "7:3", "`  - chiyoda`", "`  - chiyoda`");
}

#[test]
fn the_text_of_a_block_at_the_left_margin() {
    let text = event(
        "date: 2027-01-16\ncategory: 産業振興\nsummary: |\n荒川区で釧路の物産展を開きます。\n",
    );
    slip(
        "block_unindented",
        &text,
        "6:1",
        "半角スペースを2つ入れてください：`  荒川区で釧路の物産展を開きます。`",
        "two spaces: `  荒川区で釧路の物産展を開きます。`",
    );
}

#[test]
fn a_list_left_open_that_swallows_the_next_field() {
    // serde reads `venue: …` as an item of the list and reports a wrong type on that line.
    let text = event("date: 2027-01-16\ncategory: 産業振興\nwards: [arakawa,\nvenue: 荒川区役所\n");
    slip("unclosed_list_swallowing", &text, "5:8", "`wards: [arakawa]`", "`wards: [arakawa]`");
}
