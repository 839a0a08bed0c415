//! The figures of one run, assembled from the cube: the report period with
//! its comparisons and trend, targets with their red/amber/green status,
//! learning themes, the TSM rows and the open cases at the run date. Reports
//! are rendered from this and nothing else.

use chrono::NaiveDate;
use polars::prelude::*;
use serde::Serialize;

use super::{
    tsm, Better, Catalogue, Figure, FigureMaker, Group, PeriodBy, TsmRow, ALL, ALL_BREAKDOWN,
    THEME_BY_SERVICE_AREA,
};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::period::{month_index, Period};
use crate::schema::{case, determination, prepared, NOT_RECORDED};

/// How many periods a trend covers, ending with the report period.
pub const TREND_PERIODS: i32 = 8;

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Rag {
    Green,
    Amber,
    Red,
    /// No figure this period (nothing to measure).
    None,
}

/// A configured target and how the period measured up.
#[derive(Debug, Clone, Serialize)]
pub struct Target {
    pub id: String,
    pub measure: String,
    pub stream: String,
    pub target: f64,
    pub better: Better,
    pub value: Option<f64>,
    pub numerator: f64,
    pub denominator: Option<f64>,
    pub met: Option<bool>,
    pub status: Rag,
}

/// Red/amber/green: green when the target is met; amber when missed by no
/// more than `margin` (in the measure's own units); red when missed by more.
pub fn rag(value: Option<f64>, target: f64, better: Better, margin: f64) -> Rag {
    let Some(v) = value else { return Rag::None };
    let shortfall = match better {
        Better::Higher => target - v,
        Better::Lower => v - target,
    };
    if shortfall <= 0.0 {
        Rag::Green
    } else if shortfall <= margin {
        Rag::Amber
    } else {
        Rag::Red
    }
}

/// The red/amber/green rule in words, as every report states it.
pub fn rag_rule(margin: f64) -> String {
    format!(
        "Green: the target is met. Amber: missed by {m} or less (percentage points for percentages, working days for averages). Red: missed by more than {m}. Grey: no figure for the period.",
        m = crate::format::one_place(margin).trim_end_matches(".0")
    )
}

/// Complaints responded to in the period by learning theme (recorded at
/// closure, or inferred from the taxonomy), against the previous period and
/// the periods before it (see [`crate::themes::is_emerging`]).
#[derive(Debug, Clone, Serialize)]
pub struct ThemeRow {
    pub theme: String,
    pub count: f64,
    /// Of `count`: themes recorded by the officer, and inferred from the taxonomy.
    pub recorded: f64,
    pub inferred: f64,
    pub previous: f64,
    pub change: f64,
    /// The counts of the `emerging_lookback` periods before, latest first,
    /// and their average: only the periods the data covers (from the first
    /// month counted), so an export that starts last year does not average
    /// in years it holds nothing of as 0.
    pub counts_before: Vec<f64>,
    /// None with no period before in the data.
    pub average_before: Option<f64>,
    pub emerging: bool,
    /// Of `count`: by the service area of the complaint, largest first.
    pub by_service_area: Vec<AreaCount>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AreaCount {
    pub service_area: String,
    pub count: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct OpenCase {
    pub case_ref: String,
    pub stream: String,
    pub service_area: String,
    pub received_date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    pub age_working_days: i32,
    pub overdue: bool,
    pub due_soon: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct OpenCount {
    /// A service area, or a stream for feedback other than complaints.
    pub group: String,
    pub open: u32,
    pub overdue: u32,
    pub due_soon: u32,
}

/// Cases open at the run date (case references and ages only). Counts by
/// service area are of complaints; other feedback awaiting a reply is counted
/// by stream.
#[derive(Debug, Clone, Serialize)]
pub struct OpenCases {
    pub as_of: NaiveDate,
    pub due_soon_working_days: u32,
    pub by_service_area: Vec<OpenCount>,
    pub total: OpenCount,
    pub other_feedback: Vec<OpenCount>,
    pub cases: Vec<OpenCase>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Results {
    pub period: Period,
    pub previous: Period,
    pub same_period_last_year: Period,
    pub trend: Vec<Period>,
    pub figures: Vec<Figure>,
    pub targets: Vec<Target>,
    pub amber_margin: f64,
    pub themes: Vec<ThemeRow>,
    pub tsm_year: Period,
    pub tsm_to: NaiveDate,
    pub tsm: Vec<TsmRow>,
    /// How CH01 and CH02 were counted (`tsm::tsm_rules`).
    pub tsm_rules: [&'static str; 2],
}

impl Results {
    /// The TSM figures cover the financial year so far, not the whole year:
    /// every output that names their period says so.
    pub fn tsm_year_to_date(&self) -> bool {
        self.tsm_to < self.tsm_year.end()
    }

    /// Every figure a report of `period` shows.
    pub fn compute(maker: &FigureMaker, period: Period) -> Results {
        let previous = period.previous();
        let same_period_last_year = period.same_period_last_year();
        let trend: Vec<Period> = (0..TREND_PERIODS).rev().map(|n| period.back(n)).collect();
        let mut figures = maker.period_figures(&period, false);
        let mut others: Vec<Period> = trend.iter().copied().filter(|p| *p != period).collect();
        others.extend([previous, same_period_last_year].into_iter().filter(|p| !trend.contains(p)));
        for p in &others {
            figures.extend(maker.period_figures(p, true));
        }
        let targets = targets(maker.config, maker.catalogue, &figures, &period);
        let themes = themes(maker, &period, &previous);
        let (tsm_year, tsm) = tsm(maker, &period);
        Results {
            period,
            previous,
            same_period_last_year,
            trend,
            figures,
            targets,
            amber_margin: maker.config.reports.amber_margin,
            themes,
            tsm_year,
            tsm_to: period.end(),
            tsm,
            tsm_rules: super::tsm::tsm_rules(maker.config.timescales.ch02),
        }
    }

    /// The period, the previous one and the same period last year, once
    /// each: for a year the previous period is also the same period last year.
    pub fn compared(&self) -> Vec<Period> {
        let mut periods = vec![self.period, self.previous, self.same_period_last_year];
        periods.dedup();
        periods
    }

    /// A whole-landlord figure by id (`stage1_on_time_pct`) and period.
    pub fn figure(&self, id: &str, period: &Period) -> Option<&Figure> {
        let p = period.to_string();
        self.figures.iter().find(|f| f.id == id && f.period == p && f.breakdown == ALL_BREAKDOWN)
    }

    /// The report period's figures for one measure and stream, by group of a breakdown.
    pub fn by_group(&self, id: &str, breakdown: &str) -> Vec<&Figure> {
        let p = self.period.to_string();
        self.figures.iter().filter(|f| f.id == id && f.period == p && f.breakdown == breakdown).collect()
    }
}

fn targets(config: &Config, catalogue: &Catalogue, figures: &[Figure], period: &Period) -> Vec<Target> {
    let p = period.to_string();
    config
        .targets
        .iter()
        .filter_map(|(id, target)| {
            let f = figures.iter().find(|f| &f.id == id && f.breakdown == ALL_BREAKDOWN && f.period == p)?;
            let better = catalogue.measure(&f.measure)?.better?;
            let status = rag(f.value, *target, better, config.reports.amber_margin);
            Some(Target {
                id: id.clone(),
                measure: f.measure.clone(),
                stream: f.stream.clone(),
                target: *target,
                better,
                value: f.value,
                numerator: f.numerator,
                denominator: f.denominator,
                met: (status != Rag::None).then_some(status == Rag::Green),
                status,
            })
        })
        .collect()
}

fn themes(maker: &FigureMaker, period: &Period, previous: &Period) -> Vec<ThemeRow> {
    let Some(m) = maker.catalogue.measure("responded") else { return Vec::new() };
    let inferred = maker.catalogue.measure("theme_inferred");
    let by_area = maker.catalogue.measure("responded_by_theme");
    let config = &maker.config.themes;
    let months = |p: &Period| month_index(p.start())..=month_index(p.end());
    let now = months(period);
    let count = |measure, p: &Period, g: &str| {
        maker
            .figure(
                measure,
                "complaints",
                &months(p),
                "",
                p.financial_year(),
                Group { breakdown: case::LEARNING_THEME, group: g },
            )
            .numerator
    };
    // The data starts with the first complaint received in it.
    let received = maker.catalogue.count_ref("received").expect("queries define received").count;
    let first_month = maker.cube.first_month_of("complaints", received);
    let before: Vec<Period> = (1..=config.emerging_lookback as i32)
        .map(|k| period.back(k))
        .filter(|p| first_month.is_some_and(|first| month_index(p.start()) >= first))
        .collect();
    let mut groups = maker.cube.groups(&now, case::LEARNING_THEME);
    groups.extend(maker.cube.groups(&months(previous), case::LEARNING_THEME));
    groups.sort();
    groups.dedup();
    let mut rows: Vec<ThemeRow> = groups
        .into_iter()
        .filter(|g| g != NOT_RECORDED && g != ALL)
        .map(|g| {
            let n = count(m, period, &g);
            let last = count(m, previous, &g);
            let history: Vec<f64> = before.iter().map(|p| count(m, p, &g)).collect();
            let inferred = inferred.map(|i| count(i, period, &g)).unwrap_or(0.0);
            ThemeRow {
                by_service_area: by_area.map(|m| by_service_area(maker, m, period, &g)).unwrap_or_default(),
                emerging: crate::themes::is_emerging(n, &history, config),
                average_before: (!history.is_empty())
                    .then(|| super::round(history.iter().sum::<f64>() / history.len() as f64, 1)),
                counts_before: history,
                theme: g,
                count: n,
                recorded: n - inferred,
                inferred,
                previous: last,
                change: n - last,
            }
        })
        .filter(|r| r.count > 0.0 || r.previous > 0.0)
        .collect();
    rows.sort_by(|a, b| b.count.total_cmp(&a.count).then(a.theme.cmp(&b.theme)));
    rows
}

/// A theme's complaints in a period by service area, largest first.
fn by_service_area(
    maker: &FigureMaker,
    m: &super::MeasureDef,
    period: &Period,
    theme: &str,
) -> Vec<AreaCount> {
    let months = month_index(period.start())..=month_index(period.end());
    let prefix = super::crossed_group(theme, "");
    let mut areas: Vec<AreaCount> = maker
        .cube
        .groups(&months, THEME_BY_SERVICE_AREA)
        .iter()
        .filter_map(|g| g.strip_prefix(prefix.as_str()))
        .map(|area| {
            let group = super::crossed_group(theme, area);
            let of = Group { breakdown: THEME_BY_SERVICE_AREA, group: &group };
            let f = maker.figure(m, "complaints", &months, "", period.financial_year(), of);
            AreaCount { service_area: area.to_string(), count: f.numerator }
        })
        .filter(|a| a.count > 0.0)
        .collect();
    areas.sort_by(|a, b| b.count.total_cmp(&a.count).then(a.service_area.cmp(&b.service_area)));
    areas
}

/// Cases open at the run date, by service area, and the list itself.
pub fn open_cases(cases: &DataFrame, as_of: NaiveDate, due_soon_working_days: u32) -> Result<OpenCases> {
    let stream = super::cube::stream_expr();
    let open = cases
        .clone()
        .lazy()
        .filter(col(prepared::IS_OPEN))
        .select([
            col(case::REF),
            stream.alias("stream"),
            col(case::SERVICE_AREA),
            col(case::RECEIVED),
            col(prepared::DUE),
            col(prepared::AGE_WORKING_DAYS),
            col(prepared::IS_OVERDUE),
            col(prepared::IS_DUE_SOON),
        ])
        .sort(
            [prepared::AGE_WORKING_DAYS, case::REF],
            SortMultipleOptions::default().with_order_descending_multi([true, false]),
        )
        .collect()?;
    let complaint = col("stream").str().starts_with(lit("stage"));
    let by_service_area = open_counts(&open, complaint.clone(), case::SERVICE_AREA)?;
    let other_feedback = open_counts(&open, complaint.not(), "stream")?;
    let total = OpenCount {
        group: ALL.to_string(),
        open: by_service_area.iter().map(|c| c.open).sum(),
        overdue: by_service_area.iter().map(|c| c.overdue).sum(),
        due_soon: by_service_area.iter().map(|c| c.due_soon).sum(),
    };
    let (r, s, a) = (
        open.column(case::REF)?.str()?,
        open.column("stream")?.str()?,
        open.column(case::SERVICE_AREA)?.str()?,
    );
    let rd: Vec<Option<NaiveDate>> = open.column(case::RECEIVED)?.date()?.as_date_iter().collect();
    let dd: Vec<Option<NaiveDate>> = open.column(prepared::DUE)?.date()?.as_date_iter().collect();
    let (age, od, ds) = (
        open.column(prepared::AGE_WORKING_DAYS)?.i32()?,
        open.column(prepared::IS_OVERDUE)?.bool()?,
        open.column(prepared::IS_DUE_SOON)?.bool()?,
    );
    let cases = (0..open.height())
        .filter_map(|i| {
            Some(OpenCase {
                case_ref: r.get(i)?.to_string(),
                stream: s.get(i)?.to_string(),
                service_area: a.get(i)?.to_string(),
                received_date: rd[i]?,
                due_date: dd[i],
                age_working_days: age.get(i).unwrap_or(0),
                overdue: od.get(i).unwrap_or(false),
                due_soon: ds.get(i).unwrap_or(false),
            })
        })
        .collect();
    Ok(OpenCases { as_of, due_soon_working_days, by_service_area, total, other_feedback, cases })
}

fn open_counts(open: &DataFrame, filter: Expr, by: &str) -> Result<Vec<OpenCount>> {
    let counts = open
        .clone()
        .lazy()
        .filter(filter)
        .group_by([col(by).alias("group")])
        .agg([
            len().cast(DataType::UInt32).alias("open"),
            col(prepared::IS_OVERDUE).sum().cast(DataType::UInt32).alias("overdue"),
            col(prepared::IS_DUE_SOON).sum().cast(DataType::UInt32).alias("due_soon"),
        ])
        .sort(["group"], Default::default())
        .collect()?;
    let group = counts.column("group")?.str()?;
    let (o, od, ds) =
        (counts.column("open")?.u32()?, counts.column("overdue")?.u32()?, counts.column("due_soon")?.u32()?);
    Ok((0..counts.height())
        .map(|i| OpenCount {
            group: group.get(i).unwrap_or_default().to_string(),
            open: o.get(i).unwrap_or(0),
            overdue: od.get(i).unwrap_or(0),
            due_soon: ds.get(i).unwrap_or(0),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rag_status_follows_the_stated_rule() {
        assert_eq!(rag(Some(90.0), 90.0, Better::Higher, 5.0), Rag::Green);
        assert_eq!(rag(Some(85.0), 90.0, Better::Higher, 5.0), Rag::Amber);
        assert_eq!(rag(Some(84.9), 90.0, Better::Higher, 5.0), Rag::Red);
        assert_eq!(rag(Some(12.0), 10.0, Better::Lower, 5.0), Rag::Amber);
        assert_eq!(rag(Some(9.0), 10.0, Better::Lower, 5.0), Rag::Green);
        assert_eq!(rag(None, 10.0, Better::Lower, 5.0), Rag::None);
    }
}

/// A learning action recorded at the closure of a complaint.
#[derive(Debug, Clone, Serialize)]
pub struct LearningAction {
    pub case_ref: String,
    pub theme: String,
    pub action: String,
}

/// The learning actions of complaints responded to in a period, by theme.
pub fn learning_actions(cases: &DataFrame, period: &Period) -> Result<Vec<LearningAction>> {
    let rows = cases
        .clone()
        .lazy()
        .filter(
            col(prepared::IS_COMPLAINT)
                .and(col(case::RESPONDED).gt_eq(crate::calendar::date_lit(period.start())))
                .and(col(case::RESPONDED).lt_eq(crate::calendar::date_lit(period.end())))
                .and(col(case::LEARNING_ACTION).is_not_null()),
        )
        .select([
            col(case::REF),
            col(case::LEARNING_THEME).fill_null(lit(NOT_RECORDED)).alias("theme"),
            col(case::LEARNING_ACTION),
        ])
        .sort(["theme", case::REF], Default::default())
        .collect()?;
    let (r, t, a) = (
        rows.column(case::REF)?.str()?,
        rows.column("theme")?.str()?,
        rows.column(case::LEARNING_ACTION)?.str()?,
    );
    Ok((0..rows.height())
        .filter_map(|i| {
            Some(LearningAction {
                case_ref: r.get(i)?.to_string(),
                theme: t.get(i)?.to_string(),
                action: a.get(i)?.trim().to_string(),
            })
        })
        .collect())
}

/// The count of `queries/metrics.toml` whose findings the annual report
/// lists as the Ombudsman's findings of a failing in complaint handling.
pub const COMPLAINT_HANDLING_FAILINGS: &str = "complaint_handling_failings";

/// One of the Ombudsman's findings, as a report lists it: the case
/// reference (shown elsewhere already), never anything about the resident.
#[derive(Debug, Clone, Serialize)]
pub struct FindingRow {
    pub determination_date: NaiveDate,
    pub case_ref: String,
    /// The finding, canonically spelt ("service failure").
    pub finding: String,
}

/// The Ombudsman's findings determined in a period that a count over the
/// Ombudsman's rows counts, by determination date then case reference. The
/// count's own condition picks them, so the list and the count's figure
/// cannot disagree. None when the catalogue (a `--queries` copy) has no such
/// count.
pub fn findings_counted(
    determinations: &DataFrame,
    catalogue: &Catalogue,
    count: &str,
    period: &Period,
) -> Result<Option<Vec<FindingRow>>> {
    let Some(def) = catalogue.counts.iter().find(|c| c.id == count) else { return Ok(None) };
    if def.period_by != PeriodBy::DeterminationDate {
        return Err(Error::config(
            "queries/metrics.toml",
            format!("count {count}: lists Ombudsman findings, so its period_by must be determination_date"),
        ));
    }
    let condition = polars::sql::sql_expr(&def.condition)?;
    let date = col(determination::DATE);
    let rows = determinations
        .clone()
        .lazy()
        .filter(
            date.clone()
                .gt_eq(crate::calendar::date_lit(period.start()))
                .and(date.lt_eq(crate::calendar::date_lit(period.end())))
                .and(condition.fill_null(lit(false))),
        )
        .select([col(determination::DATE), col(case::REF), col(determination::FINDING)])
        .sort([determination::DATE, case::REF], SortMultipleOptions::default().with_maintain_order(true))
        .collect()?;
    let days: Vec<Option<NaiveDate>> = rows.column(determination::DATE)?.date()?.as_date_iter().collect();
    let (r, f) = (rows.column(case::REF)?.str()?, rows.column(determination::FINDING)?.str()?);
    Ok(Some(
        (0..rows.height())
            .filter_map(|i| {
                Some(FindingRow {
                    determination_date: days[i]?,
                    case_ref: r.get(i)?.to_string(),
                    finding: f.get(i)?.to_string(),
                })
            })
            .collect(),
    ))
}
