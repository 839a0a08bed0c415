//! Stage 5, render: turn the computed results into files — `metrics.json`,
//! `tsm.csv`, `housemark.csv`, the HTML reports and `index.html`. Reports are
//! minijinja templates (bundled, or a landlord's own folder) filled with view
//! models that arrive fully computed; charts are inline SVG, so every report
//! is one self-contained file that opens offline.

pub mod annual;
pub mod assembly;
pub mod benchmarks;
pub mod charts;
mod data;
pub mod lists;
mod monthly;
mod smt;
pub mod views;

use std::path::PathBuf;

use chrono::NaiveDate;
use minijinja::{context, Environment, UndefinedBehavior};
use serde_json::json;

use crate::error::{Error, Result};
use crate::format;
use crate::metrics::{Catalogue, Figure, OpenCases, Results};
use crate::output::{self, Output};
use crate::period::{Granularity, Period};
use crate::quality::DataQuality;

/// The bundled templates, by file name.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../report-templates/base.html")),
    ("macros.html", include_str!("../../report-templates/macros.html")),
    ("style.css", include_str!("../../report-templates/style.css")),
    ("smt-report.html", include_str!("../../report-templates/smt-report.html")),
    ("monthly-pack.html", include_str!("../../report-templates/monthly-pack.html")),
    ("index.html", include_str!("../../report-templates/index.html")),
    ("customer-assembly.html", include_str!("../../report-templates/customer-assembly.html")),
    ("self-assessment.html", include_str!("../../report-templates/self-assessment.html")),
    ("annual-complaints-report.html", include_str!("../../report-templates/annual-complaints-report.html")),
];

/// Everything the render stage needs, already computed.
pub struct RenderInput<'a> {
    pub landlord: &'a str,
    pub as_of: NaiveDate,
    pub results: &'a Results,
    /// The monthly pack's results (the month itself, or a quarter's last month).
    pub monthly: Option<&'a Results>,
    /// Whole-landlord figures of each quarter the period covers, for HouseMark.
    pub quarter_figures: &'a [Figure],
    pub quarters: &'a [Period],
    pub open: &'a OpenCases,
    pub quality: &'a DataQuality,
    pub catalogue: &'a Catalogue,
    pub rules: serde_json::Value,
    /// The landlord's timescales, for the reports that word them.
    pub timescales: &'a crate::config::Timescales,
    pub templates_dir: Option<PathBuf>,
    pub quality_csv: Vec<u8>,
    /// Learning actions of complaints closed in the period.
    pub actions: &'a [crate::metrics::LearningAction],
    pub assembly: &'a crate::config::CustomerAssemblyConfig,
    pub themes: &'a crate::config::ThemesConfig,
    pub repeat_households: RepeatHouseholds,
    /// The Code self-assessment and annual report inputs (year runs).
    pub annual: Option<&'a annual::AnnualInput>,
    /// The personal-data screen, for the reports that quote learning.
    pub screening: &'a crate::screen::Screening,
    /// An Ombudsman export has a category column (findings by category).
    pub ombudsman_categories: bool,
    /// The TSM figures beside the sector's; None without `[benchmarks]`.
    pub benchmarks: Option<&'a crate::metrics::benchmarks::Benchmarks>,
}

/// Households with two or more counted complaints received in the period.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct RepeatHouseholds {
    pub households: u32,
    pub complaints: u32,
    pub window_days: u32,
}

/// Where the analyst's review of what the Customer Assembly screen held back
/// is written: beside the reports, but never linked or published.
pub const ASSEMBLY_REVIEW: &str = "review/customer-assembly-review.csv";
/// The same for the annual report's quoted learning.
pub const ANNUAL_REVIEW: &str = "review/annual-report-review.csv";

fn environment(dir: Option<PathBuf>) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    // Formatting, not arithmetic: "5000" is written "5,000".
    env.add_filter("thousands", |n: i64| format::count(n as f64));
    env.set_loader(move |name| {
        if let Some(dir) = &dir {
            let path = dir.join(name);
            if path.is_file() {
                return std::fs::read_to_string(&path).map(Some).map_err(|e| {
                    minijinja::Error::new(
                        minijinja::ErrorKind::InvalidOperation,
                        format!("{}: {e}", path.display()),
                    )
                });
            }
        }
        Ok(TEMPLATES.iter().find(|(n, _)| *n == name).map(|(_, t)| t.to_string()))
    });
    env
}

fn render_page(env: &Environment, name: &str, ctx: minijinja::Value) -> Result<Vec<u8>> {
    let template =
        env.get_template(name).map_err(|e| Error::Render { what: name.into(), message: format!("{e:#}") })?;
    let html =
        template.render(ctx).map_err(|e| Error::Render { what: name.into(), message: format!("{e:#}") })?;
    Ok(html.into_bytes())
}

/// Every output file of a run, in memory.
pub fn render(input: &RenderInput) -> Result<Vec<Output>> {
    // metrics.json, the biggest output (every figure of every breakdown),
    // is written on a second thread while the pages are rendered on this
    // one, whose stack the templates' recursion may need.
    let (pages, metrics) = crate::parallel::both(|| render_pages(input), || data::metrics_json(input));
    let mut outputs = vec![Output { name: "metrics.json".into(), bytes: metrics? }];
    outputs.extend(pages?);
    Ok(outputs)
}

/// Every output but metrics.json, in the order they are listed.
fn render_pages(input: &RenderInput) -> Result<Vec<Output>> {
    let r = input.results;
    let mut outputs = vec![
        Output { name: "tsm.csv".into(), bytes: data::tsm_csv(r)? },
        Output { name: "data-quality.csv".into(), bytes: input.quality_csv.clone() },
    ];
    if !input.quarters.is_empty() {
        outputs.push(Output {
            name: "housemark.csv".into(),
            bytes: data::housemark_csv(input.quarter_figures, input.quarters)?,
        });
    }
    let env = environment(input.templates_dir.clone());
    let mut links = vec![];
    if r.period.granularity() == Granularity::Quarter {
        outputs.push(Output {
            name: "smt-report.html".into(),
            bytes: render_page(&env, "smt-report.html", smt::smt_context(input)?)?,
        });
        links.push((
            "smt-report.html",
            format!("Senior Management Team report, {}", r.period.label()),
            "Quarterly complaints performance against targets, with trends, breakdowns and learning.",
        ));
        let linked = assembly::LinkedExports {
            surveys: input.quality.read("surveys"),
            ombudsman: input.quality.read("ombudsman"),
        };
        let (assembly, held) = assembly::assemble(
            r,
            input.catalogue,
            input.timescales,
            input.actions,
            input.screening,
            input.assembly,
            linked,
            input.benchmarks,
        );
        outputs.push(Output {
            name: "customer-assembly.html".into(),
            bytes: render_page(
                &env,
                "customer-assembly.html",
                context! { page => page(input, &r.period, ""), a => assembly },
            )?,
        });
        outputs.push(Output { name: ASSEMBLY_REVIEW.into(), bytes: held_csv(held)? });
        links.push((
            "customer-assembly.html",
            format!("Customer Assembly report, {}", r.period.label()),
            "The quarter in plain English for the tenants' panel, with no personal data.",
        ));
    }
    if let Some(a) = input.annual {
        let sections = annual::sections(a, input.catalogue);
        if a.self_assessment.is_some() {
            outputs.push(Output {
                name: "self-assessment.html".into(),
                bytes: render_page(
                    &env,
                    "self-assessment.html",
                    annual::self_assessment_context(input, a, &sections),
                )?,
            });
            outputs.push(Output {
                name: "self-assessment.csv".into(),
                bytes: annual::self_assessment_csv(&sections)?,
            });
            links.push((
                "self-assessment.html",
                format!("Complaint Handling Code self-assessment, {}", r.period.label()),
                "Every provision of the Code: the answer, the evidence and, where the case data can show it, the year's figures.",
            ));
            links.push((
                "self-assessment.csv",
                "The self-assessment as a spreadsheet".to_string(),
                "The same table, ready to publish.",
            ));
        }
        let (context, held) = annual::annual_context(input, a, &sections)?;
        outputs.push(Output {
            name: "annual-complaints-report.html".into(),
            bytes: render_page(&env, "annual-complaints-report.html", context)?,
        });
        outputs.push(Output { name: ANNUAL_REVIEW.into(), bytes: held_csv(held)? });
        links.push((
            "annual-complaints-report.html",
            format!("Annual complaints performance and service improvement report, {}", r.period.label()),
            "The year for the governing body and for publication, with the self-assessment and the governing body's response.",
        ));
    }
    if let Some(m) = input.monthly {
        outputs.push(Output {
            name: "monthly-pack.html".into(),
            bytes: render_page(&env, "monthly-pack.html", monthly::monthly_context(input, m)?)?,
        });
        links.push((
            "monthly-pack.html",
            format!("Monthly performance pack, {}", m.period.label()),
            "Overdue and due-soon cases by service area, and month-on-month timeliness.",
        ));
    }
    links.extend([
        (
            "metrics.json",
            "Every figure, with numerator, denominator and rule".to_string(),
            "For programs and analysts.",
        ),
        (
            "tsm.csv",
            format!(
                "Tenant Satisfaction Measures (CH01, CH02 and TP09 where the survey figures are given), {}",
                if r.tsm_year_to_date() { format!("{} to date", r.tsm_year) } else { r.tsm_year.to_string() }
            ),
            "Regulator of Social Housing return figures.",
        ),
    ]);
    if !input.quarters.is_empty() {
        links.push((
            "housemark.csv",
            "HouseMark benchmarking indicators".to_string(),
            "One row per indicator and quarter.",
        ));
    }
    links.extend([
        (
            "data-quality.csv",
            "Data-quality report".to_string(),
            "Every row excluded or warned about, with the reason.",
        ),
        (
            "run.json",
            "Run manifest".to_string(),
            "Inputs, their checksums, the run date and how to reproduce the run.",
        ),
    ]);
    let link_values: Vec<serde_json::Value> = links
        .iter()
        .map(|(href, title, about)| json!({"href": href, "title": title, "about": about}))
        .collect();
    outputs.push(Output {
        name: "index.html".into(),
        bytes: render_page(
            &env,
            "index.html",
            context! { page => page(input, &r.period, "Reports"), links => link_values },
        )?,
    });
    Ok(outputs)
}

/// What the personal-data screen held back, for the analyst's review.
fn held_csv(held: Vec<assembly::Held>) -> Result<Vec<u8>> {
    output::csv_bytes(
        &["case_ref", "theme", "held_back", "reason"],
        held.into_iter().map(|h| vec![h.case_ref, h.theme, h.what, h.reasons]),
    )
}

/// The satisfaction and Ombudsman tables of the report period, and whether
/// the exports behind them were given: the SMT and annual reports show both.
pub(super) fn linked_exports(input: &RenderInput) -> serde_json::Value {
    let r = input.results;
    json!({
        "surveys_read": input.quality.read("surveys"),
        "satisfaction": views::by_stream(
            r,
            &format!("Satisfaction with complaint handling, surveys dated in {}", r.period.label()),
            &["stage1", "stage2", "complaints"],
            &[("Surveys returned", "surveyed"), ("Satisfied (4 or 5 of 5)", "satisfaction_pct"), ("Response rate", "survey_response_rate_pct")],
        ),
        "satisfaction_by_area": views::by_group(
            r,
            "service_area",
            &format!("Satisfaction by service area, {}", r.period.label()),
            "Service area",
            &[("Surveys returned", "complaints_surveyed"), ("Satisfied", "complaints_satisfaction_pct")],
            true,
        ),
        "ombudsman_read": input.quality.read("ombudsman"),
        "findings": views::findings(r),
        "ombudsman_categories": input.ombudsman_categories,
        "findings_by_category": views::findings_by_category(r),
        "findings_by_area": views::by_group(
            r,
            "service_area",
            &format!("Ombudsman findings by the service area of the case, {}", r.period.label()),
            "Service area",
            &[("Findings", "complaints_ombudsman_findings"), ("Maladministration rate", "complaints_maladministration_rate_pct")],
            true,
        ),
    })
}

pub(super) fn page(input: &RenderInput, period: &Period, title: &str) -> serde_json::Value {
    json!({
        "title": title,
        "landlord": input.landlord,
        "period": period.label(),
        "period_id": period.to_string(),
        "from": format::uk_date(period.start()),
        "to": format::uk_date(period.end()),
        "as_of": format::uk_date(input.as_of),
        // Run before the period ends: its figures cover only part of it.
        "unfinished": input.as_of < period.end(),
        "version": env!("CARGO_PKG_VERSION"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_template_compiles() {
        let env = environment(None);
        for (name, _) in TEMPLATES.iter().filter(|(n, _)| n.ends_with(".html")) {
            env.get_template(name).unwrap_or_else(|e| panic!("{name}: {e:#}"));
        }
    }
}
