//! Repeat complainants: the same household making another stage 1 complaint
//! within the window, and repeat issues (again about the same category).
//!
//! Households are compared by the keyed hash made at ingest; the reference
//! itself never gets this far, and the hash never leaves the run: only counts
//! are published.

use std::collections::HashMap;

use chrono::NaiveDate;
use polars::prelude::*;

use crate::config::RepeatsConfig;
use crate::error::Result;
use crate::ingest::HOUSEHOLD;

/// Counted for repeats: stage 1 complaints with a household, not refused.
pub fn household_known() -> Expr {
    col("record_type")
        .eq(lit("complaint"))
        .and(col("stage").eq(lit(1)))
        .and(col(HOUSEHOLD).is_not_null())
        .and(col("outcome").neq(lit("refused")).fill_null(lit(true)))
}

/// Add `household_known`, `repeat_complaint` (the household made another
/// counted complaint in the `window_days` before this one) and `repeat_issue`
/// (one of those was about the same category). Two complaints received the
/// same day are ordered as the exports list them.
pub fn flag(cases: DataFrame, config: &RepeatsConfig) -> Result<DataFrame> {
    let n = cases.height();
    let mut repeat = vec![false; n];
    let mut issue = vec![false; n];
    if cases.column(HOUSEHOLD)?.null_count() < n {
        let window = i64::from(config.window_days);
        // Only the counted rows, and only the columns the rule reads, are
        // sorted; one pass in date order then remembers each household's (and
        // each household and category's) latest complaint.
        let sorted = cases
            .clone()
            .lazy()
            .with_row_index("index", None)
            .filter(household_known())
            .select([
                col("index"),
                col("received_date"),
                col(HOUSEHOLD),
                col("category"),
                col("file_id"),
                col("row"),
            ])
            .sort(
                ["received_date", "file_id", "row"],
                SortMultipleOptions::default().with_maintain_order(true),
            )
            .collect()?;
        let index = sorted.column("index")?.idx()?;
        let days: Vec<Option<NaiveDate>> = sorted.column("received_date")?.date()?.as_date_iter().collect();
        let household = sorted.column(HOUSEHOLD)?.u64()?;
        let category = sorted.column("category")?.str()?;
        let mut last: HashMap<u64, NaiveDate> = HashMap::new();
        let mut last_same: HashMap<(u64, &str), NaiveDate> = HashMap::new();
        let within = |earlier: Option<&NaiveDate>, day: NaiveDate| {
            earlier.is_some_and(|e| (day - *e).num_days() <= window)
        };
        for k in 0..sorted.height() {
            let (Some(at), Some(day), Some(h)) = (index.get(k), days[k], household.get(k)) else { continue };
            let c = category.get(k).unwrap_or("");
            repeat[at as usize] = within(last.get(&h), day);
            issue[at as usize] = within(last_same.get(&(h, c)), day);
            last.insert(h, day);
            last_same.insert((h, c), day);
        }
    }
    let mut cases = cases.lazy().with_column(household_known().alias("household_known")).collect()?;
    cases.with_column(Column::new("repeat_complaint".into(), repeat))?;
    cases.with_column(Column::new("repeat_issue".into(), issue))?;
    Ok(cases)
}

/// Households with at least two counted complaints received between `from`
/// and `to`: how many, and how many complaints they made.
pub fn households_with_repeats(
    cases: &DataFrame,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Result<(u32, u32)> {
    use crate::calendar::date_lit;
    let counts = cases
        .clone()
        .lazy()
        .filter(
            col("household_known")
                .and(col("received_date").gt_eq(date_lit(from)))
                .and(col("received_date").lt_eq(date_lit(to))),
        )
        .group_by([col(HOUSEHOLD)])
        .agg([len().alias("n")])
        .filter(col("n").gt_eq(lit(2)))
        .select([len().alias("households"), col("n").sum().alias("complaints")])
        .collect()?;
    let get = |name: &str| -> Result<u32> {
        Ok(counts.column(name)?.cast(&DataType::UInt32)?.u32()?.get(0).unwrap_or(0))
    };
    Ok((get("households")?, get("complaints")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_repeat_is_another_counted_complaint_within_the_window() {
        let received = [
            "2025-01-10",
            "2025-06-01",
            "2026-06-02",
            "2025-03-01",
            "2025-03-01",
            "2025-04-01",
            "2025-05-01",
        ];
        let df = df!(
            "file_id" => [0u32; 7],
            "row" => [1u32, 2, 3, 4, 5, 6, 7],
            "record_type" => ["complaint"; 7],
            "stage" => [1i32, 1, 1, 1, 1, 2, 1],
            HOUSEHOLD => [Some(1u64), Some(1), Some(1), Some(2), Some(2), Some(2), None],
            "outcome" => [Some("upheld"), None, Some("not upheld"), Some("refused"), Some("upheld"), None, None],
            "category" => ["Repairs", "Repairs", "Repairs", "Noise", "Noise", "Noise", "Noise"],
            "received_date" => received.map(d),
        )
        .unwrap();
        let out = flag(df, &RepeatsConfig { window_days: 365 }).unwrap();
        let get = |c: &str| -> Vec<bool> {
            out.column(c).unwrap().bool().unwrap().iter().map(|v| v.unwrap()).collect()
        };
        // Row 2 follows row 1 within 365 days (same category: a repeat issue).
        // Row 3 is 366 days after row 2: not a repeat. Row 5's only earlier
        // complaint was refused; row 6 is stage 2; row 7 has no household.
        assert_eq!(get("repeat_complaint"), [false, true, false, false, false, false, false]);
        assert_eq!(get("repeat_issue"), [false, true, false, false, false, false, false]);
        assert_eq!(get("household_known"), [true, true, true, false, true, false, false]);
        let (households, complaints) =
            households_with_repeats(&out, d("2025-01-01"), d("2025-12-31")).unwrap();
        assert_eq!((households, complaints), (1, 2));
    }
}
