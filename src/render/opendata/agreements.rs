//! 協定一覧: the agreements of the Conference of Mayors of the Special Wards and of the wards.

use super::table::record;
use super::{About, Bodies, DataSet, names, page_url};
use crate::load::Meta;
use crate::model::{Collection, Site};

record! {
    /// One agreement.
    pub(super) struct Agreement {
        id: Text = "ID", "Identifier on this site";
        name: Text = "協定名", "Name";
        date: Date = "締結日",
            "Date signed (YYYY-MM-DD, or YYYY-MM / YYYY as precise as the source; empty when no source states it)";
        date_note: Text = "締結日の注記", "Note on the dates";
        parties: Text = "当事者", "Parties";
        prefectures: Text = "関係する都道府県", "Prefectures involved";
        municipalities: Text = "関係する自治体", "Municipalities involved";
        url: Text = "URL", "Page on this site";
    }
}

impl DataSet for Agreement {
    const ABOUT: &'static About = &About {
        id: "agreements",
        title: "協定一覧",
        description: "特別区長会や各区が結んだ協定（締結日は出典に書かれている場合だけ）",
        title_en: "Agreements",
        description_en: "Agreements of the Conference of Mayors of the Special Wards and of the wards; the date is given only when a public source states the signing day.",
    };

    /// Oldest first; those whose sources state no signing day last, by title, with an empty
    /// date (never an inferred one) and the note in its own column.
    fn records(site: &Site, _: &Bodies) -> Vec<Agreement> {
        let mut ids = site.list(Collection::Agreements).to_vec();
        ids.sort_by_key(|&id| {
            let node = &site.nodes[id];
            (node.date().is_none(), node.date(), node.title().to_owned(), node.id().to_owned())
        });
        ids.into_iter()
            .filter_map(|id| {
                let node = &site.nodes[id];
                let Meta::Agreement(m) = &node.entry.meta else { return None };
                Some(Agreement {
                    id: node.id().to_owned(),
                    name: m.title.clone(),
                    date: m.date.map(|d| d.iso_date()).unwrap_or_default(),
                    date_note: m.date_note.clone().unwrap_or_default(),
                    parties: m.parties.join("、"),
                    prefectures: names(site, &node.links.prefectures),
                    municipalities: names(site, &node.links.municipalities),
                    url: page_url(site, id),
                })
            })
            .collect()
    }
}
