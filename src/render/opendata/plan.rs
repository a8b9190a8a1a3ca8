//! 事業計画と実績: the plan of the promotion policy against what was done (issue 24), made only
//! when the site has a plan (`data/plan.toml`): per project and 年度 of the plan, its aim and the
//! number of records of the site (the plan page's table); then, per project with any, the
//! records whose 年度 is not known (a date that is a year alone), with an empty 年度.

use super::table::record;
use super::{About, Bodies, DataSet};
use crate::japanese::wareki;
use crate::load::Nendo;
use crate::model::Site;

record! {
    /// One project in one 年度 (or its records of no known 年度).
    pub(super) struct PlanRow {
        nendo: Integer = "年度", "Fiscal year (April to March), by the year it begins";
        nendo_name: Text = "年度名", "Fiscal year in the Japanese calendar (年度)";
        project: Text = "事業ID", "Identifier of the main project in data/plan.toml";
        project_name: Text = "事業", "Main project, as the plan names it";
        aim: Text = "計画", "The plan's aim, as it words it";
        aim_count: Integer = "計画の件数", "Number aimed at each year, when the plan gives one";
        count: Integer = "実績の件数", "Number of records on this site";
    }
}

impl DataSet for PlanRow {
    const ABOUT: &'static About = &About {
        id: "plan",
        title: "事業計画と実績",
        description: "推進方針の事業計画（主要事業ごとの年度の目標）と、このサイトに記録された実績の件数",
        title_en: "The plan and what was done",
        description_en: "The plan of the promotion policy (each main project's aim per fiscal year) beside the number of records on this site; a row with no fiscal year counts the records dated only by a year.",
    };

    fn present(site: &Site) -> bool {
        site.config.plan.is_some()
    }

    fn records(site: &Site, _: &Bodies) -> Vec<PlanRow> {
        let Some(plan) = site.config.plan.as_deref() else { return Vec::new() };
        let counts = site.plan_counts(plan);
        let mut rows = Vec::new();
        for (project, count) in plan.projects.iter().zip(&counts.projects) {
            let row = |nendo: Option<i64>, nendo_name: String, aim_count: Option<i64>, n: usize| {
                PlanRow {
                    nendo,
                    nendo_name,
                    project: project.id.clone(),
                    project_name: project.name.clone(),
                    aim: project.aim.clone(),
                    aim_count,
                    count: Some(n as i64),
                }
            };
            let aim_count = project.per_year.map(i64::from);
            for (year, records) in &count.years {
                let name = wareki::nendo(Nendo(*year).first_day());
                rows.push(row(Some(i64::from(*year)), name, aim_count, records.len()));
            }
            if !count.uncertain.is_empty() {
                rows.push(row(None, "年度不明".to_owned(), None, count.uncertain.len()));
            }
        }
        rows
    }
}
