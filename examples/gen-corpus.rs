//! Writes a synthetic site of N content files, in Renkei's format and in Hugo's, built from the
//! same entities, for the benchmark (benches/compare.py).
//!
//! cargo run --release --example gen-corpus -- --pages 10000 --out /tmp/corpus-10k
//!
//! `<out>/renkei/` is a Renkei site: the repository's site.toml, theme, wards and prefectures,
//! plus 60 % municipalities spread over the 47 prefectures with 1–3 partner wards each, 30 %
//! events and 10 % news. `<out>/hugo/` holds the same municipalities, events and news for Hugo,
//! with taxonomies for prefectures and wards and minimal templates. Every body is 1–3 KB of
//! Japanese Markdown with headings, lists and links; one page in five has a table and one in ten
//! a code block. The same seed always writes the same files.

#![allow(clippy::print_stdout)] // a command-line tool: printing is its output

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

const CATEGORIES: [&str; 6] =
    ["産業振興", "観光振興", "文化芸術振興", "東京2020", "地域課題", "住民交流"];
const SENTENCES: [&str; 8] = [
    "特別区と全国各地域は、持ちつ持たれつの関係にあります。",
    "地域の特産品を紹介するイベントを、区の施設を活用して開催しました。",
    "東京区政会館の1階では、連携自治体の魅力を伝える展示を行っています。",
    "住民同士の交流を通じて、二地域居住など新しい暮らし方を考えます。",
    "災害発生時の相互支援に向けて、日頃から情報交換を重ねています。",
    "観光PRのパンフレットを区の窓口で配布し、多くの区民が手に取りました。",
    "地元の高校生が考えた商品を、区内の商店街で販売しました。",
    "森林資源を活用した環境対策について、意見を交わしました。",
];

/// A small deterministic generator (xorshift64*): the corpus must be the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

struct Args {
    pages: usize,
    out: PathBuf,
    repo: PathBuf,
}

fn parse_args() -> Result<Args, String> {
    let mut pages = 1000;
    let mut out = None;
    let mut repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().ok_or_else(|| format!("{arg} needs a value"))?;
        match arg.as_str() {
            "--pages" => pages = value.parse().map_err(|e| format!("--pages: {e}"))?,
            "--out" => out = Some(PathBuf::from(value)),
            "--repo" => repo = PathBuf::from(value),
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(Args { pages, out: out.ok_or("--out DIR is required")?, repo })
}

fn main() -> Result<(), String> {
    let args = parse_args()?;
    let renkei = args.out.join("renkei");
    let hugo = args.out.join("hugo");
    for dir in [&renkei, &hugo] {
        if dir.exists() {
            fs::remove_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
    }
    let corpus = Corpus::new(&args.repo, args.pages)?;
    corpus.write_renkei(&args.repo, &renkei).map_err(|e| e.to_string())?;
    corpus.write_hugo(&hugo).map_err(|e| e.to_string())?;
    println!(
        "wrote {} content files to {} and {}",
        corpus.count(),
        renkei.display(),
        hugo.display()
    );
    Ok(())
}

/// A place the corpus refers to: (id, name).
type Place = (String, String);

struct Municipality {
    code: String,
    name: String,
    prefecture: usize,
    wards: Vec<usize>,
    body: String,
}

struct Item {
    id: String,
    title: String,
    date: String,
    category: &'static str,
    wards: Vec<usize>,
    municipality: usize,
    body: String,
}

struct Corpus {
    wards: Vec<Place>,
    prefectures: Vec<Place>,
    municipalities: Vec<Municipality>,
    events: Vec<Item>,
    news: Vec<Item>,
}

impl Corpus {
    fn new(repo: &Path, pages: usize) -> Result<Corpus, String> {
        let wards = places(&repo.join("content/wards"))?;
        let prefectures = places(&repo.join("content/prefectures"))?;
        let mut rng = Rng(0x5EED_2016_1203);
        let municipality_count = pages * 6 / 10;
        let event_count = pages * 3 / 10;
        let news_count = pages - municipality_count - event_count;
        let municipalities: Vec<Municipality> = (0..municipality_count)
            .map(|i| {
                let prefecture = i % prefectures.len();
                let code = municipality_code(prefecture + 1, 100 + i / prefectures.len());
                let partners = 1 + rng.below(3);
                let mut ward_ids: Vec<usize> =
                    (0..partners).map(|_| rng.below(wards.len())).collect();
                ward_ids.sort_unstable();
                ward_ids.dedup();
                let name = format!(
                    "{}第{}市",
                    prefectures[prefecture].1.trim_end_matches(['県', '府', '都']),
                    i
                );
                let body = body(
                    &mut rng,
                    &name,
                    &ward_ids.iter().map(|&w| wards[w].clone()).collect::<Vec<_>>(),
                );
                Municipality { code, name, prefecture, wards: ward_ids, body }
            })
            .collect();
        let item = |kind: &str, i: usize, rng: &mut Rng| {
            let municipality = rng.below(municipalities.len().max(1));
            let ward = rng.below(wards.len());
            let title = format!(
                "{}の{}{i}",
                municipalities.get(municipality).map_or("地域", |m| m.name.as_str()),
                kind
            );
            let date = format!(
                "20{:02}-{:02}-{:02}",
                14 + rng.below(12),
                1 + rng.below(12),
                1 + rng.below(28)
            );
            let body = body(rng, &title, std::slice::from_ref(&wards[ward]));
            Item {
                id: format!("{kind}-{i}"),
                title,
                date,
                category: CATEGORIES[rng.below(6)],
                wards: vec![ward],
                municipality,
                body,
            }
        };
        let events = (0..event_count).map(|i| item("event", i, &mut rng)).collect();
        let news = (0..news_count).map(|i| item("news", i, &mut rng)).collect();
        Ok(Corpus { wards, prefectures, municipalities, events, news })
    }

    fn count(&self) -> usize {
        self.municipalities.len() + self.events.len() + self.news.len()
    }

    fn write_renkei(&self, repo: &Path, site: &Path) -> std::io::Result<()> {
        fs::create_dir_all(site.join("content"))?;
        fs::copy(repo.join("site.toml"), site.join("site.toml"))?;
        copy_tree(&repo.join("themes"), &site.join("themes"))?;
        for folder in ["wards", "prefectures"] {
            copy_tree(&repo.join("content").join(folder), &site.join("content").join(folder))?;
        }
        // Relations are checked, so drop the ward and prefecture bodies' links to real content.
        for folder in ["wards", "prefectures"] {
            for entry in fs::read_dir(site.join("content").join(folder))? {
                let path = entry?.path();
                let text = fs::read_to_string(&path)?;
                if let Some(end) = text[3..].find("\n---\n") {
                    fs::write(&path, format!("{}\n---\n\n本文。\n", &text[..3 + end]))?;
                }
            }
        }
        let dir = site.join("content/municipalities");
        fs::create_dir_all(&dir)?;
        for m in &self.municipalities {
            let mut text = format!(
                "---\nname: {}\nkana: しし\nprefecture: {}\nkind: 市\npartners:\n",
                m.name, self.prefectures[m.prefecture].0
            );
            for &w in &m.wards {
                let _ = writeln!(text, "  - ward: {}\n    relation: 交流都市", self.wards[w].0);
            }
            text.push_str("---\n\n");
            text.push_str(&m.body);
            fs::write(dir.join(format!("{}.md", m.code)), text)?;
        }
        for (folder, items) in [("events", &self.events), ("news", &self.news)] {
            let dir = site.join("content").join(folder);
            fs::create_dir_all(&dir)?;
            for item in items {
                let mut text = format!("---\ntitle: {}\ndate: {}\n", item.title, item.date);
                if folder == "events" {
                    let _ = writeln!(text, "category: {}", item.category);
                }
                let wards: Vec<&str> =
                    item.wards.iter().map(|&w| self.wards[w].0.as_str()).collect();
                let municipality = &self.municipalities[item.municipality];
                let _ = write!(
                    text,
                    "wards: [{}]\nmunicipalities: [\"{}\"]\n---\n\n{}",
                    wards.join(", "),
                    municipality.code,
                    item.body
                );
                fs::write(dir.join(format!("{}.md", item.id)), text)?;
            }
        }
        Ok(())
    }

    fn write_hugo(&self, site: &Path) -> std::io::Result<()> {
        fs::create_dir_all(site.join("layouts/_default"))?;
        fs::write(
            site.join("hugo.toml"),
            "baseURL = \"https://example.org/\"\nlanguageCode = \"ja\"\ntitle = \"特別区全国連携プロジェクト\"\ndisableKinds = [\"RSS\"]\n\n[taxonomies]\nprefecture = \"prefectures\"\nward = \"wards\"\n",
        )?;
        let layout = |body: &str| {
            format!(
                "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\"><title>{{{{ .Title }}}}</title></head>\n<body><main>{body}</main></body></html>\n"
            )
        };
        let list = "<h1>{{ .Title }}</h1>{{ .Content }}<ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>";
        fs::write(
            site.join("layouts/_default/single.html"),
            layout(
                "<h1>{{ .Title }}</h1>{{ .Content }}<ul>{{ range .Params.wards }}<li>{{ . }}</li>{{ end }}</ul>",
            ),
        )?;
        fs::write(site.join("layouts/_default/list.html"), layout(list))?;
        fs::write(site.join("layouts/_default/taxonomy.html"), layout(list))?;
        fs::write(
            site.join("layouts/_default/terms.html"),
            layout(
                "<h1>{{ .Title }}</h1><ul>{{ range .Data.Terms.Alphabetical }}<li><a href=\"{{ .Page.RelPermalink }}\">{{ .Page.Title }}</a> {{ .Count }}</li>{{ end }}</ul>",
            ),
        )?;
        fs::write(site.join("layouts/index.html"), layout(list))?;
        let dir = site.join("content/municipalities");
        fs::create_dir_all(&dir)?;
        for m in &self.municipalities {
            let wards: Vec<String> =
                m.wards.iter().map(|&w| format!("\"{}\"", self.wards[w].0)).collect();
            let text = format!(
                "---\ntitle: {}\nprefectures: [\"{}\"]\nwards: [{}]\n---\n\n{}",
                m.name,
                self.prefectures[m.prefecture].0,
                wards.join(", "),
                m.body
            );
            fs::write(dir.join(format!("{}.md", m.code)), text)?;
        }
        for (folder, items) in [("events", &self.events), ("news", &self.news)] {
            let dir = site.join("content").join(folder);
            fs::create_dir_all(&dir)?;
            for item in items {
                let municipality = &self.municipalities[item.municipality];
                let wards: Vec<String> =
                    item.wards.iter().map(|&w| format!("\"{}\"", self.wards[w].0)).collect();
                let text = format!(
                    "---\ntitle: {}\ndate: {}\nprefectures: [\"{}\"]\nwards: [{}]\n---\n\n{}",
                    item.title,
                    item.date,
                    self.prefectures[municipality.prefecture].0,
                    wards.join(", "),
                    item.body
                );
                fs::write(dir.join(format!("{}.md", item.id)), text)?;
            }
        }
        Ok(())
    }
}

/// The ids and names of the wards or prefectures of the repository's content, sorted by id.
fn places(dir: &Path) -> Result<Vec<Place>, String> {
    let mut places = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else { continue };
        if stem.starts_with('_') || stem.contains('.') {
            continue;
        }
        let text = fs::read_to_string(&path).map_err(|e| e.to_string())?;
        let name = text.lines().find_map(|l| l.strip_prefix("name: ")).unwrap_or(stem);
        places.push((stem.to_owned(), name.trim().to_owned()));
    }
    places.sort();
    Ok(places)
}

/// A 全国地方公共団体コード in prefecture `prefecture` with serial `serial` (three digits) and its check digit.
fn municipality_code(prefecture: usize, serial: usize) -> String {
    let five = format!("{prefecture:02}{:03}", serial % 1000);
    let sum: u32 =
        five.chars().filter_map(|c| c.to_digit(10)).zip([6, 5, 4, 3, 2]).map(|(d, w)| d * w).sum();
    let check = if sum < 11 { 11 - sum } else { 11 - sum % 11 } % 10;
    format!("{five}{check}")
}

/// 1–3 KB of Japanese Markdown about `title`, linking the wards it names.
fn body(rng: &mut Rng, title: &str, wards: &[Place]) -> String {
    let mut text = format!("{title}についてのご案内です。\n\n## 概要\n\n");
    for _ in 0..4 + rng.below(10) {
        text.push_str(SENTENCES[rng.below(SENTENCES.len())]);
    }
    text.push_str("\n\n## 関係する特別区\n\n");
    for (id, name) in wards {
        let _ = writeln!(text, "- [{name}](@/wards/{id}.md)");
    }
    if rng.below(5) == 0 {
        text.push_str("\n| 項目 | 内容 |\n|---|---|\n| 日時 | 午前10時から午後4時まで |\n| 会場 | 区役所前広場 |\n");
    }
    if rng.below(10) == 0 {
        text.push_str("\n```yaml\nwards: [chiyoda]\nmunicipalities: [\"012068\"]\n```\n");
    }
    text.push_str("\n## お問い合わせ\n\n");
    for _ in 0..2 + rng.below(6) {
        text.push_str(SENTENCES[rng.below(SENTENCES.len())]);
    }
    text.push('\n');
    text
}

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}
