//! Leases: who may change a copy, proven by a fencing token.
//!
//! Invariants: a copy's tokens strictly increase, each new holder getting the next one;
//! a write is accepted only with the token of the copy's active lease, from its holder.
//! Expiry does not end a lease by itself: it lets somebody else take the copy (with a
//! new token), and from then on the old token is stale. So work done past the expiry,
//! while nobody took the copy over, is kept — the rule the central server applies too.

use crate::error::{Error, ErrorCode, Result};
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum LeaseState {
    Active,
    Released,
    /// Taken back by an admin.
    Forced,
    /// Ended by finalizing the copy.
    Finalized,
}

impl LeaseState {
    pub fn as_str(self) -> &'static str {
        match self {
            LeaseState::Active => "active",
            LeaseState::Released => "released",
            LeaseState::Forced => "forced",
            LeaseState::Finalized => "finalized",
        }
    }
    pub fn parse(s: &str) -> Option<LeaseState> {
        [Self::Active, Self::Released, Self::Forced, Self::Finalized]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// Who asks: a user at a station.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Holder {
    pub user: String,
    pub station: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Lease {
    pub copy_id: String,
    pub holder: Holder,
    pub token: i64,
    #[serde(with = "time::serde::rfc3339")]
    #[ts(type = "string")]
    pub granted_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[ts(type = "string")]
    pub expires_at: OffsetDateTime,
    pub state: LeaseState,
}

impl Lease {
    pub fn is_active(&self) -> bool {
        self.state == LeaseState::Active
    }
    pub fn is_expired(&self, now: OffsetDateTime) -> bool {
        now >= self.expires_at
    }
}

fn lost(message: String) -> Error {
    Error::new(ErrorCode::LeaseLost, message)
}

/// Grants a lease on `copy_id`. The holder of an active lease gets it renewed under the
/// same token; anyone else gets it only when the current one has ended or expired.
pub fn take(
    copy_id: &str,
    current: Option<&Lease>,
    who: &Holder,
    now: OffsetDateTime,
    ttl: Duration,
) -> Result<Lease> {
    if ttl <= Duration::ZERO {
        return Err(Error::validation(
            "a lease must last more than zero seconds",
        ));
    }
    let token = match current {
        None => 1,
        Some(l) if l.is_active() && l.holder == *who => {
            return Ok(Lease {
                expires_at: now + ttl,
                ..l.clone()
            })
        }
        Some(l) if l.is_active() && !l.is_expired(now) => {
            return Err(Error::conflict(format!(
                "copy {copy_id} is held by {} at station {} until {}",
                l.holder.user,
                l.holder.station,
                crate::store::format_time(l.expires_at)
            )))
        }
        Some(l) => l.token + 1,
    };
    Ok(Lease {
        copy_id: copy_id.to_string(),
        holder: who.clone(),
        token,
        granted_at: now,
        expires_at: now + ttl,
        state: LeaseState::Active,
    })
}

/// Whether `who` may write to the copy with `token`; `lease_lost` when not.
pub fn check_write(current: Option<&Lease>, who: &Holder, token: Option<i64>) -> Result<()> {
    let Some(token) = token else {
        return Err(lost(
            "no lease token given: take a lease on the copy before changing it".into(),
        ));
    };
    let Some(l) = current else {
        return Err(lost(format!(
            "lease token {token} is unknown: nobody holds this copy"
        )));
    };
    if l.token != token {
        return Err(lost(format!(
            "lease token {token} is stale: the copy is now under token {} ({} at station {})",
            l.token, l.holder.user, l.holder.station
        )));
    }
    if !l.is_active() {
        return Err(lost(format!(
            "the lease with token {token} was {}: take a new lease",
            l.state.as_str()
        )));
    }
    if l.holder != *who {
        return Err(lost(format!(
            "lease token {token} belongs to {} at station {}, not to {} at {}",
            l.holder.user, l.holder.station, who.user, who.station
        )));
    }
    Ok(())
}

/// Extends the holder's lease.
pub fn renew(
    current: Option<&Lease>,
    who: &Holder,
    token: Option<i64>,
    now: OffsetDateTime,
    ttl: Duration,
) -> Result<Lease> {
    check_write(current, who, token)?;
    let l = current.expect("checked above");
    Ok(Lease {
        expires_at: now + ttl,
        ..l.clone()
    })
}

/// Ends the holder's lease (`Released`) or, on finalizing, `Finalized`.
pub fn end(
    current: Option<&Lease>,
    who: &Holder,
    token: Option<i64>,
    state: LeaseState,
) -> Result<Lease> {
    check_write(current, who, token)?;
    Ok(Lease {
        state,
        ..current.expect("checked above").clone()
    })
}

/// An admin takes the copy back from whoever holds it.
pub fn force_release(copy_id: &str, current: Option<&Lease>) -> Result<Lease> {
    match current {
        Some(l) if l.is_active() => Ok(Lease {
            state: LeaseState::Forced,
            ..l.clone()
        }),
        _ => Err(Error::conflict(format!(
            "nobody holds copy {copy_id}: there is no lease to release"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(u: &str) -> Holder {
        Holder {
            user: u.into(),
            station: "s1".into(),
        }
    }

    #[test]
    fn tokens_fence_out_the_previous_holder() {
        let t0 = OffsetDateTime::UNIX_EPOCH;
        let ttl = Duration::minutes(30);
        let a = take("c", None, &who("ann"), t0, ttl).unwrap();
        assert_eq!(a.token, 1);
        assert!(take("c", Some(&a), &who("bob"), t0 + Duration::minutes(5), ttl).is_err());
        check_write(Some(&a), &who("ann"), Some(1)).unwrap();
        // Past the expiry, nobody took it: ann's work still counts.
        check_write(Some(&a), &who("ann"), Some(1)).unwrap();
        let b = take("c", Some(&a), &who("bob"), t0 + Duration::minutes(31), ttl).unwrap();
        assert_eq!(b.token, 2);
        let err = check_write(Some(&b), &who("ann"), Some(1)).unwrap_err();
        assert_eq!(err.code, ErrorCode::LeaseLost);
        assert_eq!(
            check_write(Some(&b), &who("bob"), None).unwrap_err().code,
            ErrorCode::LeaseLost
        );
        let forced = force_release("c", Some(&b)).unwrap();
        assert_eq!(
            check_write(Some(&forced), &who("bob"), Some(2))
                .unwrap_err()
                .code,
            ErrorCode::LeaseLost
        );
        assert_eq!(
            take("c", Some(&forced), &who("ann"), t0, ttl)
                .unwrap()
                .token,
            3
        );
    }
}
