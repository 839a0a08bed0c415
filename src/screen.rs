//! Screening free text for personal data before it is published to residents:
//! email addresses, phone numbers, postcodes, house numbers with street names,
//! titled names ("Mrs Okafor") and the names the landlord lists. A flagged
//! text is left out of the published report and listed for the analyst.

use regex::{Regex, RegexBuilder};

/// Why a text was held back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    Email,
    Phone,
    Postcode,
    Address,
    TitledName,
    ListedName,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Email => "email address",
            Reason::Phone => "phone number",
            Reason::Postcode => "postcode",
            Reason::Address => "house number and street",
            Reason::TitledName => "name with a title",
            Reason::ListedName => "listed name",
        }
    }
}

pub struct Screen {
    patterns: Vec<(Reason, Regex)>,
}

fn pattern(re: &str) -> Regex {
    RegexBuilder::new(re).case_insensitive(true).build().expect("screen patterns are valid")
}

impl Screen {
    /// A screen for the built-in patterns and the given names.
    pub fn new(names: &[String]) -> Screen {
        let mut patterns = vec![
            (Reason::Email, pattern(r"[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}")),
            (Reason::Phone, pattern(r"(?:\+44\s?\(?0?\)?\s?|\b0)\d(?:[\s-]?\d){8,9}\b")),
            (Reason::Postcode, pattern(r"\b[a-z]{1,2}[0-9][a-z0-9]?\s*[0-9][abd-hjlnp-uw-z]{2}\b")),
            (
                Reason::Address,
                pattern(
                    r"\b\d{1,4}[a-z]?,?\s+(?:[a-z]+\s+){1,3}(?:road|rd|street|st|avenue|ave|close|lane|drive|court|way|place|crescent|gardens|terrace|grove|walk|rise|hill|square|mews|row|view|green|park)\b",
                ),
            ),
            (
                Reason::TitledName,
                Regex::new(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+[A-Z][a-z'-]+").expect("valid"),
            ),
        ];
        let listed: Vec<String> =
            names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()).map(regex::escape).collect();
        if !listed.is_empty() {
            // Names are proper nouns: matched as written, so "Green" is
            // caught but "green spaces" is not.
            let names = Regex::new(&format!(r"\b(?:{})\b", listed.join("|"))).expect("escaped names");
            patterns.push((Reason::ListedName, names));
        }
        Screen { patterns }
    }

    /// The reasons a text may not be published; empty when it may.
    pub fn check(&self, text: &str) -> Vec<Reason> {
        self.patterns.iter().filter(|(_, re)| re.is_match(text)).map(|(r, _)| *r).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catches_each_kind_of_personal_data() {
        let s = Screen::new(&["Okafor".to_string(), "Priya Shah".to_string()]);
        assert_eq!(s.check("Confirmation sent to jo.bloggs@example.com."), vec![Reason::Email]);
        assert_eq!(s.check("Call back on 07700 900123 tomorrow"), vec![Reason::Phone]);
        assert_eq!(s.check("Call back on 0113 496 0638"), vec![Reason::Phone]);
        assert_eq!(s.check("Call +44 7700 900123"), vec![Reason::Phone]);
        assert_eq!(s.check("Moved to WV3 7QJ"), vec![Reason::Postcode]);
        assert_eq!(s.check("Repaired the gutter at 14 Larch Close"), vec![Reason::Address]);
        assert_eq!(s.check("Apologised to Mrs Jones"), vec![Reason::TitledName]);
        assert_eq!(s.check("Agreed with Priya Shah at the meeting"), vec![Reason::ListedName]);
        assert_eq!(s.check("Discussed with Okafor's family"), vec![Reason::ListedName]);
        assert!(s.check("Cut back the okafor tree").is_empty());
    }

    #[test]
    fn passes_ordinary_learning() {
        let s = Screen::new(&["Okafor".to_string()]);
        for text in [
            "Introduced a text reminder the day before repair appointments.",
            "Retrained the income team on arrears letters.",
            "Damp surveys now happen within 10 working days of a report.",
            "Updated 3 policies and 12 procedures in 2025.",
            "The Housing Ombudsman's spotlight report was shared with all staff.",
        ] {
            assert!(s.check(text).is_empty(), "{text}: {:?}", s.check(text));
        }
    }
}
