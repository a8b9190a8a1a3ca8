//! Photos (issue 10): a folder entry with real images generated here (a JPEG carrying an EXIF
//! block with GPS and an orientation), built through the library and the command line.

use std::fs;
use std::path::Path;

use image::{GenericImageView, ImageFormat};
use renkei::build::{BuildReport, build};
use renkei::config::Options;

use crate::support::{fixture_copy, read_tree, run_failing};

const EVENT: &str = "content/events/2016-12-asakusa";

/// An EXIF APP1 segment (big-endian TIFF): orientation 6 (the camera was held upright, so the
/// picture is shown turned by 90°) and a GPS block with a latitude reference `N`.
fn exif_app1() -> Vec<u8> {
    let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
    tiff.extend([0, 2]); // IFD0: two entries
    tiff.extend([0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]); // Orientation = 6
    tiff.extend([0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38]); // GPS IFD at offset 38
    tiff.extend([0, 0, 0, 0]); // no next IFD
    tiff.extend([0, 1]); // GPS IFD: one entry
    tiff.extend([0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]); // GPSLatitudeRef = "N"
    tiff.extend([0, 0, 0, 0]);
    let mut segment = vec![0xff, 0xe1];
    let length = (2 + 6 + tiff.len()) as u16;
    segment.extend(length.to_be_bytes());
    segment.extend(b"Exif\0\0");
    segment.extend(tiff);
    segment
}

/// A 1200×900 JPEG (stored lying down) with the EXIF block right after its start marker.
fn photo_with_gps() -> Vec<u8> {
    let pixels = image::RgbImage::from_fn(1200, 900, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
    });
    let mut jpeg = Vec::new();
    image::DynamicImage::ImageRgb8(pixels)
        .write_to(&mut std::io::Cursor::new(&mut jpeg), ImageFormat::Jpeg)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut with_exif = jpeg[..2].to_vec();
    with_exif.extend(exif_app1());
    with_exif.extend(&jpeg[2..]);
    with_exif
}

fn small_png() -> Vec<u8> {
    let pixels =
        image::RgbaImage::from_fn(300, 200, |x, _| image::Rgba([0, 80, 160, (x % 256) as u8]));
    let mut png = Vec::new();
    image::DynamicImage::ImageRgba8(pixels)
        .write_to(&mut std::io::Cursor::new(&mut png), ImageFormat::Png)
        .unwrap_or_else(|e| panic!("{e}"));
    png
}

const BODY: &str = "\n浅草での交流会の様子です。\n\n\
    ![雷門の前で記念撮影](photo.jpg \"浅草寺での交流会 | 撮影：台東区\")\n\n\
    ![](line.png \"decorative\")\n\n\
    当日の[資料（PDF）](report.pdf)もご覧ください。\n";

/// The fixture site with a folder event holding a photo, a PNG and a PDF.
fn site_with_photos(body: &str) -> tempfile::TempDir {
    let site = fixture_copy("basic");
    let folder = site.path().join(EVENT);
    fs::create_dir_all(&folder).unwrap_or_else(|e| panic!("{e}"));
    let front = "---\ntitle: 浅草交流会\ndate: 2016-12-03\ncategory: 住民交流\nwards: [arakawa]\n\
                 image: photo.jpg\nimage_alt: 雷門の前で記念撮影\n---\n";
    let write = |name: &str, bytes: &[u8]| {
        fs::write(folder.join(name), bytes).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    write("index.md", format!("{front}{body}").as_bytes());
    write("index.en.md", b"---\ntitle: Asakusa exchange\ndate: 2016-12-03\ncategory: \xe4\xbd\x8f\xe6\xb0\x91\xe4\xba\xa4\xe6\xb5\x81\n---\n\n[Handout](report.pdf)\n");
    write("photo.jpg", &photo_with_gps());
    write("line.png", &small_png());
    write("report.pdf", b"%PDF-1.4\n% a tiny test file\n");
    site
}

fn build_site(root: &Path) -> (BuildReport, tempfile::TempDir) {
    let out = crate::support::tempdir();
    let public = out.path().join("public");
    let report = build(root, &public, &Options::default())
        .unwrap_or_else(|e| panic!("{:?}", e.diagnostics()));
    (report, out)
}

fn text(files: &std::collections::BTreeMap<String, Vec<u8>>, path: &str) -> String {
    String::from_utf8_lossy(files.get(path).unwrap_or_else(|| panic!("no {path}"))).into_owned()
}

#[test]
fn photos_are_resized_stripped_cached_and_linked() {
    let site = site_with_photos(BODY);
    let (cold, out) = build_site(site.path());
    let files = read_tree(&out.path().join("public"));
    let dir = "events/2016-12-asakusa/";

    // Turned upright by the EXIF orientation: 900×1200, published at 480 and its own 900.
    for (name, format, size) in [
        ("photo-480w.webp", ImageFormat::WebP, (480, 640)),
        ("photo-480w.jpg", ImageFormat::Jpeg, (480, 640)),
        ("photo-900w.webp", ImageFormat::WebP, (900, 1200)),
        ("photo-900w.jpg", ImageFormat::Jpeg, (900, 1200)),
        ("line-300w.png", ImageFormat::Png, (300, 200)),
        ("line-300w.webp", ImageFormat::WebP, (300, 200)),
    ] {
        let bytes = files.get(&format!("{dir}{name}")).unwrap_or_else(|| panic!("no {name}"));
        assert_eq!(image::guess_format(bytes).ok(), Some(format), "{name}");
        let decoded = image::load_from_memory(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(decoded.dimensions(), size, "{name}");
        // No EXIF at all, so no GPS: neither the APP1 marker nor the GPS entry survive.
        assert!(!bytes.windows(4).any(|w| w == b"Exif"), "{name} keeps EXIF");
        assert!(!bytes.windows(12).any(|w| w == [0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]));
    }
    assert!(photo_with_gps().windows(4).any(|w| w == b"Exif"), "the source has EXIF");
    // Neither the original (with its location) nor a larger, upscaled version is published.
    assert!(!files.contains_key(&format!("{dir}photo.jpg")));
    assert!(!files.keys().any(|k| k.contains("photo-960w") || k.contains("photo-1600w")));

    let html = text(&files, &format!("{dir}index.html"));
    assert!(html.contains("<source type=\"image/webp\" srcset=\"/events/2016-12-asakusa/photo-480w.webp 480w, /events/2016-12-asakusa/photo-900w.webp 900w\""), "{html}");
    assert!(html.contains("srcset=\"/events/2016-12-asakusa/photo-480w.jpg 480w, /events/2016-12-asakusa/photo-900w.jpg 900w\""));
    assert!(html.contains("width=\"900\" height=\"1200\" alt=\"雷門の前で記念撮影\" loading=\"lazy\" decoding=\"async\""));
    assert!(html.contains("sizes=\""));
    assert!(html.contains("<figcaption>浅草寺での交流会 <small class=\"credit\">撮影：台東区</small></figcaption></figure>"));
    assert!(html.contains("alt=\"\" loading=\"lazy\""), "the decorative image");

    // The PDF is published beside the page, and linked from both languages.
    assert_eq!(
        files.get(&format!("{dir}report.pdf")).map(Vec::as_slice),
        Some(&b"%PDF-1.4\n% a tiny test file\n"[..])
    );
    assert!(html.contains("href=\"/events/2016-12-asakusa/report.pdf\""));
    let english = text(&files, &format!("en/{dir}index.html"));
    assert!(english.contains("href=\"/events/2016-12-asakusa/report.pdf\""), "{english}");

    // Second build: every variant comes from the cache, nothing is decoded or encoded.
    assert_eq!((cold.images_made, cold.images_reused), (6, 0));
    let (warm, out2) = build_site(site.path());
    assert_eq!((warm.images_made, warm.images_reused), (0, 6));
    assert_eq!(read_tree(&out2.path().join("public")), files, "the same bytes from the cache");
    assert!(site.path().join(".renkei-cache/images").is_dir());
}

#[test]
fn a_changed_photo_is_processed_again() {
    let site = site_with_photos(BODY);
    let (_, _out) = build_site(site.path());
    fs::write(site.path().join(EVENT).join("line.png"), {
        let mut png = Vec::new();
        image::DynamicImage::ImageRgb8(image::RgbImage::new(200, 100))
            .write_to(&mut std::io::Cursor::new(&mut png), ImageFormat::Png)
            .unwrap_or_else(|e| panic!("{e}"));
        png
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let (report, _out) = build_site(site.path());
    assert_eq!((report.images_made, report.images_reused), (2, 4));
}

/// `.renkei-cache/` is safe to delete: the next build makes every variant again, and the same
/// bytes.
#[test]
fn deleting_the_cache_gives_the_same_site() {
    let site = site_with_photos(BODY);
    let (_, out) = build_site(site.path());
    let files = read_tree(&out.path().join("public"));
    let cache = site.path().join(".renkei-cache");
    assert!(cache.join("images").is_dir(), "the first build filled the cache");
    fs::remove_dir_all(&cache).unwrap_or_else(|e| panic!("{e}"));
    let (again, out2) = build_site(site.path());
    assert_eq!((again.images_made, again.images_reused), (6, 0), "made again");
    assert_eq!(read_tree(&out2.path().join("public")), files, "the same bytes without the cache");
    assert!(cache.join("images").is_dir(), "the cache is filled again");
}

#[test]
fn an_image_without_alt_text_is_an_error_with_its_place() {
    let site = site_with_photos("\n本文です。\n\n![](photo.jpg)\n");
    let (code, stderr) = run_failing("build", site.path(), &[]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("the image `photo.jpg` has no alt text"), "{stderr}");
    assert!(stderr.contains("content/events/2016-12-asakusa/index.md:12:1"), "{stderr}");
    assert!(stderr.contains("\"decorative\""), "{stderr}");
}

#[test]
fn a_missing_co_located_file_and_a_front_matter_image_without_alt_are_errors() {
    let site = site_with_photos("\n[資料](reprot.pdf)\n");
    let index = site.path().join(EVENT).join("index.md");
    let text = fs::read_to_string(&index).unwrap_or_else(|e| panic!("{e}"));
    fs::write(&index, text.replace("image_alt: 雷門の前で記念撮影\n", ""))
        .unwrap_or_else(|e| panic!("{e}"));
    let (_, stderr) = run_failing("check", site.path(), &[]);
    assert!(stderr.contains("`reprot.pdf` is not a file beside this entry"), "{stderr}");
    assert!(stderr.contains("did you mean `report.pdf`?"), "{stderr}");
    assert!(stderr.contains("index.md:6:8"), "the front matter image, {stderr}");
    assert!(stderr.contains("image_alt"), "{stderr}");
}

#[test]
fn a_file_and_a_folder_with_the_same_id_are_an_error() {
    let site = site_with_photos(BODY);
    fs::copy(
        site.path().join("content/events/kushiro-exchange-2025.md"),
        site.path().join("content/events/2016-12-asakusa.md"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (code, stderr) = run_failing("check", site.path(), &[]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("`2016-12-asakusa` is written twice"), "{stderr}");
}

/// `site_with_photos(BODY)` in the default theme, whose cards and Open Graph image ask for
/// photo variants.
fn site_with_photos_in_the_default_theme() -> tempfile::TempDir {
    let site = site_with_photos(BODY);
    crate::support::copy_dir(
        &crate::support::repo_root().join("themes/default"),
        &site.path().join("themes/default"),
    );
    let config =
        fs::read_to_string(site.path().join("site.toml")).unwrap_or_else(|e| panic!("{e}"));
    fs::write(
        site.path().join("site.toml"),
        config.replace("theme = \"plain\"", "theme = \"default\""),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    site
}

#[test]
fn the_default_theme_gives_a_page_with_a_photo_its_own_open_graph_image() {
    let site = site_with_photos_in_the_default_theme();
    let (_, out) = build_site(site.path());
    let files = read_tree(&out.path().join("public"));
    let html = text(&files, "events/2016-12-asakusa/index.html");
    let own = "https://example.org/events/2016-12-asakusa/photo-900x473.jpg";
    assert!(html.contains(&format!("<meta property=\"og:image\" content=\"{own}\">")), "{html}");
    assert!(html.contains(&format!("<meta name=\"twitter:image\" content=\"{own}\">")));
    assert!(html.contains("<meta property=\"og:image:alt\" content=\"雷門の前で記念撮影\">"));
    let og =
        files.get("events/2016-12-asakusa/photo-900x473.jpg").map(|b| image::load_from_memory(b));
    assert_eq!(
        og.and_then(Result::ok).map(|i| i.dimensions()),
        Some((900, 473)),
        "cropped, not upscaled"
    );
    // The event's card (on its ward's page) shows the photo: the smallest crop, a larger one for
    // wide screens, lazily.
    let list = text(&files, "wards/arakawa/index.html");
    let card = &list[list.find("href=\"/events/2016-12-asakusa/\"").expect("the card")..];
    let card = &card[..card.find("</li>").expect("the card's end")];
    assert!(card.contains("<img class=\"card-img\" src=\"/events/2016-12-asakusa/photo-320x180.webp\" srcset=\"/events/2016-12-asakusa/photo-320x180.webp 320w, /events/2016-12-asakusa/photo-640x360.webp 640w\""), "{card}");
    assert!(
        card.contains("width=\"320\" height=\"180\" alt=\"雷門の前で記念撮影\" loading=\"lazy\""),
        "{card}"
    );
    for name in ["photo-320x180.webp", "photo-640x360.webp"] {
        let bytes = files
            .get(&format!("events/2016-12-asakusa/{name}"))
            .unwrap_or_else(|| panic!("no {name}"));
        assert!(!bytes.windows(4).any(|w| w == b"Exif"), "{name} keeps EXIF");
    }
    // Cards of entries without a photo have none.
    assert_eq!(list.matches("class=\"card-img\"").count(), 1);

    let other = text(&files, "events/kushiro-exchange-2025/index.html");
    assert!(
        other.contains("<meta property=\"og:image\" content=\"https://example.org/og-image.png\">"),
        "the site-wide image"
    );
}

/// A page whose templates ask for photo variants (`resize_image`: the default theme's cards and
/// its Open Graph image) is rendered by every build, so that a rebuild in place still writes the
/// variants it asks for: only rendering tells which.
#[test]
fn a_rebuild_in_place_keeps_the_variants_that_unchanged_pages_ask_for() {
    let site = site_with_photos_in_the_default_theme();
    let (_, out) = build_site(site.path());
    let public = out.path().join("public");
    let fresh = read_tree(&public);
    assert!(fresh.contains_key("events/2016-12-asakusa/photo-320x180.webp"));
    let again = build(site.path(), &public, &Options::default())
        .unwrap_or_else(|e| panic!("{:?}", e.diagnostics()));
    assert!(again.rendered < again.pages, "{again:?}");
    crate::support::assert_same_tree(&fresh, &read_tree(&public), "the rebuild lost a variant");
}
