//! The synced entities and the body each one has on the wire. The server stores one row
//! per (kind, key) with its body and version; a station maps each onto its tables.
//!
//! Keys: exam, student, copy, appreciation and lease by their id (a lease by its copy's
//! id); score by `copy_id/node_id`; annotation by its id; conflict by its id.

use crate::grading::annotation::Annotation;
use crate::grading::bareme::Bareme;
use crate::grading::lease::LeaseState;
use crate::grading::Points;
use crate::model::{CopyStatus, Flag, Half, IdentifiedBy};
use crate::store::{Exam, Student};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Exam,
    Student,
    Copy,
    Score,
    Appreciation,
    Annotation,
    Lease,
    Conflict,
}

impl EntityKind {
    pub const ALL: [EntityKind; 8] = [
        EntityKind::Exam,
        EntityKind::Student,
        EntityKind::Copy,
        EntityKind::Score,
        EntityKind::Appreciation,
        EntityKind::Annotation,
        EntityKind::Lease,
        EntityKind::Conflict,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Exam => "exam",
            EntityKind::Student => "student",
            EntityKind::Copy => "copy",
            EntityKind::Score => "score",
            EntityKind::Appreciation => "appreciation",
            EntityKind::Annotation => "annotation",
            EntityKind::Lease => "lease",
            EntityKind::Conflict => "conflict",
        }
    }
    pub fn parse(s: &str) -> Option<EntityKind> {
        EntityKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// An exam with its barème.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExamState {
    pub exam: Exam,
    pub bareme: Option<Bareme>,
    pub bareme_version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StudentState {
    pub exam_id: String,
    pub student: Student,
}

/// A scanned PDF a page comes from, by content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRef {
    pub sha256: String,
    pub file_name: String,
    pub pages: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageState {
    pub id: String,
    pub number: u32,
    pub source: SourceRef,
    pub source_index: u32,
    pub half: Half,
    pub rotation: u32,
}

/// A copy: who wrote it, where it stands, and its pages in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CopyState {
    pub id: String,
    pub exam_id: String,
    pub seq: u32,
    pub status: CopyStatus,
    pub flags: Vec<Flag>,
    pub student_id: Option<String>,
    pub identified_by: Option<IdentifiedBy>,
    pub confidence: Option<f64>,
    pub unknown_writer: bool,
    pub corrector: Option<String>,
    pub graded_at: Option<String>,
    pub graded_by: Option<String>,
    pub pages: Vec<PageState>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreState {
    pub copy_id: String,
    pub node_id: String,
    pub points: Option<Points>,
    pub remark: Option<String>,
}

impl ScoreState {
    pub fn key(copy_id: &str, node_id: &str) -> String {
        format!("{copy_id}/{node_id}")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppreciationState {
    pub copy_id: String,
    pub text: Option<String>,
}

/// A lease as the server granted it. `token` is the server's fencing token; the
/// station that holds it knows it by its own `station_token`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeaseRecord {
    pub copy_id: String,
    pub holder_user: String,
    pub holder_station: String,
    pub token: i64,
    pub station_token: i64,
    pub granted_at: String,
    pub expires_at: String,
    pub state: LeaseState,
}

/// A change the server kept aside instead of applying: visible to every station.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConflictState {
    pub id: String,
    pub station_id: String,
    pub account: String,
    pub seq: i64,
    pub mutation_id: String,
    pub name: String,
    pub target: String,
    pub args: serde_json::Value,
    pub reason: String,
    pub at: String,
}

/// Re-exported so both ends name the annotation body the same way.
pub type AnnotationState = Annotation;

/// What a change of structure left behind, sent with the mutation (`Mutation::state`):
/// the exam, students and copies it touched as they now stand, and the copies it removed
/// (a copy joined into another).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StructureState {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exam: Option<ExamState>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub students: Vec<StudentState>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub copies: Vec<CopyState>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deleted_copies: Vec<String>,
}
