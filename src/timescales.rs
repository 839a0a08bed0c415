//! Stage 3, calendar: apply the landlord's timescales to every row with the
//! working-day calendar: due dates, on-time flags, working days taken, open and
//! overdue status as of the run date. The rules are domain.md section 3; every
//! column is computed for the whole frame at once.

use chrono::NaiveDate;
use polars::lazy::dsl;
use polars::prelude::*;

use crate::calendar::{date_lit, Calendar};
use crate::config::{ClockStart, NonWorkingReceipt, StageTimescale, Timescales};
use crate::error::Result;
use crate::quality::{issue_rows, Check, ERROR, WARNING};
use crate::schema::{case, outcome, prepared, COMPLAINT, RECORD_TYPES};

/// Which timescale applies to a row: complaint stage 1 or 2, or the record
/// type's own.
fn streams(timescales: &Timescales) -> Vec<(Expr, StageTimescale)> {
    let complaint = col(case::RECORD_TYPE).eq(lit(COMPLAINT));
    let mut v = vec![
        (complaint.clone().and(col(case::STAGE).eq(lit(1))), timescales.stage(1)),
        (complaint.and(col(case::STAGE).eq(lit(2))), timescales.stage(2)),
    ];
    for rt in RECORD_TYPES.iter().filter(|r| **r != COMPLAINT) {
        v.push((col(case::RECORD_TYPE).eq(lit(*rt)), timescales.record_type(rt)));
    }
    v
}

/// A per-row parameter chosen by stream; null where the stream has none.
fn parameter(streams: &[(Expr, StageTimescale)], value: impl Fn(&StageTimescale) -> Option<i32>) -> Expr {
    let null = || lit(NULL).cast(DataType::Int32);
    streams.iter().rev().fold(null(), |otherwise, (cond, ts)| {
        when(cond.clone()).then(value(ts).map(lit).unwrap_or_else(null)).otherwise(otherwise)
    })
}

/// "Due soon": an open case due between the run date and this many working
/// days after it.
pub const DUE_SOON_WORKING_DAYS: u32 = 5;

pub struct Scheduled {
    pub cases: DataFrame,
    /// Problems found here: errors (rows excluded) and warnings.
    pub warnings: DataFrame,
    /// Rows excluded because their due dates fall beyond the calendar.
    pub excluded: usize,
}

/// Columns only the due dates are worked out from: none of the metrics reads
/// them, so they are dropped rather than carried through a big run.
const WORKING: [&str; 8] = [
    "day_zero",
    "ack_days",
    "respond_days",
    "max_extension",
    "clock_start",
    "original_due_date",
    "max_due_date",
    "beyond_calendar",
];

/// The rows whose due dates the calendar reaches, without the working
/// columns; the frame is filtered only when some must go.
fn usable(all: DataFrame) -> Result<DataFrame> {
    let beyond = all.column("beyond_calendar")?.bool()?.clone();
    let all = all.drop_many(WORKING);
    if beyond.any() {
        crate::memory::filter_by_column(all, &!&beyond)
    } else {
        Ok(all)
    }
}

/// The working-day rules and each stream's timescales, in the words every
/// report and metrics.json state them.
pub fn rules(ts: &Timescales, calendar: &Calendar) -> serde_json::Value {
    let mut streams = std::collections::BTreeMap::new();
    streams.insert("stage1".to_string(), ts.stage(1));
    if ts.complaint.stages == 2 {
        streams.insert("stage2".to_string(), ts.stage(2));
    }
    for rt in RECORD_TYPES.iter().filter(|r| **r != COMPLAINT) {
        streams.insert(rt.to_string(), ts.record_type(rt));
    }
    let day_zero = match calendar.non_working_receipt() {
        NonWorkingReceipt::NextWorkingDay => {
            "Day 0 is the day of receipt, or the next working day if that is not a working day."
        }
        NonWorkingReceipt::PreviousWorkingDay => {
            "Day 0 is the day of receipt, or the previous working day if that is not a working day (a Saturday receipt counts as Friday's, and so does a Saturday acknowledgement where it starts the response clock)."
        }
    };
    serde_json::json!({
        "working_days": [
            "A working day is a Monday to Friday that is not a bank holiday of the division nor a listed closure day.",
            day_zero,
            "'Within N working days' means on or before the Nth working day after day 0.",
            "The response clock starts at the acknowledgement but never later than the day it was due; with no acknowledgement recorded, at the due date (or at day 0 where clock_starts = receipt).",
            "An agreed extension moves the due date later by at most the stage's maximum extension.",
            "A response is on time when its date is on or before the due date.",
            "Working days taken are the working days after day 0 up to and including the response date.",
            "A response with no acknowledgement recorded counts as the acknowledgement.",
        ],
        "complaint_stages": ts.complaint.stages,
        "timescales": streams,
        "calendar": calendar.source(),
    })
}

pub fn schedule(
    cases: DataFrame,
    timescales: &Timescales,
    calendar: &Calendar,
    as_of: NaiveDate,
) -> Result<Scheduled> {
    let streams = streams(timescales);
    let ack_days = parameter(&streams, |t| Some(t.acknowledge as i32));
    let respond_days = parameter(&streams, |t| t.respond.map(|r| r as i32));
    let max_extension = parameter(&streams, |t| Some(t.max_extension as i32));
    let from_receipt = parameter(&streams, |t| Some(i32::from(t.clock_starts == ClockStart::Receipt)));

    let outcome_is = |o: &str| col(case::OUTCOME).eq(lit(o)).fill_null(false);
    let closed_without_response = outcome_is(outcome::WITHDRAWN).or(outcome_is(outcome::REFUSED));

    let lf = cases.lazy().with_columns([
        calendar.day_zero_ordinal_expr(col(case::RECEIVED)).alias("day_zero"),
        ack_days.alias("ack_days"),
        respond_days.alias("respond_days"),
        max_extension.alias("max_extension"),
        from_receipt.alias("from_receipt"),
        col(case::RECORD_TYPE).eq(lit(COMPLAINT)).alias(prepared::IS_COMPLAINT),
        outcome_is(outcome::REFUSED).alias(prepared::IS_REFUSED),
        outcome_is(outcome::WITHDRAWN).alias(prepared::IS_WITHDRAWN),
        outcome_is(outcome::UPHELD).alias(prepared::IS_UPHELD),
        outcome_is(outcome::PARTIALLY_UPHELD).alias(prepared::IS_PARTIALLY_UPHELD),
        outcome_is(outcome::NOT_UPHELD).alias(prepared::IS_NOT_UPHELD),
        col(case::RESPONDED).is_not_null().alias(prepared::IS_RESPONDED),
    ]);
    // Acknowledgement: due on the ack_days-th working day after day 0. A
    // response with no acknowledgement recorded serves as the acknowledgement.
    let lf = lf.with_columns([
        calendar.nth_expr(col("day_zero") + col("ack_days")).alias(prepared::ACK_DUE),
        coalesce(&[col(case::ACKNOWLEDGED), col(case::RESPONDED)]).alias("ack_effective"),
        col(prepared::IS_UPHELD)
            .or(col(prepared::IS_PARTIALLY_UPHELD))
            .or(col(prepared::IS_NOT_UPHELD))
            .alias(prepared::IS_DECIDED),
    ]);
    // The response clock starts at the acknowledgement, but never later than
    // the day it was due; with none recorded, at the due date. Or at day 0
    // where the landlord counts from receipt. An acknowledgement made on a
    // non-working day starts the clock where the calendar's non-working
    // receipt rule puts day 0, as a receipt that day would: under the
    // previous-working-day rule a Saturday acknowledgement counts as Friday's.
    let ack_ordinal = col("day_zero") + col("ack_days");
    let clock_start = when(col("from_receipt").eq(lit(1)))
        .then(col("day_zero"))
        .when(col(case::ACKNOWLEDGED).is_not_null())
        .then(
            dsl::min_horizontal([
                calendar.day_zero_ordinal_expr(col(case::ACKNOWLEDGED)),
                ack_ordinal.clone(),
            ])
            .expect("two inputs"),
        )
        .otherwise(ack_ordinal);
    let lf = lf.with_columns([
        col("ack_effective").lt_eq(col(prepared::ACK_DUE)).alias(prepared::ACK_ON_TIME),
        // Decided: acknowledged (or answered), or the due date has passed.
        col("ack_effective")
            .is_not_null()
            .or(col(prepared::ACK_DUE).lt(date_lit(as_of)).and(closed_without_response.clone().not()))
            .alias(prepared::ACK_DECIDED),
        clock_start.alias("clock_start"),
    ]);
    let lf = lf.with_columns([
        calendar.nth_expr(col("clock_start") + col("respond_days")).alias("original_due_date"),
        calendar
            .nth_expr(col("clock_start") + col("respond_days") + col("max_extension"))
            .alias("max_due_date"),
    ]);
    let lf = lf.with_columns([col(case::EXTENDED_DUE)
        .gt(col("original_due_date"))
        .fill_null(false)
        .alias(prepared::EXTENDED)]);
    let lf = lf.with_columns([
        when(col(prepared::EXTENDED))
            .then(dsl::min_horizontal([col(case::EXTENDED_DUE), col("max_due_date")]).expect("two inputs"))
            .otherwise(col("original_due_date"))
            .alias(prepared::DUE),
        // Beyond the maximum only if it adds a working day: an agreed date on
        // the weekend after the maximum due date adds none.
        col(prepared::EXTENDED)
            .and(
                calendar.through_expr(col(case::EXTENDED_DUE)).gt(calendar.through_expr(col("max_due_date"))),
            )
            .fill_null(false)
            .alias(prepared::EXTENSION_BEYOND_MAX),
    ]);
    let is_open = col(prepared::IS_RESPONDED)
        .not()
        .and(closed_without_response.not())
        .and(col("respond_days").is_not_null());
    let lf = lf.with_columns([
        col(prepared::ACK_DECIDED)
            .and(col(prepared::ACK_ON_TIME).fill_null(false))
            .alias(prepared::ACK_ON_TIME),
        col(case::RESPONDED).lt_eq(col(prepared::DUE)).alias(prepared::RESPONDED_ON_TIME),
        dsl::max_horizontal([calendar.through_expr(col(case::RESPONDED)) - col("day_zero"), lit(0)])
            .expect("two inputs")
            .alias(prepared::WORKING_DAYS),
        is_open.clone().alias(prepared::IS_OPEN),
    ]);
    let as_of_through = lit(calendar.working_days_through(as_of)? as i32);
    // Near the calendar's end, "due soon" runs to its last day. A run on a
    // non-working day counts the window from day 0 by the calendar's rule,
    // like any other "within N working days".
    let due_soon_until =
        calendar.add_working_days(as_of, DUE_SOON_WORKING_DAYS).unwrap_or(calendar.last_day());
    let lf = lf.with_columns([
        when(col(prepared::IS_OPEN))
            .then(dsl::max_horizontal([as_of_through - col("day_zero"), lit(0)]).expect("two inputs"))
            .otherwise(lit(NULL).cast(DataType::Int32))
            .alias(prepared::AGE_WORKING_DAYS),
        col(prepared::IS_OPEN).and(col(prepared::DUE).lt(date_lit(as_of))).alias(prepared::IS_OVERDUE),
        col(prepared::IS_OPEN)
            .and(col(prepared::DUE).gt_eq(date_lit(as_of)))
            .and(col(prepared::DUE).lt_eq(date_lit(due_soon_until)))
            .alias(prepared::IS_DUE_SOON),
    ]);
    // A due date the calendar cannot reach is an error, never a guess.
    let beyond = col(prepared::ACK_DUE)
        .is_null()
        .or(col("respond_days").is_not_null().and(col("original_due_date").is_null()))
        .or(col(case::EXTENDED_DUE).is_not_null().and(col("max_due_date").is_null()));
    let lf = lf.with_column(beyond.alias("beyond_calendar"));
    let all = lf.drop(cols(["ack_effective", "from_receipt"])).collect()?;
    let last = calendar.last_day().format("%d/%m/%Y").to_string();
    let beyond = Check {
        column: case::RECEIVED,
        severity: ERROR,
        kind: "due dates fall after the working-day calendar ends".into(),
        problem: lit(format!(
            "its due dates fall after the working-day calendar ends ({last}): supply a newer gov.uk bank-holidays file"
        )),
        when: col("beyond_calendar"),
        value: col(case::RECEIVED).dt().strftime("%d/%m/%Y"),
    };
    let extension = Check {
        column: case::EXTENDED_DUE,
        severity: WARNING,
        kind: "extension beyond the stage's maximum: counted only up to the maximum".into(),
        problem: concat_str(
            [
                lit("extension beyond the maximum of "),
                col("max_extension").cast(DataType::String),
                lit(" working days: counted only up to "),
                col("max_due_date").dt().strftime("%d/%m/%Y"),
            ],
            "",
            false,
        ),
        when: col(prepared::EXTENSION_BEYOND_MAX).and(col("beyond_calendar").not()),
        value: col(case::EXTENDED_DUE).dt().strftime("%d/%m/%Y"),
    };
    let frames = issue_rows(&all.clone().lazy(), &[beyond, extension], 0, col(case::REF));
    let warnings = concat(frames, UnionArgs::default())?.drop(cols(["check"])).collect()?;
    let excluded = warnings.column("severity")?.str()?.equal(ERROR).sum().unwrap_or(0) as usize;
    let cases = usable(all)?;
    Ok(Scheduled { cases, warnings, excluded })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Division;

    #[test]
    fn rules_state_the_configured_non_working_receipt_rule() {
        let ts = Timescales::default();
        let next = Calendar::embedded(Division::EnglandAndWales, &[]).unwrap();
        let previous = next.clone().with_non_working_receipt(NonWorkingReceipt::PreviousWorkingDay);
        let (next, previous) = (rules(&ts, &next), rules(&ts, &previous));
        assert_eq!(
            next["working_days"][1],
            "Day 0 is the day of receipt, or the next working day if that is not a working day."
        );
        assert_eq!(
            previous["working_days"][1],
            "Day 0 is the day of receipt, or the previous working day if that is not a working day (a Saturday receipt counts as Friday's, and so does a Saturday acknowledgement where it starts the response clock)."
        );
        assert_eq!(next["calendar"]["non_working_receipt"], "next_working_day");
        assert_eq!(previous["calendar"]["non_working_receipt"], "previous_working_day");
        // Nothing else in the published rules depends on it.
        let without = |mut v: serde_json::Value| {
            v["working_days"][1] = serde_json::Value::Null;
            v["calendar"]["non_working_receipt"] = serde_json::Value::Null;
            v
        };
        assert_eq!(without(next), without(previous));
    }
}
