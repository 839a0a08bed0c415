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
use polars::lazy::dsl;
use polars::prelude::*;

use crate::calendar::Calendar;
use crate::config::Config;
use crate::error::Result;
use crate::memory;
use crate::quality::{issue_rows, Check};
use crate::schema::{
    self, case, SpellingTable, ACTION_NAMES_RESIDENT, CASES, COMPLAINT, FIELDS_FOUND, FILE, RESIDENT_NAMED,
    ROW, THEME_NAMES_RESIDENT, THEME_SOURCE,
};
use crate::screen::ResidentNamed;
use values::raw;

pub struct Validated {
    /// Usable rows, typed: the canonical columns of [`crate::schema::CASES`].
    pub cases: DataFrame,
    /// One row per problem found: file_id, row, case_ref, column, value,
    /// problem, severity, in file and row order.
    pub issues: DataFrame,
    pub rows_read: usize,
    pub rows_excluded: usize,
    /// What the screen found as the rows were checked: the learning
    /// actions and themes that name their row's resident, of every row read
    /// (`resident_name`), and the recorded themes held back.
    pub screening: crate::screen::Screening,
}

/// Validation of a case export read in chunks: each chunk is parsed and
/// checked row by row as it arrives ([`Validator::add`]); what needs every
/// row at once (duplicates, a stage 2 with no stage 1) waits for
/// [`Validator::finish`]. Only typed columns are kept between chunks, so
/// memory follows the rows, not the text read.
pub struct Validator<'a> {
    config: &'a Config,
    /// The landlord's stock types and their spellings (`[input.stock_types]`).
    stock_types: Arc<SpellingTable>,
    error_checks: Vec<Check>,
    row_warnings: Vec<Check>,
    themes: crate::themes::ThemeFinder,
    /// Rows with an error, every column, for the data-quality rows.
    flagged: Vec<DataFrame>,
    /// The row warnings of rows without an error, as data-quality rows.
    warned: Vec<DataFrame>,
    /// Each chunk's rows, typed, with the raw stage the last warning quotes,
    /// and marked [`HAS_ERROR`], gathered into one array per column: the
    /// faulty ones are dropped in `finish`, in place.
    rows: memory::Gathered,
    rows_read: usize,
    resident_named: ResidentNamed,
    chunks_gathered: usize,
    /// A chunk with more than one faulty row in this many has them dropped
    /// as it is checked ([`MOSTLY_FAULTY`]; a test varies it).
    mostly_faulty: usize,
}

/// The typed columns kept for each usable row, in the order of
/// [`Validated::cases`]: every case column but the description (read only to
/// infer a theme) and the resident's name (whose flags are gathered into
/// [`ResidentNamed`]), with the household as its hash.
fn usable_columns() -> impl Iterator<Item = &'static str> {
    [FILE, ROW]
        .into_iter()
        .chain(CASES.loaded_columns().filter(|c| *c != case::DESCRIPTION && !RESIDENT_NAMED.contains(c)))
}

/// The actions and themes of `rows` that name their row's resident (every
/// row, faulty or not). Whether a theme is then held is decided once, over
/// the usable rows' themes (`themes::hold_back_personal`).
fn resident_named(rows: &DataFrame) -> Result<ResidentNamed> {
    let mut named = ResidentNamed::default();
    for (flag, text) in
        [(ACTION_NAMES_RESIDENT, case::LEARNING_ACTION), (THEME_NAMES_RESIDENT, case::LEARNING_THEME)]
    {
        let flags = rows.column(flag)?.bool()?;
        if !flags.any() {
            continue;
        }
        let texts = rows.column(text)?.str()?;
        memory::each_true_row(flags, |row| {
            if let Some(t) = texts.get(row) {
                match flag {
                    ACTION_NAMES_RESIDENT => named.add_action(t),
                    _ => named.add_theme(t),
                }
            }
        });
    }
    Ok(named)
}

/// Whether a row has an error, as the chunk's rows are kept until `finish`.
const HAS_ERROR: &str = "has_error";

/// A chunk with more than one faulty row in this many has them dropped as
/// it is checked, not kept until `finish`.
const MOSTLY_FAULTY: usize = 8;

/// Freed memory is handed back to the system after every this many chunks
/// gathered. A chunk's working columns, freed once its rows are gathered,
/// are not all taken again by the next chunk's: left to build up, they put
/// 200 MiB on a 10M-row run's peak, at the end of reading; handed back every
/// chunk, the next chunk's would fault in afresh each time.
const RELEASE_EVERY: usize = 8;

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
            // Kept until `finish`, a faulty row is marked, not yet gone: a
            // row with an error is listed for its errors alone.
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
            rows: memory::Gathered::default(),
            rows_read: 0,
            resident_named: ResidentNamed::default(),
            chunks_gathered: 0,
            mostly_faulty: MOSTLY_FAULTY,
        })
    }

    /// Parse and check one chunk of the raw frame (`ingest::load_chunks`).
    pub fn add(&mut self, raw_frame: DataFrame) -> Result<()> {
        self.rows_read += raw_frame.height();
        // One n-ary "any" rather than two dozen nested "or"s: polars works out
        // each nested node's type from the nodes under it again, so the
        // plan cost a chunk about 3 ms, more than the checks themselves.
        let has_error =
            dsl::any_horizontal(self.error_checks.iter().map(|c| c.when.clone()).collect::<Vec<_>>())?;
        let parsed = checks::parse(raw_frame.lazy(), self.config, &self.stock_types)
            .with_column(has_error.alias(HAS_ERROR))
            .collect()?;
        self.resident_named.extend(resident_named(&parsed)?);
        self.flagged.push(memory::compacted(parsed.clone().lazy().filter(col(HAS_ERROR)).collect()?)?);
        let mut rows = parsed.select(
            usable_columns()
                .chain([case::DESCRIPTION, HAS_ERROR])
                .map(String::from)
                .chain([case::OUTCOME, case::EXTENDED_DUE, case::STAGE].map(raw)),
        )?;
        drop(parsed);
        // The faulty rows are kept, marked, and dropped once in `finish` with
        // the duplicates: picking the usable rows here would copy every
        // column of every chunk one time more. A chunk that is mostly faulty
        // (a wrong date format, say) is filtered here, so a bad export does
        // not hold its faulty rows twice, here and in `flagged`.
        let faulty = rows.column(HAS_ERROR)?.bool()?.clone();
        if faulty.sum().unwrap_or(0) as usize * self.mostly_faulty > rows.height() {
            rows = rows.filter(&!&faulty)?;
        }
        drop(faulty);
        // Problems within a row are listed errors first, then the duplicate
        // check, the row warnings, and the stage 1 warning.
        // The row warnings skip faulty rows (gated in `Validator::new`).
        let warnings =
            issue_rows(&rows.clone().lazy(), &self.row_warnings, self.error_checks.len() + 1, col(case::REF));
        self.warned.push(concat(warnings, UnionArgs::default())?.collect()?);
        // Themes are inferred here, chunk by chunk, so the residents'
        // descriptions (the longest text, and read by nothing else) are never
        // held for the whole export.
        let rows = crate::themes::resolve(rows, &self.themes)?;
        let mut rows =
            rows.drop_many([case::DESCRIPTION.to_string(), raw(case::OUTCOME), raw(case::EXTENDED_DUE)]);
        for text in interned_in_parallel(&rows)? {
            rows.with_column(text)?;
        }
        self.rows.push(rows)?;
        self.chunks_gathered += 1;
        if self.chunks_gathered.is_multiple_of(RELEASE_EVERY) {
            memory::release_freed();
        }
        Ok(())
    }

    /// Judge duplicates and the stage 1 warning over all the usable rows
    /// (those without an error) and drop the rest;
    /// `file_names` name the files for the duplicate messages.
    pub fn finish(self, file_names: &[String]) -> Result<Validated> {
        let Validator {
            config,
            error_checks,
            row_warnings,
            themes,
            flagged,
            warned,
            rows,
            rows_read,
            resident_named,
            ..
        } = self;
        let duplicate_order = error_checks.len();
        let mut rows = rows.into_frame()?;
        let flagged = stack(flagged)?;
        // Duplicates are judged among rows that are otherwise usable, so a
        // faulty row never displaces a good one; the first occurrence is kept.
        let faulty = rows.column(HAS_ERROR)?.bool()?.clone();
        let found = duplicates::first_occurrences(&rows, &faulty)?;
        rows.with_column(found.without_stage_1.into_column())?;
        let mut duplicates = rows.filter(&found.is_duplicate)?;
        for (name, of) in [("first_row", ROW), ("first_file", FILE)] {
            duplicates
                .with_column(rows.column(of)?.take(&found.first_of_duplicates)?.with_name(name.into()))?;
        }
        let keep = !&(&found.is_duplicate | &faulty);
        drop(faulty);
        let cases = memory::filter_in_place(rows, &keep)?;

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
        let mut cases = cases.select(usable_columns().chain([THEME_SOURCE]))?;
        let screen = crate::screen::Screen::new(&config.customer_assembly.people_names);
        let allowed = crate::screen::Allowed::new(&config.customer_assembly.screen_allows);
        let held_themes =
            crate::themes::hold_back_personal(&mut cases, &themes, &screen, &resident_named, &allowed)?;
        let rows_excluded = rows_read - cases.height();
        let screening = crate::screen::Screening { screen, named: resident_named, held_themes, allowed };
        Ok(Validated { cases, issues, rows_read, rows_excluded, screening })
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::config::Division;

    /// Faulty rows among good ones (data rows numbered from 1): a faulty
    /// first row of a case and stage before a good one, a good row and its
    /// duplicate, a faulty stage 1 before a good stage 2, a row with a
    /// warning and a faulty row that would have one, and a row of the wrong
    /// shape.
    const EXPORT: &str = "\
case_ref,record_type,stage,received_date,acknowledged_date,responded_date,outcome
C1,complaint,1,31/02/2025,,,
C1,complaint,1,2025-03-03,2025-03-04,2025-03-20,upheld
C2,complaint,1,2025-03-05,2025-03-06,2025-03-25,not upheld
C2,complaint,1,2025-03-05,2025-03-06,2025-03-25,not upheld
C3,complaint,1,not a date,,,
C3,complaint,2,2025-04-01,2025-04-02,2025-04-20,upheld
C4,complaint,1,2025-04-07,,2025-04-25,upheld
C5,complaint,9,2025-04-07,,2025-04-25,upheld
C6,complaint,1,2025-04-08
";

    fn validated(mostly_faulty: usize) -> Validated {
        let config = Config::parse("landlord = \"Test\"").unwrap();
        let calendar = Calendar::embedded(Division::EnglandAndWales, &[]).unwrap();
        let as_of = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
        let (frame, _) =
            crate::ingest::load_bytes(Path::new("t.csv"), EXPORT.into(), &config.input, &CASES).unwrap();
        let frame = frame.lazy().with_column(lit(0u32).cast(DataType::UInt32).alias(FILE)).collect().unwrap();
        let mut validator = Validator::new(&config, &calendar, as_of).unwrap();
        validator.mostly_faulty = mostly_faulty;
        validator.add(frame).unwrap();
        validator.finish(&["t.csv".into()]).unwrap()
    }

    #[test]
    fn faulty_rows_dropped_as_checked_or_at_the_end_give_the_same_result() {
        // 0: never dropped as checked; 1 << 20: always, for any faulty row.
        let (kept, dropped) = (validated(0), validated(1 << 20));
        assert!(kept.cases.equals_missing(&dropped.cases));
        assert!(kept.issues.equals_missing(&dropped.issues));
        assert_eq!((kept.rows_read, kept.rows_excluded), (dropped.rows_read, dropped.rows_excluded));
        // The good C1 row is used, not taken as a repeat of the faulty one;
        // C2's second row is the duplicate; C3's stage 2 has no stage 1.
        let refs: Vec<&str> = kept.cases.column(case::REF).unwrap().str().unwrap().iter().flatten().collect();
        assert_eq!(refs, ["C1", "C2", "C3", "C4"]);
        assert_eq!((kept.rows_read, kept.rows_excluded), (9, 5));
        let problems: Vec<(u32, &str)> = kept
            .issues
            .column(ROW)
            .unwrap()
            .u32()
            .unwrap()
            .into_no_null_iter()
            .zip(kept.issues.column("problem").unwrap().str().unwrap().iter().map(Option::unwrap_or_default))
            .collect();
        let about =
            |row: u32| problems.iter().filter(|(r, _)| *r == row).map(|(_, p)| *p).collect::<Vec<_>>();
        assert!(about(4)[0].starts_with("duplicate of an earlier row for the same case and stage (row 3 of"));
        assert_eq!(about(6), ["stage 2 with no stage 1 row for the same case in the export"]);
        assert!(about(7)[0].starts_with("responded but no acknowledgement"), "{problems:?}");
        // C5's unknown stage excludes it, and its missing acknowledgement
        // is not listed as well.
        assert_eq!(about(8), ["unknown stage (expected 1 or 2)"]);
        assert!(about(9)[0].starts_with("has 4 fields where the header has 7"), "{problems:?}");
    }
}
