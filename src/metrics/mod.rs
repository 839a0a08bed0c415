//! Stage 4, metrics: count what `queries/metrics.toml` defines ([`catalogue`]),
//! per month, stream and breakdown, in one group-by per period-defining date
//! ([`cube`]); then make the published figures for any period from those
//! monthly cells ([`figures`]), the Regulator's measures ([`tsm`]) and
//! everything one run shows ([`results`]). Every figure keeps its numerator
//! and denominator.

pub mod benchmarks;
pub mod catalogue;
pub mod cube;
pub mod figures;
pub mod results;
pub mod tsm;

use std::collections::BTreeMap;

pub use catalogue::{
    Better, Catalogue, MeasureDef, PeriodBy, Unit, ALL_BREAKDOWN, BREAKDOWNS, DEFAULT_BREAKDOWNS,
    EMBEDDED_QUERIES, STREAMS, THEME_BY_SERVICE_AREA,
};
pub use cube::{crossed_group, Cube, Sources, ALL, CROSS};
pub use figures::{round, round_ratio, Figure, FigureMaker, Group};
pub use results::{rag_rule, LearningAction, OpenCase, OpenCases, OpenCount, Rag, Results, Target, ThemeRow};
pub use tsm::{tsm, TsmRow};

pub fn stream_label(stream: &str) -> &'static str {
    match stream {
        "stage1" => "Stage 1",
        "stage2" => "Stage 2",
        "complaints" => "All complaints",
        "compliment" => "Compliments",
        "suggestion" => "Suggestions",
        "enquiry" => "Enquiries",
        "feedback" => "Other feedback",
        _ => "Other",
    }
}

/// The label of a figure id such as `stage1_on_time_pct`.
pub fn figure_label(catalogue: &Catalogue, id: &str) -> String {
    let (stream, measure) = id.split_once('_').unwrap_or(("", id));
    let label = catalogue.measure(measure).map(|m| m.label.as_str()).unwrap_or(measure);
    format!("{}: {}", stream_label(stream), crate::format::mid_sentence(label))
}

/// The definitions as published in metrics.json: label, unit and rule per measure.
pub fn definitions(catalogue: &Catalogue) -> BTreeMap<String, serde_json::Value> {
    catalogue
        .measures
        .iter()
        .map(|m| {
            (
                m.id.clone(),
                serde_json::json!({
                    "label": m.label,
                    "unit": m.unit,
                    "better": m.better,
                    "numerator": m.numerator,
                    "denominator": m.denominator,
                    "rule": catalogue.rule(m),
                }),
            )
        })
        .collect()
}
