//! Workbook exports (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`): the named
//! sheet, or the first, read whole; cells become the text a CSV would hold.

use std::io::Cursor;

use polars::prelude::*;

use super::headers::{canonical_frame, map_headers};
use super::tidy;
use super::{InputFile, Reading};
use crate::error::{Error, Result};
use crate::schema::ROW;

pub(super) fn read_workbook(reading: Reading, bytes: &[u8]) -> Result<(DataFrame, InputFile)> {
    use calamine::{Data, Reader};
    let Reading { path, input, schema, .. } = reading;
    let mut workbook = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| Error::input(path, format!("cannot be read as a workbook: {e}")))?;
    let sheet_names = workbook.sheet_names();
    let sheet = match &input.sheet {
        Some(name) => sheet_names.iter().find(|s| *s == name).cloned().ok_or_else(|| {
            Error::input(path, format!("has no sheet \"{name}\"; its sheets are: {}", sheet_names.join(", ")))
        })?,
        None => sheet_names.first().cloned().ok_or_else(|| Error::input(path, "has no sheets"))?,
    };
    let range = workbook
        .worksheet_range(&sheet)
        .map_err(|e| Error::input(path, format!("cannot read sheet \"{sheet}\": {e}")))?;
    let mut rows = range.rows();
    let headers: Vec<String> = rows
        .next()
        .ok_or_else(|| {
            Error::input(path, format!("sheet \"{sheet}\" is empty: expected a header row and case rows"))
        })?
        .iter()
        .map(|c| cell_text(c).unwrap_or_default().trim().to_string())
        .collect();
    let (chosen, mut file) = map_headers(path, &headers, input, schema)?;
    file.format = "xlsx";
    let mut columns: Vec<Vec<Option<String>>> = vec![Vec::new(); chosen.len()];
    let mut row_numbers: Vec<u32> = Vec::new();
    for (n, row) in rows.enumerate() {
        if row.iter().all(|c| matches!(c, Data::Empty)) {
            continue;
        }
        row_numbers.push(n as u32 + 1);
        for (k, (i, _)) in chosen.iter().enumerate() {
            let text = row.get(*i).and_then(cell_text);
            columns[k].push(text.as_deref().and_then(tidy::value).map(String::from));
        }
    }
    let mut series: Vec<Column> = vec![Column::new(ROW.into(), row_numbers)];
    for (k, values) in columns.into_iter().enumerate() {
        series.push(Column::new(format!("c{k}").into(), values));
    }
    let frame = DataFrame::new_infer_height(series)?;
    Ok((canonical_frame(frame, &chosen, &[], headers.len() as u32, schema)?, file))
}

/// A workbook cell as the text a CSV export would hold. Dates become ISO
/// dates; whole numbers lose their ".0".
fn cell_text(cell: &calamine::Data) -> Option<String> {
    use calamine::Data;
    match cell {
        Data::Empty => None,
        Data::String(s) => Some(s.clone()),
        Data::Int(i) => Some(i.to_string()),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Some(format!("{}", *f as i64)),
        Data::Float(f) => Some(f.to_string()),
        Data::Bool(b) => Some(b.to_string()),
        Data::DateTime(dt) => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            Some(format!("{y:04}-{m:02}-{d:02}"))
        }
        Data::DateTimeIso(s) => Some(s.chars().take(10).collect()),
        Data::DurationIso(s) => Some(s.clone()),
        Data::Error(e) => Some(format!("#{e:?}")),
    }
}
