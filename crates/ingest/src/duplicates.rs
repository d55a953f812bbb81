//! Recognising a sheet side scanned twice by comparing fingerprints (see `fingerprint`):
//! the best correlation over both orientations and shifts of one cell, after removing
//! what every scan of the batch shares (printed header box, title, margins), so that
//! two lightly written pages do not look alike for their common print. Blank sides are
//! never compared (all blank sides look alike); the caller leaves them out.
//!
//! A pooled 4 × 4 summary of each fingerprint screens pairs first, so that a class of a
//! thousand scans is compared in well under a second.

use crate::fingerprint::{COLS_PER_A4, ROWS};

/// Correlation from which two scans are taken to be the same side.
pub const SAME_SIDE: f32 = 0.80;
/// Pooled correlation under which a pair is not looked at closely.
const SCREEN: f32 = 0.40;

/// Fingerprints seen so far, each with what the caller wants back on a match.
#[derive(Debug)]
pub struct Index<T> {
    background: Background,
    entries: Vec<(T, Prepared)>,
}

/// The mean fingerprint of a batch, per grid width: the part every scan shares.
#[derive(Debug, Default, Clone)]
pub struct Background {
    means: Vec<(usize, Vec<f32>)>,
}

impl Background {
    pub fn of<'a>(fingerprints: impl IntoIterator<Item = &'a [u8]>) -> Background {
        let mut sums: Vec<(usize, Vec<f32>, f32)> = Vec::new();
        for fp in fingerprints {
            let slot = match sums.iter_mut().position(|(len, _, _)| *len == fp.len()) {
                Some(i) => i,
                None => {
                    sums.push((fp.len(), vec![0.0; fp.len()], 0.0));
                    sums.len() - 1
                }
            };
            let (_, sum, n) = &mut sums[slot];
            sum.iter_mut().zip(fp).for_each(|(s, &v)| *s += v as f32);
            *n += 1.0;
        }
        Background {
            means: sums
                .into_iter()
                .map(|(len, sum, n)| (len, sum.into_iter().map(|s| s / n).collect()))
                .collect(),
        }
    }

    fn remove(&self, fp: &[u8]) -> Vec<f32> {
        match self.means.iter().find(|(len, _)| *len == fp.len()) {
            Some((_, mean)) => fp.iter().zip(mean).map(|(&v, m)| v as f32 - m).collect(),
            None => fp.iter().map(|&v| v as f32).collect(),
        }
    }
}

impl<T> Index<T> {
    pub fn new(background: Background) -> Self {
        Index {
            background,
            entries: Vec::new(),
        }
    }

    pub fn add(&mut self, tag: T, fingerprint: &[u8]) {
        if let Some(p) = Prepared::new(fingerprint, &self.background) {
            self.entries.push((tag, p));
        }
    }

    /// The first fingerprint seen that `fingerprint` repeats, with its score.
    pub fn find(&self, fingerprint: &[u8]) -> Option<(&T, f32)> {
        let probe = Prepared::new(fingerprint, &self.background)?;
        self.entries.iter().find_map(|(tag, seen)| {
            let score = seen.score(&probe);
            (score >= SAME_SIDE).then_some((tag, score))
        })
    }

    /// The best score of `fingerprint` against everything seen, and where.
    pub fn closest(&self, fingerprint: &[u8]) -> Option<(&T, f32)> {
        let probe = Prepared::new(fingerprint, &self.background)?;
        self.entries
            .iter()
            .map(|(tag, seen)| (tag, seen.score(&probe)))
            .max_by(|a, b| a.1.total_cmp(&b.1))
    }
}

/// A fingerprint ready for comparison, cut into its A4 halves, both ways up.
#[derive(Debug)]
struct Prepared {
    /// `ways[0]` as scanned, `ways[1]` turned by 180°; each a list of halves.
    ways: [Vec<HalfPrint>; 2],
}

#[derive(Debug)]
struct HalfPrint {
    cells: Vec<f32>,
    pooled: Vec<f32>,
    blank: bool,
}

/// Mean cell value under which a half holds no writing (about 0.2 % ink).
const BLANK_CELL_MEAN: f32 = 2.0;

impl Prepared {
    fn new(raw: &[u8], background: &Background) -> Option<Prepared> {
        if raw.is_empty() || !raw.len().is_multiple_of(ROWS * COLS_PER_A4) {
            return None;
        }
        let halves = raw.len() / (ROWS * COLS_PER_A4);
        let cells = background.remove(raw);
        let turned_raw: Vec<u8> = raw.iter().rev().copied().collect();
        let turned: Vec<f32> = cells.iter().rev().copied().collect();
        Some(Prepared {
            ways: [
                split(raw, &cells, halves),
                split(&turned_raw, &turned, halves),
            ],
        })
    }

    /// The likeness of two scans: for the better orientation, the least of their
    /// halves' correlations (a written half never matches a blank one).
    fn score(&self, other: &Prepared) -> f32 {
        let mine = &self.ways[0];
        let mut best = 0f32;
        for theirs in &other.ways {
            if theirs.len() != mine.len() {
                return 0.0;
            }
            let mut worst: Option<f32> = None;
            for (a, b) in mine.iter().zip(theirs) {
                let score = match (a.blank, b.blank) {
                    (true, true) => continue,
                    (false, false) => {
                        let screen: f32 = a.pooled.iter().zip(&b.pooled).map(|(x, y)| x * y).sum();
                        if screen < SCREEN {
                            0.0
                        } else {
                            best_shifted(&a.cells, &b.cells, COLS_PER_A4)
                        }
                    }
                    _ => 0.0,
                };
                worst = Some(worst.map_or(score, |w| w.min(score)));
            }
            best = best.max(worst.unwrap_or(0.0));
        }
        best
    }
}

fn split(raw: &[u8], cells: &[f32], halves: usize) -> Vec<HalfPrint> {
    let cols = COLS_PER_A4 * halves;
    (0..halves)
        .map(|h| {
            let pick = |i: usize| (i / cols) * cols + h * COLS_PER_A4 + i % COLS_PER_A4;
            let part: Vec<f32> = (0..ROWS * COLS_PER_A4).map(|i| cells[pick(i)]).collect();
            let ink: f32 = (0..ROWS * COLS_PER_A4)
                .map(|i| raw[pick(i)] as f32)
                .sum::<f32>()
                / (ROWS * COLS_PER_A4) as f32;
            HalfPrint {
                pooled: pooled(&part, COLS_PER_A4),
                cells: part,
                blank: ink < BLANK_CELL_MEAN,
            }
        })
        .collect()
}

/// Pearson correlation of two fingerprints, the best over shifts of one cell.
pub fn best_shifted(a: &[f32], b: &[f32], cols: usize) -> f32 {
    let mut best = f32::MIN;
    for dy in -1i32..=1 {
        for dx in -1i32..=1 {
            best = best.max(shifted_correlation(a, b, cols, dx, dy));
        }
    }
    best
}

fn shifted_correlation(a: &[f32], b: &[f32], cols: usize, dx: i32, dy: i32) -> f32 {
    let rows = a.len() / cols;
    let (mut n, mut sa, mut sb, mut saa, mut sbb, mut sab) = (0f32, 0f32, 0f32, 0f32, 0f32, 0f32);
    for y in 0.max(-dy)..(rows as i32).min(rows as i32 - dy) {
        let (ra, rb) = (y as usize * cols, (y + dy) as usize * cols);
        for x in 0.max(-dx)..(cols as i32).min(cols as i32 - dx) {
            let va = a[ra + x as usize];
            let vb = b[rb + (x + dx) as usize];
            n += 1.0;
            sa += va;
            sb += vb;
            saa += va * va;
            sbb += vb * vb;
            sab += va * vb;
        }
    }
    let cov = sab - sa * sb / n;
    let (va, vb) = (saa - sa * sa / n, sbb - sb * sb / n);
    if va < 1.0 || vb < 1.0 {
        return 0.0;
    }
    cov / (va.sqrt() * vb.sqrt())
}

/// 4 × 4 cell sums, centred and scaled to unit length (so a dot product is a
/// correlation).
fn pooled(cells: &[f32], cols: usize) -> Vec<f32> {
    let (pr, pc) = (ROWS / 4, cols.div_ceil(4));
    let mut out = vec![0f32; pr * pc];
    for (i, &v) in cells.iter().enumerate() {
        let (y, x) = (i / cols, i % cols);
        out[(y / 4) * pc + x / 4] += v;
    }
    let mean = out.iter().sum::<f32>() / out.len() as f32;
    out.iter_mut().for_each(|v| *v -= mean);
    let norm = out.iter().map(|v| v * v).sum::<f32>().sqrt();
    if norm > 0.0 {
        out.iter_mut().for_each(|v| *v /= norm);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: usize = COLS_PER_A4;
    const TWO: usize = 2 * COLS_PER_A4;

    /// Blobs of ink about three cells wide, like words, placed from `seed`.
    fn pattern(seed: u64, cols: usize) -> Vec<u8> {
        let hash = |v: u64| {
            let mut z = v.wrapping_add(0x9e3779b97f4a7c15);
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d049bb133111eb);
            z ^ (z >> 31)
        };
        (0..ROWS * cols)
            .map(|i| {
                (hash(seed * 1_000_003 + ((i / cols) / 3 * 1000 + (i % cols) / 3) as u64) >> 56)
                    as u8
            })
            .collect()
    }

    fn blank_left(mut fp: Vec<u8>) -> Vec<u8> {
        for y in 0..ROWS {
            fp[y * TWO..y * TWO + ONE].fill(0);
        }
        fp
    }

    #[test]
    fn a_side_is_found_again_shifted_or_turned_and_others_are_not() {
        let a = pattern(1, ONE);
        let mut shifted = vec![0u8; a.len()];
        for y in 0..ROWS {
            for x in 1..ONE {
                shifted[y * ONE + x] = a[y * ONE + x - 1];
            }
        }
        let turned: Vec<u8> = a.iter().rev().copied().collect();
        let mut index = Index::new(Background::default());
        index.add("a", &a);
        index.add("flat", &vec![10; a.len()]);
        assert_eq!(index.find(&turned).map(|(t, _)| *t), Some("a"));
        assert_eq!(index.find(&shifted).map(|(t, _)| *t), Some("a"));
        assert_eq!(index.find(&pattern(2, ONE)).map(|(t, _)| *t), None);
        assert_eq!(
            index.find(&pattern(1, TWO)).map(|(t, _)| *t),
            None,
            "an A3 scan is not an A4 one"
        );
    }

    #[test]
    fn a_shared_blank_half_is_no_likeness() {
        let mut index = Index::new(Background::default());
        index.add("half blank", &blank_left(pattern(3, TWO)));
        assert_eq!(
            index.find(&blank_left(pattern(3, TWO))).map(|(t, _)| *t),
            Some("half blank")
        );
        assert_eq!(
            index.find(&blank_left(pattern(4, TWO))).map(|(t, _)| *t),
            None
        );
        assert_eq!(
            index.find(&pattern(3, TWO)).map(|(t, _)| *t),
            None,
            "a written half is not a blank one"
        );
    }

    #[test]
    fn shared_print_is_not_a_likeness() {
        let print: Vec<u8> = (0..ROWS * ONE)
            .map(|i| if i / ONE < 12 { 200 } else { 0 })
            .collect();
        let with = |seed: u64| -> Vec<u8> {
            print
                .iter()
                .zip(pattern(seed, ONE))
                .map(|(&p, n)| p.max(n / 8))
                .collect()
        };
        let (a, b) = (with(1), with(2));
        let mut plain = Index::new(Background::default());
        plain.add("a", &a);
        assert!(
            plain.find(&b).is_some(),
            "without the background the print alone matches"
        );
        let mut index = Index::new(Background::of([
            a.as_slice(),
            b.as_slice(),
            with(3).as_slice(),
        ]));
        index.add("a", &a);
        assert!(index.find(&b).is_none());
        assert!(index.find(&a).is_some());
    }
}
