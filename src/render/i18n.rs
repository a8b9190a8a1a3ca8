//! The theme's interface strings in each language (`t` in templates).

use serde_json::{Map, Value};

use crate::model::Collection;

/// (key, Japanese, English)
const STRINGS: &[(&str, &str, &str)] = &[
    ("home", "ホーム", "Home"),
    ("wards", "特別区", "Special wards"),
    ("prefectures", "都道府県", "Prefectures"),
    ("municipalities", "市区町村", "Municipalities"),
    ("events", "イベント", "Events"),
    ("exhibits", "展示", "Exhibits"),
    ("news", "お知らせ", "News"),
    ("facilities", "施設", "Facilities"),
    ("agreements", "協定", "Agreements"),
    ("about", "プロジェクトについて", "About the project"),
    ("skip_to_content", "本文へ移動", "Skip to content"),
    ("breadcrumbs", "パンくずリスト", "Breadcrumbs"),
    ("upcoming", "これからのイベント", "Upcoming"),
    ("past", "過去のイベント", "Past"),
    ("current", "開催中・開催予定", "Current and upcoming"),
    ("partners", "連携自治体", "Partners"),
    ("relation", "関係", "Relation"),
    ("since", "提携時期", "Since"),
    ("source", "出典", "Source"),
    ("no_items", "該当する項目はありません。", "Nothing here yet."),
    ("page_n", "（{n}ページ目）", " (page {n})"),
    ("previous", "前へ", "Previous"),
    ("next", "次へ", "Next"),
    ("pagination", "ページ送り", "Pagination"),
    ("table_of_contents", "目次", "Contents"),
    ("updated", "更新日", "Updated"),
    ("venue", "会場", "Venue"),
    ("location", "場所", "Location"),
    ("category", "分野", "Field"),
    ("kind", "種別", "Kind"),
    ("date", "日付", "Date"),
    ("period", "期間", "Period"),
    ("address", "所在地", "Address"),
    ("capacity", "定員", "Capacity"),
    ("uses", "用途", "Uses"),
    ("website", "公式サイト", "Website"),
    ("code", "地方公共団体コード", "Local government code"),
    ("kana", "よみがな", "Reading"),
    ("region", "地方", "Region"),
    ("parties", "締結団体", "Parties"),
    ("language", "言語", "Language"),
    ("by_region", "地方・都道府県から探す", "By region"),
    ("by_ward", "特別区から探す", "By ward"),
    ("by_category", "分野から探す", "By field"),
    ("related_events", "関連するイベント", "Related events"),
    ("related_exhibits", "関連する展示", "Related exhibits"),
    ("related_news", "関連するお知らせ", "Related news"),
    ("related_agreements", "関連する協定", "Related agreements"),
    ("related_facilities", "施設", "Facilities"),
    ("partner_count", "連携数", "Relations"),
    ("municipality_count", "掲載自治体数", "Municipalities"),
    ("not_found_title", "ページが見つかりません", "Page not found"),
    (
        "not_found_text",
        "お探しのページは移動または削除された可能性があります。",
        "The page may have moved or been removed.",
    ),
    (
        "footer_license",
        "このサイトの内容は次のライセンスで提供しています：",
        "The content of this site is available under",
    ),
    ("search", "検索", "Search"),
    ("external", "外部サイト", "external site"),
    ("prefecture", "都道府県", "Prefecture"),
    ("ward", "特別区", "Ward"),
    ("municipality", "自治体", "Municipality"),
    ("organizer_wards", "関係する特別区", "Wards involved"),
    ("related_municipalities", "関係する自治体", "Municipalities involved"),
    ("related_prefectures", "関係する都道府県", "Prefectures involved"),
    ("read_more", "詳しく見る", "Read more"),
    ("all_events", "イベント一覧", "All events"),
    ("all_news", "お知らせ一覧", "All news"),
    ("stats", "連携の状況", "At a glance"),
    ("primary_nav", "メインメニュー", "Main menu"),
    ("map_heading", "地図で見る連携", "Relations on the map"),
    ("disaster", "災害", "Disaster"),
    ("past_exhibits", "過去の展示", "Past exhibits"),
    ("site_search", "サイト内検索", "Site search"),
    ("search_words", "検索する言葉", "Words to search for"),
    ("search_placeholder", "釧路、くしろ、kushiro", "e.g. Kushiro"),
    ("districts", "区（行政区）", "Wards of the city"),
    ("district_name", "区名", "Ward"),
];

/// All strings of `lang` (English for every language but Japanese).
pub(super) fn strings(lang: &str) -> Value {
    let japanese = lang == "ja";
    let map: Map<String, Value> = STRINGS
        .iter()
        .map(|(key, ja, en)| {
            ((*key).to_owned(), Value::String((if japanese { ja } else { en }).to_string()))
        })
        .collect();
    Value::Object(map)
}

pub(super) fn text(lang: &str, key: &str) -> String {
    let japanese = lang == "ja";
    STRINGS
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, ja, en)| if japanese { *ja } else { *en })
        .unwrap_or(key)
        .to_owned()
}

/// The title of a collection's list page when no `_index.md` gives one.
pub(super) fn collection_title(collection: Collection, lang: &str) -> String {
    match collection {
        Collection::Pages => text(lang, "home"),
        other => text(lang, other.folder()),
    }
}
