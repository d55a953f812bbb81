//! Anonymous grading: in an exam an admin marked anonymous, a teacher never sees who
//! wrote a copy — not its student, its candidates, its header crop, nor the name header
//! on its pages — and cannot identify copies or export files that name students. It is
//! enforced here, under the window's commands, not by the window.

use crate::Station;
use korrigo_core::store::{CopyView, Exam, Role, Store};
use korrigo_core::{Error, ErrorCode, Result};

impl Station {
    /// Marks an exam as graded anonymously, or not (admins only).
    pub fn set_exam_anonymous(&self, exam_id: &str, anonymous: bool) -> Result<Exam> {
        self.store()?.set_exam_anonymous(exam_id, anonymous)
    }

    /// Whether who wrote the exam's copies is hidden from this station's user.
    pub(crate) fn hides_identity(&self, store: &Store, exam_id: &str) -> Result<bool> {
        Ok(store.exam(exam_id)?.anonymous && store.role_of(&self.user)? == Role::Teacher)
    }

    /// Refuses `what` to a user from whom the exam hides identities.
    pub(crate) fn refuse_if_hidden(&self, store: &Store, exam_id: &str, what: &str) -> Result<()> {
        if self.hides_identity(store, exam_id)? {
            return Err(Error::new(
                ErrorCode::Unauthorized,
                format!(
                    "this exam is graded anonymously: {what} is left to an operator or an admin"
                ),
            ));
        }
        Ok(())
    }

    /// The copy as this user may see it.
    pub(crate) fn shown(&self, store: &Store, mut copy: CopyView) -> Result<CopyView> {
        if self.hides_identity(store, &copy.exam_id)? {
            mask(&mut copy);
        }
        Ok(copy)
    }
}

/// Removes everything that tells who wrote a copy.
pub(crate) fn mask(copy: &mut CopyView) {
    copy.student = None;
    copy.candidates.clear();
    copy.header_crop = None;
    copy.identified_by = None;
    copy.confidence = None;
    copy.identity_hidden = true;
}
