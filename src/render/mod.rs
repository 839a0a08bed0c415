//! Stage 5, render: turn the computed results into files — `metrics.json`,
//! `tsm.csv`, `housemark.csv`, the HTML reports and `index.html`. Reports are
//! minijinja templates (bundled, or a landlord's own folder) filled with view
//! models that arrive fully computed; charts are inline SVG, so every report
//! is one self-contained file that opens offline.

pub mod annual;
pub mod assembly;
pub mod charts;
pub mod format;
pub mod views;

use std::path::PathBuf;
use std::sync::OnceLock;

use chrono::NaiveDate;
use minijinja::{context, Environment, UndefinedBehavior};
use serde::Deserialize;
use serde_json::json;

use crate::error::{Error, Result};
use crate::metrics::{Catalogue, Figure, OpenCases, Results, Unit};
use crate::output::{self, Output};
use crate::period::{Granularity, Period};
use crate::pipeline::DataQuality;
use views::{Cell, Table, TrendSpec};

/// How CH01 and CH02 are counted, as the reports and metrics.json state it.
pub const TSM_RULES: [&str; 2] = [
    "complaints received in the year (to date) at the stage ÷ homes owned of the stock type (latest [homes] entry at or before the year) × 1,000, to 1 decimal place; withdrawn complaints count, refused complaints do not; a complaint escalated to stage 2 counts once at each stage",
    "complaints responded to in the year (to date) at the stage within the timescale ÷ complaints responded to in the year at the stage × 100, to 1 decimal place; the timescale is the landlord's, by the working-day rules; withdrawn complaints without a response are not counted",
];

/// How TP09 is made, as the reports and metrics.json state it.
pub const TP09_RULE: &str = "respondents to the annual perception survey who said they had complained in the last 12 months and were very or fairly satisfied with the approach to complaints handling ÷ those respondents × 100, to 1 decimal place; an input figure from [tp09.\"<year>\"] in the config, not counted from cases; LCRA and LCHO separately, with no combined figure";

pub const EMBEDDED_HOUSEMARK: &str = include_str!("../../queries/housemark.toml");

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

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub id: String,
    pub figure: String,
    pub definition: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct IndicatorFile {
    indicator: Vec<Indicator>,
}

pub fn housemark_indicators() -> &'static [Indicator] {
    static INDICATORS: OnceLock<Vec<Indicator>> = OnceLock::new();
    INDICATORS.get_or_init(|| {
        toml::from_str::<IndicatorFile>(EMBEDDED_HOUSEMARK)
            .expect("queries/housemark.toml is valid (unit test)")
            .indicator
    })
}

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
    pub templates_dir: Option<PathBuf>,
    pub quality_csv: Vec<u8>,
    /// Learning actions of complaints closed in the period.
    pub actions: &'a [crate::metrics::LearningAction],
    pub assembly: &'a crate::config::CustomerAssemblyConfig,
    pub themes: &'a crate::config::ThemesConfig,
    pub repeat_households: RepeatHouseholds,
    /// The Code self-assessment and annual report inputs (year runs).
    pub annual: Option<&'a annual::AnnualInput>,
    /// Names never to publish, for the personal-data screen.
    pub people_names: &'a [String],
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
    let r = input.results;
    let mut outputs = vec![
        Output { name: "metrics.json".into(), bytes: metrics_json(input)? },
        Output { name: "tsm.csv".into(), bytes: tsm_csv(r)? },
        Output { name: "data-quality.csv".into(), bytes: input.quality_csv.clone() },
    ];
    if !input.quarters.is_empty() {
        outputs.push(Output {
            name: "housemark.csv".into(),
            bytes: housemark_csv(input.quarter_figures, input.quarters)?,
        });
    }
    let env = environment(input.templates_dir.clone());
    let mut links = vec![];
    if r.period.granularity() == Granularity::Quarter {
        outputs.push(Output {
            name: "smt-report.html".into(),
            bytes: render_page(&env, "smt-report.html", smt_context(input)?)?,
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
        let (assembly, held) = assembly::assemble(r, input.actions, input.assembly, linked);
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
                    self_assessment_context(input, a, &sections),
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
        let (context, held) = annual_context(input, a, &sections)?;
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
            bytes: render_page(&env, "monthly-pack.html", monthly_context(input, m)?)?,
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
                if r.tsm_to < r.tsm_year.end() {
                    format!("{} to date", r.tsm_year)
                } else {
                    r.tsm_year.to_string()
                }
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
        &["case_ref", "theme", "reason", "text"],
        held.into_iter().map(|h| vec![h.case_ref, h.theme, h.reasons, h.text]),
    )
}

/// The satisfaction and Ombudsman tables of the report period, and whether
/// the exports behind them were given: the SMT and annual reports show both.
fn linked_exports(input: &RenderInput) -> serde_json::Value {
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

fn self_assessment_context(
    input: &RenderInput,
    a: &annual::AnnualInput,
    sections: &[annual::SectionRows],
) -> minijinja::Value {
    let r = input.results;
    context! {
        page => page(input, &r.period, "Complaint Handling Code self-assessment"),
        code => json!({"title": a.code.title, "edition": a.code.edition, "in_force_from": format::uk_date(a.code.in_force_from)}),
        sa => a.self_assessment.as_ref().map(annual::approval),
        summary => annual::summary(sections),
        problems => annual::problems(a),
        sections => sections,
        threshold => a.threshold_pct,
    }
}

const ANNUAL_FIGURES: [&str; 14] = [
    "stage1_received",
    "stage2_received",
    "complaints_per_1000_homes",
    "stage1_ack_on_time_pct",
    "stage2_ack_on_time_pct",
    "stage1_on_time_pct",
    "stage2_on_time_pct",
    "stage1_avg_working_days",
    "stage2_avg_working_days",
    "complaints_upheld_pct",
    "complaints_escalation_rate_pct",
    "complaints_refused",
    "complaints_compensation_gbp",
    "complaints_satisfaction_pct",
];

fn annual_context(
    input: &RenderInput,
    a: &annual::AnnualInput,
    sections: &[annual::SectionRows],
) -> Result<(minijinja::Value, Vec<assembly::Held>)> {
    let r = input.results;
    let screen = crate::screen::Screen::new(input.people_names);
    let (quoted, held) = assembly::quote_learning(&r.themes, input.actions, &screen, &|_| true, 5);
    let improvements: Vec<serde_json::Value> = quoted
        .into_iter()
        .filter(|(_, actions)| !actions.is_empty())
        .map(|(th, actions)| json!({"theme": th.theme, "count": format::count(th.count), "actions": actions}))
        .collect();
    let outcomes = views::by_stream(
        r,
        &format!("Complaints by stage, {}", r.period.label()),
        &["stage1", "stage2", "complaints"],
        &[
            ("Received", "received"),
            ("Responded to", "responded"),
            ("On time", "on_time_pct"),
            ("Upheld", "upheld_pct"),
            ("Partially upheld", "partially_upheld_pct"),
            ("Not upheld", "not_upheld_pct"),
            ("Withdrawn", "withdrawn"),
        ],
    );
    let context = context! {
        page => page(input, &r.period, "Annual complaints performance and service improvement report"),
        code => json!({"title": a.code.title, "edition": a.code.edition}),
        member_responsible => a.member_responsible,
        governing_body_response => a.governing_body_response,
        has_self_assessment => a.self_assessment.is_some(),
        approval => a.self_assessment.as_ref().map(annual::approval),
        submission => annual::submission(a.homes, r.period.financial_year()),
        summary => annual::summary(sections),
        problems => annual::problems(a),
        sections => sections,
        non_compliance => annual::non_compliance(sections),
        year_on_year => annual::year_on_year(r, input.catalogue, &ANNUAL_FIGURES),
        quarters => annual::quarter_by_quarter(r, input.quarter_figures, input.quarters, input.catalogue, &ANNUAL_FIGURES[..13]),
        outcomes => outcomes,
        by_service_area => views::breakdown(r, "service_area", &format!("Complaints by service area, {}", r.period.label()), "Service area"),
        by_category => views::breakdown(r, "category", &format!("Complaints by category, {}", r.period.label()), "Category"),
        refused => views::by_group(r, "refusal_reason", &format!("Complaints refused in {}, by reason", r.period.label()), "Reason", &[("Refused", "complaints_refused")], true),
        themes => views::themes(r, input.themes.emerging_lookback),
        themes_by_area => views::themes_by_service_area(r),
        improvements => improvements,
        linked => linked_exports(input),
        tsm => annual::tsm_table(&r.tsm, &r.tsm_year),
        tsm_rules => [
            ("CH01", TSM_RULES[0]),
            ("CH02", TSM_RULES[1]),
            ("TP09", TP09_RULE),
        ].iter().map(|(m, rule)| json!({"measure": m, "rule": rule})).collect::<Vec<_>>(),
        quality => input.quality,
        quality_table => views::quality(input.quality),
        definitions => views::definitions(input.catalogue),
        working_day_rules => input.rules["working_days"].clone(),
    };
    Ok((context, held))
}

fn page(input: &RenderInput, period: &Period, title: &str) -> serde_json::Value {
    json!({
        "title": title,
        "landlord": input.landlord,
        "period": period.label(),
        "period_id": period.to_string(),
        "from": format::uk_date(period.start()),
        "to": format::uk_date(period.end()),
        "as_of": format::uk_date(input.as_of),
        "version": env!("CARGO_PKG_VERSION"),
    })
}

fn metrics_json(input: &RenderInput) -> Result<Vec<u8>> {
    let r = input.results;
    let value = json!({
        "redress_version": env!("CARGO_PKG_VERSION"),
        "landlord": input.landlord,
        "period": {
            "id": r.period.to_string(),
            "label": r.period.label(),
            "granularity": r.period.granularity(),
            "start": r.period.start(),
            "end": r.period.end(),
        },
        "as_of": input.as_of,
        "comparisons": {
            "previous": r.previous.to_string(),
            "same_period_last_year": r.same_period_last_year.to_string(),
        },
        "trend_periods": r.trend.iter().map(|p| p.to_string()).collect::<Vec<_>>(),
        "rules": input.rules,
        "definitions": crate::metrics::definitions(input.catalogue),
        "figures": all_figures(input),
        "targets": r.targets,
        "rag_rule": rag_rule(r.amber_margin),
        "learning_themes": {
            "rule": format!(
                "complaints responded to in the period by learning theme: as recorded at closure, or else inferred from the [themes] taxonomy (the first theme with a phrase at the start of a word in the category, then the description, then the learning action); emerging when the count is at least {} and at least {} times the average of the {} periods before",
                input.themes.emerging_min_count, input.themes.emerging_ratio, input.themes.emerging_lookback
            ),
            "taxonomy": input.themes.taxonomy,
            "rows": r.themes,
        },
        "repeat_households": {
            "rule": "households (compared by a keyed hash that is never written) with two or more stage 1 complaints received in the period, refused excluded",
            "households": input.repeat_households.households,
            "complaints": input.repeat_households.complaints,
            "window_days": input.repeat_households.window_days,
        },
        "tsm": {
            "year": r.tsm_year.to_string(),
            "from": r.tsm_year.start(),
            "to": r.tsm_to,
            "year_to_date": r.tsm_to < r.tsm_year.end(),
            "rules": {
                "CH01": TSM_RULES[0],
                "CH02": TSM_RULES[1],
                "TP09": TP09_RULE,
            },
            "rows": r.tsm,
        },
        "open_cases": input.open,
        "data_quality": input.quality,
    });
    let mut value = value;
    if let Some(a) = input.annual {
        value["self_assessment"] = self_assessment_json(a);
    }
    output::json_bytes(&value, "metrics.json")
}

/// The self-assessment in metrics.json: the answers' counts, the checks the
/// year's data raised and the problems with the file (figures are in `figures`).
fn self_assessment_json(a: &annual::AnnualInput) -> serde_json::Value {
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

pub fn rag_rule(margin: f64) -> String {
    format!(
        "Green: the target is met. Amber: missed by {m} or less (percentage points for percentages, working days for averages). Red: missed by more than {m}. Grey: no figure for the period.",
        m = format::one_place(margin).trim_end_matches(".0")
    )
}

fn tsm_csv(r: &Results) -> Result<Vec<u8>> {
    output::csv_bytes(
        &["measure", "stock_type", "stage", "numerator", "denominator", "value"],
        r.tsm.iter().map(|row| {
            vec![
                row.measure.to_string(),
                row.stock_type.clone(),
                row.stage.map(|s| s.to_string()).unwrap_or_default(),
                output::number(row.numerator),
                output::number(row.denominator),
                row.value.map(|v| output::fixed(v, 1)).unwrap_or_default(),
            ]
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

fn housemark_csv(figures: &[Figure], quarters: &[Period]) -> Result<Vec<u8>> {
    let mut rows = Vec::new();
    for q in quarters {
        let p = q.to_string();
        for ind in housemark_indicators() {
            let f = figures.iter().find(|f| f.id == ind.figure && f.period == p && f.breakdown == "all");
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

const KEY_FIGURES: [&str; 17] = [
    "stage1_received",
    "stage2_received",
    "complaints_per_1000_homes",
    "stage1_ack_on_time_pct",
    "stage2_ack_on_time_pct",
    "stage1_on_time_pct",
    "stage2_on_time_pct",
    "stage1_avg_working_days",
    "stage2_avg_working_days",
    "stage1_upheld_pct",
    "stage1_partially_upheld_pct",
    "stage2_upheld_pct",
    "complaints_escalation_rate_pct",
    "stage1_extended_pct",
    "complaints_withdrawn",
    "complaints_refused",
    "complaints_compensation_gbp",
];

const FALLBACK_TILES: [&str; 4] =
    ["stage1_received", "stage1_on_time_pct", "stage2_on_time_pct", "complaints_escalation_rate_pct"];

fn smt_context(input: &RenderInput) -> Result<minijinja::Value> {
    let r = input.results;
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
        tiles => views::tiles(r, input.catalogue, &FALLBACK_TILES),
        rag_rule => rag_rule(r.amber_margin),
        comparison => views::comparison(r, input.catalogue, &KEY_FIGURES),
        charts => charts,
        by_service_area => views::breakdown(r, "service_area", &format!("Complaints by service area, {}", r.period.label()), "Service area"),
        by_category => views::breakdown(r, "category", &format!("Complaints by category, {}", r.period.label()), "Category"),
        open_summary => views::open_summary(input.open),
        overdue => views::overdue_cases(input.open, 50),
        extensions => extensions,
        themes => views::themes(r, input.themes.emerging_lookback),
        themes_by_area => views::themes_by_service_area(r),
        compensation => compensation,
        linked => linked_exports(input),
        repeats => views::comparison(r, input.catalogue, &["stage1_repeat_complaint_pct", "stage1_repeat_issue_pct"]),
        repeat_households => input.repeat_households,
        themes_rule => format!(
            "A theme is inferred (from the category, then the description, then the learning action, using the landlord's taxonomy) only where the officer recorded none. A theme is emerging when this quarter's count is at least {} and at least {} times its average over the {} quarters before.",
            input.themes.emerging_min_count, input.themes.emerging_ratio, input.themes.emerging_lookback
        ),
        feedback => feedback,
        housemark => housemark_table(r),
        quality => input.quality,
        quality_table => views::quality(input.quality),
        definitions => views::definitions(input.catalogue),
        working_day_rules => input.rules["working_days"].clone(),
    })
}

fn monthly_context(input: &RenderInput, m: &Results) -> Result<minijinja::Value> {
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
    let mut feedback = Vec::new();
    if input.quality.read("surveys") {
        feedback.extend(["complaints_satisfaction_pct", "complaints_surveyed"]);
    }
    if input.quality.read("ombudsman") {
        feedback.extend(["complaints_ombudsman_findings", "complaints_maladministration_rate_pct"]);
    }
    feedback.extend(["stage1_repeat_complaint_pct", "stage1_repeat_issue_pct"]);
    let mut feedback = views::comparison(m, input.catalogue, &feedback);
    feedback.caption =
        format!("Satisfaction, Ombudsman findings and repeat complaints: {}", feedback.caption);
    Ok(context! {
        page => page(input, &m.period, "Complaints performance: monthly pack"),
        feedback => feedback,
        tiles => views::tiles(m, input.catalogue, &FALLBACK_TILES),
        rag_rule => rag_rule(m.amber_margin),
        open_summary => views::open_summary(input.open),
        overdue => views::overdue_cases(input.open, 100),
        due_soon => views::due_soon_cases(input.open, 100),
        charts => vec![chart, volumes],
        comparison => views::comparison(m, input.catalogue, &KEY_FIGURES),
        by_service_area => views::breakdown(m, "service_area", &format!("Complaints by service area, {}", m.period.label()), "Service area"),
        quality => input.quality,
        quality_table => views::quality(input.quality),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn housemark_indicators_name_real_figures() {
        let catalogue = Catalogue::embedded();
        for ind in housemark_indicators() {
            let (stream, measure) = ind.figure.split_once('_').unwrap();
            let m = catalogue.measure(measure).unwrap_or_else(|| panic!("{}: no measure {measure}", ind.id));
            assert!(m.streams.iter().any(|s| s == stream), "{}: {measure} is not made for {stream}", ind.id);
        }
        // Domain.md section 5's list: 20 from the case export, with
        // satisfaction (surveys) and the maladministration rate (Ombudsman).
        assert_eq!(housemark_indicators().len(), 22);
    }

    #[test]
    fn every_bundled_template_compiles() {
        let env = environment(None);
        for (name, _) in TEMPLATES.iter().filter(|(n, _)| n.ends_with(".html")) {
            env.get_template(name).unwrap_or_else(|e| panic!("{name}: {e:#}"));
        }
    }
}
