//! 特別区と全国の自治体との連携関係: one record per relation between a ward and a municipality,
//! with the relation and its date as the public source states them.

use super::table::record;
use super::{About, Bodies, DataSet, prefecture_of, ward_code};
use crate::model::{NodeId, Partner, Site};

record! {
    /// One relation.
    pub(super) struct Relation {
        ward_code: Text = "特別区コード", "Local government code of the special ward";
        ward: Text = "特別区名", "Special ward";
        municipality_code: Text = "全国地方公共団体コード", "Local government code of the municipality";
        municipality: Text = "地方公共団体名", "Municipality";
        prefecture: Text = "都道府県名", "Prefecture";
        relation: Text = "関係", "Relation, as the source states it";
        since: Date = "提携時期", "Since (year, month or day)";
        source: Text = "出典URL", "URL of the public source";
    }
}

impl DataSet for Relation {
    const ABOUT: &'static About = &About {
        id: "relations",
        title: "特別区と全国の自治体との連携関係",
        description: "特別区と全国の自治体との交流・連携の関係（友好都市、交流都市、災害時相互応援など）。関係と時期は出典の記載のとおり",
        title_en: "Relations between the special wards and municipalities",
        description_en: "Ward ↔ municipality relations (sister cities, exchange partners, disaster mutual aid…), with the relation and its date as the public source states them.",
    };

    /// By ward code, then municipality code.
    fn records(site: &Site, _: &Bodies) -> Vec<Relation> {
        let code = |id: NodeId| {
            ward_code(site, id).map_or_else(|| site.nodes[id].id().to_owned(), str::to_owned)
        };
        let mut partners: Vec<&Partner> = site.partners.iter().collect();
        partners.sort_by_key(|p| (code(p.ward), site.nodes[p.municipality].id().to_owned()));
        partners
            .into_iter()
            .map(|p| Relation {
                ward_code: code(p.ward),
                ward: site.nodes[p.ward].title().to_owned(),
                municipality_code: site.nodes[p.municipality].id().to_owned(),
                municipality: site.nodes[p.municipality].title().to_owned(),
                prefecture: prefecture_of(site, p.municipality).1,
                relation: p.relation.clone().unwrap_or_default(),
                since: p.since.clone().unwrap_or_default(),
                source: p.source.clone().unwrap_or_default(),
            })
            .collect()
    }
}
