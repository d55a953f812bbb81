//! Statistics of an exam's marks, per exam and per barème node, and copies ranked by
//! one question for side-by-side harmonisation. By default only graded copies count;
//! with `include_ungraded`, every copy counts for the questions it has points on (and
//! for the total once all its questions are scored).

use super::Store;
use crate::error::{Error, Result};
use crate::grading::stats::{self, Summary};
use crate::grading::totals::{self, CopyGrade};
use crate::grading::Points;
use crate::model::CopyStatus;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct QuestionStats {
    pub id: String,
    pub title: String,
    pub depth: usize,
    pub max: Points,
    pub summary: Summary,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ExamStats {
    pub exam_id: String,
    pub max_total: Points,
    /// Totals in points of the barème.
    pub total: Summary,
    /// Totals rescaled to 20.
    pub on_20: Summary,
    pub questions: Vec<QuestionStats>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct RankedCopy {
    pub copy_id: String,
    pub copy_seq: u32,
    pub student: Option<String>,
    /// What stands for the student where identities are hidden.
    pub anonymous_code: String,
    pub status: CopyStatus,
    pub points: Option<Points>,
    pub max: Points,
    pub remark: Option<String>,
}

struct Graded {
    id: String,
    seq: u32,
    student: Option<String>,
    status: CopyStatus,
    grade: CopyGrade,
}

impl Store {
    fn graded_copies(
        &self,
        exam_id: &str,
        include_ungraded: bool,
    ) -> Result<(crate::grading::Bareme, Vec<Graded>)> {
        let bareme = self
            .bareme(exam_id)?
            .ok_or_else(|| Error::validation(format!("exam {exam_id} has no barème yet")))?;
        let mut stmt = self.conn.prepare(
            "SELECT c.id, c.seq, c.status, s.last_name || ' ' || s.first_name FROM copy c \
             LEFT JOIN student s ON s.id = c.student_id WHERE c.exam_id = ?1 ORDER BY c.seq",
        )?;
        let rows: Vec<(String, u32, String, Option<String>)> = stmt
            .query_map([exam_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::new();
        for (id, seq, status, student) in rows {
            let status = CopyStatus::parse(&status).unwrap_or(CopyStatus::NeedsReview);
            if status != CopyStatus::Graded && !include_ungraded {
                continue;
            }
            let grade = totals::grade(&bareme, &self.entered_in(&self.conn, &id)?);
            out.push(Graded {
                id,
                seq,
                student,
                status,
                grade,
            });
        }
        Ok((bareme, out))
    }

    pub fn stats(&self, exam_id: &str, include_ungraded: bool, bins: usize) -> Result<ExamStats> {
        let (bareme, copies) = self.graded_copies(exam_id, include_ungraded)?;
        let max_total = bareme.max_total();
        let complete: Vec<&Graded> = copies
            .iter()
            .filter(|c| c.grade.missing.is_empty())
            .collect();
        let totals: Vec<f64> = complete.iter().map(|c| c.grade.total.as_f64()).collect();
        let on_20: Vec<f64> = complete.iter().map(|c| c.grade.on_20).collect();
        let questions = bareme
            .nodes_in_order()
            .into_iter()
            .map(|(node, depth)| {
                let values: Vec<f64> = copies
                    .iter()
                    .filter_map(|c| c.grade.node(&node.id).and_then(|n| n.points))
                    .map(Points::as_f64)
                    .collect();
                let g = copies.first().and_then(|c| c.grade.node(&node.id));
                let max = bareme.max_of(&node.id);
                QuestionStats {
                    id: node.id.clone(),
                    title: g.map_or_else(|| node.label.clone(), |g| g.title.clone()),
                    depth,
                    max,
                    summary: stats::summarise(&values, max.as_f64(), bins),
                }
            })
            .collect();
        Ok(ExamStats {
            exam_id: exam_id.to_string(),
            max_total,
            total: stats::summarise(&totals, max_total.as_f64(), bins),
            on_20: stats::summarise(&on_20, 20.0, bins),
            questions,
        })
    }

    /// The copies ordered by their points on one node, best first (unscored last).
    pub fn ranking(
        &self,
        exam_id: &str,
        node_id: &str,
        include_ungraded: bool,
    ) -> Result<Vec<RankedCopy>> {
        let (bareme, copies) = self.graded_copies(exam_id, include_ungraded)?;
        if bareme.node(node_id).is_none() {
            return Err(Error::validation(format!(
                "'{node_id}' is not a question of this exam's barème"
            )));
        }
        let max = bareme.max_of(node_id);
        let mut out: Vec<RankedCopy> = copies
            .into_iter()
            .map(|c| {
                let n = c.grade.node(node_id);
                RankedCopy {
                    anonymous_code: crate::model::anonymous_code(&c.id),
                    copy_id: c.id,
                    copy_seq: c.seq,
                    student: c.student,
                    status: c.status,
                    points: n.and_then(|n| n.points),
                    max,
                    remark: n.and_then(|n| n.remark.clone()),
                }
            })
            .collect();
        out.sort_by(|a, b| b.points.cmp(&a.points).then(a.copy_seq.cmp(&b.copy_seq)));
        Ok(out)
    }
}
