//! One module per command: its arguments and what it does with them.

pub mod calendar;
pub mod run;
pub mod sample;
pub mod validate;
pub mod validate_self_assessment;

use std::io::IsTerminal;
use std::path::PathBuf;

use chrono::NaiveDate;

use redress::config::SAMPLE_CONFIG_PATH;
use redress::pipeline::RunSummary;
use redress::plan::Request;

/// The options `run` and `validate` share.
#[derive(clap::Args, Clone)]
pub struct Common {
    /// Landlord configuration (TOML).
    #[arg(long, default_value = SAMPLE_CONFIG_PATH)]
    pub config: PathBuf,
    /// Case export(s) to read instead of the config's input.cases.
    #[arg(long = "cases", value_name = "FILE")]
    pub cases: Vec<PathBuf>,
    /// The run date (yyyy-mm-dd or dd/mm/yyyy): `latest-*` periods and open
    /// cases are reckoned from it. Default: the config's as_of, else today.
    #[arg(long, value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,
    /// Output directory.
    #[arg(long, default_value = "reports")]
    pub out: PathBuf,
    /// Fail (exit 3) if any row has a data error.
    #[arg(long)]
    pub strict: bool,
    /// Print each stage and its timing on stderr.
    #[arg(long, short)]
    pub verbose: bool,
}

impl Common {
    pub fn request(&self) -> Request {
        Request {
            config: self.config.clone(),
            cases: self.cases.clone(),
            as_of: self.as_of,
            out: self.out.clone(),
            strict: self.strict,
            ..Request::default()
        }
    }

    pub fn reporter(&self) -> Reporter {
        Reporter { terminal: std::io::stderr().is_terminal(), verbose: self.verbose }
    }
}

pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .map_err(|_| format!("'{s}' is not a date (yyyy-mm-dd or dd/mm/yyyy)"))
}

/// Today, as the run date when neither `--as-of` nor the config pins one.
pub fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// Progress goes to stderr only when a person is watching.
pub struct Reporter {
    terminal: bool,
    verbose: bool,
}

impl Reporter {
    pub fn progress(&self, message: &str) {
        if self.terminal || self.verbose {
            say!("redress: {message}");
        }
    }

    /// One summary line (cron logs), and with a terminal or --verbose the
    /// data quality and timings too.
    pub fn summary(&self, summary: &RunSummary) {
        let q = &summary.quality;
        let others: String = q
            .other_exports
            .iter()
            .map(|e| {
                format!(
                    "; {}: {} rows read, {} used, {} excluded, {} with warnings",
                    e.export, e.rows_read, e.rows_used, e.rows_excluded, e.rows_with_warnings
                )
            })
            .collect();
        let others = match summary.self_assessment {
            Some(sa) => format!(
                "{others}; self-assessment: {} provisions answered, {} error(s), {} check(s)",
                sa.answered, sa.errors, sa.checks
            ),
            None => others,
        };
        say!(
            "redress: {} {} as of {}: {} rows read from {} file(s), {} used, {} excluded, {} with warnings{others}; wrote {}",
            summary.landlord,
            summary.period.map_or("data quality".to_string(), |p| p.to_string()),
            summary.as_of,
            q.rows_read,
            q.case_exports,
            q.rows_used,
            q.rows_excluded,
            q.rows_with_warnings,
            summary.out_dir.display()
        );
        // Said in every run's log, cron's too: figures are missing values.
        for note in &q.notes {
            say!("redress: note: {note}");
        }
        if self.terminal || self.verbose {
            for p in q.problems.iter().take(12) {
                say!("  {:>7} {:<8} {}: {}", p.rows, p.severity, p.column, p.problem);
            }
            let t = &summary.timings;
            say!(
                "  timings ms: read {:.1}, validate {:.1}, calendar {:.1}, metrics {:.1}, render {:.1}, total {:.1}",
                t.read_ms, t.validate_ms, t.calendar_ms, t.metrics_ms, t.render_ms, t.total_ms
            );
        }
    }
}
