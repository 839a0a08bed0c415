//! `redress sample`: a synthetic landlord's messy exports and configuration.

use std::path::PathBuf;

use redress::sample::{generate, SampleOptions};

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, default_value_t = 5000)]
    rows: usize,
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// Share of rows with a deliberate data fault.
    #[arg(long, default_value_t = 0.004)]
    faulty_rate: f64,
    #[arg(long, default_value = "sample-data")]
    out: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let opts = SampleOptions { rows: args.rows, seed: args.seed, faulty_rate: args.faulty_rate };
    let summary = generate(&opts, &args.out)?;
    say!("redress: wrote {} rows to {}", summary.rows, args.out.display());
    Ok(())
}
