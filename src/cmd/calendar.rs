//! `redress calendar`: the working-day rules as a calculator, with the same
//! arithmetic the timescales use.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::Subcommand;

use redress::calendar::Calendar;
use redress::config::{Division, LoadedConfig};
use redress::plan::calendar_for;

use super::parse_date;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
    /// Use this config's division, closure days and non-working receipt rule (default: England and
    /// Wales, no closures, day 0 the next working day).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Action {
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

pub fn run(args: Args) -> anyhow::Result<()> {
    let calendar = match args.config {
        Some(path) => calendar_for(&LoadedConfig::load(&path)?)?,
        None => Calendar::embedded(Division::EnglandAndWales, &[])?,
    };
    match args.action {
        Action::Add { from, days } => {
            let day_zero = calendar.day_zero(from)?;
            let due = calendar.add_working_days(from, days)?;
            out!("{}", due.format("%Y-%m-%d"));
            say!(
                "day 0 is {}; {days} working day(s) after it is {}",
                day_zero.format("%a %d %b %Y"),
                due.format("%a %d %b %Y")
            );
        }
        Action::Between { a, b } => {
            // A reply before day 0 (on the weekend it arrived) took none.
            out!("{}", calendar.working_days_between(a, b)?.max(0));
        }
    }
    Ok(())
}
