//! Members of the project's website (全国連携ホームページの会員登録, 推進方針 6 (1)) and the
//! partners of the 協働プラットフォーム (6 (4)): who is a member, which member wrote a news item or
//! an event (`author:`), and which partners take part in an event or exhibit.
//!
//! Kept apart from `link` so that the rest of the model does not grow with the policy's
//! collections; `link` calls in here with one line per step.

use std::collections::BTreeSet;

use super::{Backlinks, Collection, Node, NodeId, PARTNER_KINDS, Site};
use crate::diag::{Diagnostics, suggest};
use crate::load::{Entry, Meta};
use crate::messages::Text;
use crate::msg;

impl Site {
    /// Every member of the website: municipalities in code order, then partners in list order.
    pub fn members(&self) -> Vec<NodeId> {
        [Collection::Municipalities, Collection::Partners]
            .into_iter()
            .flat_map(|collection| self.list(collection).iter().copied())
            .filter(|&id| self.nodes[id].entry.meta.membership().is_some())
            .collect()
    }
}

/// The node a municipality code or partner id names: digits are a municipality's code (padded
/// to six, as YAML drops leading zeros from a number), anything else a partner's id.
fn member_node(site: &Site, written: &str) -> (Collection, String, Option<NodeId>) {
    let (collection, id) = if !written.is_empty() && written.bytes().all(|b| b.is_ascii_digit()) {
        (Collection::Municipalities, format!("{written:0>6}"))
    } else {
        (Collection::Partners, written.to_owned())
    };
    let node = site.node(collection, &id);
    (collection, id, node)
}

/// Resolves the `author:` of a news item or an event: it must name a member. `absent`: drafts
/// and files that failed to load, whose own problem is reported already.
pub(super) fn resolve_author(
    site: &Site,
    entry: &Entry,
    absent: &[&BTreeSet<(Collection, String)>],
    diagnostics: &mut Diagnostics,
) -> Option<NodeId> {
    let written = entry.meta.author()?;
    let (collection, id, node) = member_node(site, written.trim());
    if absent.iter().any(|set| set.contains(&(collection, id.clone()))) {
        return None;
    }
    let Some(node) = node else {
        diagnostics.push(
            entry
                .error_at_value("author", written, msg!("member.unknown", value = written))
                .with_optional_help(nearest_member(site, written)),
        );
        return None;
    };
    if site.nodes[node].entry.meta.membership().is_none() {
        let target = &site.nodes[node];
        diagnostics.push(
            entry
                .error_at_value(
                    "author",
                    written,
                    msg!("member.not_member", value = written, name = target.title()),
                )
                .with_help(not_member_help(site, written, target)),
        );
        return None;
    }
    Some(node)
}

/// How to make `target` a member, with the member nearest to what was written when there is one.
fn not_member_help(site: &Site, written: &str, target: &Node) -> Text {
    let path = crate::diag::shown_path(&target.entry.path);
    match nearest_member(site, written) {
        Some(nearest) => msg!("member.not_member_help_nearest", path = path, nearest = nearest),
        None => msg!("member.not_member_help", path = path),
    }
}

/// The member nearest to what was written: by name (`釧路市` for `012068`), else by spelling.
fn nearest_member(site: &Site, written: &str) -> Option<Text> {
    let members: Vec<&Node> = site.members_unsorted().collect();
    if let Some(node) = members.iter().find(|n| n.title() == written) {
        return Some(msg!("member.by_code", value = written, id = node.id()));
    }
    let ids: Vec<&str> = members.iter().map(|n| n.id()).collect();
    suggest(written, &ids).or_else(|| ids.is_empty().then(|| msg!("member.none_yet")))
}

impl Site {
    /// Members before the collections are sorted (linking resolves authors first).
    fn members_unsorted(&self) -> impl Iterator<Item = &Node> {
        self.nodes.iter().filter(|n| n.entry.meta.membership().is_some())
    }
}

/// A partner's `kind` must be one of `PARTNER_KINDS`.
pub(super) fn check_partner(entry: &Entry, diagnostics: &mut Diagnostics) {
    let Meta::PartnerOrg(m) = &entry.meta else { return };
    if !PARTNER_KINDS.contains(&m.kind.as_str()) {
        diagnostics.push(
            entry
                .error_at_value(
                    "kind",
                    &m.kind,
                    msg!("member.unknown_kind", kind = m.kind.as_str()),
                )
                .with_help(kind_help(&m.kind)),
        );
    }
}

/// The kind an editor most likely meant: one that begins with what was written (a kind written
/// short, `金融` for `金融機関`, is as far from `企業` by edits), else the nearest, else the list.
fn kind_help(written: &str) -> Text {
    let short_for =
        PARTNER_KINDS.iter().find(|kind| !written.is_empty() && kind.starts_with(written));
    match short_for {
        Some(kind) => msg!("diag.did_you_mean", value = *kind),
        None => suggest(written, &PARTNER_KINDS)
            .unwrap_or_else(|| msg!("diag.one_of", values = PARTNER_KINDS.join(" / "))),
    }
}

/// Records each member's articles (newest first, as the news and events are sorted) and each
/// event's and exhibit's partners (in the partners' list order).
pub(super) fn fill_backlinks(site: &Site, backlinks: &mut [Backlinks]) {
    let mut articles: Vec<NodeId> = [Collection::News, Collection::Events]
        .into_iter()
        .flat_map(|collection| site.list(collection).iter().copied())
        .collect();
    articles.sort_by(|&a, &b| super::link::newest_first(&site.nodes[a], &site.nodes[b]));
    for id in articles {
        if let Some(author) = site.nodes[id].links.author {
            backlinks[author].articles.push(id);
        }
    }
    for &partner in site.list(Collection::Partners) {
        for &target in &site.nodes[partner].links.taking_part {
            backlinks[target].partner_orgs.push(partner);
        }
    }
}
