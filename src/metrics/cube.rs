//! The counts cube: every count of the catalogue, per month, stream and
//! breakdown group, made in one group-by per period-defining date and rolled
//! up to each breakdown. Any period's figures are sums of its months' cells.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use indexmap::IndexSet;
use polars::prelude::*;

use super::catalogue::{Catalogue, PeriodBy, ALL_BREAKDOWN, BREAKDOWNS, THEME_BY_SERVICE_AREA};
use crate::calendar::date_lit;
use crate::error::{Error, Result};
use crate::memory::{self, Dictionary};
use crate::schema::{case, determination, COMPLAINT, NOT_RECORDED};

/// Breakdowns counted together in one fine group-by; learning themes,
/// refusal reasons and the Ombudsman's categories are counted apart so the
/// fine cube stays small.
const FINE_COLUMNS: [&str; 4] = [case::STOCK_TYPE, case::SERVICE_AREA, case::CATEGORY, case::CHANNEL];
const APART: [(&str, &[&str]); 4] = [
    (case::LEARNING_THEME, &[case::LEARNING_THEME]),
    (case::REFUSAL_REASON, &[case::REFUSAL_REASON]),
    (THEME_BY_SERVICE_AREA, &[case::LEARNING_THEME, case::SERVICE_AREA]),
    (determination::FINDING_CATEGORY, &[determination::FINDING_CATEGORY]),
];
/// Columns only the Ombudsman's rows have. A source without them is not
/// counted by them at all: filled in as "Not recorded" like a case column,
/// every case and survey row would add a "Not recorded" group (and a
/// group-by over millions of case rows) to the findings by category.
const OMBUDSMAN_ONLY: [&str; 1] = [determination::FINDING_CATEGORY];
/// Joins the two groups of a crossed breakdown.
pub const CROSS: &str = " | ";
pub const ALL: &str = "All";

/// The group of a breakdown crossing two columns, as the cube names it.
pub fn crossed_group(first: &str, second: &str) -> String {
    format!("{first}{CROSS}{second}")
}

/// A row's group for a breakdown: its column, or two columns joined.
fn group_expr(breakdown: &str) -> Expr {
    if breakdown == ALL_BREAKDOWN {
        return lit(ALL);
    }
    let own = [breakdown];
    let columns = APART.iter().find(|(b, _)| *b == breakdown).map_or(&own[..], |(_, c)| *c);
    let parts: Vec<Expr> = columns.iter().map(|c| col(*c).fill_null(lit(NOT_RECORDED))).collect();
    match parts.len() {
        1 => parts.into_iter().next().expect("one column"),
        _ => concat_str(parts, CROSS, false),
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

/// Monthly counts per stream and breakdown group.
pub struct Cube {
    /// (month index, stream, breakdown, group) -> one value per count; the
    /// stream and group as their places in `names`, so adding a row and
    /// looking up a cell hash four small values and copy no text.
    cells: PlHashMap<(i32, u32, &'static str, u32), Vec<f64>>,
    /// Every stream and group named in the cells, each once.
    names: IndexSet<String>,
    n_counts: usize,
    /// The stock types with a row in each month, so a per-1,000-homes figure
    /// can say whose homes its divisor lacks without scanning the cells.
    stock_types: BTreeMap<i32, BTreeSet<String>>,
}

/// The stream of a row: `stage1`, `stage2` or the record type.
pub(crate) fn stream_expr() -> Expr {
    when(col(case::RECORD_TYPE).eq(lit(COMPLAINT)))
        .then(concat_str([lit("stage"), col(case::STAGE).cast(DataType::String)], "", false))
        .otherwise(col(case::RECORD_TYPE))
}

fn month_expr(date: &str) -> Expr {
    (col(date).dt().year().cast(DataType::Int32) * lit(12) + col(date).dt().month().cast(DataType::Int32)
        - lit(1))
    .alias("month")
}

/// The column holding the code of key column `key` (see [`coded`]).
fn code_of(key: &str) -> String {
    format!("code of {key}")
}

/// The key columns a source's rows are counted by: the fine breakdowns and
/// the columns of each breakdown counted apart (an Ombudsman-only one only
/// where the source has it), each once, sorted; and those apart breakdowns.
fn key_columns(frame: &DataFrame) -> (Vec<&'static str>, Vec<(&'static str, &'static [&'static str])>) {
    let counted =
        |columns: &[&str]| columns.iter().all(|c| !OMBUDSMAN_ONLY.contains(c) || frame.column(c).is_ok());
    let apart: Vec<(&'static str, &'static [&'static str])> =
        APART.iter().copied().filter(|(_, columns)| counted(columns)).collect();
    let keys: Vec<&'static str> = FINE_COLUMNS
        .iter()
        .chain(apart.iter().flat_map(|(_, columns)| columns.iter()))
        .copied()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    (keys, apart)
}

/// `frame` with each key column's (and the stream's) [`memory::codes`]
/// beside it, named by [`code_of`], so the group-bys compare numbers; each
/// one's dictionary turns the sums' keys back into text ([`decoded`]). A
/// source's rows are coded once for every date that counts them, before the
/// window picks rows, so only the 4-byte codes are copied by the pick.
fn coded(frame: &DataFrame) -> Result<(DataFrame, HashMap<String, Dictionary>)> {
    let (keys, _) = key_columns(frame);
    let stream = frame.clone().lazy().select([stream_expr().alias("stream")]).collect()?;
    let texts = keys
        .into_iter()
        .chain(["stream"])
        .map(|name| {
            Ok(match name {
                "stream" => stream.column(name)?.str()?.clone(),
                _ => match frame.column(name) {
                    Ok(column) => column.str()?.clone(),
                    // Filled in as not recorded by `with_breakdown_columns`.
                    Err(_) => StringChunked::full_null(name.into(), frame.height()),
                },
            })
        })
        .collect::<Result<Vec<_>>>()?;
    // Each column is a hash pass over every row, and nothing else runs
    // meanwhile: half the columns are coded on a second thread.
    let codes = crate::parallel::halves(texts.len(), 2, |from, len| {
        texts[from..from + len].iter().map(memory::codes).collect()
    });
    let mut with_codes = frame.clone();
    let mut dictionaries = HashMap::new();
    for (text, (at, dictionary)) in texts.iter().zip(codes) {
        with_codes.with_column(at.with_name(code_of(text.name()).into()).into_column())?;
        dictionaries.insert(text.name().to_string(), dictionary);
    }
    Ok((with_codes, dictionaries))
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

/// A date the catalogue counts by, with the counts it puts in a period and
/// each count's per-row value ([`count_values`]).
type Dated = (PeriodBy, Vec<usize>, Vec<Expr>);

/// Rows counted at a time by [`Cube::build`].
const SLICE_ROWS: usize = 1 << 20;

/// `frame` with its stream, and with the case-only breakdown columns a linked
/// export lacks added as not recorded ([`OMBUDSMAN_ONLY`] columns are not).
fn with_breakdown_columns(frame: &DataFrame) -> LazyFrame {
    let missing: Vec<Expr> = FINE_COLUMNS
        .iter()
        .chain(APART.iter().flat_map(|(_, columns)| columns.iter()))
        .filter(|c| frame.column(c).is_err() && !OMBUDSMAN_ONLY.contains(c))
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
    /// is held beside the frame, where the whole frame's would double it.
    pub fn build(sources: Sources, catalogue: &Catalogue, window: (NaiveDate, NaiveDate)) -> Result<Cube> {
        Cube::build_in_slices(sources, catalogue, window, SLICE_ROWS)
    }

    /// [`Cube::build`] with slices of `slice_rows` rows: the counts are the
    /// same whatever the slice (a test counts the sample both ways).
    pub fn build_in_slices(
        sources: Sources,
        catalogue: &Catalogue,
        window: (NaiveDate, NaiveDate),
        slice_rows: usize,
    ) -> Result<Cube> {
        let n_counts = catalogue.counts.len();
        let mut cube =
            Cube { cells: PlHashMap::new(), names: IndexSet::new(), n_counts, stock_types: BTreeMap::new() };
        // The dates counted over each source, in the catalogue's date order.
        let mut by_source: Vec<(&DataFrame, Vec<Dated>)> = Vec::new();
        for basis in PeriodBy::ALL {
            let members: Vec<usize> =
                (0..n_counts).filter(|i| catalogue.counts[*i].period_by == basis).collect();
            if members.is_empty() {
                continue;
            }
            let frame = sources.of(basis);
            let values = count_values(frame, basis, catalogue, &members)?;
            match by_source.iter_mut().find(|(f, _)| std::ptr::eq(*f, frame)) {
                Some((_, bases)) => bases.push((basis, members, values)),
                None => by_source.push((frame, vec![(basis, members, values)])),
            }
        }
        for (frame, bases) in by_source {
            for offset in (0..frame.height()).step_by(slice_rows) {
                let (slice, dictionaries) = coded(&frame.slice(offset as i64, slice_rows))?;
                for (basis, members, values) in &bases {
                    cube.count(&slice, &dictionaries, *basis, members, values, window)?;
                    // A date's working columns are freed before the next
                    // date's are made, not kept by the allocator beside them.
                    memory::release_freed();
                }
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
        dictionaries: &HashMap<String, Dictionary>,
        basis: PeriodBy,
        members: &[usize],
        values: &[Expr],
        window: (NaiveDate, NaiveDate),
    ) -> Result<()> {
        let date = basis.column();
        let (keys, apart) = key_columns(frame);
        let in_window = with_breakdown_columns(frame)
            .filter(col(date).gt_eq(date_lit(window.0)).and(col(date).lt_eq(date_lit(window.1))))
            .select(
                [month_expr(date).alias("month")]
                    .into_iter()
                    .chain(keys.iter().copied().chain(["stream"]).map(|c| col(code_of(c)).alias(c)))
                    .chain(values.iter().cloned())
                    .collect::<Vec<_>>(),
            )
            .collect()?;
        let in_window = in_window.lazy();
        let sums: Vec<Expr> =
            members.iter().map(|i| col(format!("c{i}")).sum().cast(DataType::Float64)).collect();
        let fine_keys: Vec<Expr> =
            ["month", "stream"].iter().chain(FINE_COLUMNS.iter()).map(|c| col(*c)).collect();
        let fine = decoded(in_window.clone().group_by(fine_keys).agg(sums.clone()).collect()?, dictionaries)?;
        let mut apart_sums = HashMap::new();
        for (breakdown, columns) in apart {
            let keys: Vec<Expr> = ["month", "stream"].iter().chain(columns.iter()).map(|c| col(*c)).collect();
            let sums = in_window.clone().group_by(keys).agg(sums.clone()).collect()?;
            apart_sums.insert(breakdown, decoded(sums, dictionaries)?);
        }
        let resum: Vec<Expr> = members.iter().map(|i| col(format!("c{i}")).sum()).collect();
        for breakdown in BREAKDOWNS {
            let source = match apart_sums.get(breakdown) {
                Some(sums) => sums,
                None if APART.iter().any(|(b, _)| *b == breakdown) => continue,
                None => &fine,
            };
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
            if breakdown == case::STOCK_TYPE {
                let types = self.stock_types.entry(m).or_default();
                if !types.contains(g) {
                    types.insert(g.to_string());
                }
            }
            let group = self.name(g);
            let streams: &[&str] = if s.starts_with("stage") { &[s, "complaints"] } else { &[s] };
            for st in streams {
                let key = (m, self.name(st), breakdown, group);
                let cell = self.cells.entry(key).or_insert_with(|| vec![0.0; self.n_counts]);
                for (k, &i) in members.iter().enumerate() {
                    cell[i] += values[k].get(row).unwrap_or(0.0);
                }
            }
        }
        Ok(())
    }

    /// The place of a stream or group in `names`.
    fn name(&mut self, text: &str) -> u32 {
        let at = match self.names.get_index_of(text) {
            Some(at) => at,
            None => self.names.insert_full(text.to_string()).0,
        };
        at as u32
    }

    /// Counts for a stream and group over a date range of whole months.
    pub(super) fn counts(
        &self,
        months: std::ops::RangeInclusive<i32>,
        stream: &str,
        breakdown: &'static str,
        group: &str,
    ) -> Vec<f64> {
        let mut total = vec![0.0; self.n_counts];
        let place = |text: &str| self.names.get_index_of(text).map(|at| at as u32);
        let (Some(stream), Some(group)) = (place(stream), place(group)) else { return total };
        for m in months {
            if let Some(cell) = self.cells.get(&(m, stream, breakdown, group)) {
                for (t, v) in total.iter_mut().zip(cell) {
                    *t += v;
                }
            }
        }
        total
    }

    /// The groups seen for a breakdown in a month range, sorted.
    /// The stock types with a row in a month range.
    pub(crate) fn stock_types(&self, months: &std::ops::RangeInclusive<i32>) -> BTreeSet<&str> {
        self.stock_types
            .range(months.clone())
            .flat_map(|(_, types)| types.iter().map(String::as_str))
            .collect()
    }

    pub(crate) fn groups(&self, months: &std::ops::RangeInclusive<i32>, breakdown: &str) -> Vec<String> {
        let mut g: Vec<String> = self
            .cells
            .keys()
            .filter(|(m, _, b, _)| months.contains(m) && *b == breakdown)
            .map(|&(_, _, _, g)| self.names[g as usize].clone())
            .collect();
        g.sort();
        g.dedup();
        g
    }
}
