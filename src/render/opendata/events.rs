//! イベント一覧: the collaboration events in the columns of the 自治体標準オープンデータセット
//! 「イベント一覧」, in the column order of the 推奨データセット; oldest first.

use super::table::record;
use super::{
    About, Bodies, DataSet, chronological, names, page_url, publisher, summary, ward_code,
};
use crate::load::meta::EventMeta;
use crate::load::{Date, Meta};
use crate::model::{Collection, Node, Site};

record! {
    /// One event.
    pub(super) struct Event {
        code: Text = "都道府県コード又は市区町村コード", "Local government code (6 digits, with check digit)";
        no: Integer = "NO", "Row number";
        prefecture: Text = "都道府県名", "Prefecture";
        municipality: Text = "市区町村名", "Municipality";
        name: Text = "イベント名", "Name";
        name_kana: Text = "イベント名_カナ", "Name in katakana";
        name_en: Text = "イベント名_英語", "Name in English";
        start_date: Date = "開始日",
            "First day (YYYY-MM-DD; YYYY-MM or YYYY when the source gives no day)";
        end_date: Date = "終了日",
            "Last day (YYYY-MM-DD; YYYY-MM or YYYY when the source gives no day)";
        start_time: Text = "開始時間", "Start time (HH:MM, Japan time)";
        end_time: Text = "終了時間", "End time (HH:MM, Japan time)";
        date_note: Text = "開始日時特記事項", "Note on the dates";
        description: Text = "説明", "Description";
        fee: Text = "料金(基本)", "Fee";
        fee_detail: Text = "料金(詳細)", "Fee details";
        contact_name: Text = "連絡先名称", "Contact";
        contact_phone: Text = "連絡先電話番号", "Contact telephone number";
        contact_extension: Text = "連絡先内線番号", "Contact extension number";
        organizer: Text = "主催者", "Organizer";
        place_name: Text = "場所名称", "Venue";
        address: Text = "住所", "Address";
        address_detail: Text = "方書", "Address details (building, floor)";
        latitude: Text = "緯度", "Latitude";
        longitude: Text = "経度", "Longitude";
        access: Text = "アクセス方法", "Access";
        parking: Text = "駐車場情報", "Parking";
        capacity: Text = "定員", "Capacity";
        application_end_date: Text = "参加申込終了日", "Last day to apply";
        application_end_time: Text = "参加申込終了時間", "Last time to apply";
        application_method: Text = "参加申込方法", "How to apply";
        url: Text = "URL", "Page on this site";
        note: Text = "備考", "Notes (field, kind, support given, municipalities involved…)";
    }
}

impl DataSet for Event {
    const ABOUT: &'static About = &About {
        id: "events",
        title: "イベント一覧",
        description: "連携イベント（自治体標準オープンデータセット「イベント一覧」の項目）",
        title_en: "Events",
        description_en: "Collaboration events, in the columns of the standard open data set “イベント一覧” (event list) of Japanese local governments.",
    };

    fn records(site: &Site, bodies: &Bodies) -> Vec<Event> {
        let ids = chronological(site, Collection::Events);
        ids.into_iter()
            .enumerate()
            .filter_map(|(index, id)| {
                let node = &site.nodes[id];
                let Meta::Event(m) = &node.entry.meta else { return None };
                let wards = &node.links.wards;
                let time = |t: Option<chrono::NaiveTime>| {
                    t.map(|t| t.format("%H:%M").to_string()).unwrap_or_default()
                };
                let organizer =
                    if wards.is_empty() { publisher(site).to_owned() } else { names(site, wards) };
                Some(Event {
                    code: wards
                        .first()
                        .and_then(|&w| ward_code(site, w))
                        .unwrap_or_default()
                        .to_owned(),
                    no: Some(index as i64 + 1),
                    prefecture: if wards.is_empty() {
                        String::new()
                    } else {
                        "東京都".to_owned()
                    },
                    municipality: names(site, wards),
                    name: m.title.clone(),
                    name_en: node
                        .translations
                        .get("en")
                        .map(|e| e.meta.title().to_owned())
                        .unwrap_or_default(),
                    start_date: m.date.iso_date(),
                    end_date: m.end.unwrap_or(m.date).iso_date(),
                    start_time: time(m.date.time()),
                    end_time: time(m.end.and_then(|e| e.time())),
                    date_note: date_note(m.date, m.end),
                    description: summary(site, bodies, id),
                    organizer,
                    place_name: m.venue.clone().unwrap_or_default(),
                    url: page_url(site, id),
                    note: note(site, node, m),
                    ..Event::default()
                })
            })
            .collect()
    }
}

/// 備考: the field, the kind, the support the wards gave (another's project) and the
/// municipalities involved.
fn note(site: &Site, node: &Node, m: &EventMeta) -> String {
    let mut note = vec![format!("分野：{}", m.category)];
    if let Some(kind) = &m.kind {
        note.push(format!("種別：{kind}"));
    }
    if !m.support.is_empty() {
        note.push(format!("支援：{}", m.support.join("、")));
    }
    let partners = [&node.links.municipalities[..], &node.links.prefectures[..]].concat();
    if !partners.is_empty() {
        note.push(format!("関係する自治体：{}", names(site, &partners)));
    }
    note.join("／")
}

/// 開始日時特記事項 of an event whose source gives no day: says so, so that `2016-12` in 開始日
/// is not read as a typing mistake.
fn date_note(start: Date, end: Option<Date>) -> String {
    let partial = |date: Date| date.is_partial().then(|| ja_period(date));
    match (partial(start), end.and_then(partial)) {
        (None, None) => String::new(),
        (Some(start), None) => format!("開催日は出典に記載がありません（{start}）"),
        (None, Some(end)) => format!("終了日は出典に記載がありません（{end}）"),
        (Some(start), Some(end)) => {
            format!("開催日・終了日は出典に記載がありません（{start}〜{end}）")
        }
    }
}

/// `2016年12月`, `2016年`.
fn ja_period(date: Date) -> String {
    match date.month() {
        Some(month) => format!("{}年{month}月", date.year()),
        None => format!("{}年", date.year()),
    }
}
