//! Renkei: a static site generator for the 特別区全国連携プロジェクト.
//!
//! The build is a pipeline of stages, one module each:
//! [`config`] → [`load`] → [`model`] → [`markdown`] → [`render`] → [`output`]. A stage may use
//! the earlier ones and the helpers beside the pipeline ([`images`], [`assets`], [`search`],
//! [`japanese`], [`diag`]), never a later stage (tests/site.rs checks the `use` lines).
//! [`build`] runs the stages as named steps (`build/pipeline.rs`); the binary only parses
//! arguments and prints diagnostics. `serve` (cargo feature `serve`) sits on top: it calls the
//! same build again after each change. docs/architecture.md draws the whole.
#![warn(clippy::print_stdout, clippy::print_stderr)]

mod anchors;
pub mod assets;
pub mod build;
pub mod config;
pub mod diag;
pub mod external;
pub mod hash;
pub mod html;
pub mod i18n;
pub mod images;
pub mod japanese;
pub mod load;
pub mod markdown;
pub mod messages;
pub mod model;
pub mod output;
pub mod plan;
pub mod render;
pub mod scaffold;
pub mod schema;
pub mod search;
#[cfg(feature = "serve")]
pub mod serve;
pub mod sources;

pub use build::{BuildReport, build, check};
pub use config::{Config, Options};
pub use diag::{Diagnostic, Diagnostics};
