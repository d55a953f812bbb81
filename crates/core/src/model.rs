//! Domain types shared by the store, the import pipeline's caller, the CLI and the
//! desktop: ids, halves and rotations of page views, copy status, flags.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A new id: UUIDv7, minted offline, sortable by creation time.
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}

/// The code that stands for a copy's student where identities are hidden (anonymous
/// exports and grading): derived from the copy's id alone, so every station shows the
/// same code, and it says nothing about the scan order.
pub fn anonymous_code(copy_id: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(copy_id.as_bytes());
    format!("ANON-{}", hex::encode_upper(&digest[..3]))
}

/// Which part of a displayed scan an A4 page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Half {
    Full,
    Left,
    Right,
}

impl Half {
    pub fn as_str(self) -> &'static str {
        match self {
            Half::Full => "full",
            Half::Left => "left",
            Half::Right => "right",
        }
    }
    pub fn parse(s: &str) -> Option<Half> {
        match s {
            "full" => Some(Half::Full),
            "left" => Some(Half::Left),
            "right" => Some(Half::Right),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CopyStatus {
    Staging,
    NeedsReview,
    Ready,
    Leased,
    Graded,
}

impl CopyStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CopyStatus::Staging => "staging",
            CopyStatus::NeedsReview => "needs_review",
            CopyStatus::Ready => "ready",
            CopyStatus::Leased => "leased",
            CopyStatus::Graded => "graded",
        }
    }
    pub fn parse(s: &str) -> Option<CopyStatus> {
        [
            Self::Staging,
            Self::NeedsReview,
            Self::Ready,
            Self::Leased,
            Self::Graded,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum IdentifiedBy {
    Qr,
    Ocr,
    Manual,
}

impl IdentifiedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            IdentifiedBy::Qr => "qr",
            IdentifiedBy::Ocr => "ocr",
            IdentifiedBy::Manual => "manual",
        }
    }
    pub fn parse(s: &str) -> Option<IdentifiedBy> {
        [Self::Qr, Self::Ocr, Self::Manual]
            .into_iter()
            .find(|c| c.as_str() == s)
    }
}

/// Something the import noticed and the operator should see. Never silent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FlagKind {
    /// A page with no ink.
    BlankPage,
    /// A sheet whose recto was scanned but not its verso.
    MissingVerso,
    /// A scan that is the same sheet side as another scan.
    DuplicateScan,
    /// The copy's page count is not a multiple of 4.
    PageCount,
    /// No name header where a copy starts or a sheet was joined without one.
    HeaderNotFound,
    /// A sheet was fed upside down; its pages are shown turned by 180°.
    UpsideDown,
    /// This copy and the one before it point to the same student but could not be
    /// joined for sure: maybe one pupil's two sheets.
    SameStudentAsPrevious,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Flag {
    pub kind: FlagKind,
    /// The copy's page the flag is about, when it is about one page.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub page: Option<u32>,
    pub message: String,
    /// How an operator settled it; an open flag has none.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub resolved: Option<Resolution>,
}

impl Flag {
    /// Whether the flag still holds the copy back from grading.
    pub fn is_open(&self) -> bool {
        self.resolved.is_none() && self.kind.needs_review()
    }
}

/// What the operator did about a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FlagAction {
    /// Looked at and accepted as it is (a verso really missing, a page really blank).
    Confirmed,
    /// The flagged page turned by 180° (an orientation the import got wrong).
    Turned,
    /// The flagged page removed from the copy (a side scanned twice).
    Dropped,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Resolution {
    pub action: FlagAction,
    pub by: String,
    pub at: String,
}

impl FlagKind {
    /// Whether a copy carrying this flag needs an operator's look before grading.
    pub fn needs_review(self) -> bool {
        !matches!(self, FlagKind::UpsideDown | FlagKind::BlankPage)
    }
}

/// Where an A4 page comes from: a view of one scan of an original PDF.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct PageSource {
    /// sha256 of the original PDF in the media store.
    pub pdf: String,
    /// 0-based page of that PDF.
    pub index: u32,
    /// Half of the scan as displayed (after the PDF's /Rotate).
    pub half: Half,
    /// Clockwise degrees that then turn the page upright.
    pub rotation: u16,
}

/// A student the copy may belong to, as the review desk shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Candidate {
    pub student_id: String,
    pub email: Option<String>,
    pub last_name: String,
    pub first_name: String,
    /// 0..1, the matcher's score.
    pub score: f64,
    /// How close the read last and first names are (0..1), and whether the birth date
    /// was read and equals the student's: why the score is what it is.
    #[serde(default)]
    pub last_name_score: f64,
    #[serde(default)]
    pub first_name_score: f64,
    #[serde(default)]
    pub birth_date_match: bool,
}
