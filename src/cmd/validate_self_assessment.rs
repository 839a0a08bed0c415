//! `redress validate-self-assessment`: the Code self-assessment file checked
//! on its own, one problem a line, naming the provision.

use std::path::PathBuf;

use redress::config::SAMPLE_CONFIG_PATH;
use redress::error::Error;
use redress::pipeline;

use super::today;

#[derive(clap::Args)]
pub struct Args {
    /// Landlord configuration (TOML): the Code edition and the file.
    #[arg(long, default_value = SAMPLE_CONFIG_PATH)]
    config: PathBuf,
    /// The self-assessment file, instead of the config's annual_report.self_assessment.
    #[arg(long)]
    file: Option<PathBuf>,
    /// The financial year the file must answer for (2025-26).
    #[arg(long)]
    year: Option<String>,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let sa = pipeline::validate_self_assessment(
        &args.config,
        args.file.as_deref(),
        args.year.as_deref(),
        today(),
    )?;
    for p in &sa.problems {
        out!("{}: {p}", sa.path.display());
    }
    say!(
        "redress: {}: {} provisions answered, {} error(s), {} warning(s)",
        sa.path.display(),
        sa.answered(),
        sa.errors(),
        sa.problems.len() - sa.errors()
    );
    if sa.errors() > 0 {
        return Err(Error::SelfAssessment { path: sa.path.clone(), errors: sa.errors() }.into());
    }
    Ok(())
}
