//! The audit log: logins, identity changes, force-releases, releases and downloads, with
//! who, from where, and when. Written in the caller's transaction when there is one.

use serde_json::Value;
use tokio_postgres::GenericClient;

pub async fn record(
    client: &impl GenericClient,
    account: Option<&str>,
    ip: Option<&str>,
    action: &str,
    target: Option<&str>,
    detail: Value,
) -> Result<(), tokio_postgres::Error> {
    client
        .execute(
            "INSERT INTO audit (account, ip, action, target, detail) VALUES ($1, $2, $3, $4, $5)",
            &[&account, &ip, &action, &target, &detail],
        )
        .await?;
    Ok(())
}
