//! A copy's grade, derived — never stored — from the barème, the typed scores and the
//! score stamps, so totals cannot fall out of step with what was entered.
//!
//! A leaf's points are the typed score when there is one; otherwise, when the leaf has
//! score stamps, its start (0 or its maximum, as the barème says) plus their sum,
//! clamped to [0, max]; otherwise it is not scored. A typed score above the maximum (the
//! barème was lowered after grading) counts as the maximum and is flagged.

use super::bareme::{Bareme, StampMode};
use super::points::Points;
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PointsSource {
    Typed,
    Stamps,
}

/// One node of the barème with this copy's points and remark.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct NodeGrade {
    pub id: String,
    pub label: String,
    pub title: String,
    /// 1 = exercise.
    pub depth: usize,
    pub leaf: bool,
    pub max: Points,
    /// Leaf: its points. Inner node: the sum of its scored leaves (none if none is).
    pub points: Option<Points>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<PointsSource>,
    /// The typed score exceeds the maximum (only for leaves).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub over_max: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct CopyGrade {
    pub nodes: Vec<NodeGrade>,
    pub total: Points,
    pub max_total: Points,
    /// The total rescaled to 20 (not rounded).
    pub on_20: f64,
    /// Every leaf has points and none is over its maximum.
    pub complete: bool,
    /// Titles of the leaves without points.
    pub missing: Vec<String>,
    /// Titles of the leaves whose typed score exceeds the maximum.
    pub over_max: Vec<String>,
}

impl CopyGrade {
    pub fn node(&self, id: &str) -> Option<&NodeGrade> {
        self.nodes.iter().find(|n| n.id == id)
    }
}

/// What was entered on a copy: typed points and remarks per node, stamp sums per leaf.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Entered {
    pub points: HashMap<String, Points>,
    pub remarks: HashMap<String, String>,
    pub stamps: HashMap<String, Points>,
}

pub fn grade(bareme: &Bareme, entered: &Entered) -> CopyGrade {
    let leaves = bareme.leaves();
    let mut leaf_points: HashMap<&str, (Points, PointsSource, bool)> = HashMap::new();
    let mut missing = Vec::new();
    let mut over = Vec::new();
    for leaf in &leaves {
        let typed = entered.points.get(&leaf.id).copied();
        let stamped = entered.stamps.get(&leaf.id).map(|sum| {
            let start = match leaf.stamps {
                StampMode::FromZero => Points::ZERO,
                StampMode::FromMax => leaf.max,
            };
            (start + *sum).clamp(Points::ZERO, leaf.max)
        });
        match (typed, stamped) {
            (Some(p), _) => {
                let over_max = p > leaf.max;
                if over_max {
                    over.push(leaf.title());
                }
                leaf_points.insert(&leaf.id, (p.min(leaf.max), PointsSource::Typed, over_max));
            }
            (None, Some(p)) => {
                leaf_points.insert(&leaf.id, (p, PointsSource::Stamps, false));
            }
            (None, None) => missing.push(leaf.title()),
        }
    }
    let mut nodes = Vec::new();
    let mut path: Vec<String> = Vec::new();
    for (node, depth) in bareme.nodes_in_order() {
        path.truncate(depth - 1);
        path.push(node.label.clone());
        let leaf = node.children.is_empty();
        let under = bareme.leaves_under(&node.id);
        let scored: Vec<Points> = under
            .iter()
            .filter_map(|id| leaf_points.get(id.as_str()).map(|x| x.0))
            .collect();
        let own = leaf_points.get(node.id.as_str());
        nodes.push(NodeGrade {
            id: node.id.clone(),
            label: node.label.clone(),
            title: path.join(" > "),
            depth,
            leaf,
            max: bareme.max_of(&node.id),
            points: (!scored.is_empty()).then(|| scored.iter().copied().sum()),
            source: own.map(|x| x.1),
            over_max: own.is_some_and(|x| x.2),
            remark: entered.remarks.get(&node.id).cloned(),
        });
    }
    let total: Points = leaf_points.values().map(|x| x.0).sum();
    let max_total = bareme.max_total();
    CopyGrade {
        nodes,
        total,
        max_total,
        on_20: if max_total > Points::ZERO {
            total.as_f64() * 20.0 / max_total.as_f64()
        } else {
            0.0
        },
        complete: missing.is_empty() && over.is_empty(),
        missing,
        over_max: over,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bareme() -> Bareme {
        Bareme::from_json(
            r#"{"nodes": [
                {"id": "e1", "label": "Ex 1", "children": [
                    {"id": "a", "label": "a", "max": 3},
                    {"id": "b", "label": "b", "max": 2, "stamps": "from_max"}]},
                {"id": "c", "label": "Ex 2", "max": 5}]}"#,
            "t",
        )
        .unwrap()
    }

    fn p(v: f64) -> Points {
        Points::from_number(v, "t").unwrap()
    }

    #[test]
    fn typed_scores_win_and_stamps_count_from_the_leaf_start() {
        let mut e = Entered::default();
        e.points.insert("a".into(), p(2.5));
        e.stamps.insert("a".into(), p(1.0));
        e.stamps.insert("b".into(), p(-0.5));
        let g = grade(&bareme(), &e);
        assert_eq!(g.node("a").unwrap().points, Some(p(2.5)));
        assert_eq!(g.node("b").unwrap().points, Some(p(1.5)));
        assert_eq!(g.node("b").unwrap().source, Some(PointsSource::Stamps));
        assert_eq!(g.node("e1").unwrap().points, Some(p(4.0)));
        assert_eq!(g.node("e1").unwrap().max, p(5.0));
        assert_eq!(g.total, p(4.0));
        assert!(!g.complete);
        assert_eq!(g.missing, ["Ex 2"]);
        e.points.insert("c".into(), p(6.0));
        let g = grade(&bareme(), &e);
        assert_eq!(g.total, p(9.0));
        assert_eq!(g.over_max, ["Ex 2"]);
        assert!(!g.complete);
        assert!((g.on_20 - 18.0).abs() < 1e-9);
        e.stamps.insert("b".into(), p(-5.0));
        assert_eq!(grade(&bareme(), &e).node("b").unwrap().points, Some(p(0.0)));
    }
}
