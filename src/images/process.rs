//! Making the variants: decode once per source, apply the EXIF orientation, scale, encode.
//! Results are cached on disk by a hash of the source's bytes, the operation and the encoder
//! settings; a variant found there costs one file read and no decoding.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Cursor;
use std::path::{Path, PathBuf};

use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageEncoder};
use rayon::prelude::*;

use super::{Error, Format, Images, Op, Source, Variant, read_image};
use crate::diag::{Diagnostic, Diagnostics};
use crate::hash;

/// JPEG quality: 82 is where photos stop showing blocks at phone sizes.
pub const JPEG_QUALITY: u8 = 82;
/// Lossy WebP quality (libwebp's scale): about the size of a JPEG of quality 70 at the look of 82.
pub const WEBP_QUALITY: f32 = 78.0;
/// Catmull-Rom: sharp like Lanczos for downscaling photos, at two thirds of its cost.
const FILTER: FilterType = FilterType::CatmullRom;
/// Part of every cache key: change it when the way variants are made changes.
const PIPELINE_VERSION: u32 = 1;

/// The cache folder inside a site.
pub const CACHE_DIR: &str = ".renkei-cache/images";

/// What processing produced: the files to publish and how much work it took.
#[derive(Debug, Default)]
pub struct Processed {
    /// (output path, bytes), sorted by path.
    pub files: Vec<(String, Vec<u8>)>,
    /// Variants encoded by this build.
    pub made: usize,
    /// Variants read from the cache.
    pub reused: usize,
    pub diagnostics: Diagnostics,
}

/// One source's files, with how many were made and how many came from the cache.
type SourceResult = Result<(Vec<(String, Vec<u8>)>, usize, usize), Diagnostic>;

/// Makes every variant of `variants`, in parallel over the sources, through the cache at
/// `cache` (none: no cache, e.g. a read-only site).
pub fn process(
    root: &Path,
    images: &Images,
    variants: &BTreeSet<Variant>,
    cache: Option<&Path>,
) -> Processed {
    let mut by_source: BTreeMap<&Path, Vec<&Variant>> = BTreeMap::new();
    for variant in variants {
        by_source.entry(variant.source.as_path()).or_default().push(variant);
    }
    let groups: Vec<(&Path, Vec<&Variant>)> = by_source.into_iter().collect();
    let results: Vec<SourceResult> = groups
        .par_iter()
        .map(|(path, wanted)| match images.source(path) {
            Some(source) => process_source(root, source, wanted, cache),
            None => Err(Diagnostic::new(*path, crate::msg!("image.not_scanned"))),
        })
        .collect();
    let mut processed = Processed::default();
    for result in results {
        match result {
            Ok((files, made, reused)) => {
                processed.files.extend(files);
                processed.made += made;
                processed.reused += reused;
            }
            Err(diagnostic) => processed.diagnostics.push(diagnostic),
        }
    }
    processed.files.sort_by(|a, b| a.0.cmp(&b.0));
    processed
}

/// One source's variants: those in the cache are read, the others made from one decoding.
fn process_source(
    root: &Path,
    source: &Source,
    wanted: &[&Variant],
    cache: Option<&Path>,
) -> SourceResult {
    let mut files = Vec::with_capacity(wanted.len());
    let mut missing = Vec::new();
    for variant in wanted {
        let path = cache.map(|dir| cache_path(dir, source, variant));
        match path.as_deref().and_then(|p| std::fs::read(p).ok()) {
            Some(bytes) => files.push((source.output_path(variant.op, variant.format), bytes)),
            None => missing.push((*variant, path)),
        }
    }
    let reused = files.len();
    if missing.is_empty() {
        return Ok((files, 0, reused));
    }
    let image_error = |error: Error| {
        Diagnostic::new(&source.path, crate::msg!("image.cannot_process", detail = error.text()))
    };
    let original = decode(&root.join(&source.path)).map_err(image_error)?;
    // Widest first, each scaled from the one before: far cheaper than from the original each time.
    missing.sort_by_key(|(variant, _)| std::cmp::Reverse(source.size(variant.op).0));
    let mut scaled: Option<(Op, DynamicImage)> = None;
    for (variant, cached) in &missing {
        let image = make(source, &original, &mut scaled, variant.op);
        let bytes = encode(&image, variant.format).map_err(image_error)?;
        if let Some(cached) = cached {
            store(cached, &bytes);
        }
        files.push((source.output_path(variant.op, variant.format), bytes));
    }
    Ok((files, missing.len(), reused))
}

/// The pixels of `op`, from the last width made (kept in `scaled`) when it is larger.
fn make(
    source: &Source,
    original: &DynamicImage,
    scaled: &mut Option<(Op, DynamicImage)>,
    op: Op,
) -> DynamicImage {
    let (width, height) = source.size(op);
    match op {
        Op::Fill(..) => original.resize_to_fill(width, height, FILTER),
        Op::Width(_) => {
            if let Some((Op::Width(_), image)) = scaled.as_ref()
                && image.width() == width
            {
                return image.clone();
            }
            let from = match scaled.as_ref() {
                Some((Op::Width(_), image)) if image.width() > width => image,
                _ => original,
            };
            let image = if from.width() == width && from.height() == height {
                from.clone()
            } else {
                from.resize_exact(width, height, FILTER)
            };
            *scaled = Some((op, image.clone()));
            image
        }
    }
}

/// Decodes a source and turns it upright by its EXIF orientation. The metadata is not kept.
fn decode(path: &Path) -> Result<DynamicImage, Error> {
    let bytes = read_image(path)?;
    let reader =
        image::ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(Error::Read)?;
    let mut decoder = reader.into_decoder()?;
    let orientation = decoder.orientation()?;
    let mut image = DynamicImage::from_decoder(decoder)?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// Encodes pixels only: no EXIF, no colour profile, no comment.
pub fn encode(image: &DynamicImage, format: Format) -> Result<Vec<u8>, Error> {
    let mut bytes = Vec::new();
    let alpha = image.color().has_alpha();
    match format {
        Format::Jpeg => {
            let rgb = image.to_rgb8();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY)
                .write_image(&rgb, rgb.width(), rgb.height(), image::ExtendedColorType::Rgb8)?;
        }
        Format::Png => {
            let (pixels, color) = if alpha {
                (image.to_rgba8().into_raw(), image::ExtendedColorType::Rgba8)
            } else {
                (image.to_rgb8().into_raw(), image::ExtendedColorType::Rgb8)
            };
            image::codecs::png::PngEncoder::new(&mut bytes).write_image(
                &pixels,
                image.width(),
                image.height(),
                color,
            )?;
        }
        Format::WebP => bytes = encode_webp(image, alpha)?,
    }
    Ok(bytes)
}

/// Lossy WebP through libwebp: the `image` crate writes only lossless WebP, which for a photo
/// is larger than the JPEG.
fn encode_webp(image: &DynamicImage, alpha: bool) -> Result<Vec<u8>, Error> {
    let mut config =
        webp::WebPConfig::new().map_err(|()| Error::WebP("WebPConfig::new".to_owned()))?;
    config.quality = WEBP_QUALITY;
    config.alpha_compression = 1;
    // 4 of 0..6: the default; 6 is 40 % slower for 2 % smaller files.
    config.method = 4;
    let memory = if alpha {
        let rgba = image.to_rgba8();
        webp::Encoder::from_rgba(&rgba, rgba.width(), rgba.height()).encode_advanced(&config)
    } else {
        let rgb = image.to_rgb8();
        webp::Encoder::from_rgb(&rgb, rgb.width(), rgb.height()).encode_advanced(&config)
    };
    memory.map(|m| m.to_vec()).map_err(|e| Error::WebP(format!("{e:?}")))
}

fn cache_path(dir: &Path, source: &Source, variant: &Variant) -> PathBuf {
    let key = hash::of(&(
        PIPELINE_VERSION,
        source.hash,
        variant.op,
        variant.format,
        JPEG_QUALITY,
        WEBP_QUALITY.to_bits(),
        source.size(variant.op),
    ));
    dir.join(format!("{key:016x}.{}", variant.format.extension()))
}

/// Keeps a variant for the next build. Written under a temporary name and renamed, so that a
/// build killed meanwhile or running beside this one never reads half a file. A cache that
/// cannot be written only costs time.
fn store(path: &Path, bytes: &[u8]) {
    let Some(dir) = path.parent() else { return };
    static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let temporary = path.with_extension(format!("tmp{}-{n}", std::process::id()));
    let written = std::fs::create_dir_all(dir)
        .and_then(|()| std::fs::write(&temporary, bytes))
        .and_then(|()| std::fs::rename(&temporary, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
}
