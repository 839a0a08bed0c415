//! `run.json`: how a run was made, so it can be checked and reproduced: the
//! config and every input with its SHA-256, the run date, the row counts,
//! the stage timings and the command that reproduces the run.

use serde_json::json;

use super::prepare::{release_input, Prepared};
use super::Timings;
use crate::plan::Plan;

pub fn manifest(plan: &Plan, prepared: &Prepared, timings: &Timings) -> serde_json::Value {
    let request = &plan.request;
    let mut inputs = serde_json::to_value(&prepared.inputs).expect("inputs serialise");
    if let Some(list) = inputs.as_array_mut() {
        list.extend(prepared.releases.iter().map(|r| json!(release_input(r))));
    }
    json!({
        "redress_version": env!("CARGO_PKG_VERSION"),
        "command": "run",
        "config": { "path": request.config, "sha256": plan.loaded.sha256 },
        "queries": request.queries.as_ref().map(|p| p.display().to_string()).unwrap_or_else(|| "embedded queries/metrics.toml".into()),
        "period": plan.period.map(|p| p.to_string()),
        "as_of": plan.as_of,
        "strict": request.strict,
        "reproduce": plan.reproduce_command(),
        "inputs": inputs,
        "rows": {
            "read": prepared.quality.rows_read,
            "used": prepared.quality.rows_used,
            "excluded": prepared.quality.rows_excluded,
            "with_warnings": prepared.quality.rows_with_warnings,
        },
        "timings_note": "timings vary from run to run; every other field of every output is reproducible from the same inputs, config and as-of date",
        "timings": timings,
    })
}
