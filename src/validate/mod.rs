//! Stage 2, validate: parse the text columns into dates, numbers and canonical
//! spellings; decide which rows can be used. Every row that cannot is excluded
//! from the figures and listed in the data-quality report with the column,
//! the value and the reason; rows with lesser faults stay in and are listed
//! as warnings. Nothing is dropped silently.

mod checks;
mod duplicates;
pub mod values;

use std::sync::Arc;

use chrono::NaiveDate;
use polars::prelude::*;

use crate::calendar::Calendar;
use crate::config::Config;
use crate::error::Result;
use crate::memory;
use crate::quality::{issue_rows, Check};
use crate::schema::{self, case, SpellingTable, CASES, COMPLAINT, FIELDS_FOUND, FILE, ROW, THEME_SOURCE};
use values::raw;

pub struct Validated {
    /// Usable rows, typed: the canonical columns of [`crate::schema::CASES`].
    pub cases: DataFrame,
    /// One row per problem found: file_id, row, case_ref, column, value,
    /// problem, severity, in file and row order.
    pub issues: DataFrame,
    pub rows_read: usize,
    pub rows_excluded: usize,
}

/// Validation of a case export read in chunks: each chunk is parsed and
/// checked row by row as it arrives ([`Validator::add`]); what needs every
/// row at once (duplicates, a stage 2 with no stage 1) waits for
/// [`Validator::finish`]. Only the typed columns of usable rows are kept
/// between chunks, so memory follows the rows used, not the text read.
pub struct Validator<'a> {
    config: &'a Config,
    /// The landlord's stock types and their spellings (`[input.stock_types]`).
    stock_types: Arc<SpellingTable>,
    error_checks: Vec<Check>,
    row_warnings: Vec<Check>,
    themes: crate::themes::ThemeFinder,
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
    [FILE, ROW].into_iter().chain(CASES.loaded_columns().filter(|c| *c != case::DESCRIPTION))
}

/// Whether a row has an error, as the chunk's rows are kept until `finish`.
const HAS_ERROR: &str = "has_error";

/// The text columns kept with each usable row whose values repeat: stored
/// once per distinct value in each chunk ([`memory::interned`]).
const INTERNED: [&str; 7] = [
    case::OUTCOME,
    case::REFUSAL_REASON,
    case::SERVICE_AREA,
    case::CATEGORY,
    case::CHANNEL,
    case::LEARNING_THEME,
    case::LEARNING_ACTION,
];

impl<'a> Validator<'a> {
    pub fn new(config: &'a Config, calendar: &Calendar, as_of: NaiveDate) -> Result<Self> {
        let stock_types = Arc::new(schema::stock_types(&config.input.stock_types));
        let error_checks = checks::errors(config, calendar, as_of, &stock_types);
        Ok(Validator {
            config,
            stock_types,
            error_checks,
            row_warnings: checks::row_warnings()
                .into_iter()
                .map(|mut c| {
                    c.when = c.when.and(col(HAS_ERROR).not());
                    c
                })
                .collect(),
            themes: crate::themes::ThemeFinder::new(&config.themes)?,
            flagged: Vec::new(),
            warned: Vec::new(),
            usable: Vec::new(),
            rows_read: 0,
        })
    }

    /// Parse and check one chunk of the raw frame (`ingest::load_chunks`).
    pub fn add(&mut self, raw_frame: DataFrame) -> Result<()> {
        self.rows_read += raw_frame.height();
        let has_error = self.error_checks.iter().fold(lit(false), |acc, c| acc.or(c.when.clone()));
        let parsed = checks::parse(raw_frame.lazy(), self.config, &self.stock_types)
            .with_column(has_error.alias(HAS_ERROR))
            .collect()?;
        self.flagged.push(memory::compacted(parsed.clone().lazy().filter(col(HAS_ERROR)).collect()?)?);
        // Every row is kept, the faulty ones marked, and dropped once in
        // `finish` with the duplicates: picking the usable rows here would
        // copy every column of every chunk one time more.
        let usable = parsed.select(
            usable_columns()
                .chain([case::DESCRIPTION, HAS_ERROR])
                .map(String::from)
                .chain([case::OUTCOME, case::EXTENDED_DUE, case::STAGE].map(raw)),
        )?;
        // Problems within a row are listed errors first, then the duplicate
        // check, the row warnings, and the stage 1 warning.
        let warnings = issue_rows(
            &usable.clone().lazy(),
            &self.row_warnings,
            self.error_checks.len() + 1,
            col(case::REF),
        );
        self.warned.push(concat(warnings, UnionArgs::default())?.collect()?);
        // Themes are inferred here, chunk by chunk, so the residents'
        // descriptions (the longest text, and read by nothing else) are never
        // held for the whole export.
        let usable = crate::themes::resolve(usable, &self.themes)?;
        let mut usable =
            usable.drop_many([case::DESCRIPTION.to_string(), raw(case::OUTCOME), raw(case::EXTENDED_DUE)]);
        for text in interned_in_parallel(&usable)? {
            usable.with_column(text)?;
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
        let faulty = usable.column(HAS_ERROR)?.bool()?.clone();
        let found = duplicates::first_occurrences(&usable, &faulty)?;
        usable.with_column(found.without_stage_1.into_column())?;
        let mut duplicates = usable.filter(&found.is_duplicate)?;
        for (name, of) in [("first_row", ROW), ("first_file", FILE)] {
            duplicates
                .with_column(usable.column(of)?.take(&found.first_of_duplicates)?.with_name(name.into()))?;
        }
        let keep = !&(&found.is_duplicate | &faulty);
        drop(faulty);
        let cases = memory::filter_by_column(usable, &keep)?;

        // A shifted row's case_ref column may hold another column's value.
        let case_ref = when(col(FIELDS_FOUND).is_null()).then(col(raw(case::REF))).otherwise(lit(""));
        // Each check runs over the rows flagged by some check, not the whole frame.
        let mut issues = issue_rows(&flagged.lazy(), &error_checks, 0, case_ref);
        issues.extend(issue_rows(
            &duplicates.clone().lazy(),
            &[checks::duplicate_check(file_names)],
            duplicate_order,
            col(case::REF),
        ));
        issues.push(duplicates::without_rows(stack(warned)?, &duplicates)?.lazy());
        issues.extend(issue_rows(
            &cases.clone().lazy(),
            &[checks::stage_1_missing()],
            duplicate_order + 1 + row_warnings.len(),
            col(case::REF),
        ));
        let issues = concat(issues, UnionArgs::default())?
            .sort([FILE, ROW, "check"], SortMultipleOptions::default())
            .drop(cols(["check"]))
            .collect()?;

        // The columns adjusted here are worked out from a frame of only the
        // columns they read; the others are moved, not copied.
        let adjusted = cases
            .select([case::RECORD_TYPE, case::STAGE, case::RECEIVED, case::EXTENDED_DUE, case::COMPENSATION])?
            .lazy()
            .select([
                when(col(case::RECORD_TYPE).eq(lit(COMPLAINT)))
                    .then(col(case::STAGE))
                    .otherwise(lit(NULL).cast(DataType::Int32))
                    .alias(case::STAGE),
                // An extension dated on or before receipt is ignored (warned above).
                when(col(case::EXTENDED_DUE).gt(col(case::RECEIVED)))
                    .then(col(case::EXTENDED_DUE))
                    .otherwise(lit(NULL).cast(DataType::Date))
                    .alias(case::EXTENDED_DUE),
                col(case::COMPENSATION).fill_null(lit(0.0)),
            ])
            .collect()?;
        let mut cases = cases;
        for c in adjusted.into_columns() {
            cases.with_column(c)?;
        }
        let cases = cases.select(usable_columns().chain([THEME_SOURCE]))?;
        let rows_excluded = rows_read - cases.height();
        Ok(Validated { cases, issues, rows_read, rows_excluded })
    }
}

/// The [`INTERNED`] columns of `usable`, interned half on this thread and
/// half on another: each is a hash pass over every row, and the checks are
/// the slower side of reading beside checking.
fn interned_in_parallel(usable: &DataFrame) -> Result<Vec<Column>> {
    let intern =
        |name: &str| -> Result<Column> { Ok(memory::interned(usable.column(name)?.str()?).into_column()) };
    crate::parallel::halves(INTERNED.len(), 2, |from, len| {
        INTERNED[from..from + len].iter().map(|name| intern(name)).collect()
    })
    .into_iter()
    .collect()
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
    let mut validator = Validator::new(config, calendar, as_of)?;
    validator.add(raw_frame)?;
    validator.finish(file_names)
}
