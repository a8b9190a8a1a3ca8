//! Theme fragments: templates under `shared/` are rendered once per language and every page
//! of that language gets the result as `fragments.<name>`.

use std::path::Path;

use crate::support::{edit, fixture_copy, read_tree, renkei, run_failing, write};

const BASE: &str = "themes/plain/templates/base.html";

#[test]
fn a_fragment_is_rendered_per_language_into_every_page() {
    let site = fixture_copy("basic");
    let root = site.path();
    write(
        root,
        "themes/plain/templates/shared/site_note.html",
        "<p class=\"note\">{{ lang }}|{{ nav.wards | length }}|{{ site.home_url }}</p>",
    );
    edit(root, BASE, "</body>", "{{ fragments.site_note | safe }}\n</body>");
    let output = root.join("public");
    renkei().arg("build").arg("--root").arg(root).arg("--output").arg(&output).assert().success();

    let pages: Vec<(String, String)> = read_tree(&output)
        .into_iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .map(|(path, bytes)| (path, String::from_utf8_lossy(&bytes).into_owned()))
        .collect();
    assert!(pages.len() > 10, "the fixture has pages");
    let english = pages.iter().filter(|(path, _)| path.starts_with("en/")).count();
    assert!(english > 0, "the fixture has English pages");
    for (path, html) in &pages {
        let expected = if path.starts_with("en/") {
            "<p class=\"note\">en|3|/en/</p>"
        } else {
            "<p class=\"note\">ja|3|/</p>"
        };
        assert_eq!(html.matches(expected).count(), 1, "{path} has `{expected}`:\n{html}");
    }
}

#[test]
fn an_error_in_a_fragment_names_the_fragment_and_its_line() {
    let site = fixture_copy("basic");
    let root = site.path();
    write(root, "themes/plain/templates/shared/broken.html", "<p>\n{{ page.title }}</p>");
    let public = root.join("public");
    let (code, stderr) = run_failing("build", root, &[Path::new("--output"), &public]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("--> themes/plain/templates/shared/broken.html:2:4"), "{stderr}");
    assert!(stderr.contains("the fragment shared/broken.html"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
