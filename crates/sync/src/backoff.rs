//! When to try again after failed syncs: exponential from `first`, doubling, capped at
//! `max`, with jitter so that the stations of a school do not all retry at once.
//!
//! Invariant: a delay never exceeds `max` and never falls below `(1 - jitter)` of the
//! un-jittered delay.

use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    pub first: Duration,
    pub max: Duration,
    /// The share of a delay taken off at random, in [0, 1].
    pub jitter: f64,
}

impl Default for Backoff {
    /// 2 s doubling up to 5 min, up to a fifth taken off at random.
    fn default() -> Self {
        Backoff {
            first: Duration::from_secs(2),
            max: Duration::from_secs(300),
            jitter: 0.2,
        }
    }
}

impl Backoff {
    /// The delay after `failures` failures in a row (at least 1), before jitter.
    pub fn base(&self, failures: u32) -> Duration {
        let doublings = failures.saturating_sub(1).min(30);
        self.first
            .checked_mul(1u32 << doublings)
            .unwrap_or(self.max)
            .min(self.max)
    }

    /// The delay after `failures` failures, with `sample` in [0, 1) picking the jitter.
    pub fn delay_with(&self, failures: u32, sample: f64) -> Duration {
        let cut = self.jitter.clamp(0.0, 1.0) * sample.clamp(0.0, 1.0);
        self.base(failures).mul_f64(1.0 - cut)
    }

    /// The delay after `failures` failures, with random jitter.
    pub fn delay(&self, failures: u32) -> Duration {
        self.delay_with(failures, rand::random::<f64>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_from_two_seconds_up_to_five_minutes() {
        let b = Backoff::default();
        let secs: Vec<u64> = (1..=10).map(|n| b.base(n).as_secs()).collect();
        assert_eq!(secs, [2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
        assert_eq!(b.base(1000), Duration::from_secs(300));
        assert_eq!(b.base(0), Duration::from_secs(2));
    }

    #[test]
    fn jitter_only_shortens_and_by_at_most_its_share() {
        let b = Backoff::default();
        assert_eq!(b.delay_with(3, 0.0), Duration::from_secs(8));
        assert_eq!(b.delay_with(3, 1.0), Duration::from_millis(6400));
        for n in 1..20 {
            let d = b.delay(n);
            assert!(d <= b.base(n) && d >= b.base(n).mul_f64(0.8), "{n}: {d:?}");
            assert!(d <= b.max);
        }
    }
}
