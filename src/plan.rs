//! The plan of the 推進方針 (section 7, 事業計画の概要) as data: `data/plan.toml`, read with the
//! configuration. Each main project states its aim for each 年度 of the plan's period and what
//! the content records of it (`counts`), so that the plan page can put the two side by side.
//!
//! A file of its own rather than a table of `site.toml`: it is the policy's content, cited to
//! its source, which editors change when a new plan is adopted, not a setting of the build.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diag::{Diagnostic, Location, suggest};
use crate::messages::Text;
use crate::msg;

/// Where the plan is, from the site root.
pub const PLAN_FILE: &str = "data/plan.toml";

/// What a project's `counts` may name: what the content records of it.
pub const COUNTS: [&str; 5] = ["relations", "agreements", "events", "supported", "exhibits"];

/// The plan, as written.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// The document the plan is taken from, as cited on the page.
    pub source: String,
    pub source_en: Option<String>,
    pub source_url: Option<String>,
    /// The first and last 年度 of the plan, by the year each begins (2017 = 平成29年度).
    pub first_year: i32,
    pub last_year: i32,
    pub projects: Vec<Project>,
}

/// One main project of the plan.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Project {
    /// A slug, the project's anchor and its id in the open data.
    pub id: String,
    pub name: String,
    pub name_en: Option<String>,
    /// The aim for each year, as the plan words it.
    pub aim: String,
    pub aim_en: Option<String>,
    /// The number the plan aims at each year, when it gives one (「各年度2回程度」 → 2).
    pub per_year: Option<u32>,
    /// What the content records of it: one of `COUNTS`.
    pub counts: String,
    /// For `counts = "events"`: the event kinds that count (`[シンポジウム, 講演会, セミナー]`).
    #[serde(default)]
    pub kinds: Vec<String>,
    /// The number the plan starts from (641 relations), and when it was that.
    pub baseline: Option<u32>,
    pub baseline_date: Option<String>,
}

impl Plan {
    /// The 年度 of the plan, by the year each begins.
    pub fn years(&self) -> std::ops::RangeInclusive<i32> {
        self.first_year..=self.last_year
    }
}

/// Reads `<root>/data/plan.toml`: `None` when the site has none.
pub fn load(root: &Path) -> Result<Option<Plan>, Diagnostic> {
    let path = root.join(PLAN_FILE);
    if !path.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path).map_err(|error| {
        Diagnostic::new(PLAN_FILE, msg!("plan.cannot_read", error = error.to_string()))
    })?;
    parse(&text).map(Some)
}

/// Parses and checks the text of a `plan.toml`.
pub fn parse(text: &str) -> Result<Plan, Diagnostic> {
    let plan: Plan = toml::from_str(text).map_err(|error| {
        let detail = error.message().trim_end().to_owned();
        let diagnostic = Diagnostic::new(PLAN_FILE, msg!("plan.invalid", detail = detail));
        match error.span() {
            Some(span) => diagnostic
                .at(Location::from_offset(text, span.start, span.len().max(1), 1))
                .with_help(msg!("plan.invalid_help")),
            None => diagnostic,
        }
    })?;
    if plan.last_year < plan.first_year {
        let (first, last) = (plan.first_year.to_string(), plan.last_year.to_string());
        let message = msg!("plan.ends_before", last = last.as_str(), first = first.as_str());
        return Err(at_value(text, "last_year", &last, message)
            .with_help(msg!("plan.ends_before_help", first = first)));
    }
    for project in &plan.projects {
        if !COUNTS.contains(&project.counts.as_str()) {
            let help = suggest(&project.counts, &COUNTS)
                .unwrap_or_else(|| msg!("diag.one_of", values = COUNTS.join(", ")));
            let message = msg!("plan.unknown_count", value = project.counts.as_str());
            return Err(at_value(text, "counts", &project.counts, message).with_help(help));
        }
        if project.counts == "events" && project.kinds.is_empty() {
            let message = msg!("plan.no_kinds", id = project.id.as_str());
            return Err(at_value(text, "counts", &project.counts, message)
                .with_help(msg!("plan.no_kinds_help")));
        }
    }
    Ok(plan)
}

/// A diagnostic at the first `key = "value"` (or `key = value`) line of the file.
fn at_value(text: &str, key: &str, value: &str, message: Text) -> Diagnostic {
    let diagnostic = Diagnostic::new(PLAN_FILE, message);
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with(key)
            && trimmed[key.len()..].trim_start().starts_with('=')
            && let Some(at) = line.find(value)
        {
            return diagnostic.at(Location::from_offset(text, offset + at, value.len(), 1));
        }
        offset += line.len();
    }
    diagnostic
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "source = \"推進方針\"\nfirst_year = 2017\nlast_year = 2020\n\n[[projects]]\nid = \"symposiums\"\nname = \"シンポジウム\"\naim = \"各年度2回程度\"\nper_year = 2\ncounts = \"events\"\nkinds = [\"シンポジウム\"]\n";

    #[test]
    fn a_plan_is_read_and_its_counts_checked() {
        let plan = parse(GOOD).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((plan.years(), plan.projects[0].per_year), (2017..=2020, Some(2)));
        let bad = GOOD.replace("counts = \"events\"", "counts = \"event\"");
        let error = parse(&bad).err().map(|d| d.render()).unwrap_or_default();
        assert!(error.contains("data/plan.toml:10:11"), "{error}");
        assert!(error.contains("`event` is not something") && error.contains("events"), "{error}");
        let typo = GOOD.replace("per_year", "per_yaer");
        let error = parse(&typo).err().map(|d| d.render()).unwrap_or_default();
        assert!(error.contains("data/plan.toml:9:1") && error.contains("per_yaer"), "{error}");
    }
}
