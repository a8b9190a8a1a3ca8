//! `renkei serve`: builds the site into memory, serves it over HTTP, watches the sources and
//! rebuilds after each change, and tells open pages to reload.
//!
//! Input: the site root and the command line's options. Output: a running preview; what happens
//! is reported through a callback (the library never prints). The build itself is the library's
//! `build_cached`, the same code as `renkei build`, so the served files are byte for byte those
//! of a fresh build; the only additions (the live-reload script) are made per response.
//!
//! Why memory and not a folder: each build produces a complete new set of files that replaces
//! the served one in a single pointer swap, so a browser never sees half a rebuild, a deleted
//! page disappears with the swap, a failed build simply keeps the last good set, and nothing is
//! written into the site's folder (nothing for the watcher to see, nothing to clean up).

mod connection;
mod http;
mod watch;

use std::collections::BTreeMap;
use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::{Duration, Instant};

use crate::build::{BuildReport, Cache, Error, Kept, Staged, Timings, finish, stage};
use crate::config::{Config, Options};
use crate::diag::Diagnostics;
use crate::output::Output;

pub use http::{Conditions, Reply, respond};
pub use watch::is_relevant;

/// One build, as served.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// Output path (`wards/chiyoda/index.html`) → bytes, exactly as `renkei build` writes them.
    pub files: BTreeMap<String, Arc<[u8]>>,
    /// The path part of `base_url` (`/` or `/renkei/`), under which the files are served.
    pub base_path: String,
    /// Set while a rebuild renders its other pages in the background: `files` then holds only
    /// the pages already rendered for it, and any other page is rendered when asked for.
    pending: Option<Arc<Pending>>,
}

impl Snapshot {
    /// Whether pages of the rebuild are still being rendered in the background.
    pub fn is_partial(&self) -> bool {
        self.pending.is_some()
    }
}

/// A rebuild whose pages are not all rendered yet, from which any page can be.
struct Pending {
    staged: Arc<Staged>,
    /// Pages rendered on request meanwhile: a page asked for again is not rendered again.
    rendered: Mutex<BTreeMap<String, Arc<[u8]>>>,
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pending")
    }
}

impl Pending {
    /// The page written to `file`, rendered now; `None` when only the finished build can tell
    /// (no such page, a generated file, or a page that fails to render).
    fn page(&self, file: &str) -> Option<Arc<[u8]>> {
        let known = self.rendered.lock().unwrap_or_else(|p| p.into_inner()).get(file).cloned();
        if known.is_some() {
            return known;
        }
        let bytes = on_a_normal_stack(|| self.staged.page(file))??.ok()?;
        let mut rendered = self.rendered.lock().unwrap_or_else(|p| p.into_inner());
        rendered.insert(file.to_owned(), Arc::clone(&bytes));
        Some(bytes)
    }
}

/// Runs `work` on a thread of its own with the default stack (that of the threads `renkei
/// build` renders on), and waits for it: a page asked for during a rebuild is rendered by the
/// connection's thread, whose stack is small, and a deeply nested template must not overflow
/// it (that would abort the whole server). `None` when no thread can start or `work` panicked.
fn on_a_normal_stack<T: Send>(work: impl FnOnce() -> T + Send) -> Option<T> {
    std::thread::scope(|scope| {
        let thread = std::thread::Builder::new().name("serve-render".to_owned());
        thread.spawn_scoped(scope, work).ok()?.join().ok()
    })
}

/// What open pages poll: a counter of published builds and the problems of the last one.
#[derive(Debug, Default, Clone)]
pub struct Status {
    pub generation: u64,
    /// The diagnostics of the last build, rendered, when it failed.
    pub error: Option<String>,
    /// Pages of the last rebuild are still being rendered in the background.
    pub rendering: bool,
    /// The number of the latest rebuild: the background half of an older one publishes nothing.
    build: u64,
}

/// How long a page counts as open in a browser after its live-reload script last polled (it
/// polls again at least every `POLL_WAIT`).
const OPEN_FOR: Duration = Duration::from_secs(60);
/// The most pages remembered as open; a client cannot make the list grow without bound.
const MOST_OPEN: usize = 64;
/// The longest a request waits for the background half of a rebuild before it gets the last
/// complete site.
const LONGEST_WAIT: Duration = Duration::from_secs(60);

/// The state that the HTTP threads read and the rebuilds replace.
#[derive(Debug, Default)]
pub struct ServerState {
    snapshot: RwLock<Arc<Snapshot>>,
    /// The last complete site: what is served again when a rebuild fails after its first pages
    /// were shown.
    complete: RwLock<Arc<Snapshot>>,
    status: Mutex<Status>,
    changed: Condvar,
    /// Output files of the pages open in a browser, with when their script last polled.
    open: Mutex<BTreeMap<String, Instant>>,
}

impl ServerState {
    /// The site being served.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        Arc::clone(&self.snapshot.read().unwrap_or_else(|p| p.into_inner()))
    }

    pub fn status(&self) -> Status {
        self.status.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Waits until the generation differs from `since`, or `timeout` passed.
    pub fn wait_change(&self, since: u64, timeout: Duration) -> Status {
        let status = self.status.lock().unwrap_or_else(|p| p.into_inner());
        let (status, _) = self
            .changed
            .wait_timeout_while(status, timeout, |s| s.generation == since)
            .unwrap_or_else(|p| p.into_inner());
        status.clone()
    }

    /// A snapshot that holds the right answer for `target` (a request's path): the current one
    /// when it has the file or is complete, one made of the page rendered now, or else, once
    /// the background half of the rebuild is done, the complete site. A page of the last
    /// build is never served in place of one of the current build.
    pub fn snapshot_for(&self, target: &str) -> Arc<Snapshot> {
        let snapshot = self.snapshot();
        let Some(pending) = &snapshot.pending else { return snapshot };
        let Some(file) = http::requested_file(&snapshot.base_path, target) else {
            return self.when_rendered();
        };
        if snapshot.files.contains_key(&file) {
            return snapshot;
        }
        match pending.page(&file) {
            Some(bytes) => Arc::new(Snapshot {
                files: BTreeMap::from([(file, bytes)]),
                base_path: snapshot.base_path.clone(),
                pending: None,
            }),
            None => self.when_rendered(),
        }
    }

    /// The site once no rebuild renders in the background (or the last complete one, if that
    /// takes unusually long).
    fn when_rendered(&self) -> Arc<Snapshot> {
        let status = self.status.lock().unwrap_or_else(|p| p.into_inner());
        let (status, waited) = self
            .changed
            .wait_timeout_while(status, LONGEST_WAIT, |s| s.rendering)
            .unwrap_or_else(|p| p.into_inner());
        drop(status);
        if waited.timed_out() {
            return Arc::clone(&self.complete.read().unwrap_or_else(|p| p.into_inner()));
        }
        self.snapshot()
    }

    /// Notes that the page at `path` (its URL path) is open in a browser.
    pub fn saw_open_page(&self, path: &str) {
        let base = self.snapshot().base_path.clone();
        let Some(file) = http::requested_file(&base, path) else { return };
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        open.retain(|_, seen| now.duration_since(*seen) < OPEN_FOR);
        if open.len() < MOST_OPEN || open.contains_key(&file) {
            open.insert(file, now);
        }
    }

    /// The output files of the pages open in a browser.
    pub fn open_pages(&self) -> Vec<String> {
        let open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        open.iter()
            .filter(|(_, seen)| now.duration_since(**seen) < OPEN_FOR)
            .map(|(file, _)| file.clone())
            .collect()
    }

    /// Starts a rebuild: from now on, the background half of any earlier one publishes nothing.
    fn next_build(&self) -> u64 {
        let mut status = self.status.lock().unwrap_or_else(|p| p.into_inner());
        status.build += 1;
        status.build
    }

    /// The outcome of rebuild `build`, unless a newer one started: a complete site replaces the
    /// served one (`None`: it failed, and the last complete site is served with `error`). Open
    /// pages reload unless they already show this build (`reload`).
    fn publish(&self, build: u64, snapshot: Option<Snapshot>, error: Option<String>, reload: bool) {
        // The status lock first, held throughout, so that a newer rebuild cannot start between
        // the check and the swap.
        let mut status = self.status.lock().unwrap_or_else(|p| p.into_inner());
        if status.build != build {
            return;
        }
        {
            let mut served = self.snapshot.write().unwrap_or_else(|p| p.into_inner());
            match snapshot {
                Some(snapshot) => {
                    let snapshot = Arc::new(snapshot);
                    *self.complete.write().unwrap_or_else(|p| p.into_inner()) =
                        Arc::clone(&snapshot);
                    *served = snapshot;
                }
                // A failure after the first pages of a rebuild were shown: back to the last
                // complete site, which the overlay then covers.
                None if served.pending.is_some() => {
                    *served = Arc::clone(&self.complete.read().unwrap_or_else(|p| p.into_inner()));
                }
                None => {}
            }
        }
        if reload || error.is_some() || status.error.is_some() {
            status.generation += 1;
        }
        status.error = error;
        status.rendering = false;
        self.changed.notify_all();
    }

    /// The first pages of rebuild `build`, served while the others render; open pages reload.
    fn publish_first(&self, build: u64, snapshot: Snapshot) {
        let mut status = self.status.lock().unwrap_or_else(|p| p.into_inner());
        if status.build != build {
            return;
        }
        *self.snapshot.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(snapshot);
        status.generation += 1;
        status.error = None;
        status.rendering = true;
        self.changed.notify_all();
    }
}

/// The site, rebuilt on demand with a cache; what `serve` runs after each change.
pub struct Preview {
    root: PathBuf,
    options: Options,
    cache: Cache,
    shared: Arc<ServerState>,
    /// The background half of the last rebuild, while it runs.
    rest: Option<Rest>,
}

/// The background half of a rebuild: renders the remaining pages and makes the generated
/// files, then publishes the complete site. Its outcome, with what the cache keeps of it.
struct Rest {
    cancel: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<(Built, Option<Kept>)>,
}

/// The outcome of one rebuild.
#[derive(Debug)]
pub enum Built {
    Ok {
        report: BuildReport,
        took: Duration,
    },
    Failed(Diagnostics),
    /// A newer change stopped it; it published nothing.
    Cancelled,
}

/// The outcome of the first half of a rebuild (`Preview::start_rebuild`).
#[derive(Debug)]
pub enum Started {
    /// The pages open in a browser are served; the others render in the background, and any of
    /// them asked for meanwhile is rendered at once.
    Rendering {
        first: usize,
        took: Duration,
        timings: Timings,
    },
    Failed(Diagnostics),
}

/// What changed since the last rebuild, as the watcher saw it.
#[derive(Debug, Clone)]
pub enum Changes {
    /// Anything may have: every content file is read again (and its hash compared).
    Unknown,
    /// Only these files (absolute paths): unchanged content files are not even read.
    Files(Vec<PathBuf>),
}

impl Preview {
    pub fn new(root: &Path, options: Options) -> Preview {
        Preview {
            root: root.to_path_buf(),
            options,
            cache: Cache::new(),
            shared: Arc::new(ServerState::default()),
            rest: None,
        }
    }

    pub fn shared(&self) -> Arc<ServerState> {
        Arc::clone(&self.shared)
    }

    /// Builds the site again, all of it before returning; on success the new files replace the
    /// served ones, on failure the last good site stays and the problems are published for the
    /// overlay.
    pub fn rebuild(&mut self) -> Built {
        let started = Instant::now();
        self.stop_rest();
        let build = self.shared.next_build();
        let staged = match self.stage(build, Changes::Unknown) {
            Ok(staged) => staged,
            Err(diagnostics) => return Built::Failed(diagnostics),
        };
        let (built, kept) =
            run_rest(&self.shared, build, &staged, &|| false, true, started, self.options.lang);
        if let Some(kept) = kept {
            self.cache.keep(kept);
        }
        built
    }

    /// The first half of a rebuild after `changes`: cancels the background half of the last
    /// one, loads and links the site, serves the pages open in a browser (and any page asked
    /// for) from it, and leaves the other pages and the generated files to a background thread
    /// (`finished` tells when it is done).
    pub fn start_rebuild(&mut self, changes: Changes) -> Started {
        self.start_rebuild_then(changes, Box::new(|| ()))
    }

    /// `start_rebuild`, the background thread running `before_rest` before it renders the
    /// other pages: tests hold it there to see what is served meanwhile.
    #[doc(hidden)]
    pub fn start_rebuild_then(
        &mut self,
        changes: Changes,
        before_rest: Box<dyn FnOnce() + Send>,
    ) -> Started {
        let started = Instant::now();
        self.stop_rest();
        let build = self.shared.next_build();
        let staged = match self.stage(build, changes) {
            Ok(staged) => Arc::new(staged),
            Err(diagnostics) => return Started::Failed(diagnostics),
        };
        let first = self.first_pages(&staged);
        let count = first.len();
        let pending = Pending { staged: Arc::clone(&staged), rendered: Mutex::new(first.clone()) };
        self.shared.publish_first(
            build,
            Snapshot {
                files: first,
                base_path: staged.base_path().to_owned(),
                pending: Some(Arc::new(pending)),
            },
        );
        let (took, timings) = (started.elapsed(), staged.timings().clone());
        let cancel = Arc::new(AtomicBool::new(false));
        let shared = self.shared();
        let stop = Arc::clone(&cancel);
        let lang = self.options.lang;
        let thread = std::thread::Builder::new().name("serve-rest".to_owned()).spawn(move || {
            before_rest();
            let cancelled = move || stop.load(Ordering::Relaxed);
            let rest = || run_rest(&shared, build, &staged, &cancelled, false, started, lang);
            match background_pool() {
                Some(pool) => pool.install(rest),
                None => rest(),
            }
        });
        match thread {
            Ok(thread) => self.rest = Some(Rest { cancel, thread }),
            // No thread: the pages cannot be finished; the last complete site is served again.
            Err(error) => {
                let error = crate::messages::text(
                    lang,
                    "serve.no_thread",
                    &[("error", &error.to_string())],
                );
                self.shared.publish(build, None, Some(error), false);
            }
        }
        Started::Rendering { first: count, took, timings }
    }

    /// The outcome of the background half, once it ended (`None` while it runs, or when none
    /// ran).
    pub fn finished(&mut self) -> Option<Built> {
        if self.rest.as_ref().is_some_and(|rest| rest.thread.is_finished()) {
            return self.join_rest();
        }
        None
    }

    /// Waits for the background half to end and returns its outcome.
    pub fn wait_idle(&mut self) -> Option<Built> {
        self.join_rest()
    }

    fn join_rest(&mut self) -> Option<Built> {
        let rest = self.rest.take()?;
        // An `Err` is a panic of the thread, which never should happen: nothing to keep.
        let (built, kept) = rest.thread.join().ok()?;
        if let Some(kept) = kept {
            self.cache.keep(kept);
        }
        Some(built)
    }

    /// Cancels the background half of the last rebuild (a newer change makes its pages
    /// worthless). It is not waited for: it stops at its next step and publishes nothing.
    fn stop_rest(&mut self) {
        let Some(rest) = &self.rest else { return };
        rest.cancel.store(true, Ordering::Relaxed);
        if rest.thread.is_finished() {
            let _ = self.join_rest();
        } else {
            self.rest = None;
        }
    }

    /// Loads, links and checks the site for rebuild `build`.
    fn stage(&mut self, build: u64, changes: Changes) -> Result<Staged, Diagnostics> {
        let config = Config::load(&self.root, &self.options).map_err(Diagnostics::from);
        let staged = config.and_then(|config| {
            match changes {
                Changes::Files(paths) => self.cache.only_changed(&config.root, &paths),
                Changes::Unknown => self.cache.forget_changes(),
            }
            stage(&config, &mut self.cache).map_err(|error| error.diagnostics().clone())
        });
        staged.inspect_err(|diagnostics| {
            self.shared.publish(
                build,
                None,
                Some(overlay_text(diagnostics, self.options.lang)),
                false,
            );
        })
    }

    /// The pages open in a browser, rendered for the staged build (in parallel).
    fn first_pages(&self, staged: &Staged) -> BTreeMap<String, Arc<[u8]>> {
        use rayon::prelude::*;
        let open = self.shared.open_pages();
        open.into_par_iter()
            .filter_map(|file| {
                let bytes = staged.page(&file)?.ok()?;
                Some((file, bytes))
            })
            .collect()
    }
}

/// What the browser shows over the page while a build fails: a line that says so, then the
/// problems, in the language of the command line (`Options::lang`).
fn overlay_text(diagnostics: &Diagnostics, lang: crate::messages::Lang) -> String {
    let mut text = vec![crate::messages::text(lang, "serve.overlay_title", &[])];
    text.extend(diagnostics.iter().map(|d| d.render_in(lang)));
    text.join("\n")
}

/// The threads of the background halves of rebuilds. Not rayon's global pool, which the first
/// half of the next rebuild uses: there its work would queue behind the long steps of an
/// outdated background half (the open data, the feeds) until they noticed they were cancelled.
fn background_pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    let pool = rayon::ThreadPoolBuilder::new().thread_name(|i| format!("serve-rest-{i}"));
    POOL.get_or_init(|| pool.build().ok()).as_ref()
}

/// The second half of rebuild `build`: the other pages and the generated files, then the
/// complete site is published (or, when it fails, the last complete one again with the
/// problems). `Built::Cancelled` when `cancelled` stopped it. `reload`: open pages must reload
/// (they did not when the first pages were published).
fn run_rest(
    shared: &ServerState,
    build: u64,
    staged: &Staged,
    cancelled: &(dyn Fn() -> bool + Sync),
    reload: bool,
    started: Instant,
    lang: crate::messages::Lang,
) -> (Built, Option<Kept>) {
    let output = MemoryFiles::default();
    match finish(staged, &output, cancelled) {
        Ok((report, kept)) => {
            let files = output.files.into_inner().unwrap_or_else(|p| p.into_inner());
            let base_path = staged.base_path().to_owned();
            let snapshot = Snapshot { files, base_path, pending: None };
            shared.publish(build, Some(snapshot), None, reload);
            (Built::Ok { report, took: started.elapsed() }, Some(kept))
        }
        Err(Error::Cancelled) => (Built::Cancelled, None),
        Err(error) => {
            let diagnostics = error.diagnostics().clone();
            shared.publish(build, None, Some(overlay_text(&diagnostics, lang)), false);
            (Built::Failed(diagnostics), None)
        }
    }
}

/// The sink of a serve build: keeps each page's bytes shared with the build cache.
#[derive(Default)]
struct MemoryFiles {
    files: Mutex<BTreeMap<String, Arc<[u8]>>>,
}

impl Output for MemoryFiles {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        self.write_shared(path, Arc::from(bytes))
    }

    fn write_shared(&self, path: &str, bytes: Arc<[u8]>) -> io::Result<()> {
        self.files.lock().unwrap_or_else(|p| p.into_inner()).insert(path.to_owned(), bytes);
        Ok(())
    }
}

/// What `serve` tells its caller, which decides how to show it.
#[derive(Debug)]
pub enum Event {
    /// The server listens at this URL (the site's home page).
    Listening(String),
    /// Bound to an address other computers can reach.
    Exposed(SocketAddr),
    /// Files changed: a rebuild starts.
    Changed(Vec<PathBuf>),
    /// The first half of a rebuild ended: open pages show the change, the rest renders.
    Started(Started),
    /// A whole build ended.
    Built(Built),
    /// The watcher failed; the server goes on without rebuilding.
    WatchFailed(String),
}

/// Where to listen and what to build.
#[derive(Debug, Clone)]
pub struct Settings {
    pub root: PathBuf,
    pub bind: std::net::IpAddr,
    pub port: u16,
    pub options: Options,
}

/// A free port after `port` on `bind` (up to 100 further), to suggest when `port` is busy.
pub fn free_port_after(bind: std::net::IpAddr, port: u16) -> Option<u16> {
    let mut candidates = (1..=100).filter_map(|step| port.checked_add(step));
    candidates.find(|&p| std::net::TcpListener::bind(SocketAddr::new(bind, p)).is_ok())
}

/// Serves `shared` at `address` (port 0: any free one) and returns the address: for tests that
/// drive a [`Preview`] themselves; `serve` does this too.
#[doc(hidden)]
pub fn listen(address: SocketAddr, shared: Arc<ServerState>) -> io::Result<SocketAddr> {
    connection::start(address, shared).map(|running| running.address)
}

/// Builds, serves and watches until the process ends. Returns only when the server cannot start:
/// the port is taken before the first build, so a busy one is an error at once, not after it.
pub fn serve(settings: &Settings, on_event: &(dyn Fn(Event) + Sync)) -> io::Result<()> {
    let address = SocketAddr::new(settings.bind, settings.port);
    let listener = std::net::TcpListener::bind(address)?;
    let watch = watch::Watch::start(&settings.root)
        .map_err(|error| on_event(Event::WatchFailed(error.to_string())))
        .ok();
    let mut preview = Preview::new(&settings.root, settings.options.clone());
    let first = preview.rebuild();
    on_event(Event::Built(first));
    let server = connection::start_on(listener, preview.shared())?;
    if !settings.bind.is_loopback() {
        on_event(Event::Exposed(server.address));
    }
    // When the first build failed there is no base path yet; the overlay explains why.
    let base = Some(preview.shared().snapshot().base_path.clone())
        .filter(|b| !b.is_empty())
        .unwrap_or_else(|| "/".to_owned());
    on_event(Event::Listening(format!("http://{}{base}", server.address)));
    if let Some(watch) = watch {
        watch.run(&mut preview, on_event);
    }
    // Without a watcher the site is still served, as it is.
    loop {
        std::thread::park();
    }
}
