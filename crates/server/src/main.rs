//! `korrigo-server`: serve the sync API, migrate, add an account, or start a new epoch
//! after restoring the database from a backup. Logs are JSON lines on stderr.

use clap::{Parser, Subcommand};
use korrigo_core::sync::ServerRole;
use korrigo_server::{accounts, db, epoch, Config};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(name = "korrigo-server", version, about = "Korrigo's central server")]
struct Cli {
    /// The configuration file (TOML); `KORRIGO_SERVER_*` variables override it.
    #[arg(long, global = true, env = "KORRIGO_SERVER_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Migrate the database and serve.
    Serve,
    /// Bring the database's schema up to date, then stop.
    Migrate,
    /// Add an account; the password comes from `KORRIGO_SERVER_PASSWORD`.
    AccountAdd {
        #[arg(long)]
        login: String,
        #[arg(long, value_parser = parse_role)]
        role: ServerRole,
        #[arg(long)]
        email: Option<String>,
    },
    /// Give the database a new epoch, after restoring it from a backup: stations will
    /// replay what it lost.
    RotateEpoch,
}

fn parse_role(s: &str) -> Result<ServerRole, String> {
    ServerRole::parse(s)
        .ok_or_else(|| format!("'{s}' is not a role: admin, teacher, operator or student"))
}

async fn run(cli: Cli) -> Result<(), String> {
    let config = Config::load(cli.config.as_deref())?;
    match cli.command {
        Command::Serve => korrigo_server::serve(config).await,
        Command::Migrate => {
            let pool = db::pool(&config.database_url, 1)?;
            let mut client = pool
                .get()
                .await
                .map_err(|e| format!("cannot reach the database: {e}"))?;
            let v = db::migrate(&mut client).await?;
            tracing::info!(version = v, "schema up to date");
            Ok(())
        }
        Command::AccountAdd { login, role, email } => {
            let password = std::env::var("KORRIGO_SERVER_PASSWORD").map_err(|_| {
                "set KORRIGO_SERVER_PASSWORD to the new account's password".to_string()
            })?;
            let pool = db::pool(&config.database_url, 1)?;
            let mut client = pool
                .get()
                .await
                .map_err(|e| format!("cannot reach the database: {e}"))?;
            db::migrate(&mut client).await?;
            let id = accounts::create(&**client, &login, &password, role, email.as_deref())
                .await
                .map_err(|e| e.error.message)?;
            korrigo_server::audit::record(
                &**client,
                None,
                None,
                "account.create",
                Some(&login),
                serde_json::json!({ "role": role, "id": id }),
            )
            .await
            .map_err(|e| e.to_string())?;
            println!("account {login} ({}) created", role.as_str());
            Ok(())
        }
        Command::RotateEpoch => {
            let pool = db::pool(&config.database_url, 1)?;
            let mut client = pool
                .get()
                .await
                .map_err(|e| format!("cannot reach the database: {e}"))?;
            db::migrate(&mut client).await?;
            let e = epoch::set_new_epoch(&**client)
                .await
                .map_err(|e| e.to_string())?;
            let version = epoch::counter(&**client).await.map_err(|e| e.to_string())?;
            std::fs::create_dir_all(&config.data_dir).map_err(|e| e.to_string())?;
            epoch::write_mark(
                &config.data_dir,
                &epoch::HighWater {
                    epoch: e.clone(),
                    version,
                },
            )?;
            println!("new epoch {e}");
            Ok(())
        }
    }
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .json()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "korrigo-server failed");
            eprintln!("korrigo-server: {e}");
            ExitCode::FAILURE
        }
    }
}
