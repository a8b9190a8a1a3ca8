//! Routes: every page the site consists of, with its URL, checked so that no two sources claim
//! the same URL.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::{CATEGORIES, Collection, NodeId, Site};
use crate::diag::{Diagnostic, Diagnostics};

/// One page of the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// URL path relative to the site root, ending with `/` (or a file name such as `404.html`).
    pub path: String,
    pub lang: String,
    pub kind: RouteKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteKind {
    Home,
    /// The page of one entity (in `Route::lang`).
    Entity(NodeId),
    /// A list page: page `page` (1-based) of a collection, or of one event category.
    List {
        collection: Collection,
        page: usize,
        category: Option<usize>,
    },
    /// `/data/`: the open data files (`render::opendata`).
    Data,
    NotFound,
    /// The search page (`search/`), when the theme has a `search.html`.
    Search,
    /// The plan against what was done (`plan/`), when the site has `data/plan.toml` and the
    /// theme a `plan.html`.
    Plan,
    /// `/members/`: the members of the project's website by prefecture (`render::members`).
    Members,
}

impl Site {
    /// Events in list order: upcoming and current ones first (soonest first), then past ones
    /// (latest first). `category` restricts to one of `CATEGORIES`.
    pub fn event_list(&self, category: Option<usize>) -> (&[NodeId], &[NodeId]) {
        let lists = self.event_lists.get_or_init(|| {
            std::iter::once(None)
                .chain((0..CATEGORIES.len()).map(Some))
                .map(|category| self.make_event_list(category))
                .collect()
        });
        let (upcoming, past) = &lists[category.map_or(0, |c| c + 1)];
        (upcoming, past)
    }

    fn make_event_list(&self, category: Option<usize>) -> (Vec<NodeId>, Vec<NodeId>) {
        let today = self.config.today;
        let in_category = |id: &NodeId| match (category, &self.nodes[*id].entry.meta) {
            (Some(c), crate::load::Meta::Event(m)) => m.category == CATEGORIES[c].0,
            _ => true,
        };
        let (mut upcoming, past): (Vec<NodeId>, Vec<NodeId>) = self
            .list(Collection::Events)
            .iter()
            .copied()
            .filter(in_category)
            .partition(|&id| self.nodes[id].last_day().is_some_and(|day| day >= today));
        upcoming.reverse();
        (upcoming, past)
    }

    /// Exhibits on show today (soonest to end first), then the others (latest first).
    pub fn exhibit_list(&self) -> (Vec<NodeId>, Vec<NodeId>) {
        let today = self.config.today;
        let (mut current, past): (Vec<NodeId>, Vec<NodeId>) = self
            .list(Collection::Exhibits)
            .iter()
            .copied()
            .partition(|&id| self.nodes[id].last_day().is_some_and(|day| day >= today));
        current.reverse();
        (current, past)
    }

    /// Whether a collection's list pages exist in `lang`: always in the default language, in
    /// another one when the collection has a section text in it (`events/_index.en.md`).
    pub fn has_list(&self, collection: Collection, lang: &str) -> bool {
        lang == self.config.default_language
            || self.sections.contains_key(&(collection.folder().to_owned(), lang.to_owned()))
    }

    /// The URL path of page `page` of a list in `lang` (the default language's list when that
    /// language has none): `events/`, `en/events/page/2/`, `events/category/culture/`.
    pub fn list_path(
        &self,
        lang: &str,
        collection: Collection,
        page: usize,
        category: Option<usize>,
    ) -> String {
        let mut path =
            if self.has_list(collection, lang) { self.lang_prefix(lang) } else { String::new() };
        path.push_str(&format!("{}/", collection.folder()));
        if let Some(category) = category {
            path.push_str(&format!("category/{}/", CATEGORIES[category].1));
        }
        if page > 1 {
            path.push_str(&format!("page/{page}/"));
        }
        path
    }

    /// Whether the theme has a search page (and the site a search index).
    pub fn has_search(&self) -> bool {
        self.theme_has("search.html")
    }

    /// Whether the site has a plan page: a plan, and a theme that shows it.
    pub fn has_plan(&self) -> bool {
        self.config.plan.is_some() && self.theme_has("plan.html")
    }

    fn theme_has(&self, template: &str) -> bool {
        self.config.theme_dir().join("templates").join(template).is_file()
    }

    /// Whether a collection has list pages: the meetings only with a theme that shows them
    /// (`meeting_list.html`), so that themes made before them still build.
    pub fn lists(&self, collection: Collection) -> bool {
        collection != Collection::Meetings || self.theme_has("meeting_list.html")
    }

    /// Whether the theme has a member list page (`member_list.html`, issue 24): a theme
    /// written before it keeps building.
    pub fn has_member_list(&self) -> bool {
        self.config.theme_dir().join("templates/member_list.html").is_file()
    }

    /// The same page in every language it exists in, `(lang, path)`, the default language
    /// first; empty for a page in one language only. For `hreflang` alternates in pages and in
    /// the sitemap.
    pub fn alternate_paths(&self, route: &Route) -> Vec<(String, String)> {
        let all = self.config.language_codes();
        let langs: Vec<&str> = match route.kind {
            RouteKind::Entity(id) => std::iter::once(self.config.default_language.as_str())
                .chain(self.nodes[id].translations.keys().map(String::as_str))
                .collect(),
            RouteKind::Home
            | RouteKind::Data
            | RouteKind::Search
            | RouteKind::Plan
            | RouteKind::Members => all,
            RouteKind::List { collection, .. } => {
                all.into_iter().filter(|&lang| self.has_list(collection, lang)).collect()
            }
            RouteKind::NotFound => Vec::new(),
        };
        if langs.len() < 2 {
            return Vec::new();
        }
        let path = |lang: &str| match route.kind {
            RouteKind::Entity(id) => self.path_of(id, lang),
            RouteKind::List { collection, page, category } => {
                self.list_path(lang, collection, page, category)
            }
            RouteKind::Data => format!("{}data/", self.lang_prefix(lang)),
            RouteKind::Search => format!("{}search/", self.lang_prefix(lang)),
            RouteKind::Plan => format!("{}plan/", self.lang_prefix(lang)),
            RouteKind::Members => format!("{}members/", self.lang_prefix(lang)),
            _ => self.lang_prefix(lang),
        };
        langs.into_iter().map(|lang| (lang.to_owned(), path(lang))).collect()
    }

    /// How many list pages `count` entries fill.
    pub fn page_count(&self, collection: Collection, count: usize) -> usize {
        let per_page = match collection {
            Collection::News => self.config.news_per_page,
            Collection::Events | Collection::Exhibits => self.config.events_per_page,
            _ => usize::MAX,
        };
        count.div_ceil(per_page).max(1)
    }
}

pub(super) fn routes(site: &Site, diagnostics: &mut Diagnostics) -> Vec<Route> {
    let default = site.config.default_language.clone();
    let mut routes = vec![
        Route { path: String::new(), lang: default.clone(), kind: RouteKind::Home },
        Route { path: "404.html".to_owned(), lang: default.clone(), kind: RouteKind::NotFound },
        Route { path: "data/".to_owned(), lang: default.clone(), kind: RouteKind::Data },
    ];
    let has_members = site.has_member_list();
    if has_members {
        routes.push(Route {
            path: "members/".to_owned(),
            lang: default.clone(),
            kind: RouteKind::Members,
        });
    }
    let has_search = site.has_search();
    if has_search {
        routes.push(Route {
            path: "search/".to_owned(),
            lang: default.clone(),
            kind: RouteKind::Search,
        });
    }
    let has_plan = site.has_plan();
    if has_plan {
        routes.push(Route {
            path: "plan/".to_owned(),
            lang: default.clone(),
            kind: RouteKind::Plan,
        });
    }
    for lang in site.config.languages.keys() {
        let prefix = site.lang_prefix(lang);
        let mut push = |path: String, kind| routes.push(Route { path, lang: lang.clone(), kind });
        push(prefix.clone(), RouteKind::Home);
        // The data page and the search page exist in every language: the files they describe
        // or query are the same (the search index has one per language, see `search`).
        push(format!("{prefix}data/"), RouteKind::Data);
        if has_members {
            push(format!("{prefix}members/"), RouteKind::Members);
        }
        if has_search {
            push(format!("{prefix}search/"), RouteKind::Search);
        }
        if has_plan {
            push(format!("{prefix}plan/"), RouteKind::Plan);
        }
    }
    for (id, node) in site.nodes.iter().enumerate() {
        routes.push(Route {
            path: site.path_of(id, &default),
            lang: default.clone(),
            kind: RouteKind::Entity(id),
        });
        for lang in node.translations.keys() {
            routes.push(Route {
                path: site.path_of(id, lang),
                lang: lang.clone(),
                kind: RouteKind::Entity(id),
            });
        }
    }
    for lang in site.config.language_codes() {
        let listed = |&c: &Collection| site.has_list(c, lang) && site.lists(c);
        for collection in Collection::FOLDERS.into_iter().filter(listed) {
            let count = match collection {
                Collection::Events => site.event_list(None).0.len() + site.event_list(None).1.len(),
                other => site.list(other).len(),
            };
            routes.extend(list_routes(site, collection, count, None, lang));
        }
        if !site.has_list(Collection::Events, lang) {
            continue;
        }
        for category in 0..CATEGORIES.len() {
            let (upcoming, past) = site.event_list(Some(category));
            let count = upcoming.len() + past.len();
            routes.extend(list_routes(site, Collection::Events, count, Some(category), lang));
        }
    }
    check_collisions(site, &routes, diagnostics);
    routes.sort_by(|a, b| a.path.cmp(&b.path));
    routes
}

fn list_routes(
    site: &Site,
    collection: Collection,
    count: usize,
    category: Option<usize>,
    lang: &str,
) -> Vec<Route> {
    (1..=site.page_count(collection, count))
        .map(|page| Route {
            path: site.list_path(lang, collection, page, category),
            lang: lang.to_owned(),
            kind: RouteKind::List { collection, page, category },
        })
        .collect()
}

/// Two sources for one URL would silently overwrite each other: report both.
fn check_collisions(site: &Site, routes: &[Route], diagnostics: &mut Diagnostics) {
    let mut claimed: BTreeMap<&str, &Route> = BTreeMap::new();
    for route in routes {
        let Some(first) = claimed.insert(&route.path, route) else { continue };
        let (mine, theirs) = (describe(site, route), describe(site, first));
        let path = source_of(site, route)
            .or_else(|| source_of(site, first))
            .unwrap_or_else(|| PathBuf::from("content"));
        diagnostics.push(
            Diagnostic::new(
                path,
                crate::msg!(
                    "route.collision",
                    mine = mine,
                    theirs = theirs,
                    url = format!("/{}", route.path)
                ),
            )
            .with_help(crate::msg!("route.collision_help")),
        );
    }
}

fn source_of(site: &Site, route: &Route) -> Option<PathBuf> {
    match route.kind {
        RouteKind::Entity(id) => Some(site.nodes[id].entry_in(&route.lang).path.clone()),
        _ => None,
    }
}

fn describe(site: &Site, route: &Route) -> crate::messages::Text {
    use crate::msg;
    match route.kind {
        RouteKind::Home => msg!("route.home"),
        RouteKind::NotFound => msg!("route.not_found"),
        RouteKind::Data => msg!("route.data"),
        RouteKind::Search => msg!("route.search"),
        RouteKind::Plan => msg!("route.plan"),
        RouteKind::Members => msg!("route.members"),
        RouteKind::Entity(id) => crate::messages::Text::from(format!(
            "`{}`",
            crate::diag::shown_path(&site.nodes[id].entry_in(&route.lang).path)
        )),
        RouteKind::List { collection, .. } => msg!("route.list", folder = collection.folder()),
    }
}
