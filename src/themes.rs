//! Learning themes: the theme of each case, as recorded at closure or, where
//! none was recorded, inferred from the landlord's taxonomy; and the rule for
//! calling a theme "emerging".

use polars::prelude::*;

use crate::config::ThemesConfig;
use crate::error::Result;
use crate::schema::{case, INFERRED, NOT_RECORDED, RECORDED, THEME_SOURCE};

/// The free-text columns searched for a theme's phrases, in order: the first
/// column with a match decides, so a category outranks a description.
const SEARCHED: [&str; 3] = [case::CATEGORY, case::DESCRIPTION, case::LEARNING_ACTION];

/// A pattern matching any of a theme's phrases at the start of a word,
/// ignoring case: "damp" finds "dampness" but "rent" does not find "current".
fn pattern(phrases: &[String]) -> String {
    let words: Vec<String> =
        phrases.iter().map(|p| p.trim()).filter(|p| !p.is_empty()).map(regex::escape).collect();
    // An ASCII word boundary: the Unicode one keeps the regex off its fast engines.
    format!(r"(?i)(?-u:\b)(?:{})", words.join("|"))
}

/// The theme a column's text suggests: the first taxonomy theme with a match.
fn inferred_from(column: &str, config: &ThemesConfig) -> Expr {
    // "Not recorded" is what validation writes for a blank category; it is
    // not text about the complaint.
    let text =
        when(col(column).eq(lit(NOT_RECORDED))).then(lit(NULL).cast(DataType::String)).otherwise(col(column));
    config.taxonomy.iter().rev().fold(lit(NULL).cast(DataType::String), |otherwise, (theme, phrases)| {
        when(text.clone().str().contains(lit(pattern(phrases)), true))
            .then(lit(theme.as_str()))
            .otherwise(otherwise)
    })
}

/// Fill `learning_theme` where the officer left it blank, from the taxonomy,
/// and add `theme_source` (recorded, inferred, or null when neither).
pub fn resolve(cases: DataFrame, config: &ThemesConfig) -> Result<DataFrame> {
    let recorded = cases.column(case::LEARNING_THEME)?.str()?;
    let (theme, source) = if recorded.null_count() == 0 {
        (recorded.clone(), StringChunked::full(THEME_SOURCE.into(), RECORDED, cases.height()))
    } else {
        // The regexes run only over the rows without a recorded theme, and
        // only over the columns they read; the answers are put back by index.
        let inferred = cases
            .clone()
            .lazy()
            .with_row_index("index", None)
            .filter(col(case::LEARNING_THEME).is_null())
            .select([col("index"), coalesce(&SEARCHED.map(|c| inferred_from(c, config))).alias("inferred")])
            .collect()?;
        let mut theme: Vec<Option<&str>> = recorded.iter().collect();
        let mut source: Vec<Option<&str>> = theme.iter().map(|t| t.map(|_| RECORDED)).collect();
        let (index, found) = (inferred.column("index")?.idx()?, inferred.column("inferred")?.str()?);
        for (at, t) in index.iter().zip(found.iter()) {
            if let (Some(at), Some(t)) = (at, t) {
                theme[at as usize] = Some(t);
                source[at as usize] = Some(INFERRED);
            }
        }
        (
            StringChunked::from_iter_options(case::LEARNING_THEME.into(), theme.into_iter()),
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
/// this period, with no history, is emerging once it reaches `min_count`).
pub fn is_emerging(count: f64, previous: &[f64], config: &ThemesConfig) -> bool {
    if count < f64::from(config.emerging_min_count) {
        return false;
    }
    let average = previous.iter().sum::<f64>() / previous.len().max(1) as f64;
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
        let out = resolve(df, &themes).unwrap();
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

    #[test]
    fn emerging_needs_both_the_ratio_and_the_minimum() {
        let c = ThemesConfig::default(); // ratio 1.5, minimum 5
        assert!(is_emerging(9.0, &[4.0, 6.0, 8.0], &c)); // 9 ≥ 1.5 × 6
        assert!(!is_emerging(8.0, &[4.0, 6.0, 8.0], &c)); // 8 < 9
        assert!(!is_emerging(4.0, &[0.0, 0.0, 1.0], &c)); // below the minimum
        assert!(is_emerging(5.0, &[0.0, 0.0, 0.0], &c)); // new, at the minimum
        assert!(is_emerging(5.0, &[], &c));
    }
}
