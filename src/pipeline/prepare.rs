//! The front half of every run: load and validate the exports, apply the
//! timescales and the working-day calendar, flag repeat complainants, and
//! check and link the survey and Ombudsman exports to their cases.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use polars::prelude::*;

use super::{ms, rounded, Timings};
use crate::config::InputConfig;
use crate::error::{Error, Result};
use crate::ingest::{self, InputFile, Publication};
use crate::linked;
use crate::memory;
use crate::plan::Plan;
use crate::quality::DataQuality;
use crate::schema::{self, FILE, ROW};
use crate::sector::Release;
use crate::timescales;
use crate::validate;

/// Everything the stages before metrics produce.
pub struct Prepared {
    /// The exports, in file-number order (data-quality rows name them).
    pub inputs: Vec<InputFile>,
    /// The Regulator's TSM releases of `[benchmarks]`, in the order given.
    pub releases: Vec<Release>,
    pub cases: DataFrame,
    /// Surveys linked to their complaint stage (empty without a survey export).
    pub surveys: DataFrame,
    /// Ombudsman findings linked to their case (empty without an export).
    pub determinations: DataFrame,
    /// An Ombudsman export has a category column: without one, every
    /// finding's category is "Not recorded" and none is about complaint
    /// handling, which the reports must say rather than show as none.
    pub ombudsman_categories: bool,
    pub issues: DataFrame,
    pub quality: DataQuality,
    /// What the screen found as the rows were checked, for the reports
    /// that quote.
    pub screening: crate::screen::Screening,
    pub timings: Timings,
}

impl Prepared {
    /// Take the row frames out, so a run can let them go once every figure
    /// is made: rendering reads only the figures, and a big export's frames
    /// are most of its memory.
    pub fn take_frames(&mut self) -> Frames {
        Frames {
            cases: std::mem::take(&mut self.cases),
            surveys: std::mem::take(&mut self.surveys),
            determinations: std::mem::take(&mut self.determinations),
        }
    }

    /// `data-quality.csv`, naming each input by its path.
    pub fn quality_csv(&self) -> Result<Vec<u8>> {
        let names: Vec<String> = self.inputs.iter().map(|f| f.path.display().to_string()).collect();
        crate::quality::data_quality_csv(&self.issues, &names)
    }
}

/// The rows a run counts (see [`Prepared::take_frames`]).
pub struct Frames {
    pub cases: DataFrame,
    pub surveys: DataFrame,
    pub determinations: DataFrame,
}

impl Frames {
    pub fn sources(&self) -> crate::metrics::Sources<'_> {
        crate::metrics::Sources {
            cases: &self.cases,
            surveys: &self.surveys,
            determinations: &self.determinations,
        }
    }
}

/// Load, validate and schedule: the shared front half of `run` and `validate`.
pub fn prepare(plan: &Plan, progress: &dyn Fn(&str)) -> Result<Prepared> {
    let files = (plan.period.is_some(), plan.benchmark_files.as_slice());
    // Parsing a release costs the same whatever the size of the exports
    // (some 60 ms each), so it runs beside the rest of the front half rather
    // than before it. An export's error is reported first, as when the
    // releases did not exist.
    let (prepared, releases) =
        crate::parallel::both(|| exports(plan, progress), move || read_releases(files));
    let prepared = prepared?;
    Ok(Prepared { releases: releases?, ..prepared })
}

fn exports(plan: &Plan, progress: &dyn Fn(&str)) -> Result<Prepared> {
    let started = Instant::now();
    let mut timings = Timings::default();
    let config = &plan.loaded.config;

    progress(&format!("reading and validating {} export(s)", plan.case_files.len()));
    let mut validator = validate::Validator::new(config, &plan.calendar, plan.as_of)?;
    // A run records each input's checksum in run.json; data quality alone
    // (no period) records none.
    let checksums = if plan.period.is_some() { ingest::Checksums::Taken } else { ingest::Checksums::Skipped };
    let survey_input = config.surveys.input(&config.input);
    let finding_input = config.ombudsman.input(&config.input);
    // The survey and Ombudsman exports are read once the case exports are,
    // while the checks finish the last chunk, which would leave the reading
    // thread idle. Their file numbers follow the case exports'.
    let linked_exports = |case_files: usize| -> Result<_> {
        let started = Instant::now();
        let surveys =
            ingest::load(&plan.survey_files, &survey_input, &schema::SURVEYS, case_files, checksums)?;
        let findings = ingest::load(
            &plan.determination_files,
            &finding_input,
            &schema::DETERMINATIONS,
            case_files + surveys.files.len(),
            checksums,
        )?;
        Ok((surveys, findings, started.elapsed()))
    };
    let (mut files, busy, linked) = read_and_check(
        &plan.case_files,
        &config.input,
        ingest::CHUNK_BYTES,
        checksums,
        &mut |chunk| validator.add(chunk),
        linked_exports,
    )?;
    let (mut surveys, findings, linked_reading) = linked?;
    files.append(&mut surveys.files);
    let ombudsman_categories =
        findings.files.iter().any(|f| f.columns.contains_key(schema::determination::CATEGORY));
    files.extend(findings.files);
    // Reading and checking row by row overlap; each stage is timed by the
    // time its own thread was busy, so the two may add up to more than the
    // time taken.
    let validating_ms = busy.checking.as_secs_f64() * 1000.0;
    timings.read_ms = rounded((busy.reading + linked_reading).as_secs_f64() * 1000.0);

    let t = Instant::now();
    let names: Vec<String> = files.iter().map(|f| f.path.display().to_string()).collect();
    let validated = validator.finish(&names)?;
    // What reading and checking freed is handed back, where there is enough
    // of it (a big run); not after the steps below, each of which frees
    // about as much as the next one takes (see `release_freed`).
    memory::release_freed();
    timings.validate_ms = rounded(ms(t) + validating_ms);

    let t = Instant::now();
    progress("applying timescales and the working-day calendar");
    let timescales::Scheduled { cases: scheduled, warnings: schedule_warnings, excluded: beyond_calendar } =
        timescales::schedule(validated.cases, &config.timescales, &plan.calendar, plan.as_of)?;
    timings.calendar_ms = ms(t);

    // Repeats and the linked exports are counted with the metrics. The
    // survey and Ombudsman exports are linked to the rows the schedule kept
    // on a second core while the repeats are flagged: one after the other,
    // the two left that core idle for about a third of their time. (Linked
    // beside the schedule as well, a 10M-row run's peak rose 210 MiB.)
    let t = Instant::now();
    let (cases, links) = crate::parallel::both(
        || crate::repeats::flag(scheduled.clone(), &config.repeats),
        || -> Result<_> {
            let surveys = linked::surveys(surveys.frame, &scheduled, &survey_input, plan.as_of)?;
            let determinations =
                linked::determinations(findings.frame, &scheduled, &finding_input, plan.as_of)?;
            Ok((surveys, determinations))
        },
    );
    let (cases, (surveys, determinations)) = (cases?, links?);
    timings.metrics_ms = ms(t);

    let mut other_exports = Vec::new();
    if !plan.survey_files.is_empty() {
        other_exports.push(surveys.quality.clone());
    }
    if !plan.determination_files.is_empty() {
        other_exports.push(determinations.quality.clone());
    }
    let issue_frames = vec![
        validated.issues.lazy(),
        schedule_warnings.lazy(),
        surveys.issues.lazy(),
        determinations.issues.lazy(),
    ];
    let issues = concat(issue_frames, UnionArgs::default())?
        .sort([FILE, ROW], SortMultipleOptions::default().with_maintain_order(true))
        .collect()?;
    let mut quality = DataQuality::summarise(
        &issues,
        &[
            ("cases", plan.case_files.len()),
            ("surveys", plan.survey_files.len()),
            ("ombudsman", plan.determination_files.len()),
        ],
        validated.rows_read,
        validated.rows_excluded + beyond_calendar,
    )?;
    quality.other_exports = other_exports;
    quality.notes = notes(&files);
    if let Some(held) = &validated.screening.held_themes {
        quality.notes.push(held_themes_note(held));
    }
    timings.total_ms = ms(started);
    Ok(Prepared {
        inputs: files,
        releases: Vec::new(),
        cases,
        surveys: surveys.rows,
        determinations: determinations.rows,
        ombudsman_categories,
        issues,
        quality,
        screening: validated.screening,
        timings,
    })
}

/// What the run says about how its exports' columns were read, beside the
/// problems in their rows: a mapped column one file lacks, a column left
/// unread as its header feeds another, a resident's name left unmapped.
fn notes(files: &[InputFile]) -> Vec<String> {
    let mut notes = Vec::new();
    for f in files {
        let path = f.path.display();
        if !f.unmatched_columns.is_empty() {
            notes.push(format!(
                "{path} has no column for {}, which the config maps and another file of its export has: its rows are read without it",
                f.unmatched_columns.join(", ")
            ));
        }
        for s in &f.shadowed_columns {
            let (header, mapped_to, column) = (&s.header, &s.mapped_to, &s.column);
            notes.push(format!(
                "{path}: its header \"{header}\" is mapped to {mapped_to}, so {column} is not read; if the export has a header of its own for {column}, map it in the config"
            ));
        }
        if let Some(header) = &f.unmapped_name {
            notes.push(format!(
                "{path} has a column \"{header}\" that looks like the resident's name: mapping it (resident_name = \"{header}\" in [input.columns]) lets the screen hold back a learning action that names its own resident by a first name alone"
            ));
        }
    }
    notes
}

/// What the data-quality notes say of the recorded themes held back as
/// personal data: how many, on how many rows, why, what they are shown as
/// and a case of each; never their names, which the analyst finds in the
/// export by the case.
fn held_themes_note(held: &crate::themes::HeldThemes) -> String {
    let why = crate::screen::Reason::listed(&held.reasons());
    let each: Vec<String> =
        held.themes.iter().map(|t| format!("\"{}\" (case {})", t.shown_as, t.case_ref)).collect();
    format!(
        "{} recorded learning theme(s), on {} usable row(s) of every period, held back from every output as their names may hold personal data ({}), each shown under a name of its own: {}",
        held.themes.len(),
        crate::format::count(held.rows as f64),
        why,
        each.join(", ")
    )
}

/// How long each thread of [`read_and_check`] was busy: the reader not
/// counting the time it waited for the checks to take a chunk.
struct Busy {
    reading: Duration,
    checking: Duration,
}

/// Read the case exports chunk by chunk while the chunk before is checked on
/// a second thread: the reader's parse and the checks each leave a core idle
/// much of the time. One chunk waits at most (a rendezvous channel), so
/// memory holds one chunk more than reading and checking in turn. Once the
/// last chunk is read, `then(files read)` runs on the reading thread while
/// the checks finish, so what it makes is held beside the last chunk's
/// checks; what it gives back is returned as it is, unless reading or
/// checking failed, whose error is returned in its place. After a reading
/// error it does not run; checks that fail on the last chunk are reported
/// once it is done. The first error in file order is the one
/// reported: a checking error comes from a chunk read before any the
/// reader failed on. One order differs from reading and checking in turn:
/// an export seen to change while it was read (`ingest::read_file`) is
/// reported after a checking error, not in place of it.
fn read_and_check<T>(
    paths: &[PathBuf],
    input: &InputConfig,
    chunk_bytes: usize,
    checksums: ingest::Checksums,
    check: &mut (dyn FnMut(DataFrame) -> Result<()> + Send),
    then: impl FnOnce(usize) -> T,
) -> Result<(Vec<InputFile>, Busy, T)> {
    std::thread::scope(|scope| {
        let (send, receive) = std::sync::mpsc::sync_channel::<DataFrame>(0);
        let checking = scope.spawn(move || -> Result<Duration> {
            let mut busy = Duration::ZERO;
            for chunk in receive {
                let t = Instant::now();
                check(chunk)?;
                busy += t.elapsed();
            }
            Ok(busy)
        });
        let (mut waited, started) = (Duration::ZERO, Instant::now());
        let read = ingest::load_chunks(paths, input, &schema::CASES, 0, checksums, chunk_bytes, |chunk| {
            let t = Instant::now();
            // A closed channel means the checks stopped on an error,
            // which is the one reported below.
            let sent = send.send(chunk);
            waited += t.elapsed();
            sent.map_err(|_| Error::Usage("checking stopped".into()))
        });
        drop(send);
        let reading = started.elapsed().saturating_sub(waited);
        // After a reading error `then` is skipped, as that error (or the
        // checks') is the one reported; the checks stop once the channel is
        // closed.
        let after = read.as_ref().ok().map(|files| then(files.len()));
        let checked = checking.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        let checking = checked?;
        let read = read?;
        let after = after.expect("run once the files were read");
        Ok((read, Busy { reading, checking }, after))
    })
}

/// The releases of a run (`for_run`) compared with, each read once.
/// `validate` reads none: data quality does not depend on them. Two releases
/// of one year would make the choice between them a guess, so that is an
/// input error.
fn read_releases((for_run, paths): (bool, &[PathBuf])) -> Result<Vec<Release>> {
    if !for_run {
        return Ok(Vec::new());
    }
    // Each release is read on a thread of its own: for a small export the
    // releases, not the export, decide when the figures can start.
    let read = crate::parallel::each(paths, |path| Release::read(path));
    let mut releases: Vec<Release> = Vec::with_capacity(paths.len());
    for (path, release) in paths.iter().zip(read) {
        let release = release?;
        if let Some(same) = releases.iter().find(|r| r.year == release.year) {
            return Err(Error::input(
                path,
                format!(
                    "covers {}, as {} does: give one release per year in [benchmarks] tsm_files",
                    release.year,
                    same.source.display()
                ),
            ));
        }
        releases.push(release);
    }
    Ok(releases)
}

/// A release as `run.json` lists it among the inputs.
pub fn release_input(release: &Release) -> InputFile {
    InputFile {
        path: release.source.clone(),
        format: "xlsx",
        sha256: release.sha256.clone(),
        rows: release.landlords.len(),
        columns: Default::default(),
        dropped_columns: Vec::new(),
        unmatched_columns: Vec::new(),
        shadowed_columns: Vec::new(),
        unmapped_name: None,
        headers: Vec::new(),
        publication: Some(Publication {
            title: "Regulator of Social Housing: Tenant Satisfaction Measures, full data".into(),
            year: release.year.to_string(),
            sheets: release.sheets.iter().map(|s| s.name.clone()).collect(),
        }),
        checksum: None,
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::config::Config;

    /// A case export of 40 rows (lines 2 to 41), with a byte that is not
    /// UTF-8 on line `broken`, if given.
    fn export(dir: &Path, broken: Option<usize>) -> PathBuf {
        let mut bytes = b"case_ref,record_type,stage,received_date\n".to_vec();
        for line in 2..=41 {
            bytes.extend(format!("C{line},complaint,1,2025-03-03").as_bytes());
            if broken == Some(line) {
                bytes.push(0xFF);
            }
            bytes.push(b'\n');
        }
        let path = dir.join(format!("cases-{broken:?}.csv"));
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// What reading `path` beside checks that fail on the chunk holding
    /// data row `failing` gives: the rows the checks saw, in chunks, and the
    /// error reported. Chunks are 64 bytes, two rows each, so
    /// reading runs ahead of checking as it does over a big export.
    fn read_beside_checks(path: &Path, failing: Option<u32>) -> (Vec<Vec<u32>>, Result<usize>) {
        let (seen, read) = read_beside_checks_then(path, failing, |_| ());
        (seen, read.map(|(rows, ())| rows))
    }

    /// [`read_beside_checks`] with `then` run once the exports are read:
    /// the rows read come with what it gave back.
    fn read_beside_checks_then<T>(
        path: &Path,
        failing: Option<u32>,
        then: impl FnOnce(usize) -> T,
    ) -> (Vec<Vec<u32>>, Result<(usize, T)>) {
        let input = Config::parse("landlord = \"Test\"").unwrap().input;
        let mut seen: Vec<Vec<u32>> = Vec::new();
        let read = read_and_check(
            &[path.to_path_buf()],
            &input,
            64,
            ingest::Checksums::Taken,
            &mut |chunk| {
                let rows: Vec<u32> = chunk.column(ROW)?.u32()?.into_no_null_iter().collect();
                let fails = failing.filter(|f| rows.contains(f));
                seen.push(rows);
                match fails {
                    Some(row) => Err(Error::Usage(format!("the checks failed at row {row}"))),
                    None => Ok(()),
                }
            },
            then,
        );
        (seen, read.map(|(files, _, after)| (files[0].rows, after)))
    }

    fn message(read: Result<usize>) -> String {
        read.expect_err("an error").to_string()
    }

    /// What `then` was given, if it ran, reading `path` beside checks that
    /// fail on data row `failing`; and the rows read with what `then` gave
    /// back, or the error reported.
    fn then_beside_checks(path: &Path, failing: Option<u32>) -> (Option<usize>, Result<(usize, String)>) {
        let mut given = None;
        let (_, read) = read_beside_checks_then(path, failing, |files| {
            given = Some(files);
            "read after".to_string()
        });
        (given, read)
    }

    #[test]
    fn what_follows_the_read_runs_once_the_exports_are_read_and_its_result_comes_after_theirs() {
        let dir = tempfile::tempdir().unwrap();
        // Given the number of files read, its result returned with theirs.
        let (given, read) = then_beside_checks(&export(dir.path(), None), None);
        assert_eq!((given, read.unwrap()), (Some(1), (40, "read after".to_string())));
        // The checks fail on the last chunk, after the reading is done: their
        // error is reported, not what followed.
        let (given, read) = then_beside_checks(&export(dir.path(), None), Some(40));
        assert_eq!(given, Some(1));
        assert_eq!(read.expect_err("an error").to_string(), "the checks failed at row 40");
        // The reader fails: nothing follows.
        let (given, read) = then_beside_checks(&export(dir.path(), Some(9)), None);
        assert_eq!(given, None);
        assert!(read.expect_err("an error").to_string().contains("is not valid UTF-8"));
    }

    #[test]
    fn reading_beside_checking_reads_every_row_once_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let (seen, read) = read_beside_checks(&export(dir.path(), None), None);
        assert_eq!(read.unwrap(), 40);
        assert!(seen.len() > 10, "{seen:?}");
        assert_eq!(seen.concat(), (1..=40).collect::<Vec<u32>>());
    }

    #[test]
    fn the_first_error_in_file_order_is_reported_whichever_thread_finds_it() {
        let dir = tempfile::tempdir().unwrap();
        // Data row 8 is line 9.
        let broken_after = export(dir.path(), Some(9));
        let utf8 = "is not valid UTF-8 (byte 0xFF at line 9)";
        // The checks fail on row 5 while the reader reads on to line 9.
        let (seen, read) = read_beside_checks(&broken_after, Some(5));
        assert_eq!(message(read), "the checks failed at row 5");
        // The checks stopped at that chunk.
        assert_eq!(seen, [[1, 2], [3, 4], [5, 6]]);
        // The reader fails on line 9 before the checks reach row 30.
        let (seen, read) = read_beside_checks(&broken_after, Some(30));
        assert!(message(read).contains(utf8));
        assert_eq!(seen, [[1, 2], [3, 4], [5, 6]]);
        // Nothing wrong with the rows: the reader's error, not "checking stopped".
        let (_, read) = read_beside_checks(&broken_after, None);
        assert!(message(read).contains(utf8));
        // The checks fail on the last chunk of a sound export.
        let (seen, read) = read_beside_checks(&export(dir.path(), None), Some(40));
        assert_eq!(message(read), "the checks failed at row 40");
        assert_eq!(seen.concat(), (1..=40).collect::<Vec<u32>>());
    }

    /// Once the checks stop on an error, the reader stops too, rather than
    /// read the rest of the export for nothing. The export comes through a
    /// named pipe whose writer holds it open until the run has returned:
    /// a reader that read on would wait for the rest, and the writer gives
    /// up after ten seconds and says so.
    #[cfg(unix)]
    #[test]
    fn the_reader_stops_when_the_checks_stop() {
        let dir = tempfile::tempdir().unwrap();
        let pipe = dir.path().join("cases.csv");
        let name = std::ffi::CString::new(pipe.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid, NUL-terminated path; mkfifo keeps no pointer to it.
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
        let (returned, told) = std::sync::mpsc::channel::<()>();
        let writer = std::thread::spawn({
            let pipe = pipe.clone();
            move || {
                use std::io::Write;
                let mut out = std::fs::OpenOptions::new().write(true).open(&pipe).unwrap();
                let mut rows = String::from("case_ref,record_type,stage,received_date\n");
                for line in 2..=21 {
                    rows.push_str(&format!("C{line},complaint,1,2025-03-03\n"));
                }
                // The reader may stop before it has read them all.
                let _ = out.write_all(rows.as_bytes());
                told.recv_timeout(std::time::Duration::from_secs(10)).is_ok()
            }
        });
        let (seen, read) = read_beside_checks(&pipe, Some(5));
        // The writer is gone if it gave up.
        let _ = returned.send(());
        assert_eq!(message(read), "the checks failed at row 5");
        assert_eq!(seen, [[1, 2], [3, 4], [5, 6]]);
        assert!(writer.join().unwrap(), "the reader read on after the checks stopped");
    }
}
