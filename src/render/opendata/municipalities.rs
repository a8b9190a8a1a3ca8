//! 連携自治体一覧: every municipality on the site, in the order of their local government codes.

use super::table::record;
use super::{About, Bodies, DataSet, page_url, prefecture_of};
use crate::japanese::kana::to_katakana;
use crate::load::Meta;
use crate::model::{Collection, Site};

record! {
    /// One municipality.
    pub(super) struct Municipality {
        code: Text = "全国地方公共団体コード", "Local government code (6 digits, with check digit)";
        prefecture_code: Text = "都道府県コード", "Prefecture code (JIS X 0401)";
        prefecture: Text = "都道府県名", "Prefecture";
        name: Text = "地方公共団体名", "Name";
        name_kana: Text = "地方公共団体名_カナ", "Name in katakana";
        kind: Text = "種別", "Kind (city 市, town 町, village 村, special ward 特別区)";
        website: Text = "公式サイト", "Official website";
        partner_count: Integer = "連携数", "Number of relations with the special wards";
        url: Text = "URL", "Page on this site";
    }
}

impl DataSet for Municipality {
    const ABOUT: &'static About = &About {
        id: "municipalities",
        title: "連携自治体一覧",
        description: "このサイトに掲載している全国の自治体（全国地方公共団体コード順）",
        title_en: "Municipalities",
        description_en: "Every municipality on this site, in the order of their local government codes.",
    };

    fn records(site: &Site, _: &Bodies) -> Vec<Municipality> {
        let ids = site.list(Collection::Municipalities);
        ids.iter()
            .filter_map(|&id| {
                let node = &site.nodes[id];
                let Meta::Municipality(m) = &node.entry.meta else { return None };
                let (prefecture_code, prefecture) = prefecture_of(site, id);
                Some(Municipality {
                    code: node.id().to_owned(),
                    prefecture_code,
                    prefecture,
                    name: m.name.clone(),
                    name_kana: to_katakana(&m.kana),
                    kind: m.kind.clone().unwrap_or_default(),
                    website: m.website.clone().unwrap_or_default(),
                    partner_count: Some(node.links.partners.len() as i64),
                    url: page_url(site, id),
                })
            })
            .collect()
    }
}
