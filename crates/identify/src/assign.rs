//! One global one-to-one assignment of copies to students over a whole exam: two copies
//! never get the same student automatically. Copies whose best candidate passes the
//! gates are settled first (most certain first) and their students leave the other
//! copies' candidate lists; the Hungarian method then pairs what remains, and a copy
//! keeps an automatic identification only if the assignment agrees with its gated best.

use crate::matcher::{gate, Candidate};
use korrigo_core::store::Student;
use pathfinding::prelude::{kuhn_munkres, Matrix};
use std::collections::HashSet;

/// For each copy, the student it is given automatically, if any.
pub fn assign(copies: &[Vec<Candidate>], roster: &[Student]) -> Vec<Option<String>> {
    let mut out: Vec<Option<String>> = vec![None; copies.len()];
    let mut taken: HashSet<String> = HashSet::new();
    let mut order: Vec<usize> = (0..copies.len())
        .filter(|&i| gate(&copies[i], roster).is_ok())
        .collect();
    order.sort_by(|&a, &b| copies[b][0].score.total_cmp(&copies[a][0].score));
    let mut contested: HashSet<String> = HashSet::new();
    for &i in &order {
        let id = &copies[i][0].student_id;
        if !taken.insert(id.clone()) {
            contested.insert(id.clone());
        }
    }
    // A student claimed by two copies that both pass the gates goes to neither.
    for &i in &order {
        let id = &copies[i][0].student_id;
        if !contested.contains(id) {
            out[i] = Some(id.clone());
        }
    }
    let settled: HashSet<String> = out.iter().flatten().cloned().collect();
    let open: Vec<usize> = (0..copies.len()).filter(|&i| out[i].is_none()).collect();
    let free: Vec<&Student> = roster.iter().filter(|s| !settled.contains(&s.id)).collect();
    if open.is_empty() || free.is_empty() {
        return out;
    }
    // Hungarian over the remaining copies and students (scores in thousandths); a
    // gated best survives only if the assignment gives it the same student.
    let rows = open.len();
    let cols = free.len().max(rows);
    let weight = |r: usize, c: usize| -> i64 {
        let Some(s) = free.get(c) else { return 0 };
        copies[open[r]]
            .iter()
            .find(|cand| cand.student_id == s.id)
            .map_or(0, |cand| (cand.score * 1000.0) as i64)
    };
    let matrix = Matrix::from_fn(rows, cols, |(r, c)| weight(r, c));
    let (_, chosen) = kuhn_munkres(&matrix);
    for (r, &c) in chosen.iter().enumerate() {
        let i = open[r];
        let Some(s) = free.get(c) else { continue };
        let remaining: Vec<Candidate> = copies[i]
            .iter()
            .filter(|cand| !settled.contains(&cand.student_id))
            .cloned()
            .collect();
        if remaining
            .first()
            .is_some_and(|best| best.student_id == s.id)
            && gate(&remaining, roster).is_ok()
            && !contested.contains(&s.id)
        {
            out[i] = Some(s.id.clone());
        }
    }
    out
}
