//! Stage 1, load: read every case export (CSV or Excel workbook) into one frame
//! of text columns named canonically, one row per export row.
//!
//! Input quirks are handled here and nowhere else: byte-order marks, encodings,
//! the landlord's own column headers, delimiters, workbook sheets. Only the
//! canonical columns are read; everything else in the export (names,
//! addresses, emails, notes) is dropped at the door and never reaches a later
//! stage, let alone an output.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use polars::prelude::*;
use serde::Serialize;

use crate::config::{Encoding, InputConfig};
use crate::error::{Error, Result};

/// The canonical columns of a case export (domain.md section 7), in order,
/// then two optional ones: `household_ref` (a tenancy, customer or property
/// reference, replaced by a keyed hash as it is read, see [`HOUSEHOLD`]) and
/// `description` (the complaint in the resident's words, read only to infer
/// a theme and never written anywhere).
pub const CANONICAL_COLUMNS: [&str; 18] = [
    "case_ref",
    "record_type",
    "stage",
    "received_date",
    "acknowledged_date",
    "extended_due_date",
    "responded_date",
    "outcome",
    "refusal_reason",
    "service_area",
    "category",
    "channel",
    "stock_type",
    "compensation",
    "learning_theme",
    "learning_action",
    "household_ref",
    "description",
];

/// Columns without which no row can be used.
pub const REQUIRED_COLUMNS: [&str; 3] = ["case_ref", "received_date", "stage"];

/// The column that replaces `household_ref`: a 64-bit keyed hash (SipHash
/// with a key drawn at random for each run and never stored), so households
/// can be compared within a run while no output can be traced back to the
/// reference, nor linked across runs.
pub const HOUSEHOLD: &str = "household";

/// The shape of one kind of export: its canonical columns and those it cannot
/// do without. Every export is read by the same code, so an export's quirks
/// (BOM, encoding, headers, workbooks) are handled once.
#[derive(Debug, Clone, Copy)]
pub struct ExportSchema {
    /// What the export is, for messages ("case export").
    pub name: &'static str,
    pub columns: &'static [&'static str],
    pub required: &'static [&'static str],
}

impl ExportSchema {
    /// The canonical columns as loaded: `household_ref` arrives hashed, as
    /// [`HOUSEHOLD`].
    pub fn loaded_columns(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.columns.iter().map(|c| if *c == "household_ref" { HOUSEHOLD } else { *c })
    }
}

pub const CASES: ExportSchema =
    ExportSchema { name: "case export", columns: &CANONICAL_COLUMNS, required: &REQUIRED_COLUMNS };

/// A post-complaint satisfaction survey export (domain.md section 7). `stage`
/// is optional: without it a survey belongs to the latest stage answered by
/// its date.
pub const SURVEYS: ExportSchema = ExportSchema {
    name: "survey export",
    columns: &["case_ref", "survey_date", "score", "stage"],
    required: &["case_ref", "survey_date", "score"],
};

/// A Housing Ombudsman determinations export (domain.md section 6): one row
/// per finding.
pub const DETERMINATIONS: ExportSchema = ExportSchema {
    name: "Ombudsman export",
    columns: &["case_ref", "determination_date", "finding", "orders", "compensation_ordered"],
    required: &["case_ref", "determination_date", "finding"],
};

/// Which source file a row came from (index into `Loaded::files`) and its
/// 1-based data row within that file (row 1 is the first row under the header).
pub const FILE_COLUMN: &str = "file_id";
pub const ROW_COLUMN: &str = "row";
/// For a CSV row whose field count differs from the header's: how many fields
/// it has, and how many the header has (null for well-formed rows). Such a row
/// cannot be trusted column by column (an unquoted comma shifts every value
/// after it), so validation excludes it without reading its values.
pub const FIELDS_FOUND: &str = "fields_found";
pub const FIELDS_EXPECTED: &str = "fields_expected";

/// What was read from one export, for the run manifest.
#[derive(Debug, Clone, Serialize)]
pub struct InputFile {
    pub path: PathBuf,
    pub format: &'static str,
    pub sha256: String,
    pub rows: usize,
    /// canonical column -> the export's header
    pub columns: BTreeMap<String, String>,
    /// Headers present in the export but not read (their values never are).
    pub dropped_columns: Vec<String>,
}

pub struct Loaded {
    /// Text columns: `file_id`, `row`, then every canonical column (null where
    /// the export lacks it).
    pub frame: DataFrame,
    pub files: Vec<InputFile>,
}

/// Read and concatenate the exports of one schema. `first_file_id` numbers
/// the files after those of exports already read, so every data-quality row
/// names its file.
pub fn load(
    paths: &[PathBuf],
    input: &InputConfig,
    schema: &ExportSchema,
    first_file_id: usize,
) -> Result<Loaded> {
    let mut frames = Vec::with_capacity(paths.len());
    let mut files = Vec::with_capacity(paths.len());
    for (file_id, path) in paths.iter().enumerate() {
        let (frame, file) = load_one(path, input, schema)?;
        let file_id = (first_file_id + file_id) as u32;
        let frame = frame.lazy().with_column(lit(file_id).cast(DataType::UInt32).alias(FILE_COLUMN)).select(
            std::iter::once(col(FILE_COLUMN))
                .chain([col(ROW_COLUMN), col(FIELDS_FOUND), col(FIELDS_EXPECTED)])
                .chain(schema.loaded_columns().map(col))
                .collect::<Vec<_>>(),
        );
        frames.push(frame);
        files.push(file);
    }
    let frame = if frames.is_empty() {
        empty_frame(schema)
    } else {
        concat(frames, UnionArgs::default())?.collect()?
    };
    Ok(Loaded { frame, files })
}

/// The frame of a schema with no rows, for an export that is not configured.
fn empty_frame(schema: &ExportSchema) -> DataFrame {
    let mut columns = vec![
        Column::new_empty(FILE_COLUMN.into(), &DataType::UInt32),
        Column::new_empty(ROW_COLUMN.into(), &DataType::UInt32),
        Column::new_empty(FIELDS_FOUND.into(), &DataType::UInt32),
        Column::new_empty(FIELDS_EXPECTED.into(), &DataType::UInt32),
    ];
    columns.extend(schema.loaded_columns().map(|c| {
        let dtype = if c == HOUSEHOLD { DataType::UInt64 } else { DataType::String };
        Column::new_empty(c.into(), &dtype)
    }));
    DataFrame::new_infer_height(columns).expect("columns of one length")
}

fn load_one(path: &Path, input: &InputConfig, schema: &ExportSchema) -> Result<(DataFrame, InputFile)> {
    let bytes = std::fs::read(path).map_err(|e| Error::input(path, format!("cannot read: {e}")))?;
    load_bytes(path, bytes, input, schema)
}

/// Read one export already in memory; `path` names it (and its extension
/// says whether it is a workbook). The fuzz tests enter here.
pub fn load_bytes(
    path: &Path,
    bytes: Vec<u8>,
    input: &InputConfig,
    schema: &ExportSchema,
) -> Result<(DataFrame, InputFile)> {
    let is_workbook = matches!(
        path.extension().and_then(|e| e.to_str()).map(|e| e.to_ascii_lowercase()).as_deref(),
        Some("xlsx" | "xlsm" | "xlsb" | "xls" | "ods")
    );
    // The checksum for run.json is taken on another thread while the file is
    // parsed: it reads the same bytes and costs a fifth of a second per 300 MB.
    let (sha256, read) = std::thread::scope(|scope| {
        let hash = scope.spawn(|| crate::output::sha256_hex(&bytes));
        let read = if is_workbook {
            read_workbook(path, &bytes, input, schema)
        } else {
            read_csv(path, &bytes, input, schema)
        };
        (hash.join().expect("hashing does not panic"), read)
    });
    let (frame, mut file) = read?;
    file.sha256 = sha256;
    file.rows = frame.height();
    Ok((frame, file))
}

/// How a header is compared: case, spacing and punctuation do not matter, so
/// "Case Ref", "case_ref" and "CASE-REF" are the same header.
fn header_key(header: &str) -> String {
    header.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// Decide which export column feeds each canonical column.
fn map_headers(
    path: &Path,
    headers: &[String],
    input: &InputConfig,
    schema: &ExportSchema,
) -> Result<(Vec<(usize, &'static str)>, InputFile)> {
    let wanted: Vec<(&'static str, String)> = schema
        .columns
        .iter()
        .map(|c| (*c, header_key(input.columns.get(*c).map(String::as_str).unwrap_or(c))))
        .collect();
    let mut chosen: Vec<(usize, &'static str)> = Vec::new();
    let mut columns = BTreeMap::new();
    let mut dropped = Vec::new();
    for (i, header) in headers.iter().enumerate() {
        let key = header_key(header);
        match wanted.iter().find(|(_, w)| !key.is_empty() && *w == key) {
            Some((canonical, _)) => {
                if let Some((j, _)) = chosen.iter().find(|(_, c)| c == canonical) {
                    return Err(Error::input(
                        path,
                        format!(
                            "columns {} (\"{}\") and {} (\"{header}\") both map to {canonical}; remove or rename one",
                            j + 1,
                            headers[*j],
                            i + 1
                        ),
                    ));
                }
                chosen.push((i, canonical));
                columns.insert(canonical.to_string(), header.clone());
            }
            None => dropped.push(header.clone()),
        }
    }
    let missing: Vec<String> = schema
        .required
        .iter()
        .filter(|r| !chosen.iter().any(|(_, c)| c == *r))
        .map(|r| match input.columns.get(*r) {
            Some(h) => format!("{r} (mapped from \"{h}\")"),
            None => r.to_string(),
        })
        .collect();
    if !missing.is_empty() {
        let mut message = format!("missing required column(s): {} of a {}", missing.join(", "), schema.name);
        if headers.len() == 1 {
            if let Some(d) = [';', '\t', '|'].into_iter().find(|d| headers[0].contains(*d)) {
                message.push_str(&format!(
                    "; the header has a single column containing '{}': set input.delimiter = \"{}\"",
                    d.escape_default(),
                    d.escape_default()
                ));
            }
        } else {
            message.push_str(&format!("; the header has: {}", headers.join(", ")));
        }
        return Err(Error::input(path, message));
    }
    let file = InputFile {
        path: path.to_path_buf(),
        format: "",
        sha256: String::new(),
        rows: 0,
        columns,
        dropped_columns: dropped,
    };
    Ok((chosen, file))
}

/// Turn the raw bytes of a CSV export into UTF-8 without a byte-order mark.
fn decode<'a>(path: &Path, bytes: &'a [u8], encoding: Encoding) -> Result<std::borrow::Cow<'a, [u8]>> {
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Error::input(path, "is UTF-16 encoded; save the export as UTF-8 CSV"));
    }
    match encoding {
        Encoding::Windows1252 => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            Ok(std::borrow::Cow::Owned(text.into_owned().into_bytes()))
        }
        Encoding::Utf8 => match std::str::from_utf8(bytes) {
            Ok(_) => Ok(std::borrow::Cow::Borrowed(bytes)),
            Err(e) => {
                let at = e.valid_up_to();
                let line = bytes[..at].iter().filter(|b| **b == b'\n').count() + 1;
                Err(Error::input(
                    path,
                    format!(
                        "is not valid UTF-8 (byte 0x{:02X} at line {line}); if it was saved as Windows-1252 (\"ANSI\"), set input.encoding = \"windows-1252\"",
                        bytes[at]
                    ),
                ))
            }
        },
    }
}

fn read_csv(
    path: &Path,
    bytes: &[u8],
    input: &InputConfig,
    schema: &ExportSchema,
) -> Result<(DataFrame, InputFile)> {
    let bytes = decode(path, bytes, input.encoding)?;
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::input(path, "is empty: expected a header row and case rows"));
    }
    let delimiter = u8::try_from(input.delimiter).map_err(|_| {
        Error::input(path, format!("delimiter '{}' is not a single-byte character", input.delimiter))
    })?;
    let headers = read_header(path, &bytes, delimiter)?;
    let (chosen, mut file) = map_headers(path, &headers, input, schema)?;
    file.format = "csv";
    let projection: Vec<usize> = chosen.iter().map(|(i, _)| *i).collect();
    // Every column is read as text: parsing (dates, amounts, spellings) belongs
    // to validation, which can report each failure by row and column.
    let text_schema: Schema = headers
        .iter()
        .enumerate()
        .map(|(i, _)| Field::new(format!("c{i}").into(), DataType::String))
        .collect();
    let ragged = ragged_rows(&bytes, delimiter, headers.len());
    let frame = CsvReadOptions::default()
        .with_has_header(true)
        .with_schema(Some(Arc::new(text_schema)))
        .with_projection(Some(Arc::new(projection)))
        .with_row_index(Some(RowIndex { name: ROW_COLUMN.into(), offset: 1 }))
        .map_parse_options(|o| {
            o.with_separator(delimiter)
                .with_quote_char(Some(b'"'))
                .with_missing_is_null(true)
                .with_truncate_ragged_lines(true)
        })
        .into_reader_with_file_handle(Cursor::new(&bytes))
        .finish()
        .map_err(|e| Error::input(path, csv_problem(&bytes, &e.to_string())))?;
    if frame.height() != ragged.records {
        return Err(Error::input(
            path,
            format!(
                "reading gave {} rows where the file has {} records; check its quoting",
                frame.height(),
                ragged.records
            ),
        ));
    }
    Ok((canonical_frame(frame, &chosen, &ragged.rows, headers.len() as u32, schema)?, file))
}

struct Ragged {
    /// (1-based data row, fields found) for rows whose field count differs
    /// from the header's.
    rows: Vec<(u32, u32)>,
    records: usize,
}

/// One pass over the records counting fields, to find rows that do not have
/// as many fields as the header (the fast reader pads or truncates them).
fn ragged_rows(bytes: &[u8], delimiter: u8, expected: usize) -> Ragged {
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).has_headers(true).flexible(true).from_reader(bytes);
    let mut record = csv::ByteRecord::new();
    let (mut rows, mut records) = (Vec::new(), 0usize);
    while let Ok(true) = reader.read_byte_record(&mut record) {
        records += 1;
        if record.len() != expected {
            rows.push((records as u32, record.len() as u32));
        }
    }
    Ragged { rows, records }
}

/// Say where a CSV the parser refused goes wrong, without quoting its
/// contents (they may be personal data).
fn csv_problem(bytes: &[u8], parser_message: &str) -> String {
    // Doubled quotes toggle twice, so they never leave the state changed; a
    // file that ends inside quotes has a field that was never closed.
    let (mut line, mut open_at, mut quoted) = (1usize, 0usize, false);
    for &b in bytes {
        match b {
            b'"' => {
                quoted = !quoted;
                if quoted {
                    open_at = line;
                }
            }
            b'\n' => line += 1,
            _ => {}
        }
    }
    if quoted {
        return format!(
            "is not valid CSV: the quoted field starting on line {open_at} is never closed (a missing closing quote, or a quote inside a field that is not doubled)"
        );
    }
    let near = parser_message
        .split("current offset in the file is ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .map(|n| format!(" near byte {n}"))
        .unwrap_or_default();
    format!("is not valid CSV{near}: check its quoting and delimiter")
}

/// The header row, parsed with the same quoting rules as the body.
fn read_header(path: &Path, bytes: &[u8], delimiter: u8) -> Result<Vec<String>> {
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(bytes);
    let mut record = csv::StringRecord::new();
    match reader.read_record(&mut record) {
        Ok(true) => Ok(record.iter().map(|h| h.trim().to_string()).collect()),
        Ok(false) => Err(Error::input(path, "is empty: expected a header row and case rows")),
        Err(e) => Err(Error::input(path, format!("cannot read the header row: {e}"))),
    }
}

/// Rename the read columns to canonical names and add the canonical columns
/// the export lacks, as nulls.
fn canonical_frame(
    frame: DataFrame,
    chosen: &[(usize, &'static str)],
    ragged: &[(u32, u32)],
    expected: u32,
    schema: &ExportSchema,
) -> Result<DataFrame> {
    let read: Vec<String> = frame
        .get_column_names()
        .into_iter()
        .map(|s| s.as_str())
        .filter(|n| *n != ROW_COLUMN)
        .map(str::to_string)
        .collect::<Vec<_>>();
    let height = frame.height();
    let mut found: Vec<Option<u32>> = vec![None; height];
    for &(row, fields) in ragged {
        if let Some(slot) = found.get_mut(row as usize - 1) {
            *slot = Some(fields);
        }
    }
    let frame = frame
        .lazy()
        .with_column(lit(Series::new(FIELDS_FOUND.into(), found)).alias(FIELDS_FOUND))
        .with_column(
            when(col(FIELDS_FOUND).is_not_null())
                .then(lit(expected).cast(DataType::UInt32))
                .otherwise(lit(NULL).cast(DataType::UInt32))
                .alias(FIELDS_EXPECTED),
        )
        .collect()?;
    let mut exprs = vec![col(ROW_COLUMN).cast(DataType::UInt32), col(FIELDS_FOUND), col(FIELDS_EXPECTED)];
    for &canonical in schema.columns {
        let expr = match chosen.iter().position(|(_, c)| *c == canonical) {
            Some(k) => col(read[k].as_str()),
            None => lit(NULL).cast(DataType::String),
        };
        exprs.push(expr.alias(canonical));
    }
    let mut frame = frame.lazy().select(exprs).collect()?;
    if schema.columns.contains(&"household_ref") {
        hash_households(&mut frame)?;
    }
    Ok(frame)
}

fn read_workbook(
    path: &Path,
    bytes: &[u8],
    input: &InputConfig,
    schema: &ExportSchema,
) -> Result<(DataFrame, InputFile)> {
    use calamine::{Data, Reader};
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
            columns[k].push(row.get(*i).and_then(cell_text));
        }
    }
    let mut series: Vec<Column> = vec![Column::new(ROW_COLUMN.into(), row_numbers)];
    for (k, values) in columns.into_iter().enumerate() {
        series.push(Column::new(format!("c{k}").into(), values));
    }
    let frame = DataFrame::new_infer_height(series)?;
    Ok((canonical_frame(frame, &chosen, &[], headers.len() as u32, schema)?, file))
}

/// The key of the household hash: one per process, drawn at random, never
/// written anywhere, so a hash means nothing outside the run that made it.
fn household_hasher() -> &'static std::collections::hash_map::RandomState {
    static KEY: std::sync::OnceLock<std::collections::hash_map::RandomState> = std::sync::OnceLock::new();
    KEY.get_or_init(std::collections::hash_map::RandomState::new)
}

/// Replace `household_ref` by its keyed hash ([`HOUSEHOLD`]): the raw value
/// goes no further than this function. References are compared trimmed and
/// without regard to case, so "t-1001 " and "T-1001" are one household (ASCII case only).
fn hash_households(frame: &mut DataFrame) -> Result<()> {
    use std::hash::{BuildHasher, Hasher};
    let key = household_hasher();
    let refs = frame.column("household_ref")?.str()?;
    let hashed: UInt64Chunked = refs
        .iter()
        .map(|r| {
            let r = r?.trim();
            (!r.is_empty()).then(|| {
                let mut h = key.build_hasher();
                r.bytes().for_each(|b| h.write_u8(b.to_ascii_lowercase()));
                h.finish()
            })
        })
        .collect();
    let hashed = hashed.with_name(HOUSEHOLD.into()).into_column();
    frame.replace("household_ref", hashed.clone())?;
    frame.rename("household_ref", HOUSEHOLD.into())?;
    Ok(())
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
