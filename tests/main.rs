//! The integration tests, linked into one binary: fixture sites built through the library and
//! the command line.

mod support;

mod cli;
mod invalid;
mod site;
