//! Writing outputs. All of a run's files are rendered in memory first, so a
//! run that fails before writing leaves the previous outputs untouched. A
//! period's reports are written as one set: into a fresh folder beside the
//! period's, which then takes its place in one step ([`write_set`]), so a
//! run killed midway leaves the previous set or the new one, never a mix. A
//! single file is written to a temporary file and renamed into place.

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
        // Another user's lock file (cron's, 0644 under umask 022) in a
        // shared folder: a lock needs only a file to hold, not to write.
        .or_else(|e| match e.kind() {
            std::io::ErrorKind::PermissionDenied if path.is_file() => {
                std::fs::File::open(&path).map_err(|_| e)
            }
            _ => Err(e),
        })
        .map_err(|source| Error::Write { path: path.clone(), source })?;
    match file.try_lock() {
        // A set parked by a run killed between its two renames goes back
        // before anything else, whatever this run goes on to do (a run
        // that stops at an input error, `validate`): the period's reports
        // must not stay missing until a run gets as far as writing.
        Ok(()) => {
            put_back_parked(dir).map_err(|source| Error::Write { path: dir.to_path_buf(), source })?;
            Ok(OutputLock { _file: file })
        }
        Err(std::fs::TryLockError::WouldBlock) => Err(Error::Locked { path: dir.to_path_buf() }),
        Err(std::fs::TryLockError::Error(source)) => Err(Error::Write { path, source }),
    }
}

/// A rendered output file, not yet written.
pub struct Output {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Write `outputs` as the whole of `dir`, which the run owns (a period's
/// folder): they are written into a new folder beside it, which then
/// replaces it in one step, with what was there before removed. Linux
/// swaps the two folders in one call (`renameat2`'s exchange); elsewhere,
/// or on a filesystem without it, the old folder is parked under a name of
/// the run's and the new one moved in, two renames apart. A folder that
/// is not a set redress wrote is refused rather than replaced
/// ([`refuse_foreign`]). A symbolic link is followed:
/// the folder it points to is replaced in its own parent.
///
/// The caller holds the lock on the parent, so no other run writes beside
/// it: what a killed run left there (a folder being written, or an old set
/// parked by the two renames) is cleared first, a parked set put back if
/// the run was killed between the renames.
pub fn write_set(dir: &Path, outputs: &[Output]) -> Result<Vec<PathBuf>> {
    let write_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Write { path, source }
    };
    // A link's target is worked out from the link itself, so it is known
    // even while a killed run has it parked.
    let linked = std::fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink());
    let target = if linked {
        let to = std::fs::read_link(dir).map_err(write_err(dir))?;
        dir.parent().map_or(to.clone(), |from| from.join(&to))
    } else {
        dir.to_path_buf()
    };
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(write_err(&parent))?;
    let name = file_name(&target);
    let prefix = format!(".{name}.redress-");
    // Beside a linked folder, outside the locked OUT, only this folder's
    // own leftovers are touched.
    clear_left_behind(&parent, |period| !linked || period == name).map_err(write_err(&parent))?;
    let parked = parent.join(format!("{prefix}parked"));
    refuse_foreign(&target).map_err(write_err(dir))?;
    let staging = tempfile::Builder::new()
        .prefix(&prefix)
        .rand_bytes(STAGING_NAME_CHARS)
        .tempdir_in(&parent)
        .map_err(write_err(&parent))?;
    let mut written = Vec::with_capacity(outputs.len());
    for o in outputs {
        let path = staging.path().join(&o.name);
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder).map_err(write_err(folder))?;
        }
        let shown = dir.join(&o.name);
        let mut file = std::fs::File::create(&path).map_err(write_err(&shown))?;
        file.write_all(&o.bytes).and_then(|()| file.sync_all()).map_err(write_err(&shown))?;
        written.push(shown);
    }
    sync_folder(staging.path());
    // From here the folder is removed only once it has taken `dir`'s place
    // or been moved back out of it.
    let staging = staging.keep();
    replace_folder(&staging, &target, &parked).inspect_err(|_| {
        let _ = std::fs::remove_dir_all(&staging);
    })?;
    sync_folder(&parent);
    // The old set, now where the new one was written.
    let _ = std::fs::remove_dir_all(&staging);
    Ok(written)
}

/// The characters tempfile adds to a staging folder's name, by which
/// [`clear_left_behind`] knows one a killed run left.
const STAGING_NAME_CHARS: usize = 6;

/// An error unless `dir` is absent, empty, a set redress wrote (with its
/// `run.json`), or nothing but the `data-quality.csv` a refused run of an
/// older version left: a run must not remove a folder of someone else's
/// that happens to be named like a period.
fn refuse_foreign(dir: &Path) -> std::io::Result<()> {
    let mut entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
            return Err(std::io::Error::new(e.kind(), "not a folder"));
        }
        Err(e) => return Err(e),
    };
    let first = entries.next().transpose()?;
    let only_entry = first.is_some() && entries.next().is_none();
    let refused_run = only_entry && first.as_ref().is_some_and(|e| e.file_name() == "data-quality.csv");
    if first.is_none() || refused_run || dir.join("run.json").is_file() {
        return Ok(());
    }
    Err(std::io::Error::other(
        "the folder holds files redress did not write (it has no run.json), and a run replaces its period's folder whole: move them, or give another --out",
    ))
}

/// Flush a folder's entries to disk, where the system allows it (a folder
/// cannot be opened as a file everywhere).
fn sync_folder(dir: &Path) {
    if let Ok(folder) = std::fs::File::open(dir) {
        let _ = folder.sync_all();
    }
}

/// Put the folder `new` in the place of `dir` (absent, or a folder
/// [`refuse_foreign`] passed), leaving the old folder, if any, at `new`'s
/// path.
fn replace_folder(new: &Path, dir: &Path, parked: &Path) -> Result<()> {
    let err = |source| Error::Write { path: dir.to_path_buf(), source };
    match std::fs::symlink_metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return std::fs::rename(new, dir).map_err(err),
        Err(e) => return Err(err(e)),
        Ok(_) => {}
    }
    if exchange(new, dir).is_ok() {
        return Ok(());
    }
    swap_by_renames(new, dir, parked).map_err(err)
}

/// [`exchange`] where the system cannot: the old folder parked at
/// `parked`, the new one moved in, and the old one moved to where the new
/// one was. Killed between the first two renames, the next run puts the
/// parked set back before it starts.
fn swap_by_renames(new: &Path, dir: &Path, parked: &Path) -> std::io::Result<()> {
    std::fs::rename(dir, parked)?;
    if let Err(e) = std::fs::rename(new, dir) {
        let _ = std::fs::rename(parked, dir);
        return Err(e);
    }
    std::fs::rename(parked, new)
}

/// Swap two folders in one step (Linux, on filesystems that support it).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| std::ffi::CString::new(p.as_os_str().as_bytes()).map_err(std::io::Error::other);
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both are NUL-terminated paths that live across the call.
    let done = unsafe {
        libc::renameat2(libc::AT_FDCWD, a.as_ptr(), libc::AT_FDCWD, b.as_ptr(), libc::RENAME_EXCHANGE)
    };
    if done == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// What runs killed while writing a set left in `parent`, for the periods
/// `mine` picks: a folder being written (`.<period>.redress-` and the six
/// characters tempfile adds) is removed; an old set parked by the
/// two-rename swap (`.<period>.redress-parked`) is put back where its
/// period's folder is missing, and removed where the swap got that far.
fn clear_left_behind(parent: &Path, mine: impl Fn(&str) -> bool) -> std::io::Result<()> {
    let Ok(entries) = std::fs::read_dir(parent) else { return Ok(()) };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some((period, suffix)) =
            file_name.strip_prefix('.').and_then(|rest| rest.rsplit_once(".redress-"))
        else {
            continue;
        };
        if period.is_empty() || !mine(period) || !entry.path().is_dir() {
            continue;
        }
        let home = parent.join(period);
        if suffix == "parked" {
            if std::fs::symlink_metadata(&home).is_err() {
                std::fs::rename(entry.path(), &home)?;
            } else {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        } else if suffix.len() == STAGING_NAME_CHARS && suffix.bytes().all(|b| b.is_ascii_alphanumeric()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
    Ok(())
}

/// Put back each set in `out` that a run killed between its two renames
/// left parked where its period's folder is missing: only a folder of that
/// name holding a `run.json`, redress's own, and nothing is removed (a
/// writing run clears the rest, [`clear_left_behind`]).
fn put_back_parked(out: &Path) -> std::io::Result<()> {
    let Ok(entries) = std::fs::read_dir(out) else { return Ok(()) };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(period) = file_name.strip_prefix('.').and_then(|rest| rest.strip_suffix(".redress-parked"))
        else {
            continue;
        };
        let home = out.join(period);
        // Folders only, not links to them: a link is no set redress parked.
        let real = |path: &Path, dir: bool| {
            std::fs::symlink_metadata(path).is_ok_and(|m| if dir { m.is_dir() } else { m.is_file() })
        };
        if !period.is_empty()
            && real(&entry.path(), true)
            && real(&entry.path().join("run.json"), false)
            && std::fs::symlink_metadata(&home).is_err()
        {
            std::fs::rename(entry.path(), &home)?;
        }
    }
    Ok(())
}

/// Remove the files in `parent` whose names `left` picks: what a run
/// killed while writing one file left behind.
fn remove_left_behind(parent: &Path, left: impl Fn(&str) -> bool) {
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    for entry in entries.flatten() {
        if left(&entry.file_name().to_string_lossy()) {
            let path = entry.path();
            let _ = if path.is_dir() { std::fs::remove_dir_all(&path) } else { std::fs::remove_file(&path) };
        }
    }
}

/// Write files atomically into `dir` (created if needed), each on its own.
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
    let prefix = format!(".{}.redress-", file_name(path));
    // This file's own leftovers, and those of versions that named them
    // `.redress-*.tmp`.
    remove_left_behind(dir, |n| {
        n.starts_with(&prefix) || (n.starts_with(".redress-") && n.ends_with(".tmp"))
    });
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // Readable as any new file is (0666 less the umask), not only by its
    // owner: a web server may publish what cron wrote.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = builder.tempfile_in(dir).map_err(err)?;
    tmp.write_all(bytes).map_err(err)?;
    tmp.as_file().sync_all().map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(path.to_path_buf())
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
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

    /// Taking the lock puts back a set a killed run left parked, before the
    /// run reads anything: a run that then stops at an input error must not
    /// leave the period's reports missing. It moves nothing else and removes
    /// nothing: not a parked set whose period is there, not a folder without
    /// a run.json, not a half-written folder (the writing run's to clear).
    #[test]
    fn the_lock_puts_a_parked_set_back_and_touches_nothing_else() {
        let out = tempfile::tempdir().unwrap();
        let folder = |name: &str, run_json: bool| {
            let path = out.path().join(name);
            std::fs::create_dir_all(&path).unwrap();
            std::fs::write(path.join(if run_json { "run.json" } else { "notes.txt" }), name).unwrap();
        };
        folder(".2025-26.redress-parked", true);
        folder(".2024-25.redress-parked", true);
        folder("2024-25", true);
        folder(".notes.redress-parked", false);
        folder(".drafts.redress-abc123", false);
        let _lock = lock(out.path()).unwrap();
        let mut left: Vec<_> = std::fs::read_dir(out.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        let expected = [
            ".2024-25.redress-parked",
            ".drafts.redress-abc123",
            ".notes.redress-parked",
            ".redress.lock",
            "2024-25",
            "2025-26",
        ];
        assert_eq!(left, expected);
        assert_eq!(
            std::fs::read_to_string(out.path().join("2025-26/run.json")).unwrap(),
            ".2025-26.redress-parked"
        );
    }

    /// Both ways of swapping leave the new set in place and the old one
    /// where the new one was written.
    #[test]
    fn a_set_takes_the_place_of_the_old_one_either_way() {
        let root = tempfile::tempdir().unwrap();
        let (dir, new) = (root.path().join("2025-26"), root.path().join(".2025-26.redress-x"));
        let parked = root.path().join(".2025-26.redress-parked");
        let by_renames = |a: &Path, b: &Path| swap_by_renames(a, b, &parked);
        type Swap<'a> = &'a dyn Fn(&Path, &Path) -> std::io::Result<()>;
        let mut swaps: Vec<Swap> = vec![&by_renames];
        if cfg!(target_os = "linux") {
            swaps.push(&exchange);
        }
        for swap in swaps {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join("old.csv"), "old").unwrap();
            std::fs::create_dir_all(&new).unwrap();
            std::fs::write(new.join("new.csv"), "new").unwrap();
            swap(&new, &dir).unwrap();
            assert_eq!(std::fs::read_to_string(dir.join("new.csv")).unwrap(), "new");
            assert!(!dir.join("old.csv").exists() && !parked.exists());
            assert_eq!(std::fs::read_to_string(new.join("old.csv")).unwrap(), "old");
            std::fs::remove_dir_all(&new).unwrap();
            std::fs::remove_dir_all(&dir).unwrap();
        }
        // A set parked by a run killed between the two renames (this
        // period's and another's), a folder a killed run was writing, and a
        // file of the user's: the parked sets go back where their folders
        // are missing, the half-written folder goes, the file stays.
        std::fs::create_dir_all(&parked).unwrap();
        std::fs::write(parked.join("run.json"), "{}").unwrap();
        let other = root.path().join(".2024-25-Q3.redress-parked");
        std::fs::create_dir_all(&other).unwrap();
        std::fs::write(other.join("run.json"), "{\"q3\": 1}").unwrap();
        std::fs::create_dir_all(root.path().join(".2024-25-Q4.redress-abc123")).unwrap();
        std::fs::write(root.path().join(".notes.redress-mine"), "ours").unwrap();
        let written = write_set(&dir, &[Output { name: "a/b.csv".into(), bytes: b"x".to_vec() }]).unwrap();
        assert_eq!(written, [dir.join("a/b.csv")]);
        let mut left: Vec<_> = std::fs::read_dir(root.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, [".notes.redress-mine", "2024-25-Q3", "2025-26"]);
        assert_eq!(std::fs::read_to_string(root.path().join("2024-25-Q3/run.json")).unwrap(), "{\"q3\": 1}");
        assert!(!dir.join("run.json").exists(), "the parked set was replaced by the new one");
    }

    /// A folder named like a period that redress did not write is refused,
    /// untouched (a data-quality.csv beside other files does not make it
    /// redress's); one behind a symbolic link is replaced where it is, and
    /// put back from where a killed run parked it.
    #[test]
    fn a_folder_redress_did_not_write_is_never_replaced() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("2025-26");
        std::fs::create_dir_all(dir.join("minutes")).unwrap();
        std::fs::write(dir.join("notes.txt"), "ours").unwrap();
        std::fs::write(dir.join("data-quality.csv"), "ours too").unwrap();
        let set = [Output { name: "run.json".into(), bytes: b"{}".to_vec() }];
        let message = format!("{:#}", anyhow::Error::from(write_set(&dir, &set).unwrap_err()));
        assert!(message.contains("holds files redress did not write"), "{message}");
        assert_eq!(std::fs::read_to_string(dir.join("notes.txt")).unwrap(), "ours");
        assert!(dir.join("minutes").is_dir());
        // Nothing but a refused run's list: replaced.
        let refused = root.path().join("2024-25");
        std::fs::create_dir_all(&refused).unwrap();
        std::fs::write(refused.join("data-quality.csv"), "file,row").unwrap();
        write_set(&refused, &set).unwrap();
        assert!(refused.join("run.json").is_file() && !refused.join("data-quality.csv").exists());
        #[cfg(unix)]
        {
            let (real, link) = (root.path().join("real"), root.path().join("linked"));
            std::fs::create_dir_all(real.join("2025-26")).unwrap();
            std::os::unix::fs::symlink(real.join("2025-26"), &link).unwrap();
            write_set(&link, &set).unwrap();
            assert!(real.join("2025-26/run.json").is_file());
            assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
            std::fs::rename(real.join("2025-26"), real.join(".2025-26.redress-parked")).unwrap();
            write_set(&link, &set).unwrap();
            assert!(
                real.join("2025-26/run.json").is_file() && !real.join(".2025-26.redress-parked").exists()
            );
        }
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
