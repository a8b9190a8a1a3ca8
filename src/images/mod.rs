//! Images (issue 10): the photos beside folder entries, made fit for phones.
//!
//! Input: the site model (each folder entry lists the files beside it). Output: an [`Images`]
//! table (every source image with its size, content hash and published URLs), the variants to
//! write, and the files to publish as they are (PDFs). Like `load`, it reads files; it writes
//! only into its cache folder, and hands the bytes to `output`.
//!
//! Design:
//! - **Scan** (every build): each JPEG, PNG or WebP beside an entry is read, hashed and its
//!   header decoded for its size after the EXIF orientation. Nothing is decoded yet.
//! - **Variants**: an image that a body or a front matter `image:` uses is published at the
//!   widths of [`WIDTHS`] that are smaller than it (and at its own width when it is narrower than
//!   the largest), never upscaled, in WebP and in its original format: `photo-960w.webp`,
//!   `photo-960w.jpg`. Themes ask for more (a card, the Open Graph 1200×630 crop) with the
//!   template function `resize_image`; what each page asked for is recorded while it renders.
//!   The original itself is never published, since it may carry the place it was taken (EXIF
//!   GPS): every published version is decoded and encoded again, which keeps no metadata.
//! - **Processing** (`process.rs`), in parallel over the sources with rayon: one decode per
//!   source, then each variant from the next larger one. Each result is kept in the cache
//!   folder `.renkei-cache/images/` of the site under a hash of the source's bytes, the
//!   operation and the encoder settings, so a rebuild decodes nothing that it did before.

pub mod process;
pub mod template;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Cursor;
use std::path::{Path, PathBuf};

use image::metadata::Orientation;
use image::{ImageDecoder, ImageFormat};
use rayon::prelude::*;
use serde::Serialize;

use crate::diag::{Diagnostic, Diagnostics};
use crate::hash;
use crate::markdown::{AssetResolver, Picture};
use crate::model::{NodeId, Site};

/// The widths every used image is published at (when it is wider).
pub const WIDTHS: [u32; 3] = [480, 960, 1600];

/// The encoded formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Format {
    Jpeg,
    Png,
    WebP,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::WebP => "webp",
        }
    }

    fn from_name(name: &str) -> Option<Format> {
        match name.to_ascii_lowercase().as_str() {
            "jpeg" | "jpg" => Some(Format::Jpeg),
            "png" => Some(Format::Png),
            "webp" => Some(Format::WebP),
            _ => None,
        }
    }
}

/// How a variant is made from its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Op {
    /// Scaled to this width (never wider than the source).
    Width(u32),
    /// Scaled to cover `width`×`height` and cropped around the centre (for cards and Open
    /// Graph); a smaller source gives the largest crop of that shape it holds.
    Fill(u32, u32),
}

/// One file to make: a source, an operation and a format.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Variant {
    pub source: PathBuf,
    pub op: Op,
    pub format: Format,
}

/// A source image as the scan found it.
#[derive(Debug, Clone)]
pub struct Source {
    /// Relative to the site root: `content/events/2016-12-asakusa/kaminarimon.jpg`.
    pub path: PathBuf,
    /// A hash of the file's bytes.
    pub hash: u64,
    /// The size as shown, after the EXIF orientation.
    pub width: u32,
    pub height: u32,
    pub format: Format,
    /// The output folder of its page, `events/2016-12-asakusa/`.
    dir: String,
    /// The file name without its extension.
    stem: String,
}

impl Source {
    /// The widths it is published at: those of `WIDTHS` below its own, and its own when it is
    /// narrower than the largest.
    pub fn widths(&self) -> Vec<u32> {
        let mut widths: Vec<u32> = WIDTHS.into_iter().filter(|&w| w < self.width).collect();
        if self.width <= WIDTHS[WIDTHS.len() - 1] {
            widths.push(self.width);
        }
        widths
    }

    /// The size of the result of `op`.
    pub fn size(&self, op: Op) -> (u32, u32) {
        match op {
            Op::Width(width) => {
                let width = width.min(self.width).max(1);
                let height = (u64::from(self.height) * u64::from(width)
                    + u64::from(self.width) / 2)
                    / u64::from(self.width.max(1));
                (width, (height as u32).max(1))
            }
            Op::Fill(width, height) => {
                let scale = (f64::from(self.width) / f64::from(width))
                    .min(f64::from(self.height) / f64::from(height))
                    .min(1.0);
                let scaled = |side: u32| ((f64::from(side) * scale).round() as u32).max(1);
                (scaled(width), scaled(height))
            }
        }
    }

    /// Where a variant is published, relative to the site root: `events/x/photo-960w.webp`.
    pub fn output_path(&self, op: Op, format: Format) -> String {
        let suffix = match op {
            Op::Width(_) => format!("{}w", self.size(op).0),
            Op::Fill(..) => {
                let (width, height) = self.size(op);
                format!("{width}x{height}")
            }
        };
        format!("{}{}-{suffix}.{}", self.dir, self.stem, format.extension())
    }

    /// The standard variants: every width, in WebP and the original format.
    pub fn standard_variants(&self) -> Vec<Variant> {
        let formats: &[Format] = if self.format == Format::WebP {
            &[Format::WebP]
        } else {
            &[Format::WebP, self.format]
        };
        self.widths()
            .into_iter()
            .flat_map(|width| {
                formats.iter().map(move |&format| Variant {
                    source: self.path.clone(),
                    op: Op::Width(width),
                    format,
                })
            })
            .collect()
    }

    /// The `<picture>` of the standard variants, with URLs under `base` (`/` or `/renkei/`).
    pub fn picture(&self, base: &str) -> Picture {
        let widths = self.widths();
        let srcset = |format: Format| {
            widths
                .iter()
                .map(|&w| format!("{base}{} {}w", self.output_path(Op::Width(w), format), w))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let largest = widths.last().copied().unwrap_or(self.width);
        // Browsers without `srcset` (none in use, but the HTML must be complete) get a middle size.
        let fallback = widths.iter().copied().filter(|&w| w <= 960).max().unwrap_or(largest);
        let (width, height) = self.size(Op::Width(largest));
        Picture {
            source: self.path.clone(),
            src: format!("{base}{}", self.output_path(Op::Width(fallback), self.format)),
            srcset: srcset(self.format),
            webp_srcset: (self.format != Format::WebP).then(|| srcset(Format::WebP)),
            width,
            height,
            largest: format!("{base}{}", self.output_path(Op::Width(largest), self.format)),
        }
    }
}

/// Every image and co-located file of the site.
#[derive(Debug, Default)]
pub struct Images {
    /// By source path.
    pub sources: BTreeMap<PathBuf, Source>,
    /// Other files beside folder entries: (output path, source path).
    pub files: Vec<(String, PathBuf)>,
    /// By entry folder (`content/events/x`): the file names beside it and their output folder.
    folders: BTreeMap<PathBuf, (Vec<String>, String)>,
    base: String,
}

impl Images {
    /// A hash of every source (path, content, size): pages that ask the template function for
    /// a variant depend on it.
    pub fn hash(&self) -> u64 {
        let all: Vec<(&PathBuf, u64)> = self.sources.iter().map(|(p, s)| (p, s.hash)).collect();
        hash::of(&all)
    }

    /// What is beside the entry at `entry` (`content/events/x/index.md`), for its Markdown.
    pub fn assets_of<'a>(&'a self, entry: &Path) -> FolderAssets<'a> {
        let folder = entry.parent().unwrap_or(Path::new(""));
        FolderAssets { images: self, folder: folder.to_path_buf() }
    }

    /// A hash of what an entry's Markdown can see of its folder, for the Markdown cache.
    pub fn signature(&self, entry: &Path) -> u64 {
        let folder = entry.parent().unwrap_or(Path::new(""));
        let Some((names, dir)) = self.folders.get(folder) else { return 0 };
        let hashes: Vec<u64> = names
            .iter()
            .map(|name| self.sources.get(&folder.join(name)).map_or(1, |s| s.hash))
            .collect();
        hash::of(&(names, dir, hashes, &self.base))
    }

    /// The source at `path` (relative to the site root).
    pub fn source(&self, path: &Path) -> Option<&Source> {
        self.sources.get(path)
    }

    /// The front matter `image:` of an entry, resolved beside it.
    pub fn front_matter_image(&self, entry: &Path, name: &str) -> Option<&Source> {
        let folder = entry.parent()?;
        self.sources.get(&folder.join(name.strip_prefix("./").unwrap_or(name)))
    }
}

/// The files beside one entry, as the Markdown stage sees them.
pub struct FolderAssets<'a> {
    images: &'a Images,
    folder: PathBuf,
}

impl AssetResolver for FolderAssets<'_> {
    fn is_folder(&self) -> bool {
        self.images.folders.contains_key(&self.folder)
    }

    fn picture(&self, relative: &str) -> Option<Picture> {
        let source = self.images.sources.get(&self.folder.join(relative))?;
        Some(source.picture(&self.images.base))
    }

    fn file(&self, relative: &str) -> Option<String> {
        let (names, dir) = self.images.folders.get(&self.folder)?;
        names.iter().any(|n| n == relative).then(|| format!("{}{dir}{relative}", self.images.base))
    }

    fn names(&self) -> Vec<String> {
        self.images.folders.get(&self.folder).map(|(names, _)| names.clone()).unwrap_or_default()
    }
}

/// Reads every file beside the site's folder entries: images are measured and hashed, other
/// files are published as they are. An image that cannot be read is a diagnostic.
pub fn scan(site: &Site) -> (Images, Diagnostics) {
    let root = &site.config.root;
    let mut images = Images { base: site.config.base_path.clone(), ..Images::default() };
    let mut candidates = Vec::new();
    for (id, node) in site.nodes.iter().enumerate() {
        if !node.entry.folder {
            continue;
        }
        let dir = output_dir(site, id);
        let folder = node.entry.path.parent().unwrap_or(Path::new("")).to_path_buf();
        let mut names = Vec::new();
        for asset in &node.entry.assets {
            let Some(name) = asset.file_name().and_then(|n| n.to_str()) else { continue };
            names.push(name.to_owned());
            match image_format(name) {
                Some(_) => candidates.push((asset.clone(), dir.clone())),
                None => images.files.push((format!("{dir}{name}"), asset.clone())),
            }
        }
        images.folders.insert(folder, (names, dir));
    }
    let measured: Vec<Result<Source, Diagnostic>> =
        candidates.par_iter().map(|(path, dir)| measure(root, path, dir)).collect();
    let mut diagnostics = Diagnostics::default();
    for result in measured {
        match result {
            Ok(source) => {
                images.sources.insert(source.path.clone(), source);
            }
            Err(diagnostic) => diagnostics.push(diagnostic),
        }
    }
    (images, diagnostics)
}

/// The output folder of a node's page in the default language.
fn output_dir(site: &Site, id: NodeId) -> String {
    site.path_of(id, &site.config.default_language)
}

/// The format a file name promises; the bytes decide in the end.
fn image_format(name: &str) -> Option<Format> {
    Format::from_name(name.rsplit_once('.')?.1)
}

/// The largest image file Renkei reads: a 100-megapixel camera's JPEG is under 60 MB.
pub const MAX_IMAGE_SIZE: u64 = 128 * 1024 * 1024;

fn measure(root: &Path, path: &Path, dir: &str) -> Result<Source, Diagnostic> {
    let bytes =
        read_image(&root.join(path)).map_err(|error| Diagnostic::new(path, error.text()))?;
    let (format, width, height) = header(&bytes).map_err(|error| {
        Diagnostic::new(path, crate::msg!("image.cannot_read", detail = error.text()))
            .with_help(crate::msg!("image.cannot_read_help"))
    })?;
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    Ok(Source {
        path: path.to_path_buf(),
        hash: hash::of(&bytes),
        width,
        height,
        format,
        dir: dir.to_owned(),
        stem,
    })
}

/// Why an image could not be read, decoded or encoded. The module's edges (`scan`, `process`)
/// turn it into a `Diagnostic` at the image's path.
#[derive(Debug)]
pub enum Error {
    /// The file could not be read.
    Read(std::io::Error),
    /// The file is larger than [`MAX_IMAGE_SIZE`].
    TooLarge,
    /// The bytes are no image format Renkei knows.
    UnknownFormat,
    /// An image format other than JPEG, PNG and WebP (its name).
    Unsupported(String),
    /// The image is 0 pixels wide or high.
    Empty,
    /// The `image` crate could not decode or encode it.
    Codec(image::ImageError),
    /// libwebp refused to encode it (its reason).
    WebP(String),
}

impl Error {
    /// What went wrong, from the message catalogue.
    pub fn text(&self) -> crate::messages::Text {
        match self {
            Error::Read(error) => crate::msg!("load.cannot_read", error = error.to_string()),
            Error::TooLarge => crate::msg!("image.too_large", mib = MAX_IMAGE_SIZE / 1024 / 1024),
            Error::UnknownFormat => crate::msg!("image.unknown_format"),
            Error::Unsupported(format) => crate::msg!("image.unsupported", format = format),
            Error::Empty => crate::msg!("image.empty"),
            Error::Codec(error) => error.to_string().into(),
            Error::WebP(reason) => crate::msg!("image.webp_failed", reason = reason),
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.text().fmt(f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Read(error) => Some(error),
            Error::Codec(error) => Some(error),
            _ => None,
        }
    }
}

impl From<image::ImageError> for Error {
    fn from(error: image::ImageError) -> Error {
        Error::Codec(error)
    }
}

pub(crate) fn read_image(path: &Path) -> Result<Vec<u8>, Error> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(Error::Read)?;
    let mut bytes = Vec::new();
    file.take(MAX_IMAGE_SIZE + 1).read_to_end(&mut bytes).map_err(Error::Read)?;
    if bytes.len() as u64 > MAX_IMAGE_SIZE {
        return Err(Error::TooLarge);
    }
    Ok(bytes)
}

/// The format and the size as shown (width and height swapped for a photo taken upright,
/// which cameras store lying down with an EXIF orientation).
fn header(bytes: &[u8]) -> Result<(Format, u32, u32), Error> {
    let reader =
        image::ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(Error::Read)?;
    let format = match reader.format() {
        Some(ImageFormat::Jpeg) => Format::Jpeg,
        Some(ImageFormat::Png) => Format::Png,
        Some(ImageFormat::WebP) => Format::WebP,
        Some(other) => return Err(Error::Unsupported(format!("{other:?}"))),
        None => return Err(Error::UnknownFormat),
    };
    let mut decoder = reader.into_decoder()?;
    let (width, height) = decoder.dimensions();
    let turned = matches!(
        decoder.orientation().unwrap_or(Orientation::NoTransforms),
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    );
    if width == 0 || height == 0 {
        return Err(Error::Empty);
    }
    Ok(if turned { (format, height, width) } else { (format, width, height) })
}

/// The variants a build needs: the standard ones of every image a body or a front matter uses,
/// and what the templates asked for.
pub fn needed(
    images: &Images,
    used: impl IntoIterator<Item = PathBuf>,
    asked: impl IntoIterator<Item = Variant>,
) -> BTreeSet<Variant> {
    let mut variants: BTreeSet<Variant> = asked.into_iter().collect();
    for path in used {
        if let Some(source) = images.sources.get(&path) {
            variants.extend(source.standard_variants());
        }
    }
    variants
}

thread_local! {
    /// The variants the template being rendered on this thread asked for.
    static ASKED: std::cell::RefCell<Vec<Variant>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Records that the page being rendered on this thread uses `variant`.
pub(crate) fn ask(variant: Variant) {
    ASKED.with(|asked| asked.borrow_mut().push(variant));
}

/// The variants the last page rendered on this thread asked for (and forgets them).
pub fn take_asked() -> Vec<Variant> {
    ASKED.with(|asked| std::mem::take(&mut *asked.borrow_mut()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(width: u32, height: u32, format: Format) -> Source {
        Source {
            path: PathBuf::from("content/events/x/photo.jpg"),
            hash: 1,
            width,
            height,
            format,
            dir: "events/x/".to_owned(),
            stem: "photo".to_owned(),
        }
    }

    #[test]
    fn widths_are_never_upscaled() {
        assert_eq!(source(4000, 3000, Format::Jpeg).widths(), [480, 960, 1600]);
        assert_eq!(source(1200, 800, Format::Jpeg).widths(), [480, 960, 1200]);
        assert_eq!(source(300, 200, Format::Jpeg).widths(), [300]);
        assert_eq!(source(1600, 900, Format::Jpeg).widths(), [480, 960, 1600]);
    }

    #[test]
    fn sizes_keep_the_aspect_ratio() {
        let photo = source(4000, 3000, Format::Jpeg);
        assert_eq!(photo.size(Op::Width(960)), (960, 720));
        assert_eq!(photo.size(Op::Fill(1200, 630)), (1200, 630));
        assert_eq!(source(800, 600, Format::Jpeg).size(Op::Fill(1200, 630)), (800, 420));
        assert_eq!(
            photo.output_path(Op::Fill(1200, 630), Format::Jpeg),
            "events/x/photo-1200x630.jpg"
        );
    }

    #[test]
    fn a_picture_lists_every_width_in_both_formats() {
        let picture = source(4000, 3000, Format::Jpeg).picture("/");
        assert_eq!(
            picture.srcset,
            "/events/x/photo-480w.jpg 480w, /events/x/photo-960w.jpg 960w, /events/x/photo-1600w.jpg 1600w"
        );
        assert_eq!(
            picture.webp_srcset.as_deref(),
            Some(
                "/events/x/photo-480w.webp 480w, /events/x/photo-960w.webp 960w, /events/x/photo-1600w.webp 1600w"
            )
        );
        assert_eq!((picture.width, picture.height), (1600, 1200));
        assert_eq!(picture.src, "/events/x/photo-960w.jpg");
        assert_eq!(source(1000, 500, Format::WebP).picture("/").webp_srcset, None);
    }

    #[test]
    fn image_errors_are_typed_and_speak_both_languages() {
        use crate::messages::Lang;
        let gif = header(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;").err();
        assert!(matches!(&gif, Some(Error::Unsupported(name)) if name == "Gif"), "{gif:?}");
        let unknown = header(b"not an image at all").err();
        assert!(matches!(unknown, Some(Error::UnknownFormat)), "{unknown:?}");
        let cut = header(b"\x89PNG\r\n\x1a\n").err();
        assert!(matches!(cut, Some(Error::Codec(_))), "{cut:?}");
        let missing = read_image(Path::new("/nonexistent/renkei/photo.jpg")).err();
        assert!(matches!(missing, Some(Error::Read(_))), "{missing:?}");
        // At the module's edge the error becomes a diagnostic's message, in the reader's language.
        let gif = gif.map(|e| crate::msg!("image.cannot_read", detail = e.text()));
        let shown = gif.map(|text| (text.render(Lang::Ja), text.render(Lang::En)));
        assert_eq!(
            shown,
            Some((
                "画像を読めません：Gif 形式の画像は使えません".to_owned(),
                "cannot read the image: Gif is not supported".to_owned()
            ))
        );
    }

    #[test]
    fn encoded_pixels_read_back_with_their_size() {
        let pixels = image::DynamicImage::new_rgb8(3, 2);
        for format in [Format::Jpeg, Format::Png, Format::WebP] {
            let bytes = process::encode(&pixels, format).unwrap_or_default();
            assert_eq!(header(&bytes).ok(), Some((format, 3, 2)), "{format:?}");
        }
    }
}
