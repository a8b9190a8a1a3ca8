//! The Markdown stage (all adapters: heading ids, table of contents, highlighting, links) on any
//! text; every reported span must lie inside the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use renkei::markdown::{LinkResolver, render};

struct Links;

impl LinkResolver for Links {
    fn resolve(&self, path: &str) -> Option<String> {
        (path == "wards/chiyoda.md").then(|| "/wards/chiyoda/".to_owned())
    }
    fn candidates(&self) -> Vec<String> {
        vec!["wards/chiyoda.md".to_owned()]
    }
}

fuzz_target!(|text: &str| {
    let rendered = render(text, &Links);
    for problem in &rendered.problems {
        assert!(text.get(problem.span.clone()).is_some(), "span outside the input");
    }
});
