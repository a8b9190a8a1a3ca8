//! The files a build makes without templates: Atom feeds, iCalendar files, the open data and
//! the search index, written as soon as each is made (a large site's are tens of megabytes that
//! a one-off build need not hold), and the open data page's list of them.

use std::sync::Arc;

use super::pipeline::{Clock, Staged};
use super::write::write_error;
use super::{Error, Timings};
use crate::diag::Diagnostics;
use crate::model::RouteKind;
use crate::output::Output;
use crate::render;

/// The generated files of a build and the open data page's list of them. `key`: a hash of
/// everything they are made from (`Reuse::site_key`).
#[derive(Debug)]
pub(super) struct Generated {
    pub(super) key: u64,
    /// The files, kept only by a cache that keeps pages (a one-off build writes and drops them).
    pub(super) files: Vec<(String, Arc<[u8]>)>,
    pub(super) count: usize,
    pub(super) datasets: serde_json::Value,
}

impl Generated {
    /// Writes files just made, keeping them when `keep`; the files that could not be written
    /// are the error.
    fn write(
        &mut self,
        output: &dyn Output,
        made: impl IntoIterator<Item = (String, Vec<u8>)>,
        keep: bool,
    ) -> Result<(), Diagnostics> {
        let mut unwritten = Diagnostics::default();
        for (path, bytes) in made {
            let written = if keep {
                let bytes: Arc<[u8]> = Arc::from(bytes);
                let written = output.write_shared(&path, Arc::clone(&bytes));
                self.files.push((path.clone(), bytes));
                written
            } else {
                output.write(&path, &bytes)
            };
            self.count += 1;
            if let Err(error) = written {
                unwritten.push(write_error(&path, &error));
            }
        }
        unwritten.into_result(())
    }
}

/// The generated files of the cached build when they are made from the same site (a template
/// or stylesheet edit), written again; else made and written now.
pub(super) fn generated_files(
    staged: &Staged,
    output: &dyn Output,
    cancelled: &(dyn Fn() -> bool + Sync),
) -> Result<(Arc<Generated>, Timings), Error> {
    let mut clock = Clock::start();
    if let Some(before) = &staged.generated {
        for (path, bytes) in &before.files {
            output
                .write_shared(path, Arc::clone(bytes))
                .map_err(|e| Error::Output(write_error(path, &e).into()))?;
        }
        return Ok((Arc::clone(before), clock.timings));
    }
    let generated = make_generated(staged, output, cancelled, &mut clock)?;
    Ok((Arc::new(generated), clock.timings))
}

/// Makes and writes the feeds, calendars, open data and search index.
fn make_generated(
    staged: &Staged,
    output: &dyn Output,
    cancelled: &(dyn Fn() -> bool + Sync),
    clock: &mut Clock,
) -> Result<Generated, Error> {
    let (site, bodies, keep) = (&staged.site, &staged.bodies, staged.keep_pages);
    let stop = || if cancelled() { Err(Error::Cancelled) } else { Ok(()) };
    // Made before the pages so that the data page can give their sizes, and written at once:
    // a large site's feeds, data and search index are tens of megabytes that a one-off build
    // need not hold while the pages render.
    let feeds: Vec<(String, Vec<u8>)> = render::atom_feeds(site, bodies)
        .into_iter()
        .chain(render::ical::calendars(site, bodies))
        .map(|(path, text)| (path, text.into_bytes()))
        .collect();
    clock.lap("feeds");
    stop()?;
    // The data page gives the feeds' sizes, not their bytes: they need not wait for the data.
    let sizes: Vec<(String, usize)> =
        feeds.iter().map(|(path, b)| (path.clone(), b.len())).collect();
    let mut generated = Generated {
        key: staged.site_key,
        files: Vec::new(),
        count: 0,
        datasets: serde_json::Value::Null,
    };
    let mut unwritten = Diagnostics::default();
    unwritten.extend(generated.write(output, feeds, keep).err().into_iter().flatten());
    let datasets = render::opendata::open_data(site, bodies, &sizes, &mut |path, bytes| {
        unwritten
            .extend(generated.write(output, [(path, bytes)], keep).err().into_iter().flatten());
    });
    generated.datasets = datasets;
    clock.lap("open data");
    // The search indexes, for themes that have a search page, one per language, made together.
    let langs: Vec<&str> = site
        .routes
        .iter()
        .filter(|route| route.kind == RouteKind::Search)
        .map(|route| route.lang.as_str())
        .collect();
    stop()?;
    // Their files are tens of megabytes of JSON: written while the indexes are made, so that
    // neither they nor the texts they hold stay in memory; the next change stops them.
    let written = crate::search::Index::write_all_unless(
        site,
        bodies,
        &langs,
        cancelled,
        &mut |language, path, json| {
            let file = (format!("{}{path}", site.lang_prefix(langs[language])), json.into_bytes());
            unwritten.extend(generated.write(output, [file], keep).err().into_iter().flatten());
        },
    );
    unwritten.into_result(()).map_err(Error::Output)?;
    written?;
    stop()?;
    clock.lap("search");
    Ok(generated)
}
