//! The template function `resize_image` (docs/templates.md): a theme asks for a version of an
//! image, e.g. a card or the Open Graph picture. The function only computes the version's URL
//! and size and records that the page wants it; the build makes it after rendering.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use tera::{Kwargs, State, TeraResult, Value};

use super::{Format, Images, Op, Variant};

/// The table of the site's images, filled once the build has scanned them.
pub type ScannedImages = Arc<OnceLock<Arc<Images>>>;

/// `resize_image(path=page.image.path, width=1200, height=630, format="jpeg")` →
/// `{url, permalink, width, height}`. Without `height`, the image is scaled to `width`; with
/// it, scaled to cover and cropped around the centre. `format` is `jpeg`, `png` or `webp`
/// (default: the source's own).
pub fn resize_image(
    table: ScannedImages,
    base_url: String,
) -> impl Fn(Kwargs, &State) -> TeraResult<Value> + Send + Sync + 'static {
    move |args: Kwargs, _: &State| {
        let images =
            table.get().ok_or_else(|| tera::Error::message("resize_image(): no images yet"))?;
        let path: &str = args.get("path")?.ok_or_else(|| {
            tera::Error::message("resize_image() needs `path=` (e.g. `page.image.path`)")
        })?;
        let source = images.source(Path::new(path)).ok_or_else(|| {
            tera::Error::message(format!(
                "resize_image(): `{path}` is not an image beside a folder entry"
            ))
        })?;
        let width = dimension(&args, "width")?
            .ok_or_else(|| tera::Error::message("resize_image() needs `width=` in pixels"))?;
        let op = match dimension(&args, "height")? {
            Some(height) => Op::Fill(width, height),
            None => Op::Width(width),
        };
        let format = match args.get::<&str>("format")? {
            None => source.format,
            Some(name) => Format::from_name(name).ok_or_else(|| {
                tera::Error::message(format!(
                    "resize_image(): format `{name}` is not one of `jpeg`, `png`, `webp`"
                ))
            })?,
        };
        let output = source.output_path(op, format);
        let (width, height) = source.size(op);
        super::ask(Variant { source: source.path.clone(), op, format });
        let mut version = tera::Map::default();
        version.insert("url".into(), format!("{}{output}", images.base).into());
        version.insert("permalink".into(), format!("{base_url}{output}").into());
        version.insert("width".into(), width.into());
        version.insert("height".into(), height.into());
        Ok(Value::from(version))
    }
}

fn dimension(args: &Kwargs, name: &str) -> TeraResult<Option<u32>> {
    match args.get::<Value>(name)? {
        None => Ok(None),
        Some(value) => match value.as_u64() {
            Some(n @ 1..=8192) => Ok(Some(n as u32)),
            _ => Err(tera::Error::message(format!(
                "resize_image(): `{name}` must be a number of pixels from 1 to 8192, not `{value}`"
            ))),
        },
    }
}
