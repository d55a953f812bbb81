//! The server binary in a process of its own, for tests that kill it like a crash would.
//! Only the server's own tests can use it (the binary is theirs).

use crate::common::{Endpoint, TestDb};
use std::net::SocketAddr;

/// The `korrigo-server` binary in its own process, to be killed like a crash would.
pub struct Process {
    pub child: std::process::Child,
    pub addr: SocketAddr,
}

impl Endpoint for Process {
    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

pub async fn spawn_process(db: &TestDb, data_dir: &std::path::Path) -> Process {
    spawn_process_with(db, data_dir, &[]).await
}

/// The server process with more `KORRIGO_SERVER_*` settings (say, its pool size).
pub async fn spawn_process_with(
    db: &TestDb,
    data_dir: &std::path::Path,
    settings: &[(&str, &str)],
) -> Process {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_korrigo-server"))
        .arg("serve")
        .env("KORRIGO_SERVER_LISTEN", addr.to_string())
        .env("KORRIGO_SERVER_DATABASE_URL", &db.url)
        .env("KORRIGO_SERVER_DATA_DIR", data_dir)
        .env("RUST_LOG", "warn")
        .envs(settings.iter().copied())
        .spawn()
        .expect("start korrigo-server");
    for _ in 0..200 {
        if reqwest::get(format!("http://{addr}/api/health/live"))
            .await
            .is_ok()
        {
            return Process { child, addr };
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("korrigo-server did not come up on {addr}");
}
