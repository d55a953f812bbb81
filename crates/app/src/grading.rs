//! The grading desk and the barème editor: the copy as a teacher sees it (pages,
//! barème, scores, annotations, lease), every write under the lease's token, undo and
//! redo per copy, finalize, the comment bank and the statistics.
//!
//! Every write returns the copy's fresh [`GradingView`], so the window shows exactly
//! what was stored.

use crate::Station;
use korrigo_core::grading::{
    Annotation, AnnotationPatch, Bareme, CopyGrade, Edit, History, Lease, NewAnnotation, Points,
};
use korrigo_core::store::{
    BaremeReport, Comment, CopyView, ExamStats, NewComment, Placement, RankedCopy, Store,
};
use korrigo_core::{Error, Result};
use serde::Serialize;
use time::Duration;

/// How long a lease lasts between renewals (the window renews it while open).
pub const LEASE_TTL: Duration = Duration::minutes(30);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct UndoState {
    pub can_undo: bool,
    pub can_redo: bool,
}

/// Everything the grading desk shows of one copy.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct GradingView {
    pub copy: CopyView,
    pub bareme: Option<Bareme>,
    pub grade: Option<CopyGrade>,
    pub appreciation: Option<String>,
    pub annotations: Vec<Annotation>,
    pub lease: Option<Lease>,
    /// The user at this station, to tell whether the lease is theirs.
    pub user: String,
    pub undo: UndoState,
}

impl Station {
    fn view(&self, store: &Store, copy_id: &str) -> Result<GradingView> {
        let copy = self.shown(store, store.copy(copy_id)?)?;
        let bareme = store.bareme(&copy.exam_id)?;
        let undo = self
            .histories
            .lock()
            .ok()
            .and_then(|h| {
                h.get(copy_id).map(|h| UndoState {
                    can_undo: h.can_undo(),
                    can_redo: h.can_redo(),
                })
            })
            .unwrap_or(UndoState {
                can_undo: false,
                can_redo: false,
            });
        Ok(GradingView {
            grade: if bareme.is_some() {
                Some(store.grade(copy_id)?)
            } else {
                None
            },
            appreciation: store.appreciation(copy_id)?,
            annotations: store.annotations(copy_id, false)?,
            lease: store.lease(copy_id)?,
            user: self.user.clone(),
            undo,
            bareme,
            copy,
        })
    }

    pub fn grading_view(&self, copy_id: &str) -> Result<GradingView> {
        self.view(&*self.store()?, copy_id)
    }

    /// Runs a write that makes an undoable edit, records it, returns the fresh view.
    fn edit(
        &self,
        copy_id: &str,
        write: impl FnOnce(&mut Store) -> Result<Edit>,
    ) -> Result<GradingView> {
        let mut store = self.store()?;
        let edit = write(&mut store)?;
        if let Ok(mut h) = self.histories.lock() {
            h.entry(copy_id.to_string()).or_default().record(edit);
        }
        self.view(&store, copy_id)
    }

    fn history_step(
        &self,
        copy_id: &str,
        step: impl FnOnce(&mut Store, &mut History) -> Result<Option<Edit>>,
    ) -> Result<GradingView> {
        let mut store = self.store()?;
        {
            let mut histories = self
                .histories
                .lock()
                .map_err(|_| Error::internal("undo history is unusable after a crash"))?;
            let history = histories.entry(copy_id.to_string()).or_default();
            step(&mut store, history)?;
        }
        self.view(&store, copy_id)
    }

    pub fn bareme(&self, exam_id: &str) -> Result<Option<Bareme>> {
        self.store()?.bareme(exam_id)
    }

    pub fn set_bareme(&self, exam_id: &str, bareme: Bareme, force: bool) -> Result<BaremeReport> {
        self.store()?.set_bareme(exam_id, bareme, force)
    }

    pub fn take_lease(&self, copy_id: &str) -> Result<GradingView> {
        let mut store = self.store()?;
        store.take_lease(copy_id, LEASE_TTL)?;
        self.view(&store, copy_id)
    }

    pub fn renew_lease(&self, copy_id: &str, token: i64) -> Result<Lease> {
        self.store()?.renew_lease(copy_id, Some(token), LEASE_TTL)
    }

    pub fn release_lease(&self, copy_id: &str, token: i64) -> Result<GradingView> {
        let mut store = self.store()?;
        store.release_lease(copy_id, Some(token))?;
        self.view(&store, copy_id)
    }

    pub fn set_points(
        &self,
        copy_id: &str,
        token: i64,
        node_id: &str,
        points: Option<Points>,
    ) -> Result<GradingView> {
        self.edit(copy_id, |s| {
            s.set_points(copy_id, Some(token), node_id, points)
        })
    }

    pub fn set_remark(
        &self,
        copy_id: &str,
        token: i64,
        node_id: &str,
        remark: Option<String>,
    ) -> Result<GradingView> {
        self.edit(copy_id, |s| {
            s.set_remark(copy_id, Some(token), node_id, remark)
        })
    }

    pub fn set_appreciation(
        &self,
        copy_id: &str,
        token: i64,
        text: Option<String>,
    ) -> Result<GradingView> {
        self.edit(copy_id, |s| s.set_appreciation(copy_id, Some(token), text))
    }

    pub fn add_annotation(
        &self,
        copy_id: &str,
        token: i64,
        new: NewAnnotation,
    ) -> Result<GradingView> {
        self.edit(copy_id, |s| s.add_annotation(copy_id, Some(token), new))
    }

    pub fn update_annotation(
        &self,
        copy_id: &str,
        token: i64,
        id: &str,
        version: i64,
        patch: AnnotationPatch,
    ) -> Result<GradingView> {
        self.edit(copy_id, |s| {
            s.update_annotation(id, Some(token), version, patch)
        })
    }

    pub fn delete_annotation(
        &self,
        copy_id: &str,
        token: i64,
        id: &str,
        version: i64,
    ) -> Result<GradingView> {
        self.edit(copy_id, |s| s.delete_annotation(id, Some(token), version))
    }

    pub fn undo(&self, copy_id: &str, token: i64) -> Result<GradingView> {
        self.history_step(copy_id, |s, h| s.undo(h, Some(token)))
    }

    pub fn redo(&self, copy_id: &str, token: i64) -> Result<GradingView> {
        self.history_step(copy_id, |s, h| s.redo(h, Some(token)))
    }

    /// Marks the copy graded; refused with the list of what is missing.
    pub fn finalize(&self, copy_id: &str, token: i64) -> Result<GradingView> {
        let mut store = self.store()?;
        store.finalize(copy_id, Some(token))?;
        self.view(&store, copy_id)
    }

    pub fn reopen(&self, copy_id: &str, reason: Option<&str>) -> Result<GradingView> {
        let mut store = self.store()?;
        store.reopen(copy_id, reason)?;
        self.view(&store, copy_id)
    }

    pub fn comments(&self, exam_id: &str) -> Result<Vec<Comment>> {
        self.store()?.comments(exam_id)
    }

    pub fn add_comment(&self, new: NewComment) -> Result<Comment> {
        self.store()?.add_comment(new)
    }

    /// Places a comment of the bank on a page: its text, and its points as a score
    /// stamp, as one undoable step.
    pub fn apply_comment(
        &self,
        copy_id: &str,
        token: i64,
        comment_id: &str,
        place: &Placement,
    ) -> Result<GradingView> {
        self.edit(copy_id, |s| {
            s.apply_comment(copy_id, Some(token), comment_id, place)
        })
    }

    pub fn stats(&self, exam_id: &str, include_ungraded: bool, bins: usize) -> Result<ExamStats> {
        self.store()?.stats(exam_id, include_ungraded, bins)
    }

    /// The copies sorted by one question's score, for harmonisation.
    pub fn ranking(
        &self,
        exam_id: &str,
        node_id: &str,
        include_ungraded: bool,
    ) -> Result<Vec<RankedCopy>> {
        let store = self.store()?;
        let mut ranked = store.ranking(exam_id, node_id, include_ungraded)?;
        if self.hides_identity(&store, exam_id)? {
            ranked.iter_mut().for_each(|r| r.student = None);
        }
        Ok(ranked)
    }
}
