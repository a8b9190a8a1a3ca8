//! The front-matter splitter and the typed YAML parser of every collection, on any text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use renkei::load::Collection;
use renkei::load::front_matter::{parse, split};

fuzz_target!(|text: &str| {
    if let Ok(parts) = split(text) {
        assert!(text.len() >= parts.yaml.len() + parts.body.len());
        for collection in Collection::FOLDERS.into_iter().chain([Collection::Pages]) {
            let _ = parse(&parts, collection, false);
        }
        let _ = parse(&parts, Collection::Pages, true);
    }
});
