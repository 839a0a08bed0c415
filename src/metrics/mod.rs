//! Stage 4, metrics: count what `queries/metrics.toml` defines, per month,
//! stream and breakdown, in one group-by per period-defining date; then
//! assemble the published figures for any period from those monthly cells.
//! Every figure keeps its numerator and denominator.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::OnceLock;

use chrono::NaiveDate;
use polars::prelude::*;
use serde::{Deserialize, Serialize};

use crate::calendar::date_lit;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::memory::{self, Dictionary};
use crate::period::{month_index, FinancialYear, Period};

pub const EMBEDDED_QUERIES: &str = include_str!("../../queries/metrics.toml");

/// The streams of work figures are made for. `complaints` is stage 1 + 2.
pub const STREAMS: [&str; 7] =
    ["stage1", "stage2", "complaints", "compliment", "suggestion", "enquiry", "feedback"];
/// The columns figures are broken down by; `all` is the whole landlord.
/// `theme_by_service_area` crosses two: its groups read "theme | area".
pub const BREAKDOWNS: [&str; 8] = [
    "all",
    "stock_type",
    "service_area",
    "category",
    "channel",
    "learning_theme",
    "refusal_reason",
    "theme_by_service_area",
];
/// The breakdowns a measure gets when it lists none.
pub const DEFAULT_BREAKDOWNS: [&str; 5] = ["all", "stock_type", "service_area", "category", "channel"];
/// Breakdowns counted together in one fine group-by; learning themes and
/// refusal reasons are counted apart so the fine cube stays small.
const FINE_COLUMNS: [&str; 4] = ["stock_type", "service_area", "category", "channel"];
const APART: [(&str, &[&str]); 3] = [
    ("learning_theme", &["learning_theme"]),
    ("refusal_reason", &["refusal_reason"]),
    ("theme_by_service_area", &["learning_theme", "service_area"]),
];
/// Joins the two groups of a crossed breakdown.
pub const CROSS: &str = " | ";
pub const ALL: &str = "All";

/// The group of a breakdown crossing two columns, as the cube names it.
pub fn crossed_group(first: &str, second: &str) -> String {
    format!("{first}{CROSS}{second}")
}

/// A row's group for a breakdown: its column, or two columns joined.
fn group_expr(breakdown: &str) -> Expr {
    if breakdown == "all" {
        return lit(ALL);
    }
    let own = [breakdown];
    let columns = APART.iter().find(|(b, _)| *b == breakdown).map_or(&own[..], |(_, c)| *c);
    let parts: Vec<Expr> =
        columns.iter().map(|c| col(*c).fill_null(lit(crate::validate::NOT_RECORDED))).collect();
    match parts.len() {
        1 => parts.into_iter().next().expect("one column"),
        _ => concat_str(parts, CROSS, false),
    }
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum PeriodBy {
    ReceivedDate,
    RespondedDate,
    /// Counts over the survey export (linked to its complaints).
    SurveyDate,
    /// Counts over the Ombudsman export (linked to its cases).
    DeterminationDate,
}

impl PeriodBy {
    const ALL: [PeriodBy; 4] =
        [PeriodBy::ReceivedDate, PeriodBy::RespondedDate, PeriodBy::SurveyDate, PeriodBy::DeterminationDate];

    fn column(self) -> &'static str {
        match self {
            PeriodBy::ReceivedDate => "received_date",
            PeriodBy::RespondedDate => "responded_date",
            PeriodBy::SurveyDate => "survey_date",
            PeriodBy::DeterminationDate => "determination_date",
        }
    }

    /// The export whose rows the count reads.
    fn source(self) -> &'static str {
        match self {
            PeriodBy::ReceivedDate | PeriodBy::RespondedDate => "cases",
            PeriodBy::SurveyDate => "surveys",
            PeriodBy::DeterminationDate => "ombudsman",
        }
    }
}

/// The frames counts are made from: the prepared cases and the linked survey
/// and Ombudsman rows (empty when those exports are not configured).
#[derive(Clone, Copy)]
pub struct Sources<'a> {
    pub cases: &'a DataFrame,
    pub surveys: &'a DataFrame,
    pub determinations: &'a DataFrame,
}

impl Sources<'_> {
    fn of(&self, basis: PeriodBy) -> &DataFrame {
        match basis.source() {
            "cases" => self.cases,
            "surveys" => self.surveys,
            _ => self.determinations,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CountDef {
    pub id: String,
    pub period_by: PeriodBy,
    #[serde(rename = "where")]
    pub condition: String,
    #[serde(default)]
    pub sum: Option<String>,
    pub describe: String,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Count,
    Percent,
    Mean,
    Gbp,
    #[serde(rename = "per_1000_homes")]
    Per1000Homes,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    Higher,
    Lower,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MeasureDef {
    pub id: String,
    pub label: String,
    pub unit: Unit,
    pub numerator: String,
    #[serde(default)]
    pub denominator: Option<String>,
    #[serde(default)]
    pub better: Option<Better>,
    pub streams: Vec<String>,
    #[serde(default)]
    pub breakdowns: Option<Vec<String>>,
    #[serde(default)]
    pub describe: Option<String>,
}

impl MeasureDef {
    pub fn has_breakdown(&self, breakdown: &str) -> bool {
        match &self.breakdowns {
            Some(b) => b.iter().any(|x| x == breakdown),
            None => DEFAULT_BREAKDOWNS.contains(&breakdown),
        }
    }
}

/// The metric definitions: counts and the measures made from them.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    #[serde(rename = "count")]
    pub counts: Vec<CountDef>,
    #[serde(rename = "measure")]
    pub measures: Vec<MeasureDef>,
}

/// A reference to a count from a measure: `received` or `received@stage2`.
#[derive(Debug, Clone, Copy)]
struct CountRef<'a> {
    count: usize,
    stream: Option<&'a str>,
}

impl Catalogue {
    /// The definitions shipped in `queries/metrics.toml`.
    pub fn embedded() -> &'static Catalogue {
        static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
        CATALOGUE.get_or_init(|| {
            Catalogue::parse(EMBEDDED_QUERIES)
                .expect("queries/metrics.toml is valid (checked by a unit test)")
        })
    }

    pub fn load(path: &Path) -> Result<Catalogue> {
        let text =
            std::fs::read_to_string(path).map_err(|e| Error::config(path, format!("cannot read: {e}")))?;
        Catalogue::parse(&text).map_err(|m| Error::config(path, m))
    }

    pub fn parse(text: &str) -> std::result::Result<Catalogue, String> {
        let catalogue: Catalogue = toml::from_str(text).map_err(|e| e.to_string().trim_end().to_string())?;
        catalogue.check()?;
        Ok(catalogue)
    }

    fn check(&self) -> std::result::Result<(), String> {
        for c in &self.counts {
            let _ = polars::sql::sql_expr(&c.condition)
                .map_err(|e| format!("count {}: where = \"{}\": {e}", c.id, c.condition))?;
        }
        for m in &self.measures {
            self.count_ref(&m.numerator).map_err(|e| format!("measure {}: numerator: {e}", m.id))?;
            if let Some(d) = &m.denominator {
                self.count_ref(d).map_err(|e| format!("measure {}: denominator: {e}", m.id))?;
            }
            let needs_denominator = matches!(m.unit, Unit::Percent | Unit::Mean);
            if needs_denominator != m.denominator.is_some() {
                return Err(format!(
                    "measure {}: a {:?} measure {} a denominator",
                    m.id,
                    m.unit,
                    if needs_denominator { "needs" } else { "takes no" }
                ));
            }
            for s in &m.streams {
                if !STREAMS.contains(&s.as_str()) {
                    return Err(format!(
                        "measure {}: unknown stream '{s}'; expected one of {}",
                        m.id,
                        STREAMS.join(", ")
                    ));
                }
            }
            for b in m.breakdowns.iter().flatten() {
                if !BREAKDOWNS.contains(&b.as_str()) {
                    return Err(format!(
                        "measure {}: unknown breakdown '{b}'; expected one of {}",
                        m.id,
                        BREAKDOWNS.join(", ")
                    ));
                }
            }
        }
        Ok(())
    }

    fn count_ref<'a>(&self, text: &'a str) -> std::result::Result<CountRef<'a>, String> {
        let (name, stream) = match text.split_once('@') {
            Some((n, s)) => (n, Some(s)),
            None => (text, None),
        };
        let count = self
            .counts
            .iter()
            .position(|c| c.id == name)
            .ok_or_else(|| format!("no count named '{name}'"))?;
        if let Some(s) = stream {
            if !STREAMS.contains(&s) {
                return Err(format!("unknown stream '{s}' in '{text}'"));
            }
        }
        Ok(CountRef { count, stream })
    }

    pub fn measure(&self, id: &str) -> Option<&MeasureDef> {
        self.measures.iter().find(|m| m.id == id)
    }

    /// Targets are set per stream and measure: `stage1_on_time_pct`.
    pub fn target_ids(&self) -> Vec<String> {
        self.measures
            .iter()
            .filter(|m| m.better.is_some())
            .flat_map(|m| m.streams.iter().map(move |s| format!("{s}_{}", m.id)))
            .collect()
    }

    pub fn has_target(&self, id: &str) -> bool {
        self.target_ids().iter().any(|t| t == id)
    }

    /// The rule of a measure in words, from its definition.
    pub fn rule(&self, m: &MeasureDef) -> String {
        let describe = |r: &str| {
            let cr = self.count_ref(r).expect("checked");
            let c = &self.counts[cr.count];
            match cr.stream {
                Some(s) => format!("{} ({s}): {}", c.id, c.describe),
                None => format!("{}: {}", c.id, c.describe),
            }
        };
        let formula = match (m.unit, &m.denominator) {
            (Unit::Percent, Some(d)) => format!("{} ÷ {} × 100", m.numerator, d),
            (Unit::Mean, Some(d)) => format!("{} ÷ {}", m.numerator, d),
            (Unit::Per1000Homes, _) => format!("{} ÷ homes owned × 1,000", m.numerator),
            _ => m.numerator.clone(),
        };
        let mut parts = vec![formula, describe(&m.numerator)];
        if let Some(d) = &m.denominator {
            parts.push(describe(d));
        }
        if let Some(extra) = &m.describe {
            parts.push(extra.clone());
        }
        parts.join("; ")
    }
}

/// Monthly counts per stream and breakdown group.
pub struct Cube {
    /// (month index, stream, breakdown, group) -> one value per count
    cells: HashMap<(i32, String, &'static str, String), Vec<f64>>,
    n_counts: usize,
}

/// The stream of a row: `stage1`, `stage2` or the record type.
pub(crate) fn stream_expr() -> Expr {
    when(col("record_type").eq(lit("complaint")))
        .then(concat_str([lit("stage"), col("stage").cast(DataType::String)], "", false))
        .otherwise(col("record_type"))
}

fn month_expr(date: &str) -> Expr {
    (col(date).dt().year().cast(DataType::Int32) * lit(12) + col(date).dt().month().cast(DataType::Int32)
        - lit(1))
    .alias("month")
}

/// `frame` with the text columns `keys` (and the stream) replaced by
/// [`memory::codes`], so the group-bys compare numbers; each one's dictionary
/// turns the sums' keys back into text ([`decoded`]).
fn coded(mut frame: DataFrame, keys: &[&str]) -> Result<(DataFrame, HashMap<String, Dictionary>)> {
    let mut dictionaries = HashMap::new();
    for name in keys.iter().copied().chain(["stream"]) {
        let (at, dictionary) = memory::codes(frame.column(name)?.str()?);
        frame.with_column(at.into_column())?;
        dictionaries.insert(name.to_string(), dictionary);
    }
    Ok((frame, dictionaries))
}

/// The text back in place of each coded column of `sums` (see [`coded`]).
fn decoded(mut sums: DataFrame, dictionaries: &HashMap<String, Dictionary>) -> Result<DataFrame> {
    for (name, dictionary) in dictionaries {
        if let Ok(at) = sums.column(name) {
            let text = dictionary.decode(at.idx()?);
            sums.with_column(text.into_column())?;
        }
    }
    Ok(sums)
}

/// Rows counted at a time by [`Cube::build`].
const SLICE_ROWS: usize = 1 << 20;

/// `frame` with its stream, and with the case-only breakdown columns a linked
/// export lacks added as not recorded.
fn with_breakdown_columns(frame: &DataFrame) -> LazyFrame {
    let missing: Vec<Expr> = FINE_COLUMNS
        .iter()
        .chain(APART.iter().flat_map(|(_, columns)| columns.iter()))
        .filter(|c| frame.column(c).is_err())
        .map(|c| lit(NULL).cast(DataType::String).alias(*c))
        .collect();
    frame.clone().lazy().with_columns(missing).with_column(stream_expr().alias("stream"))
}

/// Each member count's per-row value, named `c<index>`: a count's is its
/// condition (a bit a row, where a number would take eight bytes), a sum's
/// the summed column where the condition holds. A condition naming a column
/// the source lacks is a config error that names the count.
fn count_values(
    frame: &DataFrame,
    basis: PeriodBy,
    catalogue: &Catalogue,
    members: &[usize],
) -> Result<Vec<Expr>> {
    let empty = with_breakdown_columns(&frame.slice(0, 0));
    members
        .iter()
        .map(|&i| {
            let c = &catalogue.counts[i];
            let condition = polars::sql::sql_expr(&c.condition)?;
            empty.clone().select([condition.clone()]).collect().map_err(|e| {
                Error::config(
                    "queries/metrics.toml",
                    format!(
                        "count {}: where = \"{}\" (over the {} rows): {e}",
                        c.id,
                        c.condition,
                        basis.source()
                    ),
                )
            })?;
            let value = match &c.sum {
                Some(column) => {
                    when(condition).then(col(column.as_str()).cast(DataType::Float64)).otherwise(lit(0.0))
                }
                None => condition.fill_null(lit(false)),
            };
            Ok(value.alias(format!("c{i}")))
        })
        .collect()
}

impl Cube {
    /// Count every row once per period-defining date, for dates in `window`:
    /// one fine group-by per date, rolled up to each breakdown in polars.
    ///
    /// Rows are counted [`SLICE_ROWS`] at a time: every cell is a sum, so
    /// slices add up to the whole, and a slice's working columns are all that
    /// is held beside the frame (at 10 million rows, the whole frame's took
    /// 1.5 GiB more).
    pub fn build(sources: Sources, catalogue: &Catalogue, window: (NaiveDate, NaiveDate)) -> Result<Cube> {
        Cube::build_in_slices(sources, catalogue, window, SLICE_ROWS)
    }

    fn build_in_slices(
        sources: Sources,
        catalogue: &Catalogue,
        window: (NaiveDate, NaiveDate),
        slice_rows: usize,
    ) -> Result<Cube> {
        let n_counts = catalogue.counts.len();
        let mut cube = Cube { cells: HashMap::new(), n_counts };
        for basis in PeriodBy::ALL {
            let members: Vec<usize> =
                (0..n_counts).filter(|i| catalogue.counts[*i].period_by == basis).collect();
            if members.is_empty() {
                continue;
            }
            let frame = sources.of(basis);
            let values = count_values(frame, basis, catalogue, &members)?;
            for offset in (0..frame.height()).step_by(slice_rows) {
                let slice = frame.slice(offset as i64, slice_rows);
                cube.count(&slice, basis, &members, &values, window)?;
            }
        }
        Ok(cube)
    }

    /// Add one slice of a source's rows: the window's rows are picked, and
    /// each count's value worked out, once; every group-by then only sums the
    /// value columns.
    fn count(
        &mut self,
        frame: &DataFrame,
        basis: PeriodBy,
        members: &[usize],
        values: &[Expr],
        window: (NaiveDate, NaiveDate),
    ) -> Result<()> {
        let date = basis.column();
        let keys: Vec<&str> = FINE_COLUMNS
            .iter()
            .chain(APART.iter().flat_map(|(_, columns)| columns.iter()))
            .copied()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let in_window = with_breakdown_columns(frame)
            .filter(col(date).gt_eq(date_lit(window.0)).and(col(date).lt_eq(date_lit(window.1))))
            .select(
                [month_expr(date).alias("month"), col("stream")]
                    .into_iter()
                    .chain(keys.iter().map(|c| col(*c)))
                    .chain(values.iter().cloned())
                    .collect::<Vec<_>>(),
            )
            .collect()?;
        let (in_window, dictionaries) = coded(in_window, &keys)?;
        let in_window = in_window.lazy();
        let sums: Vec<Expr> =
            members.iter().map(|i| col(format!("c{i}")).sum().cast(DataType::Float64)).collect();
        let fine_keys: Vec<Expr> =
            ["month", "stream"].iter().chain(FINE_COLUMNS.iter()).map(|c| col(*c)).collect();
        let fine =
            decoded(in_window.clone().group_by(fine_keys).agg(sums.clone()).collect()?, &dictionaries)?;
        let mut apart = HashMap::new();
        for (breakdown, columns) in APART {
            let keys: Vec<Expr> = ["month", "stream"].iter().chain(columns.iter()).map(|c| col(*c)).collect();
            let sums = in_window.clone().group_by(keys).agg(sums.clone()).collect()?;
            apart.insert(breakdown, decoded(sums, &dictionaries)?);
        }
        let resum: Vec<Expr> = members.iter().map(|i| col(format!("c{i}")).sum()).collect();
        for breakdown in BREAKDOWNS {
            let source = apart.get(breakdown).unwrap_or(&fine);
            let rolled = source
                .clone()
                .lazy()
                .group_by([col("month"), col("stream"), group_expr(breakdown).alias("group")])
                .agg(resum.clone())
                .collect()?;
            self.add(&rolled, breakdown, members)?;
        }
        Ok(())
    }

    /// Add rolled-up rows (month, stream, group, counts) to the cells; stage 1
    /// and 2 rows also count towards `complaints`.
    fn add(&mut self, rolled: &DataFrame, breakdown: &'static str, members: &[usize]) -> Result<()> {
        let month = rolled.column("month")?.i32()?;
        let stream = rolled.column("stream")?.str()?;
        let group = rolled.column("group")?.str()?;
        let values: Vec<&Float64Chunked> = members
            .iter()
            .map(|i| rolled.column(&format!("c{i}")).and_then(|s| s.f64()))
            .collect::<PolarsResult<_>>()?;
        for row in 0..rolled.height() {
            let (Some(m), Some(s), Some(g)) = (month.get(row), stream.get(row), group.get(row)) else {
                continue;
            };
            let streams: &[&str] = if s.starts_with("stage") { &[s, "complaints"] } else { &[s] };
            for st in streams {
                let cell = self
                    .cells
                    .entry((m, st.to_string(), breakdown, g.to_string()))
                    .or_insert_with(|| vec![0.0; self.n_counts]);
                for (k, &i) in members.iter().enumerate() {
                    cell[i] += values[k].get(row).unwrap_or(0.0);
                }
            }
        }
        Ok(())
    }

    /// Counts for a stream and group over a date range of whole months.
    fn counts(
        &self,
        months: std::ops::RangeInclusive<i32>,
        stream: &str,
        breakdown: &'static str,
        group: &str,
    ) -> Vec<f64> {
        let mut total = vec![0.0; self.n_counts];
        for m in months {
            if let Some(cell) = self.cells.get(&(m, stream.to_string(), breakdown, group.to_string())) {
                for (t, v) in total.iter_mut().zip(cell) {
                    *t += v;
                }
            }
        }
        total
    }

    /// The groups seen for a breakdown in a month range, sorted.
    pub(crate) fn groups(&self, months: &std::ops::RangeInclusive<i32>, breakdown: &str) -> Vec<String> {
        let mut g: Vec<String> = self
            .cells
            .keys()
            .filter(|(m, _, b, _)| months.contains(m) && *b == breakdown)
            .map(|(_, _, _, g)| g.clone())
            .collect();
        g.sort();
        g.dedup();
        g
    }
}

/// One published figure.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Figure {
    /// `<stream>_<measure>`, e.g. `stage1_on_time_pct`.
    pub id: String,
    pub measure: String,
    pub stream: String,
    pub period: String,
    pub breakdown: String,
    pub group: String,
    pub unit: Unit,
    /// Rounded as published: 1 decimal place (2 for money); null when the
    /// denominator is 0 or a figure it needs (homes owned) is missing.
    pub value: Option<f64>,
    pub numerator: f64,
    pub denominator: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

pub fn round(value: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (value * f).round() / f
}

/// `numerator ÷ denominator` rounded half away from zero. Scaling the
/// numerator first keeps whole-number ratios exact: 23 of 80 is 28.75 and
/// publishes as 28.8, where 23 / 80 × 100 would be 28.749… and round down.
pub fn round_ratio(numerator: f64, denominator: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (numerator * f / denominator).round() / f
}

fn months_of(period: &Period) -> std::ops::RangeInclusive<i32> {
    month_index(period.start())..=month_index(period.end())
}

/// Homes owned for a breakdown group in a financial year.
fn homes(
    config: &Config,
    year: FinancialYear,
    breakdown: &str,
    group: &str,
) -> std::result::Result<f64, String> {
    let Some((_, h)) = config.homes_for(year) else {
        return Err(format!("no homes-owned figure for {year} or earlier in [homes]"));
    };
    Ok(match (breakdown, group) {
        ("stock_type", "LCHO") => f64::from(h.lcho),
        ("stock_type", _) => f64::from(h.lcra),
        _ => f64::from(h.lcra) + f64::from(h.lcho),
    })
}

pub struct FigureMaker<'a> {
    pub cube: &'a Cube,
    pub catalogue: &'a Catalogue,
    pub config: &'a Config,
}

impl FigureMaker<'_> {
    fn count(
        &self,
        reference: &str,
        months: &std::ops::RangeInclusive<i32>,
        stream: &str,
        breakdown: &'static str,
        group: &str,
    ) -> f64 {
        let r = self.catalogue.count_ref(reference).expect("checked");
        self.cube.counts(months.clone(), r.stream.unwrap_or(stream), breakdown, group)[r.count]
    }

    /// One figure for a measure over any run of whole months.
    pub fn figure(
        &self,
        m: &MeasureDef,
        stream: &str,
        months: &std::ops::RangeInclusive<i32>,
        period_id: &str,
        year: FinancialYear,
        breakdown: &'static str,
        group: &str,
    ) -> Figure {
        let numerator = self.count(&m.numerator, months, stream, breakdown, group);
        let mut denominator = m.denominator.as_ref().map(|d| self.count(d, months, stream, breakdown, group));
        let mut note = None;
        let value = match m.unit {
            Unit::Count => Some(numerator),
            Unit::Gbp => Some(round(numerator, 2)),
            Unit::Percent | Unit::Mean => {
                let d = denominator.expect("checked");
                let scale = if m.unit == Unit::Percent { 100.0 } else { 1.0 };
                (d > 0.0).then(|| round_ratio(numerator * scale, d, 1))
            }
            Unit::Per1000Homes => match homes(self.config, year, breakdown, group) {
                Ok(h) => {
                    denominator = Some(h);
                    if h == 0.0 {
                        note = Some(format!("no homes of this stock type in [homes] for {year}"));
                    }
                    (h > 0.0).then(|| round_ratio(numerator * 1000.0, h, 1))
                }
                Err(why) => {
                    note = Some(why);
                    None
                }
            },
        };
        Figure {
            id: format!("{stream}_{}", m.id),
            measure: m.id.clone(),
            stream: stream.to_string(),
            period: period_id.to_string(),
            breakdown: breakdown.to_string(),
            group: group.to_string(),
            unit: m.unit,
            value,
            numerator: round(numerator, 2),
            denominator,
            note,
        }
    }

    /// Every figure for a period: all measures, streams and breakdown groups
    /// (or only the whole-landlord figures when `all_only`).
    pub fn period_figures(&self, period: &Period, all_only: bool) -> Vec<Figure> {
        let months = months_of(period);
        let id = period.to_string();
        let mut out = Vec::new();
        for breakdown in BREAKDOWNS {
            if all_only && breakdown != "all" {
                continue;
            }
            let groups =
                if breakdown == "all" { vec![ALL.to_string()] } else { self.cube.groups(&months, breakdown) };
            for m in self.catalogue.measures.iter().filter(|m| m.has_breakdown(breakdown)) {
                for stream in &m.streams {
                    for g in &groups {
                        out.push(self.figure(m, stream, &months, &id, period.financial_year(), breakdown, g));
                    }
                }
            }
        }
        out
    }
}

/// A row of `tsm.csv`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TsmRow {
    pub measure: &'static str,
    pub stock_type: String,
    /// None for TP09, which is not counted by stage.
    pub stage: Option<u8>,
    pub numerator: f64,
    pub denominator: f64,
    /// One decimal place; None when it cannot be computed (the note says why).
    pub value: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The Tenant Satisfaction Measures CH01 and CH02 (domain.md section 4) over
/// the financial year to date at the end of `period` (the whole year when the
/// period is a year), for LCRA, LCHO and all stock, stage 1 and stage 2.
pub fn tsm(maker: &FigureMaker, period: &Period) -> (Period, Vec<TsmRow>) {
    let year = period.financial_year();
    let months = month_index(year.start())..=month_index(period.end());
    let per_1000 = maker.catalogue.measure("per_1000_homes").expect("queries define per_1000_homes");
    let on_time = maker.catalogue.measure("on_time_pct").expect("queries define on_time_pct");
    let mut rows = Vec::new();
    for (measure, def) in [("CH01", per_1000), ("CH02", on_time)] {
        for stock in ["LCRA", "LCHO", "all"] {
            for stage in [1u8, 2] {
                let (breakdown, group) = if stock == "all" { ("all", ALL) } else { ("stock_type", stock) };
                let f = maker.figure(def, &format!("stage{stage}"), &months, "", year, breakdown, group);
                rows.push(TsmRow {
                    measure,
                    stock_type: stock.to_string(),
                    stage: Some(stage),
                    numerator: f.numerator,
                    denominator: f.denominator.unwrap_or(0.0),
                    value: f.value,
                    note: f.note,
                });
            }
        }
    }
    rows.extend(tp09(maker.config, year));
    (Period::Year(year), rows)
}

/// TP09 from the perception survey figures in `[tp09."<year>"]`: satisfied
/// (very or fairly) ÷ respondents who complained in the last 12 months. It is
/// reported by stock type only, since the two surveys are sampled apart.
fn tp09(config: &Config, year: FinancialYear) -> Vec<TsmRow> {
    let Some(answers) = config.tp09.get(&year) else { return Vec::new() };
    [("LCRA", answers.lcra), ("LCHO", answers.lcho)]
        .into_iter()
        .filter_map(|(stock, a)| {
            let a = a?;
            let (n, d) = (f64::from(a.satisfied), f64::from(a.respondents));
            Some(TsmRow {
                measure: "TP09",
                stock_type: stock.to_string(),
                stage: None,
                numerator: n,
                denominator: d,
                value: (d > 0.0).then(|| round_ratio(n * 100.0, d, 1)),
                note: (d == 0.0).then(|| "no respondents".to_string()),
            })
        })
        .collect()
}

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
    format!("{}: {}", stream_label(stream), label.to_lowercase())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counting_in_slices_adds_up_to_counting_at_once() {
        let opts = crate::pipeline::RunOptions {
            config: Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data/landlord.toml"),
            cases: Vec::new(),
            period: "2026-27-Q2".into(),
            as_of: None,
            out: std::env::temp_dir(),
            strict: false,
            queries: None,
            templates: None,
        };
        let prepared = crate::pipeline::prepare(&opts, &|_| {}).unwrap();
        let sources = || Sources {
            cases: &prepared.cases,
            surveys: &prepared.surveys,
            determinations: &prepared.determinations,
        };
        let window = (NaiveDate::from_ymd_opt(2024, 4, 1).unwrap(), prepared.as_of);
        let catalogue = Catalogue::embedded();
        let whole = Cube::build_in_slices(sources(), catalogue, window, usize::MAX).unwrap();
        // 5,000 cases in slices of 700 (the last one short); the surveys and
        // findings in slices too.
        let sliced = Cube::build_in_slices(sources(), catalogue, window, 700).unwrap();
        assert!(prepared.cases.height() > 700 * 7 && prepared.surveys.height() > 700);
        assert!(whole.cells.len() > 1000, "{} cells", whole.cells.len());
        assert_eq!(
            whole.cells.keys().collect::<std::collections::BTreeSet<_>>(),
            sliced.cells.keys().collect::<std::collections::BTreeSet<_>>()
        );
        for (key, counts) in &whole.cells {
            for (a, b) in counts.iter().zip(&sliced.cells[key]) {
                assert!((a - b).abs() < 1e-6, "{key:?}: {a} counted at once, {b} in slices");
            }
        }
    }

    #[test]
    fn embedded_queries_are_valid() {
        let c = Catalogue::parse(EMBEDDED_QUERIES).unwrap();
        assert!(c.measure("on_time_pct").is_some());
        assert!(c.has_target("stage1_on_time_pct"));
        assert!(!c.has_target("stage1_received"));
    }

    #[test]
    fn bad_definitions_are_refused_with_the_measure_named() {
        let text = EMBEDDED_QUERIES.replace("numerator = \"responded_on_time\"", "numerator = \"on_tiem\"");
        let err = Catalogue::parse(&text).unwrap_err();
        assert!(err.contains("on_time_pct") && err.contains("on_tiem"), "{err}");
        let text = EMBEDDED_QUERIES.replace("where = \"is_upheld\"", "where = \"is_upheld AND (\"");
        assert!(Catalogue::parse(&text).unwrap_err().contains("count upheld"));
    }

    #[test]
    fn rounding_is_half_away_from_zero_at_one_place() {
        assert_eq!(round(12.25, 1), 12.3);
        assert_eq!(round_ratio(80.0, 3.0, 1), 26.7);
        // 23 of 80 is exactly 28.75%: 28.8, not the 28.7 that 23 / 80 * 100 gives.
        assert_eq!(round_ratio(23.0 * 100.0, 80.0, 1), 28.8);
        for d in 1..=1000u32 {
            for n in 0..=d {
                let exact_tenths_x2 = 2000 * u64::from(n) / u64::from(d); // twice the value in tenths, floored
                let r = round_ratio(f64::from(n) * 100.0, f64::from(d), 1);
                // Half away from zero: the result is within half a tenth, ties upward.
                let tenths = (r * 10.0).round() as u64;
                assert!(exact_tenths_x2 / 2 <= tenths && tenths <= exact_tenths_x2 / 2 + 1, "{n}/{d} -> {r}");
                if 2000 * u64::from(n) % u64::from(d) == 0 && exact_tenths_x2 % 2 == 1 {
                    assert_eq!(tenths, exact_tenths_x2 / 2 + 1, "tie {n}/{d} must round up");
                }
            }
        }
    }
}

pub mod results;
pub use results::{LearningAction, OpenCase, OpenCases, OpenCount, Rag, Results, Target, ThemeRow};
