//! Sharing an exam's copies among correctors: a seeded shuffle dealt round-robin, or
//! fixed counts per corrector. The same seed always gives the same deal, whatever the
//! platform (the shuffle uses its own SplitMix64, not a library generator that may
//! change between versions).

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "method")]
pub enum Plan {
    RoundRobin {
        correctors: Vec<String>,
        seed: u64,
    },
    /// Exactly this many copies per corrector; the counts must add up to the copies.
    Counts {
        counts: Vec<(String, usize)>,
        seed: u64,
    },
}

struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn shuffled(copies: &[String], seed: u64) -> Vec<String> {
    let mut out = copies.to_vec();
    let mut rng = SplitMix64(seed);
    for i in (1..out.len()).rev() {
        out.swap(i, rng.below(i + 1));
    }
    out
}

fn check_names(names: &[&String]) -> Result<()> {
    if names.is_empty() {
        return Err(Error::validation("name at least one corrector"));
    }
    for (i, n) in names.iter().enumerate() {
        if n.trim().is_empty() {
            return Err(Error::validation("a corrector's name is empty"));
        }
        if names[..i].contains(n) {
            return Err(Error::validation(format!("corrector {n} is named twice")));
        }
    }
    Ok(())
}

/// Which corrector gets which copy, in the order the copies were given.
pub fn deal(copies: &[String], plan: &Plan) -> Result<Vec<(String, String)>> {
    let mut out = Vec::with_capacity(copies.len());
    match plan {
        Plan::RoundRobin { correctors, seed } => {
            check_names(&correctors.iter().collect::<Vec<_>>())?;
            for (i, c) in shuffled(copies, *seed).into_iter().enumerate() {
                out.push((c, correctors[i % correctors.len()].clone()));
            }
        }
        Plan::Counts { counts, seed } => {
            check_names(&counts.iter().map(|(n, _)| n).collect::<Vec<_>>())?;
            let sum: usize = counts.iter().map(|(_, k)| k).sum();
            if sum != copies.len() {
                return Err(Error::validation(format!(
                    "the counts add up to {sum} copies, but {} copies are to be dealt",
                    copies.len()
                )));
            }
            let mut it = shuffled(copies, *seed).into_iter();
            for (name, k) in counts {
                for c in it.by_ref().take(*k) {
                    out.push((c, name.clone()));
                }
            }
        }
    }
    let order: std::collections::HashMap<&String, usize> =
        copies.iter().enumerate().map(|(i, c)| (c, i)).collect();
    out.sort_by_key(|(c, _)| order[c]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn copies(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("c{i}")).collect()
    }

    #[test]
    fn a_seed_gives_one_deal_and_shares_are_even() {
        let plan = Plan::RoundRobin {
            correctors: vec!["ann".into(), "bob".into(), "cid".into()],
            seed: 7,
        };
        let a = deal(&copies(10), &plan).unwrap();
        assert_eq!(a, deal(&copies(10), &plan).unwrap());
        let n = |who: &str| a.iter().filter(|(_, c)| c == who).count();
        assert_eq!((n("ann"), n("bob"), n("cid")), (4, 3, 3));
        let other = deal(
            &copies(10),
            &Plan::RoundRobin {
                correctors: vec!["ann".into(), "bob".into(), "cid".into()],
                seed: 8,
            },
        )
        .unwrap();
        assert_ne!(a, other);
    }

    #[test]
    fn counts_must_add_up() {
        let plan = Plan::Counts {
            counts: vec![("ann".into(), 2), ("bob".into(), 3)],
            seed: 1,
        };
        let a = deal(&copies(5), &plan).unwrap();
        assert_eq!(a.iter().filter(|(_, c)| c == "bob").count(), 3);
        assert!(deal(&copies(6), &plan)
            .unwrap_err()
            .message
            .contains("add up to 5"));
        assert!(deal(
            &copies(2),
            &Plan::RoundRobin {
                correctors: vec!["a".into(), "a".into()],
                seed: 0
            }
        )
        .is_err());
    }
}
