//! The project's own site in a real browser (headless Chromium, driven by playwright-core):
//! axe-core finds no WCAG 2.1 A/AA violation on any page kind, each page has one h1 and a lang,
//! the skip link comes first; at 320, 360, 375 and 1280 px and at 200 % zoom nothing scrolls
//! sideways, no text is cut off, the header takes a quarter of the window or less, only
//! focusable regions that say so scroll sideways in the content, and the map's labels are 12 px
//! or more; the phone's menu opens without JavaScript and by keyboard; the language switch is on
//! every page in the same place and leads to a page in the other language (checked in its turn);
//! tap targets are 24 px or more, an event and a municipality page print cleanly, Japanese text
//! has the theme's line breaking rules and the stylesheet is fingerprinted. The widths, zoom and
//! header are checked again in a second Chromium with only DejaVu and Liberation (a fresh
//! Debian's fonts, through FONTCONFIG_FILE), so that the layout does not depend on a CJK font.
//! Screenshots of every page kind at 375 px and 1280 px are left in `target/browser/` to look at.
//!
//! Lighthouse scores the home page 100 for accessibility, best practices and SEO
//! (tests/browser/lighthouse.mjs).
//!
//! A page open in a tab reloads by itself after an edit under `renkei serve`, and shows the problems
//! of a broken edit over it in an overlay that passes axe (WCAG 2 AA contrast) over the project
//! theme's light `pre` (tests/browser/reload.mjs),
//! and so do eight tabs at once, which share one waiting request (tests/browser/tabs.mjs).
//!
//! Needs Node.js and Debian's Chromium (`apt-get install chromium`; `.ci/run` installs it); the
//! npm packages are installed on first run from tests/browser/package-lock.json. The Nu Html
//! Checker (vnu-jar, Java) validates every page (of the municipality pages, a sample: see
//! `pages_to_validate`).

use std::path::Path;
use std::process::Command;

use crate::serve::Server;
use crate::support::{project_site, repo_root};

/// The pinned npm packages (playwright-core, axe-core, vnu-jar, lighthouse). `.ci/run` installs
/// them before the tests; where it has not run, the first browser test installs them, once for
/// all tests of the run (they run in parallel threads, and two `npm ci` in one folder at once
/// break each other).
fn browser_tools() -> std::path::PathBuf {
    static INSTALLED: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    INSTALLED
        .get_or_init(|| {
            let scripts = repo_root().join("tests/browser");
            if !scripts.join("node_modules/lighthouse").is_dir() {
                let installed = Command::new("npm")
                    .args(["ci", "--no-audit", "--no-fund"])
                    .current_dir(&scripts)
                    .status();
                assert!(installed.is_ok_and(|s| s.success()), "npm ci in tests/browser failed");
            }
            scripts
        })
        .clone()
}

#[test]
fn every_page_is_valid_html() {
    let scripts = browser_tools();
    let public = project_site();
    let vnu = scripts.join("node_modules/vnu-jar/build/dist/vnu.jar");
    let run = Command::new("java")
        .arg("-jar")
        .arg(vnu)
        .args(["--errors-only", "--skip-non-html"])
        .args(pages_to_validate(public))
        .output();
    let run = run.unwrap_or_else(|e| panic!("cannot run java: {e}"));
    let report = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "the Nu Html Checker found errors:\n{report}");
}

/// Every HTML page, except that of the 1,741 municipality pages (one template, validating all of
/// them takes the checker ~20 s of CPU) only those of 北海道 (01…: cities, towns, villages, a city
/// with districts, partners, a translation), 東京都 (13…: the 特別区) and 静岡県 (22…: 浜松市's
/// overridden districts) are validated: about 300 of them, every variant the template has.
fn pages_to_validate(public: &Path) -> Vec<std::path::PathBuf> {
    let mut pages = Vec::new();
    for entry in walk(public) {
        let relative =
            entry.strip_prefix(public).unwrap_or(&entry).to_string_lossy().replace('\\', "/");
        let sampled = match relative.strip_prefix("municipalities/") {
            Some(rest) if rest.len() > 6 && rest.as_bytes()[6] == b'/' => {
                ["01", "13", "22"].iter().any(|prefix| rest.starts_with(prefix))
            }
            _ => true,
        };
        if sampled && relative.ends_with(".html") {
            pages.push(entry);
        }
    }
    pages.sort();
    pages
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() { files.extend(walk(&path)) } else { files.push(path) }
    }
    files
}

#[test]
fn every_page_kind_passes_the_browser_checks() {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    assert!(
        Path::new(&chromium).exists(),
        "the browser tests need Chromium at {chromium}: apt-get install chromium (or set CHROMIUM)"
    );
    let scripts = browser_tools();
    let public = project_site();
    let out = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let shots = repo_root().join("target/browser");
    let expected = out.path().join("search-expected.json");
    std::fs::write(&expected, search_expectations(public)).unwrap_or_else(|e| panic!("{e}"));
    let run = Command::new("node")
        .arg(scripts.join("check.mjs"))
        .arg(public)
        .arg(&shots)
        .env("CHROMIUM", &chromium)
        .env("SEARCH_EXPECTED", &expected)
        .output();
    let run = run.unwrap_or_else(|e| panic!("cannot run node: {e}"));
    let report =
        format!("{}{}", String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr));
    assert!(run.status.success(), "browser checks failed:\n{report}");
    // What the search comparison checked (shown with --nocapture).
    for line in report.lines().filter(|line| line.starts_with("search.js")) {
        show(line);
    }
}

#[allow(clippy::print_stderr)] // a report, shown with --nocapture
fn show(line: &str) {
    eprintln!("{line}");
}

/// What the Rust query algorithm answers on the built indexes, for check.mjs to compare with what
/// search.js answers in the browser: `{lang: {query: {hits: [[document id, snippet, also], …],
/// more, files}}}` (the first ten results, whether more follow, the files downloaded for them),
/// with `cases`: the rows of tests/data/search-queries.tsv, whose pages search.js must rank as
/// told, and `filtered`: queries with a filter or for more results, answered alike.
fn search_expectations(public: &Path) -> String {
    use renkei::search::query::{Filter, PAGE, Results, first};
    use renkei::search::{Index, KINDS};
    let answer = |results: Results| {
        let hits: Vec<serde_json::Value> = results
            .hits
            .into_iter()
            .map(|hit| serde_json::json!([hit.doc, hit.snippet, hit.also]))
            .collect();
        serde_json::json!({ "hits": hits, "more": results.more, "files": results.files })
    };
    let mut queries: Vec<(String, String)> = [
        "釧路",
        "区政会館",
        "kushiro",
        "くしろ",
        "クシロ",
        "ｸｼﾛ",
        "ＫＵＳＨＩＲＯ",
        "toukyou",
        "東京 連携",
        "北海道　協定",
        "存在しない言葉",
        "市",
        "",
        "す。",
        "には",
        "shi",
        "長野県伊那市",
        "特別区全国連携プロジェクトのイベント",
        "しています。",
        "ですます",
    ]
    .iter()
    .map(|q| ("ja".to_owned(), (*q).to_owned()))
    .collect();
    let cases = crate::search::cases();
    queries.extend(cases.iter().map(|c| (c.lang.clone(), c.query.clone())));
    // A sentence pasted whole: 14 words share the query's 12 bigrams (query::per_variant).
    queries.push((
        "en".to_owned(),
        "friendly exchange agreement since October 1991, and mutual aid in disasters since November 1995".to_owned(),
    ));
    let mut answers: serde_json::Map<String, serde_json::Value> = serde_json::Map::new();
    for lang in ["ja", "en"] {
        let root = if lang == "ja" { public.to_path_buf() } else { public.join(lang) };
        let index = Index::from_files(|path| std::fs::read_to_string(root.join(path)).ok())
            .unwrap_or_else(|e| panic!("no search index in {}: {e}", root.display()));
        let of_lang: serde_json::Map<String, serde_json::Value> = queries
            .iter()
            .filter(|(l, _)| l == lang)
            .map(|(_, query)| {
                (query.clone(), answer(first(&index, query, Filter::default(), PAGE)))
            })
            .collect();
        answers.insert(lang.to_owned(), serde_json::Value::Object(of_lang));
    }
    let cases: Vec<serde_json::Value> =
        cases.iter().map(|c| serde_json::json!([c.lang, c.query, c.url, c.rank])).collect();
    // Every text of the Japanese index and every query, with what the Rust normalisation makes
    // of them, for search.js to normalise alike.
    let index = Index::from_files(|path| std::fs::read_to_string(public.join(path)).ok())
        .unwrap_or_else(|e| panic!("no search index in {}: {e}", public.display()));
    // With a filter (kind: by the kinds' ranges of meta.json; prefecture: by p.json), and more
    // results than the first ten, as the button asks for them.
    let event = KINDS.iter().position(|(key, _)| *key == "event");
    let tokyo = index.prefectures.iter().position(|(id, _)| id == "tokyo");
    let filtered: Vec<serde_json::Value> = [
        ("東京", event, None, PAGE),
        ("東京", None, tokyo, PAGE),
        ("釧路", event, None, PAGE),
        ("す。", None, None, 3 * PAGE),
        ("shi", None, None, 2 * PAGE),
        ("連携", event, tokyo, 2 * PAGE),
    ]
    .into_iter()
    .map(|(query, kind, prefecture, count)| {
        let results = first(&index, query, Filter { kind, prefecture }, count);
        serde_json::json!([query, kind, prefecture, count, answer(results)])
    })
    .collect();
    let texts =
        index.docs.iter().map(|d| d.text.clone()).chain(queries.into_iter().map(|(_, q)| q));
    let normalized: Vec<serde_json::Value> = texts
        .chain(NORMALISED.iter().map(|t| (*t).to_owned()))
        .map(|text| serde_json::json!([text, renkei::search::normalized(&text)]))
        .collect();
    serde_json::json!({ "answers": answers, "cases": cases, "normalized": normalized, "filtered": filtered })
        .to_string()
}

/// Texts whose normalisation is easy to get wrong: clusters of marks, compatibility characters,
/// ケ between kanji and not, 異体字 and their neighbours.
const NORMALISED: [&str; 8] = [
    "ｶﾞｷﾞｸﾞｹﾞｺﾞ ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ ｳﾞ",
    "か\u{3099}き\u{309A} e\u{301}cole",
    "㈱①Ⅻ㍻ ＡＢＣ　ｱｲｳ",
    "駒ケ根 ケーキ 三ヵ月 ヶ ゖ",
    "齋齊斉斎 髙﨑 檮原 邊邉 嶋冨",
    "まなづる ちぢみ ヅヂ",
    "Ōta Chūō Tôkyô ĀĪŪĒŌ",
    "𠮷野家 〜 ー ・",
];

/// Lighthouse scores the home page (both languages) 100 for accessibility, best practices and
/// SEO; its HTML reports are left in `target/browser/` beside the screenshots.
#[test]
fn lighthouse_scores_the_home_page_100() {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    assert!(Path::new(&chromium).exists(), "the browser tests need Chromium at {chromium}");
    let scripts = browser_tools();
    let public = project_site();
    let run = Command::new("node")
        .arg(scripts.join("lighthouse.mjs"))
        .arg(public)
        .arg(repo_root().join("target/browser"))
        .args(["/", "/en/", "/events/"])
        .env("CHROME_PATH", &chromium)
        .output();
    let run = run.unwrap_or_else(|e| panic!("cannot run node: {e}"));
    let report =
        format!("{}{}", String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr));
    assert!(run.status.success(), "Lighthouse scores below 100:\n{report}");

    // A page that does not load leaves every score empty: that is a failure, not a pass.
    let missing = Command::new("node")
        .arg(scripts.join("lighthouse.mjs"))
        .arg(public)
        .arg(repo_root().join("target/browser/lighthouse-probe"))
        .arg("/no-such-page/")
        .env("CHROME_PATH", &chromium)
        .output();
    let missing = missing.unwrap_or_else(|e| panic!("cannot run node: {e}"));
    let report = String::from_utf8_lossy(&missing.stderr);
    assert!(!missing.status.success(), "Lighthouse passed a page that answers 404:\n{report}");
    assert!(report.contains("Lighthouse failed") || report.contains("no score"), "{report}");
}

#[test]
fn an_open_page_reloads_after_an_edit_and_shows_errors_over_it() {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    assert!(Path::new(&chromium).exists(), "the browser tests need Chromium at {chromium}");
    let scripts = browser_tools();
    // The project theme's rule for `pre` (a light background), under which the overlay's text
    // was once white on light grey: the overlay must stay readable over any theme.
    let site = crate::support::fixture_copy("basic");
    let theme =
        crate::support::read(&crate::support::repo_root().join("themes/default/static/style.css"));
    let pre =
        theme.lines().filter(|l| l.starts_with("pre{") || l.starts_with("p,")).collect::<Vec<_>>();
    assert!(pre.iter().any(|l| l.contains("background:#f6f8fa")), "the theme's pre rule: {pre:?}");
    let css = site.path().join("themes/plain/static/style.css");
    let plain = crate::support::read(&css);
    std::fs::write(
        &css,
        format!("{plain}\n:root{{--line:#ccc;--radius:4px}}\n{}\n", pre.join("\n")),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let server = Server::start_in(site);
    let url = format!("http://{}/news/site-open/", server.address);
    let run = Command::new("node")
        .arg(scripts.join("reload.mjs"))
        .arg(&url)
        .arg(server.root().join("content/news/site-open.md"))
        .env("CHROMIUM", &chromium)
        .output();
    let run = run.unwrap_or_else(|e| panic!("cannot run node: {e}"));
    let report =
        format!("{}{}", String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr));
    assert!(run.status.success(), "live reload failed:\n{report}");
}

/// Runs `script` (in tests/browser/) with `args` under node with Chromium; fails with its output.
fn run_browser_script(script: &str, args: &[&std::ffi::OsStr], what: &str) {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    assert!(Path::new(&chromium).exists(), "the browser tests need Chromium at {chromium}");
    let scripts = browser_tools();
    let run = Command::new("node")
        .arg(scripts.join(script))
        .args(args)
        .env("CHROMIUM", &chromium)
        .output();
    let run = run.unwrap_or_else(|e| panic!("cannot run node: {e}"));
    let report =
        format!("{}{}", String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr));
    assert!(run.status.success(), "{what} failed:\n{report}");
}

/// Eight tabs on `renkei serve` share one waiting request (a shared worker): each reloads after
/// an edit, and meanwhile another page loads without waiting for a connection.
#[test]
fn eight_open_tabs_all_reload_and_no_page_load_waits() {
    let server = Server::start("basic");
    let url = format!("http://{}/news/site-open/", server.address);
    let other = format!("http://{}/wards/arakawa/", server.address);
    let source = server.root().join("content/news/site-open.md");
    run_browser_script(
        "tabs.mjs",
        &[url.as_ref(), other.as_ref(), source.as_os_str()],
        "eight tabs",
    );
}

/// Media from `renkei serve` in Chromium: a WebM video plays and seeks (read in ranges, answered
/// with 206), a 40-page PDF of 10 MiB opens in the built-in viewer at its 35th page, and a photo
/// replaced while the page is open is shown after the page reloads by itself.
#[test]
fn a_video_plays_and_seeks_a_large_pdf_pages_and_a_replaced_photo_shows() {
    let server = Server::start_in(crate::serve_http::site_with_a_photo());
    let url = format!("http://{}/events/2016-12-asakusa/", server.address);
    let folder = server.root().join("content/events/2016-12-asakusa");
    run_browser_script("media.mjs", &[url.as_ref(), folder.as_os_str()], "media");
}
