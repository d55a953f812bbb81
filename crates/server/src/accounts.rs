//! Accounts: created by an admin (or by `korrigo-server account add` for the first one),
//! each with one role and an argon2 password hash.

use crate::auth::hash_password;
use crate::error::{ApiError, ApiResult};
use korrigo_core::sync::ServerRole;
use tokio_postgres::GenericClient;

pub async fn create(
    client: &impl GenericClient,
    login: &str,
    password: &str,
    role: ServerRole,
    email: Option<&str>,
) -> ApiResult<i64> {
    let login = login.trim();
    if login.is_empty() {
        return Err(ApiError::validation("an account needs a login"));
    }
    if password.chars().count() < 8 {
        return Err(ApiError::validation(format!(
            "the password of {login} is too short: 8 characters at least"
        )));
    }
    let hash = hash_password(password.to_string()).await?;
    let row = client
        .query_opt(
            "INSERT INTO account (login, role, password_hash, email) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (login) DO NOTHING RETURNING id",
            &[&login, &role.as_str(), &hash, &email],
        )
        .await?;
    row.map(|r| r.get(0))
        .ok_or_else(|| ApiError::conflict(format!("an account named {login} already exists")))
}
