//! Recognising a sheet side scanned twice: each scan's coarse ink grid, turned upright,
//! is its perceptual hash; two scans whose grids correlate above a threshold are the
//! same side. Blank sides are never compared (all blank sides look alike).

/// Correlation above which two scans are taken to be the same side.
pub const SAME_SIDE: f32 = 0.90;

/// A scan's perceptual hash as stored: the upright grid in hex.
pub fn to_hex(grid: &[u8]) -> String {
    grid.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn from_hex(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok())
        .collect()
}

/// Pearson correlation of two grids of the same shape (0 when either is flat).
pub fn similarity(a: &[u8], b: &[u8]) -> f32 {
    if a.len() != b.len() || a.is_empty() {
        return 0.0;
    }
    let n = a.len() as f32;
    let (ma, mb) = (
        a.iter().map(|&v| v as f32).sum::<f32>() / n,
        b.iter().map(|&v| v as f32).sum::<f32>() / n,
    );
    let (mut cov, mut va, mut vb) = (0f32, 0f32, 0f32);
    for (&x, &y) in a.iter().zip(b) {
        let (dx, dy) = (x as f32 - ma, y as f32 - mb);
        cov += dx * dy;
        va += dx * dx;
        vb += dy * dy;
    }
    if va < 1.0 || vb < 1.0 {
        return 0.0;
    }
    cov / (va.sqrt() * vb.sqrt())
}

/// For each grid in `new`, the position of the first earlier grid (in `known`, then in
/// `new` before it) it duplicates. `None` entries are blank scans, never compared.
pub fn find(known: &[Vec<u8>], new: &[Option<Vec<u8>>]) -> Vec<Option<Duplicate>> {
    let mut out = Vec::with_capacity(new.len());
    for (i, grid) in new.iter().enumerate() {
        let Some(grid) = grid else {
            out.push(None);
            continue;
        };
        let hit = known
            .iter()
            .position(|k| similarity(k, grid) >= SAME_SIDE)
            .map(Duplicate::Known)
            .or_else(|| {
                new[..i]
                    .iter()
                    .position(|k| k.as_ref().is_some_and(|k| similarity(k, grid) >= SAME_SIDE))
                    .map(Duplicate::New)
            });
        out.push(hit);
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duplicate {
    /// Same side as `known[i]`.
    Known(usize),
    /// Same side as `new[i]`.
    New(usize),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips() {
        let g = vec![0, 17, 255, 128];
        assert_eq!(from_hex(&to_hex(&g)).unwrap(), g);
    }

    #[test]
    fn identical_grids_correlate_and_flat_ones_do_not() {
        let a: Vec<u8> = (0..64).map(|i| (i * 37 % 251) as u8).collect();
        assert!(similarity(&a, &a) > 0.999);
        assert_eq!(similarity(&a, &[200; 64]), 0.0);
        let found = find(&[], &[Some(a.clone()), None, Some(a)]);
        assert_eq!(found, vec![None, None, Some(Duplicate::New(0))]);
    }
}
