//! The annual documents: the Code self-assessment (`self-assessment.html`
//! and `.csv`) and the annual complaints performance and service improvement
//! report. View models only; the checks and measured figures come from
//! [`crate::self_assessment`].

use chrono::{Datelike, Months, NaiveDate};
use minijinja::context;
use serde::Serialize;
use serde_json::json;

use super::lists::{ids, report_figures};
use super::views::{self, Cell, Table};
use super::{assembly, linked_exports, page, RenderInput};
use crate::code::Code;
use crate::config::HomesOwned;
use crate::error::Result;
use crate::format;
use crate::metrics::results::FindingRow;
use crate::metrics::tsm::TP09_RULE;
use crate::metrics::{Catalogue, Figure, Results, TsmRow, Unit};
use crate::period::{FinancialYear, Period};
use crate::sector::TsmCode;
use crate::self_assessment::{Comply, Measured, Problem, SelfAssessment};

/// Everything the annual documents need beyond the year's results.
pub struct AnnualInput {
    pub code: Code,
    pub self_assessment: Option<SelfAssessment>,
    pub measured: Vec<Measured>,
    /// The governing body's response, paragraph by paragraph.
    pub governing_body_response: Vec<String>,
    /// The Housing Ombudsman's annual letter, paragraph by paragraph; None
    /// when `annual_report.ombudsman_annual_letter` is not set.
    pub ombudsman_annual_letter: Option<Vec<String>>,
    /// The year's findings of a failing in complaint handling.
    pub complaint_handling: ComplaintHandling,
    pub member_responsible: Option<String>,
    pub threshold_pct: f64,
    /// The `[homes]` entry that applies to the year (`Config::homes_for`), and
    /// the year it applies from.
    pub homes: Option<(FinancialYear, HomesOwned)>,
}

/// The Ombudsman's findings of a failing in the landlord's complaint
/// handling in the year (the Code's "findings of non-compliance"), or why
/// they cannot be listed.
#[derive(Debug, Clone, Serialize)]
pub struct ComplaintHandling {
    /// "listed"; "no_export" (no Ombudsman export is configured);
    /// "no_category_column" (no Ombudsman export has a category column, so
    /// no finding can be told to be about complaint handling); "no_count"
    /// (the metric definitions in use have no `complaint_handling_failings`).
    pub status: &'static str,
    /// By determination date; empty unless listed.
    pub failings: Vec<FindingRow>,
}

impl ComplaintHandling {
    /// From the exports (and `<export>.<column>`s) the run read, and the
    /// findings the count picked (None: the count is not defined).
    pub fn new(read: &[&str], failings: Option<Vec<FindingRow>>) -> ComplaintHandling {
        let status = if !read.contains(&"ombudsman") {
            "no_export"
        } else if !read.contains(&crate::code::OMBUDSMAN_CATEGORIES) {
            "no_category_column"
        } else if failings.is_none() {
            "no_count"
        } else {
            "listed"
        };
        let failings = if status == "listed" { failings.unwrap_or_default() } else { Vec::new() };
        ComplaintHandling { status, failings }
    }
}

/// The year's complaint-handling failings: date, case reference and finding.
pub fn complaint_handling_table(ch: &ComplaintHandling, year: &Period) -> Table {
    let mut t = Table::new(
        format!(
            "The Housing Ombudsman's findings of a failing in our complaint handling, determined in {}",
            year.label()
        ),
        "Determination date",
        &[("Case reference", false), ("Finding", false)],
    );
    for f in &ch.failings {
        t.row(
            format::uk_date(f.determination_date),
            vec![Cell::text(f.case_ref.clone()), Cell::text(views::finding_label(&f.finding))],
        );
    }
    t.empty = "None in this year.".into();
    t
}

/// Why a data-evidenced provision has no figures: an export not given, or
/// given without the column the figures need (`<export>.<column>`).
fn missing_text(missing: &str) -> String {
    let name = |export: &str| export.replace("ombudsman", "Housing Ombudsman");
    match missing.split_once('.') {
        None => format!(
            "No figures: the {} export was not given ([{missing}] in the configuration).",
            name(missing)
        ),
        Some((export, column)) => format!(
            "No figures: the {} export has no {column} column ([{export}.columns] {column} in the configuration).",
            name(export)
        ),
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ProvisionRow {
    pub id: String,
    /// False for a provision the Ombudsman's form does not ask, shown only
    /// because the file answers it; not counted in the summary.
    pub assessed: bool,
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

/// One table per Code section, answers and measured figures side by side:
/// the provisions the Ombudsman's form asks, as the published form shows
/// them, and any other provision only if the file answers it.
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
                .filter_map(|p| {
                    let answer = a.self_assessment.as_ref().and_then(|sa| sa.answer(&p.id));
                    if !p.assessed && answer.is_none() {
                        return None;
                    }
                    let measured = a.measured.iter().find(|m| m.provision == p.id);
                    Some(ProvisionRow {
                        id: p.id.clone(),
                        assessed: p.assessed,
                        requirement: p.requirement.clone(),
                        comply: match answer.and_then(|x| x.comply) {
                            Some(Comply::Yes) => "Yes",
                            Some(Comply::No) => "No",
                            None => "Not answered",
                        },
                        evidence: answer.map(|x| x.evidence.clone()).unwrap_or_default(),
                        links: answer.map(|x| x.links.clone()).unwrap_or_default(),
                        measured: match measured {
                            Some(m) => match &m.missing_export {
                                Some(missing) => vec![missing_text(missing)],
                                None => m.figures.iter().map(|f| measured_text(catalogue, f)).collect(),
                            },
                            None => Vec::new(),
                        },
                        commentary: answer.map(|x| x.commentary.clone()).unwrap_or_default(),
                        action: answer.map(|x| x.action.clone()).unwrap_or_default(),
                        target_date: answer
                            .and_then(|x| x.target_date)
                            .map(format::uk_date)
                            .unwrap_or_default(),
                        flag: measured.and_then(|m| m.flag.clone()),
                    })
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
                if r.assessed { "yes" } else { "no" }.to_string(),
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
            "on_ombudsman_form",
        ],
        rows,
    )
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// The provisions on the Ombudsman's form, and their answers.
    pub provisions: usize,
    pub yes: usize,
    pub no: usize,
    pub not_answered: usize,
    /// Rows marked "Check", wherever they are.
    pub flagged: usize,
    /// Provisions the form does not ask that the file answers anyway: shown,
    /// not counted above.
    pub not_on_form: usize,
}

pub fn summary(sections: &[SectionRows]) -> Summary {
    let all: Vec<&ProvisionRow> = sections.iter().flat_map(|s| &s.rows).collect();
    let form: Vec<&&ProvisionRow> = all.iter().filter(|r| r.assessed).collect();
    Summary {
        provisions: form.len(),
        yes: form.iter().filter(|r| r.comply == "Yes").count(),
        no: form.iter().filter(|r| r.comply == "No").count(),
        not_answered: form.iter().filter(|r| r.comply == "Not answered").count(),
        flagged: all.iter().filter(|r| r.flag.is_some()).count(),
        not_on_form: all.len() - form.len(),
    }
}

/// Who completed the self-assessment and who approved it, for the page.
#[derive(Debug, Clone, Serialize)]
pub struct Approval {
    pub completed_by: String,
    pub completed_on: String,
    pub approved_by: String,
    pub approved_on: String,
    /// Approved by the governing body: who and when recorded, and no problem
    /// with either ([`SelfAssessment::approved`]).
    pub approved: bool,
}

pub fn approval(sa: &SelfAssessment) -> Approval {
    Approval {
        completed_by: sa.completed_by.clone(),
        completed_on: sa.completed_on.map(format::uk_date).unwrap_or_default(),
        approved_by: sa.approved_by.clone(),
        approved_on: sa.approved_on.map(format::uk_date).unwrap_or_default(),
        approved: sa.approved(),
    }
}

/// Landlords with more homes than this submit to the Ombudsman by 30 September.
pub const SUBMISSION_HOMES_THRESHOLD: u32 = 1_000;

/// When the year's annual submission (this report, the self-assessment and
/// the governing body's response) is due at the Housing Ombudsman. The
/// Ombudsman's annual submissions guidance: "landlords with over 1,000 homes
/// must submit the form by 30 September; landlords with under 1,000 homes
/// must submit the form within 6 months after their financial year-end".
/// The Code itself (section 8) sets no date.
#[derive(Debug, Clone, Serialize)]
pub struct Submission {
    /// "over_1000": by 30 September after the year ends; "up_to_1000": within
    /// six months of the year's end; "homes_not_configured": no `[homes]`
    /// entry applies to the year, so neither can be chosen.
    pub rule: &'static str,
    pub year: String,
    pub year_end: String,
    /// Homes owned (LCRA + LCHO), then each, and the year the entry applies from.
    pub homes: String,
    pub lcra: String,
    pub lcho: String,
    pub homes_from: String,
    /// "" when homes are not configured.
    pub deadline: String,
    /// The deadline is before the run date: the report says it "was due".
    pub deadline_passed: bool,
    /// Homes outside LCRA and LCHO (leasehold, market rent), and all homes,
    /// for the sentence that gives the count; "" when there are none.
    pub others: String,
    pub all: String,
}

pub fn submission(
    homes: Option<&(FinancialYear, HomesOwned)>,
    year: FinancialYear,
    as_of: NaiveDate,
) -> Submission {
    let year_end = year.end();
    let (rule, deadline) = match homes {
        None => ("homes_not_configured", None),
        Some((_, h)) if h.social() > SUBMISSION_HOMES_THRESHOLD => {
            ("over_1000", NaiveDate::from_ymd_opt(year_end.year(), 9, 30))
        }
        Some(_) => ("up_to_1000", year_end.checked_add_months(Months::new(6))),
    };
    let n = |v: u32| format::count(f64::from(v));
    Submission {
        rule,
        year: year.to_string(),
        year_end: format::uk_date(year_end),
        homes: homes.map(|(_, h)| n(h.social())).unwrap_or_default(),
        lcra: homes.map(|(_, h)| n(h.lcra)).unwrap_or_default(),
        lcho: homes.map(|(_, h)| n(h.lcho)).unwrap_or_default(),
        homes_from: homes.map(|(from, _)| from.to_string()).unwrap_or_default(),
        deadline: deadline.map(format::uk_date).unwrap_or_default(),
        deadline_passed: deadline.is_some_and(|d| d < as_of),
        others: homes
            .map(|(_, h)| h.others.values().sum::<u32>())
            .filter(|&others| others > 0)
            .map(n)
            .unwrap_or_default(),
        all: homes.map(|(_, h)| n(h.social() + h.others.values().sum::<u32>())).unwrap_or_default(),
    }
}

/// What the officer must fix before publishing, in the file's terms.
pub fn problems(a: &AnnualInput) -> Vec<String> {
    a.self_assessment.iter().flat_map(|sa| sa.problems.iter().map(Problem::to_string)).collect()
}

/// Provisions answered "no", and answers the data contradicts.
pub fn non_compliance(sections: &[SectionRows]) -> Table {
    let mut t = Table::new(
        "Non-compliance with the Code found by the self-assessment, and answers the year's figures call into question",
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
        &[
            ("Stock", false),
            ("Stage", false),
            ("Value", true),
            ("Numerator", true),
            ("Denominator", true),
            ("Timescale used", false),
        ],
    );
    for r in rows {
        let value = match (r.measure, r.value) {
            (_, None) => r.note.clone().unwrap_or_else(|| "–".into()),
            (TsmCode::Ch01, Some(v)) => format!("{} per 1,000 homes", format::one_place(v)),
            (_, Some(v)) => format!("{}%", format::one_place(v)),
        };
        t.row(
            r.measure.as_str(),
            vec![
                Cell::text(r.stock_type.clone()),
                Cell::text(r.stage.map(|s| format!("Stage {s}")).unwrap_or_default()),
                Cell::number(value),
                Cell::number(format::count(r.numerator)),
                Cell::number(format::count(r.denominator)),
                Cell::text(r.timescale.map(|t| t.describe()).unwrap_or_default()),
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
        sa => a.self_assessment.as_ref().map(approval),
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
    let (quoted, held) = assembly::quote_learning(&r.themes, input.actions, input.screening, &|_| true, 5);
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
        ombudsman_letter => a.ombudsman_annual_letter,
        complaint_handling => json!({
            "status": a.complaint_handling.status,
            "count": format::count(a.complaint_handling.failings.len() as f64),
            "any": !a.complaint_handling.failings.is_empty(),
            "table": complaint_handling_table(&a.complaint_handling, &r.period),
        }),
        has_self_assessment => a.self_assessment.is_some(),
        approval => a.self_assessment.as_ref().map(approval),
        submission => submission(a.homes.as_ref(), r.period.financial_year(), input.as_of),
        summary => summary(sections),
        problems => problems(a),
        sections => sections,
        non_compliance => non_compliance(sections),
        year_on_year => year_on_year(r, input.catalogue, &ids(&figures.year_on_year)),
        quarters => quarter_by_quarter(r, input.quarter_figures, input.quarters, input.catalogue, &ids(&figures.quarter_by_quarter)),
        outcomes => outcomes,
        by_service_area => views::breakdown(r, "service_area", &format!("Complaints by service area, {}", r.period.label()), "Service area"),
        by_category => views::breakdown(r, "category", &format!("Complaints by category, {}", r.period.label()), "Category"),
        by_stock_type => views::by_stock_type(r),
        refused => views::by_group(r, "refusal_reason", &format!("Complaints refused in {}, by reason", r.period.label()), "Reason", &[("Refused", "complaints_refused")], true),
        themes => views::themes(r, input.themes.emerging_lookback),
        themes_by_area => views::themes_by_service_area(r),
        improvements => improvements,
        linked => linked_exports(input),
        tsm => tsm_table(&r.tsm, &r.tsm_year),
        sector => input.benchmarks.map(|b| super::benchmarks::view(b, &super::smt::tsm_period(r))),
        tsm_rules => [
            (TsmCode::Ch01, r.tsm_rules[0]),
            (TsmCode::Ch02, r.tsm_rules[1]),
            (TsmCode::Tp09, TP09_RULE),
        ].iter().map(|(m, rule)| json!({"measure": m, "rule": rule})).collect::<Vec<_>>(),
        // The run's notes advise the analyst on the config: not for a
        // published report, whatever its template.
        quality => &crate::quality::DataQuality { notes: Vec::new(), ..input.quality.clone() },
        quality_table => views::quality(input.quality),
        definitions => views::definitions(input.catalogue),
        working_day_rules => input.rules["working_days"].clone(),
    };
    Ok((context, held))
}
#[cfg(test)]
mod tests {
    use super::*;

    fn fy(text: &str) -> FinancialYear {
        text.parse().unwrap()
    }

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn over_1000_homes_submit_by_30_september_after_the_year() {
        let homes = (fy("2024-25"), HomesOwned { lcra: 33_057, lcho: 2_488, ..Default::default() });
        let s = submission(Some(&homes), fy("2025-26"), day("2026-06-01"));
        assert_eq!((s.rule, s.deadline.as_str()), ("over_1000", "30 Sep 2026"));
        assert_eq!((s.homes.as_str(), s.lcra.as_str(), s.lcho.as_str()), ("35,545", "33,057", "2,488"));
        assert!(!s.deadline_passed);
        assert_eq!((s.others.as_str(), s.all.as_str()), ("", "35,545"));
        assert_eq!(
            (s.homes_from.as_str(), s.year.as_str(), s.year_end.as_str()),
            ("2024-25", "2025-26", "31 Mar 2026")
        );
        // LCRA and LCHO together: 1,001 is over.
        let s = submission(
            Some(&(fy("2025-26"), HomesOwned { lcra: 1_000, lcho: 1, ..Default::default() })),
            fy("2025-26"),
            day("2026-10-01"),
        );
        assert_eq!(s.rule, "over_1000");
        assert!(s.deadline_passed, "30 Sep 2026 is before the run date");
    }

    #[test]
    fn up_to_1000_homes_submit_within_six_months_and_no_homes_no_date() {
        // Exactly 1,000 is not "over 1,000".
        let s = submission(
            Some(&(fy("2025-26"), HomesOwned { lcra: 900, lcho: 100, ..Default::default() })),
            fy("2025-26"),
            day("2026-09-30"),
        );
        assert_eq!((s.rule, s.deadline.as_str(), s.homes.as_str()), ("up_to_1000", "30 Sep 2026", "1,000"));
        assert!(!s.deadline_passed, "due on the run date itself");
        let s = submission(None, fy("2025-26"), day("2026-06-01"));
        assert_eq!((s.rule, s.deadline.as_str(), s.homes.as_str()), ("homes_not_configured", "", ""));
    }
}
