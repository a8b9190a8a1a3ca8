//! Writes a site with camera-sized photos for the image benchmark (docs/performance.md):
//! the integration tests' fixture site plus `--events` folder events with 5 photos each.
//!
//! cargo run --release --example gen-photos -- --out /tmp/photo-site --events 40 --width 4000 --height 3000
//! time target/release/renkei build --root /tmp/photo-site   # cold (delete .renkei-cache/ first)
//! time target/release/renkei build --root /tmp/photo-site   # warm: every variant from the cache
//!
//! The photos are synthetic (there are no sourced photos of the project to use): smooth colour
//! fields, soft shapes and fine grain, saved as JPEG of quality 90, which gives files of the size
//! a phone camera writes (3–5 MB for 12 megapixels). The same arguments write the same bytes.

#![allow(clippy::print_stdout)] // a command-line tool: printing is its output

use std::fs;
use std::path::{Path, PathBuf};

fn main() -> Result<(), String> {
    let mut out = PathBuf::from("/tmp/photo-site");
    let (mut events, mut width, mut height) = (40usize, 4000u32, 3000u32);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().ok_or_else(|| format!("{arg} needs a value"))?;
        match arg.as_str() {
            "--out" => out = PathBuf::from(value),
            "--events" => events = value.parse().map_err(|e| format!("--events: {e}"))?,
            "--width" => width = value.parse().map_err(|e| format!("--width: {e}"))?,
            "--height" => height = value.parse().map_err(|e| format!("--height: {e}"))?,
            _ => return Err(format!("unknown argument {arg}")),
        }
    }
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic");
    copy_dir(&fixture, &out).map_err(|e| format!("copying the fixture: {e}"))?;
    for event in 0..events {
        let folder = out.join(format!("content/events/photos-{event:03}"));
        fs::create_dir_all(&folder).map_err(|e| e.to_string())?;
        let mut body = String::from("---\n");
        body.push_str(&format!(
            "title: 写真ベンチマーク {event}\ndate: 2016-12-03\ncategory: 住民交流\n"
        ));
        body.push_str("image: photo-0.jpg\nimage_alt: 交流会の様子\n---\n\n");
        for n in 0..5 {
            let seed = (event * 5 + n) as u32;
            let bytes = photo(width, height, seed)?;
            fs::write(folder.join(format!("photo-{n}.jpg")), bytes).map_err(|e| e.to_string())?;
            body.push_str(&format!(
                "![交流会の様子 {n}](photo-{n}.jpg \"写真 {n} | 撮影：ベンチマーク\")\n\n"
            ));
        }
        fs::write(folder.join("index.md"), body).map_err(|e| e.to_string())?;
        println!("{}", folder.display());
    }
    Ok(())
}

/// A deterministic photo-like picture: two colour gradients, a few soft discs and grain.
fn photo(width: u32, height: u32, seed: u32) -> Result<Vec<u8>, String> {
    let discs: Vec<(f32, f32, f32, [f32; 3])> = (0..6)
        .map(|i| {
            let h = hash(seed, i, 7);
            let x = (h % width) as f32;
            let y = (hash(seed, i, 11) % height) as f32;
            let r = (height / 8 + hash(seed, i, 13) % (height / 4)) as f32;
            let c = [
                (h % 200) as f32,
                (hash(seed, i, 17) % 200) as f32,
                (hash(seed, i, 19) % 200) as f32,
            ];
            (x, y, r, c)
        })
        .collect();
    let pixels = image::RgbImage::from_fn(width, height, |x, y| {
        let (fx, fy) = (x as f32 / width as f32, y as f32 / height as f32);
        let mut rgb = [
            60.0 + 120.0 * fx + (seed % 40) as f32,
            80.0 + 100.0 * fy,
            140.0 - 80.0 * fx * fy + (seed % 30) as f32,
        ];
        for (cx, cy, r, c) in &discs {
            let d = ((x as f32 - cx).powi(2) + (y as f32 - cy).powi(2)).sqrt();
            let k = (1.0 - d / r).clamp(0.0, 1.0);
            for i in 0..3 {
                rgb[i] = rgb[i] * (1.0 - k) + c[i] * k;
            }
        }
        let grain = (hash(x, y, seed) % 24) as f32 - 12.0;
        image::Rgb(rgb.map(|v| (v + grain).clamp(0.0, 255.0) as u8))
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
        .encode_image(&pixels)
        .map_err(|e| e.to_string())?;
    Ok(jpeg)
}

fn hash(a: u32, b: u32, c: u32) -> u32 {
    let mut h =
        a.wrapping_mul(0x9e37_79b9) ^ b.wrapping_mul(0x85eb_ca6b) ^ c.wrapping_mul(0xc2b2_ae35);
    h ^= h >> 15;
    h = h.wrapping_mul(0x2c1b_3c6d);
    h ^ (h >> 12)
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}
