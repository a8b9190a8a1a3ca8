//! 会員登録自治体・団体一覧: the members of the project website (issue 24), municipalities in
//! code order, then partners; the registration as precise as its source gives it.

use super::table::record;
use super::{About, Bodies, DataSet, page_url, prefecture_of};
use crate::load::Meta;
use crate::model::Site;

record! {
    /// One member.
    pub(super) struct Member {
        member_type: Text = "会員の種別",
            "Kind of member (自治体: local government, 団体: organisation)";
        id: Text = "ID", "Identifier on this site";
        code: Text = "全国地方公共団体コード", "Local government code (6 digits, with check digit)";
        name: Text = "名称", "Name";
        prefecture: Text = "都道府県名", "Prefecture";
        registered: Date = "会員登録日",
            "Registered as a member (YYYY-MM-DD, or YYYY-MM / YYYY as precise as the source)";
        source: Text = "出典", "URL of the public source";
        article_count: Integer = "記事数",
            "Number of articles (news and events) written by the member";
        url: Text = "URL", "Page on this site";
    }
}

impl DataSet for Member {
    const ABOUT: &'static About = &About {
        id: "members",
        title: "会員登録自治体・団体一覧",
        description: "全国連携ホームページに会員登録している自治体と団体（登録日は出典に書かれている精度で）",
        title_en: "Members of the project website",
        description_en: "Municipalities and organisations registered as members of the project website; the registration date as precise as the source gives it.",
    };

    fn records(site: &Site, _: &Bodies) -> Vec<Member> {
        site.members()
            .into_iter()
            .map(|id| {
                let node = &site.nodes[id];
                let member = node.entry.meta.membership();
                let (member_type, code, prefecture) = match &node.entry.meta {
                    Meta::Municipality(_) => {
                        ("自治体", node.id().to_owned(), prefecture_of(site, id).1)
                    }
                    _ => ("団体", String::new(), String::new()),
                };
                Member {
                    member_type: member_type.to_owned(),
                    id: node.id().to_owned(),
                    code,
                    name: node.title().to_owned(),
                    prefecture,
                    registered: member.map(|m| m.registered.0.clone()).unwrap_or_default(),
                    source: member.and_then(|m| m.source.clone()).unwrap_or_default(),
                    article_count: Some(node.backlinks.articles.len() as i64),
                    url: page_url(site, id),
                }
            })
            .collect()
    }
}
