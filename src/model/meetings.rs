//! Meetings and supported projects (推進方針 4 (3) ③, 6 (2), 6 (3)): their checks, their order,
//! and the groups their lists show (per body, per 年度).
//!
//! Kept apart from `link.rs` so that the two kinds of entry added for issue 24 stay in one
//! place: `link` calls `check` and `sort` with a line each.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use super::{Collection, NodeId, Site};
use crate::diag::{Diagnostics, suggest};
use crate::load::{Entry, Meta, Nendo, meta::MeetingMeta};
use crate::messages::Text;
use crate::msg;

/// What the 23 wards may give to another's project (an event's `support`).
pub const SUPPORT_KINDS: [&str; 6] = ["協賛", "後援", "共催", "支援", "協力", "助成"];

/// The meetings of one body, newest 年度 first: `(body, [(年度, meetings)])`; meetings whose
/// source gives no 年度 (a year alone) under `None`, last.
pub type ByBody = Vec<(String, Vec<(Option<Nendo>, Vec<NodeId>)>)>;

/// Checks the fields of meetings and the `support` of events that linking cannot.
pub(super) fn check(site: &Site, diagnostics: &mut Diagnostics) {
    for node in &site.nodes {
        let entry = &node.entry;
        match &entry.meta {
            Meta::Meeting(m) => check_meeting(entry, m, diagnostics),
            Meta::Event(m) => {
                for kind in &m.support {
                    if !SUPPORT_KINDS.contains(&kind.as_str()) {
                        diagnostics.push(
                            entry
                                .error_at_value(
                                    "support",
                                    kind,
                                    msg!("meeting.unknown_support", kind = kind.as_str()),
                                )
                                .with_help(support_help(kind)),
                        );
                    }
                }
            }
            _ => {}
        }
    }
}

fn support_help(kind: &str) -> Text {
    suggest(kind, &SUPPORT_KINDS)
        .unwrap_or_else(|| msg!("diag.one_of", values = SUPPORT_KINDS.join(", ")))
}

fn check_meeting(entry: &Entry, m: &MeetingMeta, diagnostics: &mut Diagnostics) {
    match (&m.date, m.nendo) {
        (None, None) => diagnostics.push(
            entry
                .error_at_value("title", &m.title, msg!("meeting.no_date"))
                .with_help(msg!("meeting.no_date_help")),
        ),
        (Some(date), Some(nendo)) if Nendo::of(date).is_some_and(|of| of != nendo) => {
            let of = Nendo::of(date).map_or(0, |n| n.0);
            diagnostics.push(
                entry
                    .error_at_value(
                        "nendo",
                        &nendo.0.to_string(),
                        msg!(
                            "meeting.nendo_mismatch",
                            nendo = nendo.0.to_string(),
                            date = date.to_string(),
                            of = of.to_string()
                        ),
                    )
                    .with_help(msg!("meeting.nendo_mismatch_help", of = of.to_string())),
            );
        }
        _ => {}
    }
    if m.count == Some(0) {
        diagnostics.push(
            entry
                .error_at_value("count", "0", msg!("meeting.count_zero"))
                .with_help(msg!("meeting.count_zero_help")),
        );
    }
    if let Some(minutes) = &m.minutes {
        check_minutes(entry, minutes, diagnostics);
    }
}

/// The minutes are a PDF beside a folder entry's `index.md`.
fn check_minutes(entry: &Entry, minutes: &str, diagnostics: &mut Diagnostics) {
    let name = minutes.strip_prefix("./").unwrap_or(minutes);
    if !name.to_ascii_lowercase().ends_with(".pdf") {
        diagnostics.push(
            entry
                .error_at_value(
                    "minutes",
                    minutes,
                    msg!("meeting.minutes_not_pdf", minutes = minutes),
                )
                .with_help(msg!("meeting.minutes_not_pdf_help")),
        );
        return;
    }
    let beside: Vec<String> = entry
        .assets
        .iter()
        .filter_map(|path| path.file_name())
        .map(|file| file.to_string_lossy().into_owned())
        .collect();
    if beside.iter().any(|file| file == name) {
        return;
    }
    let help = if !entry.folder {
        msg!("meeting.minutes_folder_help", id = entry.id.as_str())
    } else {
        let pdfs: Vec<&str> =
            beside.iter().map(String::as_str).filter(|f| f.ends_with(".pdf")).collect();
        suggest(name, &pdfs).unwrap_or_else(|| msg!("meeting.minutes_beside_help"))
    };
    diagnostics.push(
        entry
            .error_at_value("minutes", minutes, msg!("meeting.minutes_missing", minutes = minutes))
            .with_help(help),
    );
}

/// Meetings newest first: by 年度, then by date (a 年度 alone after the dated meetings of that
/// 年度), then by title.
pub(super) fn sort(site: &Site, ids: &mut [NodeId]) {
    let key = |id: NodeId| match &site.nodes[id].entry.meta {
        Meta::Meeting(m) => (m.fiscal_year(), m.date),
        _ => (None, None),
    };
    ids.sort_by(|&a, &b| {
        let (ka, kb) = (key(a), key(b));
        kb.0.cmp(&ka.0)
            .then_with(|| kb.1.cmp(&ka.1))
            .then_with(|| site.nodes[a].title().cmp(site.nodes[b].title()))
            .then_with(|| site.nodes[a].id().cmp(site.nodes[b].id()))
    });
}

impl Site {
    /// Every meeting grouped by body (bodies by name), then by 年度 (newest first).
    pub fn meetings_by_body(&self) -> ByBody {
        let mut bodies: BTreeMap<&str, Vec<NodeId>> = BTreeMap::new();
        for &id in self.list(Collection::Meetings) {
            if let Meta::Meeting(m) = &self.nodes[id].entry.meta {
                bodies.entry(m.body.as_str()).or_default().push(id);
            }
        }
        bodies.into_iter().map(|(body, ids)| (body.to_owned(), self.by_nendo(&ids))).collect()
    }

    /// Meetings (in list order) grouped by 年度, keeping the order; `None` (no 年度) last.
    pub fn by_nendo(&self, ids: &[NodeId]) -> Vec<(Option<Nendo>, Vec<NodeId>)> {
        let mut groups: Vec<(Option<Nendo>, Vec<NodeId>)> = Vec::new();
        for &id in ids {
            let nendo = match &self.nodes[id].entry.meta {
                Meta::Meeting(m) => m.fiscal_year(),
                _ => None,
            };
            match groups.iter_mut().find(|(n, _)| *n == nendo) {
                Some((_, members)) => members.push(id),
                None => groups.push((nendo, vec![id])),
            }
        }
        groups.sort_by(|a, b| match (a.0, b.0) {
            (Some(x), Some(y)) => y.cmp(&x),
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (None, None) => Ordering::Equal,
        });
        groups
    }

    /// Events with `support`: the projects of others the 23 wards supported, newest first.
    pub fn supported(&self) -> Vec<NodeId> {
        let supported = |id: &&NodeId| matches!(&self.nodes[**id].entry.meta, Meta::Event(m) if !m.support.is_empty());
        self.list(Collection::Events).iter().filter(supported).copied().collect()
    }
}
