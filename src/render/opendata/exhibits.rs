//! 展示一覧: the exhibitions presenting partner municipalities, oldest first.

use super::table::record;
use super::{About, Bodies, DataSet, chronological, names, page_url, summary};
use crate::load::Meta;
use crate::model::{Collection, Site};

record! {
    /// One exhibit.
    pub(super) struct Exhibit {
        id: Text = "ID", "Identifier on this site";
        name: Text = "展示名", "Name";
        start_date: Date = "開始日",
            "First day (YYYY-MM-DD; YYYY-MM or YYYY when the source gives no day)";
        end_date: Date = "終了日",
            "Last day (YYYY-MM-DD; YYYY-MM or YYYY when the source gives no day)";
        place_name: Text = "場所名称", "Venue";
        description: Text = "説明", "Description";
        wards: Text = "関係する特別区", "Special wards involved";
        municipalities: Text = "関係する自治体", "Municipalities involved";
        prefectures: Text = "関係する都道府県", "Prefectures involved";
        url: Text = "URL", "Page on this site";
    }
}

impl DataSet for Exhibit {
    const ABOUT: &'static About = &About {
        id: "exhibits",
        title: "展示一覧",
        description: "東京区政会館などでの魅力発信の展示",
        title_en: "Exhibits",
        description_en: "Exhibitions presenting partner municipalities, at the Tokyo Kusei Kaikan and elsewhere.",
    };

    fn records(site: &Site, bodies: &Bodies) -> Vec<Exhibit> {
        let ids = chronological(site, Collection::Exhibits);
        ids.into_iter()
            .filter_map(|id| {
                let node = &site.nodes[id];
                let Meta::Exhibit(m) = &node.entry.meta else { return None };
                Some(Exhibit {
                    id: node.id().to_owned(),
                    name: m.title.clone(),
                    start_date: m.date.iso_date(),
                    end_date: m.end.iso_date(),
                    place_name: m.location.clone(),
                    description: summary(site, bodies, id),
                    wards: names(site, &node.links.wards),
                    municipalities: names(site, &node.links.municipalities),
                    prefectures: names(site, &node.links.prefectures),
                    url: page_url(site, id),
                })
            })
            .collect()
    }
}
