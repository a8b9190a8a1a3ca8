//! 会議一覧: the meetings of the bodies that run the project (連絡会, 推進委員会; issue 24), oldest
//! first, with the 年度 they fall in (a meeting whose source gives only the 年度 has no date).

use super::table::record;
use super::{About, Bodies, DataSet, names, page_url, summary};
use crate::japanese::wareki;
use crate::load::Meta;
use crate::model::{Collection, Site};

record! {
    /// One meeting entry (it may stand for several meetings: `count`).
    pub(super) struct Meeting {
        id: Text = "ID", "Identifier on this site";
        title: Text = "会議名", "Name of the meeting";
        body: Text = "会議体", "The body that met";
        nendo: Integer = "年度", "Fiscal year (April to March), by the year it begins";
        nendo_name: Text = "年度名", "Fiscal year in the Japanese calendar (年度)";
        date: Date = "開催日",
            "Day of the meeting (YYYY-MM-DD; YYYY-MM or YYYY when the source gives no day; empty when it gives only the 年度)";
        count: Integer = "開催回数", "How many meetings the entry stands for";
        frequency: Text = "開催頻度", "How often the body meets, as the source states it";
        place: Text = "場所", "Place";
        agenda: Text = "議題", "Items discussed";
        members: Text = "関係する区・自治体", "Wards, municipalities and prefectures concerned";
        agreements: Text = "関係する協定", "Agreements concerned";
        minutes: Text = "議事録", "Minutes (PDF on this site)";
        source: Text = "出典", "Source";
        description: Text = "説明", "Description";
        url: Text = "URL", "Page on this site";
    }
}

impl DataSet for Meeting {
    const ABOUT: &'static About = &About {
        id: "meetings",
        title: "会議一覧",
        description: "特別区全国連携プロジェクト連絡会、連携協力推進委員会などの開催記録",
        title_en: "Meetings",
        description_en: "Meetings of the bodies that run the project (the liaison council of the 23 wards, the joint promotion committee with Kyoto).",
    };

    fn records(site: &Site, bodies: &Bodies) -> Vec<Meeting> {
        // The list is newest first; open data reads oldest first, as the other sets do.
        site.list(Collection::Meetings)
            .iter()
            .rev()
            .filter_map(|&id| {
                let node = &site.nodes[id];
                let Meta::Meeting(m) = &node.entry.meta else { return None };
                let nendo = m.fiscal_year();
                let concerned = [
                    &node.links.wards[..],
                    &node.links.municipalities[..],
                    &node.links.prefectures[..],
                ]
                .concat();
                let url = page_url(site, id);
                Some(Meeting {
                    id: node.id().to_owned(),
                    title: m.title.clone(),
                    body: m.body.clone(),
                    nendo: nendo.map(|n| i64::from(n.0)),
                    nendo_name: nendo.map(|n| wareki::nendo(n.first_day())).unwrap_or_default(),
                    date: m.date.map(|d| d.iso_date()).unwrap_or_default(),
                    count: Some(i64::from(m.count.unwrap_or(1))),
                    frequency: m.frequency.clone().unwrap_or_default(),
                    place: m.place.clone().unwrap_or_default(),
                    agenda: m.agenda.join("、"),
                    members: names(site, &concerned),
                    agreements: names(site, &node.links.agreements),
                    minutes: m
                        .minutes
                        .as_deref()
                        .map(|file| format!("{url}{}", file.trim_start_matches("./")))
                        .unwrap_or_default(),
                    source: m.source.clone().unwrap_or_default(),
                    description: summary(site, bodies, id),
                    url,
                })
            })
            .collect()
    }
}
