//! The monthly performance pack: what needs action now.

use minijinja::context;

use super::lists::{ids, report_figures};
use super::views::{self, TrendSpec};
use super::{page, RenderInput};
use crate::error::Result;
use crate::metrics::{rag_rule, Results};

pub(super) fn monthly_context(input: &RenderInput, m: &Results) -> Result<minijinja::Value> {
    let chart = views::trend_chart(
        m,
        &TrendSpec {
            id: "monthly-on-time",
            title: "Complaints responded to on time, month by month",
            y_title: "% on time",
            series: &[("Stage 1", "stage1_on_time_pct"), ("Stage 2", "stage2_on_time_pct")],
            bars: false,
            target: Some("stage1_on_time_pct"),
        },
        "Month",
    )?;
    let volumes = views::trend_chart(
        m,
        &TrendSpec {
            id: "monthly-volumes",
            title: "Complaints received, month by month",
            y_title: "Complaints received",
            series: &[("Stage 1", "stage1_received"), ("Stage 2", "stage2_received")],
            bars: true,
            target: None,
        },
        "Month",
    )?;
    let figures = &report_figures().monthly;
    let mut feedback = Vec::new();
    if input.quality.read("surveys") {
        feedback.extend(ids(&figures.feedback_surveys));
    }
    if input.quality.read("ombudsman") {
        feedback.extend(ids(&figures.feedback_ombudsman));
    }
    feedback.extend(ids(&figures.feedback));
    let mut feedback = views::comparison(m, input.catalogue, &feedback);
    feedback.caption =
        format!("Satisfaction, Ombudsman findings and repeat complaints: {}", feedback.caption);
    Ok(context! {
        page => page(input, &m.period, "Complaints performance: monthly pack"),
        feedback => feedback,
        tiles => views::tiles(m, input.catalogue, &ids(&figures.tiles)),
        rag_rule => rag_rule(m.amber_margin),
        open_summary => views::open_summary(input.open),
        overdue => views::overdue_cases(input.open, 100),
        due_soon => views::due_soon_cases(input.open, 100),
        charts => vec![chart, volumes],
        comparison => views::comparison(m, input.catalogue, &ids(&figures.comparison)),
        by_service_area => views::breakdown(m, "service_area", &format!("Complaints by service area, {}", m.period.label()), "Service area"),
        quality => input.quality,
        quality_table => views::quality(input.quality),
        definitions => views::definitions(input.catalogue),
        working_day_rules => input.rules["working_days"].clone(),
    })
}
