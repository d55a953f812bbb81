//! Counters for `/metrics`, in Prometheus' text format: requests by route and status,
//! pushed mutations by outcome, logins by result, and push latency.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

const BUCKETS_MS: [f64; 10] = [1.0, 2.5, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0];

#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    mutations: Mutex<BTreeMap<&'static str, u64>>,
    logins: Mutex<BTreeMap<&'static str, u64>>,
    push_buckets: [AtomicU64; BUCKETS_MS.len()],
    push_count: AtomicU64,
    push_sum_us: AtomicU64,
}

impl Metrics {
    pub fn request(&self, route: &str, status: u16) {
        *self
            .requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry((route.to_string(), status))
            .or_default() += 1;
    }

    pub fn mutation(&self, status: &'static str) {
        *self
            .mutations
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(status)
            .or_default() += 1;
    }

    pub fn login(&self, result: &'static str) {
        *self
            .logins
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(result)
            .or_default() += 1;
    }

    pub fn push_latency(&self, seconds: f64) {
        let ms = seconds * 1000.0;
        for (i, b) in BUCKETS_MS.iter().enumerate() {
            if ms <= *b {
                self.push_buckets[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        self.push_count.fetch_add(1, Ordering::Relaxed);
        self.push_sum_us
            .fetch_add((seconds * 1e6) as u64, Ordering::Relaxed);
    }

    /// The text exposition, with the gauges the caller read just now.
    pub fn render(&self, version: i64, pool_size: usize, pool_available: usize) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP korrigo_http_requests_total HTTP requests by route and status."
        );
        let _ = writeln!(out, "# TYPE korrigo_http_requests_total counter");
        for ((route, status), n) in self
            .requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
        {
            let _ = writeln!(
                out,
                "korrigo_http_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}"
            );
        }
        let _ = writeln!(
            out,
            "# HELP korrigo_sync_mutations_total Pushed mutations by outcome."
        );
        let _ = writeln!(out, "# TYPE korrigo_sync_mutations_total counter");
        for (status, n) in self
            .mutations
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
        {
            let _ = writeln!(
                out,
                "korrigo_sync_mutations_total{{outcome=\"{status}\"}} {n}"
            );
        }
        let _ = writeln!(out, "# HELP korrigo_logins_total Login attempts by result.");
        let _ = writeln!(out, "# TYPE korrigo_logins_total counter");
        for (result, n) in self.logins.lock().unwrap_or_else(|p| p.into_inner()).iter() {
            let _ = writeln!(out, "korrigo_logins_total{{result=\"{result}\"}} {n}");
        }
        let _ = writeln!(
            out,
            "# HELP korrigo_push_duration_seconds Time to answer a push."
        );
        let _ = writeln!(out, "# TYPE korrigo_push_duration_seconds histogram");
        for (i, b) in BUCKETS_MS.iter().enumerate() {
            let n = self.push_buckets[i].load(Ordering::Relaxed);
            let _ = writeln!(
                out,
                "korrigo_push_duration_seconds_bucket{{le=\"{}\"}} {n}",
                b / 1000.0
            );
        }
        let count = self.push_count.load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "korrigo_push_duration_seconds_bucket{{le=\"+Inf\"}} {count}"
        );
        let sum = self.push_sum_us.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "korrigo_push_duration_seconds_sum {sum}");
        let _ = writeln!(out, "korrigo_push_duration_seconds_count {count}");
        let _ = writeln!(
            out,
            "# HELP korrigo_sync_version The last version handed out."
        );
        let _ = writeln!(out, "# TYPE korrigo_sync_version gauge");
        let _ = writeln!(out, "korrigo_sync_version {version}");
        let _ = writeln!(
            out,
            "# HELP korrigo_db_pool_connections Database connections: size and idle."
        );
        let _ = writeln!(out, "# TYPE korrigo_db_pool_connections gauge");
        let _ = writeln!(
            out,
            "korrigo_db_pool_connections{{state=\"size\"}} {pool_size}"
        );
        let _ = writeln!(
            out,
            "korrigo_db_pool_connections{{state=\"idle\"}} {pool_available}"
        );
        out
    }
}
