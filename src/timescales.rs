//! Stage 3, calendar: apply the landlord's timescales to every row with the
//! working-day calendar: due dates, on-time flags, working days taken, open and
//! overdue status as of the run date. The rules are domain.md section 3; every
//! column is computed for the whole frame at once.

use chrono::NaiveDate;
use polars::lazy::dsl;
use polars::prelude::*;

use crate::calendar::{date_lit, Calendar};
use crate::config::{ClockStart, StageTimescale, Timescales, RECORD_TYPES};
use crate::error::Result;
use crate::validate::{issue_rows, Check, ERROR, WARNING};

/// Which timescale applies to a row: complaint stage 1 or 2, or the record
/// type's own.
fn streams(timescales: &Timescales) -> Vec<(Expr, StageTimescale)> {
    let complaint = col("record_type").eq(lit("complaint"));
    let mut v = vec![
        (complaint.clone().and(col("stage").eq(lit(1))), timescales.stage(1)),
        (complaint.and(col("stage").eq(lit(2))), timescales.stage(2)),
    ];
    for rt in RECORD_TYPES.iter().filter(|r| **r != "complaint") {
        v.push((col("record_type").eq(lit(*rt)), timescales.record_type(rt)));
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
/// them, so they are not kept (at 10 million rows they are 260 MiB).
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

    let outcome_is = |o: &str| col("outcome").eq(lit(o)).fill_null(false);
    let closed_without_response = outcome_is("withdrawn").or(outcome_is("refused"));

    let lf = cases.lazy().with_columns([
        calendar.day_zero_ordinal_expr(col("received_date")).alias("day_zero"),
        ack_days.alias("ack_days"),
        respond_days.alias("respond_days"),
        max_extension.alias("max_extension"),
        from_receipt.alias("from_receipt"),
        col("record_type").eq(lit("complaint")).alias("is_complaint"),
        outcome_is("refused").alias("is_refused"),
        outcome_is("withdrawn").alias("is_withdrawn"),
        outcome_is("upheld").alias("is_upheld"),
        outcome_is("partially_upheld").alias("is_partially_upheld"),
        outcome_is("not_upheld").alias("is_not_upheld"),
        col("responded_date").is_not_null().alias("is_responded"),
    ]);
    // Acknowledgement: due on the ack_days-th working day after day 0. A
    // response with no acknowledgement recorded serves as the acknowledgement.
    let lf = lf.with_columns([
        calendar.nth_expr(col("day_zero") + col("ack_days")).alias("ack_due_date"),
        coalesce(&[col("acknowledged_date"), col("responded_date")]).alias("ack_effective"),
        col("is_upheld").or(col("is_partially_upheld")).or(col("is_not_upheld")).alias("is_decided"),
    ]);
    // The response clock starts at the acknowledgement, but never later than
    // the day it was due; with none recorded, at the due date. Or at day 0
    // where the landlord counts from receipt.
    let ack_ordinal = col("day_zero") + col("ack_days");
    let clock_start = when(col("from_receipt").eq(lit(1)))
        .then(col("day_zero"))
        .when(col("acknowledged_date").is_not_null())
        .then(
            dsl::min_horizontal([
                calendar.day_zero_ordinal_expr(col("acknowledged_date")),
                ack_ordinal.clone(),
            ])
            .expect("two inputs"),
        )
        .otherwise(ack_ordinal);
    let lf = lf.with_columns([
        col("ack_effective").lt_eq(col("ack_due_date")).alias("ack_on_time"),
        // Decided: acknowledged (or answered), or the due date has passed.
        col("ack_effective")
            .is_not_null()
            .or(col("ack_due_date").lt(date_lit(as_of)).and(closed_without_response.clone().not()))
            .alias("ack_decided"),
        clock_start.alias("clock_start"),
    ]);
    let lf = lf.with_columns([
        calendar.nth_expr(col("clock_start") + col("respond_days")).alias("original_due_date"),
        calendar
            .nth_expr(col("clock_start") + col("respond_days") + col("max_extension"))
            .alias("max_due_date"),
    ]);
    let lf = lf.with_columns([col("extended_due_date")
        .gt(col("original_due_date"))
        .fill_null(false)
        .alias("extended")]);
    let lf = lf.with_columns([
        when(col("extended"))
            .then(dsl::min_horizontal([col("extended_due_date"), col("max_due_date")]).expect("two inputs"))
            .otherwise(col("original_due_date"))
            .alias("due_date"),
        // Beyond the maximum only if it adds a working day: an agreed date on
        // the weekend after the maximum due date adds none.
        col("extended")
            .and(
                calendar
                    .through_expr(col("extended_due_date"))
                    .gt(calendar.through_expr(col("max_due_date"))),
            )
            .fill_null(false)
            .alias("extension_beyond_max"),
    ]);
    let is_open =
        col("is_responded").not().and(closed_without_response.not()).and(col("respond_days").is_not_null());
    let lf = lf.with_columns([
        col("ack_decided").and(col("ack_on_time").fill_null(false)).alias("ack_on_time"),
        col("responded_date").lt_eq(col("due_date")).alias("responded_on_time"),
        dsl::max_horizontal([calendar.through_expr(col("responded_date")) - col("day_zero"), lit(0)])
            .expect("two inputs")
            .alias("working_days"),
        is_open.clone().alias("is_open"),
    ]);
    let as_of_through = lit(calendar.working_days_through(as_of)? as i32);
    // Near the calendar's end, "due soon" runs to its last day.
    let due_soon_until =
        calendar.add_working_days(as_of, DUE_SOON_WORKING_DAYS).unwrap_or(calendar.last_day());
    let lf = lf.with_columns([
        when(col("is_open"))
            .then(dsl::max_horizontal([as_of_through - col("day_zero"), lit(0)]).expect("two inputs"))
            .otherwise(lit(NULL).cast(DataType::Int32))
            .alias("age_working_days"),
        col("is_open").and(col("due_date").lt(date_lit(as_of))).alias("is_overdue"),
        col("is_open")
            .and(col("due_date").gt_eq(date_lit(as_of)))
            .and(col("due_date").lt_eq(date_lit(due_soon_until)))
            .alias("is_due_soon"),
    ]);
    // A due date the calendar cannot reach is an error, never a guess.
    let beyond = col("ack_due_date")
        .is_null()
        .or(col("respond_days").is_not_null().and(col("original_due_date").is_null()))
        .or(col("extended_due_date").is_not_null().and(col("max_due_date").is_null()));
    let lf = lf.with_column(beyond.alias("beyond_calendar"));
    let all = lf.drop(cols(["ack_effective", "from_receipt"])).collect()?;
    let last = calendar.last_day().format("%d/%m/%Y").to_string();
    let beyond = Check {
        column: "received_date",
        severity: ERROR,
        kind: "due dates fall after the working-day calendar ends".into(),
        problem: lit(format!(
            "its due dates fall after the working-day calendar ends ({last}): supply a newer gov.uk bank-holidays file"
        )),
        when: col("beyond_calendar"),
        value: col("received_date").dt().strftime("%d/%m/%Y"),
    };
    let extension = Check {
        column: "extended_due_date",
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
        when: col("extension_beyond_max").and(col("beyond_calendar").not()),
        value: col("extended_due_date").dt().strftime("%d/%m/%Y"),
    };
    let frames = issue_rows(&all.clone().lazy(), &[beyond, extension], 0, col("case_ref"));
    let warnings = concat(frames, UnionArgs::default())?.drop(cols(["check"])).collect()?;
    let excluded = warnings.column("severity")?.str()?.equal(ERROR).sum().unwrap_or(0) as usize;
    let cases = usable(all)?;
    Ok(Scheduled { cases, warnings, excluded })
}
