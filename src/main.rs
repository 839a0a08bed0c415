//! The `redress` command line: parses arguments, runs the library, reports
//! errors and sets the exit code. No pipeline logic lives here.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Parser, Subcommand};

use redress::calendar::{Calendar, Division};
use redress::config::{LoadedConfig, SAMPLE_CONFIG_PATH};
use redress::error::{exit, Error};
use redress::pipeline::{self, RunOptions, RunSummary};

#[derive(Parser)]
#[command(name = "redress", version, about = "Complaint handling performance reports for social landlords")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Clone)]
struct Common {
    /// Landlord configuration (TOML).
    #[arg(long, default_value = SAMPLE_CONFIG_PATH)]
    config: PathBuf,
    /// Case export(s) to read instead of the config's input.cases.
    #[arg(long = "cases", value_name = "FILE")]
    cases: Vec<PathBuf>,
    /// The run date (yyyy-mm-dd or dd/mm/yyyy): `latest-*` periods and open
    /// cases are reckoned from it. Default: the config's as_of, else today.
    #[arg(long, value_parser = parse_date)]
    as_of: Option<NaiveDate>,
    /// Output directory.
    #[arg(long, default_value = "reports")]
    out: PathBuf,
    /// Fail (exit 3) if any row has a data error.
    #[arg(long)]
    strict: bool,
    /// Print each stage and its timing on stderr.
    #[arg(long, short)]
    verbose: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Produce every output for a period into OUT/<period>/.
    Run {
        #[command(flatten)]
        common: Common,
        /// 2025-09, 2025-26-Q2, 2025-26, latest-month, latest-quarter, latest-year.
        #[arg(long, default_value = "latest-quarter")]
        period: String,
        /// Metric definitions to use instead of the bundled queries/metrics.toml.
        #[arg(long)]
        queries: Option<PathBuf>,
        /// A folder of report templates replacing the bundled ones of the same name.
        #[arg(long)]
        templates: Option<PathBuf>,
    },
    /// Check the exports and write OUT/data-quality.csv only.
    Validate {
        #[command(flatten)]
        common: Common,
    },
    /// Check the Code self-assessment file: every provision answered yes or
    /// no, a "no" with its action and date, evidence links that exist. Exit 3
    /// when it has errors.
    ValidateSelfAssessment {
        /// Landlord configuration (TOML): the Code edition and the file.
        #[arg(long, default_value = SAMPLE_CONFIG_PATH)]
        config: PathBuf,
        /// The self-assessment file, instead of the config's annual_report.self_assessment.
        #[arg(long)]
        file: Option<PathBuf>,
        /// The financial year the file must answer for (2025-26).
        #[arg(long)]
        year: Option<String>,
    },
    /// The working-day rules as a calculator.
    Calendar {
        #[command(subcommand)]
        action: CalendarAction,
        /// Use this config's division and closure days (default: England and Wales, no closures).
        #[arg(long, global = true)]
        config: Option<PathBuf>,
    },
    /// Generate a synthetic case export and landlord config.
    Sample {
        #[arg(long, default_value_t = 5000)]
        rows: usize,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Share of rows with a deliberate data fault.
        #[arg(long, default_value_t = 0.004)]
        faulty_rate: f64,
        #[arg(long, default_value = "sample-data")]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum CalendarAction {
    /// The date N working days after day 0 of FROM (a due date).
    Add {
        #[arg(long, value_parser = parse_date)]
        from: NaiveDate,
        #[arg(long)]
        days: u32,
    },
    /// Working days after day 0 of A up to and including B (working days taken).
    Between {
        #[arg(value_parser = parse_date)]
        a: NaiveDate,
        #[arg(value_parser = parse_date)]
        b: NaiveDate,
    },
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .map_err(|_| format!("'{s}' is not a date (yyyy-mm-dd or dd/mm/yyyy)"))
}

/// Progress goes to stderr only when a person is watching.
struct Reporter {
    terminal: bool,
    verbose: bool,
}

impl Reporter {
    fn progress(&self, message: &str) {
        if self.terminal || self.verbose {
            eprintln!("redress: {message}");
        }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { exit::USAGE_OR_CONFIG } else { exit::OK };
            let _ = e.print();
            return ExitCode::from(code as u8);
        }
    };
    match dispatch(cli) {
        Ok(()) => ExitCode::from(exit::OK as u8),
        Err(e) => {
            let code = e.downcast_ref::<Error>().map(Error::exit_code).unwrap_or(exit::OUTPUT_OR_INTERNAL);
            eprintln!("redress: error: {e:#}");
            ExitCode::from(code as u8)
        }
    }
}

fn options(
    common: &Common,
    period: String,
    queries: Option<PathBuf>,
    templates: Option<PathBuf>,
) -> RunOptions {
    RunOptions {
        config: common.config.clone(),
        cases: common.cases.clone(),
        period,
        as_of: common.as_of,
        out: common.out.clone(),
        strict: common.strict,
        queries,
        templates,
    }
}

fn dispatch(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Run { common, period, queries, templates } => {
            let reporter = Reporter { terminal: std::io::stderr().is_terminal(), verbose: common.verbose };
            let summary =
                pipeline::run(&options(&common, period, queries, templates), &|m| reporter.progress(m))?;
            report(&summary, &reporter);
        }
        Command::Validate { common } => {
            let reporter = Reporter { terminal: std::io::stderr().is_terminal(), verbose: common.verbose };
            let summary = pipeline::validate_only(&options(&common, String::new(), None, None), &|m| {
                reporter.progress(m)
            })?;
            report(&summary, &reporter);
        }
        Command::ValidateSelfAssessment { config, file, year } => {
            let sa = pipeline::validate_self_assessment(&config, file.as_deref(), year.as_deref())?;
            for p in &sa.problems {
                println!("{}: {p}", sa.path.display());
            }
            eprintln!(
                "redress: {}: {} provisions answered, {} error(s), {} warning(s)",
                sa.path.display(),
                sa.answered(),
                sa.errors(),
                sa.problems.len() - sa.errors()
            );
            if sa.errors() > 0 {
                return Err(Error::SelfAssessment { path: sa.path.clone(), errors: sa.errors() }.into());
            }
        }
        Command::Calendar { action, config } => {
            let calendar = match config {
                Some(path) => pipeline::calendar_for(&LoadedConfig::load(&path)?)?,
                None => Calendar::embedded(Division::EnglandAndWales, &[])?,
            };
            match action {
                CalendarAction::Add { from, days } => {
                    let day_zero = calendar.day_zero(from)?;
                    let due = calendar.add_working_days(from, days)?;
                    println!("{}", due.format("%Y-%m-%d"));
                    eprintln!(
                        "day 0 is {}; {days} working day(s) after it is {}",
                        day_zero.format("%a %d %b %Y"),
                        due.format("%a %d %b %Y")
                    );
                }
                CalendarAction::Between { a, b } => {
                    // A reply before day 0 (on the weekend it arrived) took none.
                    println!("{}", calendar.working_days_between(a, b)?.max(0));
                }
            }
        }
        Command::Sample { rows, seed, faulty_rate, out } => {
            let opts = redress::sample::SampleOptions { rows, seed, faulty_rate };
            let summary = redress::sample::generate(&opts, &out)?;
            eprintln!("redress: wrote {} rows to {}", summary.rows, out.display());
        }
    }
    Ok(())
}

/// One summary line (cron logs), and with a terminal or --verbose the data
/// quality and timings too.
fn report(summary: &RunSummary, reporter: &Reporter) {
    let q = &summary.quality;
    let others: String = q
        .other_exports
        .iter()
        .map(|e| {
            format!(
                "; {}: {} rows read, {} used, {} excluded",
                e.export, e.rows_read, e.rows_used, e.rows_excluded
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
    eprintln!(
        "redress: {} {} as of {}: {} rows read from {} file(s), {} used, {} excluded, {} with warnings{others}; wrote {}",
        summary.landlord,
        summary.period.map_or("data quality".to_string(), |p| p.to_string()),
        summary.as_of,
        q.rows_read,
        summary.inputs.len(),
        q.rows_used,
        q.rows_excluded,
        q.rows_with_warnings,
        summary.out_dir.display()
    );
    if reporter.terminal || reporter.verbose {
        for p in q.problems.iter().take(12) {
            eprintln!("  {:>7} {:<8} {}: {}", p.rows, p.severity, p.column, p.problem);
        }
        let t = &summary.timings;
        eprintln!(
            "  timings ms: read {:.1}, validate {:.1}, calendar {:.1}, metrics {:.1}, render {:.1}, total {:.1}",
            t.read_ms, t.validate_ms, t.calendar_ms, t.metrics_ms, t.render_ms, t.total_ms
        );
    }
}
