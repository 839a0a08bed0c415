//! Stage 2, validate: parse the text columns into dates, numbers and canonical
//! spellings; decide which rows can be used. Every row that cannot is excluded
//! from the figures and listed in the data-quality report with the column,
//! the value and the reason; rows with lesser faults stay in and are listed
//! as warnings. Nothing is dropped silently.

use chrono::NaiveDate;
use polars::prelude::*;

use crate::calendar::{date_lit, Calendar};
use crate::config::{Config, DateFormat};
use crate::error::Result;
use crate::ingest::{FIELDS_EXPECTED, FIELDS_FOUND, FILE_COLUMN, ROW_COLUMN};
use crate::memory;

pub mod values;

pub const ERROR: &str = "error";
pub const WARNING: &str = "warning";

/// Spellings accepted for each canonical value, compared after lower-casing
/// and removing everything but letters and digits ("Partially Upheld",
/// "partly_upheld" and "PARTLY-UPHELD" are all `partlyupheld`/`partiallyupheld`).
pub const RECORD_TYPE_SPELLINGS: &[(&str, &[&str])] = &[
    ("complaint", &["complaint", "complaints", "formalcomplaint"]),
    ("compliment", &["compliment", "compliments"]),
    ("suggestion", &["suggestion", "suggestions"]),
    ("enquiry", &["enquiry", "enquiries", "inquiry", "inquiries", "mpenquiry", "councillorenquiry"]),
    ("feedback", &["feedback", "negativefeedback", "comment", "comments"]),
];

pub const OUTCOME_SPELLINGS: &[(&str, &[&str])] = &[
    ("upheld", &["upheld", "fullyupheld", "uphold"]),
    (
        "partially_upheld",
        &["partiallyupheld", "partlyupheld", "partupheld", "upheldinpart", "partiallyuphold"],
    ),
    ("not_upheld", &["notupheld", "notuphold", "notupheldnofault"]),
    ("withdrawn", &["withdrawn", "complaintwithdrawn", "withdrawnbyresident", "withdrawnbycustomer"]),
    ("refused", &["refused", "notaccepted", "declined", "complaintrefused", "excluded"]),
];

pub const STOCK_TYPE_SPELLINGS: &[(&str, &[&str])] = &[
    (
        "LCRA",
        &[
            "lcra",
            "lowcostrentalaccommodation",
            "lowcostrental",
            "generalneeds",
            "supported",
            "supportedhousing",
            "housingforolderpeople",
            "intermediaterent",
            "socialrent",
            "affordablerent",
        ],
    ),
    // Not "leasehold": right-to-buy leaseholders are not low cost home
    // ownership under the Regulator's definitions.
    ("LCHO", &["lcho", "lowcosthomeownership", "sharedownership", "homeownership"]),
];

/// What "not recorded" looks like in breakdowns.
pub const NOT_RECORDED: &str = "Not recorded";

pub struct Validated {
    /// Usable rows, typed. See [`prepared_columns`] in the metrics stage.
    pub cases: DataFrame,
    /// One row per problem found: file_id, row, case_ref, column, value,
    /// problem, severity, in file and row order.
    pub issues: DataFrame,
    pub rows_read: usize,
    pub rows_excluded: usize,
}

/// One rule a row can break.
pub(crate) struct Check {
    pub(crate) column: &'static str,
    pub(crate) severity: &'static str,
    /// The problem in general terms, for the run summary.
    pub(crate) kind: String,
    /// The problem as written for this row (may name other rows or dates).
    pub(crate) problem: Expr,
    pub(crate) when: Expr,
    pub(crate) value: Expr,
}

impl Check {
    pub(crate) fn new(
        column: &'static str,
        severity: &'static str,
        problem: impl Into<String>,
        when: Expr,
        value: Expr,
    ) -> Self {
        let problem = problem.into();
        Check {
            column,
            severity,
            kind: problem.clone(),
            problem: lit(problem),
            when: when.fill_null(false),
            value,
        }
    }
}

/// A text column trimmed, with blank cells as nulls.
pub(crate) fn text(column: &str) -> Expr {
    values::tidy_expr(col(column))
}

pub(crate) fn raw(column: &str) -> String {
    format!("raw_{column}")
}

/// Map spellings to canonical values; unknown spellings become null.
pub(crate) fn canonical(e: Expr, table: &'static [(&'static str, &'static [&'static str])]) -> Expr {
    values::canonical_expr(e, table)
}

/// Parse a date column written `dd/mm/yyyy` (or with `-` or `.`) or ISO; see
/// [`values::day`].
pub(crate) fn parse_date(e: Expr, format: DateFormat) -> Expr {
    values::days_expr(e, format)
}

pub(crate) fn date_hint(format: DateFormat) -> &'static str {
    match format {
        DateFormat::Auto => "dd/mm/yyyy or yyyy-mm-dd",
        DateFormat::Uk => "dd/mm/yyyy",
        DateFormat::Iso => "yyyy-mm-dd",
    }
}

/// Pounds as exports write them: "£1,250.00", "1250", "75", "-£50.00".
/// Anything else ("1.250,00", "1e3", "NaN") is not an amount: null.
pub(crate) fn money(text: Expr) -> Expr {
    let stripped = text.str().replace_all(lit(r"\s|GBP|gbp"), lit(""), false);
    let well_formed = stripped.clone().str().contains(lit(r"^-?£?(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$"), true);
    when(well_formed)
        .then(stripped.str().replace_all(lit(r"[£,]"), lit(""), false))
        .otherwise(lit(NULL).cast(DataType::String))
        .cast(DataType::Float64)
}

/// Data-quality rows found by checks written in Rust, for the small exports
/// (surveys, Ombudsman) whose rules need a look at the case rows. Same shape
/// as [`Validated::issues`].
#[derive(Default)]
pub(crate) struct IssueList {
    file: Vec<u32>,
    row: Vec<u32>,
    case_ref: Vec<String>,
    column: Vec<&'static str>,
    value: Vec<String>,
    problem: Vec<String>,
    severity: Vec<&'static str>,
    kind: Vec<&'static str>,
    errors: usize,
}

impl IssueList {
    /// One problem; `kind` is the problem in general terms for the summary,
    /// `detail` (if any) is appended for this row.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn push(
        &mut self,
        (file, row): (u32, u32),
        case_ref: &str,
        column: &'static str,
        value: &str,
        severity: &'static str,
        kind: &'static str,
        detail: Option<String>,
    ) {
        self.file.push(file);
        self.row.push(row);
        self.case_ref.push(case_ref.to_string());
        self.column.push(column);
        self.value.push(value.to_string());
        self.problem.push(match detail {
            Some(d) => format!("{kind} {d}"),
            None => kind.to_string(),
        });
        self.severity.push(severity);
        self.kind.push(kind);
        self.errors += usize::from(severity == ERROR);
    }

    pub(crate) fn errors(&self) -> usize {
        self.errors
    }

    pub(crate) fn frame(self) -> Result<DataFrame> {
        Ok(DataFrame::new_infer_height(vec![
            Column::new(FILE_COLUMN.into(), self.file),
            Column::new(ROW_COLUMN.into(), self.row),
            Column::new("case_ref".into(), self.case_ref),
            Column::new("column".into(), self.column),
            Column::new("value".into(), self.value),
            Column::new("problem".into(), self.problem),
            Column::new("severity".into(), self.severity),
            Column::new("kind".into(), self.kind),
        ])?)
    }
}

/// The case columns read as text (the household arrives already hashed).
fn text_columns() -> impl Iterator<Item = &'static str> {
    crate::ingest::CANONICAL_COLUMNS.into_iter().filter(|c| *c != "household_ref")
}

pub const DATE_COLUMNS: [&str; 4] =
    ["received_date", "acknowledged_date", "extended_due_date", "responded_date"];

/// Parse every column; keep the trimmed text as `raw_<column>` for reporting.
fn parse(raw_frame: LazyFrame, config: &Config) -> LazyFrame {
    let fmt = config.input.date_format;
    let text_columns: Vec<Expr> = text_columns().map(|c| text(c).alias(raw(c))).collect();
    let mut lf = raw_frame.with_columns(text_columns);
    let record_type = when(col(raw("record_type")).is_null())
        .then(lit("complaint"))
        .otherwise(canonical(col(raw("record_type")), RECORD_TYPE_SPELLINGS));
    let stock_type = when(col(raw("stock_type")).is_null())
        .then(lit("LCRA"))
        .otherwise(canonical(col(raw("stock_type")), STOCK_TYPE_SPELLINGS));
    let mut parsed = vec![
        record_type.alias("record_type"),
        values::first_number_expr(col(raw("stage"))).alias("stage"),
        canonical(col(raw("outcome")), OUTCOME_SPELLINGS).alias("outcome"),
        stock_type.alias("stock_type"),
        money(col(raw("compensation"))).alias("compensation"),
        col(raw("case_ref")).alias("case_ref"),
        col(raw("refusal_reason")).alias("refusal_reason"),
        col(raw("learning_theme")).alias("learning_theme"),
        col(raw("learning_action")).alias("learning_action"),
        col(raw("description")).alias("description"),
    ];
    for c in ["service_area", "category", "channel"] {
        parsed.push(col(raw(c)).fill_null(lit(NOT_RECORDED)).alias(c));
    }
    for c in DATE_COLUMNS {
        parsed.push(parse_date(col(raw(c)), fmt).alias(c));
    }
    lf = lf.with_columns(parsed);
    lf
}

fn checks(config: &Config, calendar: &Calendar, as_of: NaiveDate) -> Vec<Check> {
    let fmt = config.input.date_format;
    let stages = i32::from(config.timescales.complaint.stages);
    let is_complaint = col("record_type").eq(lit("complaint"));
    let mut checks = vec![
        Check::new("case_ref", ERROR, "missing case reference", col(raw("case_ref")).is_null(), lit("")),
        Check::new(
            "record_type",
            ERROR,
            "unknown record type (expected complaint, compliment, suggestion, enquiry or feedback)",
            col(raw("record_type")).is_not_null().and(col("record_type").is_null()),
            col(raw("record_type")),
        ),
        Check::new(
            "received_date",
            ERROR,
            "missing received date",
            col(raw("received_date")).is_null(),
            lit(""),
        ),
    ];
    for c in DATE_COLUMNS {
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
    for c in ["received_date", "acknowledged_date", "responded_date"] {
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
            "stage",
            ERROR,
            "missing stage for a complaint",
            is_complaint.clone().and(col(raw("stage")).is_null()),
            lit(""),
        ),
        Check::new(
            "stage",
            ERROR,
            if stages == 1 {
                "unknown stage (this landlord has a one-stage process: expected 1)".to_string()
            } else {
                "unknown stage (expected 1 or 2)".to_string()
            },
            is_complaint
                .clone()
                .and(col(raw("stage")).is_not_null())
                .and(col("stage").is_null().or(col("stage").lt(lit(1))).or(col("stage").gt(lit(stages)))),
            col(raw("stage")),
        ),
        Check::new(
            "outcome",
            ERROR,
            "unknown outcome (expected upheld, partially upheld, not upheld, withdrawn or refused)",
            col(raw("outcome")).is_not_null().and(col("outcome").is_null()),
            col(raw("outcome")),
        ),
        Check::new(
            "stock_type",
            ERROR,
            "unknown stock type (expected LCRA or LCHO)",
            col(raw("stock_type")).is_not_null().and(col("stock_type").is_null()),
            col(raw("stock_type")),
        ),
        Check::new(
            "compensation",
            ERROR,
            "not an amount of money",
            col(raw("compensation")).is_not_null().and(col("compensation").is_null()),
            col(raw("compensation")),
        ),
        Check::new(
            "compensation",
            ERROR,
            "negative amount",
            col("compensation").lt(lit(0.0)),
            col(raw("compensation")),
        ),
        Check::new(
            "responded_date",
            ERROR,
            "response before receipt",
            col("responded_date").lt(col("received_date")),
            col(raw("responded_date")),
        ),
        Check::new(
            "acknowledged_date",
            ERROR,
            "acknowledgement before receipt",
            col("acknowledged_date").lt(col("received_date")),
            col(raw("acknowledged_date")),
        ),
    ]);
    checks
}

/// Problems that leave the row in use and can be judged from the row alone,
/// so each chunk's are found as it arrives ([`Validator::add`]) and the raw
/// text they quote is not kept.
fn row_warnings() -> Vec<Check> {
    let is_complaint = col("record_type").eq(lit("complaint"));
    let closed_without_response =
        col("outcome").is_in(lit(Series::new("o".into(), ["withdrawn", "refused"])).implode(false), false);
    vec![
        Check::new(
            "acknowledged_date",
            WARNING,
            "responded but no acknowledgement recorded: the response date is taken as the acknowledgement",
            col("responded_date").is_not_null().and(col("acknowledged_date").is_null()),
            lit(""),
        ),
        Check::new(
            "outcome",
            WARNING,
            "responded but no outcome recorded: left out of outcome figures",
            is_complaint.clone().and(col("responded_date").is_not_null()).and(col("outcome").is_null()),
            lit(""),
        ),
        Check::new(
            "responded_date",
            WARNING,
            "outcome recorded but no response date: counted as open",
            is_complaint
                .clone()
                .and(col("outcome").is_not_null())
                .and(col("responded_date").is_null())
                .and(closed_without_response.not()),
            col(raw("outcome")),
        ),
        Check::new(
            "refusal_reason",
            WARNING,
            "refused without a refusal reason",
            col("outcome").eq(lit("refused")).and(col("refusal_reason").is_null()),
            lit(""),
        ),
        Check::new(
            "extended_due_date",
            WARNING,
            "extension date on or before receipt: ignored",
            col("extended_due_date").lt_eq(col("received_date")),
            col(raw("extended_due_date")),
        ),
    ]
}

/// The warning that needs every row: judged in [`Validator::finish`], so
/// the raw stage it quotes is kept with the usable rows.
fn stage_1_missing() -> Check {
    Check::new(
        "stage",
        WARNING,
        "stage 2 with no stage 1 row for the same case in the export",
        col("without_stage_1"),
        col(raw("stage")),
    )
}

/// The key that makes a row unique: case and stage for complaints, case and
/// record type for other feedback.
fn duplicate_key() -> Expr {
    when(col("record_type").eq(lit("complaint")))
        .then(col("stage").cast(DataType::String))
        .otherwise(col("record_type"))
}

/// What one hash pass over the usable rows (in file and row order) finds:
/// the later occurrences of each key ([`duplicate_key`]) and the stage 2
/// complaints whose case has no stage 1 row. A window per key over a million
/// rows costs far more.
struct Occurrences {
    is_duplicate: BooleanChunked,
    without_stage_1: BooleanChunked,
    /// For each duplicate, in row order: the position of the row it repeats.
    first_of_duplicates: IdxCa,
}

fn first_occurrences(rows: &DataFrame) -> Result<Occurrences> {
    let case_ref = rows.column("case_ref")?.str()?;
    let record_type = rows.column("record_type")?.str()?;
    let stage = rows.column("stage")?.i32()?;
    // The key's second half packed in one number (record type, and stage for
    // a complaint), so an entry is 32 bytes: at 10M rows the table is the
    // biggest thing validation holds.
    let kind = |record_type: Option<&str>, stage: Option<i32>| -> i64 {
        let Some(t) = record_type else { return -1 };
        let type_index = RECORD_TYPE_SPELLINGS.iter().position(|(c, _)| *c == t).map_or(-2, |i| i as i64);
        let stage = if t == "complaint" { stage.map_or(-1, i64::from) } else { 0 };
        (type_index << 32) | (stage & 0xffff_ffff)
    };
    let complaint_stage = |s: i64| kind(Some("complaint"), Some(s as i32));
    let (second, first_stage) = (complaint_stage(2), complaint_stage(1));
    let keys =
        || case_ref.iter().zip(record_type.iter().zip(stage.iter())).map(|(c, (t, s))| (c, kind(t, s)));
    let mut first: PlHashMap<(Option<&str>, i64), IdxSize> = PlHashMap::with_capacity(rows.height());
    let mut is_duplicate = Vec::with_capacity(rows.height());
    let mut first_of_duplicates = Vec::new();
    for (at, key) in keys().enumerate() {
        let earliest = *first.entry(key).or_insert(at as IdxSize);
        let later = earliest != at as IdxSize;
        if later {
            first_of_duplicates.push(earliest);
        }
        is_duplicate.push(later);
    }
    let without_stage_1: BooleanChunked = keys()
        .map(|(case_ref, k)| Some(k == second && !first.contains_key(&(case_ref, first_stage))))
        .collect();
    Ok(Occurrences {
        is_duplicate: BooleanChunked::from_slice("is_duplicate".into(), &is_duplicate),
        without_stage_1: without_stage_1.with_name("without_stage_1".into()),
        first_of_duplicates: IdxCa::from_vec("first".into(), first_of_duplicates),
    })
}

/// The data-quality rows of the rows each check catches: one frame per check,
/// in the shape of `Validated::issues` plus a `check` column giving the order
/// of problems within a row.
pub(crate) fn issue_rows(
    lf: &LazyFrame,
    checks: &[Check],
    order_offset: usize,
    case_ref: Expr,
) -> Vec<LazyFrame> {
    checks
        .iter()
        .enumerate()
        .map(|(i, c)| {
            lf.clone().filter(c.when.clone()).select([
                col(FILE_COLUMN),
                col(ROW_COLUMN),
                case_ref.clone().fill_null(lit("")).alias("case_ref"),
                lit(c.column).alias("column"),
                c.value.clone().cast(DataType::String).fill_null(lit("")).alias("value"),
                c.problem.clone().alias("problem"),
                lit(c.severity).alias("severity"),
                lit(c.kind.clone()).alias("kind"),
                lit((order_offset + i) as u32).alias("check"),
            ])
        })
        .collect()
}

/// Validation of a case export read in chunks: each chunk is parsed and
/// checked row by row as it arrives ([`Validator::add`]); what needs every
/// row at once (duplicates, a stage 2 with no stage 1) waits for
/// [`Validator::finish`]. Only the typed columns of usable rows are kept
/// between chunks, so memory follows the rows used, not the text read.
pub struct Validator<'a> {
    config: &'a Config,
    error_checks: Vec<Check>,
    row_warnings: Vec<Check>,
    /// Rows with an error, every column, for the data-quality rows.
    flagged: Vec<DataFrame>,
    /// The row warnings of usable rows, as data-quality rows.
    warned: Vec<DataFrame>,
    /// Usable rows, typed, with the raw stage the last warning quotes.
    usable: Vec<DataFrame>,
    rows_read: usize,
}

/// The typed columns kept for each usable row, in the order of
/// [`Validated::cases`]: every case column but the description (read only to
/// infer a theme), with the household as its hash.
fn usable_columns() -> impl Iterator<Item = &'static str> {
    let case_columns = crate::ingest::CANONICAL_COLUMNS.into_iter().filter_map(|c| match c {
        "description" => None,
        "household_ref" => Some(crate::ingest::HOUSEHOLD),
        c => Some(c),
    });
    [FILE_COLUMN, ROW_COLUMN].into_iter().chain(case_columns)
}

/// The text columns kept with each usable row whose values repeat: stored
/// once per distinct value in each chunk ([`memory::interned`]).
const INTERNED: [&str; 7] =
    ["outcome", "refusal_reason", "service_area", "category", "channel", "learning_theme", "learning_action"];

impl<'a> Validator<'a> {
    pub fn new(config: &'a Config, calendar: &Calendar, as_of: NaiveDate) -> Self {
        // A row of the wrong shape, or a blank one, is reported once, and none of
        // its values is checked or echoed: in a shifted row they may belong to a
        // personal-data column.
        let blank = text_columns()
            .fold(col(crate::ingest::HOUSEHOLD).is_null(), |acc, c| acc.and(col(raw(c)).is_null()));
        let well_shaped = col(FIELDS_FOUND).is_null();
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
            Check::new("(row)", ERROR, "blank row", well_shaped.clone().and(blank.clone()), lit("")),
        ];
        let gate = well_shaped.and(blank.not());
        error_checks.extend(checks(config, calendar, as_of).into_iter().map(|mut c| {
            c.when = c.when.and(gate.clone());
            c
        }));
        Validator {
            config,
            error_checks,
            row_warnings: row_warnings(),
            flagged: Vec::new(),
            warned: Vec::new(),
            usable: Vec::new(),
            rows_read: 0,
        }
    }

    /// Parse and check one chunk of the raw frame (`ingest::load_chunks`).
    pub fn add(&mut self, raw_frame: DataFrame) -> Result<()> {
        self.rows_read += raw_frame.height();
        let has_error = self.error_checks.iter().fold(lit(false), |acc, c| acc.or(c.when.clone()));
        let parsed =
            parse(raw_frame.lazy(), self.config).with_column(has_error.alias("has_error")).collect()?;
        self.flagged.push(memory::compacted(parsed.clone().lazy().filter(col("has_error")).collect()?)?);
        let usable = parsed
            .lazy()
            .filter(col("has_error").not())
            .select(
                usable_columns()
                    .chain(["description"])
                    .map(col)
                    .chain(["outcome", "extended_due_date", "stage"].map(|c| col(raw(c))))
                    .collect::<Vec<_>>(),
            )
            .collect()?;
        // Problems within a row are listed errors first, then the duplicate
        // check, the row warnings, and the stage 1 warning.
        let warnings = issue_rows(
            &usable.clone().lazy(),
            &self.row_warnings,
            self.error_checks.len() + 1,
            col("case_ref"),
        );
        self.warned.push(concat(warnings, UnionArgs::default())?.collect()?);
        // Themes are inferred here, chunk by chunk, so the residents'
        // descriptions (the longest text, and read by nothing else) are never
        // held for the whole export.
        let usable = crate::themes::resolve(usable, &self.config.themes)?;
        let mut usable =
            usable.drop_many(["description".to_string(), raw("outcome"), raw("extended_due_date")]);
        for c in INTERNED {
            let text = memory::interned(usable.column(c)?.str()?);
            usable.with_column(text.into_column())?;
        }
        self.usable.push(usable);
        Ok(())
    }

    /// Judge duplicates and the stage 1 warning over all the usable rows;
    /// `file_names` name the files for the duplicate messages.
    pub fn finish(self, file_names: &[String]) -> Result<Validated> {
        let Validator { error_checks, row_warnings, flagged, warned, usable, rows_read, .. } = self;
        let duplicate_order = error_checks.len();
        let mut usable = stack(usable)?;
        let flagged = stack(flagged)?;
        // Duplicates are judged among rows that are otherwise usable, so a
        // faulty row never displaces a good one; the first occurrence is kept.
        let found = first_occurrences(&usable)?;
        usable.with_column(found.without_stage_1.into_column())?;
        let mut duplicates = usable.filter(&found.is_duplicate)?;
        for (name, of) in [("first_row", ROW_COLUMN), ("first_file", FILE_COLUMN)] {
            duplicates
                .with_column(usable.column(of)?.take(&found.first_of_duplicates)?.with_name(name.into()))?;
        }
        let keep = !&found.is_duplicate;
        let cases = memory::filter_by_column(usable, &keep)?;

        // A shifted row's case_ref column may hold another column's value.
        let case_ref = when(col(FIELDS_FOUND).is_null()).then(col(raw("case_ref"))).otherwise(lit(""));
        // Each check runs over the rows flagged by some check, not the whole frame.
        let mut issues = issue_rows(&flagged.lazy(), &error_checks, 0, case_ref);
        issues.extend(issue_rows(
            &duplicates.clone().lazy(),
            &[duplicate_check(file_names)],
            duplicate_order,
            col("case_ref"),
        ));
        issues.push(without_rows(stack(warned)?, &duplicates)?.lazy());
        issues.extend(issue_rows(
            &cases.clone().lazy(),
            &[stage_1_missing()],
            duplicate_order + 1 + row_warnings.len(),
            col("case_ref"),
        ));
        let issues = concat(issues, UnionArgs::default())?
            .sort([FILE_COLUMN, ROW_COLUMN, "check"], SortMultipleOptions::default())
            .drop(cols(["check"]))
            .collect()?;

        // The columns adjusted here are worked out from a frame of only the
        // columns they read; the others are moved, not copied.
        let adjusted = cases
            .select(["record_type", "stage", "received_date", "extended_due_date", "compensation"])?
            .lazy()
            .select([
                when(col("record_type").eq(lit("complaint")))
                    .then(col("stage"))
                    .otherwise(lit(NULL).cast(DataType::Int32))
                    .alias("stage"),
                // An extension dated on or before receipt is ignored (warned above).
                when(col("extended_due_date").gt(col("received_date")))
                    .then(col("extended_due_date"))
                    .otherwise(lit(NULL).cast(DataType::Date))
                    .alias("extended_due_date"),
                col("compensation").fill_null(lit(0.0)),
            ])
            .collect()?;
        let mut cases = cases;
        for c in adjusted.into_columns() {
            cases.with_column(c)?;
        }
        let cases = cases.select(usable_columns().chain([crate::themes::SOURCE]))?;
        let rows_excluded = rows_read - cases.height();
        Ok(Validated { cases, issues, rows_read, rows_excluded })
    }
}

/// The check that catches every later row of a key ([`duplicate_key`]).
fn duplicate_check(file_names: &[String]) -> Check {
    let files = Series::new("files".into(), file_names.to_vec());
    Check {
        column: "case_ref",
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
        value: concat_str([col("case_ref"), lit(" / "), duplicate_key()], "", false),
    }
}

/// The data-quality rows in `issues` that are not about one of `rows` (by
/// file and row number): a duplicate's row warnings go with the row.
fn without_rows(issues: DataFrame, rows: &DataFrame) -> Result<DataFrame> {
    if rows.height() == 0 {
        return Ok(issues);
    }
    let at = |frame: &DataFrame| -> Result<Vec<(Option<u32>, Option<u32>)>> {
        let (file, row) = (frame.column(FILE_COLUMN)?.u32()?, frame.column(ROW_COLUMN)?.u32()?);
        Ok(file.iter().zip(row.iter()).collect())
    };
    let gone: PlHashSet<_> = at(rows)?.into_iter().collect();
    let keep: BooleanChunked = at(&issues)?.into_iter().map(|r| Some(!gone.contains(&r))).collect();
    Ok(issues.filter(&keep)?)
}

/// One frame of the chunks' frames, in order.
fn stack(frames: Vec<DataFrame>) -> Result<DataFrame> {
    let mut frames = frames.into_iter();
    let mut stacked = frames.next().unwrap_or_default();
    // Not rechunked here: one contiguous copy of every column at once would
    // double the memory for a moment (see `memory::filter_by_column`).
    for more in frames {
        stacked.vstack_mut_owned(more)?;
    }
    Ok(stacked)
}

/// Validate a whole raw frame at once (`ingest::load`).
pub fn validate(
    raw_frame: DataFrame,
    file_names: &[String],
    config: &Config,
    calendar: &Calendar,
    as_of: NaiveDate,
) -> Result<Validated> {
    let mut validator = Validator::new(config, calendar, as_of);
    validator.add(raw_frame)?;
    validator.finish(file_names)
}
