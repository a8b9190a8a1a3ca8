//! The one hash helper of the build: a 64-bit hash of any `Hash` value, for the fingerprints that
//! decide what a rebuild may keep (bodies, pages, images). Beside the pipeline so that every
//! stage can use it.
//!
//! `DefaultHasher::new()` has fixed keys, so a value hashes the same in every run of the same
//! binary. The image cache names its files by such hashes: a Rust release that hashes
//! differently only makes the next build encode the images again.

use std::hash::{DefaultHasher, Hash, Hasher};

/// The hash of `value`.
pub fn of(value: &(impl Hash + ?Sized)) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    #[test]
    fn equal_values_hash_alike_and_a_string_as_its_text() {
        assert_eq!(super::of("釧路市"), super::of(&"釧路市".to_owned()));
        assert_ne!(super::of(&(1, "a")), super::of(&(1, "b")));
    }
}
