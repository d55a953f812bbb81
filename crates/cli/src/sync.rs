//! `korrigo login | logout | profile | sync`: the server profiles of this machine, the
//! token in the OS keyring, and syncing the active profile's station with its server.
//!
//! Invariants: the data directory is `--data-dir` when given, else the active profile's,
//! else the station's default one (so a machine without profiles works as before); the
//! token is read from and written to the keyring only, never printed.

use crate::args::{Cli, Command, ProfileCommand, SyncCommand};
use crate::output;
use korrigo_core::store::Store;
use korrigo_core::{Error, ErrorCode, Result};
use korrigo_sync::profile::{config_dir, DEFAULT_PROFILE};
use korrigo_sync::{account, Client, KeyringTokens, Profiles, SyncReport};
use serde_json::json;
use std::path::PathBuf;

/// Whether the command is one of this module's.
pub fn handles(c: &Command) -> bool {
    matches!(
        c,
        Command::Login { .. } | Command::Logout | Command::Profile(_) | Command::Sync { .. }
    )
}

/// The data directory to work in (see the module doc).
pub fn data_dir(given: Option<PathBuf>) -> Result<PathBuf> {
    if let Some(d) = given {
        return Ok(d);
    }
    match Profiles::load(&config_dir()?)?.active() {
        Some(p) => Ok(p.data_dir.clone()),
        None => crate::run::default_data_dir(None),
    }
}

pub fn run(cli: Cli) -> Result<()> {
    let as_json = cli.json;
    let config = config_dir()?;
    let tokens = KeyringTokens;
    match cli.command {
        Command::Login { server, profile } => {
            let login = cli.user.clone().ok_or_else(|| {
                Error::validation("name the account to sign in with: --user LOGIN")
            })?;
            let name = profile.unwrap_or_else(|| DEFAULT_PROFILE.to_string());
            let data_root = crate::run::default_data_dir(None)?;
            let mut req = account::SignIn {
                profile: &name,
                server: &server,
                login: &login,
                password: "",
                data_dir: cli.data_dir.clone(),
                data_root: &data_root,
            };
            let store = Store::open_as(&account::data_dir_for(&config, &req)?, Some(&login))?;
            let server_url = Client::new(&server, "")?.base_url().to_string();
            let password = password(&login, &server_url)?;
            req.password = &password;
            let account::SignedIn { profile, session } =
                account::sign_in(&config, &tokens, &req, store.station_id())?;
            if as_json {
                output::json(&json!({
                    "profile": profile.name,
                    "server_url": profile.server_url,
                    "data_dir": profile.data_dir,
                    "login": session.login,
                    "role": session.role,
                    "server_epoch": session.server_epoch,
                    "station_id": store.station_id(),
                }));
            } else {
                println!(
                    "signed in to {} as {} ({}); profile '{}' is active, its data in {}",
                    profile.server_url,
                    session.login,
                    session.role.as_str(),
                    profile.name,
                    profile.data_dir.display()
                );
            }
        }
        Command::Logout => {
            let profiles = Profiles::load(&config)?;
            let profile = active(&profiles)?;
            let server = account::sign_out(&tokens, profile)?;
            if let Some(e) = &server {
                eprintln!(
                    "korrigo: the server could not end the session ({}); the token is forgotten here",
                    e.message
                );
            }
            if as_json {
                output::json(&json!({ "profile": profile.name, "signed_out": true }));
            } else {
                println!(
                    "signed out of {} (profile '{}')",
                    profile.server_url, profile.name
                );
            }
        }
        Command::Profile(ProfileCommand::List) => {
            let profiles = Profiles::load(&config)?;
            if as_json {
                output::json(&profiles);
            } else if profiles.profiles.is_empty() {
                println!("no profile yet: korrigo login --server URL --user LOGIN");
            } else {
                for p in &profiles.profiles {
                    let mark = if profiles.active.as_deref() == Some(p.name.as_str()) {
                        "*"
                    } else {
                        " "
                    };
                    println!(
                        "{mark} {:<16} {:<40} {}",
                        p.name,
                        p.server_url,
                        p.data_dir.display()
                    );
                }
            }
        }
        Command::Profile(ProfileCommand::Use { name }) => {
            let mut profiles = Profiles::load(&config)?;
            let profile = profiles.use_profile(&name)?.clone();
            profiles.save(&config)?;
            if as_json {
                output::json(&profile);
            } else {
                println!(
                    "profile '{}' is active: {}, data in {}",
                    profile.name,
                    profile.server_url,
                    profile.data_dir.display()
                );
            }
        }
        Command::Sync { what: None } => {
            let profiles = Profiles::load(&config)?;
            let profile = active(&profiles)?;
            let client = account::client_for(&tokens, profile).map_err(|e| {
                if e.code == ErrorCode::Unauthorized {
                    Error::new(
                        e.code,
                        format!(
                            "{}: korrigo login --server {} --user LOGIN",
                            e.message, profile.server_url
                        ),
                    )
                } else {
                    e
                }
            })?;
            let dir = cli.data_dir.unwrap_or_else(|| profile.data_dir.clone());
            let mut store = Store::open_as(&dir, cli.user.as_deref())?;
            let report = korrigo_sync::sync_once(&mut store, &client).map_err(|e| {
                if e.code == ErrorCode::Unauthorized {
                    Error::new(
                        e.code,
                        format!(
                            "{} (sign in again: korrigo login --server {})",
                            e.message, profile.server_url
                        ),
                    )
                } else {
                    e
                }
            })?;
            for note in &report.notes {
                eprintln!("korrigo: {note}");
            }
            if as_json {
                output::json(&report);
            } else {
                print_report(&report);
            }
        }
        Command::Sync {
            what: Some(SyncCommand::Status),
        } => {
            let store = Store::open_as(&data_dir(cli.data_dir)?, cli.user.as_deref())?;
            let status = store.sync_status()?;
            if as_json {
                output::json(&status);
            } else {
                println!("pending changes: {}", status.pending);
                println!(
                    "last success:    {}",
                    status.last_success.as_deref().unwrap_or("never")
                );
                println!(
                    "last error:      {}",
                    status.last_error.as_deref().unwrap_or("none")
                );
                if status.parked > 0 {
                    println!(
                        "waiting entities: {} (their copy or exam is not here yet)",
                        status.parked
                    );
                }
                for i in &status.issues {
                    println!(
                        "  #{} {} {} on {}: {} ({})",
                        i.seq,
                        i.status,
                        i.name,
                        i.target,
                        i.message.as_deref().unwrap_or(""),
                        i.code.as_deref().unwrap_or("")
                    );
                }
                for c in &status.conflicts {
                    println!(
                        "  conflict kept by the server: {} on {} from station {} ({}): {}",
                        c.name, c.target, c.station_id, c.account, c.reason
                    );
                }
            }
        }
        _ => unreachable!("run only gets the commands `handles` accepts"),
    }
    Ok(())
}

fn active(profiles: &Profiles) -> Result<&korrigo_sync::Profile> {
    account::active(profiles).map_err(|e| {
        Error::new(
            e.code,
            "no active server profile: korrigo login --server URL --user LOGIN",
        )
    })
}

fn password(login: &str, server: &str) -> Result<String> {
    if let Ok(p) = std::env::var("KORRIGO_PASSWORD") {
        return Ok(p);
    }
    rpassword::prompt_password(format!("password of {login} at {server}: ")).map_err(|e| {
        Error::validation(format!(
            "cannot read the password from the terminal ({e}): set KORRIGO_PASSWORD"
        ))
    })
}

fn print_report(r: &SyncReport) {
    println!(
        "pushed {} change(s): {} applied, {} conflict(s), {} rejected",
        r.pushed, r.applied, r.conflicts, r.rejected
    );
    println!(
        "pulled {} entit(ies): {} written, {} kept for pending local changes, {} waiting",
        r.pulled, r.written, r.skipped_pending, r.parked
    );
    if r.uploaded + r.downloaded > 0 {
        println!(
            "scans: {} uploaded, {} downloaded",
            r.uploaded, r.downloaded
        );
    }
    if r.conflicts + r.rejected > 0 {
        println!("see them with: korrigo sync status");
    }
}
