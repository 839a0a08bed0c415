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
}

#[derive(Debug, Clone, Serialize)]
pub struct DataQuality {
    pub rows_read: usize,
    pub rows_used: usize,
    pub rows_excluded: usize,
    pub rows_with_warnings: usize,
    pub problems: Vec<ProblemCount>,
    /// The survey and Ombudsman exports, when configured.
    pub other_exports: Vec<ExportQuality>,
}

impl DataQuality {
    /// The summary of the case rows' problems: each kind of problem with
    /// the rows it caught, errors first and then the most frequent.
    pub fn summarise(issues: &DataFrame, rows_read: usize, rows_excluded: usize) -> Result<DataQuality> {
        let counts = issues
            .clone()
            .lazy()
            .group_by([col("severity"), col("column"), col("kind")])
            .agg([len().alias("rows")])
            .sort(
                ["severity", "rows", "column", "kind"],
                SortMultipleOptions::default().with_order_descending_multi([false, true, false, false]),
            )
            .collect()?;
        let (severity, column, kind) = (
            counts.column("severity")?.str()?,
            counts.column("column")?.str()?,
            counts.column("kind")?.str()?,
        );
        let rows = counts.column("rows")?.cast(&DataType::UInt64)?;
        let rows = rows.u64()?;
        let text = |v: Option<&str>| v.unwrap_or("").to_string();
        let problems = (0..counts.height())
            .map(|i| ProblemCount {
                severity: text(severity.get(i)),
                column: text(column.get(i)),
                problem: text(kind.get(i)),
                rows: rows.get(i).unwrap_or(0) as usize,
            })
            .collect();
        Ok(DataQuality {
            rows_read,
            rows_used: rows_read - rows_excluded,
            rows_excluded,
            rows_with_warnings: rows_with_warnings(issues)?,
            problems,
            other_exports: Vec::new(),
        })
    }

    /// Whether a run read the named export other than the cases.
    pub fn read(&self, export: &str) -> bool {
        self.other_exports.iter().any(|e| e.export == export)
    }
}

/// Rows (by file and row) with at least one warning.
fn rows_with_warnings(issues: &DataFrame) -> Result<usize> {
    Ok(issues
        .clone()
        .lazy()
        .filter(col("severity").eq(lit(WARNING)))
        .select([as_struct(vec![col(FILE), col(ROW)]).n_unique().alias("n")])
        .collect()?
        .column("n")?
        .cast(&DataType::UInt64)?
        .u64()?
        .get(0)
        .unwrap_or(0) as usize)
}
