//! Rendering: the theme's tera templates applied to each route of the site model, plus the
//! files that need no template (sitemap, robots.txt, Atom feeds). Returns bytes; writes nothing.

mod cached;
mod context;
pub mod deps;
mod extras;
mod feeds;
mod filters;
mod fingerprint;
mod i18n;
pub mod ical;
mod ja_filters;
mod map;
mod meetings;
mod members;
pub mod opendata;
mod phrases;
mod plan;
mod structured;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use tera::Tera;

use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics, Location, nearest_within};
use crate::markdown::Bodies;
use crate::model::{Collection, Route, RouteKind, Site};
use crate::msg;
pub use context::CommonContext;
pub use feeds::{atom_feeds, robots, sitemaps};

/// The theme's templates, parsed once and shared by every rendering thread.
pub struct Renderer {
    tera: Tera,
    templates_dir: PathBuf,
    /// (name, text) of every template, to locate runtime errors, which tera reports without a line.
    sources: Vec<(String, String)>,
    /// Per template, a hash of it and of every template it is built on.
    template_hashes: HashMap<String, u64>,
    /// The site's images, for `resize_image` (set once scanned).
    images: crate::images::template::ScannedImages,
}

/// A page ready to render: its template, its own context and the fingerprint of both.
pub struct Prepared {
    template: &'static str,
    context: context::Own,
    /// Equal fingerprints render to equal bytes.
    pub fingerprint: u64,
    /// The nodes the context read, sorted: the page shows them, and must be prepared again
    /// when one of them changes.
    pub read: Vec<crate::model::NodeId>,
}

impl Renderer {
    /// Parses every template of the configured theme. Syntax errors name the file, line and column.
    pub fn new(config: &Config) -> Result<Renderer, Diagnostics> {
        let templates_dir = config.theme_dir().join("templates");
        if !templates_dir.is_dir() {
            let relative = relative(&config.root, &templates_dir);
            return Err(Diagnostic::new(
                relative,
                msg!("template.no_folder", theme = config.theme.as_str()),
            )
            .with_help(msg!("template.no_folder_help"))
            .into());
        }
        let (sources, mut diagnostics) = read_templates(config, &templates_dir);
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.set_escape_fn(escape_html_to);
        filters::register(&mut tera, config);
        let images = crate::images::template::ScannedImages::default();
        tera.register_function(
            "resize_image",
            crate::images::template::resize_image(images.clone(), config.base_url.clone()),
        );
        if diagnostics.is_empty()
            && let Err(error) =
                tera.add_raw_templates(sources.iter().map(|(name, text)| (name, text)))
        {
            let errors =
                TemplateErrors { root: &config.root, dir: &templates_dir, sources: &sources };
            diagnostics.extend(errors.of_loading(&error));
        }
        let template_hashes = fingerprint::templates(&sources);
        diagnostics.into_result(Renderer { tera, templates_dir, sources, template_hashes, images })
    }

    /// A hash of the theme's templates as they are on disk now, equal to `sources_hash` of a
    /// renderer parsed from them; the problems when one cannot be read.
    pub fn templates_on_disk(config: &Config) -> Result<u64, Diagnostics> {
        let templates_dir = config.theme_dir().join("templates");
        let (sources, diagnostics) = read_templates(config, &templates_dir);
        diagnostics.into_result(()).map(|()| fingerprint::of_sources(&sources))
    }

    /// A hash of the names and texts of the templates this renderer was parsed from.
    pub fn sources_hash(&self) -> u64 {
        fingerprint::of_sources(&self.sources)
    }

    /// Gives `resize_image` the site's images; done once per build, before rendering.
    pub fn set_images(&self, images: std::sync::Arc<crate::images::Images>) {
        let _ = self.images.set(images);
    }

    /// Makes `asset()` give the published names of the static files. They are not part of the
    /// pages' fingerprints: a rebuild puts the new names into kept pages
    /// (`build::reuse::rename_assets`).
    pub fn use_assets(&mut self, config: &Config, assets: &crate::assets::Assets) {
        filters::register_asset(&mut self.tera, &config.base_path, assets);
    }

    /// Every template the routes need must exist; reported all at once.
    pub fn check_templates(&self, site: &Site) -> Result<(), Diagnostics> {
        let mut needed: Vec<&str> = site.routes.iter().map(|r| template_of(site, r)).collect();
        needed.sort_unstable();
        needed.dedup();
        let known: Vec<&str> = self.tera.get_template_names().collect();
        let missing = needed.into_iter().filter(|name| !known.contains(name)).map(|name| {
            let path = relative(&site.config.root, &self.templates_dir.join(name));
            Diagnostic::new(path, msg!("template.missing", name = name)).with_optional_help(
                // Only a near-identical name is a likely misspelling: `base.html` is not one of `ward.html`.
                nearest_within(name, known.iter().copied(), 1)
                    .map(|n| msg!("diag.did_you_mean", value = n))
                    .or_else(|| Some(msg!("template.missing_help"))),
            )
        });
        missing.collect::<Diagnostics>().into_result(())
    }

    /// Renders the theme's fragments, the templates under `shared/`, once per language and adds
    /// them to what every page of that language gets, as `fragments.<file stem>`. They see only
    /// the shared values (`site`, `lang`, `t`, `nav`): a footer that lists every prefecture is
    /// then rendered twice instead of once per page.
    pub fn render_fragments(
        &self,
        site: &Site,
        shared: &mut CommonContext,
    ) -> Result<(), Diagnostics> {
        let names: Vec<&str> =
            self.tera.get_template_names().filter(|name| name.starts_with(FRAGMENTS)).collect();
        let mut diagnostics = Diagnostics::default();
        let mut rendered: Vec<(String, serde_json::Map<String, serde_json::Value>)> = Vec::new();
        for (lang, values) in shared.fragment_contexts() {
            let context = tera::Context::from_serialize(&values).unwrap_or_default();
            let mut fragments = serde_json::Map::new();
            for &name in &names {
                match self.tera.render(name, &context) {
                    Ok(html) => {
                        fragments.insert(fragment_key(name), serde_json::Value::String(html));
                    }
                    Err(error) => diagnostics.push(self.template_error(
                        site,
                        &format!("the fragment {name} ({lang})"),
                        name,
                        &error,
                    )),
                }
            }
            rendered.push((lang, fragments));
        }
        for (lang, fragments) in rendered {
            shared.add_fragments(&lang, fragments);
        }
        diagnostics.into_result(())
    }

    /// Renders one route to HTML.
    pub fn render(
        &self,
        site: &Site,
        shared: &CommonContext,
        bodies: &Bodies,
        route: &Route,
    ) -> Result<Vec<u8>, Diagnostic> {
        // No fingerprint: only incremental rebuilds compare them.
        let template = template_of(site, route);
        let context = context::for_route(&deps::PageReader::new(site), shared, bodies, route);
        let prepared = Prepared { template, context, fingerprint: 0, read: Vec::new() };
        self.render_prepared(site, shared, route, prepared)
    }

    /// A hash of a template and of every template it is built on.
    pub fn template_hash(&self, template: &str) -> u64 {
        self.template_hashes.get(template).copied().unwrap_or_default()
    }

    /// The context of a route and its fingerprint, without rendering it, and the nodes the
    /// context read (see `deps`).
    pub fn prepare(
        &self,
        site: &Site,
        shared: &CommonContext,
        bodies: &Bodies,
        route: &Route,
    ) -> Prepared {
        use std::hash::{Hash, Hasher};
        let template = template_of(site, route);
        let reader = deps::PageReader::new(site);
        let context = context::for_route(&reader, shared, bodies, route);
        let mut hasher = std::hash::DefaultHasher::new();
        route.path.hash(&mut hasher);
        route.lang.hash(&mut hasher);
        self.template_hashes.get(template).hash(&mut hasher);
        shared.hash(&route.lang).hash(&mut hasher);
        context.hash().hash(&mut hasher);
        Prepared { template, context, fingerprint: hasher.finish(), read: reader.into_read() }
    }

    /// Renders a prepared route to HTML.
    pub fn render_prepared(
        &self,
        site: &Site,
        shared: &CommonContext,
        route: &Route,
        prepared: Prepared,
    ) -> Result<Vec<u8>, Diagnostic> {
        let template = prepared.template;
        let context = shared.complete(prepared.context, &route.lang);
        let mut html = Vec::with_capacity(16 * 1024);
        self.tera
            .render_to(template, &context, &mut html)
            .map_err(|e| self.runtime_error(site, route, template, &e))?;
        Ok(html)
    }

    fn runtime_error(
        &self,
        site: &Site,
        route: &Route,
        template: &str,
        error: &tera::Error,
    ) -> Diagnostic {
        let page = match route.kind {
            RouteKind::Entity(id) => {
                site.nodes[id].entry_in(&route.lang).path.display().to_string()
            }
            _ => format!("/{}", route.path),
        };
        self.template_error(site, &page, template, error)
    }

    fn template_error(
        &self,
        site: &Site,
        page: &str,
        template: &str,
        error: &tera::Error,
    ) -> Diagnostic {
        let errors = TemplateErrors {
            root: &site.config.root,
            dir: &self.templates_dir,
            sources: &self.sources,
        };
        let (name, message, location) = match report_of(error) {
            Some(report) => {
                let name = report.filename().to_owned();
                let location = errors.locate(&name, report.span());
                (name, report.message().to_owned(), location)
            }
            None => (template.to_owned(), error_chain(error), None),
        };
        let path = relative(&site.config.root, &self.templates_dir.join(&name));
        let diagnostic =
            Diagnostic::new(path, msg!("template.cannot_render", page = page, detail = message))
                .with_help(msg!("template.cannot_render_help"));
        match location {
            Some(location) => diagnostic.at(location),
            None => diagnostic,
        }
    }
}

/// The folder of the theme's fragments (see `Renderer::render_fragments`).
const FRAGMENTS: &str = "shared/";

/// `shared/footer.html` → `footer`.
fn fragment_key(name: &str) -> String {
    let stem = name.trim_start_matches(FRAGMENTS);
    stem.rsplit_once('.').map_or(stem, |(stem, _)| stem).replace('/', "_")
}

/// The template that renders a route, named after the page kind.
pub fn template_of(site: &Site, route: &Route) -> &'static str {
    match route.kind {
        RouteKind::Home => "home.html",
        RouteKind::NotFound => "404.html",
        RouteKind::Data => "data.html",
        RouteKind::Search => "search.html",
        RouteKind::Plan => "plan.html",
        RouteKind::Members => "member_list.html",
        RouteKind::Entity(id) => match site.nodes[id].collection() {
            Collection::Wards => "ward.html",
            Collection::Prefectures => "prefecture.html",
            Collection::Municipalities => "municipality.html",
            Collection::Events => "event.html",
            Collection::Exhibits => "exhibit.html",
            Collection::News => "news.html",
            Collection::Facilities => "facility.html",
            Collection::Agreements => "agreement.html",
            Collection::Meetings => "meeting.html",
            Collection::Partners => "partner.html",
            Collection::Pages => "page.html",
        },
        RouteKind::List { collection, .. } => match collection {
            Collection::Wards => "ward_list.html",
            Collection::Prefectures => "prefecture_list.html",
            Collection::Municipalities => "municipality_list.html",
            Collection::Events => "event_list.html",
            Collection::Exhibits => "exhibit_list.html",
            Collection::News => "news_list.html",
            Collection::Facilities => "facility_list.html",
            Collection::Agreements => "agreement_list.html",
            Collection::Meetings => "meeting_list.html",
            Collection::Partners => "partner_list.html",
            Collection::Pages => "page.html",
        },
    }
}

/// (name, text) of every template under `templates_dir`, and the problems of reading them.
fn read_templates(config: &Config, templates_dir: &Path) -> (Vec<(String, String)>, Diagnostics) {
    let mut diagnostics = Diagnostics::default();
    let mut sources = Vec::new();
    for file in template_files(templates_dir) {
        let name =
            file.strip_prefix(templates_dir).unwrap_or(&file).to_string_lossy().replace('\\', "/");
        match std::fs::read_to_string(&file) {
            Ok(text) => sources.push((name, text)),
            Err(error) => diagnostics.push(Diagnostic::new(
                relative(&config.root, &file),
                msg!("template.cannot_read", error = error.to_string()),
            )),
        }
    }
    (sources, diagnostics)
}

fn template_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "html" || x == "xml"))
        .collect();
    files.sort();
    files
}

fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

use crate::html::escape_runs;

/// `html::escape` for tera, written straight into the page being rendered.
fn escape_html_to(text: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut result = Ok(());
    escape_runs(text, |run| {
        if result.is_ok() {
            result = out.write_all(run.as_bytes());
        }
    });
    result
}

/// The located report of a tera error (syntax errors, errors while rendering), if it has one.
fn report_of(error: &tera::Error) -> Option<&tera::ReportError> {
    match error.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            Some(report)
        }
        _ => None,
    }
}

/// tera wraps the useful message in a chain of sources; all of it, on one line per cause.
fn error_chain(error: &tera::Error) -> String {
    let mut parts =
        vec![report_of(error).map_or_else(|| error.to_string(), |r| r.message().to_owned())];
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        parts.push(cause.to_string());
        source = cause.source();
    }
    parts.join(": ")
}

/// Turns tera's errors about the theme's templates into diagnostics at their file, line and
/// column.
struct TemplateErrors<'a> {
    root: &'a Path,
    dir: &'a Path,
    /// (name, text) of every template.
    sources: &'a [(String, String)],
}

impl TemplateErrors<'_> {
    /// The errors of loading the templates. tera stops at the first syntax error, so each
    /// template is then parsed alone to report every one of them; errors found once all are
    /// parsed (an unknown filter or component, a missing parent) come as text reports.
    fn of_loading(&self, error: &tera::Error) -> Vec<Diagnostic> {
        let syntax: Vec<Diagnostic> = self
            .sources
            .iter()
            .filter_map(|(name, text)| Tera::default().add_raw_template(name, text).err())
            .filter_map(|error| match error.kind() {
                tera::ErrorKind::SyntaxError(report) => Some(self.syntax_error(report)),
                _ => None,
            })
            .collect();
        if !syntax.is_empty() {
            return syntax;
        }
        let text = error_chain(error);
        let reports = text_reports(&text);
        if reports.is_empty() {
            let culprit = text.split(['\'', '`']).nth(1).unwrap_or_default();
            let path = relative(self.root, &self.dir.join(culprit));
            return vec![Diagnostic::new(path, msg!("template.error", detail = text))];
        }
        reports
            .into_iter()
            .map(|report| {
                let diagnostic = Diagnostic::new(
                    relative(self.root, &self.dir.join(report.file)),
                    msg!("template.error", detail = report.message),
                );
                match self.source(report.file) {
                    Some(text) => {
                        diagnostic.at(Location::from_line_col(text, report.line, report.column))
                    }
                    None => diagnostic,
                }
            })
            .collect()
    }

    fn syntax_error(&self, report: &tera::ReportError) -> Diagnostic {
        let diagnostic = Diagnostic::new(
            relative(self.root, &self.dir.join(report.filename())),
            msg!("template.syntax", detail = report.message()),
        );
        match self.locate(report.filename(), report.span()) {
            Some(location) => diagnostic.at(location),
            None => diagnostic,
        }
    }

    fn source(&self, name: &str) -> Option<&str> {
        self.sources.iter().find(|(n, _)| n == name).map(|(_, text)| text.as_str())
    }

    fn locate(&self, name: &str, span: &tera::Span) -> Option<Location> {
        let text = self.source(name)?;
        let range = &span.range;
        Some(Location::from_offset(text, range.start, range.end.saturating_sub(range.start), 1))
    }
}

/// One error of a text report: `error: MESSAGE` then ` --> FILE:LINE:COLUMN`.
struct TextReport<'a> {
    message: &'a str,
    file: &'a str,
    line: usize,
    column: usize,
}

/// The errors that tera joins into one message once all templates are parsed.
fn text_reports(text: &str) -> Vec<TextReport<'_>> {
    let mut reports = Vec::new();
    let mut message = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("error: ") {
            message = Some(rest);
        } else if let Some(place) = line.trim_start().strip_prefix("--> ") {
            let mut parts = place.rsplitn(3, ':');
            let column = parts.next().and_then(|c| c.parse().ok());
            let line_number = parts.next().and_then(|l| l.parse().ok());
            if let (Some(message), Some(column), Some(line), Some(file)) =
                (message.take(), column, line_number, parts.next())
            {
                reports.push(TextReport { message, file, line, column });
            }
        }
    }
    reports
}
