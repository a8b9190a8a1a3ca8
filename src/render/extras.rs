//! What the open data work adds to every page's context: structured data (JSON-LD), the Open
//! Graph image, the map of Japan, the calendar link and the feeds of wards and prefectures.

use serde_json::{Map, Value};

use crate::model::{Route, Site};

/// Adds the variables of this module to the context of `route`.
pub(super) fn add(_site: &Site, _route: &Route, _context: &mut Map<String, Value>) {}
