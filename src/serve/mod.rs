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
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::{Duration, Instant};

use crate::build::{BuildReport, Cache, Error, build_cached};
use crate::config::{Config, Options};
use crate::diag::Diagnostics;
use crate::output::Output;

pub use http::{Reply, respond};
pub use watch::is_relevant;

/// One complete build, as served.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// Output path (`wards/chiyoda/index.html`) → bytes, exactly as `renkei build` writes them.
    pub files: BTreeMap<String, Arc<[u8]>>,
    /// The path part of `base_url` (`/` or `/renkei/`), under which the files are served.
    pub base_path: String,
}

/// What open pages poll: a counter of build attempts and the problems of the last one.
#[derive(Debug, Default, Clone)]
pub struct Status {
    pub generation: u64,
    /// The diagnostics of the last build, rendered, when it failed.
    pub error: Option<String>,
}

/// The state that the HTTP threads read and the rebuilds replace.
#[derive(Debug, Default)]
pub struct Shared {
    snapshot: RwLock<Arc<Snapshot>>,
    status: Mutex<Status>,
    changed: Condvar,
}

impl Shared {
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

    fn publish(&self, snapshot: Option<Snapshot>, error: Option<String>) {
        if let Some(snapshot) = snapshot {
            *self.snapshot.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(snapshot);
        }
        let mut status = self.status.lock().unwrap_or_else(|p| p.into_inner());
        status.generation += 1;
        status.error = error;
        self.changed.notify_all();
    }
}

/// The site, rebuilt on demand with a cache; what `serve` runs after each change.
pub struct Preview {
    root: PathBuf,
    options: Options,
    cache: Cache,
    shared: Arc<Shared>,
}

/// The outcome of one rebuild.
#[derive(Debug)]
pub enum Built {
    Ok { report: BuildReport, took: Duration },
    Failed(Diagnostics),
}

impl Preview {
    pub fn new(root: &Path, options: Options) -> Preview {
        Preview {
            root: root.to_path_buf(),
            options,
            cache: Cache::new(),
            shared: Arc::new(Shared::default()),
        }
    }

    pub fn shared(&self) -> Arc<Shared> {
        Arc::clone(&self.shared)
    }

    /// Builds the site again; on success the new files replace the served ones, on failure the
    /// last good site stays and the problems are published for the overlay.
    pub fn rebuild(&mut self) -> Built {
        let started = Instant::now();
        match self.build() {
            Ok((snapshot, report)) => {
                self.shared.publish(Some(snapshot), None);
                Built::Ok { report, took: started.elapsed() }
            }
            Err(diagnostics) => {
                let text: Vec<String> = diagnostics.iter().map(|d| d.render()).collect();
                self.shared.publish(None, Some(text.join("\n")));
                Built::Failed(diagnostics)
            }
        }
    }

    fn build(&mut self) -> Result<(Snapshot, BuildReport), Diagnostics> {
        let config = Config::load(&self.root, &self.options).map_err(Diagnostics::from)?;
        let output = MemoryFiles::default();
        let report =
            build_cached(&config, &output, &mut self.cache).map_err(|error| match error {
                Error::Setup(d) | Error::Content(d) => d,
            })?;
        let files = output.files.into_inner().unwrap_or_else(|p| p.into_inner());
        Ok((Snapshot { files, base_path: config.base_path }, report))
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

/// Builds, serves and watches until the process ends. Returns only when the server cannot start.
pub fn serve(settings: &Settings, on_event: &(dyn Fn(Event) + Sync)) -> io::Result<()> {
    let watch = watch::Watch::start(&settings.root)
        .map_err(|error| on_event(Event::WatchFailed(error.to_string())))
        .ok();
    let mut preview = Preview::new(&settings.root, settings.options.clone());
    let first = preview.rebuild();
    on_event(Event::Built(first));
    let address = SocketAddr::new(settings.bind, settings.port);
    let server = connection::start(address, preview.shared())?;
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
