//! Images and co-located files (issue 10): a pass over the whole list of events that
//!
//! - turns an image into a responsive `<picture>` (WebP and the original format, `srcset`,
//!   `sizes`, `width`, `height`, `loading="lazy"`, `decoding="async"`), and an image alone in its
//!   paragraph into a `<figure>` with its caption and credit;
//! - requires alt text: an image without it is reported, unless it is marked decorative;
//! - points relative links to files beside a folder entry (`report.pdf`) at their published URL,
//!   so they work from every language's page, and reports those that are not there.
//!
//! Syntax (docs/content-model.md): `![alt](photo.jpg "caption | 撮影：台東区")`: the title is
//! the caption, and the part after the last ` | ` the credit. `![](line.png "decorative")` (or
//! `"装飾"`) is a decorative image: empty alt on purpose.
//!
//! It knows nothing of files: what is beside the entry comes from an [`AssetResolver`].

use std::fmt::Write as _;
use std::ops::Range;
use std::path::PathBuf;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::Spanned;
use crate::html::escape;
use crate::messages::Text;
use crate::msg;

/// The titles that mark an image as decorative.
const DECORATIVE: [&str; 2] = ["decorative", "装飾"];

/// Separates the caption from the credit in an image's title.
const CREDIT_SEPARATOR: &str = " | ";

/// The width the image takes on the page, for the browser's choice among `srcset`: the text
/// column of the default theme (`.prose`, 44em), the whole screen less the margins below it.
pub const SIZES: &str = "(min-width: 48em) 44em, calc(100vw - 2rem)";

/// A processed image: every URL it is published under.
#[derive(Debug, Clone, PartialEq)]
pub struct Picture {
    /// The source file, relative to the site root.
    pub source: PathBuf,
    /// The fallback `src` (original format).
    pub src: String,
    /// `url 480w, url 960w, …` in the original format.
    pub srcset: String,
    /// The same widths in WebP (`None` when the original is WebP already).
    pub webp_srcset: Option<String>,
    /// The largest published width and its height: the intrinsic size for `width`/`height`.
    pub width: u32,
    pub height: u32,
    /// The largest published version, for a link to the photo itself.
    pub largest: String,
}

/// What is beside the entry being rendered.
pub trait AssetResolver {
    /// Whether the entry is a folder (`<id>/index.md`) that can have files beside it.
    fn is_folder(&self) -> bool;
    /// A processed image, by the path written in the Markdown (`photo.jpg`, `./photo.jpg`).
    fn picture(&self, relative: &str) -> Option<Picture>;
    /// The URL of any other file beside the entry (`report.pdf`, `map.svg`).
    fn file(&self, relative: &str) -> Option<String>;
    /// The names of the files beside the entry, for suggesting the nearest one.
    fn names(&self) -> Vec<String>;
}

/// An entry without files beside it (a plain `<id>.md`).
pub struct NoAssets;

impl AssetResolver for NoAssets {
    fn is_folder(&self) -> bool {
        false
    }
    fn picture(&self, _: &str) -> Option<Picture> {
        None
    }
    fn file(&self, _: &str) -> Option<String> {
        None
    }
    fn names(&self) -> Vec<String> {
        Vec::new()
    }
}

/// A problem with an image or a co-located link: where, what, and how to fix it.
#[derive(Debug, Clone, PartialEq)]
pub struct AssetProblem {
    pub span: Range<usize>,
    pub message: Text,
    pub help: Option<Text>,
}

/// What the pass found besides the new events.
#[derive(Debug, Default)]
pub(crate) struct Found {
    pub(crate) problems: Vec<AssetProblem>,
    /// The processed images the body shows or links to, in source order.
    pub(crate) images: Vec<PathBuf>,
}

/// Rewrites images and co-located links in `events` (see the module's description).
pub(crate) fn apply<'a>(
    events: Vec<Spanned<'a>>,
    source: &str,
    assets: &dyn AssetResolver,
    found: &mut Found,
) -> Vec<Spanned<'a>> {
    let mut out = Vec::with_capacity(events.len());
    let mut i = 0;
    while i < events.len() {
        if let (Event::Start(Tag::Image { dest_url, .. }), range) = &events[i]
            && dest_url.starts_with("@/")
        {
            // A picture of another page's folder, written as a content path: `links` resolves
            // it; only its alt text is checked here.
            check_alt(&events[i..=image_end(&events, i)], dest_url, range, found);
            out.push(events[i].clone());
            i += 1;
            continue;
        }
        if let Some((figure, next)) = figure_at(&events, i) {
            let html = image_html(&events[figure..next - 1], source, assets, found, true);
            out.push((Event::Html(CowStr::from(html)), events[i].1.clone()));
            i = next;
            continue;
        }
        match &events[i].0 {
            Event::Start(Tag::Image { .. }) => {
                let end = image_end(&events, i);
                let html = image_html(&events[i..=end], source, assets, found, false);
                out.push((Event::InlineHtml(CowStr::from(html)), events[i].1.clone()));
                i = end + 1;
            }
            Event::Start(Tag::Link { .. }) => {
                let (event, range) = events[i].clone();
                out.push((rewrite_link(event, &range, source, assets, found), range));
                i += 1;
            }
            _ => {
                out.push(events[i].clone());
                i += 1;
            }
        }
    }
    out
}

/// A paragraph that holds one image and nothing else: `(index of the image, index after the
/// paragraph)`.
fn figure_at(events: &[Spanned<'_>], i: usize) -> Option<(usize, usize)> {
    if !matches!(events.get(i)?.0, Event::Start(Tag::Paragraph)) {
        return None;
    }
    if !matches!(events.get(i + 1)?.0, Event::Start(Tag::Image { .. })) {
        return None;
    }
    let end = image_end(events, i + 1);
    matches!(events.get(end + 1)?.0, Event::End(TagEnd::Paragraph)).then_some((i + 1, end + 2))
}

/// The index of the `End` that closes the image starting at `start` (its alt text may hold
/// emphasis, or even another image).
fn image_end(events: &[Spanned<'_>], start: usize) -> usize {
    let mut depth = 0usize;
    for (index, (event, _)) in events.iter().enumerate().skip(start) {
        match event {
            Event::Start(Tag::Image { .. }) => depth += 1,
            Event::End(TagEnd::Image) => {
                depth -= 1;
                if depth == 0 {
                    return index;
                }
            }
            _ => {}
        }
    }
    events.len() - 1
}

/// The HTML of one image: `events` runs from its `Start` to its `End`.
fn image_html(
    events: &[Spanned<'_>],
    source: &str,
    assets: &dyn AssetResolver,
    found: &mut Found,
    figure: bool,
) -> String {
    let (Event::Start(Tag::Image { dest_url, title, .. }), range) = &events[0] else {
        return String::new();
    };
    let alt = alt_text(&events[1..]);
    let decorative = check_alt(events, dest_url, range, found);
    let (caption, credit) = if decorative { ("", None) } else { split_title(title) };
    let alt = if decorative { String::new() } else { alt };
    let img = match co_located(dest_url) {
        Some(name) => match (assets.picture(name), assets.file(name)) {
            (Some(picture), _) => {
                found.images.push(picture.source.clone());
                picture_html(&picture, &alt)
            }
            (None, Some(url)) => plain_img(&url, &alt),
            (None, None) => {
                missing(source, range, dest_url, assets, found);
                plain_img(dest_url, &alt)
            }
        },
        None => plain_img(dest_url, &alt),
    };
    if !figure || (caption.is_empty() && credit.is_none()) {
        return if figure { format!("<figure class=\"photo\">{img}</figure>\n") } else { img };
    }
    let mut html = format!("<figure class=\"photo\">{img}<figcaption>{}", escape(caption));
    if let Some(credit) = credit {
        let space = if caption.is_empty() { "" } else { " " };
        let _ = write!(html, "{space}<small class=\"credit\">{}</small>", escape(credit));
    }
    html.push_str("</figcaption></figure>\n");
    html
}

/// Reports an image without alt text that is not marked decorative. Returns whether it is
/// decorative.
fn check_alt(events: &[Spanned<'_>], dest: &str, range: &Range<usize>, found: &mut Found) -> bool {
    let decorative = match &events[0].0 {
        Event::Start(Tag::Image { title, .. }) => DECORATIVE.contains(&title.trim()),
        _ => false,
    };
    if alt_text(&events[1..]).trim().is_empty() && !decorative {
        found.problems.push(AssetProblem {
            span: range.clone(),
            message: msg!("image.no_alt", dest = dest),
            help: Some(msg!("image.no_alt_help", dest = dest)),
        });
    }
    decorative
}

/// The alt text: the plain text of the image's label.
fn alt_text(events: &[Spanned<'_>]) -> String {
    let mut alt = String::new();
    for (event, _) in events {
        match event {
            Event::Text(text) | Event::Code(text) => alt.push_str(text),
            Event::SoftBreak | Event::HardBreak => alt.push(' '),
            _ => {}
        }
    }
    alt
}

/// `"caption | credit"` → (`caption`, `Some(credit)`).
fn split_title(title: &str) -> (&str, Option<&str>) {
    match title.rsplit_once(CREDIT_SEPARATOR) {
        Some((caption, credit)) => (caption.trim(), Some(credit.trim()).filter(|c| !c.is_empty())),
        None => (title.trim(), None),
    }
}

fn picture_html(picture: &Picture, alt: &str) -> String {
    let mut html = String::from("<picture>");
    if let Some(webp) = &picture.webp_srcset {
        let _ = write!(
            html,
            "<source type=\"image/webp\" srcset=\"{}\" sizes=\"{SIZES}\">",
            escape(webp)
        );
    }
    let _ = write!(
        html,
        "<img src=\"{}\" srcset=\"{}\" sizes=\"{SIZES}\" width=\"{}\" height=\"{}\" alt=\"{}\" \
         loading=\"lazy\" decoding=\"async\"></picture>",
        escape(&picture.src),
        escape(&picture.srcset),
        picture.width,
        picture.height,
        escape(alt)
    );
    html
}

fn plain_img(src: &str, alt: &str) -> String {
    format!(
        "<img src=\"{}\" alt=\"{}\" loading=\"lazy\" decoding=\"async\">",
        escape(src),
        escape(alt)
    )
}

/// A link to a file beside the entry goes to its published URL (an image: its largest version,
/// since the original, with its location data, is not published).
fn rewrite_link<'a>(
    event: Event<'a>,
    range: &Range<usize>,
    source: &str,
    assets: &dyn AssetResolver,
    found: &mut Found,
) -> Event<'a> {
    let Event::Start(Tag::Link { link_type, dest_url, title, id }) = event else { return event };
    let Some(name) = co_located(&dest_url).filter(|_| assets.is_folder()) else {
        return Event::Start(Tag::Link { link_type, dest_url, title, id });
    };
    let url = if let Some(picture) = assets.picture(name) {
        found.images.push(picture.source.clone());
        Some(picture.largest)
    } else {
        assets.file(name)
    };
    let dest_url = match url {
        Some(url) => CowStr::from(url),
        // A relative link to a page (`../other/`) is no file of the folder: left as written.
        None if !looks_like_file(name) => dest_url,
        None => {
            missing(source, range, &dest_url, assets, found);
            dest_url
        }
    };
    Event::Start(Tag::Link { link_type, dest_url, title, id })
}

fn missing(
    source: &str,
    range: &Range<usize>,
    dest: &str,
    assets: &dyn AssetResolver,
    found: &mut Found,
) {
    let span = super::links::destination_span(source, range, dest);
    let help = if assets.is_folder() {
        let names = assets.names();
        let name = co_located(dest).unwrap_or(dest);
        crate::diag::nearest(name, names.iter().map(String::as_str))
            .map(|nearest| msg!("diag.did_you_mean", value = nearest))
            .or_else(|| Some(msg!("image.put_beside")))
    } else {
        Some(msg!("image.needs_folder"))
    };
    found.problems.push(AssetProblem {
        span,
        message: msg!("image.not_beside", dest = dest),
        help,
    });
}

/// A destination naming a file of the entry's own folder: relative, without a scheme, a query
/// or a way up; `./` is allowed. Returns the name.
fn co_located(dest: &str) -> Option<&str> {
    let name = dest.strip_prefix("./").unwrap_or(dest);
    let scheme = name.split_once(':').is_some_and(|(before, _)| !before.contains('/'));
    let other = name.is_empty()
        || scheme
        || name.starts_with(['/', '#', '?', '@', '.'])
        || name.contains(['?', '#', '\\'])
        || name.contains("../");
    (!other).then_some(name)
}

/// `report.pdf` is a file; `other-page/` or `anchor` are not.
fn looks_like_file(name: &str) -> bool {
    !name.ends_with('/') && name.rsplit('/').next().is_some_and(|last| last.contains('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder with `photo.jpg` (processed) and `report.pdf`.
    struct Folder;

    impl AssetResolver for Folder {
        fn is_folder(&self) -> bool {
            true
        }
        fn picture(&self, name: &str) -> Option<Picture> {
            (name == "photo.jpg").then(|| Picture {
                source: PathBuf::from("content/events/x/photo.jpg"),
                src: "/events/x/photo-960w.jpg".to_owned(),
                srcset: "/events/x/photo-480w.jpg 480w, /events/x/photo-960w.jpg 960w".to_owned(),
                webp_srcset: Some(
                    "/events/x/photo-480w.webp 480w, /events/x/photo-960w.webp 960w".to_owned(),
                ),
                width: 960,
                height: 720,
                largest: "/events/x/photo-960w.jpg".to_owned(),
            })
        }
        fn file(&self, name: &str) -> Option<String> {
            (name == "report.pdf").then(|| "/events/x/report.pdf".to_owned())
        }
        fn names(&self) -> Vec<String> {
            vec!["photo.jpg".to_owned(), "report.pdf".to_owned()]
        }
    }

    fn render(markdown: &str, assets: &dyn AssetResolver) -> (String, Found) {
        let mut found = Found::default();
        let events = apply(super::super::parse(markdown), markdown, assets, &mut found);
        (super::super::testing::to_html(events.into_iter()), found)
    }

    #[test]
    fn an_image_alone_becomes_a_figure_with_caption_and_credit() {
        let (html, found) = render("![雷門の前で](photo.jpg \"交流会 | 撮影：台東区\")\n", &Folder);
        assert_eq!(
            html,
            "<figure class=\"photo\"><picture><source type=\"image/webp\" \
             srcset=\"/events/x/photo-480w.webp 480w, /events/x/photo-960w.webp 960w\" \
             sizes=\"(min-width: 48em) 44em, calc(100vw - 2rem)\"><img src=\"/events/x/photo-960w.jpg\" \
             srcset=\"/events/x/photo-480w.jpg 480w, /events/x/photo-960w.jpg 960w\" \
             sizes=\"(min-width: 48em) 44em, calc(100vw - 2rem)\" width=\"960\" height=\"720\" \
             alt=\"雷門の前で\" loading=\"lazy\" decoding=\"async\"></picture>\
             <figcaption>交流会 <small class=\"credit\">撮影：台東区</small></figcaption></figure>\n"
        );
        assert!(found.problems.is_empty());
        assert_eq!(found.images, [PathBuf::from("content/events/x/photo.jpg")]);
    }

    #[test]
    fn an_image_in_text_stays_inline() {
        let (html, _) = render("前 ![**雷門**](photo.jpg) 後\n", &Folder);
        assert!(html.starts_with("<p>前 <picture>"), "{html}");
        assert!(html.contains("alt=\"雷門\""), "{html}");
        assert!(html.ends_with("</picture> 後</p>\n"), "{html}");
    }

    #[test]
    fn an_image_without_alt_is_reported_at_the_image() {
        let md = "本文\n\n![](photo.jpg)\n";
        let (_, found) = render(md, &Folder);
        let [problem] = found.problems.as_slice() else { panic!("{:?}", found.problems) };
        assert_eq!(&md[problem.span.clone()], "![](photo.jpg)");
        assert!(problem.message.contains("no alt text"));
        assert!(problem.help.as_deref().is_some_and(|h| h.contains("\"decorative\"")));
    }

    #[test]
    fn a_decorative_image_has_empty_alt_and_no_caption() {
        let (html, found) = render("![](photo.jpg \"decorative\")\n", &Folder);
        assert!(found.problems.is_empty());
        assert!(html.contains("alt=\"\""), "{html}");
        assert!(!html.contains("figcaption"), "{html}");
    }

    #[test]
    fn co_located_links_point_at_the_published_file() {
        let (html, found) = render("[報告書](report.pdf)と[写真](./photo.jpg)\n", &Folder);
        assert!(html.contains("href=\"/events/x/report.pdf\""), "{html}");
        assert!(html.contains("href=\"/events/x/photo-960w.jpg\""), "{html}");
        assert!(found.problems.is_empty());
        let (html, _) = render("[外部](https://example.org/a.pdf) [上](../y/)\n", &Folder);
        assert!(html.contains("href=\"https://example.org/a.pdf\""), "{html}");
        assert!(html.contains("href=\"../y/\""), "{html}");
    }

    #[test]
    fn a_missing_file_is_reported_with_the_nearest_name() {
        let md = "[報告書](reprot.pdf)\n";
        let (_, found) = render(md, &Folder);
        let [problem] = found.problems.as_slice() else { panic!("{:?}", found.problems) };
        assert_eq!(&md[problem.span.clone()], "reprot.pdf");
        assert_eq!(problem.help.as_deref(), Some("did you mean `report.pdf`?"));
    }

    #[test]
    fn a_flat_entry_leaves_relative_links_alone_but_reports_local_images() {
        let (html, found) = render("[a](report.pdf)\n", &NoAssets);
        assert!(html.contains("href=\"report.pdf\"") && found.problems.is_empty(), "{html}");
        let (_, found) = render("![写真](photo.jpg)\n", &NoAssets);
        assert!(found.problems[0].help.as_deref().is_some_and(|h| h.contains("index.md")));
    }

    #[test]
    fn markup_in_alt_and_caption_is_escaped() {
        let (html, _) = render("![a \"b\" & c](https://example.org/x.png \"<i>\")\n", &NoAssets);
        assert!(html.contains("alt=\"a &quot;b&quot; &amp; c\""), "{html}");
        assert!(html.contains("<figcaption>&lt;i&gt;</figcaption>"), "{html}");
    }
}
