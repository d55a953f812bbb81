//! Applying one pushed mutation, inside the caller's transaction: check the pusher's role,
//! the copy's lease and the version the station started from, then write the entities.
//!
//! Invariant: a mutation either writes all its entities (`Applied`) or none (`Conflict`,
//! `Rejected`): the rules of grading and leases check everything before their first
//! write, and the others run in a savepoint that a refusal rolls back
//! (`needs_savepoint`). Database errors are not refusals:
//! they abort the push with 503 so the station retries the same seq.

mod db;
mod entities;
mod exports;
mod grading;
pub mod leases;
mod lookup;
mod roles;
mod scopes;
mod structure;

pub use db::{Cache, Db, Tx};
pub use entities::{
    get as get_entity, prefetch_copies, put as put_entity, row_to_entity,
    COLUMNS as ENTITY_COLUMNS, HORIZON,
};
pub use leases::force as force_release;
pub use scopes::{lock_copy, lock_exam, Scopes};

use korrigo_core::error::ErrorCode;
use korrigo_core::sync::{Entity, Mutation, ServerRole};
use time::OffsetDateTime;

/// Who pushes, from where, and when.
#[derive(Debug, Clone)]
pub struct Ctx<'a> {
    pub login: &'a str,
    pub role: ServerRole,
    pub station: &'a str,
    pub ip: Option<&'a str>,
    pub now: OffsetDateTime,
}

#[derive(Debug)]
pub enum Decision {
    Applied(Vec<Entity>),
    Conflict {
        code: ErrorCode,
        message: String,
        winners: Vec<Entity>,
    },
    Rejected {
        code: ErrorCode,
        message: String,
    },
}

/// Why a rule stopped a mutation, or a database failure.
#[derive(Debug)]
pub enum Fail {
    Refused(Decision),
    Db(tokio_postgres::Error),
}

impl From<tokio_postgres::Error> for Fail {
    fn from(e: tokio_postgres::Error) -> Self {
        Fail::Db(e)
    }
}

impl Fail {
    pub fn rejected(code: ErrorCode, message: impl Into<String>) -> Fail {
        Fail::Refused(Decision::Rejected {
            code,
            message: message.into(),
        })
    }
    pub fn conflict(code: ErrorCode, message: impl Into<String>, winners: Vec<Entity>) -> Fail {
        Fail::Refused(Decision::Conflict {
            code,
            message: message.into(),
            winners,
        })
    }
}

pub type Step<T> = Result<T, Fail>;

/// Parses a mutation's arguments, rejecting what does not fit.
pub(crate) fn args<T: serde::de::DeserializeOwned>(m: &Mutation) -> Step<T> {
    serde_json::from_value(m.args.clone()).map_err(|e| {
        Fail::rejected(
            ErrorCode::Validation,
            format!("{} #{}: arguments do not fit: {e}", m.name, m.seq),
        )
    })
}

/// Whether a mutation may write before a rule refuses it, and so must run in a
/// savepoint. The others check everything before their first write.
pub fn needs_savepoint(name: &str) -> bool {
    !matches!(
        name,
        "score.set"
            | "appreciation.set"
            | "annotation.put"
            | "annotation.delete"
            | "lease.take"
            | "lease.renew"
            | "lease.release"
            | "comment.add"
            | "comment.delete"
            | "user.set"
    )
}

/// Applies one mutation; `Err` only for database failures.
pub async fn apply(
    tx: &Db<'_, '_>,
    ctx: &Ctx<'_>,
    m: &Mutation,
) -> Result<Decision, tokio_postgres::Error> {
    let result = match roles::check(ctx, &m.name) {
        Err(fail) => Err(fail),
        Ok(()) => run(tx, ctx, m).await,
    };
    match result {
        Ok(entities) => Ok(Decision::Applied(entities)),
        Err(Fail::Refused(d)) => {
            tx.forget_all();
            Ok(d)
        }
        Err(Fail::Db(e)) => Err(e),
    }
}

async fn run(tx: &Db<'_, '_>, ctx: &Ctx<'_>, m: &Mutation) -> Step<Vec<Entity>> {
    match m.name.as_str() {
        "exam.create" | "exam.anonymous" | "bareme.set" | "roster.import" | "import"
        | "copy.identify" | "copy.resolve_flag" | "copy.join" | "copy.reopen" | "dispatch.run" => {
            structure::apply(tx, ctx, m).await
        }
        "copy.finalize" => grading::finalize(tx, ctx, m).await,
        "copy.exported" => exports::record(tx, ctx, m).await,
        "score.set" => grading::score(tx, ctx, m).await,
        "appreciation.set" => grading::appreciation(tx, ctx, m).await,
        "annotation.put" | "annotation.delete" => grading::annotation(tx, ctx, m).await,
        "lease.take" => leases::take(tx, ctx, m).await,
        "lease.renew" => leases::renew(tx, ctx, m).await,
        "lease.release" => leases::release(tx, ctx, m).await,
        "lease.force_release" => leases::force_release(tx, ctx, m).await,
        // The comment bank and the station's own users stay on the station.
        "comment.add" | "comment.delete" | "user.set" => Ok(Vec::new()),
        other => Err(Fail::rejected(
            ErrorCode::Validation,
            format!(
                "mutation #{}: '{other}' is not a change this server knows",
                m.seq
            ),
        )),
    }
}
