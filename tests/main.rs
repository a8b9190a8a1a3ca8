//! The integration tests, linked into one binary: fixture sites built through the library and
//! the command line.

mod support;

mod browser;
mod cli;
mod golden;
mod invalid;
mod properties;
mod serve;
mod site;
