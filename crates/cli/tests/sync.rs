//! `korrigo login | profile | sync` without a server: what is refused and how, and the
//! sync status of a station.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn korrigo(config: &Path, data: Option<&Path>, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_korrigo"));
    c.env("KORRIGO_CONFIG_DIR", config)
        .env_remove("KORRIGO_DATA_DIR")
        .env("KORRIGO_PASSWORD", "not-used");
    if let Some(d) = data {
        c.arg("--data-dir").arg(d);
    }
    c.args(args).output().unwrap()
}

fn fails_with(out: &Output, code: &str, exit: i32) -> String {
    assert_eq!(out.status.code(), Some(exit), "{out:?}");
    let err: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["code"], code, "{err}");
    err["message"].as_str().unwrap().to_string()
}

#[test]
fn without_a_profile_nothing_syncs_and_a_failed_login_creates_none() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    let data = dir.path().join("data");

    let out = korrigo(&config, None, &["profile", "list", "--json"]);
    assert!(out.status.success());
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list, serde_json::json!({ "active": null, "profiles": [] }));

    let msg = fails_with(
        &korrigo(&config, None, &["--json", "profile", "use", "lycee-b"]),
        "not_found",
        3,
    );
    assert!(msg.contains("log in first"), "{msg}");
    let msg = fails_with(
        &korrigo(&config, Some(&data), &["--json", "sync"]),
        "unauthorized",
        7,
    );
    assert!(msg.contains("korrigo login"), "{msg}");

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let out = korrigo(
        &config,
        Some(&data),
        &[
            "--json",
            "login",
            "--server",
            &url,
            "--user",
            "ann",
            "--profile",
            "lycee-b",
        ],
    );
    let msg = fails_with(&out, "offline", 6);
    assert!(msg.contains(&url), "{msg}");
    assert!(
        !config.join("profiles.json").exists(),
        "no profile for a failed login"
    );
    let msg = fails_with(
        &korrigo(
            &config,
            Some(&data),
            &["--json", "login", "--server", "lycee.fr", "--user", "ann"],
        ),
        "validation",
        2,
    );
    assert!(msg.contains("https://"), "{msg}");
}

#[test]
fn sync_status_counts_pending_changes() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    let data = dir.path().join("data");
    let status = |args: &[&str]| -> Value {
        let out = korrigo(&config, Some(&data), args);
        assert!(out.status.success(), "{out:?}");
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let s = status(&["--json", "sync", "status"]);
    assert_eq!(s["pending"], 0);
    assert_eq!(s["last_success"], Value::Null);
    assert_eq!(s["issues"], serde_json::json!([]));
    status(&["--json", "exam", "create", "--name", "DS 1"]);
    let s = status(&["--json", "sync", "status"]);
    assert_eq!(s["pending"], 1);
    let out = korrigo(&config, Some(&data), &["sync", "status"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("pending changes: 1"), "{text}");
    assert!(text.contains("last success:    never"), "{text}");
}
