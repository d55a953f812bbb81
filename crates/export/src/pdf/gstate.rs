//! Graphics states for translucent drawing (opacity, and the multiply blend of the
//! highlighter, which darkens the ink under it instead of veiling it). One object per
//! distinct state in a file, named in the resources of the pages that use it.

use lopdf::{dictionary, Document, Object, ObjectId};
use std::collections::BTreeMap;

#[derive(Debug, Default)]
pub struct GStates {
    /// (opacity in hundredths, multiply) → resource name.
    names: BTreeMap<(u32, bool), String>,
    ids: BTreeMap<String, ObjectId>,
}

impl GStates {
    /// The resource name of the state; created on first use.
    pub fn name(&mut self, opacity: f64, multiply: bool) -> String {
        let alpha = (opacity.clamp(0.0, 1.0) * 100.0).round() as u32;
        let next = self.names.len();
        self.names
            .entry((alpha, multiply))
            .or_insert_with(|| format!("KgGs{next}"))
            .clone()
    }

    /// Writes the states not yet in `doc` and returns every state's (name, id), to be
    /// listed under the `/ExtGState` of a page's resources.
    pub fn write(&mut self, doc: &mut Document) -> Vec<(String, ObjectId)> {
        for ((alpha, multiply), name) in &self.names {
            if self.ids.contains_key(name) {
                continue;
            }
            let a = f64::from(*alpha) / 100.0;
            let mut dict = dictionary! {
                "Type" => "ExtGState",
                "CA" => Object::Real(a as f32),
                "ca" => Object::Real(a as f32),
            };
            if *multiply {
                dict.set("BM", "Multiply");
            }
            self.ids.insert(name.clone(), doc.add_object(dict));
        }
        self.ids.iter().map(|(n, id)| (n.clone(), *id)).collect()
    }
}
