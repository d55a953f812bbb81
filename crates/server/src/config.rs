//! The server's configuration: a TOML file (`--config`), then environment variables,
//! which win. Every setting has a default fit for a test on loopback except the
//! database, which must be named.

use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default = "default_listen")]
    pub listen: SocketAddr,
    /// A libpq-style connection string (`host=… user=… password=… dbname=…`) or URL.
    pub database_url: String,
    /// Where uploaded scans and the epoch's high-water mark live.
    pub data_dir: PathBuf,
    /// The bearer token `/metrics` asks for; `/metrics` is closed without one.
    #[serde(default)]
    pub metrics_token: Option<String>,
    #[serde(default)]
    pub tls: Option<TlsConfig>,
    #[serde(default = "default_token_days")]
    pub token_days: i64,
    #[serde(default = "default_pool")]
    pub pool_size: usize,
    /// Take the client's address from `X-Forwarded-For` (behind a reverse proxy only).
    #[serde(default)]
    pub trust_forwarded_for: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsConfig {
    pub cert: PathBuf,
    pub key: PathBuf,
}

fn default_listen() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8443))
}
fn default_token_days() -> i64 {
    90
}
/// Four connections per core: with PostgreSQL on the same machine, more connections
/// only take turns on the same cores, and the last in line waits longest (measured with
/// 50 stations syncing back to back on 2 cores: 8 connections p99 124 ms, 32 p99 200+ ms).
fn default_pool() -> usize {
    std::thread::available_parallelism().map_or(8, |n| (4 * n.get()).clamp(4, 64))
}

impl Config {
    /// Reads `file` (if any), then applies `KORRIGO_SERVER_*` environment variables.
    pub fn load(file: Option<&Path>) -> Result<Config, String> {
        let mut table = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    format!("cannot read the configuration {}: {e}", path.display())
                })?;
                text.parse::<toml::Table>()
                    .map_err(|e| format!("{}: {e}", path.display()))?
            }
            None => toml::Table::new(),
        };
        let env = [
            ("KORRIGO_SERVER_LISTEN", "listen"),
            ("KORRIGO_SERVER_DATABASE_URL", "database_url"),
            ("KORRIGO_SERVER_DATA_DIR", "data_dir"),
            ("KORRIGO_SERVER_METRICS_TOKEN", "metrics_token"),
        ];
        for (var, key) in env {
            if let Ok(v) = std::env::var(var) {
                table.insert(key.into(), toml::Value::String(v));
            }
        }
        if let Ok(v) = std::env::var("KORRIGO_SERVER_POOL_SIZE") {
            let n: i64 = v.trim().parse().map_err(|_| {
                format!("KORRIGO_SERVER_POOL_SIZE must be a number of connections, not '{v}'")
            })?;
            table.insert("pool_size".into(), toml::Value::Integer(n));
        }
        if let (Ok(cert), Ok(key)) = (
            std::env::var("KORRIGO_SERVER_TLS_CERT"),
            std::env::var("KORRIGO_SERVER_TLS_KEY"),
        ) {
            let mut tls = toml::Table::new();
            tls.insert("cert".into(), toml::Value::String(cert));
            tls.insert("key".into(), toml::Value::String(key));
            table.insert("tls".into(), toml::Value::Table(tls));
        }
        let source = file.map_or("the environment".to_string(), |p| p.display().to_string());
        let config: Config = toml::Value::Table(table)
            .try_into()
            .map_err(|e| format!("configuration from {source}: {e}"))?;
        if config.token_days <= 0 {
            return Err(format!("{source}: token_days must be positive"));
        }
        if config.pool_size == 0 {
            return Err(format!("{source}: pool_size must be at least 1"));
        }
        Ok(config)
    }

    pub fn media_dir(&self) -> PathBuf {
        self.data_dir.join("media")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_sets_what_the_environment_does_not_override() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("server.toml");
        std::fs::write(
            &file,
            "listen = \"0.0.0.0:9443\"\ndatabase_url = \"host=db user=k\"\ndata_dir = \"/srv/k\"\n\
             metrics_token = \"m\"\ntoken_days = 7\n[tls]\ncert = \"/c.pem\"\nkey = \"/k.pem\"\n",
        )
        .unwrap();
        let c = Config::load(Some(&file)).unwrap();
        assert_eq!(c.listen.to_string(), "0.0.0.0:9443");
        assert_eq!(c.database_url, "host=db user=k");
        assert_eq!(c.token_days, 7);
        assert_eq!(c.media_dir(), PathBuf::from("/srv/k/media"));
        assert_eq!(c.tls.unwrap().cert, PathBuf::from("/c.pem"));
        std::env::set_var("KORRIGO_SERVER_LISTEN", "127.0.0.1:1234");
        std::env::set_var("KORRIGO_SERVER_METRICS_TOKEN", "from-env");
        std::env::set_var("KORRIGO_SERVER_POOL_SIZE", "40");
        let c = Config::load(Some(&file)).unwrap();
        assert_eq!(c.pool_size, 40);
        assert_eq!(c.listen.to_string(), "127.0.0.1:1234");
        assert_eq!(c.metrics_token.as_deref(), Some("from-env"));
        assert_eq!(c.database_url, "host=db user=k");
        std::env::remove_var("KORRIGO_SERVER_LISTEN");
        std::env::remove_var("KORRIGO_SERVER_METRICS_TOKEN");
        std::env::set_var("KORRIGO_SERVER_POOL_SIZE", "many");
        let e = Config::load(Some(&file)).unwrap_err();
        assert!(e.contains("KORRIGO_SERVER_POOL_SIZE"), "{e}");
        std::env::remove_var("KORRIGO_SERVER_POOL_SIZE");

        std::fs::write(
            &file,
            "database_url = \"x\"\ndata_dir = \"/d\"\ntoken_days = 0\n",
        )
        .unwrap();
        let e = Config::load(Some(&file)).unwrap_err();
        assert!(e.contains("token_days must be positive"), "{e}");
        std::fs::write(
            &file,
            "database_url = \"x\"\ndata_dir = \"/d\"\nlisten = 3\n",
        )
        .unwrap();
        let e = Config::load(Some(&file)).unwrap_err();
        assert!(e.contains("server.toml"), "{e}");
        std::fs::write(
            &file,
            "database_url = \"x\"\ndata_dir = \"/d\"\nlistn = \"a\"\n",
        )
        .unwrap();
        let e = Config::load(Some(&file)).unwrap_err();
        assert!(e.contains("listn"), "{e}");
    }
}
