//! What goes into a CSV cell: text neutralised against formula injection, and numbers.

use korrigo_core::grading::Points;

/// A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, or a tab or carriage
/// return in front of one) gets a leading apostrophe, which spreadsheets show as text.
pub fn safe(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}

/// Points with a decimal point (`2.5`).
pub fn points(p: Points) -> String {
    p.to_string()
}

/// Hundredths as a French decimal number (`1425` -> `14,25`).
pub fn hundredths_fr(h: i64) -> String {
    format!("{},{:02}", h / 100, h % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(safe("+33"), "'+33");
        assert_eq!(safe("-1"), "'-1");
        assert_eq!(safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(safe("Élodie"), "Élodie");
        assert_eq!(hundredths_fr(1425), "14,25");
        assert_eq!(hundredths_fr(5), "0,05");
    }
}
