//! Which role may push which mutation. An operator scans and identifies but never
//! grades; a teacher grades; structure and dispatch belong to admins; students push
//! nothing. The comment bank and the station's own users stay on the station, so any
//! other role may push those.

use super::{Ctx, Fail, Step};
use korrigo_core::error::ErrorCode;
use korrigo_core::sync::ServerRole::{self, Admin, Operator, Teacher};

fn allowed(name: &str) -> &'static [ServerRole] {
    match name {
        "exam.create" | "bareme.set" => &[Admin, Teacher],
        "roster.import" | "import" | "copy.identify" | "copy.resolve_flag" | "copy.join" => {
            &[Admin, Operator, Teacher]
        }
        "score.set" | "appreciation.set" | "annotation.put" | "annotation.delete"
        | "lease.take" | "lease.renew" | "lease.release" | "copy.finalize" | "copy.exported"
        | "comment.add" | "comment.delete" => &[Admin, Teacher],
        "exam.anonymous" | "dispatch.run" | "lease.force_release" | "copy.reopen" | "user.set" => {
            &[Admin]
        }
        _ => &[Admin, Operator, Teacher],
    }
}

pub fn check(ctx: &Ctx<'_>, name: &str) -> Step<()> {
    if allowed(name).contains(&ctx.role) {
        Ok(())
    } else {
        Err(Fail::rejected(
            ErrorCode::Unauthorized,
            format!(
                "{} ({}) may not push '{name}'",
                ctx.login,
                ctx.role.as_str()
            ),
        ))
    }
}
