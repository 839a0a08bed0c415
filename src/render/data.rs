//! The machine-readable outputs: `metrics.json` (every figure any output of
//! the run shows, with its numerator, denominator and rule), `tsm.csv` and
//! `housemark.csv`.

use serde_json::json;

use super::annual::AnnualInput;
use super::lists::housemark_indicators;
use super::RenderInput;
use crate::error::Result;
use crate::metrics::tsm::TP09_RULE;
use crate::metrics::{rag_rule, Figure, Results, Unit, ALL_BREAKDOWN};
use crate::output;
use crate::period::Period;

/// metrics.json's fields, in the file's order. The figures and open cases
/// (most of a big run's file) are written straight from the results, not
/// copied into a JSON tree first: the tree held as much again at the run's
/// peak.
#[derive(serde::Serialize)]
struct MetricsJson<'a> {
    redress_version: &'static str,
    landlord: &'a str,
    period: serde_json::Value,
    as_of: chrono::NaiveDate,
    comparisons: serde_json::Value,
    trend_periods: Vec<String>,
    rules: &'a serde_json::Value,
    definitions: std::collections::BTreeMap<String, serde_json::Value>,
    figures: Vec<&'a Figure>,
    targets: &'a [crate::metrics::Target],
    rag_rule: String,
    learning_themes: serde_json::Value,
    repeat_households: serde_json::Value,
    tsm: serde_json::Value,
    open_cases: &'a crate::metrics::results::OpenCases,
    data_quality: &'a crate::quality::DataQuality,
    #[serde(skip_serializing_if = "Option::is_none")]
    self_assessment: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ombudsman_complaint_handling_failings: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    benchmarks: Option<serde_json::Value>,
}

pub(super) fn metrics_json(input: &RenderInput) -> Result<Vec<u8>> {
    let r = input.results;
    let metrics = MetricsJson {
        redress_version: env!("CARGO_PKG_VERSION"),
        landlord: input.landlord,
        period: json!({
            "id": r.period.to_string(),
            "label": r.period.label(),
            "granularity": r.period.granularity(),
            "start": r.period.start(),
            "end": r.period.end(),
        }),
        as_of: input.as_of,
        comparisons: json!({
            "previous": r.previous.to_string(),
            "same_period_last_year": r.same_period_last_year.to_string(),
        }),
        trend_periods: r.trend.iter().map(|p| p.to_string()).collect(),
        rules: &input.rules,
        definitions: crate::metrics::definitions(input.catalogue),
        figures: all_figures(input),
        targets: &r.targets,
        rag_rule: rag_rule(r.amber_margin),
        learning_themes: json!({
            "rule": format!(
                "complaints responded to in the period by learning theme: as recorded at closure, or else inferred from the [themes] taxonomy (the first theme with a phrase at the start of a word in the category, then the description, then the learning action); emerging when the count is at least {} and at least {} times the average of the {} periods before, or of as many of them as the data covers (a period before the first month counted is left out, not counted as none; with none, nothing is emerging)",
                input.themes.emerging_min_count, input.themes.emerging_ratio, input.themes.emerging_lookback
            ),
            "taxonomy": input.themes.taxonomy,
            "rows": r.themes,
        }),
        repeat_households: json!({
            "rule": "households (compared by a keyed hash that is never written) with two or more stage 1 complaints received in the period, refused excluded",
            "households": input.repeat_households.households,
            "complaints": input.repeat_households.complaints,
            "window_days": input.repeat_households.window_days,
        }),
        tsm: json!({
            "year": r.tsm_year.to_string(),
            "from": r.tsm_year.start(),
            "to": r.tsm_to,
            "year_to_date": r.tsm_year_to_date(),
            "rules": {
                "CH01": r.tsm_rules[0],
                "CH02": r.tsm_rules[1],
                "TP09": TP09_RULE,
            },
            "rows": r.tsm,
        }),
        open_cases: input.open,
        data_quality: input.quality,
        self_assessment: input.annual.map(self_assessment_json),
        ombudsman_complaint_handling_failings: input.annual.map(|a| complaint_handling_json(input, a)),
        benchmarks: input.benchmarks.map(super::benchmarks::json),
    };
    output::json_bytes(&metrics, "metrics.json")
}

/// The self-assessment in metrics.json: the answers' counts, the checks the
/// year's data raised and the problems with the file (figures are in `figures`).
fn self_assessment_json(a: &AnnualInput) -> serde_json::Value {
    let count = |c: crate::self_assessment::Comply| {
        a.self_assessment
            .iter()
            .flat_map(|sa| &sa.answers)
            .filter(|x| x.assessed && x.comply == Some(c))
            .count()
    };
    json!({
        "code_edition": a.code.edition,
        "file": a.self_assessment.as_ref().map(|sa| sa.path.display().to_string()),
        "provisions": a.code.assessed().count(),
        "yes": count(crate::self_assessment::Comply::Yes),
        "no": count(crate::self_assessment::Comply::No),
        "compliance_threshold_pct": a.threshold_pct,
        "checks": a.measured.iter().filter_map(|m| m.flag.as_ref().map(|f| json!({"provision": m.provision, "check": f}))).collect::<Vec<_>>(),
        "problems": a.self_assessment.as_ref().map(|sa| sa.problems.clone()).unwrap_or_default(),
    })
}

/// The year's findings of a failing in complaint handling, as the annual
/// report lists them (the count is the figure
/// `complaints_complaint_handling_failings`).
fn complaint_handling_json(input: &RenderInput, a: &AnnualInput) -> serde_json::Value {
    let count = crate::metrics::results::COMPLAINT_HANDLING_FAILINGS;
    json!({
        "status": a.complaint_handling.status,
        "rule": input.catalogue.counts.iter().find(|c| c.id == count).map(|c| c.describe.clone()),
        "count": a.complaint_handling.failings.len(),
        "findings": a.complaint_handling.failings,
    })
}

/// Every figure any output of the run shows: the period's, the monthly
/// pack's and each quarter's behind housemark.csv, once each.
fn all_figures<'a>(input: &'a RenderInput) -> Vec<&'a Figure> {
    let mut seen = std::collections::HashSet::new();
    let monthly = input.monthly.map(|m| m.figures.as_slice()).unwrap_or_default();
    input
        .results
        .figures
        .iter()
        .chain(monthly)
        .chain(input.quarter_figures)
        .filter(|f| seen.insert((f.id.as_str(), f.period.as_str(), f.breakdown.as_str(), f.group.as_str())))
        .collect()
}

/// The six columns of the return, then (on CH02 rows) the timescales the
/// Regulator expects published with CH02.
pub const TSM_CSV_HEADER: [&str; 11] = [
    "measure",
    "stock_type",
    "stage",
    "numerator",
    "denominator",
    "value",
    "acknowledge_working_days",
    "respond_working_days",
    "max_extension_working_days",
    "response_clock_starts",
    "code_timescales",
];

pub(super) fn tsm_csv(r: &Results) -> Result<Vec<u8>> {
    output::csv_bytes(
        &TSM_CSV_HEADER,
        r.tsm.iter().map(|row| {
            let mut cells = vec![
                row.measure.to_string(),
                row.stock_type.clone(),
                row.stage.map(|s| s.to_string()).unwrap_or_default(),
                output::number(row.numerator),
                output::number(row.denominator),
                row.value.map(|v| output::fixed(v, 1)).unwrap_or_default(),
            ];
            cells.extend(match &row.timescale {
                Some(t) => [
                    t.acknowledge.to_string(),
                    t.respond.map(|d| d.to_string()).unwrap_or_default(),
                    t.max_extension.to_string(),
                    t.clock_starts.as_str().to_string(),
                    if t.code { "yes" } else { "no" }.to_string(),
                ],
                None => Default::default(),
            });
            cells
        }),
    )
}

fn plain_value(f: &Figure) -> String {
    match (f.unit, f.value) {
        (_, None) => String::new(),
        (Unit::Count, Some(v)) => output::number(v),
        (Unit::Gbp, Some(v)) => output::fixed(v, 2),
        (_, Some(v)) => output::fixed(v, 1),
    }
}

pub(super) fn housemark_csv(figures: &[Figure], quarters: &[Period]) -> Result<Vec<u8>> {
    let mut rows = Vec::new();
    for q in quarters {
        let p = q.to_string();
        for ind in housemark_indicators() {
            let f =
                figures.iter().find(|f| f.id == ind.figure && f.period == p && f.breakdown == ALL_BREAKDOWN);
            rows.push(vec![
                ind.id.clone(),
                p.clone(),
                f.map(plain_value).unwrap_or_default(),
                f.map(|f| output::number(f.numerator)).unwrap_or_default(),
                f.and_then(|f| f.denominator).map(output::number).unwrap_or_default(),
            ]);
        }
    }
    output::csv_bytes(&["indicator", "period", "value", "numerator", "denominator"], rows)
}
