//! Stage 3, calendar: apply the landlord's timescales to every row with the
//! working-day calendar: due dates, on-time flags, working days taken, open and
//! overdue status as of the run date. The rules are domain.md section 3; every
//! column is computed for the whole frame at once.

use chrono::NaiveDate;
use polars::lazy::dsl;
use polars::prelude::*;

use crate::calendar::{date_lit, Calendar};
use crate::config::{ClockStart, NonWorkingReceipt, StageTimescale, Timescales, CODE_STAGE1, CODE_STAGE2};
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
    let mut working_days = serde_json::json!([
            "A working day is a Monday to Friday that is not a bank holiday of the division nor a listed closure day.",
            day_zero,
            "'Within N working days' means on or before the Nth working day after day 0.",
            "The response clock starts at the acknowledgement but never later than the day it was due; with no acknowledgement recorded, at the due date (or at day 0 where a stage's clock starts at receipt, as its timescale below says).",
            "An agreed extension moves the due date later by at most the stage's maximum extension.",
            "A response is on time when its date is on or before the due date.",
            "Working days taken are the working days after day 0 up to and including the response date.",
            "A response with no acknowledgement recorded counts as the acknowledgement.",
    ]);
    if let Some(list) = working_days.as_array_mut() {
        list.extend(timescales_in_words(ts).into_iter().map(serde_json::Value::from));
    }
    serde_json::json!({
        "working_days": working_days,
        "complaint_stages": ts.complaint.stages,
        "timescales": streams,
        "calendar": calendar.source(),
    })
}

/// Each stream's timescales as a sentence, for every report's rules: what
/// "on time" meant in this run.
pub fn timescales_in_words(ts: &Timescales) -> Vec<String> {
    let days = |n: u32| if n == 1 { "1 working day".to_string() } else { format!("{n} working days") };
    let not_the_codes = match ts.ch02 {
        crate::config::Ch02Timescales::Code => {
            " (not the Complaint Handling Code's, which CH02 and the self-assessment use instead)"
        }
        crate::config::Ch02Timescales::Landlord => {
            " (not the Complaint Handling Code's; CH02 uses these too, as configured, and the self-assessment the Code's)"
        }
    };
    let sentence = |who: &str, t: StageTimescale, code: Option<StageTimescale>| {
        let from = t.clock_starts.counted_from();
        let respond = match t.respond {
            Some(n) if t.max_extension == 0 => format!("respond within {} of {from}; no extension", days(n)),
            Some(n) => format!(
                "respond within {} of {from}; an agreed extension adds at most {} more",
                days(n),
                t.max_extension
            ),
            None => "no response timescale".to_string(),
        };
        let whose = match code {
            Some(code) if code == t => " (the Complaint Handling Code's)",
            Some(_) => not_the_codes,
            None => "",
        };
        format!("{who}: acknowledge within {} of receipt; {respond}{whose}.", days(t.acknowledge))
    };
    let mut words = vec![sentence("Stage 1 complaints", ts.stage(1), Some(CODE_STAGE1))];
    if ts.complaint.stages == 2 {
        words.push(sentence(
            "Stage 2 complaints (from the request to escalate)",
            ts.stage(2),
            Some(CODE_STAGE2),
        ));
    }
    let others: Vec<(&str, StageTimescale)> =
        RECORD_TYPES.iter().filter(|r| **r != COMPLAINT).map(|r| (*r, ts.record_type(r))).collect();
    if others.iter().all(|(_, t)| *t == others[0].1) {
        words.push(sentence("Compliments, suggestions, enquiries and feedback", others[0].1, None));
    } else {
        for (name, t) in others {
            let who = match name {
                "compliment" => "Compliments",
                "suggestion" => "Suggestions",
                "enquiry" => "Enquiries",
                _ => "Other feedback",
            };
            words.push(sentence(who, t, None));
        }
    }
    words
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
    let clock_start = when(col("from_receipt").eq(lit(1)))
        .then(col("day_zero"))
        .otherwise(clock_from_acknowledgement(calendar, col("day_zero") + col("ack_days")));
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
        .and(closed_without_response.clone().not())
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
    let lf = lf.with_columns(by_the_code(timescales, calendar, as_of, closed_without_response));
    // A due date the calendar cannot reach is an error, never a guess. A
    // maximum extension past the calendar's end binds no agreed date inside
    // it (a landlord with no maximum sets a large one).
    let beyond = col(prepared::ACK_DUE)
        .is_null()
        .or(col("respond_days").is_not_null().and(col("original_due_date").is_null()))
        .or(col(prepared::EXTENDED)
            .and(col("max_due_date").is_null())
            .and(calendar.through_expr(col(case::EXTENDED_DUE)).is_null()));
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

/// The working day the response clock starts, counted from the
/// acknowledgement: the day it was made, but never later than the day it
/// was due (`ack_due`, an ordinal), and that day when none is recorded.
fn clock_from_acknowledgement(calendar: &Calendar, ack_due: Expr) -> Expr {
    when(col(case::ACKNOWLEDGED).is_not_null())
        .then(
            dsl::min_horizontal([calendar.day_zero_ordinal_expr(col(case::ACKNOWLEDGED)), ack_due.clone()])
                .expect("two inputs"),
        )
        .otherwise(ack_due)
}

/// Acknowledged, responded on time and extended beyond the maximum by the
/// Complaint Handling Code's own timescales, whatever the landlord's: the
/// Regulator's CH02 is "within the Complaint Handling Code timescales", and
/// the self-assessment answers the Code's provisions. Where a stage's
/// timescales are the Code's, and for every record type but complaints,
/// these are the landlord's own columns. Reads the landlord's `day_zero` and
/// `ack_effective`; a Code due date past the calendar's end is after any
/// date inside it.
fn by_the_code(
    timescales: &Timescales,
    calendar: &Calendar,
    as_of: NaiveDate,
    closed_without_response: Expr,
) -> [Expr; 4] {
    let complaint_stage =
        |stage: i32| col(case::RECORD_TYPE).eq(lit(COMPLAINT)).and(col(case::STAGE).eq(lit(stage)));
    let own = [
        (prepared::CODE_ACK_DECIDED, prepared::ACK_DECIDED),
        (prepared::CODE_ACK_ON_TIME, prepared::ACK_ON_TIME),
        (prepared::CODE_RESPONDED_ON_TIME, prepared::RESPONDED_ON_TIME),
        (prepared::CODE_EXTENSION_BEYOND_MAX, prepared::EXTENSION_BEYOND_MAX),
    ];
    let differ: Vec<(Expr, StageTimescale)> = [(1, CODE_STAGE1), (2, CODE_STAGE2)]
        .into_iter()
        .filter(|&(stage, code)| timescales.stage(stage as u8) != code)
        .map(|(stage, code)| (complaint_stage(stage), code))
        .collect();
    if differ.is_empty() {
        return own.map(|(code, landlord)| col(landlord).alias(code));
    }
    let by_code = differ.iter().map(|(cond, _)| cond.clone()).reduce(Expr::or).expect("a stage differs");
    let days = |value: fn(&StageTimescale) -> u32| parameter(&differ, |t| Some(value(t) as i32));
    let after_the_calendar = date_lit(calendar.last_day().succ_opt().unwrap_or(calendar.last_day()));
    let nth = |ordinal: Expr| calendar.nth_expr(ordinal).fill_null(after_the_calendar.clone());
    let ack_ordinal = col("day_zero") + days(|t| t.acknowledge);
    let ack_due = nth(ack_ordinal.clone());
    let clock_start = clock_from_acknowledgement(calendar, ack_ordinal);
    let respond = days(|t| t.respond.unwrap_or_default());
    let original_due = nth(clock_start.clone() + respond.clone());
    let max_due = nth(clock_start + respond + days(|t| t.max_extension));
    let extended = col(case::EXTENDED_DUE).gt(original_due.clone()).fill_null(false);
    let due = when(extended.clone())
        .then(dsl::min_horizontal([col(case::EXTENDED_DUE), max_due.clone()]).expect("two inputs"))
        .otherwise(original_due);
    let ack_decided = col("ack_effective")
        .is_not_null()
        .or(ack_due.clone().lt(date_lit(as_of)).and(closed_without_response.not()));
    let ack_on_time = ack_decided.clone().and(col("ack_effective").lt_eq(ack_due).fill_null(false));
    let on_time = col(case::RESPONDED).lt_eq(due);
    let beyond_max = extended
        .and(calendar.through_expr(col(case::EXTENDED_DUE)).gt(calendar.through_expr(max_due)))
        .fill_null(false);
    let mut code = [ack_decided, ack_on_time, on_time, beyond_max].into_iter();
    own.map(|(name, landlord)| {
        let by_the_code = code.next().expect("one per column");
        when(by_code.clone()).then(by_the_code).otherwise(col(landlord)).alias(name)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, Division};

    fn day(d: &str) -> Option<NaiveDate> {
        Some(NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap())
    }

    /// Stage 1 complaints: (received, acknowledged, agreed due date, responded).
    type Row<'a> = (&'a str, Option<&'a str>, Option<&'a str>, &'a str);

    fn scheduled(config: &str, rows: &[Row]) -> Scheduled {
        let config = Config::parse(&format!("landlord = \"T\"\n{config}")).unwrap();
        let calendar = Calendar::embedded(Division::EnglandAndWales, &[]).unwrap();
        let dates = |f: for<'r> fn(&Row<'r>) -> Option<&'r str>| {
            DateChunked::from_naive_date_options(PlSmallStr::EMPTY, rows.iter().map(|r| f(r).and_then(day)))
        };
        let n = rows.len();
        let mut frame = df!(
            case::REF => (0..n).map(|i| format!("C{i}")).collect::<Vec<_>>(),
            case::RECORD_TYPE => vec![COMPLAINT; n],
            case::STAGE => vec![1i32; n],
            case::OUTCOME => vec!["upheld"; n],
            crate::schema::FILE => vec![0u32; n],
            crate::schema::ROW => (2..n as u32 + 2).collect::<Vec<_>>(),
        )
        .unwrap();
        for (name, column) in [
            (case::RECEIVED, dates(|r| Some(r.0))),
            (case::ACKNOWLEDGED, dates(|r| r.1)),
            (case::EXTENDED_DUE, dates(|r| r.2)),
            (case::RESPONDED, dates(|r| Some(r.3))),
        ] {
            frame.with_column(column.into_series().with_name(name.into()).into_column()).unwrap();
        }
        schedule(frame, &config.timescales, &calendar, NaiveDate::from_ymd_opt(2025, 12, 1).unwrap()).unwrap()
    }

    fn flags(s: &Scheduled, column: &str) -> Vec<Option<bool>> {
        s.cases.column(column).unwrap().bool().unwrap().iter().collect()
    }

    /// A landlord with no maximum extension sets a large one: an agreed date
    /// inside the calendar is then the due date, not an error because the
    /// maximum falls past the calendar's end. By the Code's maximum (10
    /// working days), the same case was extended too far and is late.
    #[test]
    fn a_maximum_extension_past_the_calendar_binds_no_agreed_date() {
        // Received Mon 2 Jun 2025, acknowledged 3 Jun: due 17 Jun, at most 1 Jul by the Code.
        let s = scheduled(
            "[timescales.complaint.stage1]\nmax_extension = 999",
            &[("2025-06-02", Some("2025-06-03"), Some("2025-08-15"), "2025-08-14")],
        );
        assert_eq!(s.excluded, 0);
        let due: Vec<Option<NaiveDate>> =
            s.cases.column(prepared::DUE).unwrap().date().unwrap().as_date_iter().collect();
        assert_eq!(due, [day("2025-08-15")]);
        assert_eq!(flags(&s, prepared::RESPONDED_ON_TIME), [Some(true)]);
        assert_eq!(flags(&s, prepared::EXTENSION_BEYOND_MAX), [Some(false)]);
        assert_eq!(flags(&s, prepared::CODE_RESPONDED_ON_TIME), [Some(false)]);
        assert_eq!(flags(&s, prepared::CODE_EXTENSION_BEYOND_MAX), [Some(true)]);
    }

    /// The Code's own figures beside a stricter landlord's: acknowledge
    /// within 1 working day, respond within 5 of receipt.
    #[test]
    fn the_codes_timescales_are_worked_out_beside_the_landlords() {
        let strict =
            "[timescales.complaint.stage1]\nacknowledge = 1\nrespond = 5\nclock_starts = \"receipt\"";
        let rows = [
            // Received Mon 2 Jun; acknowledged Wed 4 Jun (late by 1 day, on
            // time by the Code's 5); answered Tue 10 Jun: late by the
            // landlord's (due Mon 9 Jun), on time by the Code's (due 18 Jun,
            // 10 working days from the acknowledgement).
            ("2025-06-02", Some("2025-06-04"), None, "2025-06-10"),
            // Acknowledged late by the Code's too (day 7, Wed 11 Jun): its
            // clock still starts from day 5 (Mon 9 Jun), due Mon 23 Jun;
            // answered Tue 24 Jun: late.
            ("2025-06-02", Some("2025-06-11"), None, "2025-06-24"),
        ];
        let s = scheduled(strict, &rows);
        assert_eq!(flags(&s, prepared::ACK_ON_TIME), [Some(false), Some(false)]);
        assert_eq!(flags(&s, prepared::CODE_ACK_ON_TIME), [Some(true), Some(false)]);
        assert_eq!(flags(&s, prepared::CODE_ACK_DECIDED), [Some(true), Some(true)]);
        assert_eq!(flags(&s, prepared::RESPONDED_ON_TIME), [Some(false), Some(false)]);
        assert_eq!(flags(&s, prepared::CODE_RESPONDED_ON_TIME), [Some(true), Some(false)]);
        // With the Code's own timescales the two sets are one.
        let code = scheduled("", &rows);
        for (own, by_code) in [
            (prepared::ACK_ON_TIME, prepared::CODE_ACK_ON_TIME),
            (prepared::RESPONDED_ON_TIME, prepared::CODE_RESPONDED_ON_TIME),
        ] {
            assert_eq!(flags(&code, own), flags(&code, by_code));
        }
        assert_eq!(flags(&code, prepared::RESPONDED_ON_TIME), [Some(true), Some(false)]);
    }

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
