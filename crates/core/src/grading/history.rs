//! Undo and redo, shared by the desktop and the tests.
//!
//! Every accepted change returns an [`Edit`]: the state of what it touched before and
//! after. Undoing an edit is a new change that puts the "before" state back — it is
//! committed, audited and synced like any other; history is never rewritten. The undo is
//! applied only if the target is still exactly as the edit left it (same content; its
//! version may have moved through this history's own undos and redos); when something
//! else changed it meanwhile (another window, a sync), the undo is refused with
//! `conflict` and that entry is dropped, never forced over newer work.
//! Undoing moves the entry to the redo stack; redo is the undo of an undo. A new edit
//! clears the redo stack. A group (a comment placed with its score stamp) undoes as one.

use super::annotation::Annotation;
use super::points::Points;
use serde::{Deserialize, Serialize};

/// A score row's state: version 0 means no row yet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreEntry {
    pub points: Option<Points>,
    pub remark: Option<String>,
    pub version: i64,
}

/// An appreciation's state: version 0 means none written yet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppreciationEntry {
    pub text: Option<String>,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Edit {
    Annotation {
        /// `None`: the annotation did not exist.
        before: Option<Box<Annotation>>,
        after: Box<Annotation>,
    },
    Score {
        copy_id: String,
        node_id: String,
        before: ScoreEntry,
        after: ScoreEntry,
    },
    Appreciation {
        copy_id: String,
        before: AppreciationEntry,
        after: AppreciationEntry,
    },
    Group {
        edits: Vec<Edit>,
    },
}

impl Edit {
    /// The annotation as this edit left it.
    pub fn annotation(&self) -> Option<&Annotation> {
        match self {
            Edit::Annotation { after, .. } => Some(after),
            Edit::Group { edits } => edits.iter().find_map(Edit::annotation),
            _ => None,
        }
    }

    pub fn copy_id(&self) -> Option<&str> {
        match self {
            Edit::Annotation { after, .. } => Some(&after.copy_id),
            Edit::Score { copy_id, .. } | Edit::Appreciation { copy_id, .. } => Some(copy_id),
            Edit::Group { edits } => edits.first().and_then(Edit::copy_id),
        }
    }
}

/// The undo and redo stacks of one grading session.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    done: Vec<Edit>,
    undone: Vec<Edit>,
    limit: usize,
}

impl Default for History {
    fn default() -> Self {
        History::new(500)
    }
}

impl History {
    /// Keeps at most `limit` edits to undo (the oldest are forgotten first).
    pub fn new(limit: usize) -> History {
        History {
            done: Vec::new(),
            undone: Vec::new(),
            limit: limit.max(1),
        }
    }

    /// A new edit by the user: it can be undone, and nothing can be redone any more.
    pub fn record(&mut self, edit: Edit) {
        self.undone.clear();
        self.push_done(edit);
    }

    pub fn can_undo(&self) -> bool {
        !self.done.is_empty()
    }
    pub fn can_redo(&self) -> bool {
        !self.undone.is_empty()
    }

    pub(crate) fn pop_undo(&mut self) -> Option<Edit> {
        self.done.pop()
    }
    pub(crate) fn pop_redo(&mut self) -> Option<Edit> {
        self.undone.pop()
    }
    pub(crate) fn push_done(&mut self, edit: Edit) {
        self.done.push(edit);
        if self.done.len() > self.limit {
            self.done.remove(0);
        }
    }
    pub(crate) fn push_undone(&mut self, edit: Edit) {
        self.undone.push(edit);
    }
}
