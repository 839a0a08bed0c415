//! Repeat complainants: the same household making another stage 1 complaint
//! within the window, and repeat issues (again about the same category).
//!
//! Households are compared by the keyed hash made at ingest; the reference
//! itself never gets this far, and the hash never leaves the run: only counts
//! are published.

use polars::prelude::*;

use crate::buckets::Buckets;

use crate::config::RepeatsConfig;
use crate::error::Result;
use crate::schema::{case, outcome, prepared, COMPLAINT, FILE, HOUSEHOLD, ROW};

/// Counted for repeats: stage 1 complaints with a household, not refused.
pub fn household_known() -> Expr {
    col(case::RECORD_TYPE)
        .eq(lit(COMPLAINT))
        .and(col(case::STAGE).eq(lit(1)))
        .and(col(HOUSEHOLD).is_not_null())
        .and(col(case::OUTCOME).neq(lit(outcome::REFUSED)).fill_null(lit(true)))
}

/// Add `household_known`, `repeat_complaint` (the household made another
/// counted complaint in the `window_days` before this one) and `repeat_issue`
/// (one of those was about the same category). Two complaints received the
/// same day are ordered as the exports list them.
pub fn flag(cases: DataFrame, config: &RepeatsConfig) -> Result<DataFrame> {
    flag_in_parts(cases, config, PART_ROWS)
}

/// The counted rows two of [`repeats`]' parts hold between them, about:
/// a run with more is cut into more parts, walked two at a time.
const PART_ROWS: usize = 1 << 21;

/// [`flag`] with parts of about `part_rows / 2` counted rows: the flags
/// are the same whatever the parts (a test flags rows both ways).
fn flag_in_parts(cases: DataFrame, config: &RepeatsConfig, part_rows: usize) -> Result<DataFrame> {
    let mut cases = cases.lazy().with_column(household_known().alias(prepared::HOUSEHOLD_KNOWN)).collect()?;
    let (repeat, issue) = repeats(&cases, i64::from(config.window_days), part_rows)?;
    cases.with_column(Column::new("repeat_complaint".into(), repeat))?;
    cases.with_column(Column::new("repeat_issue".into(), issue))?;
    Ok(cases)
}

/// One pass over the counted rows in date order, remembering each
/// household's (and each household and category's) latest complaint.
fn repeats(cases: &DataFrame, window: i64, part_rows: usize) -> Result<(Vec<bool>, Vec<bool>)> {
    let n = cases.height();
    let (mut repeat, mut issue) = (vec![false; n], vec![false; n]);
    let household = cases.column(HOUSEHOLD)?.u64()?.rechunk();
    if household.null_count() == n {
        return Ok((repeat, issue));
    }
    let received = cases.column(case::RECEIVED)?.date()?.physical().rechunk();
    let order = in_date_order(cases, &received)?;
    // Categories as numbers keep the second table's entries at 16 bytes.
    let (category, _) = crate::memory::codes(cases.column(case::CATEGORY)?.str()?);
    let category = category.rechunk();
    // Each column is one array (rechunked above), read by its place: a
    // ChunkedArray's `get` finds the chunk first, a call a row.
    let (household, received, category) =
        (household.downcast_as_array(), received.downcast_as_array(), category.downcast_as_array());
    // Each table is looked up once a row: storing today's day gives back
    // the day it replaces.
    let within = |earlier: Option<i32>, day: i32| earlier.is_some_and(|e| i64::from(day - e) <= window);
    // The households in parts by their hash, each part walked alone: all
    // of a household's complaints fall in one part, in date order, so each
    // part judges them as one walk would. Two parts are walked at a time,
    // one on each core. A part gives back its repeats, each with whether it
    // is a repeat issue: an earlier complaint about the same category is an
    // earlier complaint, so a repeat issue is always a repeat.
    //
    // A part's tables hold at most its rows. Made that size at once, their
    // entries are not moved at each doubling, nor an old table held beside
    // the new one while they are. A big run has more parts than two, so
    // that the tables in use at once hold no more than about `part_rows`
    // rows between them: at 10M rows, two halves' tables, made beside the
    // linking of the survey and Ombudsman exports, set the run's peak.
    let parts = 2 * order.len().div_ceil(part_rows).max(1);
    let part_of = |h: u64| (h % parts as u64) as usize;
    let in_parts = Buckets::of(parts, || {
        order.iter().filter_map(|&row| Some((part_of(household.get(row as usize)?), row)))
    });
    drop(order);
    let walk = |part: usize| -> Vec<(IdxSize, bool)> {
        let rows = in_parts.get(part);
        let mut last: PlHashMap<u64, i32> = PlHashMap::with_capacity(rows.len());
        let mut last_same: PlHashMap<(u64, IdxSize), i32> = PlHashMap::with_capacity(rows.len());
        let mut found = Vec::new();
        for &row in rows {
            let at = row as usize;
            let Some(h) = household.get(at) else { continue };
            let Some(day) = received.get(at) else { continue };
            let c = category.get(at).unwrap_or(IdxSize::MAX);
            let repeat = within(last.insert(h, day), day);
            let issue = within(last_same.insert((h, c), day), day);
            if repeat {
                found.push((row, issue));
            }
        }
        found
    };
    let every_other =
        |first: usize| -> Vec<(IdxSize, bool)> { (first..parts).step_by(2).flat_map(walk).collect() };
    let (first, second) = crate::parallel::both(|| every_other(0), || every_other(1));
    for (at, same_category) in first.into_iter().chain(second) {
        (repeat[at as usize], issue[at as usize]) = (true, same_category);
    }
    Ok((repeat, issue))
}

/// The counted rows (`household_known`, with a date) by date received, and
/// by file and row within a day. Rows reach here in file and row order, so a
/// stable counting sort by day gives that order without comparing rows; a
/// comparison sort stands in if they do not, or if the dates span more days
/// than there are rows. `received` is one array (rechunked).
fn in_date_order(cases: &DataFrame, received: &Int32Chunked) -> Result<Vec<IdxSize>> {
    let counted = cases.column(prepared::HOUSEHOLD_KNOWN)?.bool()?;
    let rows: Vec<IdxSize> = counted
        .iter()
        .zip(received.iter())
        .enumerate()
        .filter_map(|(i, (c, day))| (c == Some(true) && day.is_some()).then_some(i as IdxSize))
        .collect();
    let received = received.downcast_as_array();
    let day = |i: IdxSize| received.get(i as usize).expect("counted rows have a date");
    let days = || rows.iter().map(|&i| day(i));
    let (Some(first), Some(last)) = (days().min(), days().max()) else { return Ok(rows) };
    let span = (i64::from(last) - i64::from(first) + 1) as usize;
    if !in_file_order(cases)? || span > rows.len().max(1 << 16) {
        let (file, row) = (cases.column(FILE)?.u32()?, cases.column(ROW)?.u32()?);
        let mut rows = rows;
        rows.sort_by_key(|&i| (day(i), file.get(i as usize), row.get(i as usize)));
        return Ok(rows);
    }
    let by_day = Buckets::of(span, || rows.iter().map(|&i| ((day(i) - first) as usize, i)));
    Ok(by_day.into_items())
}

/// Whether the frame's rows are in file and row order, as loading leaves them.
fn in_file_order(cases: &DataFrame) -> Result<bool> {
    let (file, row) = (cases.column(FILE)?.u32()?, cases.column(ROW)?.u32()?);
    let mut previous = None;
    for at in file.iter().zip(row.iter()) {
        if previous.is_some_and(|p| p >= at) {
            return Ok(false);
        }
        previous = Some(at);
    }
    Ok(true)
}

/// Households with at least two counted complaints received between `from`
/// and `to`: how many, and how many complaints they made.
pub fn households_with_repeats(
    cases: &DataFrame,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Result<(u32, u32)> {
    use crate::calendar::date_lit;
    let counted = cases
        .clone()
        .lazy()
        .filter(
            col(prepared::HOUSEHOLD_KNOWN)
                .and(col(case::RECEIVED).gt_eq(date_lit(from)))
                .and(col(case::RECEIVED).lt_eq(date_lit(to))),
        )
        .select([col(HOUSEHOLD)])
        .collect()?;
    // Each household's complaints are counted in one table here, not by
    // polars' group-by: beside the cube, its groups put 30-90 MiB more on
    // a 10M-row year run's peak.
    let mut complaints: PlHashMap<u64, u32> = PlHashMap::new();
    for household in counted.column(HOUSEHOLD)?.u64()?.iter().flatten() {
        *complaints.entry(household).or_default() += 1;
    }
    let repeated = || complaints.values().filter(|n| **n >= 2);
    Ok((repeated().count() as u32, repeated().sum()))
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

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

    fn same_day_pair(rows: [u32; 3], received: [&str; 3]) -> Vec<bool> {
        let df = df!(
            "file_id" => [0u32, 1, 1],
            "row" => rows,
            "record_type" => ["complaint"; 3],
            "stage" => [1i32; 3],
            HOUSEHOLD => [Some(3u64); 3],
            "outcome" => [None::<&str>; 3],
            "category" => ["Noise", "Repairs", "Repairs"],
            "received_date" => received.map(d),
        )
        .unwrap();
        let out = flag(df, &RepeatsConfig { window_days: 30 }).unwrap();
        out.column(prepared::REPEAT_ISSUE).unwrap().bool().unwrap().iter().map(|v| v.unwrap()).collect()
    }

    #[test]
    fn complaints_received_the_same_day_are_ordered_by_file_and_row() {
        // Rows 2 and 5 of file 1 come the same day: the later row repeats the
        // earlier one's category, whatever order the frame holds them in.
        let day = ["2025-03-01"; 3];
        assert_eq!(same_day_pair([9, 2, 5], day), [false, false, true]);
        assert_eq!(same_day_pair([9, 5, 2], day), [false, true, false]);
        // Dates centuries apart are sorted by comparison, with the same result.
        assert_eq!(same_day_pair([9, 2, 5], ["1800-01-01", day[1], day[2]]), [false, false, true]);
    }

    proptest::proptest! {
        /// Households odd and even (walked on different cores), days that
        /// tie, two stages and three categories, against a look back over
        /// every earlier row.
        #[test]
        fn repeats_are_what_a_look_back_over_every_row_finds(
            rows in proptest::collection::vec((0u64..6, 0u32..40, 0usize..3, 1i32..3), 0..80),
            window in 0u32..20,
        ) {
            let household: Vec<Option<u64>> = rows.iter().map(|r| (r.0 > 0).then_some(r.0)).collect();
            let received: Vec<NaiveDate> =
                rows.iter().map(|r| d("2025-04-01") + chrono::Days::new(u64::from(r.1))).collect();
            let category: Vec<&str> = rows.iter().map(|r| ["Repairs", "Noise", "Damp"][r.2]).collect();
            let n = rows.len();
            let df = df!(
                "file_id" => vec![0u32; n],
                "row" => (1..=n as u32).collect::<Vec<_>>(),
                "record_type" => vec!["complaint"; n],
                "stage" => rows.iter().map(|r| r.3).collect::<Vec<_>>(),
                HOUSEHOLD => household.clone(),
                "outcome" => vec![None::<&str>; n],
                "category" => category.clone(),
                "received_date" => received.clone(),
            )
            .unwrap();
            let config = RepeatsConfig { window_days: window };
            // In two parts, as a run of under two million counted rows is walked, and
            // in about as many parts as counted rows, two at a time.
            let out = flag(df.clone(), &config).unwrap();
            let in_parts = flag_in_parts(df, &config, 2).unwrap();
            proptest::prop_assert!(out.equals_missing(&in_parts));
            let get = |c: &str| -> Vec<bool> {
                out.column(c).unwrap().bool().unwrap().iter().map(|v| v.unwrap()).collect()
            };
            let counted = get(prepared::HOUSEHOLD_KNOWN);
            let earlier_within = |i: usize, same_category: bool| {
                (0..n).any(|j| {
                    counted[j]
                        && household[j] == household[i]
                        && (received[j], j) < (received[i], i)
                        && (received[i] - received[j]).num_days() <= i64::from(window)
                        && (!same_category || category[j] == category[i])
                })
            };
            let expected = |same_category: bool| -> Vec<bool> {
                (0..n).map(|i| counted[i] && earlier_within(i, same_category)).collect()
            };
            proptest::prop_assert_eq!(get(prepared::REPEAT_COMPLAINT), expected(false));
            proptest::prop_assert_eq!(get(prepared::REPEAT_ISSUE), expected(true));
            // Households with two or more counted complaints received from
            // 5 to 30 April, the ends included, by a count of every row.
            let (from, to) = (d("2025-04-05"), d("2025-04-30"));
            let in_period = |i: usize| counted[i] && (from..=to).contains(&received[i]);
            let mut per_household = std::collections::BTreeMap::new();
            for i in (0..n).filter(|&i| in_period(i)) {
                *per_household.entry(household[i]).or_insert(0u32) += 1;
            }
            let repeated: Vec<u32> = per_household.into_values().filter(|&c| c >= 2).collect();
            proptest::prop_assert_eq!(
                households_with_repeats(&out, from, to).unwrap(),
                (repeated.len() as u32, repeated.iter().sum())
            );
        }
    }
}
