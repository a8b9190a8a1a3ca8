//! Source hygiene (issue 20): `renkei check` and `renkei build` warn, at the URL, about a source
//! that is a rolling address or on a host listed in `[check] aggregators`.

use crate::support::{edit, fixture_copy, place_in, renkei, write};

const MUNICIPALITY: &str = "content/municipalities/012068.md";
const AGREEMENT: &str = "content/agreements/hokkaido-choson.md";
const ROLLING: &str = "https://www.city.example.lg.jp/kuhou/current/kuhou01.html";
const COPY: &str = "https://news.copies.example/2016/kushiro.html";

/// The fixture with a rolling relation source, an agreement citing a copy, and a link to the
/// same copy that is not cited as a source.
fn site_with_weak_sources() -> tempfile::TempDir {
    let site = fixture_copy("basic");
    let root = site.path();
    edit(
        root,
        MUNICIPALITY,
        "source: https://www.kushiro.pref.hokkaido.lg.jp/ts/tss/kcs/208696.html",
        &format!("source: {ROLLING}"),
    );
    edit(
        root,
        AGREEMENT,
        "協定の紹介文です。",
        &format!(
            "協定の紹介文です。[写し]({COPY}#top)も参照。\n\n出典：[北海道町村会の報告]({COPY})"
        ),
    );
    let config = std::fs::read_to_string(root.join("site.toml")).unwrap_or_default();
    write(root, "site.toml", format!("{config}\n[check]\naggregators = [\"copies.example\"]\n"));
    site
}

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn check_and_build_warn_about_rolling_and_aggregated_sources_at_the_url() {
    let site = site_with_weak_sources();
    let root = site.path();
    let check =
        renkei().arg("check").arg("--root").arg(root).output().unwrap_or_else(|e| panic!("{e}"));
    let stderr = stderr_of(&check);
    assert!(check.status.success(), "warnings do not fail the check:\n{stderr}");
    let stdout = String::from_utf8_lossy(&check.stdout);
    assert!(stdout.contains("No errors, 2 warning(s)"), "{stdout}\n{stderr}");

    let rolling = place_in(root, MUNICIPALITY, ROLLING);
    let rolling_at = stderr.find(&rolling).unwrap_or_else(|| panic!("{rolling}:\n{stderr}"));
    assert!(stderr[..rolling_at].contains("is a rolling address (`/current`)"), "{stderr}");
    let cited = format!("出典：[北海道町村会の報告]({COPY})");
    let line = place_in(root, AGREEMENT, &cited);
    let (file_line, _) = line.rsplit_once(':').unwrap_or_default();
    let column = cited.find(COPY).map(|at| cited[..at].chars().count() + 1).unwrap_or_default();
    let copy = format!("{file_line}:{column}");
    assert!(stderr.contains(&copy), "the cited copy at {copy}:\n{stderr}");
    assert!(stderr.contains("listed in site.toml's [check] aggregators"), "{stderr}");
    assert_eq!(
        stderr.matches("warning: ").count(),
        2,
        "a link not cited as a source is fine:\n{stderr}"
    );

    let output = root.join("public");
    let build = renkei()
        .arg("build")
        .arg("--root")
        .arg(root)
        .arg("--output")
        .arg(&output)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let build_stderr = stderr_of(&build);
    assert!(build.status.success(), "{build_stderr}");
    assert!(build_stderr.contains(&rolling) && build_stderr.contains(&copy), "{build_stderr}");
}

#[test]
fn without_aggregators_a_copy_is_not_warned_about() {
    let site = site_with_weak_sources();
    let root = site.path();
    edit(root, "site.toml", "aggregators = [\"copies.example\"]", "aggregators = []");
    let check =
        renkei().arg("check").arg("--root").arg(root).output().unwrap_or_else(|e| panic!("{e}"));
    let stderr = stderr_of(&check);
    assert_eq!(stderr.matches("warning: ").count(), 1, "only the rolling address:\n{stderr}");
    assert!(stderr.contains("rolling address"), "{stderr}");
}
