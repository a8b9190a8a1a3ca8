//! The plan against what was done: for each main project of the plan (`crate::plan`), what the
//! content records of it in each 年度 of the plan's period.
//!
//! A record counts in the 年度 its date falls in (April to March). A date written as a year
//! alone overlaps two 年度 (2017 is January–March of 平成28年度 and April–December of 平成29年度):
//! such records are counted apart, as `uncertain`, never guessed into one 年度.

use super::{Collection, NodeId, Site};
use crate::load::{Date, Meta, Nendo};
use crate::plan::{Plan, Project};

/// One thing the content records: an entry, or a partner relation (index into `Site::partners`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    Node(NodeId),
    Partner(usize),
}

/// What the content records of each project, in the plan's order.
#[derive(Debug, Clone)]
pub struct PlanCounts {
    pub projects: Vec<ProjectCount>,
}

/// One project's records.
#[derive(Debug, Clone)]
pub struct ProjectCount {
    /// Per 年度 of the plan (by the year it begins), its records, newest first.
    pub years: Vec<(i32, Vec<Record>)>,
    /// Records dated by a year alone that may fall in the plan's period.
    pub uncertain: Vec<Record>,
}

impl Site {
    /// The records of every project of `plan`.
    pub fn plan_counts(&self, plan: &Plan) -> PlanCounts {
        let projects = plan.projects.iter().map(|project| self.project_count(plan, project));
        PlanCounts { projects: projects.collect() }
    }

    fn project_count(&self, plan: &Plan, project: &Project) -> ProjectCount {
        let mut count = ProjectCount {
            years: plan.years().map(|year| (year, Vec::new())).collect(),
            uncertain: Vec::new(),
        };
        for (record, date) in self.records(project) {
            match Nendo::of(&date) {
                Some(Nendo(year)) => {
                    if let Some((_, records)) = count.years.iter_mut().find(|(y, _)| *y == year) {
                        records.push(record);
                    }
                }
                // A year alone: 年度 `year - 1` (January–March) or `year`.
                None if plan.years().contains(&date.year())
                    || plan.years().contains(&(date.year() - 1)) =>
                {
                    count.uncertain.push(record);
                }
                None => {}
            }
        }
        count
    }

    /// What the content records of a project, each with its date.
    fn records(&self, project: &Project) -> Vec<(Record, Date)> {
        match project.counts.as_str() {
            "relations" => self
                .partners
                .iter()
                .enumerate()
                .filter_map(|(index, p)| {
                    let date = Date::parse(p.since.as_deref()?).ok()?;
                    Some((Record::Partner(index), date))
                })
                .collect(),
            "agreements" => self.dated(Collection::Agreements, |meta| match meta {
                Meta::Agreement(m) => m.date,
                _ => None,
            }),
            "exhibits" => self.dated(Collection::Exhibits, |meta| match meta {
                Meta::Exhibit(m) => Some(m.date),
                _ => None,
            }),
            "supported" => self.dated(Collection::Events, |meta| match meta {
                Meta::Event(m) if !m.support.is_empty() => Some(m.date),
                _ => None,
            }),
            _ => self.dated(Collection::Events, |meta| match meta {
                Meta::Event(m) if m.kind.as_ref().is_some_and(|k| project.kinds.contains(k)) => {
                    Some(m.date)
                }
                _ => None,
            }),
        }
    }

    /// The entries of a collection that `date` gives a date, with it.
    fn dated(
        &self,
        collection: Collection,
        date: impl Fn(&Meta) -> Option<Date>,
    ) -> Vec<(Record, Date)> {
        self.list(collection)
            .iter()
            .filter_map(|&id| date(&self.nodes[id].entry.meta).map(|d| (Record::Node(id), d)))
            .collect()
    }
}
