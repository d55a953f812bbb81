//! The login limiter: at most `max` failed attempts per `window` for each key (an IP
//! address, an account), counted in a sliding window of timestamps. A key over the
//! limit is refused before any password is checked, with the time until its oldest
//! attempt leaves the window.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct Limiter {
    max: usize,
    window: Duration,
    hits: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl Limiter {
    pub fn new(max: usize, window: Duration) -> Limiter {
        Limiter {
            max,
            window,
            hits: Mutex::new(HashMap::new()),
        }
    }

    /// 5 attempts per 15 minutes, as for logins.
    pub fn for_logins() -> Limiter {
        Limiter::new(5, Duration::from_secs(15 * 60))
    }

    fn prune(&self, q: &mut VecDeque<Instant>, now: Instant) {
        while q
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            q.pop_front();
        }
    }

    /// `Err(wait)` if `key` used up its attempts.
    pub fn check(&self, key: &str, now: Instant) -> Result<(), Duration> {
        let mut hits = self.hits.lock().unwrap_or_else(|p| p.into_inner());
        let Some(q) = hits.get_mut(key) else {
            return Ok(());
        };
        self.prune(q, now);
        if q.len() < self.max {
            return Ok(());
        }
        let oldest = q.front().copied().unwrap_or(now);
        Err(self.window.saturating_sub(now.duration_since(oldest)))
    }

    pub fn record_failure(&self, key: &str, now: Instant) {
        let mut hits = self.hits.lock().unwrap_or_else(|p| p.into_inner());
        if hits.len() > 100_000 {
            hits.retain(|_, q| {
                q.back()
                    .is_some_and(|t| now.duration_since(*t) < self.window)
            });
        }
        let q = hits.entry(key.to_string()).or_default();
        self.prune(q, now);
        q.push_back(now);
    }

    pub fn clear(&self, key: &str) {
        self.hits
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_then_refused_until_the_window_slides() {
        let l = Limiter::new(5, Duration::from_secs(900));
        let t0 = Instant::now();
        for i in 0..5 {
            assert!(l.check("ip:1", t0 + Duration::from_secs(i)).is_ok());
            l.record_failure("ip:1", t0 + Duration::from_secs(i));
        }
        let wait = l.check("ip:1", t0 + Duration::from_secs(10)).unwrap_err();
        assert_eq!(wait, Duration::from_secs(890));
        assert!(l.check("ip:2", t0 + Duration::from_secs(10)).is_ok());
        assert!(l.check("ip:1", t0 + Duration::from_secs(900)).is_ok());
        l.record_failure("ip:1", t0 + Duration::from_secs(900));
        assert!(l
            .check("ip:1", t0 + Duration::from_millis(900_500))
            .is_err());
        l.clear("ip:1");
        assert!(l.check("ip:1", t0 + Duration::from_millis(900_500)).is_ok());
    }
}
