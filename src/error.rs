//! The one error type of the library. Every variant carries enough context
//! (file, key, value) for an analyst to fix the problem without reading code,
//! and maps to a documented process exit code.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A bad command line: unknown period, unparseable date argument.
    #[error("{0}")]
    Usage(String),

    /// The landlord configuration is missing, unreadable or invalid.
    #[error("config {path}: {message}")]
    Config { path: PathBuf, message: String },

    /// An input export cannot be read at all (missing file, missing required
    /// column, undecodable text). Row-level faults are not errors: they go to
    /// the data-quality report.
    #[error("input {path}: {message}")]
    Input { path: PathBuf, message: String },

    /// A date falls outside the years the working-day calendar knows.
    #[error("calendar: {0}")]
    Calendar(String),

    /// `--strict` was given and some rows could not be used.
    #[error("strict mode: {rows} row(s) have data errors; see {report}")]
    StrictDataErrors { rows: usize, report: PathBuf },

    /// Case rows were read and every one was excluded: a wrong date format,
    /// run date or export, not a period without complaints.
    #[error("every one of the {rows} case row(s) read has a data error, so no report is made; see {report}")]
    NoRowsUsed { rows: usize, report: PathBuf },

    /// The Code self-assessment file has errors (`validate-self-assessment`,
    /// or `run --strict` for a year).
    #[error("self-assessment {path}: {errors} error(s) to fix before publishing")]
    SelfAssessment { path: PathBuf, errors: usize },

    /// Another run holds the lock on the output directory.
    #[error("output {path}: another redress run is writing here; try again when it has finished")]
    Locked { path: PathBuf },

    /// An output could not be written. The message names the path; the
    /// cause follows it as the error's source, as `main` prints each cause.
    #[error("writing {path}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A report could not be rendered (a template error, a chart error).
    #[error("rendering {what}: {message}")]
    Render { what: String, message: String },

    #[error("data engine: {0}")]
    Polars(#[from] polars::error::PolarsError),
}

/// Process exit codes, documented in the README.
pub mod exit {
    pub const OK: i32 = 0;
    pub const USAGE_OR_CONFIG: i32 = 1;
    pub const INPUT: i32 = 2;
    pub const STRICT_DATA_ERRORS: i32 = 3;
    pub const OUTPUT_OR_INTERNAL: i32 = 4;
    pub const LOCKED: i32 = 5;
}

impl Error {
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) | Error::Config { .. } | Error::Calendar(_) => exit::USAGE_OR_CONFIG,
            Error::Input { .. } => exit::INPUT,
            Error::StrictDataErrors { .. } | Error::NoRowsUsed { .. } | Error::SelfAssessment { .. } => {
                exit::STRICT_DATA_ERRORS
            }
            Error::Locked { .. } => exit::LOCKED,
            Error::Write { .. } | Error::Render { .. } | Error::Polars(_) => exit::OUTPUT_OR_INTERNAL,
        }
    }

    pub fn input(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Error::Input { path: path.into(), message: message.into() }
    }

    pub fn config(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Error::Config { path: path.into(), message: message.into() }
    }
}
