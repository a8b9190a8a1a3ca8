//! Renkei: a static site generator for the 特別区全国連携プロジェクト.
//!
//! The build is a pipeline of stages, one module each, data flowing only downstream:
//! [`config`] → [`load`] → [`model`] → [`markdown`] → [`render`] → [`output`].
//! [`build`] runs them all; the binary only parses arguments and prints diagnostics.
//! `serve` (cargo feature `serve`) sits on top: it calls the same build again after each change.
#![warn(clippy::print_stdout, clippy::print_stderr)]

mod anchors;
pub mod assets;
pub mod build;
pub mod config;
pub mod diag;
pub mod external;
pub mod i18n;
pub mod images;
pub mod japanese;
pub mod load;
pub mod markdown;
pub mod messages;
pub mod model;
pub mod output;
pub mod render;
pub mod scaffold;
pub mod search;
#[cfg(feature = "serve")]
pub mod serve;
pub mod sources;

pub use build::{BuildReport, build, check};
pub use config::{Config, Options};
pub use diag::{Diagnostic, Diagnostics};
