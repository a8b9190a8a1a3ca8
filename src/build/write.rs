//! Writing what needs no template: the sitemap, robots.txt, the photos and their variants, and
//! the static files. A file that cannot be written is an [`Error::Output`], not a problem of
//! the content.

use super::Error;
use crate::assets::{Assets, Source};
use crate::diag::{Diagnostic, Diagnostics};
use crate::images::{self, Images, Variant};
use crate::markdown::Bodies;
use crate::model::Site;
use crate::output::Output;
use crate::render;

/// Sitemap, robots.txt and static files; returns how many files were written.
pub(super) fn write_extras(
    site: &Site,
    assets: &Assets,
    output: &dyn Output,
) -> Result<usize, Error> {
    let robots = ("robots.txt".to_owned(), render::robots(site).into_bytes());
    let sitemaps = render::sitemaps(site).into_iter().map(|(path, xml)| (path, xml.into_bytes()));
    let written = write_files(output, std::iter::once(robots).chain(sitemaps))?;
    let mut unwritten = Diagnostics::default();
    for (path, source) in &assets.files {
        let written = match source {
            Source::Copy(file) => std::fs::read(file).and_then(|bytes| output.write(path, &bytes)),
            Source::Bytes(bytes) => output.write(path, bytes),
        };
        if let Err(error) = written {
            unwritten.push(write_error(path, &error));
        }
    }
    unwritten.into_result(written + assets.files.len()).map_err(Error::Output)
}

/// Writes generated files, each dropped once written; returns how many there were.
pub(super) fn write_files(
    output: &dyn Output,
    files: impl IntoIterator<Item = (String, Vec<u8>)>,
) -> Result<usize, Error> {
    let mut unwritten = Diagnostics::default();
    let mut count = 0;
    for (path, bytes) in files {
        count += 1;
        if let Err(error) = output.write(&path, &bytes) {
            unwritten.push(write_error(&path, &error));
        }
    }
    unwritten.into_result(count).map_err(Error::Output)
}

pub(super) fn write_error(path: &str, error: &std::io::Error) -> Diagnostic {
    Diagnostic::new(path, crate::msg!("output.cannot_write_file", error = error.to_string()))
}

/// What `write_images` did.
pub(super) struct Photos {
    pub(super) files: usize,
    pub(super) made: usize,
    pub(super) reused: usize,
}

/// Makes the variants the bodies, front matters and templates use (through the image cache)
/// and writes them with the other files beside folder entries.
pub(super) fn write_images(
    site: &Site,
    images: &Images,
    bodies: &Bodies,
    asked: Vec<Variant>,
    output: &dyn Output,
) -> Result<Photos, Error> {
    let root = &site.config.root;
    let in_bodies = bodies.values().flat_map(|b| b.images.iter().cloned());
    let in_front_matter = site.entries().into_iter().filter_map(|entry| {
        let (name, _) = entry.meta.image()?;
        images.front_matter_image(&entry.path, name).map(|s| s.path.clone())
    });
    let variants = images::needed(images, in_bodies.chain(in_front_matter), asked);
    let cache = root.join(images::process::CACHE_DIR);
    let processed = images::process::process(root, images, &variants, Some(&cache));
    let mut unwritten = Diagnostics::default();
    for (path, bytes) in &processed.files {
        if let Err(error) = output.write(path, bytes) {
            unwritten.push(write_error(path, &error));
        }
    }
    for (path, source) in &images.files {
        let written = std::fs::read(root.join(source)).and_then(|bytes| output.write(path, &bytes));
        if let Err(error) = written {
            unwritten.push(write_error(path, &error));
        }
    }
    // A photo that cannot be decoded is the content's problem, reported before any write's.
    processed.diagnostics.into_result(()).map_err(Error::Content)?;
    let photos = Photos {
        files: processed.files.len() + images.files.len(),
        made: processed.made,
        reused: processed.reused,
    };
    unwritten.into_result(photos).map_err(Error::Output)
}
