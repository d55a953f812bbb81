//! Leases as the station grants them: taking, renewing, releasing, force-releasing,
//! and the check every grading write makes (`lease_lost` on a stale or missing token).
//! The copy's status follows (ready <-> leased) in the same transaction.

use super::outbox::Change;
use super::{format_time, parse_time, Store};
use crate::error::Result;
use crate::grading::lease::{self, Holder, Lease, LeaseState};
use crate::grading::CopyEvent;
use crate::store::Role;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::json;
use time::Duration;

impl Store {
    pub fn holder(&self) -> Holder {
        Holder {
            user: self.actor.clone(),
            station: self.station_id.clone(),
        }
    }

    pub(crate) fn lease_in(&self, conn: &Connection, copy_id: &str) -> Result<Option<Lease>> {
        let row: Option<(String, String, i64, String, String, String)> = conn
            .query_row(
                "SELECT holder_user, holder_station, token, granted_at, expires_at, state FROM lease WHERE copy_id = ?1",
                [copy_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
            )
            .optional()?;
        row.map(|(user, station, token, granted, expires, state)| {
            Ok(Lease {
                copy_id: copy_id.to_string(),
                holder: Holder { user, station },
                token,
                granted_at: parse_time(&granted)?,
                expires_at: parse_time(&expires)?,
                state: LeaseState::parse(&state).unwrap_or(LeaseState::Released),
            })
        })
        .transpose()
    }

    /// The copy's current (or last) lease.
    pub fn lease(&self, copy_id: &str) -> Result<Option<Lease>> {
        self.copy_status_in(&self.conn, copy_id)?;
        self.lease_in(&self.conn, copy_id)
    }

    fn write_lease_in(&self, conn: &Connection, l: &Lease) -> Result<()> {
        conn.execute(
            "INSERT INTO lease (copy_id, holder_user, holder_station, token, granted_at, expires_at, state) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
             ON CONFLICT(copy_id) DO UPDATE SET holder_user = excluded.holder_user, \
             holder_station = excluded.holder_station, token = excluded.token, granted_at = excluded.granted_at, \
             expires_at = excluded.expires_at, state = excluded.state",
            params![
                l.copy_id,
                l.holder.user,
                l.holder.station,
                l.token,
                format_time(l.granted_at),
                format_time(l.expires_at),
                l.state.as_str()
            ],
        )?;
        Ok(())
    }

    fn log_lease_in(&self, conn: &Connection, name: &str, l: &Lease) -> Result<()> {
        self.log_in(
            conn,
            Change {
                name,
                target: &l.copy_id,
                args: json!(l),
                base_version: None,
                lease_token: Some(l.token),
            },
        )
    }

    /// Checks that the acting user holds the copy's lease under `token` and that the
    /// copy can still be changed.
    pub(crate) fn check_lease_in(
        &self,
        conn: &Connection,
        copy_id: &str,
        token: Option<i64>,
    ) -> Result<()> {
        self.check_not_graded_in(conn, copy_id)?;
        lease::check_write(
            self.lease_in(conn, copy_id)?.as_ref(),
            &self.holder(),
            token,
        )
    }

    /// Takes (or renews, for its holder) the lease on a copy for `ttl`.
    pub fn take_lease(&mut self, copy_id: &str, ttl: Duration) -> Result<Lease> {
        self.require(&[Role::Admin, Role::Teacher], "grade copies")?;
        let tx = self.conn.unchecked_transaction()?;
        let current = self.lease_in(&tx, copy_id)?;
        let l = lease::take(
            copy_id,
            current.as_ref(),
            &self.holder(),
            self.now_dt(),
            ttl,
        )?;
        self.move_copy_in(&tx, copy_id, CopyEvent::Lease)?;
        self.write_lease_in(&tx, &l)?;
        self.log_lease_in(&tx, "lease.take", &l)?;
        tx.commit()?;
        Ok(l)
    }

    pub fn renew_lease(
        &mut self,
        copy_id: &str,
        token: Option<i64>,
        ttl: Duration,
    ) -> Result<Lease> {
        let tx = self.conn.unchecked_transaction()?;
        self.check_not_graded_in(&tx, copy_id)?;
        let current = self.lease_in(&tx, copy_id)?;
        let l = lease::renew(current.as_ref(), &self.holder(), token, self.now_dt(), ttl)?;
        self.write_lease_in(&tx, &l)?;
        self.log_lease_in(&tx, "lease.renew", &l)?;
        tx.commit()?;
        Ok(l)
    }

    pub fn release_lease(&mut self, copy_id: &str, token: Option<i64>) -> Result<Lease> {
        let tx = self.conn.unchecked_transaction()?;
        self.check_not_graded_in(&tx, copy_id)?;
        let current = self.lease_in(&tx, copy_id)?;
        let l = lease::end(
            current.as_ref(),
            &self.holder(),
            token,
            LeaseState::Released,
        )?;
        self.move_copy_in(&tx, copy_id, CopyEvent::Release)?;
        self.write_lease_in(&tx, &l)?;
        self.log_lease_in(&tx, "lease.release", &l)?;
        tx.commit()?;
        Ok(l)
    }

    /// An admin takes a copy back from whoever holds it (audited with the holder).
    pub fn force_release_lease(&mut self, copy_id: &str, reason: Option<&str>) -> Result<Lease> {
        self.require(&[Role::Admin], "force-release a lease")?;
        let tx = self.conn.unchecked_transaction()?;
        let current = self.lease_in(&tx, copy_id)?;
        let l = lease::force_release(copy_id, current.as_ref())?;
        self.move_copy_in(&tx, copy_id, CopyEvent::Release)?;
        self.write_lease_in(&tx, &l)?;
        self.log_in(
            &tx,
            Change {
                name: "lease.force_release",
                target: copy_id,
                args: json!({ "lease": l, "reason": reason }),
                base_version: None,
                lease_token: Some(l.token),
            },
        )?;
        tx.commit()?;
        Ok(l)
    }

    /// Ends the lease as part of finalizing, inside the caller's transaction.
    pub(crate) fn finalize_lease_in(
        &self,
        conn: &Connection,
        copy_id: &str,
        token: Option<i64>,
    ) -> Result<Lease> {
        let current = self.lease_in(conn, copy_id)?;
        let l = lease::end(
            current.as_ref(),
            &self.holder(),
            token,
            LeaseState::Finalized,
        )?;
        self.write_lease_in(conn, &l)?;
        Ok(l)
    }
}
