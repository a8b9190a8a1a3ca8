//! The integration tests, linked into one binary: fixture sites built through the library and
//! the command line.

mod support;

mod browser;
mod cli;
mod data;
mod golden;
mod hostile;
mod invalid;
mod japanese;
mod opendata;
mod photos;
mod properties;
mod search;
mod serve;
mod site;
