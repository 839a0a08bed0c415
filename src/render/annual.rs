//! The annual documents: the Code self-assessment (`self-assessment.html`
//! and `.csv`) and the annual complaints performance and service improvement
//! report. View models only; the checks and measured figures come from
//! [`crate::self_assessment`].

use minijinja::context;
use serde::Serialize;
use serde_json::json;

use super::lists::{ids, report_figures};
use super::views::{self, Cell, Table};
use super::{assembly, linked_exports, page, RenderInput};
use crate::code::Code;
use crate::error::Result;
use crate::format;
use crate::metrics::tsm::{TP09_RULE, TSM_RULES};
use crate::metrics::{Catalogue, Figure, Results, TsmRow, Unit};
use crate::period::Period;
use crate::self_assessment::{Comply, Measured, Problem, SelfAssessment};

/// Everything the annual documents need beyond the year's results.
pub struct AnnualInput {
    pub code: Code,
    pub self_assessment: Option<SelfAssessment>,
    pub measured: Vec<Measured>,
    /// The governing body's response, paragraph by paragraph.
    pub governing_body_response: Vec<String>,
    pub member_responsible: Option<String>,
    pub threshold_pct: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProvisionRow {
    pub id: String,
    pub requirement: String,
    /// "Yes", "No" or "Not answered".
    pub comply: &'static str,
    pub evidence: String,
    pub links: Vec<crate::self_assessment::Link>,
    /// The year's figures from the case data, each with its working.
    pub measured: Vec<String>,
    pub commentary: String,
    pub action: String,
    pub target_date: String,
    pub flag: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionRows {
    pub number: u32,
    pub title: String,
    pub rows: Vec<ProvisionRow>,
}

/// A measured figure in words: "Stage 1: responded to on time 71.4% (5 of 7)".
fn measured_text(catalogue: &Catalogue, f: &Figure) -> String {
    let mut label = views::figure_label(catalogue, &f.id);
    if f.breakdown != "all" {
        label = format!("{label}, {}: {}", f.breakdown.replace('_', " "), f.group);
    }
    format!("{label}: {}", Cell::figure(Some(f)).inline())
}

/// One table per Code section, answers and measured figures side by side.
pub fn sections(a: &AnnualInput, catalogue: &Catalogue) -> Vec<SectionRows> {
    a.code
        .sections
        .iter()
        .map(|s| SectionRows {
            number: s.number,
            title: s.title.clone(),
            rows: a
                .code
                .provisions
                .iter()
                .filter(|p| p.section == s.number)
                .map(|p| {
                    let answer = a.self_assessment.as_ref().and_then(|sa| sa.answer(&p.id));
                    let measured = a.measured.iter().find(|m| m.provision == p.id);
                    ProvisionRow {
                        id: p.id.clone(),
                        requirement: p.requirement.clone(),
                        comply: match answer.and_then(|x| x.comply) {
                            Some(Comply::Yes) => "Yes",
                            Some(Comply::No) => "No",
                            None => "Not answered",
                        },
                        evidence: answer.map(|x| x.evidence.clone()).unwrap_or_default(),
                        links: answer.map(|x| x.links.clone()).unwrap_or_default(),
                        measured: match measured {
                            Some(m) if m.missing_export.is_some() => vec![format!(
                                "No figures: the {} export was not given ([{}] in the configuration).",
                                m.missing_export
                                    .as_deref()
                                    .unwrap_or_default()
                                    .replace("ombudsman", "Housing Ombudsman"),
                                m.missing_export.as_deref().unwrap_or_default()
                            )],
                            Some(m) => m.figures.iter().map(|f| measured_text(catalogue, f)).collect(),
                            None => Vec::new(),
                        },
                        commentary: answer.map(|x| x.commentary.clone()).unwrap_or_default(),
                        action: answer.map(|x| x.action.clone()).unwrap_or_default(),
                        target_date: answer
                            .and_then(|x| x.target_date)
                            .map(format::uk_date)
                            .unwrap_or_default(),
                        flag: measured.and_then(|m| m.flag.clone()),
                    }
                })
                .collect(),
        })
        .collect()
}

/// `self-assessment.csv`: the published form, one row per provision.
pub fn self_assessment_csv(sections: &[SectionRows]) -> Result<Vec<u8>> {
    let rows = sections.iter().flat_map(|s| {
        s.rows.iter().map(move |r| {
            vec![
                s.number.to_string(),
                s.title.clone(),
                r.id.clone(),
                r.requirement.clone(),
                r.comply.to_string(),
                r.evidence.clone(),
                r.links.iter().map(|l| l.text.clone()).collect::<Vec<_>>().join("; "),
                r.measured.join("; "),
                r.commentary.clone(),
                r.action.clone(),
                r.target_date.clone(),
                r.flag.clone().unwrap_or_default(),
            ]
        })
    });
    crate::output::csv_bytes(
        &[
            "section",
            "section_title",
            "code_provision",
            "code_requirement",
            "comply",
            "evidence",
            "evidence_links",
            "measured_for_the_year",
            "commentary",
            "action",
            "target_date",
            "check",
        ],
        rows,
    )
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub provisions: usize,
    pub yes: usize,
    pub no: usize,
    pub not_answered: usize,
    pub flagged: usize,
}

pub fn summary(sections: &[SectionRows]) -> Summary {
    let rows: Vec<&ProvisionRow> = sections.iter().flat_map(|s| &s.rows).collect();
    Summary {
        provisions: rows.len(),
        yes: rows.iter().filter(|r| r.comply == "Yes").count(),
        no: rows.iter().filter(|r| r.comply == "No").count(),
        not_answered: rows.iter().filter(|r| r.comply == "Not answered").count(),
        flagged: rows.iter().filter(|r| r.flag.is_some()).count(),
    }
}

/// What the officer must fix before publishing, in the file's terms.
pub fn problems(a: &AnnualInput) -> Vec<String> {
    a.self_assessment.iter().flat_map(|sa| sa.problems.iter().map(Problem::to_string)).collect()
}

/// Provisions answered "no", and answers the data contradicts.
pub fn non_compliance(sections: &[SectionRows]) -> Table {
    let mut t = Table::new(
        "Non-compliance with the Code found by the self-assessment, and answers the year's data questions",
        "Provision",
        &[("Requirement", false), ("Finding", false), ("Action", false), ("By", false)],
    );
    for r in sections.iter().flat_map(|s| &s.rows) {
        if r.comply == "Yes" && r.flag.is_none() {
            continue;
        }
        let finding = match (&r.flag, r.comply) {
            (Some(flag), _) => flag.clone(),
            (None, "No") => format!("Does not comply. {}", r.evidence),
            _ => "Not answered in the self-assessment.".to_string(),
        };
        t.row(
            r.id.clone(),
            vec![
                Cell::text(r.requirement.clone()),
                Cell::text(finding),
                Cell::text(r.action.clone()),
                Cell::text(r.target_date.clone()),
            ],
        );
    }
    t.empty = "The self-assessment found no non-compliance.".into();
    t
}

/// This year against last year for the given figures, with the change.
pub fn year_on_year(results: &Results, catalogue: &Catalogue, ids: &[&str]) -> Table {
    let (now, before) = (results.period, results.previous);
    let mut t = Table::new(
        format!("{} compared with {}", now.label(), before.label()),
        "Measure",
        &[(&now.label(), true), (&before.label(), true), ("Change", true)],
    );
    for id in ids {
        let (a, b) = (results.figure(id, &now), results.figure(id, &before));
        let change = match (a.and_then(|f| f.value), b.and_then(|f| f.value), a.map(|f| f.unit)) {
            (Some(x), Some(y), Some(unit)) => {
                let d = crate::metrics::round(x - y, 2);
                let sign = if d > 0.0 { "+" } else { "" };
                match unit {
                    Unit::Percent => format!("{sign}{} points", format::one_place(d)),
                    Unit::Gbp => format!("{sign}{}", format::gbp(d)),
                    Unit::Count => format!("{sign}{}", format::count(d)),
                    _ => format!("{sign}{}", format::one_place(d)),
                }
            }
            _ => "–".into(),
        };
        t.row(
            views::figure_label(catalogue, id),
            vec![Cell::figure(a), Cell::figure(b), Cell::number(change)],
        );
    }
    t
}

/// Rows: figures; columns: the year's quarters, then the year.
pub fn quarter_by_quarter(
    results: &Results,
    quarter_figures: &[Figure],
    quarters: &[Period],
    catalogue: &Catalogue,
    ids: &[&str],
) -> Table {
    let labels: Vec<String> = quarters.iter().map(views::short_label).collect();
    let mut cols: Vec<(&str, bool)> = labels.iter().map(|l| (l.as_str(), true)).collect();
    let year = results.period.label();
    cols.push((&year, true));
    let mut t = Table::new(format!("{} quarter by quarter", results.period.label()), "Measure", &cols);
    for id in ids {
        let mut cells: Vec<Cell> = quarters
            .iter()
            .map(|q| {
                let p = q.to_string();
                Cell::figure(
                    quarter_figures.iter().find(|f| f.id == *id && f.period == p && f.breakdown == "all"),
                )
            })
            .collect();
        cells.push(Cell::figure(results.figure(id, &results.period)));
        t.row(views::figure_label(catalogue, id), cells);
    }
    t
}

/// CH01, CH02 and TP09 for the year, each with its numerator and denominator.
pub fn tsm_table(rows: &[TsmRow], year: &Period) -> Table {
    let mut t = Table::new(
        format!("Tenant Satisfaction Measures, {}", year.label()),
        "Measure",
        &[("Stock", false), ("Stage", false), ("Value", true), ("Numerator", true), ("Denominator", true)],
    );
    for r in rows {
        let value = match (r.measure, r.value) {
            (_, None) => r.note.clone().unwrap_or_else(|| "–".into()),
            ("CH01", Some(v)) => format!("{} per 1,000 homes", format::one_place(v)),
            (_, Some(v)) => format!("{}%", format::one_place(v)),
        };
        t.row(
            r.measure,
            vec![
                Cell::text(r.stock_type.clone()),
                Cell::text(r.stage.map(|s| format!("Stage {s}")).unwrap_or_default()),
                Cell::number(value),
                Cell::number(format::count(r.numerator)),
                Cell::number(format::count(r.denominator)),
            ],
        );
    }
    t
}

pub(super) fn self_assessment_context(
    input: &RenderInput,
    a: &AnnualInput,
    sections: &[SectionRows],
) -> minijinja::Value {
    let r = input.results;
    context! {
        page => page(input, &r.period, "Complaint Handling Code self-assessment"),
        code => json!({"title": a.code.title, "edition": a.code.edition, "in_force_from": format::uk_date(a.code.in_force_from)}),
        sa => a.self_assessment.as_ref().map(|sa| json!({
            "year": sa.year,
            "completed_by": sa.completed_by,
            "completed_on": sa.completed_on.map(format::uk_date),
        })),
        summary => summary(sections),
        problems => problems(a),
        sections => sections,
        threshold => a.threshold_pct,
    }
}

pub(super) fn annual_context(
    input: &RenderInput,
    a: &AnnualInput,
    sections: &[SectionRows],
) -> Result<(minijinja::Value, Vec<assembly::Held>)> {
    let r = input.results;
    let figures = &report_figures().annual;
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
        summary => summary(sections),
        problems => problems(a),
        sections => sections,
        non_compliance => non_compliance(sections),
        year_on_year => year_on_year(r, input.catalogue, &ids(&figures.year_on_year)),
        quarters => quarter_by_quarter(r, input.quarter_figures, input.quarters, input.catalogue, &ids(&figures.quarter_by_quarter)),
        outcomes => outcomes,
        by_service_area => views::breakdown(r, "service_area", &format!("Complaints by service area, {}", r.period.label()), "Service area"),
        by_category => views::breakdown(r, "category", &format!("Complaints by category, {}", r.period.label()), "Category"),
        refused => views::by_group(r, "refusal_reason", &format!("Complaints refused in {}, by reason", r.period.label()), "Reason", &[("Refused", "complaints_refused")], true),
        themes => views::themes(r, input.themes.emerging_lookback),
        themes_by_area => views::themes_by_service_area(r),
        improvements => improvements,
        linked => linked_exports(input),
        tsm => tsm_table(&r.tsm, &r.tsm_year),
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
