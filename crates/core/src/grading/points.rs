//! Points as whole quarters, so that sums, maxima and steps are exact. On the wire and in
//! JSON files a value is a plain number (`2.5`); anything that is not a multiple of a
//! quarter is refused, never rounded.

use crate::error::{Error, Result};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::ops::{Add, Neg, Sub};

/// A number of points, stored as a whole number of quarters. May be negative (a score
/// stamp that removes points); scores themselves are never negative.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, ts_rs::TS)]
#[ts(export, type = "number")]
pub struct Points(i64);

/// Beyond any barème a school writes; keeps every sum far from overflow.
const LIMIT_QUARTERS: i64 = 4_000_000;

impl Points {
    pub const ZERO: Points = Points(0);

    pub fn from_quarters(q: i64) -> Points {
        Points(q)
    }
    pub fn quarters(self) -> i64 {
        self.0
    }
    pub fn as_f64(self) -> f64 {
        self.0 as f64 / 4.0
    }
    pub fn is_multiple_of(self, step: Step) -> bool {
        self.0 % step.quarters() == 0
    }
    pub fn clamp(self, lo: Points, hi: Points) -> Points {
        Points(self.0.clamp(lo.0, hi.0))
    }

    /// A number read from a file or a command line; `what` names it in the error.
    pub fn from_number(v: f64, what: &str) -> Result<Points> {
        let q = v * 4.0;
        if !q.is_finite() || (q - q.round()).abs() > 1e-9 || q.abs() > LIMIT_QUARTERS as f64 {
            return Err(Error::validation(format!(
                "{what}: {v} is not a number of points in quarters (such as 2, 1.5 or 0.75)"
            )));
        }
        Ok(Points(q.round() as i64))
    }

    /// Parses `2.5` or the French `2,5`.
    pub fn parse(s: &str, what: &str) -> Result<Points> {
        let v: f64 =
            s.trim().replace(',', ".").parse().map_err(|_| {
                Error::validation(format!("{what}: '{s}' is not a number of points"))
            })?;
        Points::from_number(v, what)
    }
}

impl fmt::Display for Points {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let q = self.0.unsigned_abs();
        match q % 4 {
            0 => write!(f, "{sign}{}", q / 4),
            2 => write!(f, "{sign}{}.5", q / 4),
            1 => write!(f, "{sign}{}.25", q / 4),
            _ => write!(f, "{sign}{}.75", q / 4),
        }
    }
}

impl Add for Points {
    type Output = Points;
    fn add(self, o: Points) -> Points {
        Points(self.0 + o.0)
    }
}
impl Sub for Points {
    type Output = Points;
    fn sub(self, o: Points) -> Points {
        Points(self.0 - o.0)
    }
}
impl Neg for Points {
    type Output = Points;
    fn neg(self) -> Points {
        Points(-self.0)
    }
}
impl std::iter::Sum for Points {
    fn sum<I: Iterator<Item = Points>>(iter: I) -> Points {
        Points(iter.map(|p| p.0).sum())
    }
}

impl Serialize for Points {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        if self.0 % 4 == 0 {
            s.serialize_i64(self.0 / 4)
        } else {
            s.serialize_f64(self.as_f64())
        }
    }
}

impl<'de> Deserialize<'de> for Points {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Points, D::Error> {
        let v = f64::deserialize(d)?;
        Points::from_number(v, "points").map_err(|e| serde::de::Error::custom(e.message))
    }
}

/// The smallest change of a leaf's score: a whole point, a half or a quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ts_rs::TS)]
#[ts(export, type = "1 | 0.5 | 0.25")]
pub enum Step {
    Whole,
    Half,
    Quarter,
}

impl Step {
    pub fn quarters(self) -> i64 {
        match self {
            Step::Whole => 4,
            Step::Half => 2,
            Step::Quarter => 1,
        }
    }
    pub fn points(self) -> Points {
        Points(self.quarters())
    }
}

impl Serialize for Step {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Step::Whole => s.serialize_i64(1),
            Step::Half => s.serialize_f64(0.5),
            Step::Quarter => s.serialize_f64(0.25),
        }
    }
}

impl<'de> Deserialize<'de> for Step {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Step, D::Error> {
        let v = f64::deserialize(d)?;
        match v {
            1.0 => Ok(Step::Whole),
            0.5 => Ok(Step::Half),
            0.25 => Ok(Step::Quarter),
            _ => Err(serde::de::Error::custom(format!(
                "step {v} is not allowed: use 1, 0.5 or 0.25"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_quarters_and_refuses_the_rest() {
        assert_eq!(
            Points::parse("2,5", "q").unwrap(),
            Points::from_quarters(10)
        );
        assert_eq!(
            Points::parse("0.75", "q").unwrap(),
            Points::from_quarters(3)
        );
        assert_eq!(Points::parse("-1", "q").unwrap(), Points::from_quarters(-4));
        assert!(Points::parse("0.3", "q").is_err());
        assert!(Points::parse("abc", "q").is_err());
        assert!(Points::from_number(f64::NAN, "q").is_err());
    }

    #[test]
    fn prints_and_serialises_as_plain_numbers() {
        for (q, s) in [(10, "2.5"), (3, "0.75"), (-1, "-0.25"), (8, "2"), (0, "0")] {
            let p = Points::from_quarters(q);
            assert_eq!(p.to_string(), s);
            assert_eq!(serde_json::to_string(&p).unwrap(), s);
            assert_eq!(serde_json::from_str::<Points>(s).unwrap(), p);
        }
        assert!(serde_json::from_str::<Points>("1.1").is_err());
        assert!(serde_json::from_str::<Step>("0.3").is_err());
    }
}
