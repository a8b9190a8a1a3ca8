//! The project's real data: every municipality of Japan, the 47 prefectures, the 23 wards, and
//! the sourced ward ↔ municipality relations of `tests/data/ward_partner_pairs.csv` (a copy of the
//! project's reference list), checked on the built site. The importer
//! (`tools/import-municipalities`) re-run on the committed municipality files must change no byte,
//! write from nothing the lines it owns (from the package data under `data/japancode/`) in the
//! committed files' order, and never touch an editor's text.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{
    assert_same_tree, copy_dir, links_of, project_site, read, read_tree, repo_root,
};

const MUNICIPALITIES: usize = 1741;

fn site() -> &'static Path {
    project_site()
}

/// The ids of the pages under `section/` of the built site (folders that hold an index.html).
fn pages_in(section: &str) -> BTreeSet<String> {
    let dir = site().join(section);
    let entries =
        fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    entries
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().join("index.html").is_file())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name != "page" && name != "category")
        .collect()
}

/// 総務省's check digit of the first five digits of a 全国地方公共団体コード.
fn check_digit(code: &str) -> Option<u32> {
    let digits: Vec<u32> = code.chars().map(|c| c.to_digit(10)).collect::<Option<_>>()?;
    let sum: u32 = digits.iter().take(5).zip([6, 5, 4, 3, 2]).map(|(d, w)| d * w).sum();
    let c = if sum < 11 { 11 - sum } else { 11 - sum % 11 };
    Some(c % 10)
}

fn valid_code(code: &str) -> bool {
    code.len() == 6 && check_digit(code) == code[5..].parse().ok()
}

/// The Japanese municipality files: code → path.
fn municipality_files(dir: &Path) -> BTreeMap<String, PathBuf> {
    let entries =
        fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    entries
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.path())
        .filter_map(|path| {
            let name = path.file_name()?.to_str()?.to_owned();
            let stem = name.strip_suffix(".md")?;
            (!stem.contains('.') && !stem.starts_with('_')).then(|| (stem.to_owned(), path))
        })
        .collect()
}

/// One CSV line split into fields (quotes and doubled quotes as RFC 4180).
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut field)),
            (c, _) => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// (ward code, partner code) of every row of the reference list.
fn csv_pairs() -> Vec<(String, String)> {
    let text = read(&repo_root().join("tests/data/ward_partner_pairs.csv"));
    let mut lines = text.lines();
    let header = csv_fields(lines.next().unwrap_or_default());
    let column = |name: &str| {
        header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"))
    };
    let (ward, partner) = (column("ward_code"), column("partner_code"));
    lines
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let fields = csv_fields(line);
            (fields[ward].clone(), fields[partner].clone())
        })
        .collect()
}

/// Ward code → slug, from the ward files.
fn ward_slugs() -> BTreeMap<String, String> {
    let dir = repo_root().join("content/wards");
    let mut slugs = BTreeMap::new();
    for (slug, path) in municipality_files(&dir) {
        let text = read(&path);
        let code = text
            .lines()
            .find_map(|line| line.strip_prefix("code:"))
            .map(|value| value.trim().trim_matches('"').to_owned())
            .unwrap_or_else(|| panic!("{} has no code", path.display()));
        slugs.insert(code, slug);
    }
    slugs
}

#[test]
fn the_site_has_every_municipality_prefecture_and_ward() {
    let municipalities = pages_in("municipalities");
    assert_eq!(municipalities.len(), MUNICIPALITIES, "municipality pages");
    assert_eq!(pages_in("prefectures").len(), 47, "prefecture pages");
    assert_eq!(pages_in("wards").len(), 23, "ward pages");
    let special_wards =
        municipalities.iter().filter(|c| ("131016"..="131237").contains(&c.as_str()));
    assert_eq!(special_wards.count(), 23, "the 23 特別区 are municipalities too");
}

#[test]
fn every_municipality_code_has_a_valid_check_digit() {
    let files = municipality_files(&repo_root().join("content/municipalities"));
    assert_eq!(files.len(), MUNICIPALITIES);
    let bad: Vec<&String> = files.keys().filter(|code| !valid_code(code)).collect();
    assert!(bad.is_empty(), "wrong check digits: {bad:?}");
    // The rule itself, on codes whose check digit is known.
    for code in ["131016", "012068", "011002", "221384", "221406", "472131"] {
        assert!(valid_code(code), "{code}");
    }
    assert!(!valid_code("131017"));
}

#[test]
fn every_relation_of_the_reference_list_is_on_both_pages() {
    let slugs = ward_slugs();
    let mut checked = 0;
    let mut missing = Vec::new();
    for (ward_code, partner_code) in csv_pairs() {
        assert!(valid_code(&ward_code) && valid_code(&partner_code), "{ward_code} {partner_code}");
        if &partner_code[2..5] == "000" {
            continue; // a prefecture, not a municipality
        }
        let slug = &slugs[&ward_code];
        let ward_page = read(&site().join(format!("wards/{slug}/index.html")));
        let municipality_page =
            read(&site().join(format!("municipalities/{partner_code}/index.html")));
        let to_municipality = format!("/municipalities/{partner_code}/");
        let to_ward = format!("/wards/{slug}/");
        if !links_of(&ward_page).contains(&to_municipality) {
            missing.push(format!("/wards/{slug}/ does not link to {to_municipality}"));
        }
        if !links_of(&municipality_page).contains(&to_ward) {
            missing.push(format!("{to_municipality} does not link to {to_ward}"));
        }
        checked += 1;
    }
    assert!(missing.is_empty(), "relations missing from the pages:\n{}", missing.join("\n"));
    assert_eq!(checked, 204, "municipality rows of the reference list");
}

#[test]
fn the_municipality_list_shows_all_of_them_grouped_by_prefecture() {
    let html = read(&site().join("municipalities/index.html"));
    assert_eq!(html.matches("<h1").count(), 1);
    assert_eq!(html.matches("<h2 id=\"pref-").count(), 47, "one section per prefecture");
    let listed: BTreeSet<String> = links_of(&html)
        .into_iter()
        .filter_map(|link| {
            let code = link.strip_prefix("/municipalities/")?.strip_suffix('/')?;
            (code.len() == 6).then(|| code.to_owned())
        })
        .collect();
    assert_eq!(listed.len(), MUNICIPALITIES);
    // Grouped: 北海道's first city comes before 沖縄県's.
    let sapporo = html.find("/municipalities/011002/");
    let naha = html.find("/municipalities/472018/");
    assert!(sapporo < naha && sapporo.is_some());
}

/// Agreements are only published with their public source: each file ends with a `出典：` line
/// that links to it, and the link is on the built page.
#[test]
fn every_agreement_cites_its_source() {
    let dir = repo_root().join("content/agreements");
    let mut checked = 0;
    let mut missing = Vec::new();
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .filter(|path| {
            !path.file_name().is_some_and(|name| name.to_string_lossy().starts_with('_'))
        })
        .collect();
    files.sort();
    for path in files {
        let text = read(&path);
        let sources: Vec<String> = text
            .lines()
            .filter(|line| line.starts_with("出典："))
            .flat_map(|line| {
                line.split("](").skip(1).map(|rest| rest.split(')').next().unwrap_or("").to_owned())
            })
            .filter(|url| url.starts_with("http://") || url.starts_with("https://"))
            .collect();
        let slug = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let Some(first) = sources.first() else {
            missing.push(format!("{} has no 出典 line with a link", path.display()));
            continue;
        };
        let page = read(&site().join("agreements").join(&slug).join("index.html"));
        if !page.contains("出典") || !links_of(&page).iter().any(|link| link == first) {
            missing.push(format!("/agreements/{slug}/ does not show its source {first}"));
        }
        checked += 1;
    }
    assert!(missing.is_empty(), "agreements without a source:\n{}", missing.join("\n"));
    assert_eq!(checked, 12, "agreement files");
}

#[test]
fn the_wards_of_a_designated_city_are_on_its_page() {
    let hamamatsu = read(&site().join("municipalities/221309/index.html"));
    for (code, name) in [("221384", "中央区"), ("221392", "浜名区"), ("221406", "天竜区")]
    {
        assert!(hamamatsu.contains(code) && hamamatsu.contains(name), "{code} {name}");
    }
    assert!(!hamamatsu.contains("221317"), "浜松市's wards before 2024 are gone");
    let sapporo = read(&site().join("municipalities/011002/index.html"));
    assert!(sapporo.contains("011011") && sapporo.contains("ちゅうおうく"));
    assert!(!pages_in("municipalities").contains("011011"), "a 政令市の区 has no page");
}

/// Runs the importer with `args`; panics with its output when it fails.
fn import(args: &[&str]) -> String {
    let script = repo_root().join("tools/import-municipalities");
    let run = Command::new("python3").arg(&script).args(args).output();
    let run = run.unwrap_or_else(|e| panic!("the importer needs python3 (3.11+): {e}"));
    let output =
        format!("{}{}", String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr));
    assert!(run.status.success(), "tools/import-municipalities {args:?} failed:\n{output}");
    output
}

fn path_arg(path: &Path) -> &str {
    path.to_str().unwrap_or_else(|| panic!("not UTF-8: {}", path.display()))
}

#[test]
fn the_importer_changes_no_byte_on_a_rerun_and_writes_its_own_lines_from_nothing() {
    let committed_dir = repo_root().join("content/municipalities");
    let committed = read_tree(&committed_dir);

    // Re-running it on the committed files (its own output, merged with editors' work) changes
    // no byte.
    let copy = crate::support::tempdir();
    copy_dir(&committed_dir, copy.path());
    import(&["--quiet", "--out", path_arg(copy.path())]);
    assert_same_tree(&committed, &read_tree(copy.path()), "a re-run changed the files");
    import(&["--check", "--out", path_arg(&committed_dir)]);

    // From nothing, it writes the same files; each committed file holds every front matter line
    // the importer writes, in the same order (editors only add fields, aliases and text).
    let fresh = crate::support::tempdir();
    import(&["--quiet", "--out", path_arg(fresh.path())]);
    let fresh = read_tree(fresh.path());
    let japanese: BTreeSet<&String> =
        committed.keys().filter(|p| p.matches('.').count() == 1 && !p.starts_with('_')).collect();
    let generated: BTreeSet<&String> = fresh.keys().collect();
    let only_generated: Vec<_> = generated.difference(&japanese).collect();
    let only_committed: Vec<_> = japanese.difference(&generated).collect();
    assert!(
        only_generated.is_empty() && only_committed.is_empty(),
        "not the same files: only generated {only_generated:?}, only committed {only_committed:?}"
    );
    let front_matter = |bytes: &[u8]| -> Vec<String> {
        let text = String::from_utf8_lossy(bytes);
        text.split("\n---\n").next().unwrap_or_default().lines().map(str::to_owned).collect()
    };
    for (path, bytes) in &fresh {
        let have = front_matter(&committed[path]);
        let mut from = 0;
        for line in front_matter(bytes).iter().skip(1) {
            let found = have[from..].iter().position(|l| l == line);
            let Some(found) = found else {
                panic!("{path}: the importer's line `{line}` is not in the file (in its order)");
            };
            from += found + 1;
        }
    }
}

#[test]
fn the_importer_never_overwrites_an_editors_work() {
    let dir = crate::support::tempdir();
    let file = dir.path().join("012068.md");
    let original = read(&repo_root().join("content/municipalities/012068.md"));
    // An editor's comment, a changed body, and a kana the importer owns (and corrects).
    let edited = original.replacen("kana: くしろし", "kana: \"くしろ\"", 1).replacen(
        "prefecture: hokkaido\n",
        "prefecture: hokkaido\n# 編集メモ\n",
        1,
    ) + "\n編集者が書き足した段落。\n";
    fs::write(&file, &edited).unwrap_or_else(|e| panic!("{e}"));
    import(&["--quiet", "--out", path_arg(dir.path())]);
    let merged = read(&file);
    assert_eq!(merged, edited.replacen("kana: \"くしろ\"", "kana: くしろし", 1));
    assert!(
        merged.contains("partners:\n  - ward: arakawa")
            && merged.contains("編集者が書き足した段落。")
    );

    // A file whose code is not in the data is left alone.
    fs::write(dir.path().join("999991.md"), "---\nname: x\n---\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let output = import(&["--out", path_arg(dir.path())]);
    assert!(output.contains("999991.md"), "{output}");
    assert_eq!(read(&dir.path().join("999991.md")), "---\nname: x\n---\n");
}

/// `--check` exits 1 when a run would change a file (an owned field edited by hand), names the
/// file, and writes nothing.
#[test]
fn the_importers_check_fails_when_a_run_would_change_a_file() {
    let copy = crate::support::tempdir();
    copy_dir(&repo_root().join("content/municipalities"), copy.path());
    let file = copy.path().join("012068.md");
    let original = read(&file);
    assert!(original.contains("kana: くしろし\n"), "{original}");
    let edited = original.replacen("kana: くしろし\n", "kana: くしろ\n", 1);
    fs::write(&file, &edited).unwrap_or_else(|e| panic!("{e}"));
    let before = read_tree(copy.path());

    let script = repo_root().join("tools/import-municipalities");
    let run = Command::new("python3")
        .arg(&script)
        .args(["--check", "--out", path_arg(copy.path())])
        .output()
        .unwrap_or_else(|e| panic!("the importer needs python3 (3.11+): {e}"));
    let output =
        format!("{}{}", String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr));
    assert_eq!(run.status.code(), Some(1), "exit 1 when a run would change a file:\n{output}");
    assert!(output.contains("would be updated 012068.md"), "names the file:\n{output}");
    assert_same_tree(&before, &read_tree(copy.path()), "--check wrote a file");
}

/// Runs `tools/check_content.py` from a copy of the repository's content in `root` (the script
/// reads the content beside its own folder); returns the exit code and its output.
fn check_content(root: &Path) -> (Option<i32>, String) {
    let run = Command::new("python3").arg(root.join("tools/check_content.py")).output();
    let run = run.unwrap_or_else(|e| panic!("tools/check_content.py needs python3: {e}"));
    let output =
        format!("{}{}", String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr));
    (run.status.code(), output)
}

/// `tools/check_content.py`, the independent check of content/, passes on the content and
/// rejects a ward without its required `kana`, naming the file.
#[test]
fn the_independent_content_check_passes_and_rejects_a_missing_field() {
    let root = crate::support::tempdir();
    let root = root.path();
    let pairs = "tests/data/ward_partner_pairs.csv";
    fs::create_dir_all(root.join("tools")).unwrap_or_else(|e| panic!("{e}"));
    fs::create_dir_all(root.join("tests/data")).unwrap_or_else(|e| panic!("{e}"));
    for file in ["tools/check_content.py", pairs] {
        fs::copy(repo_root().join(file), root.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    }
    copy_dir(&repo_root().join("content"), &root.join("content"));
    let (code, output) = check_content(root);
    assert_eq!(code, Some(0), "the content passes:\n{output}");

    let ward = root.join("content/wards/chiyoda.md");
    let text = read(&ward);
    assert!(text.contains("\nkana: "), "{text}");
    let without: String =
        text.lines().filter(|l| !l.starts_with("kana: ")).map(|l| l.to_owned() + "\n").collect();
    fs::write(&ward, without).unwrap_or_else(|e| panic!("{e}"));
    let (code, output) = check_content(root);
    assert_eq!(code, Some(1), "a ward without kana fails:\n{output}");
    assert!(output.contains("content/wards/chiyoda.md"), "names the file:\n{output}");
    assert!(output.contains("kana"), "names the field:\n{output}");
}

/// Writes into `dir` a wheel `japancode-0.1.0` holding the reference data, 釧路市's kana changed to
/// `kana` (pip only checks a wheel's name, version and metadata).
fn japancode_wheel(dir: &Path, kana: &str) {
    let script = r#"
import json, sys, zipfile
data, out, kana = sys.argv[1], sys.argv[2], sys.argv[3]
rows = json.load(open(f"{data}/municipalities.json", encoding="utf-8"))
for row in rows:
    if row["city"] == "釧路市":
        row["citykana"] = kana
info = "japancode-0.1.0.dist-info"
with zipfile.ZipFile(f"{out}/japancode-0.1.0-py3-none-any.whl", "w") as wheel:
    wheel.writestr("japancode/data/municipalities.json", json.dumps(rows, ensure_ascii=False))
    wheel.write(f"{data}/prefectures.json", "japancode/data/prefectures.json")
    wheel.writestr(f"{info}/METADATA", "Metadata-Version: 2.1\nName: japancode\nVersion: 0.1.0\n")
    wheel.writestr(f"{info}/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
    wheel.writestr(f"{info}/RECORD", "")
"#;
    let data = repo_root().join("data/japancode");
    let made = Command::new("python3")
        .args(["-c", script, path_arg(&data), path_arg(dir), kana])
        .status()
        .unwrap_or_else(|e| panic!("python3: {e}"));
    assert!(made.success(), "the test wheel was not written");
}

/// `--download` reads the data from the wheel `pip download` gives (here from a local folder, as
/// the tests run offline): the same data changes nothing; a kana changed in the wheel is seen.
#[test]
fn the_importer_reads_the_data_of_the_wheel_pip_downloads() {
    let committed = repo_root().join("content/municipalities");
    let run_with = |kana: &str| {
        let wheels = crate::support::tempdir();
        japancode_wheel(wheels.path(), kana);
        let run = Command::new("python3")
            .arg(repo_root().join("tools/import-municipalities"))
            .args(["--download", "--check", "--out", path_arg(&committed)])
            .env("PIP_NO_INDEX", "1")
            .env("PIP_FIND_LINKS", wheels.path())
            .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
            .output()
            .unwrap_or_else(|e| panic!("python3: {e}"));
        let output = format!(
            "{}{}",
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        );
        (run.status.code(), output)
    };
    let (code, output) = run_with("くしろし");
    assert_eq!(code, Some(0), "the reference data, downloaded, changes nothing:\n{output}");
    let (code, output) = run_with("くしろ");
    assert_eq!(code, Some(1), "the wheel's data is read:\n{output}");
    assert!(output.contains("would be updated 012068.md"), "{output}");
}

/// Runs a tool of tools/ with python3; returns its exit code and output.
fn run_tool(tool: &str, args: &[&str]) -> (Option<i32>, String) {
    let run = Command::new("python3").arg(repo_root().join(tool)).args(args).output();
    let run = run.unwrap_or_else(|e| panic!("{tool} needs python3 (3.11+): {e}"));
    let output =
        format!("{}{}", String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr));
    (run.status.code(), output)
}

/// The former names of the municipalities merged since 1999 (e-Stat's 廃置分合等情報, in
/// data/aliases/estat-haichi.csv) are all in data/aliases/mergers.csv, each with its source, and
/// in the `aliases` of the municipality they are now part of, also where its code changed after
/// the merger (浜北市 went into 浜松市 (22202), a 政令市 since 2007 (22130)).
#[test]
fn the_former_names_of_every_merger_since_1999_are_aliases() {
    let (code, output) = run_tool("tools/import-mergers", &["--check"]);
    assert_eq!(code, Some(0), "mergers.csv lacks rows of e-Stat:\n{output}");
    let (code, output) = run_tool("tools/apply-aliases", &["--check"]);
    assert_eq!(code, Some(0), "the content lacks aliases of mergers.csv:\n{output}");

    let files = municipality_files(&repo_root().join("content/municipalities"));
    let text = read(&repo_root().join("data/aliases/mergers.csv"));
    let rows: Vec<Vec<String>> = text.lines().skip(1).map(csv_fields).collect();
    let mut merged: BTreeSet<&str> = BTreeSet::new();
    for row in &rows {
        assert_eq!(row.len(), 5, "{row:?}");
        assert!(files.contains_key(&row[0]), "no municipality {}: {row:?}", row[0]);
        assert!(row[4].starts_with("http"), "no source: {row:?}");
        merged.insert(row[0].as_str());
    }
    // The 平成の大合併 made about 590 municipalities; e-Stat's rows give almost all of them.
    assert!(merged.len() >= 560, "{} municipalities with former names", merged.len());
    for (code, former) in [("012068", "阿寒町"), ("221309", "浜北市"), ("082252", "御前山村")]
    {
        assert!(
            rows.iter().any(|r| r[0] == code && r[2] == former),
            "{former} is not a former name of {code}"
        );
        let file = read(&files[code]);
        assert!(file.contains(&format!("\n  - {former}\n")), "{code} lacks the alias {former}");
    }
}
