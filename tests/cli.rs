//! The command line: help texts, `check`, `new`, and what `build --output` may replace.

use std::path::Path;

use crate::support::{
    assert_same_tree, edit, fixture_copy, read, read_tree, renkei, tempdir, write,
};

/// Exit code of problems in the content or the templates.
const CONTENT: i32 = 1;
/// Exit code of problems with site.toml or the command line.
const SETUP: i32 = 2;

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Runs `renkei` with `args`; returns its output.
fn run(args: &[&str], root: Option<&Path>) -> std::process::Output {
    let mut command = renkei();
    command.args(args);
    if let Some(root) = root {
        command.arg("--root").arg(root);
    }
    command.output().unwrap_or_else(|e| panic!("cannot run renkei: {e}"))
}

#[test]
fn help_of_every_command() {
    for (name, args) in [
        ("help", &["--help"][..]),
        ("help_build", &["build", "--help"][..]),
        ("help_check", &["check", "--help"][..]),
        ("help_new", &["new", "--help"][..]),
        ("help_serve", &["serve", "--help"][..]),
    ] {
        let output = run(args, None);
        assert!(output.status.success(), "{args:?} succeeds");
        assert!(output.stderr.is_empty(), "{args:?} writes nothing on stderr");
        insta::assert_snapshot!(name, stdout_of(&output));
    }
    let top = stdout_of(&run(&["--help"], None));
    for command in ["build", "check", "new", "serve"] {
        assert!(top.contains(&format!("  {command} ")), "--help lists `{command}`:\n{top}");
    }
    assert!(top.contains("Exit codes"), "--help explains the exit codes:\n{top}");
    let build = stdout_of(&run(&["build", "--help"], None));
    for option in ["--root", "--output", "--base-url", "--drafts"] {
        assert!(build.contains(option), "build --help lists {option}:\n{build}");
    }
}

#[test]
fn usage_errors_exit_with_2() {
    let output = run(&["bogus"], None);
    assert_eq!(output.status.code(), Some(SETUP));
    assert!(stderr_of(&output).contains("bogus"));
    let output = run(&["build", "--no-such-flag"], None);
    assert_eq!(output.status.code(), Some(SETUP));
    let output = run(&[], None);
    assert_eq!(output.status.code(), Some(SETUP), "a command is required");
}

#[test]
fn check_writes_nothing() {
    let site = fixture_copy("basic");
    let before = read_tree(site.path());
    let output = run(&["check"], Some(site.path()));
    assert!(output.status.success(), "check succeeds:\n{}", stderr_of(&output));
    assert!(stdout_of(&output).contains("No problems found"), "{}", stdout_of(&output));
    assert!(!site.path().join("public").exists(), "check created public/");
    assert_same_tree(&before, &read_tree(site.path()), "check changed the site's folder");
}

#[test]
fn check_fails_like_build_on_bad_input() {
    let site = fixture_copy("basic");
    edit(site.path(), "content/municipalities/012068.md", "ward: arakawa", "ward: chiyodda");
    edit(
        site.path(),
        "themes/plain/templates/ward.html",
        "kana={{ page.kana }}",
        "kana={{ page.kana }",
    );
    let before = read_tree(site.path());
    let check = run(&["check"], Some(site.path()));
    assert_eq!(check.status.code(), Some(CONTENT), "{}", stderr_of(&check));
    assert!(check.stdout.is_empty());
    assert_same_tree(&before, &read_tree(site.path()), "a failed check changed the site's folder");
    // The same report as `build` (which has no previous output to keep here).
    let output = site.path().join("public");
    let build = renkei()
        .arg("build")
        .arg("--root")
        .arg(site.path())
        .arg("--output")
        .arg(&output)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(build.status.code(), Some(CONTENT));
    // The same diagnostics; only the closing line may differ (build adds "nothing was written").
    let diagnostics = |stderr: String| -> (String, String) {
        let (body, last) = stderr.trim_end().rsplit_once('\n').unwrap_or_default();
        (body.to_owned(), last.to_owned())
    };
    let (check_body, check_last) = diagnostics(stderr_of(&check));
    let (build_body, build_last) = diagnostics(stderr_of(&build));
    assert_eq!(check_body, build_body, "check and build report alike");
    assert!(check_last.starts_with("error: 2 problems found"), "{check_last}");
    assert!(build_last.starts_with("error: 2 problems found"), "{build_last}");
    assert!(stderr_of(&check).contains("--> content/municipalities/012068.md:12:11"));
    assert!(stderr_of(&check).contains("--> themes/plain/templates/ward.html:3:43"));
    assert!(!output.exists(), "a failed first build creates no output");

    // A bad site.toml is a setup problem for check too.
    edit(site.path(), "site.toml", "author = ", "titel = \"x\"\nauthor = ");
    let check = run(&["check"], Some(site.path()));
    assert_eq!(check.status.code(), Some(SETUP), "{}", stderr_of(&check));
    assert!(stderr_of(&check).contains("--> site.toml:5:1"), "{}", stderr_of(&check));
}

#[test]
fn new_creates_a_draft_that_builds() {
    let site = fixture_copy("basic");
    let root = site.path();
    let output = run(&["new", "events", "my-event"], Some(root));
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(stdout_of(&output).contains("content/events/my-event.md"), "{}", stdout_of(&output));
    let created = read(&root.join("content/events/my-event.md"));
    assert!(created.starts_with("---\n"), "{created}");
    assert!(created.contains("draft: true"), "the new entry is a draft:\n{created}");
    // The date is a placeholder the build refuses, with today (SOURCE_DATE_EPOCH: 2026-01-01 in
    // Japan) in its hint: a forgotten date is never published as today.
    assert!(
        created.contains("\ndate: \"要記入: the first day: YYYY-MM-DD (today is 2026-01-01)"),
        "{created}"
    );

    let public = root.join("public");
    let build = renkei().arg("build").arg("--root").arg(root).arg("--output").arg(&public).output();
    let build = build.unwrap_or_else(|e| panic!("{e}"));
    assert!(build.status.success(), "the site still builds:\n{}", stderr_of(&build));
    assert!(!public.join("events/my-event").exists(), "a draft is not published");
    assert!(
        stdout_of(&build).contains("; 2 drafts left out, --drafts includes them"),
        "the summary names the draft left out:\n{}",
        stdout_of(&build)
    );
    let check = run(&["check"], Some(root));
    // The new one and the fixture's own (content/events/draft-event.md).
    assert!(
        stdout_of(&check).contains("2 drafts left out, --drafts includes them"),
        "{}",
        stdout_of(&check)
    );

    // Built, the draft names every field that still holds the template's value, at its line.
    let drafts = root.join("drafts");
    let build_drafts = || {
        renkei()
            .args(["build", "--drafts", "--root"])
            .arg(root)
            .arg("--output")
            .arg(&drafts)
            .output()
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let refused = build_drafts();
    assert_eq!(refused.status.code(), Some(CONTENT), "{}", stderr_of(&refused));
    let stderr = stderr_of(&refused);
    for field in ["title", "date", "category", "kind", "venue"] {
        let message = format!("`{field}` still holds the value `renkei new` wrote");
        assert!(stderr.contains(&message), "{field}:\n{stderr}");
    }
    assert!(stderr.contains("--> content/events/my-event.md:"), "{stderr}");
    assert!(!stderr.contains("unknown category"), "the placeholder is named once:\n{stderr}");
    assert!(!stdout_of(&refused).contains("draft"), "{}", stdout_of(&refused));
    // Filled in (an optional field deleted), it builds.
    let text = read(&root.join("content/events/my-event.md"));
    let filled: Vec<String> = text
        .lines()
        .filter(|line| !line.starts_with("venue:"))
        .map(|line| match line.split_once(':') {
            Some(("title", _)) => "title: 釧路の味覚市".to_owned(),
            Some(("date", _)) => "date: 2026-02-14".to_owned(),
            Some(("category", _)) => "category: 産業振興".to_owned(),
            Some(("kind", _)) => "kind: 物産展".to_owned(),
            _ => line.to_owned(),
        })
        .collect();
    write(root, "content/events/my-event.md", filled.join("\n") + "\n");
    let build = build_drafts();
    assert!(
        build.status.success(),
        "the filled-in draft builds with --drafts:\n{}",
        stderr_of(&build)
    );
    assert!(drafts.join("events/my-event/index.html").is_file());
    assert!(!stdout_of(&build).contains("left out"), "{}", stdout_of(&build));
}

/// Publishing a new entry without filling it in (only `draft: true` removed) fails the build at
/// each field that holds the template's value; the previous site stays as it was.
#[test]
fn a_new_entry_published_unfilled_fails_at_each_placeholder() {
    let site = fixture_copy("basic");
    let root = site.path();
    assert!(run(&["new", "news", "unfilled"], Some(root)).status.success());
    let file = "content/news/unfilled.md";
    let text = read(&root.join(file));
    for field in [
        "title",
        "date",
        "category",
        "disaster",
        "wards",
        "municipalities",
        "prefectures",
        "image",
        "image_alt",
        "summary",
        "updated",
    ] {
        assert!(
            text.lines().any(|l| l.trim_start_matches("# ").starts_with(&format!("{field}:"))),
            "the news template lists `{field}`:\n{text}"
        );
    }
    edit(root, file, "draft: true\n", "");
    let output = run(&["check"], Some(root));
    assert_eq!(output.status.code(), Some(CONTENT), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    let line = text.lines().position(|l| l.starts_with("title:")).unwrap_or_default() + 1;
    assert!(stderr.contains(&format!("--> {file}:{line}:")), "at the title's line:\n{stderr}");
    assert!(
        stderr.contains("`title` still holds the value `renkei new` wrote: `要記入"),
        "{stderr}"
    );
    // The date too, at its line, with the format to write.
    let line = text.lines().position(|l| l.starts_with("date:")).unwrap_or_default() + 1;
    assert!(stderr.contains(&format!("--> {file}:{line}:8")), "at the date's value:\n{stderr}");
    assert!(
        stderr.contains(
            "`date` still holds the value `renkei new` wrote: `要記入: the date of the item: YYYY-MM-DD (today is 2026-01-01)`"
        ) && stderr.contains("write the date as YYYY-MM-DD"),
        "{stderr}"
    );
}

#[test]
fn new_refuses_an_id_that_exists_in_the_other_form() {
    let site = fixture_copy("basic");
    let root = site.path();
    write(
        root,
        "content/events/photo-day/index.md",
        "---\ntitle: 写真の日\ndate: 2026-01-01\ncategory: 産業振興\n---\n",
    );
    write(root, "content/news/only-english.en.md", "---\ntitle: English\ndate: 2026-01-01\n---\n");
    let before = read_tree(root);
    for (args, existing) in [
        (&["new", "events", "photo-day"][..], "content/events/photo-day/index.md"),
        (&["new", "events", "photo-day", "--folder"][..], "content/events/photo-day/index.md"),
        (&["new", "news", "only-english"][..], "content/news/only-english.en.md"),
    ] {
        let output = run(args, Some(root));
        assert_eq!(output.status.code(), Some(SETUP), "{args:?}: {}", stderr_of(&output));
        let stderr = stderr_of(&output);
        assert!(
            stderr.contains(&format!("in {existing}")),
            "located at the existing file:\n{stderr}"
        );
        assert!(stderr.contains("already exists"), "{stderr}");
        assert!(stderr.contains("nothing was written"), "{stderr}");
    }
    assert_same_tree(&before, &read_tree(root), "a refused `new` wrote something");
    // And the other way round: a file `<id>.md` refuses a folder of the same id.
    assert!(run(&["new", "events", "one-file"], Some(root)).status.success());
    let output = run(&["new", "events", "one-file", "--folder"], Some(root));
    assert_eq!(output.status.code(), Some(SETUP));
    assert!(stderr_of(&output).contains("content/events/one-file.md"), "{}", stderr_of(&output));
    assert!(!root.join("content/events/one-file").exists());
}

#[test]
fn new_folder_makes_an_entry_for_photos() {
    let site = fixture_copy("basic");
    let root = site.path();
    let output = run(&["new", "events", "photo-walk", "--folder"], Some(root));
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(
        stdout_of(&output).contains("content/events/photo-walk/index.md"),
        "{}",
        stdout_of(&output)
    );
    let created = read(&root.join("content/events/photo-walk/index.md"));
    assert!(created.contains("# image: photo.jpg"), "{created}");
    assert!(created.contains("draft: true"), "{created}");
    let check = run(&["check"], Some(root));
    assert!(check.status.success(), "{}", stderr_of(&check));
}

#[test]
fn new_creates_a_file_for_every_collection_that_checks() {
    let site = fixture_copy("basic");
    let root = site.path();
    for (collection, id, path) in [
        ("wards", "shibuya", "content/wards/shibuya.md"),
        ("prefectures", "osaka", "content/prefectures/osaka.md"),
        ("municipalities", "271004", "content/municipalities/271004.md"),
        ("events", "new-event", "content/events/new-event.md"),
        ("exhibits", "new-exhibit", "content/exhibits/new-exhibit.md"),
        ("news", "new-news", "content/news/new-news.md"),
        ("facilities", "new-facility", "content/facilities/new-facility.md"),
        ("agreements", "new-agreement", "content/agreements/new-agreement.md"),
        ("page", "contact", "content/contact.md"),
    ] {
        let output = run(&["new", collection, id], Some(root));
        assert!(output.status.success(), "new {collection} {id}: {}", stderr_of(&output));
        assert!(root.join(path).is_file(), "{path}");
    }
    let check = run(&["check"], Some(root));
    assert!(check.status.success(), "the new drafts do not break the site:\n{}", stderr_of(&check));
}

#[test]
fn new_refuses_to_overwrite() {
    let site = fixture_copy("basic");
    let root = site.path();
    assert!(run(&["new", "events", "my-event"], Some(root)).status.success());
    let file = root.join("content/events/my-event.md");
    write(root, "content/events/my-event.md", "---\ntitle: 編集中\n---\n大事な下書き\n");
    let output = run(&["new", "events", "my-event"], Some(root));
    assert_eq!(output.status.code(), Some(SETUP), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("already exists"), "{stderr}");
    assert!(stderr.contains("content/events/my-event.md"), "{stderr}");
    assert_eq!(read(&file), "---\ntitle: 編集中\n---\n大事な下書き\n", "the file is unchanged");
    // Nor does it overwrite an existing entry of the fixture.
    let before = read(&root.join("content/wards/chiyoda.md"));
    let output = run(&["new", "wards", "chiyoda"], Some(root));
    assert_eq!(output.status.code(), Some(SETUP));
    assert_eq!(read(&root.join("content/wards/chiyoda.md")), before);
}

#[test]
fn new_suggests_the_nearest_collection() {
    let site = fixture_copy("basic");
    let before = read_tree(site.path());
    let output = run(&["new", "event", "my-event"], Some(site.path()));
    assert_eq!(output.status.code(), Some(SETUP));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("unknown collection `event`"), "{stderr}");
    assert!(stderr.contains("did you mean `events`?"), "{stderr}");
    insta::assert_snapshot!("new_bad_collection", stderr);
    assert_same_tree(&before, &read_tree(site.path()), "a refused `new` wrote something");
}

#[test]
fn new_explains_a_wrong_check_digit() {
    let site = fixture_copy("basic");
    let before = read_tree(site.path());
    let output = run(&["new", "municipalities", "012069"], Some(site.path()));
    assert_eq!(output.status.code(), Some(SETUP));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("`012069` is not a municipality code"), "{stderr}");
    assert!(stderr.contains("check digit"), "{stderr}");
    assert!(stderr.contains("01206 ends in 8"), "{stderr}");
    insta::assert_snapshot!("new_bad_check_digit", stderr);
    assert_same_tree(&before, &read_tree(site.path()), "a refused `new` wrote something");
    // Neither a name nor a short code is accepted.
    for id in ["kushiro", "12068", "釧路市"] {
        let output = run(&["new", "municipalities", id], Some(site.path()));
        assert_eq!(output.status.code(), Some(SETUP), "{id}");
    }
    let output = run(&["new", "events", "My Event"], Some(site.path()));
    assert_eq!(output.status.code(), Some(SETUP), "an id is a slug");
    assert_same_tree(&before, &read_tree(site.path()), "a refused `new` wrote something");
}

/// `renkei build` of the fixture into `output`.
fn build_into(root: &Path, output: &Path) -> std::process::Output {
    renkei()
        .arg("build")
        .arg("--root")
        .arg(root)
        .arg("--output")
        .arg(output)
        .output()
        .unwrap_or_else(|e| panic!("cannot run renkei: {e}"))
}

#[test]
fn output_into_a_foreign_folder_is_refused() {
    let site = fixture_copy("basic");
    let elsewhere = tempdir();
    let target = elsewhere.path().join("precious");
    write(&target, "notes.txt", "大事なメモ");
    write(&target, "sub/index.html", "<p>mine</p>");
    let before = read_tree(&target);
    let output = build_into(site.path(), &target);
    assert_eq!(output.status.code(), Some(SETUP), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("refusing to replace"), "{stderr}");
    assert!(stderr.contains("not created by renkei"), "{stderr}");
    assert!(stderr.contains("help:"), "{stderr}");
    assert_same_tree(&before, &read_tree(&target), "the foreign folder was changed");
    let beside: Vec<String> = std::fs::read_dir(elsewhere.path())
        .map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    assert_eq!(beside, ["precious"], "nothing was created beside it");
}

#[test]
fn output_at_a_file_is_refused() {
    let site = fixture_copy("basic");
    let elsewhere = tempdir();
    let target = elsewhere.path().join("site.zip");
    write(elsewhere.path(), "site.zip", "not a folder");
    let output = build_into(site.path(), &target);
    assert_eq!(output.status.code(), Some(SETUP), "{}", stderr_of(&output));
    assert!(stderr_of(&output).contains("not a folder"), "{}", stderr_of(&output));
    assert_eq!(read(&target), "not a folder");
    let count = std::fs::read_dir(elsewhere.path()).map(|d| d.count()).unwrap_or_default();
    assert_eq!(count, 1, "nothing was created beside it");
}

#[test]
fn output_into_an_empty_folder_is_accepted() {
    let site = fixture_copy("basic");
    let elsewhere = tempdir();
    let output = build_into(site.path(), elsewhere.path());
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(elsewhere.path().join("index.html").is_file());
}

#[test]
fn a_build_replaces_its_previous_output() {
    let site = fixture_copy("basic");
    let root = site.path();
    let public = root.join("public");
    assert!(build_into(root, &public).status.success());
    let first = read_tree(&public);
    assert!(first.contains_key(".renkei-output"), "the output is marked as renkei's");
    // Something left in the output, and a page whose source goes away.
    write(&public, "stale.html", "<p>old</p>");
    write(&public, "news/stale/index.html", "<p>old</p>");
    std::fs::remove_file(root.join("content/news/site-open.md")).unwrap_or_else(|e| panic!("{e}"));
    let output = build_into(root, &public);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let second = read_tree(&public);
    assert!(!second.contains_key("stale.html"), "a stale file survived the build");
    assert!(!second.contains_key("news/stale/index.html"), "a stale folder survived");
    assert!(!second.contains_key("news/site-open/index.html"), "a deleted entry's page survived");
    assert!(second.contains_key("news/kushiro-report/index.html"));
    assert!(second.contains_key(".renkei-output"));
    let leftovers: Vec<String> = std::fs::read_dir(root)
        .map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    assert!(
        !leftovers.iter().any(|n| n.starts_with("public.")),
        "staging or old folders left: {leftovers:?}"
    );
}

#[test]
fn the_default_output_is_public_under_the_root() {
    let site = fixture_copy("basic");
    let output = run(&["build"], Some(site.path()));
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(stdout_of(&output).contains("Built"), "{}", stdout_of(&output));
    assert!(site.path().join("public/index.html").is_file());
}

#[test]
fn a_bad_base_url_on_the_command_line_is_a_setup_error() {
    let site = fixture_copy("basic");
    let output = run(&["build", "--base-url", "example.org/renkei"], Some(site.path()));
    assert_eq!(output.status.code(), Some(SETUP), "{}", stderr_of(&output));
    assert!(stderr_of(&output).contains("https://"), "{}", stderr_of(&output));
    assert!(!site.path().join("public").exists());
}

#[test]
fn a_missing_site_is_a_setup_error() {
    let empty = tempdir();
    let output = run(&["build"], Some(empty.path()));
    assert_eq!(output.status.code(), Some(SETUP), "{}", stderr_of(&output));
    assert!(stderr_of(&output).contains("site.toml"), "{}", stderr_of(&output));
    assert!(!empty.path().join("public").exists());
    let output = run(&["check"], Some(empty.path()));
    assert_eq!(output.status.code(), Some(SETUP));
}

#[test]
fn a_missing_theme_is_a_setup_error_naming_the_nearest_theme() {
    let site = fixture_copy("basic");
    edit(site.path(), "site.toml", "theme = \"plain\"", "theme = \"plian\"");
    for command in ["build", "check"] {
        let output = run(&[command], Some(site.path()));
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(SETUP), "{command}: {stderr}");
        assert!(stderr.contains("site.toml:"), "located in site.toml: {stderr}");
        assert!(stderr.contains("`plian`"), "names the bad value: {stderr}");
        assert!(stderr.contains("`plain`"), "names the nearest theme: {stderr}");
    }
    assert!(!site.path().join("public").exists());
}

#[test]
fn today_is_the_date_in_japan_whatever_the_machines_time_zone() {
    let site = fixture_copy("basic");
    let japan = || renkei::config::date_in_japan(chrono::Utc::now()).format("%Y-%m-%d").to_string();
    let before = japan();
    // Twelve hours behind UTC, twenty-one behind Japan: for 21 hours of every day the local date
    // is the day before Japan's.
    let output = renkei()
        .env_remove("SOURCE_DATE_EPOCH")
        .env("TZ", "Etc/GMT+12")
        .args(["new", "news", "zone-test", "--root"])
        .arg(site.path())
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let after = japan();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let created = read(&site.path().join("content/news/zone-test.md"));
    let dated = |day: &str| created.contains(&format!("(today is {day})"));
    assert!(dated(&before) || dated(&after), "dated {before} (Japan), not local:\n{created}");
}

/// `RENKEI_TRACE=1` makes `build` print the time of each stage; without it, no stage is named.
#[test]
fn renkei_trace_prints_the_time_of_each_stage() {
    let site = fixture_copy("basic");
    let output = site.path().join("public");
    let traced = renkei()
        .env("RENKEI_TRACE", "1")
        .arg("build")
        .arg("--root")
        .arg(site.path())
        .arg("--output")
        .arg(&output)
        .output()
        .unwrap_or_else(|e| panic!("cannot run renkei: {e}"));
    let stdout = stdout_of(&traced);
    assert!(traced.status.success(), "{}", stderr_of(&traced));
    let stages = stdout.lines().find_map(|line| line.strip_prefix("Stages: "));
    let stages = stages.unwrap_or_else(|| panic!("a line of stages:\n{stdout}"));
    crate::support::assert_stages_timed(stages);
    let plain = run(&["build"], Some(site.path()));
    assert!(!stdout_of(&plain).contains("Stages:"), "{}", stdout_of(&plain));
}
