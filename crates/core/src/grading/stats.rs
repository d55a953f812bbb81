//! Descriptive statistics of a set of marks: count, mean, median, standard deviation
//! (of the population: every copy of the exam is there, not a sample), min, max and a
//! histogram of equal-width bins over [0, max], the last bin closed on the right.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Bin {
    pub from: f64,
    pub to: f64,
    pub count: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Summary {
    pub count: usize,
    pub mean: Option<f64>,
    pub median: Option<f64>,
    pub std_dev: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub histogram: Vec<Bin>,
}

/// Summarises `values`, which lie in [0, `scale_max`], with `bins` histogram bins.
pub fn summarise(values: &[f64], scale_max: f64, bins: usize) -> Summary {
    let bins = bins.max(1);
    let width = if scale_max > 0.0 {
        scale_max / bins as f64
    } else {
        1.0
    };
    let mut histogram: Vec<Bin> = (0..bins)
        .map(|i| Bin {
            from: width * i as f64,
            to: width * (i + 1) as f64,
            count: 0,
        })
        .collect();
    for &v in values {
        let i = ((v / width).floor().max(0.0) as usize).min(bins - 1);
        histogram[i].count += 1;
    }
    if values.is_empty() {
        return Summary {
            count: 0,
            mean: None,
            median: None,
            std_dev: None,
            min: None,
            max: None,
            histogram,
        };
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    let median = if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    };
    Summary {
        count: values.len(),
        mean: Some(mean),
        median: Some(median),
        std_dev: Some(var.sqrt()),
        min: sorted.first().copied(),
        max: sorted.last().copied(),
        histogram,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_of_a_small_class() {
        let s = summarise(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0], 10.0, 5);
        assert_eq!(s.count, 8);
        assert_eq!(s.mean, Some(5.0));
        assert_eq!(s.median, Some(4.5));
        assert_eq!(s.std_dev, Some(2.0));
        assert_eq!((s.min, s.max), (Some(2.0), Some(9.0)));
        let counts: Vec<usize> = s.histogram.iter().map(|b| b.count).collect();
        assert_eq!(counts, [0, 1, 5, 1, 1]);
        let top = summarise(&[10.0], 10.0, 5);
        assert_eq!(top.histogram[4].count, 1);
        assert_eq!(summarise(&[], 20.0, 4).mean, None);
    }
}
