//! Markdown stage (placeholder until the full adapter chain lands).
use std::ops::Range;

pub struct Rendered {
    pub html: String,
    pub toc: Vec<TocEntry>,
    pub problems: Vec<LinkProblem>,
    pub text: String,
}
#[derive(Debug, Clone, serde::Serialize, PartialEq)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}
#[derive(Debug, Clone, PartialEq)]
pub struct LinkProblem {
    pub span: Range<usize>,
    pub target: String,
    pub suggestion: Option<String>,
}
pub trait LinkResolver: Sync {
    fn resolve(&self, path: &str) -> Option<String>;
    fn candidates(&self) -> Vec<String>;
}
pub fn render(markdown: &str, _links: &dyn LinkResolver) -> Rendered {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(markdown));
    Rendered { html, toc: Vec::new(), problems: Vec::new(), text: markdown.to_owned() }
}
