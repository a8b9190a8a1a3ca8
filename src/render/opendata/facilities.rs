//! 公共施設一覧: the facilities of the special wards that partner municipalities may also use, in
//! the 24 columns of the 自治体標準オープンデータセット「公共施設一覧」 in the standard's order, the
//! first four (the publishing body's code, the row number, its prefecture and municipality) as in
//! 「イベント一覧」.

use super::table::record;
use super::{About, Bodies, DataSet, page_url, summary, ward_code};
use crate::load::Meta;
use crate::load::meta::FacilityMeta;
use crate::model::{Collection, Site};

record! {
    /// One facility.
    pub(super) struct Facility {
        code: Text = "都道府県コード又は市区町村コード", "Local government code (6 digits, with check digit)";
        no: Integer = "NO", "Row number";
        prefecture: Text = "都道府県名", "Prefecture";
        municipality: Text = "市区町村名", "Municipality";
        name: Text = "名称", "Name";
        name_kana: Text = "名称_カナ", "Name in katakana";
        alias: Text = "名称_通称", "Common name";
        poi_code: Text = "POIコード", "POI code";
        address: Text = "住所", "Address";
        address_detail: Text = "方書", "Address details (building, floor)";
        latitude: Text = "緯度", "Latitude";
        longitude: Text = "経度", "Longitude";
        phone: Text = "電話番号", "Telephone number";
        extension: Text = "内線番号", "Extension number";
        corporate_number: Text = "法人番号", "Corporate number";
        organization: Text = "団体名", "Operating body (special ward)";
        available_days: Text = "利用可能曜日", "Days open";
        start_time: Text = "開始時間", "Start time (HH:MM, Japan time)";
        end_time: Text = "終了時間", "End time (HH:MM, Japan time)";
        availability_note: Text = "利用可能日時特記事項", "Note on opening hours";
        description: Text = "説明", "Description";
        accessibility: Text = "バリアフリー情報", "Accessibility";
        url: Text = "URL", "Page on this site";
        note: Text = "備考", "Notes (field, kind, municipalities involved…)";
    }
}

impl DataSet for Facility {
    const ABOUT: &'static About = &About {
        id: "facilities",
        title: "公共施設一覧",
        description: "連携先の自治体も利用できる特別区の施設（自治体標準オープンデータセット「公共施設一覧」の項目）",
        title_en: "Public facilities",
        description_en: "Facilities of the special wards that partner municipalities may also use, in the columns of the standard open data set “公共施設一覧” (public facilities).",
    };

    /// In the order of the facilities' list.
    fn records(site: &Site, bodies: &Bodies) -> Vec<Facility> {
        let ids = site.list(Collection::Facilities);
        ids.iter()
            .enumerate()
            .filter_map(|(index, &id)| {
                let node = &site.nodes[id];
                let Meta::Facility(m) = &node.entry.meta else { return None };
                let ward = node.links.parent;
                let ward_name = ward.map(|w| site.nodes[w].title().to_owned()).unwrap_or_default();
                Some(Facility {
                    code: ward.and_then(|w| ward_code(site, w)).unwrap_or_default().to_owned(),
                    no: Some(index as i64 + 1),
                    prefecture: ward.map(|_| "東京都".to_owned()).unwrap_or_default(),
                    municipality: ward_name.clone(),
                    name: m.name.clone(),
                    address: m.address.clone().unwrap_or_default(),
                    organization: ward_name,
                    description: summary(site, bodies, id),
                    url: m.website.clone().unwrap_or_else(|| page_url(site, id)),
                    note: note(m),
                    ..Facility::default()
                })
            })
            .collect()
    }
}

/// 備考: the capacity and the uses.
fn note(m: &FacilityMeta) -> String {
    let mut note = Vec::new();
    if let Some(capacity) = m.capacity {
        note.push(format!("定員：{capacity}人"));
    }
    if !m.uses.is_empty() {
        note.push(format!("用途：{}", m.uses.join("、")));
    }
    note.join("／")
}
