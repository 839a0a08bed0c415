//! How numbers, money and dates are written for people: UK dates
//! ("22 Nov 2026"), counts and money with thousands separators, one decimal
//! place.

use chrono::NaiveDate;

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

/// A label in the middle of a sentence: its first letter small, the rest
/// as written ("the Code's" keeps its capital); a label that starts with a
/// name ("Ombudsman findings", "TSM") or an acronym keeps it.
pub fn mid_sentence(label: &str) -> String {
    let first = label.split_whitespace().next().unwrap_or_default();
    let named = ["Ombudsman", "Housing", "Code", "HouseMark", "Regulator"].contains(&first)
        || (first.len() > 1 && first.chars().all(|c| !c.is_lowercase()));
    if named {
        return label.to_string();
    }
    let mut chars = label.chars();
    chars.next().map(|first| first.to_lowercase().chain(chars).collect()).unwrap_or_default()
}

/// Text as a sentence: its first letter a capital, a full stop at the end.
pub fn sentence(text: &str) -> String {
    let mut chars = text.trim().chars();
    let mut out: String =
        chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default();
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_mid_sentence_keeps_its_names_and_the_text_a_sentence_its_stop() {
        assert_eq!(
            mid_sentence("Acknowledged within the Code's timescale"),
            "acknowledged within the Code's timescale"
        );
        assert_eq!(mid_sentence("Ombudsman findings"), "Ombudsman findings");
        assert_eq!(mid_sentence("TSM CH02"), "TSM CH02");
        assert_eq!(mid_sentence("A"), "a");
        assert_eq!(mid_sentence(""), "");
        assert_eq!(sentence("counted apart"), "Counted apart.");
        assert_eq!(sentence("Done."), "Done.");
    }

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
