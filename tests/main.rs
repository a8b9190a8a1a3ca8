//! The integration tests, linked into one binary: fixture sites built through the library and
//! the command line.

mod support;

mod agreements;
mod anchors;
mod browser;
mod cli;
mod data;
mod dates;
mod external;
mod fragments;
mod golden;
mod hostile;
mod invalid;
mod japanese;
mod killed;
mod languages;
mod links;
mod members;
mod messages;
mod opendata;
mod output;
mod photos;
mod plan;
mod properties;
mod raw_html;
#[cfg(unix)]
mod remark;
mod schema;
mod search;
mod serve;
mod serve_http;
mod serve_limits;
mod site;
mod sources;
mod theme;
