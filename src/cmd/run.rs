//! `redress run`: every output for a period.

use std::path::PathBuf;

use redress::pipeline;
use redress::plan::{Plan, Request};

use super::{today, Common};

#[derive(clap::Args)]
pub struct Args {
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
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let reporter = args.common.reporter();
    let request = Request {
        period: Some(args.period),
        queries: args.queries,
        templates: args.templates,
        ..args.common.request()
    };
    let plan = Plan::resolve(request, today())?;
    let summary = pipeline::run(&plan, &|m| reporter.progress(m))?;
    reporter.summary(&summary);
    Ok(())
}
