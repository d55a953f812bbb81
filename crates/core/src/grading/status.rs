//! The copy status machine, the one place that says which moves are legal:
//!
//! ```text
//! staging ─┬─> needs_review <─┐
//!          └─> ready <────────┤ (identified / flagged again)
//!              ready ──lease──> leased ──finalize──> graded
//!              ready <─release─ leased
//!              ready <──────reopen (admin)────────── graded
//! ```
//!
//! A leased or graded copy keeps its writer: identification moves are refused there.

use crate::error::{Error, Result};
use crate::model::CopyStatus;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CopyEvent {
    /// Something about the copy needs a person (unknown writer, open flags).
    Flag,
    /// The copy's writer is settled and nothing is open.
    Resolve,
    /// A teacher takes (or renews, or takes over an expired) lease.
    Lease,
    /// The lease is given back or force-released.
    Release,
    /// Every leaf is scored; the copy becomes read-only.
    Finalize,
    /// An admin reopens a graded copy.
    Reopen,
}

impl CopyEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            CopyEvent::Flag => "flag",
            CopyEvent::Resolve => "resolve",
            CopyEvent::Lease => "lease",
            CopyEvent::Release => "release",
            CopyEvent::Finalize => "finalize",
            CopyEvent::Reopen => "reopen",
        }
    }
}

/// The status after `event`, or a conflict naming the refused move.
pub fn next(from: CopyStatus, event: CopyEvent) -> Result<CopyStatus> {
    use CopyEvent as E;
    use CopyStatus as S;
    let to = match (from, event) {
        (S::Staging | S::NeedsReview | S::Ready, E::Flag) => S::NeedsReview,
        (S::Staging | S::NeedsReview | S::Ready, E::Resolve) => S::Ready,
        (S::Ready | S::Leased, E::Lease) => S::Leased,
        (S::Leased, E::Release) => S::Ready,
        (S::Leased, E::Finalize) => S::Graded,
        (S::Graded, E::Reopen) => S::Ready,
        _ => {
            return Err(Error::conflict(format!(
                "a copy that is {} cannot {}{}",
                from.as_str(),
                event.as_str(),
                hint(from, event)
            )))
        }
    };
    Ok(to)
}

fn hint(from: CopyStatus, event: CopyEvent) -> &'static str {
    match (from, event) {
        (CopyStatus::Graded, _) => ": it is graded and read-only until an admin reopens it",
        (CopyStatus::NeedsReview | CopyStatus::Staging, CopyEvent::Lease) => {
            ": identify it at the review desk first"
        }
        (CopyStatus::Ready, CopyEvent::Finalize) => ": take a lease on it first",
        (CopyStatus::Leased, CopyEvent::Flag | CopyEvent::Resolve) => {
            ": its writer cannot change while a teacher holds it"
        }
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_main_path_and_the_moves_back() {
        let mut s = CopyStatus::Staging;
        for (e, want) in [
            (CopyEvent::Flag, CopyStatus::NeedsReview),
            (CopyEvent::Resolve, CopyStatus::Ready),
            (CopyEvent::Lease, CopyStatus::Leased),
            (CopyEvent::Release, CopyStatus::Ready),
            (CopyEvent::Lease, CopyStatus::Leased),
            (CopyEvent::Finalize, CopyStatus::Graded),
            (CopyEvent::Reopen, CopyStatus::Ready),
        ] {
            s = next(s, e).unwrap();
            assert_eq!(s, want);
        }
        let err = next(CopyStatus::Graded, CopyEvent::Lease).unwrap_err();
        assert!(err.message.contains("read-only"));
        assert!(next(CopyStatus::NeedsReview, CopyEvent::Lease).is_err());
    }
}
