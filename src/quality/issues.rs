//! The problems a row can have, as data-quality rows: `file_id`, `row`,
//! `case_ref`, `column`, `value`, `problem`, `severity`, `kind` (the problem
//! in general terms, for the summary). An `error` excludes the row from every
//! figure; a `warning` leaves it in.

use polars::prelude::*;

use crate::error::Result;
use crate::schema::{case, FILE, ROW};

pub const ERROR: &str = "error";
pub const WARNING: &str = "warning";

/// One rule a row can break, as expressions over the row's columns.
pub struct Check {
    pub column: &'static str,
    pub severity: &'static str,
    /// The problem in general terms, for the run summary.
    pub kind: String,
    /// The problem as written for this row (may name other rows or dates).
    pub problem: Expr,
    pub when: Expr,
    pub value: Expr,
}

impl Check {
    pub fn new(
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

/// The data-quality rows of the rows each check catches: one frame per check,
/// plus a `check` column giving the order of problems within a row.
pub fn issue_rows(lf: &LazyFrame, checks: &[Check], order_offset: usize, case_ref: Expr) -> Vec<LazyFrame> {
    checks
        .iter()
        .enumerate()
        .map(|(i, c)| {
            lf.clone().filter(c.when.clone()).select([
                col(FILE),
                col(ROW),
                case_ref.clone().fill_null(lit("")).alias(case::REF),
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

/// Data-quality rows found by checks written in Rust, for the small exports
/// (surveys, Ombudsman) whose rules need a look at the case rows.
#[derive(Default)]
pub struct IssueList {
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
    pub fn push(
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

    pub fn errors(&self) -> usize {
        self.errors
    }

    pub fn frame(self) -> Result<DataFrame> {
        Ok(DataFrame::new_infer_height(vec![
            Column::new(FILE.into(), self.file),
            Column::new(ROW.into(), self.row),
            Column::new(case::REF.into(), self.case_ref),
            Column::new("column".into(), self.column),
            Column::new("value".into(), self.value),
            Column::new("problem".into(), self.problem),
            Column::new("severity".into(), self.severity),
            Column::new("kind".into(), self.kind),
        ])?)
    }
}
