//! Stage 1, load: read every export (CSV or Excel workbook) into frames of
//! text columns named canonically, one row per export row, each value
//! tidied (trimmed, a blank no value: [`tidy`]).
//!
//! Input quirks are handled here and nowhere else: byte-order marks, encodings,
//! the landlord's own column headers, delimiters, workbook sheets. Only the
//! canonical columns ([`crate::schema`]) are read; everything else in the
//! export (names, addresses, emails, notes) is dropped at the door and never
//! reaches a later stage, let alone an output. A name column mapped as
//! `resident_name` is replaced at the door by whether the row's learning
//! action and theme name the resident (`headers`).

mod csv;
mod headers;
mod scan;
mod tidy;
mod workbook;

pub use headers::header_key;

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use serde::Serialize;

use crate::config::InputConfig;
use crate::error::{Error, Result};
use crate::schema::{ExportSchema, FIELDS_EXPECTED, FIELDS_FOUND, FILE, HOUSEHOLD, RESIDENT_NAMED, ROW};

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
    /// Canonical columns `[input.columns]` maps that this file lacks (an
    /// error when every file of the export lacks one: `check_mapped`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unmatched_columns: Vec<String>,
    /// Canonical columns not read because the header of their own name is
    /// mapped to another column (`learning_theme = "Category"` leaves
    /// `category` unread): the run's notes say so.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub shadowed_columns: Vec<Shadowed>,
    /// A dropped header that looks like the resident's name, while no
    /// column is mapped to `resident_name`: the run's notes suggest it.
    #[serde(skip)]
    pub unmapped_name: Option<String>,
    /// The header row as read, for messages only.
    #[serde(skip)]
    pub headers: Vec<String>,
    /// For a published reference file rather than an export (the
    /// Regulator's TSM releases): what it is. `rows` then counts its
    /// landlords.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publication: Option<Publication>,
    /// The checksum while it is still being taken apart from the parse
    /// ([`settle_checksums`] puts it in `sha256`).
    #[serde(skip)]
    pub checksum: Option<crate::digest::Pending>,
}

/// A canonical column left unread: the header of its own name feeds another.
#[derive(Debug, Clone, Serialize)]
pub struct Shadowed {
    pub column: String,
    pub header: String,
    pub mapped_to: String,
}

/// Wait for the checksums still being taken ([`crate::digest::Pending`])
/// and record them. A file that changed while it was hashed is an input
/// error, as one that changed while it was parsed is.
pub fn settle_checksums(files: &mut [InputFile]) -> Result<()> {
    for file in files {
        if let Some(pending) = file.checksum.take() {
            file.sha256 = pending.wait().map_err(|why| Error::input(&file.path, why))?;
        }
    }
    Ok(())
}

/// A published file read beside the exports.
#[derive(Debug, Clone, Serialize)]
pub struct Publication {
    pub title: String,
    /// The financial year it covers.
    pub year: String,
    /// The sheets read.
    pub sheets: Vec<String>,
}

pub struct Loaded {
    /// Text columns: `file_id`, `row`, then every canonical column (null where
    /// the export lacks it).
    pub frame: DataFrame,
    pub files: Vec<InputFile>,
}

/// How much of a CSV export is parsed at a time. Each chunk is read, parsed
/// and handed on before the next is read, so memory follows the chunk and
/// the typed rows kept, not the size of the file.
pub const CHUNK_BYTES: usize = 32 << 20;

/// Whether the exports' checksums are taken: run.json records them; data
/// quality alone does not, and reading each file a second time to hash it
/// would be wasted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checksums {
    Taken,
    Skipped,
}

/// Read the exports of one schema chunk by chunk, handing each chunk's frame
/// (`file_id`, `row`, field counts, then the canonical columns) to `each` in
/// file and row order. `first_file_id` numbers the files after those of
/// exports already read, so every data-quality row names its file.
pub fn load_chunks(
    paths: &[PathBuf],
    input: &InputConfig,
    schema: &ExportSchema,
    first_file_id: usize,
    checksums: Checksums,
    chunk_bytes: usize,
    mut each: impl FnMut(DataFrame) -> Result<()>,
) -> Result<Vec<InputFile>> {
    let mut files = Vec::with_capacity(paths.len());
    for (n, path) in paths.iter().enumerate() {
        let file_id = (first_file_id + n) as u32;
        let source =
            std::fs::File::open(path).map_err(|e| Error::input(path, format!("cannot read: {e}")))?;
        let reading = Reading { path, input, schema, chunk_bytes };
        let file =
            read_file(reading, source, checksums, &mut |frame| each(numbered(frame, file_id, schema)?))?;
        files.push(file);
    }
    headers::check_mapped(&files, input)?;
    Ok(files)
}

/// Read and concatenate the exports of one schema in one frame.
pub fn load(
    paths: &[PathBuf],
    input: &InputConfig,
    schema: &ExportSchema,
    first_file_id: usize,
    checksums: Checksums,
) -> Result<Loaded> {
    let mut frames = Vec::new();
    let files = load_chunks(paths, input, schema, first_file_id, checksums, CHUNK_BYTES, |frame| {
        frames.push(frame.lazy());
        Ok(())
    })?;
    let frame = if frames.is_empty() {
        empty_frame(schema)
    } else {
        concat(frames, UnionArgs { rechunk: true, ..Default::default() })?.collect()?
    };
    Ok(Loaded { frame, files })
}

/// A chunk with its file's number, columns in the loaded order: put
/// together directly, not by a plan, on the reader's thread (see
/// `headers::canonical_frame`).
fn numbered(frame: DataFrame, file_id: u32, schema: &ExportSchema) -> Result<DataFrame> {
    let file = Column::new_scalar(
        FILE.into(),
        Scalar::new(DataType::UInt32, AnyValue::UInt32(file_id)),
        frame.height(),
    );
    let mut numbered =
        frame.select([ROW, FIELDS_FOUND, FIELDS_EXPECTED].into_iter().chain(schema.loaded_columns()))?;
    numbered.insert_column(0, file)?;
    Ok(numbered)
}

/// The frame of a schema with no rows, for an export that is not configured.
pub(super) fn empty_frame(schema: &ExportSchema) -> DataFrame {
    let mut columns = vec![
        Column::new_empty(FILE.into(), &DataType::UInt32),
        Column::new_empty(ROW.into(), &DataType::UInt32),
        Column::new_empty(FIELDS_FOUND.into(), &DataType::UInt32),
        Column::new_empty(FIELDS_EXPECTED.into(), &DataType::UInt32),
    ];
    columns.extend(schema.loaded_columns().map(|c| {
        let dtype = match c {
            HOUSEHOLD => DataType::UInt64,
            c if RESIDENT_NAMED.contains(&c) => DataType::Boolean,
            _ => DataType::String,
        };
        Column::new_empty(c.into(), &dtype)
    }));
    DataFrame::new_infer_height(columns).expect("columns of one length")
}

/// Read one export already in memory; `path` names it (and its extension
/// says whether it is a workbook). The fuzz tests enter here.
pub fn load_bytes(
    path: &Path,
    bytes: Vec<u8>,
    input: &InputConfig,
    schema: &ExportSchema,
) -> Result<(DataFrame, InputFile)> {
    let mut frames = Vec::new();
    let reading = Reading { path, input, schema, chunk_bytes: CHUNK_BYTES };
    let file = read_source(reading, Cursor::new(bytes), Checksum::AsRead, &mut |frame| {
        frames.push(frame);
        Ok(())
    })?;
    headers::check_mapped(std::slice::from_ref(&file), input)?;
    let mut frames = frames.into_iter();
    let mut frame = frames.next().unwrap_or_else(|| empty_frame(schema).drop_many([FILE]));
    for more in frames {
        frame.vstack_mut_owned(more)?;
    }
    Ok((frame, file))
}

fn is_workbook(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()).map(|e| e.to_ascii_lowercase()).as_deref(),
        Some("xlsx" | "xlsm" | "xlsb" | "xls" | "ods")
    )
}

/// What is being read: the file (named in every message), the reader
/// options, the shape of the export, and how much of a CSV to parse at once.
#[derive(Clone, Copy)]
pub(super) struct Reading<'a> {
    pub path: &'a Path,
    pub input: &'a InputConfig,
    pub schema: &'a ExportSchema,
    pub chunk_bytes: usize,
}

/// Whether the parse takes an export's checksum: [`read_file`] takes a
/// regular file's apart; anything else is taken as it is read.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Checksum {
    /// Taken of the bytes as the parse reads them.
    AsRead,
    /// Taken apart from the parse ([`crate::digest::Pending`]), or not at
    /// all ([`Checksums::Skipped`]): the parse takes none.
    Apart,
}

/// Read one export, CSV chunk by chunk or a workbook whole, with its
/// checksum and row count for run.json.
pub(super) fn read_source(
    reading: Reading,
    mut source: impl std::io::Read,
    checksum: Checksum,
    each: &mut dyn FnMut(DataFrame) -> Result<()>,
) -> Result<InputFile> {
    let path = reading.path;
    if is_workbook(path) {
        let mut bytes = Vec::new();
        source.read_to_end(&mut bytes).map_err(|e| Error::input(path, format!("cannot read: {e}")))?;
        let (frame, mut file) = workbook::read_workbook(reading, &bytes)?;
        if checksum == Checksum::AsRead {
            file.sha256 = crate::digest::sha256_hex(&bytes);
        }
        file.rows = frame.height();
        each(frame)?;
        return Ok(file);
    }
    csv::read_csv(reading, source, checksum, each)
}

/// [`read_source`] of a file, refused if the file is seen to change while
/// it is read (an export still being written, or rewritten by another
/// program): its figures would be those of no export. The file's length and
/// time of change are taken from the open handle before and after, and the
/// change is the error reported even when the read failed, as a file caught
/// mid-write usually makes it fail (a record cut short, a character cut in
/// two). Only a regular file is stamped: a pipe's time moves as it is
/// written to. A regular file's checksum is taken apart from the parse
/// ([`crate::digest::Pending`]), which stamps it again once hashed.
fn read_file(
    reading: Reading,
    file: std::fs::File,
    checksums: Checksums,
    each: &mut dyn FnMut(DataFrame) -> Result<()>,
) -> Result<InputFile> {
    let before = crate::digest::stamp(&file);
    let apart = match checksums {
        Checksums::Taken => before.and_then(|_| crate::digest::Pending::start(&file, before).ok()),
        Checksums::Skipped => None,
    };
    // Only a checksum wanted but not taken apart is taken by the parse.
    let checksum =
        if checksums == Checksums::Taken && apart.is_none() { Checksum::AsRead } else { Checksum::Apart };
    let read = read_source(reading, &file, checksum, each);
    if crate::digest::stamp(&file) != before {
        return Err(Error::input(reading.path, crate::digest::CHANGED));
    }
    read.map(|file| InputFile { checksum: apart, ..file })
}

#[cfg(test)]
mod tests {
    use std::io::{Seek, Write};

    use super::*;
    use crate::schema::CASES;

    /// Read `bytes` from a file a few bytes a chunk, with `change` made to
    /// the file as the first chunk is handed on.
    fn read_while(bytes: &[u8], change: impl Fn(&mut std::fs::File)) -> Result<InputFile> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cases.csv");
        std::fs::write(&path, bytes).unwrap();
        let input = InputConfig::default();
        let reading = Reading { path: &path, input: &input, schema: &CASES, chunk_bytes: 16 };
        let mut writer = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        let mut changed = false;
        read_file(reading, std::fs::File::open(&path).unwrap(), Checksums::Taken, &mut |_| {
            if !std::mem::replace(&mut changed, true) {
                change(&mut writer);
            }
            Ok(())
        })
    }

    #[test]
    fn a_checksum_is_taken_only_where_it_is_wanted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cases.csv");
        let bytes = b"case_ref,received_date,stage\nA,01/04/2025,1\nB,02/04/2025,1\n";
        std::fs::write(&path, bytes).unwrap();
        let input = InputConfig::default();
        let read = |checksums| {
            let reading = Reading { path: &path, input: &input, schema: &CASES, chunk_bytes: 16 };
            read_file(reading, std::fs::File::open(&path).unwrap(), checksums, &mut |_| Ok(())).unwrap()
        };
        let skipped = read(Checksums::Skipped);
        assert!(skipped.checksum.is_none() && skipped.sha256.is_empty());
        assert_eq!(skipped.rows, 2);
        let taken = read(Checksums::Taken);
        assert_eq!(taken.checksum.expect("taken apart").wait(), Ok(crate::digest::sha256_hex(bytes)));
    }

    #[test]
    fn an_export_that_changes_while_it_is_read_is_an_input_error() {
        let bytes = b"case_ref,received_date,stage\nA,01/04/2025,1\nB,02/04/2025,1\nC,03/04/2025,1\n";
        assert_eq!(read_while(bytes, |_| ()).unwrap().rows, 3);
        let appended = read_while(bytes, |f| {
            f.seek(std::io::SeekFrom::End(0)).unwrap();
            f.write_all(b"D,04/04/2025,1\n").unwrap();
        });
        // Rewritten in place, the same length: seen by its time of change
        // (set here, as a filesystem may keep times too coarse to move).
        let rewritten = read_while(bytes, |f| {
            f.write_all(b"X").unwrap();
            f.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(60)).unwrap();
        });
        // Cut short mid-read: refused, whatever the rows read before the cut.
        let cut = read_while(bytes, |f| f.set_len(40).unwrap());
        for read in [appended, rewritten, cut] {
            let message = read.unwrap_err().to_string();
            assert!(message.contains("cases.csv: changed while it was read"), "{message}");
        }
    }
}
