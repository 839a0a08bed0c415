//! How numbers, money and dates are written in reports: UK dates
//! ("22 Nov 2026"), money in pounds with thousands separators, percentages to
//! one decimal place with their numerator and denominator alongside.

use chrono::NaiveDate;

use crate::metrics::{Figure, Unit};

pub fn uk_date(day: NaiveDate) -> String {
    day.format("%-d %b %Y").to_string()
}

/// Thousands separators on the integer part: 1234567.5 -> "1,234,567.5".
pub fn thousands(text: &str) -> String {
    let (sign, rest) = text.strip_prefix('-').map(|r| ("-", r)).unwrap_or(("", text));
    let (int, frac) = rest.split_once('.').map(|(i, f)| (i, Some(f))).unwrap_or((rest, None));
    let mut out = String::with_capacity(text.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
    }
}

pub fn count(value: f64) -> String {
    thousands(&format!("{:.0}", value))
}

pub fn gbp(value: f64) -> String {
    let text = thousands(&format!("{:.2}", value.abs()));
    if value < 0.0 {
        format!("-£{text}")
    } else {
        format!("£{text}")
    }
}

pub fn one_place(value: f64) -> String {
    thousands(&format!("{value:.1}"))
}

/// A figure's value as published.
pub fn value(f: &Figure) -> String {
    match (f.unit, f.value) {
        (_, None) => "–".to_string(),
        (Unit::Count, Some(v)) => count(v),
        (Unit::Gbp, Some(v)) => gbp(v),
        (Unit::Percent, Some(v)) => format!("{}%", one_place(v)),
        (Unit::Mean | Unit::Per1000Homes, Some(v)) => one_place(v),
    }
}

/// How a figure was made, in words: "412 of 507", "1,234 working days over
/// 100 responses", "629 per 36,139 homes".
pub fn working(f: &Figure) -> Option<String> {
    if let Some(note) = &f.note {
        return Some(note.clone());
    }
    match (f.unit, f.denominator) {
        (Unit::Percent, Some(d)) => Some(format!("{} of {}", count(f.numerator), count(d))),
        (Unit::Mean, Some(d)) => Some(format!("{} ÷ {}", count(f.numerator), count(d))),
        (Unit::Per1000Homes, Some(d)) => Some(format!("{} ÷ {} homes × 1,000", count(f.numerator), count(d))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_uk_forms() {
        assert_eq!(uk_date(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()), "22 Nov 2026");
        assert_eq!(uk_date(NaiveDate::from_ymd_opt(2026, 1, 2).unwrap()), "2 Jan 2026");
        assert_eq!(gbp(1250.0), "£1,250.00");
        assert_eq!(gbp(1234567.5), "£1,234,567.50");
        assert_eq!(gbp(50.0), "£50.00");
        assert_eq!(count(999.0), "999");
        assert_eq!(count(36139.0), "36,139");
        assert_eq!(one_place(81.3), "81.3");
        assert_eq!(thousands("-1234"), "-1,234");
    }
}
