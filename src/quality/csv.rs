//! `data-quality.csv`: one line per problem found, in file and row order.

use polars::prelude::*;

use crate::error::Result;
use crate::output;
use crate::schema::{FILE, ROW};

pub const HEADER: [&str; 7] = ["file", "row", "case_ref", "column", "value", "problem", "severity"];

/// The CSV of `issues` (see [`super::issues`]); `files` names each input by
/// its index, as the rows' `file_id` refers to it.
pub fn data_quality_csv(issues: &DataFrame, files: &[String]) -> Result<Vec<u8>> {
    let file = issues.column(FILE)?.u32()?;
    let row = issues.column(ROW)?.u32()?;
    let text = |name: &str| -> Result<&StringChunked> { Ok(issues.column(name)?.str()?) };
    let (case_ref, column, value, problem, severity) =
        (text("case_ref")?, text("column")?, text("value")?, text("problem")?, text("severity")?);
    let rows = (0..issues.height()).map(|i| {
        let cell = |c: &StringChunked| c.get(i).unwrap_or("").to_string();
        vec![
            file.get(i).and_then(|f| files.get(f as usize)).cloned().unwrap_or_default(),
            row.get(i).map(|r| r.to_string()).unwrap_or_default(),
            cell(case_ref),
            cell(column),
            cell(value),
            cell(problem),
            cell(severity),
        ]
    });
    output::csv_bytes(&HEADER, rows)
}
