//! Synthetic case exports for demos, tests and benchmarks.
//!
//! [`generate`] writes a vendor-shaped complaints export (`cases.csv`) and a
//! matching landlord configuration (`landlord.toml`) for the fictional
//! landlord "Northbrook Homes". The export is deliberately messy in the ways
//! real case-management exports are (domain.md section 7): a byte-order mark,
//! CRLF line ends, quoted multi-line notes, UK dates with a sprinkling of ISO
//! ones, inconsistent outcome spellings, `£1,250.00` amounts, personal data in
//! columns the pipeline must drop, and a configurable rate of faulty rows.
//!
//! Rows are streamed straight to a buffered writer: the only state kept
//! between rows is the queue of stage 2 escalations not yet due, so memory
//! stays flat from 100 rows to 10 million. The same options always produce
//! byte-identical files.
//!
//! Timeliness is simulated with the real working-day [`Calendar`] (England
//! and Wales, plus the template's Christmas closure days), so a case written
//! as on time is on time by the rules of domain.md section 3.

mod faults;
mod generator;
mod people;
#[cfg(test)]
mod tests;
mod vocabulary;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::calendar::Calendar;
use crate::config::Division;
use crate::error::{Error, Result};
use generator::{GenError, Generator};

/// The landlord configuration template; `{{LCRA_2024}}`-style placeholders
/// are replaced with homes figures scaled to the generated volume.
const LANDLORD_TEMPLATE: &str = include_str!("landlord.toml");

/// What to generate.
#[derive(Debug, Clone)]
pub struct SampleOptions {
    /// Data rows in `cases.csv` (the header not counted).
    pub rows: usize,
    /// Seed of the random stream: same options, same bytes.
    pub seed: u64,
    /// Share of rows carrying a data error (one fault each, in rotation);
    /// warning-level shapes appear at the same overall rate.
    pub faulty_rate: f64,
}

impl Default for SampleOptions {
    fn default() -> Self {
        SampleOptions { rows: 5000, seed: 2026, faulty_rate: 0.004 }
    }
}

/// What was written.
#[derive(Debug, Clone)]
pub struct SampleSummary {
    pub rows: usize,
    pub files: Vec<PathBuf>,
}

/// Writes `out_dir/cases.csv`, `surveys.csv`, `ombudsman.csv`, the
/// self-assessment files, the Ombudsman's annual letter, the Regulator's TSM
/// releases under `rsh-tsm/` and `landlord.toml`, creating `out_dir`.
pub fn generate(opts: &SampleOptions, out_dir: &Path) -> Result<SampleSummary> {
    for folder in ["evidence", "rsh-tsm"] {
        std::fs::create_dir_all(out_dir.join(folder))
            .map_err(|source| Error::Write { path: out_dir.to_path_buf(), source })?;
    }
    let paths = ["cases.csv", "surveys.csv", "ombudsman.csv"].map(|n| out_dir.join(n));
    let toml_path = out_dir.join("landlord.toml");

    let calendar = Calendar::embedded(Division::EnglandAndWales, &closure_days())?;
    let open = |path: &PathBuf| -> Result<csv::Writer<BufWriter<File>>> {
        let file = File::create(path).map_err(|source| Error::Write { path: path.clone(), source })?;
        let mut out = BufWriter::with_capacity(1 << 20, file);
        out.write_all(b"\xEF\xBB\xBF").map_err(|source| Error::Write { path: path.clone(), source })?;
        Ok(csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(out))
    };
    let (mut cases, mut surveys, mut findings) = (open(&paths[0])?, open(&paths[1])?, open(&paths[2])?);

    let mut gen = Generator::new(opts, &calendar);
    let counts = gen.run(&mut cases, &mut surveys, &mut findings).map_err(|e| match e {
        GenError::Csv(e) => Error::Write { path: out_dir.to_path_buf(), source: e.into() },
        GenError::Lib(e) => e,
    })?;
    for (writer, path) in [cases, surveys, findings].into_iter().zip(&paths) {
        let out = writer
            .into_inner()
            .map_err(|e| Error::Write { path: path.clone(), source: std::io::Error::other(e.to_string()) })?;
        out.into_inner().map_err(|e| Error::Write { path: path.clone(), source: e.into_error() })?;
    }

    std::fs::write(&toml_path, landlord_toml(counts.complaint_rows))
        .map_err(|source| Error::Write { path: toml_path.clone(), source })?;
    let mut files: Vec<PathBuf> = paths.to_vec();
    files.push(toml_path);
    let bundled = SELF_ASSESSMENT_FILES.iter().map(|(n, t)| (*n, t.as_bytes())).chain(TSM_RELEASES);
    for (name, bytes) in bundled {
        let path = out_dir.join(name);
        std::fs::write(&path, bytes).map_err(|source| Error::Write { path: path.clone(), source })?;
        files.push(path);
    }
    Ok(SampleSummary { rows: counts.rows, files })
}

/// The Regulator of Social Housing's two published TSM releases (Crown
/// copyright, Open Government Licence v3.0) with their README, which carries
/// the attribution the licence asks for, so that the `[benchmarks]` of a
/// sample generated anywhere finds its files. Taken from the committed
/// sample rather than kept twice: 1.4 MB in the binary against 1.4 MB more
/// in the repository.
const TSM_RELEASES: [(&str, &[u8]); 4] = [
    (
        "rsh-tsm/TSM_2023-24_Full_Data_v1.1.xlsx",
        include_bytes!("../../sample-data/rsh-tsm/TSM_2023-24_Full_Data_v1.1.xlsx"),
    ),
    (
        "rsh-tsm/TSM_2024-25_Full_Data_v1.0.xlsx",
        include_bytes!("../../sample-data/rsh-tsm/TSM_2024-25_Full_Data_v1.0.xlsx"),
    ),
    ("rsh-tsm/README.md", include_bytes!("../../sample-data/rsh-tsm/README.md")),
    ("rsh-tsm/QUARTILES.md", include_bytes!("../../sample-data/rsh-tsm/QUARTILES.md")),
];

/// The sample landlord's Code self-assessment, the board's response, the
/// Ombudsman's annual letter and the evidence documents the self-assessment
/// links to.
const SELF_ASSESSMENT_FILES: [(&str, &str); 6] = [
    ("self-assessment.toml", include_str!("self-assessment.toml")),
    ("governing-body-response.md", include_str!("governing-body-response.md")),
    ("ombudsman-annual-letter.md", include_str!("ombudsman-annual-letter.md")),
    ("evidence/complaints-policy.md", include_str!("evidence/complaints-policy.md")),
    ("evidence/board-minutes-2026-06.md", include_str!("evidence/board-minutes-2026-06.md")),
    ("evidence/staff-training-log.md", include_str!("evidence/staff-training-log.md")),
];

// ---- fixed dates ----------------------------------------------------------

const fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(d) => d,
        None => panic!("invalid constant date"),
    }
}

/// First receipt date.
const START: NaiveDate = ymd(2024, 4, 1);
/// Last receipt date.
const END: NaiveDate = ymd(2026, 9, 30);
/// The run date of the template (`as_of`): nothing in the file is later.
const AS_OF: NaiveDate = ymd(2026, 10, 9);

/// The template's `[calendar] closure_days`.
fn closure_days() -> Vec<NaiveDate> {
    vec![
        ymd(2024, 12, 27),
        ymd(2024, 12, 30),
        ymd(2024, 12, 31),
        ymd(2025, 12, 29),
        ymd(2025, 12, 30),
        ymd(2025, 12, 31),
    ]
}

// ---- the landlord configuration ---------------------------------------------

/// Complaints (stage 1 + stage 2) per 1,000 homes per year the homes figures
/// are scaled to.
const COMPLAINTS_PER_1000_HOMES: f64 = 40.0;

fn landlord_toml(complaint_rows: usize) -> String {
    let span_years = ((END - START).num_days() + 1) as f64 / 365.25;
    let per_year = complaint_rows as f64 / span_years;
    let homes_mid = (per_year * 1000.0 / COMPLAINTS_PER_1000_HOMES).max(20.0);
    let mut text = LANDLORD_TEMPLATE.to_string();
    // Stock grows slightly; the LCHO share grows a little faster.
    for (year, growth, lcho_share) in [(2024, 1.0 / 1.015, 0.068), (2025, 1.0, 0.070), (2026, 1.015, 0.072)] {
        let total = (homes_mid * growth).round() as u64;
        let lcho = ((total as f64 * lcho_share).round() as u64).max(1);
        let lcra = total.saturating_sub(lcho).max(1);
        let share = |s: f64| ((total as f64 * s).round() as u64).max(1).to_string();
        text = text
            .replace(&format!("{{{{LCRA_{year}}}}}"), &lcra.to_string())
            .replace(&format!("{{{{LCHO_{year}}}}}"), &lcho.to_string())
            .replace(&format!("{{{{LEASEHOLD_{year}}}}}"), &share(0.045))
            .replace(&format!("{{{{MARKET_{year}}}}}"), &share(0.012));
    }
    // The Regulator's size band of the middle year's homes, so a sample of
    // any volume is compared with landlords of its own size.
    let homes = homes_mid.round() as u64;
    let band = match homes {
        0..=4_999 => "<5,000",
        5_000..=40_000 => "5,000-40,000",
        _ => ">40,000",
    };
    text.replace("{{SIZE_BAND}}", band)
}
