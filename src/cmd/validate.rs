//! `redress validate`: check the exports and write `data-quality.csv` only.

use redress::pipeline;
use redress::plan::Plan;

use super::{today, Common};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    common: Common,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let reporter = args.common.reporter();
    let plan = Plan::resolve(args.common.request(), today())?;
    let summary = pipeline::validate_only(&plan, &|m| reporter.progress(m))?;
    reporter.summary(&summary);
    Ok(())
}
