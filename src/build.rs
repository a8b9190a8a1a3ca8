//! The whole pipeline, run once: configuration → loading → model → Markdown → templates → output.
//! `serve` will call the same functions.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::{Config, Options};
use crate::diag::{Diagnostic, Diagnostics};
use crate::load::{self, Entry};
use crate::markdown::{self, LinkResolver};
use crate::model::{RouteKind, Site};
use crate::output::{DiskOutput, NullOutput, Output};
use crate::render::{self, Bodies, Renderer, Shared};

/// Why a build failed; the two kinds map to different exit codes.
#[derive(Debug)]
pub enum Error {
    /// `site.toml`, the theme folder or the output folder is unusable (exit code 2).
    Setup(Diagnostics),
    /// The content or the templates have problems (exit code 1).
    Content(Diagnostics),
}

impl Error {
    pub fn diagnostics(&self) -> &Diagnostics {
        match self {
            Error::Setup(d) | Error::Content(d) => d,
        }
    }
}

/// What a successful build did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildReport {
    pub pages: usize,
    pub files: usize,
}

/// Builds the site at `root` into `output` (replacing it only when everything succeeded).
pub fn build(root: &Path, output: &Path, options: &Options) -> Result<BuildReport, Error> {
    let config = Config::load(root, options).map_err(|d| Error::Setup(d.into()))?;
    let disk = DiskOutput::prepare(output).map_err(|d| Error::Setup(d.into()))?;
    match build_into(&config, &disk) {
        Ok(report) => {
            disk.commit().map_err(|error| {
                Error::Setup(
                    Diagnostic::new(
                        output,
                        format!("cannot move the new site into place: {error}"),
                    )
                    .into(),
                )
            })?;
            Ok(report)
        }
        Err(error) => {
            disk.abandon();
            Err(error)
        }
    }
}

/// Runs everything `build` does, writing nothing.
pub fn check(root: &Path, options: &Options) -> Result<BuildReport, Error> {
    let config = Config::load(root, options).map_err(|d| Error::Setup(d.into()))?;
    build_into(&config, &NullOutput)
}

/// Loads, links, renders and writes the site into `output`.
pub fn build_into(config: &Config, output: &dyn Output) -> Result<BuildReport, Error> {
    let loaded = load::load(config);
    let renderer = Renderer::new(config);
    let site = Site::build(config, loaded.entries, &loaded.unavailable);
    // Problems of every stage are reported together, so that one run shows everything.
    let (site, renderer) = match (site, renderer, loaded.diagnostics.is_empty()) {
        (Ok(site), Ok(renderer), true) => (site, renderer),
        (site, renderer, _) => {
            let mut all = loaded.diagnostics;
            all.extend(site.err().into_iter().flatten());
            all.extend(renderer.err().into_iter().flatten());
            return Err(Error::Content(all.sorted()));
        }
    };
    let bodies = render_markdown(&site).map_err(Error::Content)?;
    renderer.check_templates(&site).map_err(Error::Content)?;
    // Files without templates, made before the pages so that the data page can give their sizes.
    let mut generated: Vec<(String, Vec<u8>)> = render::atom_feeds(&site, &bodies)
        .into_iter()
        .chain(render::ical::calendars(&site, &bodies))
        .map(|(path, text)| (path, text.into_bytes()))
        .collect();
    let open_data = render::opendata::open_data(&site, &bodies, &generated);
    generated.extend(open_data.files);
    // The search index, for themes that have a search page.
    if site.routes.iter().any(|route| route.kind == RouteKind::Search) {
        let index = crate::search::Index::build(&site, &bodies);
        generated.extend(index.files().into_iter().map(|(path, json)| (path, json.into_bytes())));
    }
    let shared = Shared::new(&site).with_datasets(open_data.page);
    let pages = render_pages(&site, &renderer, &shared, &bodies, output)?;
    let files = write_extras(&site, generated, output)?;
    Ok(BuildReport { pages, files: pages + files })
}

/// Every entry's Markdown, rendered once, in parallel; broken internal links are diagnostics.
fn render_markdown(site: &Site) -> Result<Bodies, Diagnostics> {
    let resolver = ContentLinks::new(site);
    let results: Vec<(&Entry, markdown::Rendered)> = site
        .entries()
        .into_par_iter()
        .map(|entry| (entry, markdown::render(entry.body(), &resolver)))
        .collect();
    let mut diagnostics = Diagnostics::default();
    let mut bodies = Bodies::with_capacity(results.len());
    for (entry, mut rendered) in results {
        for problem in std::mem::take(&mut rendered.problems) {
            let help = problem.suggestion.map(|s| format!("did you mean `{s}`?"));
            let message = format!("link to `{}`, which does not exist", problem.target);
            diagnostics.push(entry.error_in_body(problem.span, message).with_optional_help(help));
        }
        bodies.insert(entry.path.clone(), rendered);
    }
    diagnostics.into_result(bodies)
}

fn render_pages(
    site: &Site,
    renderer: &Renderer,
    shared: &Shared,
    bodies: &Bodies,
    output: &dyn Output,
) -> Result<usize, Error> {
    let problems: Vec<Diagnostic> = site
        .routes
        .par_iter()
        .filter_map(|route| {
            let html = match renderer.render(site, shared, bodies, route) {
                Ok(html) => html,
                Err(diagnostic) => return Some(diagnostic),
            };
            let file = if route.kind == RouteKind::NotFound {
                route.path.clone()
            } else {
                format!("{}index.html", route.path)
            };
            output.write(&file, &html).err().map(|e| write_error(&file, &e))
        })
        .collect();
    // One broken template fails every page it renders; report each template once.
    let mut diagnostics: Diagnostics = problems.into_iter().collect();
    diagnostics.0.dedup_by(|a, b| a.path == b.path && a.path.starts_with("themes"));
    diagnostics.into_result(site.routes.len()).map_err(|d| Error::Content(dedup_templates(d)))
}

fn dedup_templates(diagnostics: Diagnostics) -> Diagnostics {
    let mut seen = std::collections::BTreeSet::new();
    diagnostics
        .into_iter()
        .filter(|d| !d.path.starts_with("themes") || seen.insert(d.path.clone()))
        .collect()
}

/// Sitemap, robots.txt, the generated files (feeds, calendars, open data) and static files;
/// returns how many files were written.
fn write_extras(
    site: &Site,
    generated: Vec<(String, Vec<u8>)>,
    output: &dyn Output,
) -> Result<usize, Error> {
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("sitemap.xml".to_owned(), render::sitemap(site).into_bytes()),
        ("robots.txt".to_owned(), render::robots(site).into_bytes()),
    ];
    files.extend(generated);
    let statics = static_files(&site.config).map_err(Error::Content)?;
    let mut diagnostics = Diagnostics::default();
    for (path, bytes) in files.iter().map(|(p, b)| (p.as_str(), b.as_slice())) {
        if let Err(error) = output.write(path, bytes) {
            diagnostics.push(write_error(path, &error));
        }
    }
    for (path, source) in &statics {
        let written = std::fs::read(source).and_then(|bytes| output.write(path, &bytes));
        if let Err(error) = written {
            diagnostics.push(write_error(path, &error));
        }
    }
    diagnostics.into_result(files.len() + statics.len()).map_err(Error::Content)
}

/// `(output path, source file)` of the theme's `static/` and then the site's own `static/`,
/// which wins when both have a file.
fn static_files(config: &Config) -> Result<Vec<(String, PathBuf)>, Diagnostics> {
    let mut files = std::collections::BTreeMap::new();
    for dir in [config.theme_dir().join("static"), config.root.join("static")] {
        for item in
            walkdir::WalkDir::new(&dir).sort_by_file_name().into_iter().filter_map(Result::ok)
        {
            if !item.file_type().is_file() {
                continue;
            }
            let relative = item.path().strip_prefix(&dir).unwrap_or(item.path());
            let name = relative.to_string_lossy().replace('\\', "/");
            files.insert(name, item.path().to_path_buf());
        }
    }
    Ok(files.into_iter().collect())
}

fn write_error(path: &str, error: &std::io::Error) -> Diagnostic {
    Diagnostic::new(path, format!("cannot write the output file: {error}"))
}

/// Resolves `@/municipalities/012068.md` to the page of that content file.
struct ContentLinks {
    urls: std::collections::HashMap<String, String>,
}

impl ContentLinks {
    fn new(site: &Site) -> ContentLinks {
        let base = &site.config.base_path;
        let mut urls = std::collections::HashMap::new();
        for (id, node) in site.nodes.iter().enumerate() {
            let key = node
                .entry
                .path
                .strip_prefix("content")
                .unwrap_or(&node.entry.path)
                .to_string_lossy()
                .replace('\\', "/");
            urls.insert(key, format!("{base}{}", site.path_of(id, &site.config.default_language)));
            for (lang, entry) in &node.translations {
                let key = entry
                    .path
                    .strip_prefix("content")
                    .unwrap_or(&entry.path)
                    .to_string_lossy()
                    .replace('\\', "/");
                urls.insert(key, format!("{base}{}", site.path_of(id, lang)));
            }
        }
        for (folder, lang) in site.sections.keys() {
            let prefix = site.lang_prefix(lang);
            let suffix = if *lang == site.config.default_language {
                String::new()
            } else {
                format!(".{lang}")
            };
            let key = if folder.is_empty() {
                format!("_index{suffix}.md")
            } else {
                format!("{folder}/_index{suffix}.md")
            };
            let path = if folder.is_empty() { prefix } else { format!("{prefix}{folder}/") };
            urls.insert(key, format!("{base}{path}"));
        }
        ContentLinks { urls }
    }
}

impl LinkResolver for ContentLinks {
    fn resolve(&self, path: &str) -> Option<String> {
        self.urls.get(path.trim_start_matches('/')).cloned()
    }

    fn candidates(&self) -> Vec<String> {
        let mut candidates: Vec<String> = self.urls.keys().cloned().collect();
        candidates.sort();
        candidates
    }
}
