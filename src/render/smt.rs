//! The quarterly report for the Senior Management Team.

use minijinja::context;

use super::lists::{housemark_indicators, ids, report_figures};
use super::views::{self, Cell, Table, TrendSpec};
use super::{linked_exports, page, RenderInput};
use crate::error::Result;
use crate::format;
use crate::metrics::{rag_rule, Results};

fn housemark_table(r: &Results) -> Table {
    let mut t = Table::new(
        format!("HouseMark indicators, {}", r.period.label()),
        "Indicator",
        &[("Value", true), ("Numerator", true), ("Denominator", true), ("Definition", false)],
    );
    for ind in housemark_indicators() {
        let f = r.figure(&ind.figure, &r.period);
        t.row(
            ind.id.clone(),
            vec![
                Cell::figure(f),
                Cell::number(f.map(|f| format::count(f.numerator)).unwrap_or_default()),
                Cell::number(f.and_then(|f| f.denominator).map(format::count).unwrap_or_default()),
                Cell::text(ind.definition.clone()),
            ],
        );
    }
    t
}

/// The period our TSM figures cover: the year, or the year so far.
pub(super) fn tsm_period(r: &Results) -> String {
    if r.tsm_year_to_date() {
        format!("{} to {}", r.tsm_year, format::uk_date(r.tsm_to))
    } else {
        r.tsm_year.to_string()
    }
}

pub(super) fn smt_context(input: &RenderInput) -> Result<minijinja::Value> {
    let r = input.results;
    let figures = &report_figures().smt;
    let charts = vec![
        views::trend_chart(
            r,
            &TrendSpec {
                id: "volumes",
                title: "Complaints received by stage",
                y_title: "Complaints received",
                series: &[("Stage 1", "stage1_received"), ("Stage 2", "stage2_received")],
                bars: true,
                target: None,
            },
            "Quarter",
        )?,
        views::trend_chart(
            r,
            &TrendSpec {
                id: "on-time",
                title: "Complaints responded to on time by stage",
                y_title: "% on time",
                series: &[("Stage 1", "stage1_on_time_pct"), ("Stage 2", "stage2_on_time_pct")],
                bars: false,
                target: Some("stage1_on_time_pct"),
            },
            "Quarter",
        )?,
        views::trend_chart(
            r,
            &TrendSpec {
                id: "upheld",
                title: "Complaints upheld",
                y_title: "% of complaints decided",
                series: &[
                    ("Upheld", "complaints_upheld_pct"),
                    ("Partially upheld", "complaints_partially_upheld_pct"),
                ],
                bars: false,
                target: None,
            },
            "Quarter",
        )?,
    ];
    let extensions = views::by_stream(
        r,
        "Extensions agreed on responses in the period",
        &["stage1", "stage2", "complaints"],
        &[
            ("Responded to", "responded"),
            ("Extended", "extended_pct"),
            ("Beyond the maximum extension", "extension_beyond_max"),
        ],
    );
    let compensation = views::by_stream(
        r,
        "Compensation on complaints responded to in the period",
        &["stage1", "stage2", "complaints"],
        &[("Compensation", "compensation_gbp"), ("Cases with compensation", "compensation_cases")],
    );
    let feedback = views::by_stream(
        r,
        "Compliments, suggestions and other feedback received",
        &["compliment", "suggestion", "enquiry", "feedback"],
        &[("Received", "received"), ("Acknowledged on time", "ack_on_time_pct")],
    );
    Ok(context! {
        page => page(input, &r.period, "Complaints performance: Senior Management Team report"),
        tiles => views::tiles(r, input.catalogue, &ids(&figures.tiles)),
        rag_rule => rag_rule(r.amber_margin),
        comparison => views::comparison(r, input.catalogue, &ids(&figures.comparison)),
        charts => charts,
        by_service_area => views::breakdown(r, "service_area", &format!("Complaints by service area, {}", r.period.label()), "Service area"),
        by_category => views::breakdown(r, "category", &format!("Complaints by category, {}", r.period.label()), "Category"),
        by_stock_type => views::by_stock_type(r),
        open_summary => views::open_summary(input.open),
        overdue => views::overdue_cases(input.open, 50),
        extensions => extensions,
        themes => views::themes(r, input.themes.emerging_lookback),
        themes_by_area => views::themes_by_service_area(r),
        compensation => compensation,
        linked => linked_exports(input),
        repeats => views::comparison(r, input.catalogue, &ids(&figures.repeats)),
        repeat_households => input.repeat_households,
        themes_rule => format!(
            "A theme is inferred (from the category, then the description, then the learning action, using the landlord's taxonomy) only where the officer recorded none. A theme is emerging when this quarter's count is at least {} and at least {} times its average over the {} quarters before (or as many of them as the data covers).",
            input.themes.emerging_min_count, input.themes.emerging_ratio, input.themes.emerging_lookback
        ),
        feedback => feedback,
        housemark => housemark_table(r),
        sector => input.benchmarks.map(|b| super::benchmarks::view(b, &tsm_period(r))),
        quality => input.quality,
        quality_table => views::quality(input.quality),
        definitions => views::definitions(input.catalogue),
        working_day_rules => input.rules["working_days"].clone(),
    })
}
