//! The rules a case row can break. An error excludes the row from every
//! figure; a warning leaves it in. Each rule names its column, says what is
//! wrong in words an analyst can act on, and quotes the value.

use std::sync::Arc;

use chrono::NaiveDate;
use polars::prelude::*;

use super::duplicates::duplicate_key;
use super::values::{self, date_hint, raw};
use crate::calendar::{date_lit, Calendar};
use crate::config::{Config, DateFormat};
use crate::quality::{Check, ERROR, WARNING};
use crate::schema::{
    case, outcome, Breakdown, ColumnSpec, Kind, SpellingTable, CASES, COMPLAINT, FIELDS_EXPECTED,
    FIELDS_FOUND, HOUSEHOLD, LCRA, NOT_RECORDED, OUTCOME_SPELLINGS,
};

/// Parse every column by what it may hold ([`Kind`]); keep the text as
/// `raw_<column>` for the data-quality report (tidied as it was loaded).
pub(super) fn parse(raw_frame: LazyFrame, config: &Config, stock_types: &Arc<SpellingTable>) -> LazyFrame {
    let text_columns: Vec<Expr> = CASES.text_columns().map(|c| col(c).alias(raw(c))).collect();
    let record_types = Arc::new(crate::schema::record_types(&config.input.record_types));
    let parsed: Vec<Expr> = CASES
        .columns
        .iter()
        .filter_map(|c| parsed(c, config.input.date_format, stock_types, &record_types))
        .collect();
    raw_frame
        .with_columns(text_columns)
        .with_columns(parsed)
        .with_column(values_checked().alias(VALUES_CHECKED))
}

/// Whether a row's values are checked ([`errors`]): it has the header's
/// number of fields and is not blank. Kept as a column of its own, made
/// once a row: written into each of the thirty value checks, its test of
/// two dozen columns made polars' plan for a chunk's checks take 5-9 ms, a
/// third of checking a 32 MiB chunk; it now takes about 1 ms.
pub(super) const VALUES_CHECKED: &str = "values_checked";

fn values_checked() -> Expr {
    well_shaped().and(blank().not())
}

/// The row has the header's number of fields.
fn well_shaped() -> Expr {
    col(FIELDS_FOUND).is_null()
}

/// No value in any column read.
fn blank() -> Expr {
    let empty =
        std::iter::once(col(HOUSEHOLD).is_null()).chain(CASES.text_columns().map(|c| col(raw(c)).is_null()));
    // One n-ary "all" (see `Validator::add`'s "any").
    polars::lazy::dsl::all_horizontal(empty.collect::<Vec<_>>()).expect("a case export has columns")
}

/// A column's value read from its text: null where it cannot be
/// read, for the checks to report.
fn parsed(
    column: &ColumnSpec,
    format: DateFormat,
    stock_types: &Arc<SpellingTable>,
    record_types: &Arc<SpellingTable>,
) -> Option<Expr> {
    let text = col(raw(column.name));
    let with_default = |default: &str, spellings: Arc<SpellingTable>| {
        when(text.clone().is_null())
            .then(lit(default))
            .otherwise(values::canonical_expr(text.clone(), spellings))
    };
    let value = match column.kind {
        Kind::Reference | Kind::FreeText => text,
        Kind::Text if column.breakdown == Breakdown::Always => text.fill_null(lit(NOT_RECORDED)),
        Kind::Text => text,
        Kind::RecordType => with_default(COMPLAINT, record_types.clone()),
        Kind::StockType => with_default(LCRA, stock_types.clone()),
        Kind::Stage => values::first_number_expr(text),
        Kind::Date => values::days_expr(text, format),
        Kind::Outcome => values::canonical_expr(text, SpellingTable::from(OUTCOME_SPELLINGS)),
        Kind::Money => values::money_expr(text),
        Kind::Score | Kind::Finding => unreachable!("not a case column"),
        Kind::Household | Kind::ResidentName => return None,
    };
    Some(value.alias(column.name))
}

/// The errors of a row. A row of the wrong shape, or a blank one, is
/// reported once, and none of its values is checked or echoed: in a shifted
/// row they may belong to a personal-data column.
pub(super) fn errors(
    config: &Config,
    calendar: &Calendar,
    as_of: NaiveDate,
    stock_types: &SpellingTable,
) -> Vec<Check> {
    let well_shaped = well_shaped();
    let mut error_checks = vec![
        Check {
            column: "(row)",
            severity: ERROR,
            kind: "wrong number of fields (an unquoted comma or line break?): row not read".into(),
            problem: concat_str(
                [
                    lit("has "),
                    col(FIELDS_FOUND).cast(DataType::String),
                    lit(" fields where the header has "),
                    col(FIELDS_EXPECTED).cast(DataType::String),
                    lit(" (an unquoted comma or line break?): row not read"),
                ],
                "",
                false,
            ),
            when: well_shaped.clone().not(),
            value: lit(""),
        },
        // Well shaped but its values not checked: blank.
        Check::new("(row)", ERROR, "blank row", well_shaped.and(col(VALUES_CHECKED).not()), lit("")),
    ];
    let gate = col(VALUES_CHECKED);
    error_checks.extend(values_checks(config, calendar, as_of, stock_types).into_iter().map(|mut c| {
        c.when = c.when.and(gate.clone());
        c
    }));
    error_checks
}

/// The errors in a well-shaped row's values.
fn values_checks(
    config: &Config,
    calendar: &Calendar,
    as_of: NaiveDate,
    stock_types: &SpellingTable,
) -> Vec<Check> {
    let fmt = config.input.date_format;
    let stages = i32::from(config.timescales.complaint.stages);
    let is_complaint = col(case::RECORD_TYPE).eq(lit(COMPLAINT));
    let mut checks = vec![
        Check::new(case::REF, ERROR, "missing case reference", col(raw(case::REF)).is_null(), lit("")),
        Check::new(
            case::RECORD_TYPE,
            ERROR,
            "unknown record type (expected complaint, compliment, suggestion, enquiry or feedback; the export's own names go in [input.record_types])",
            col(raw(case::RECORD_TYPE)).is_not_null().and(col(case::RECORD_TYPE).is_null()),
            col(raw(case::RECORD_TYPE)),
        ),
        Check::new(
            case::RECEIVED,
            ERROR,
            "missing received date",
            col(raw(case::RECEIVED)).is_null(),
            lit(""),
        ),
    ];
    for c in CASES.of_kind(Kind::Date) {
        checks.push(Check::new(
            c,
            ERROR,
            format!("not a valid date in {} form (an impossible date such as 31/02 counts)", date_hint(fmt)),
            col(raw(c)).is_not_null().and(col(c).is_null()),
            col(raw(c)),
        ));
        checks.push(Check::new(
            c,
            ERROR,
            format!(
                "date outside the working-day calendar ({} to {}); a newer bank-holidays file extends it",
                calendar.first_day().format("%Y"),
                calendar.last_day().format("%Y")
            ),
            col(c).lt(date_lit(calendar.first_day())).or(col(c).gt(date_lit(calendar.last_day()))),
            col(raw(c)),
        ));
    }
    // Under the previous-working-day rule a clock started before the
    // calendar's first working day has no day 0. Such rows go here, with the
    // reason: left to the schedule, a receipt without a day 0 would be
    // reported as beyond the calendar's end, and an acknowledgement without
    // one passed over for the acknowledgement's due date.
    let first_clock_start = calendar.first_clock_start();
    if first_clock_start > calendar.first_day() {
        for c in [case::RECEIVED, case::ACKNOWLEDGED] {
            checks.push(Check::new(
                c,
                ERROR,
                format!(
                    "before the working-day calendar's first working day ({}), so it has no previous working day to count as day 0 (non_working_receipt = previous_working_day); a bank-holidays file with earlier years extends the calendar",
                    first_clock_start.format("%d/%m/%Y")
                ),
                col(c).gt_eq(date_lit(calendar.first_day())).and(col(c).lt(date_lit(first_clock_start))),
                col(raw(c)),
            ));
        }
    }
    for c in [case::RECEIVED, case::ACKNOWLEDGED, case::RESPONDED] {
        checks.push(Check::new(
            c,
            ERROR,
            format!("date in the future (after the run date {})", as_of.format("%d/%m/%Y")),
            col(c).gt(date_lit(as_of)).and(col(c).lt_eq(date_lit(calendar.last_day()))),
            col(raw(c)),
        ));
    }
    checks.extend([
        Check::new(
            case::STAGE,
            ERROR,
            "missing stage for a complaint",
            is_complaint.clone().and(col(raw(case::STAGE)).is_null()),
            lit(""),
        ),
        Check::new(
            case::STAGE,
            ERROR,
            if stages == 1 {
                "unknown stage (this landlord has a one-stage process: expected 1)".to_string()
            } else {
                "unknown stage (expected 1 or 2)".to_string()
            },
            is_complaint.clone().and(col(raw(case::STAGE)).is_not_null()).and(
                col(case::STAGE)
                    .is_null()
                    .or(col(case::STAGE).lt(lit(1)))
                    .or(col(case::STAGE).gt(lit(stages))),
            ),
            col(raw(case::STAGE)),
        ),
        Check::new(
            case::OUTCOME,
            ERROR,
            "unknown outcome (expected upheld, partially upheld, not upheld, withdrawn or refused)",
            col(raw(case::OUTCOME)).is_not_null().and(col(case::OUTCOME).is_null()),
            col(raw(case::OUTCOME)),
        ),
        Check::new(
            case::STOCK_TYPE,
            ERROR,
            format!("unknown stock type (expected {})", stock_types.listed()),
            col(raw(case::STOCK_TYPE)).is_not_null().and(col(case::STOCK_TYPE).is_null()),
            col(raw(case::STOCK_TYPE)),
        ),
        Check::new(
            case::COMPENSATION,
            ERROR,
            "not an amount of money",
            col(raw(case::COMPENSATION)).is_not_null().and(col(case::COMPENSATION).is_null()),
            col(raw(case::COMPENSATION)),
        ),
        Check::new(
            case::COMPENSATION,
            ERROR,
            "negative amount",
            col(case::COMPENSATION).lt(lit(0.0)),
            col(raw(case::COMPENSATION)),
        ),
        Check::new(
            case::RESPONDED,
            ERROR,
            "response before receipt",
            col(case::RESPONDED).lt(col(case::RECEIVED)),
            col(raw(case::RESPONDED)),
        ),
        Check::new(
            case::ACKNOWLEDGED,
            ERROR,
            "acknowledgement before receipt",
            col(case::ACKNOWLEDGED).lt(col(case::RECEIVED)),
            col(raw(case::ACKNOWLEDGED)),
        ),
    ]);
    checks
}

/// Problems that leave the row in use and can be judged from the row alone,
/// so each chunk's are found as it arrives ([`Validator::add`]) and the raw
/// text they quote is not kept.
pub(super) fn row_warnings() -> Vec<Check> {
    let is_complaint = col(case::RECORD_TYPE).eq(lit(COMPLAINT));
    let closed_without_response = col(case::OUTCOME)
        .is_in(lit(Series::new("o".into(), [outcome::WITHDRAWN, outcome::REFUSED])).implode(false), false);
    vec![
        Check::new(
            case::ACKNOWLEDGED,
            WARNING,
            "responded but no acknowledgement recorded: the response date is taken as the acknowledgement",
            col(case::RESPONDED).is_not_null().and(col(case::ACKNOWLEDGED).is_null()),
            lit(""),
        ),
        Check::new(
            case::OUTCOME,
            WARNING,
            "responded but no outcome recorded: left out of outcome figures",
            is_complaint.clone().and(col(case::RESPONDED).is_not_null()).and(col(case::OUTCOME).is_null()),
            lit(""),
        ),
        Check::new(
            case::RESPONDED,
            WARNING,
            "outcome recorded but no response date: counted as open",
            is_complaint
                .clone()
                .and(col(case::OUTCOME).is_not_null())
                .and(col(case::RESPONDED).is_null())
                .and(closed_without_response.not()),
            col(raw(case::OUTCOME)),
        ),
        Check::new(
            case::REFUSAL_REASON,
            WARNING,
            "refused without a refusal reason",
            col(case::OUTCOME).eq(lit(outcome::REFUSED)).and(col(case::REFUSAL_REASON).is_null()),
            lit(""),
        ),
        Check::new(
            case::EXTENDED_DUE,
            WARNING,
            "extension date on or before receipt: ignored",
            col(case::EXTENDED_DUE).lt_eq(col(case::RECEIVED)),
            col(raw(case::EXTENDED_DUE)),
        ),
    ]
}

/// The warning that needs every row: judged in [`Validator::finish`], so
/// the raw stage it quotes is kept with the usable rows.
pub(super) fn stage_1_missing() -> Check {
    Check::new(
        case::STAGE,
        WARNING,
        "stage 2 with no stage 1 row for the same case in the export",
        col("without_stage_1"),
        col(raw(case::STAGE)),
    )
}

/// The check that catches every later row of a key ([`duplicate_key`]).
pub(super) fn duplicate_check(file_names: &[String]) -> Check {
    let files = Series::new("files".into(), file_names.to_vec());
    Check {
        column: case::REF,
        severity: ERROR,
        kind: "duplicate of an earlier row for the same case and stage".into(),
        problem: concat_str(
            [
                lit("duplicate of an earlier row for the same case and stage (row "),
                col("first_row").cast(DataType::String),
                lit(" of "),
                lit(files).gather(col("first_file"), true),
                lit(", which is used)"),
            ],
            "",
            false,
        ),
        // Run over the duplicate rows only.
        when: lit(true),
        value: concat_str([col(case::REF), lit(" / "), duplicate_key()], "", false),
    }
}
