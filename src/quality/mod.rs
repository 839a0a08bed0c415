//! Data quality, in one place: the problems a row can have ([`issues`]), the
//! summary a run prints and publishes, and `data-quality.csv`. Validation,
//! the calendar stage and the linked exports find problems; the pipeline
//! summarises them; render publishes them. Nothing is dropped silently: every
//! excluded or warned row is one line of the CSV.

mod csv;
pub mod issues;

use polars::prelude::*;
use serde::Serialize;

use crate::error::Result;
use crate::schema::{FILE, ROW};

pub use self::csv::data_quality_csv;
pub use issues::{issue_rows, Check, IssueList, ERROR, WARNING};

#[derive(Debug, Clone, Serialize)]
pub struct ProblemCount {
    /// Which export the rows are of: "cases", "surveys" or "ombudsman".
    pub export: String,
    pub severity: String,
    pub column: String,
    pub problem: String,
    pub rows: usize,
}

/// How many rows of an export other than the cases were read and used.
#[derive(Debug, Clone, Serialize)]
pub struct ExportQuality {
    pub export: &'static str,
    pub rows_read: usize,
    pub rows_used: usize,
    pub rows_excluded: usize,
    pub rows_with_warnings: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct DataQuality {
    /// How many case exports the case rows were read from.
    pub case_exports: usize,
    pub rows_read: usize,
    pub rows_used: usize,
    pub rows_excluded: usize,
    pub rows_with_warnings: usize,
    pub problems: Vec<ProblemCount>,
    /// The survey and Ombudsman exports, when configured.
    pub other_exports: Vec<ExportQuality>,
    /// What a reader must know about how the rows were read, beside the
    /// counts: each export file without a column the config maps, which
    /// another file of its export has (without it in every file, the run
    /// stops).
    pub notes: Vec<String>,
}

impl DataQuality {
    /// The summary of the problems of every export (`issues`): each kind of
    /// problem with the rows it caught, errors first and then the most
    /// frequent; and of the case rows, read from the first `case_exports`
    /// files, how many were used, excluded and used with a warning. The
    /// survey and Ombudsman exports' own counts are [`ExportQuality`]'s.
    ///
    /// `exports` names the files in file-number order: each export with how
    /// many files of it were read (the case exports first).
    pub fn summarise(
        issues: &DataFrame,
        exports: &[(&'static str, usize)],
        rows_read: usize,
        rows_excluded: usize,
    ) -> Result<DataQuality> {
        let case_exports = exports.first().map_or(0, |(_, files)| *files);
        let counts = issues
            .clone()
            .lazy()
            .with_column(export_of_file(exports).alias("export"))
            .group_by([col("export"), col("severity"), col("column"), col("kind")])
            .agg([len().alias("rows")])
            .sort(
                ["export", "severity", "rows", "column", "kind"],
                SortMultipleOptions::default()
                    .with_order_descending_multi([false, false, true, false, false]),
            )
            .collect()?;
        let (export, severity, column, kind) = (
            counts.column("export")?.u32()?,
            counts.column("severity")?.str()?,
            counts.column("column")?.str()?,
            counts.column("kind")?.str()?,
        );
        let rows = counts.column("rows")?.cast(&DataType::UInt64)?;
        let rows = rows.u64()?;
        let text = |v: Option<&str>| v.unwrap_or("").to_string();
        let problems = (0..counts.height())
            .map(|i| ProblemCount {
                export: export
                    .get(i)
                    .and_then(|e| exports.get(e as usize))
                    .map_or("cases", |e| e.0)
                    .to_string(),
                severity: text(severity.get(i)),
                column: text(column.get(i)),
                problem: text(kind.get(i)),
                rows: rows.get(i).unwrap_or(0) as usize,
            })
            .collect();
        // A warned survey or Ombudsman row is not a case row used with a
        // warning: those exports count theirs apart.
        let case_issues = issues.clone().lazy().filter(col(FILE).lt(lit(case_exports as u32)));
        Ok(DataQuality {
            case_exports,
            rows_read,
            rows_used: rows_read - rows_excluded,
            rows_excluded,
            rows_with_warnings: rows_with_warnings(case_issues)?,
            problems,
            other_exports: Vec::new(),
            notes: Vec::new(),
        })
    }

    /// Whether a run read the named export other than the cases.
    pub fn read(&self, export: &str) -> bool {
        self.other_exports.iter().any(|e| e.export == export)
    }
}

/// Of a row's file number, its export's place in `exports` (in file order,
/// with how many files each).
fn export_of_file(exports: &[(&'static str, usize)]) -> Expr {
    let mut end = 0u32;
    let ends: Vec<u32> = exports
        .iter()
        .map(|(_, files)| {
            end += *files as u32;
            end
        })
        .collect();
    let last = lit(ends.len().saturating_sub(1) as u32);
    ends.iter()
        .enumerate()
        .rev()
        .skip(1)
        .fold(last, |later, (i, end)| when(col(FILE).lt(lit(*end))).then(lit(i as u32)).otherwise(later))
        // Literals take the type of the values they meet.
        .cast(DataType::UInt32)
}

/// Rows (by file and row) with at least one warning.
pub fn rows_with_warnings(issues: LazyFrame) -> Result<usize> {
    Ok(issues
        .filter(col("severity").eq(lit(WARNING)))
        .select([as_struct(vec![col(FILE), col(ROW)]).n_unique().alias("n")])
        .collect()?
        .column("n")?
        .cast(&DataType::UInt64)?
        .u64()?
        .get(0)
        .unwrap_or(0) as usize)
}
