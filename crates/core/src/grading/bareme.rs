//! The barème: a tree of at most three levels (exercise > question > sub-question).
//! Leaves carry the maximum points; inner nodes only group and sum.
//!
//! Invariants of a validated barème: every node has a non-empty id unique in the tree
//! (kept across edits, never derived from position) and a non-empty label; a leaf has a
//! maximum above zero that is a multiple of its step; an inner node has neither maximum
//! nor step; there is at least one leaf.

use super::points::{Points, Step};
use crate::error::{Error, Result};
use crate::model::new_id;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// How a leaf's ± score stamps count when no score was typed for it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum StampMode {
    /// The leaf starts at 0 and the stamps add up (clamped to [0, max]).
    #[default]
    FromZero,
    /// The leaf starts at its maximum and the stamps take points off (clamped).
    FromMax,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Node {
    /// Stable id. Absent in a file for a new node: one is minted when the barème is set.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    pub label: String,
    /// Leaf only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Points>,
    /// Leaf only; defaults to the barème's step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<Step>,
    /// Leaf only.
    #[serde(default, skip_serializing_if = "is_default_mode")]
    pub stamps: StampMode,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Node>,
}

fn is_default_mode(m: &StampMode) -> bool {
    *m == StampMode::FromZero
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Bareme {
    /// The default step of every leaf.
    #[serde(default = "default_step")]
    pub step: Step,
    pub nodes: Vec<Node>,
}

fn default_step() -> Step {
    Step::Quarter
}

/// A leaf as graders see it: where it sits and what it allows.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Leaf {
    pub id: String,
    /// Labels from the exercise down to this leaf.
    pub path: Vec<String>,
    pub max: Points,
    pub step: Step,
    pub stamps: StampMode,
}

impl Leaf {
    pub fn title(&self) -> String {
        self.path.join(" > ")
    }
}

pub const MAX_DEPTH: usize = 3;

impl Bareme {
    /// Reads a barème file's text; `source` names it in errors.
    pub fn from_json(text: &str, source: &str) -> Result<Bareme> {
        serde_json::from_str(text)
            .map_err(|e| Error::validation(format!("{source}: not a barème: {e}")))
    }

    /// Mints ids for the nodes that have none, then validates the whole tree.
    pub fn with_ids(mut self) -> Result<Bareme> {
        fn mint(nodes: &mut [Node]) {
            for n in nodes {
                if n.id.trim().is_empty() {
                    n.id = new_id().to_string();
                }
                mint(&mut n.children);
            }
        }
        mint(&mut self.nodes);
        self.validate()?;
        Ok(self)
    }

    pub fn validate(&self) -> Result<()> {
        if self.nodes.is_empty() {
            return Err(Error::validation("the barème has no exercise"));
        }
        let mut ids = HashSet::new();
        let mut path = Vec::new();
        for n in &self.nodes {
            validate_node(n, self.step, 1, &mut ids, &mut path)?;
        }
        Ok(())
    }

    /// Every leaf in barème order (depth first, as written).
    pub fn leaves(&self) -> Vec<Leaf> {
        fn walk(nodes: &[Node], step: Step, path: &mut Vec<String>, out: &mut Vec<Leaf>) {
            for n in nodes {
                path.push(n.label.clone());
                if n.children.is_empty() {
                    out.push(Leaf {
                        id: n.id.clone(),
                        path: path.clone(),
                        max: n.max.unwrap_or_default(),
                        step: n.step.unwrap_or(step),
                        stamps: n.stamps,
                    });
                } else {
                    walk(&n.children, step, path, out);
                }
                path.pop();
            }
        }
        let mut out = Vec::new();
        walk(&self.nodes, self.step, &mut Vec::new(), &mut out);
        out
    }

    /// Every node in barème order, with its depth (1 = exercise).
    pub fn nodes_in_order(&self) -> Vec<(&Node, usize)> {
        fn walk<'a>(nodes: &'a [Node], depth: usize, out: &mut Vec<(&'a Node, usize)>) {
            for n in nodes {
                out.push((n, depth));
                walk(&n.children, depth + 1, out);
            }
        }
        let mut out = Vec::new();
        walk(&self.nodes, 1, &mut out);
        out
    }

    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes_in_order()
            .into_iter()
            .map(|(n, _)| n)
            .find(|n| n.id == id)
    }

    pub fn leaf(&self, id: &str) -> Option<Leaf> {
        self.leaves().into_iter().find(|l| l.id == id)
    }

    /// The ids of the leaves under a node (itself if it is a leaf).
    pub fn leaves_under(&self, id: &str) -> Vec<String> {
        fn collect(n: &Node, out: &mut Vec<String>) {
            if n.children.is_empty() {
                out.push(n.id.clone());
            }
            for c in &n.children {
                collect(c, out);
            }
        }
        let mut out = Vec::new();
        if let Some(n) = self.node(id) {
            collect(n, &mut out);
        }
        out
    }

    pub fn max_total(&self) -> Points {
        self.leaves().iter().map(|l| l.max).sum()
    }

    /// A node's maximum: its own for a leaf, the sum of its leaves otherwise.
    pub fn max_of(&self, id: &str) -> Points {
        let leaves = self.leaves();
        self.leaves_under(id)
            .iter()
            .filter_map(|l| leaves.iter().find(|x| &x.id == l))
            .map(|l| l.max)
            .sum()
    }
}

fn validate_node(
    n: &Node,
    step: Step,
    depth: usize,
    ids: &mut HashSet<String>,
    path: &mut Vec<String>,
) -> Result<()> {
    path.push(if n.label.trim().is_empty() {
        format!("(node {})", n.id)
    } else {
        n.label.clone()
    });
    let at = path.join(" > ");
    let bad = |what: String| Err(Error::validation(format!("barème node '{at}': {what}")));
    if n.label.trim().is_empty() {
        return bad("the label is empty".into());
    }
    if n.id.trim().is_empty() || n.id.len() > 64 || n.id.chars().any(char::is_whitespace) {
        return bad(format!(
            "id '{}' must be 1 to 64 characters without spaces",
            n.id
        ));
    }
    if !ids.insert(n.id.clone()) {
        return bad(format!("id '{}' is used twice", n.id));
    }
    if depth > MAX_DEPTH {
        return bad(format!(
            "more than {MAX_DEPTH} levels (exercise > question > sub-question)"
        ));
    }
    if n.children.is_empty() {
        let Some(max) = n.max else {
            return bad("a question without sub-questions needs its maximum (\"max\")".into());
        };
        let step = n.step.unwrap_or(step);
        if max <= Points::ZERO {
            return bad(format!("maximum {max} must be above 0"));
        }
        if !max.is_multiple_of(step) {
            return bad(format!(
                "maximum {max} is not a multiple of its step {}",
                step.points()
            ));
        }
    } else {
        if n.max.is_some() || n.step.is_some() || n.stamps != StampMode::default() {
            return bad(
                "a node with sub-questions takes its maximum from them: remove its \"max\", \"step\" and \"stamps\""
                    .into(),
            );
        }
        for c in &n.children {
            validate_node(c, step, depth + 1, ids, path)?;
        }
    }
    path.pop();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Bareme {
        Bareme::from_json(
            r#"{"step": 0.5, "nodes": [
                {"id": "ex1", "label": "Exercice 1", "children": [
                    {"id": "q1", "label": "1.", "max": 2},
                    {"id": "q2", "label": "2.", "children": [
                        {"id": "q2a", "label": "a)", "max": 1.5},
                        {"label": "b)", "max": 0.75, "step": 0.25, "stamps": "from_max"}
                    ]}
                ]},
                {"id": "ex2", "label": "Exercice 2", "max": 4}
            ]}"#,
            "test",
        )
        .unwrap()
        .with_ids()
        .unwrap()
    }

    #[test]
    fn leaves_come_in_order_with_their_paths_and_steps() {
        let b = sample();
        let leaves = b.leaves();
        let titles: Vec<String> = leaves.iter().map(Leaf::title).collect();
        assert_eq!(
            titles,
            [
                "Exercice 1 > 1.",
                "Exercice 1 > 2. > a)",
                "Exercice 1 > 2. > b)",
                "Exercice 2"
            ]
        );
        assert_eq!(leaves[0].step, Step::Half);
        assert_eq!(leaves[2].step, Step::Quarter);
        assert_eq!(leaves[2].stamps, StampMode::FromMax);
        assert!(!leaves[2].id.is_empty());
        assert_eq!(b.max_total().to_string(), "8.25");
        assert_eq!(b.max_of("ex1").to_string(), "4.25");
        assert_eq!(b.leaves_under("q2").len(), 2);
    }

    #[test]
    fn refuses_bad_trees_naming_the_node() {
        let cases = [
            (r#"{"nodes": []}"#, "no exercise"),
            (r#"{"nodes": [{"label": "A"}]}"#, "'A'"),
            (
                r#"{"nodes": [{"label": "A", "max": 1.25, "step": 0.5}]}"#,
                "multiple",
            ),
            (r#"{"nodes": [{"label": "A", "max": 0}]}"#, "above 0"),
            (
                r#"{"nodes": [{"id": "x", "label": "A", "max": 1}, {"id": "x", "label": "B", "max": 1}]}"#,
                "used twice",
            ),
            (
                r#"{"nodes": [{"label": "A", "max": 2, "children": [{"label": "a", "max": 2}]}]}"#,
                "takes its maximum",
            ),
            (
                r#"{"nodes": [{"label": "A", "children": [{"label": "B", "children": [{"label": "C", "children": [{"label": "D", "max": 1}]}]}]}]}"#,
                "A > B > C > D",
            ),
            (r#"{"nodes": [{"label": " ", "max": 1}]}"#, "label is empty"),
        ];
        for (json, needle) in cases {
            let err = Bareme::from_json(json, "f.json")
                .and_then(Bareme::with_ids)
                .unwrap_err();
            assert!(err.message.contains(needle), "{json}: {}", err.message);
        }
        assert!(Bareme::from_json(r#"{"nodes": [], "extra": 1}"#, "f.json")
            .unwrap_err()
            .message
            .contains("f.json"));
    }

    #[test]
    fn ids_survive_a_round_trip() {
        let b = sample();
        let again = Bareme::from_json(&serde_json::to_string(&b).unwrap(), "x")
            .unwrap()
            .with_ids()
            .unwrap();
        assert_eq!(b, again);
    }
}
