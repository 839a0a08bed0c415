//! The `redress` command line: parses arguments, hands each command to its
//! module in `cmd/`, and turns errors into messages and documented exit
//! codes. No pipeline logic lives here.

/// A line to stderr (`say!`) or stdout (`out!`) that a closed pipe cannot
/// turn into a panic: a wrapper that stops reading must not change the exit
/// code (it was 101), nor a run's outputs, which are written by then.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

mod cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use redress::error::{exit, Error};

#[derive(Parser)]
#[command(name = "redress", version, about = "Complaint handling performance reports for social landlords")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Produce every output for a period into OUT/<period>/.
    Run(cmd::run::Args),
    /// Check the exports and write OUT/data-quality.csv only.
    Validate(cmd::validate::Args),
    /// Check the Code self-assessment file: every provision answered yes or
    /// no, a "no" with its action and date, evidence links that exist. Exit 3
    /// when it has errors.
    ValidateSelfAssessment(cmd::validate_self_assessment::Args),
    /// The working-day rules as a calculator.
    Calendar(cmd::calendar::Args),
    /// Generate a synthetic case export and landlord config.
    Sample(cmd::sample::Args),
}

fn main() -> ExitCode {
    redress::memory::share_arenas();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { exit::USAGE_OR_CONFIG } else { exit::OK };
            let _ = e.print();
            return ExitCode::from(code as u8);
        }
    };
    let outcome = match cli.command {
        Command::Run(args) => cmd::run::run(args),
        Command::Validate(args) => cmd::validate::run(args),
        Command::ValidateSelfAssessment(args) => cmd::validate_self_assessment::run(args),
        Command::Calendar(args) => cmd::calendar::run(args),
        Command::Sample(args) => cmd::sample::run(args),
    };
    match outcome {
        Ok(()) => ExitCode::from(exit::OK as u8),
        Err(e) => {
            let code = e.downcast_ref::<Error>().map(Error::exit_code).unwrap_or(exit::OUTPUT_OR_INTERNAL);
            say!("redress: error: {e:#}");
            ExitCode::from(code as u8)
        }
    }
}
