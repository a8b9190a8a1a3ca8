//! 協働プラットフォーム参画団体一覧: the partners of the 協働プラットフォーム (issue 24), in the
//! platform page's order (by kind).

use super::table::record;
use super::{About, Bodies, DataSet, names, page_url, summary};
use crate::load::Meta;
use crate::model::{Collection, Site};

record! {
    /// One partner.
    pub(super) struct Partner {
        id: Text = "ID", "Identifier on this site";
        name: Text = "名称", "Name";
        kana: Text = "よみがな", "Reading in kana";
        partner_kind: Text = "団体の種別",
            "Kind (企業 company, NPO, 大学 university, 金融機関 financial institution, 労働団体 labour organisation, 報道機関 news organisation, 公的団体 public body, その他 other)";
        website: Text = "公式サイト", "Official website";
        taking_part: Text = "参加しているイベント・展示", "Events and exhibits it takes part in";
        registered: Date = "会員登録日",
            "Registered as a member (YYYY-MM-DD, or YYYY-MM / YYYY as precise as the source)";
        description: Text = "説明", "Description";
        url: Text = "URL", "Page on this site";
    }
}

impl DataSet for Partner {
    const ABOUT: &'static About = &About {
        id: "partners",
        title: "協働プラットフォーム参画団体一覧",
        description: "プロジェクトに参画する企業・NPO・大学・金融機関・労働団体・報道機関・公的団体など",
        title_en: "Partners of the collaboration platform",
        description_en: "Companies, NPOs, universities, financial institutions, labour and news organisations and public bodies taking part in the project.",
    };

    fn records(site: &Site, bodies: &Bodies) -> Vec<Partner> {
        site.list(Collection::Partners)
            .iter()
            .filter_map(|&id| {
                let node = &site.nodes[id];
                let Meta::PartnerOrg(m) = &node.entry.meta else { return None };
                Some(Partner {
                    id: node.id().to_owned(),
                    name: m.name.clone(),
                    kana: m.kana.clone().unwrap_or_default(),
                    partner_kind: m.kind.clone(),
                    website: m.website.clone().unwrap_or_default(),
                    taking_part: names(site, &node.links.taking_part),
                    registered: m
                        .member
                        .as_ref()
                        .map(|member| member.registered.0.clone())
                        .unwrap_or_default(),
                    description: summary(site, bodies, id),
                    url: page_url(site, id),
                })
            })
            .collect()
    }
}
