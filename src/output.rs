//! Writing outputs. Every file is written to a temporary file in the same
//! folder and renamed into place, so a run killed midway never leaves a
//! half-written file; all of a run's files are rendered in memory first, so a
//! run that fails before writing leaves the previous outputs untouched.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Held while a run writes into an output directory, so two runs (say, a
/// cron job and an analyst) never interleave their files. Released on drop.
pub struct OutputLock {
    _file: std::fs::File,
}

pub const LOCK_FILE: &str = ".redress.lock";

pub fn lock(dir: &Path) -> Result<OutputLock> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Write { path: dir.to_path_buf(), source })?;
    let path = dir.join(LOCK_FILE);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|source| Error::Write { path: path.clone(), source })?;
    match file.try_lock() {
        Ok(()) => Ok(OutputLock { _file: file }),
        Err(std::fs::TryLockError::WouldBlock) => Err(Error::Locked { path: dir.to_path_buf() }),
        Err(std::fs::TryLockError::Error(source)) => Err(Error::Write { path, source }),
    }
}

/// A rendered output file, not yet written.
pub struct Output {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Write files atomically into `dir` (created if needed).
pub fn write_all(dir: &Path, outputs: &[Output]) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Write { path: dir.to_path_buf(), source })?;
    outputs
        .iter()
        .map(|o| {
            let path = dir.join(&o.name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|source| Error::Write { path: parent.to_path_buf(), source })?;
            }
            write_atomic(&path, &o.bytes)
        })
        .collect()
}

pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<PathBuf> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let err = |source| Error::Write { path: path.to_path_buf(), source };
    let mut tmp =
        tempfile::Builder::new().prefix(".redress-").suffix(".tmp").tempfile_in(dir).map_err(err)?;
    tmp.write_all(bytes).map_err(err)?;
    tmp.as_file().sync_all().map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(path.to_path_buf())
}

/// Pretty JSON with a final newline, as every JSON output is written.
pub fn json_bytes(value: &impl serde::Serialize, name: &str) -> Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(value)
        .map_err(|e| Error::Render { what: name.to_string(), message: e.to_string() })?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// A CSV cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`,
/// tab, carriage return) is prefixed with an apostrophe so it stays text.
pub fn csv_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

/// Render rows as CSV with a header, every text cell made formula-safe.
pub fn csv_bytes<I, R>(header: &[&str], rows: I) -> Result<Vec<u8>>
where
    I: IntoIterator<Item = R>,
    R: IntoIterator<Item = String>,
{
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    let io = |e: csv::Error| Error::Write { path: PathBuf::from("<csv>"), source: std::io::Error::other(e) };
    w.write_record(header).map_err(io)?;
    for row in rows {
        let cells: Vec<String> = row.into_iter().map(|c| csv_safe(&c).into_owned()).collect();
        w.write_record(&cells).map_err(io)?;
    }
    w.into_inner().map_err(|e| Error::Write { path: PathBuf::from("<csv>"), source: e.into_error() })
}

/// A number as published: no trailing ".0" on whole numbers.
pub fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

/// A number to a fixed number of decimal places.
pub fn fixed(value: f64, places: usize) -> String {
    format!("{value:.places$}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_defused() {
        let bytes =
            csv_bytes(&["a", "b"], vec![vec!["=HYPERLINK(\"x\")".to_string(), "-50".to_string()]]).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(text, "a,b\r\n\"'=HYPERLINK(\"\"x\"\")\",'-50\r\n");
    }

    #[test]
    fn a_second_lock_on_the_same_directory_is_refused_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let first = lock(dir.path()).unwrap();
        assert!(matches!(lock(dir.path()), Err(Error::Locked { .. })));
        drop(first);
        assert!(lock(dir.path()).is_ok());
    }

    #[test]
    fn atomic_write_replaces_the_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.csv");
        write_atomic(&path, b"old contents that are longer").unwrap();
        write_atomic(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }
}
