//! Learning themes: the theme of each case, as recorded at closure or, where
//! none was recorded, inferred from the landlord's taxonomy; and the rule for
//! calling a theme "emerging". A recorded theme whose own name holds
//! personal data is held back from every output ([`hold_back_personal`]).

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use polars::prelude::*;
use regex::Regex;

use crate::config::ThemesConfig;
use crate::error::{Error, Result};
use crate::schema::{
    case, is_theme_held_back, theme_held_back, INFERRED, NOT_RECORDED, RECORDED, THEME_SOURCE,
};
use crate::screen::{Allowed, Reason, ResidentNamed, Screen};

/// A pattern matching any of a theme's phrases at the start of a word,
/// ignoring case: "damp" finds "dampness" but "rent" does not find "current".
/// This is the rule; [`ThemeFinder`] applies it.
fn pattern(phrases: &[String]) -> String {
    let words: Vec<String> = written(phrases).map(regex::escape).collect();
    // An ASCII word boundary: the Unicode one keeps the regex off its fast engines.
    format!(r"(?i)(?-u:\b)(?:{})", words.join("|"))
}

/// A theme's phrases as the taxonomy means them: trimmed, blanks left out.
fn written(phrases: &[String]) -> impl Iterator<Item = &str> {
    phrases.iter().map(|p| p.trim()).filter(|p| !p.is_empty())
}

/// The taxonomy as a matcher: which theme a text suggests.
///
/// The rule is each theme's [`pattern`], tried in the order the themes are
/// written. Most text is ASCII, where one automaton over every phrase
/// (ignoring ASCII case) finds the same thing in a single pass: the first
/// theme with a phrase that starts where a word boundary is. Text with other
/// characters (whose case folding goes beyond ASCII) is judged by the
/// patterns themselves, and so is every text when a phrase is not plain
/// ASCII or a theme has no phrase at all.
pub struct ThemeFinder {
    names: Vec<String>,
    patterns: Vec<Regex>,
    phrases: Option<Phrases>,
}

/// Every phrase of every theme, and the theme each belongs to.
struct Phrases {
    matcher: AhoCorasick,
    theme: Vec<usize>,
}

impl ThemeFinder {
    pub fn new(config: &ThemesConfig) -> Result<ThemeFinder> {
        let invalid = |e: &dyn std::fmt::Display| Error::config("[themes] taxonomy", e.to_string());
        let patterns = config
            .taxonomy
            .values()
            .map(|phrases| Regex::new(&pattern(phrases)).map_err(|e| invalid(&e)))
            .collect::<Result<Vec<_>>>()?;
        let themes: Vec<Vec<&str>> = config.taxonomy.values().map(|p| written(p).collect()).collect();
        let plain = themes.iter().all(|t| !t.is_empty() && t.iter().all(|p| p.is_ascii()));
        let phrases = if plain {
            let theme = themes.iter().enumerate().flat_map(|(i, t)| t.iter().map(move |_| i)).collect();
            let matcher = AhoCorasickBuilder::new()
                .match_kind(MatchKind::Standard)
                .ascii_case_insensitive(true)
                .build(themes.iter().flatten())
                .map_err(|e| invalid(&e))?;
            Some(Phrases { matcher, theme })
        } else {
            None
        };
        Ok(ThemeFinder { names: config.taxonomy.keys().cloned().collect(), patterns, phrases })
    }

    /// Whether `theme` is one of the taxonomy's, ignoring spaces at either
    /// end and ASCII case.
    pub fn has_theme(&self, theme: &str) -> bool {
        self.names.iter().any(|n| n.trim().eq_ignore_ascii_case(theme.trim()))
    }

    /// The theme's name, by its place in the taxonomy.
    pub fn name(&self, theme: usize) -> &str {
        &self.names[theme]
    }

    /// The first theme (in the taxonomy's order) with a phrase at the start
    /// of a word in `text`.
    pub fn find(&self, text: &str) -> Option<usize> {
        match &self.phrases {
            Some(phrases) if text.is_ascii() => phrases.first_theme(text),
            _ => self.patterns.iter().position(|p| p.is_match(text)),
        }
    }
}

impl Phrases {
    fn first_theme(&self, text: &str) -> Option<usize> {
        let bytes = text.as_bytes();
        let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        let mut first: Option<usize> = None;
        for found in self.matcher.find_overlapping_iter(text) {
            let theme = self.theme[found.pattern().as_usize()];
            if first.is_some_and(|f| f <= theme) {
                continue;
            }
            // `(?-u:\b)` before the phrase: a word character on one side of
            // its start and not on the other.
            let before = found.start().checked_sub(1).is_some_and(|i| is_word(bytes[i]));
            if before != is_word(bytes[found.start()]) {
                first = Some(theme);
                if theme == 0 {
                    break;
                }
            }
        }
        first
    }
}

/// The recorded themes [`hold_back_personal`] held back, by the name each
/// is shown under, with a case of each (for the analyst to look it up) and
/// why; never their own names.
#[derive(Debug, Clone, PartialEq)]
pub struct HeldThemes {
    pub themes: Vec<HeldTheme>,
    /// The usable rows, of every period, whose theme was held back.
    pub rows: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HeldTheme {
    /// [`crate::schema::theme_held_back`].
    pub shown_as: String,
    pub case_ref: String,
    pub reasons: Vec<Reason>,
}

impl HeldThemes {
    pub fn shown_as(&self, theme: &str) -> Option<&HeldTheme> {
        self.themes.iter().find(|t| t.shown_as == theme)
    }

    /// Every reason any theme was held for, in [`Reason`]'s order.
    pub fn reasons(&self) -> Vec<Reason> {
        let mut all: Vec<Reason> = self.themes.iter().flat_map(|t| t.reasons.iter().copied()).collect();
        all.sort();
        all.dedup();
        all
    }
}

/// Call every recorded theme whose own name fails the personal-data screen,
/// or names a resident on some row of the export ([`ResidentNamed`]), by a
/// name of its own from [`theme_held_back`], so that no output (figures by
/// theme, the theme tables, metrics.json) carries it, while its figures stay
/// its own. A theme of the taxonomy is the landlord's own word and is never
/// held, nor one the analyst lets through ([`Allowed`]); a recorded theme with the shape of a held one's name is held too,
/// so two are never confused. Each distinct theme is judged once.
pub fn hold_back_personal(
    cases: &mut DataFrame,
    finder: &ThemeFinder,
    screen: &Screen,
    named: &ResidentNamed,
    allowed: &Allowed,
) -> Result<Option<HeldThemes>> {
    let (codes, dictionary) = crate::memory::codes(cases.column(case::LEARNING_THEME)?.str()?);
    let reasons: Vec<Option<Vec<Reason>>> = dictionary
        .values()
        .map(|theme| {
            // A theme of a held one's shape is held, whatever is let through.
            if is_theme_held_back(theme) {
                return Some(vec![Reason::HeldThemeShape]);
            }
            if finder.has_theme(theme) || allowed.allows(theme) {
                return None;
            }
            let mut why = screen.check(theme);
            if named.theme(theme) {
                why.push(Reason::ResidentName);
            }
            (!why.is_empty()).then_some(why)
        })
        .collect();
    if reasons.iter().all(Option::is_none) {
        return Ok(None);
    }
    let refs = cases.column(case::REF)?.str()?;
    let mut first_case: Vec<Option<String>> = vec![None; reasons.len()];
    let mut rows = 0;
    for (row, code) in codes.iter().enumerate() {
        if let Some(code) = code.map(|c| c as usize).filter(|&c| reasons[c].is_some()) {
            rows += 1;
            if first_case[code].is_none() {
                first_case[code] = Some(refs.get(row).unwrap_or_default().to_string());
            }
        }
    }
    let mut themes = Vec::new();
    let shown: Vec<String> = dictionary
        .values()
        .zip(reasons)
        .zip(first_case)
        .map(|((theme, why), case_ref)| match why {
            None => theme.to_string(),
            Some(reasons) => {
                let shown_as = theme_held_back(themes.len() + 1);
                themes.push(HeldTheme {
                    shown_as: shown_as.clone(),
                    case_ref: case_ref.unwrap_or_default(),
                    reasons,
                });
                shown_as
            }
        })
        .collect();
    let shown: Vec<&str> = shown.iter().map(String::as_str).collect();
    let column = crate::memory::Dictionary::of(case::LEARNING_THEME.into(), &shown).decode(&codes);
    cases.with_column(column.into_column())?;
    Ok(Some(HeldThemes { themes, rows }))
}

/// Fill `learning_theme` where the officer left it blank, from the taxonomy,
/// and add `theme_source` (recorded, inferred, or null when neither).
///
/// The category, then the description, then the learning action: the first
/// with a phrase decides, so a category outranks a description. "Not
/// recorded" is what validation writes for a blank category; it is not text
/// about the complaint. A category is one of a few values, so each is looked
/// up once; descriptions and actions are the residents' and officers' own
/// words, searched row by row.
pub fn resolve(cases: DataFrame, finder: &ThemeFinder) -> Result<DataFrame> {
    let recorded = cases.column(case::LEARNING_THEME)?.str()?;
    let (theme, source) = if recorded.null_count() == 0 {
        (recorded.clone(), StringChunked::full(THEME_SOURCE.into(), RECORDED, cases.height()))
    } else {
        let category = cases.column(case::CATEGORY)?.str()?;
        let description = cases.column(case::DESCRIPTION)?.str()?;
        let action = cases.column(case::LEARNING_ACTION)?.str()?;
        let mut by_category: PlHashMap<&str, Option<usize>> = PlHashMap::new();
        let mut theme: Vec<Option<&str>> = Vec::with_capacity(cases.height());
        let mut source: Vec<Option<&str>> = Vec::with_capacity(cases.height());
        let rows = recorded.iter().zip(category.iter()).zip(description.iter()).zip(action.iter());
        for (((recorded, category), description), action) in rows {
            if recorded.is_some() {
                theme.push(recorded);
                source.push(Some(RECORDED));
                continue;
            }
            let from_category = category
                .filter(|c| *c != NOT_RECORDED)
                .and_then(|c| *by_category.entry(c).or_insert_with(|| finder.find(c)));
            let found = from_category
                .or_else(|| description.and_then(|d| finder.find(d)))
                .or_else(|| action.and_then(|a| finder.find(a)));
            theme.push(found.map(|t| finder.name(t)));
            source.push(found.map(|_| INFERRED));
        }
        (
            crate::memory::stored_once(case::LEARNING_THEME.into(), theme.into_iter()),
            StringChunked::from_iter_options(THEME_SOURCE.into(), source.into_iter()),
        )
    };
    let mut cases = cases;
    cases.with_column(theme.into_column())?;
    cases.with_column(source.into_column())?;
    Ok(cases)
}

/// A theme is emerging when this period's count is at least `min_count` and
/// at least `ratio` times the average of the periods before it (a theme new
/// this period, with none before, is emerging once it reaches `min_count`);
/// with no period before it in the data, nothing is emerging.
pub fn is_emerging(count: f64, previous: &[f64], config: &ThemesConfig) -> bool {
    // Nothing to compare with: the data starts with this period.
    if count < f64::from(config.emerging_min_count) || previous.is_empty() {
        return false;
    }
    let average = previous.iter().sum::<f64>() / previous.len() as f64;
    count >= config.emerging_ratio * average
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ThemesConfig;

    fn config(text: &str) -> ThemesConfig {
        let c = crate::config::Config::parse(&format!("landlord = \"T\"\n{text}")).unwrap();
        c.themes
    }

    #[test]
    fn a_blank_theme_is_inferred_from_category_then_description_then_action() {
        let themes = config(
            "[themes.taxonomy]\n\"Damp and mould\" = [\"damp\", \"mould\"]\n\"Communication\" = [\"no reply\"]\n\"Rent\" = [\"rent\"]\n",
        );
        let df = df!(
            "learning_theme" => [Some("Staff conduct"), None, None, None, None, None],
            "category" => ["Damp", "Communication failure", NOT_RECORDED, NOT_RECORDED, "Current account", NOT_RECORDED],
            "description" => [None, Some("mould in the bedroom"), Some("No reply to my emails about dampness"), None, None, Some("Not recorded anything")],
            "learning_action" => [None, None, None, Some("Rent letters rewritten"), None, None],
        )
        .unwrap();
        let out = resolve(df, &ThemeFinder::new(&themes).unwrap()).unwrap();
        let theme: Vec<Option<&str>> =
            out.column(case::LEARNING_THEME).unwrap().str().unwrap().iter().collect();
        let source: Vec<Option<&str>> = out.column(THEME_SOURCE).unwrap().str().unwrap().iter().collect();
        // Row 2: the category has no phrase, so the description decides.
        // Row 3: "damp" (first in the taxonomy) matches "dampness" in the same text.
        // Row 5: "rent" does not match inside "Current".
        assert_eq!(
            theme,
            [Some("Staff conduct"), Some("Damp and mould"), Some("Damp and mould"), Some("Rent"), None, None]
        );
        assert_eq!(source, [Some(RECORDED), Some(INFERRED), Some(INFERRED), Some(INFERRED), None, None]);
    }

    proptest::proptest! {
        /// The automaton finds the theme the patterns find, on text and
        /// phrases of word and non-word characters in any case, and on text
        /// beyond ASCII (where the patterns decide).
        #[test]
        fn the_matcher_agrees_with_the_patterns(
            text in "[aAbB_1 .£-]{0,16}|[aAbBſK ]{0,8}",
            taxonomy in proptest::collection::vec(proptest::collection::vec("[abAB_1 .-]{0,3}", 0..3), 1..4),
        ) {
            let config = ThemesConfig {
                taxonomy: taxonomy.iter().enumerate().map(|(i, p)| (format!("t{i}"), p.clone())).collect(),
                ..ThemesConfig::default()
            };
            let finder = ThemeFinder::new(&config).unwrap();
            let by_pattern = finder.patterns.iter().position(|p| p.is_match(&text));
            proptest::prop_assert_eq!(finder.find(&text), by_pattern);
        }
    }

    #[test]
    fn emerging_needs_both_the_ratio_and_the_minimum() {
        let c = ThemesConfig::default(); // ratio 1.5, minimum 5
        assert!(is_emerging(9.0, &[4.0, 6.0, 8.0], &c)); // 9 ≥ 1.5 × 6
        assert!(!is_emerging(8.0, &[4.0, 6.0, 8.0], &c)); // 8 < 9
        assert!(!is_emerging(4.0, &[0.0, 0.0, 1.0], &c)); // below the minimum
        assert!(is_emerging(5.0, &[0.0, 0.0, 0.0], &c)); // new, at the minimum
        assert!(!is_emerging(5.0, &[], &c)); // no period before in the data
    }
}
