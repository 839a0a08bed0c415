//! The counts cube: every count of the catalogue, per month, stream and
//! breakdown group, made in one grouping of the rows per period-defining
//! date (and one per breakdown counted apart) and rolled up to each
//! breakdown. Any period's figures are sums of its months' cells.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use indexmap::IndexSet;
use polars::prelude::*;

use super::catalogue::{Catalogue, PeriodBy, ALL_BREAKDOWN, BREAKDOWNS, THEME_BY_SERVICE_AREA};
use crate::calendar::date_lit;
use crate::error::{Error, Result};
use crate::memory::{self, Dictionary};
use crate::period::{epoch_day, month_index};
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

/// Each row's month, numbered as [`month_index`] numbers it.
fn month_expr(date: &str) -> Expr {
    col(date)
        .map(
            |c| Ok(months(c.date()?).into_column()),
            |_, field| Ok(Field::new(field.name().clone(), DataType::Int32)),
        )
        .alias("month")
}

/// [`month_index`] of each day, worked out once for each day from the first
/// to the last (a window of a few years), not for every row: polars' own
/// year and month make a date and time of every row.
fn months(days: &DateChunked) -> Int32Chunked {
    let days = days.physical();
    // Values are worked out under nulls too, and stay null: whatever a null
    // slot holds gives some number (`epoch_day` is None past chrono's years).
    // A parsed date has a four-digit year, well within chrono's, so the span
    // of a column's days cannot overflow.
    let month = |day: i32| epoch_day(day).map_or(0, month_index);
    match (days.min(), days.max()) {
        (Some(first), Some(last)) if last - first < MONTHS_LOOKED_UP => {
            let table: Vec<i32> = (first..=last).map(month).collect();
            days.apply_values(|day| table.get(day.wrapping_sub(first) as u32 as usize).copied().unwrap_or(0))
        }
        _ => days.apply_values(month),
    }
}

/// The most days [`months`] looks up in a table (some 180 years).
const MONTHS_LOOKED_UP: i32 = 1 << 16;

/// The column holding the code of key column `key` (see [`coded`]).
fn code_of(key: &str) -> String {
    format!("code of {key}")
}

/// The key columns a source's rows are counted by: the fine breakdowns and
/// the columns of each breakdown counted apart (an Ombudsman-only one only
/// where the source has it), each once, sorted; and those apart breakdowns.
/// They depend on the source's columns alone, so are settled once a source.
struct Keys {
    columns: Vec<&'static str>,
    apart: Vec<(&'static str, &'static [&'static str])>,
}

fn key_columns(frame: &DataFrame) -> Keys {
    let counted =
        |columns: &[&str]| columns.iter().all(|c| !OMBUDSMAN_ONLY.contains(c) || frame.column(c).is_ok());
    let apart: Vec<(&'static str, &'static [&'static str])> =
        APART.iter().copied().filter(|(_, columns)| counted(columns)).collect();
    let columns: Vec<&'static str> = FINE_COLUMNS
        .iter()
        .chain(apart.iter().flat_map(|(_, columns)| columns.iter()))
        .copied()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    Keys { columns, apart }
}

/// A slice of a source's rows with its keys coded ([`coded`]).
struct Coded<'k> {
    rows: DataFrame,
    dictionaries: HashMap<String, Dictionary>,
    keys: &'k Keys,
}

/// `frame` with each key column's (and the stream's) [`memory::codes`]
/// beside it, named by [`code_of`], so the groupings compare numbers; each
/// one's dictionary turns the roll-ups' keys back into text ([`rolled_up`]). A
/// source's rows are coded once for every date that counts them, before the
/// window picks rows, so only the 4-byte codes are copied by the pick.
fn coded<'k>(frame: &DataFrame, keys: &'k Keys) -> Result<Coded<'k>> {
    let texts = keys
        .columns
        .iter()
        .copied()
        .map(|name| {
            Ok(match frame.column(name) {
                Ok(column) => column.str()?.clone(),
                // Filled in as not recorded by `with_breakdown_columns`.
                Err(_) => StringChunked::full_null(name.into(), frame.height()),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    // Each column is a hash pass over every row, and nothing else runs
    // meanwhile: half the columns are coded on a second thread, the stream
    // and the other half on this one.
    let (here, there) = texts.split_at(texts.len() / 2);
    let ((stream, mut codes), more) = crate::parallel::both(
        || (stream_codes(frame), here.iter().map(memory::codes).collect::<Vec<_>>()),
        || there.iter().map(memory::codes).collect::<Vec<_>>(),
    );
    codes.extend(more);
    let mut rows = frame.clone();
    let mut dictionaries = HashMap::new();
    for (text, (at, dictionary)) in texts.iter().zip(codes) {
        rows.with_column(at.with_name(code_of(text.name()).into()).into_column())?;
        dictionaries.insert(text.name().to_string(), dictionary);
    }
    let (at, dictionary) = stream?;
    rows.with_column(at.with_name(code_of("stream").into()).into_column())?;
    dictionaries.insert("stream".to_string(), dictionary);
    Ok(Coded { rows, dictionaries, keys })
}

/// Each row's stream as a code, with the dictionary of the streams:
/// [`stream_expr`] is worked out once for each distinct record type and
/// stage, not for every row.
fn stream_codes(frame: &DataFrame) -> Result<(IdxCa, Dictionary)> {
    let (types, _) = memory::codes(frame.column(case::RECORD_TYPE)?.str()?);
    let pairs =
        DataFrame::new(frame.height(), vec![types.into_column(), frame.column(case::STAGE)?.clone()])?;
    let Grouping { group_of_row, first_rows } = grouping(&pairs, &[case::RECORD_TYPE, case::STAGE])?;
    let distinct = frame
        .select([case::RECORD_TYPE, case::STAGE])?
        .take(&IdxCa::from_vec(PlSmallStr::EMPTY, first_rows))?
        .lazy()
        .select([stream_expr().alias("stream")])
        .collect()?;
    let (stream_of_pair, streams) = memory::codes(distinct.column("stream")?.str()?);
    Ok((stream_of_pair.take(&IdxCa::from_vec(PlSmallStr::EMPTY, group_of_row))?, streams))
}

/// The sums of `sums` ([`sums_by`], keys coded) by month, stream and
/// breakdown group: the group of the key columns `by` (none: one group,
/// [`ALL`]), a null key counted as "Not recorded" and two columns' groups
/// joined as [`crossed_group`]; the stream and group decoded, as
/// [`Cube::add`] takes them.
///
/// Grouped on the codes, then decoded: a null key takes the code of "Not
/// recorded", so each group holds the same rows, in the same order, as
/// grouping by the text, and sums to the same figure (two crossed groups
/// whose joined text is alike, possible only where a value holds " | ",
/// are added together by [`Cube::add`]). Only the groups' text is made,
/// where grouping by text hashed every fine row's: the roll-ups of a
/// 1M-row quarter took about 50 ms rather than 70.
fn rolled_up(
    sums: &DataFrame,
    by: &[&str],
    members: &[usize],
    dictionaries: &HashMap<String, Dictionary>,
) -> Result<DataFrame> {
    let values: Vec<String> = members.iter().map(|i| format!("c{i}")).collect();
    let mut keyed = sums.select(
        ["month", "stream"].iter().chain(by).copied().map(String::from).chain(values.iter().cloned()),
    )?;
    let mut names = Vec::with_capacity(by.len());
    for key in by {
        let (codes, dictionary) = not_recorded_coded(keyed.column(key)?.idx()?, &dictionaries[*key])?;
        keyed.with_column(codes.into_column())?;
        names.push(dictionary);
    }
    let mut keys: Vec<Expr> = ["month", "stream"].iter().chain(by).map(|c| col(*c)).collect();
    if by.is_empty() {
        // A third key, as the whole landlord's group always had: polars
        // sums a group-by of fewer keys in pieces on its threads, in no
        // fixed order, and a fractional sum (compensation) could then
        // differ in its last bits from run to run.
        keys.push(lit(ALL).alias("group"));
    }
    let resum: Vec<Expr> = values.iter().map(|c| col(c.as_str()).sum()).collect();
    let mut rolled = keyed.lazy().group_by(keys).agg(resum).collect()?;
    let groups: Vec<StringChunked> = by
        .iter()
        .zip(&names)
        .map(|(key, names)| Ok(names.decode(rolled.column(key)?.idx()?)))
        .collect::<Result<_>>()?;
    let group = match groups.as_slice() {
        [] => None,
        [one] => Some(one.clone()),
        [first, second] => Some(
            first
                .iter()
                .zip(second.iter())
                .map(|(a, b)| {
                    let filled = "a null key has the code of \"Not recorded\"";
                    Some(crossed_group(a.expect(filled), b.expect(filled)))
                })
                .collect::<StringChunked>(),
        ),
        _ => unreachable!("a breakdown crosses at most two columns"),
    };
    let stream = dictionaries["stream"].decode(rolled.column("stream")?.idx()?);
    rolled.with_column(stream.with_name("stream".into()).into_column())?;
    if let Some(group) = group {
        rolled.with_column(group.with_name("group".into()).into_column())?;
    }
    Ok(rolled)
}

/// `codes` with each null given the code of "Not recorded", and the
/// dictionary that decodes them: `dictionary`, with "Not recorded" added
/// at the end where it lacks it.
fn not_recorded_coded(codes: &IdxCa, dictionary: &Dictionary) -> Result<(IdxCa, Dictionary)> {
    let mut values: Vec<&str> = dictionary.values().collect();
    let not_recorded = match values.iter().position(|v| *v == NOT_RECORDED) {
        Some(at) => at,
        None => {
            values.push(NOT_RECORDED);
            values.len() - 1
        }
    } as IdxSize;
    let filled = codes.fill_null_with_values(not_recorded)?;
    Ok((filled, Dictionary::of(codes.name().clone(), &values)))
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

/// The rows of a frame grouped by some of its key columns (see [`sums_by`]).
struct Grouping {
    /// Each row's group: its place in `first_rows`.
    group_of_row: Vec<IdxSize>,
    /// The first row of each group, in order of first appearance.
    first_rows: Vec<IdxSize>,
}

/// Groups are found by a table indexed by the packed keys themselves, rather
/// than by hashing them, while the keys' combinations are at most this many
/// (4 MiB of table) and not many more than the rows.
const DIRECT_GROUPS: u64 = 1 << 20;

/// The rows of `frame` grouped by the `keys` columns (whole numbers and
/// codes). Each row's keys are packed into one number, each key a digit
/// ([`Digits`]). When the next key would make more combinations than
/// [`DIRECT_GROUPS`], the rows are first numbered by their group so far, so
/// the number stays below rows × 2^32: there are no more groups than rows,
/// and a key has at most 2^32 + 1 digits.
fn grouping(frame: &DataFrame, keys: &[&str]) -> Result<Grouping> {
    let mut packed = vec![0u64; frame.height()];
    let mut combinations: u64 = 1;
    for (n, key) in keys.iter().enumerate() {
        let digits = Digits::of(frame.column(key)?)?;
        let radix = digits.radix();
        if combinations.saturating_mul(radix) > DIRECT_GROUPS {
            let Grouping { group_of_row, first_rows } = numbered(&packed, combinations);
            packed = group_of_row.into_iter().map(u64::from).collect();
            combinations = first_rows.len() as u64;
        }
        // The first key's digits are written, not appended to the zeros:
        // the zeros are a fresh mapping, whose pages read first are the
        // kernel's shared zero page, and each page written after that
        // faults again and stops the other core to flush its TLB: a tenth
        // of the cube's time.
        digits.append_to(&mut packed, n == 0);
        combinations = combinations
            .checked_mul(radix)
            .expect("fewer groups than rows, and a key's digits within 2^32 + 1");
    }
    Ok(numbered(&packed, combinations))
}

/// A key column's values as the digits of a packed key: a whole number
/// (a month, a stage) as its distance from the lowest, a code as it is, and
/// null as the digit after the highest, so a null key is a group of its own.
enum Digits<'a> {
    Numbers { numbers: &'a Int32Chunked, lowest: i64, null: u64 },
    Codes { codes: &'a IdxCa, null: u64 },
}

impl<'a> Digits<'a> {
    fn of(column: &'a Column) -> Result<Digits<'a>> {
        Ok(match column.dtype() {
            DataType::Int32 => {
                let numbers = column.i32()?;
                let (lowest, highest) =
                    (numbers.min().unwrap_or(0) as i64, numbers.max().unwrap_or(0) as i64);
                Digits::Numbers { numbers, lowest, null: (highest - lowest) as u64 + 1 }
            }
            _ => {
                let codes = column.idx()?;
                Digits::Codes { codes, null: codes.max().map_or(0, |c| u64::from(c) + 1) }
            }
        })
    }

    fn radix(&self) -> u64 {
        match self {
            Digits::Numbers { null, .. } | Digits::Codes { null, .. } => null + 1,
        }
    }

    /// Each row's number so far with this key's digit after it; `first`,
    /// the digit alone (the number so far is nothing, and is not read).
    fn append_to(&self, packed: &mut [u64], first: bool) {
        let radix = if first { 0 } else { self.radix() };
        match *self {
            Digits::Numbers { numbers, lowest, null } => {
                append_digits(packed, numbers, radix, null, |n| (i64::from(n) - lowest) as u64)
            }
            Digits::Codes { codes, null } => append_digits(packed, codes, radix, null, u64::from),
        }
    }
}

/// Each of `packed` times `radix` plus the row's `digit` (`null` for a
/// null), read array by array from the values and validity themselves: an
/// iterator of options here was left a call a row by the compiler, which
/// took as long as the arithmetic. A `radix` of 0 writes the digits without
/// reading `packed`.
fn append_digits<T: PolarsNumericType>(
    packed: &mut [u64],
    column: &ChunkedArray<T>,
    radix: u64,
    null: u64,
    digit: impl Fn(T::Native) -> u64,
) {
    let mut rest = packed;
    for array in column.downcast_iter() {
        let (part, after) = std::mem::take(&mut rest).split_at_mut(array.len());
        rest = after;
        let values = array.values().iter();
        match array.validity().filter(|valid| valid.unset_bits() > 0) {
            Some(valid) => {
                for ((p, &v), is_valid) in part.iter_mut().zip(values).zip(valid.iter()) {
                    *p = so_far(p, radix) + if is_valid { digit(v) } else { null };
                }
            }
            None => {
                for (p, &v) in part.iter_mut().zip(values) {
                    *p = so_far(p, radix) + digit(v);
                }
            }
        }
    }
}

/// A row's packed number before its next digit: read only for a radix.
#[inline(always)]
fn so_far(packed: &u64, radix: u64) -> u64 {
    if radix == 0 {
        0
    } else {
        *packed * radix
    }
}

/// The rows numbered by their packed key, in order of first appearance.
fn numbered(packed: &[u64], combinations: u64) -> Grouping {
    let mut first_rows: Vec<IdxSize> = Vec::new();
    let mut group_of = |group: &mut IdxSize, row: usize| {
        if *group == IdxSize::MAX {
            first_rows.push(row as IdxSize);
            *group = (first_rows.len() - 1) as IdxSize;
        }
        *group
    };
    // A table of every combination costs more to clear than hashing a
    // few rows would.
    let group_of_row = if combinations <= DIRECT_GROUPS.min(4 * packed.len() as u64 + 64) {
        let mut table = vec![IdxSize::MAX; combinations as usize];
        packed.iter().enumerate().map(|(row, &p)| group_of(&mut table[p as usize], row)).collect()
    } else {
        let mut table: PlHashMap<u64, IdxSize> = PlHashMap::new();
        packed
            .iter()
            .enumerate()
            .map(|(row, &p)| group_of(table.entry(p).or_insert(IdxSize::MAX), row))
            .collect()
    };
    Grouping { group_of_row, first_rows }
}

/// For each of `groupings`, the sum of each member count's value (`c<index>`)
/// over the rows of each group, as floats, summed in the order of the rows:
/// the same on every run (a fractional sum, such as compensation, may differ
/// in its last bits from a sum taken in another order).
///
/// Each value column is read once for all the groupings; half the members
/// are summed on each of the two threads.
fn member_sums(frame: &DataFrame, groupings: &[Grouping], members: &[usize]) -> Result<Vec<Vec<Vec<f64>>>> {
    let sum_member = |i: usize| -> Result<Vec<Vec<f64>>> {
        let mut sums: Vec<Vec<f64>> = groupings.iter().map(|g| vec![0.0; g.first_rows.len()]).collect();
        let mut add = |row: usize, v: f64| {
            for (sum, g) in sums.iter_mut().zip(groupings) {
                sum[g.group_of_row[row] as usize] += v;
            }
        };
        let value = frame.column(&format!("c{i}"))?;
        if value.dtype() == &DataType::Boolean {
            // A count's value is its condition: one a row where it holds.
            // The rows where it holds are found by their set bits, so a
            // count that holds in few rows costs few: read row by row, the
            // conditions made the sums of a 1M-row quarter take 45-58 ms
            // of CPU where they now take 34-36.
            memory::each_true_row(value.bool()?, |row| add(row, 1.0));
        } else {
            // A sum's value, or a condition that gives a number.
            for (row, v) in value.cast(&DataType::Float64)?.f64()?.iter().enumerate() {
                if let Some(v) = v {
                    add(row, v);
                }
            }
        }
        Ok(sums)
    };
    // Per member, then per grouping: turned round to per grouping, per member.
    let by_member: Vec<Result<Vec<Vec<f64>>>> = crate::parallel::halves(members.len(), 2, |from, len| {
        members[from..from + len].iter().map(|&i| sum_member(i)).collect()
    });
    let mut by_grouping: Vec<Vec<Vec<f64>>> =
        groupings.iter().map(|_| Vec::with_capacity(members.len())).collect();
    for sums in by_member {
        for (grouping, sum) in by_grouping.iter_mut().zip(sums?) {
            grouping.push(sum);
        }
    }
    Ok(by_grouping)
}

/// For each set of key columns in `keys`, the sum of each member count's
/// value over the rows of each distinct combination of the keys: the keys
/// as in `frame` (from the first row of each group), then the sums, as
/// `c<index>` float columns.
fn sums_by(frame: &DataFrame, keys: &[Vec<&str>], members: &[usize]) -> Result<Vec<DataFrame>> {
    let groupings = crate::parallel::halves(keys.len(), 2, |from, len| {
        keys[from..from + len].iter().map(|k| grouping(frame, k)).collect()
    })
    .into_iter()
    .collect::<Result<Vec<_>>>()?;
    let sums = member_sums(frame, &groupings, members)?;
    keys.iter()
        .zip(groupings)
        .zip(sums)
        .map(|((keys, grouping), sums)| {
            let firsts = IdxCa::from_vec(PlSmallStr::EMPTY, grouping.first_rows);
            let mut frame = frame.select(keys.iter().copied())?.take(&firsts)?;
            for (&i, sum) in members.iter().zip(sums) {
                frame.with_column(Column::new(format!("c{i}").into(), sum))?;
            }
            Ok(frame)
        })
        .collect()
}

impl Cube {
    /// Count every row once per period-defining date, for dates in `window`:
    /// one fine grouping per date, its sums rolled up to each breakdown in
    /// polars.
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
            let keys = key_columns(frame);
            for offset in (0..frame.height()).step_by(slice_rows) {
                let slice = coded(&frame.slice(offset as i64, slice_rows), &keys)?;
                for (basis, members, values) in &bases {
                    cube.count(&slice, *basis, members, values, window)?;
                    // A date's working columns, freed, are handed back
                    // before the next date's are made where the allocator
                    // holds enough free for that to lower the peak (a big
                    // run; see `release_freed`).
                    memory::release_freed();
                }
            }
        }
        Ok(cube)
    }

    /// Add one slice of a source's rows: the window's rows are picked, and
    /// each count's value worked out, once, in polars; the rows are then
    /// grouped by the fine breakdowns and by each counted apart, on integer
    /// keys ([`sums_by`]), and the value columns summed.
    fn count(
        &mut self,
        slice: &Coded,
        basis: PeriodBy,
        members: &[usize],
        values: &[Expr],
        window: (NaiveDate, NaiveDate),
    ) -> Result<()> {
        let date = basis.column();
        let Coded { rows, dictionaries, keys } = slice;
        let in_window = with_breakdown_columns(rows)
            .filter(col(date).gt_eq(date_lit(window.0)).and(col(date).lt_eq(date_lit(window.1))))
            .select(
                [month_expr(date).alias("month")]
                    .into_iter()
                    .chain(keys.columns.iter().copied().chain(["stream"]).map(|c| col(code_of(c)).alias(c)))
                    .chain(values.iter().cloned())
                    .collect::<Vec<_>>(),
            )
            .collect()?;
        // The fine breakdowns' key columns first, then each counted apart.
        let by = |columns: &[&'static str]| -> Vec<&'static str> {
            ["month", "stream"].iter().chain(columns).copied().collect()
        };
        let groupings: Vec<Vec<&str>> = std::iter::once(by(&FINE_COLUMNS))
            .chain(keys.apart.iter().map(|(_, columns)| by(columns)))
            .collect();
        let mut sums = sums_by(&in_window, &groupings, members)?.into_iter();
        let fine = sums.next().expect("the fine sums come first");
        let apart_sums: HashMap<&str, (DataFrame, &[&str])> = keys
            .apart
            .iter()
            .zip(sums)
            .map(|(&(breakdown, columns), sums)| (breakdown, (sums, columns)))
            .collect();
        for breakdown in BREAKDOWNS {
            let own = [breakdown];
            let (source, by): (&DataFrame, &[&str]) = match apart_sums.get(breakdown) {
                Some((sums, columns)) => (sums, columns),
                None if APART.iter().any(|(b, _)| *b == breakdown) => continue,
                None if breakdown == ALL_BREAKDOWN => (&fine, &[]),
                None => (&fine, &own),
            };
            let rolled = rolled_up(source, by, members, dictionaries)?;
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

    /// The first month with any of count `count` in `stream`, for the
    /// whole landlord: a period before it is not in the data, which is not
    /// the same as having nothing in it. (An old Ombudsman finding or
    /// survey says nothing of when the case export starts.)
    pub fn first_month_of(&self, stream: &str, count: usize) -> Option<i32> {
        let stream = self.names.get_index_of(stream)? as u32;
        self.cells
            .iter()
            .filter(|((_, s, b, _), cell)| *s == stream && *b == ALL_BREAKDOWN && cell[count] > 0.0)
            .map(|(&(month, ..), _)| month)
            .min()
    }

    /// The stock types with a row in a month range.
    pub(crate) fn stock_types(&self, months: &std::ops::RangeInclusive<i32>) -> BTreeSet<&str> {
        self.stock_types
            .range(months.clone())
            .flat_map(|(_, types)| types.iter().map(String::as_str))
            .collect()
    }

    /// The groups seen for a breakdown in a month range, sorted.
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Each day's month, as `month_index` numbers it, through the table of
    /// a short range and, for a range too long for one, day by day.
    #[test]
    fn each_days_month_is_its_month_index() {
        let ymd = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let short = [ymd(2025, 3, 31), ymd(2025, 4, 1), ymd(2024, 12, 31), ymd(2025, 1, 1), ymd(2024, 2, 29)];
        let long = [ymd(1900, 1, 1), ymd(2100, 12, 31), ymd(1970, 1, 1)];
        for days in [&short[..], &long[..]] {
            let mut column: Vec<Option<i32>> =
                days.iter().map(|&d| Some(crate::period::epoch_days(d))).collect();
            column.push(None);
            let dates = Int32Chunked::from_iter_options("d".into(), column.into_iter()).into_date();
            let mut expected: Vec<Option<i32>> = days.iter().map(|&d| Some(month_index(d))).collect();
            expected.push(None);
            assert_eq!(months(&dates).iter().collect::<Vec<_>>(), expected);
        }
        assert_eq!(month_index(ymd(2025, 4, 1)) - month_index(ymd(2025, 3, 31)), 1);
        assert_eq!(month_index(ymd(2025, 1, 1)), 2025 * 12);
    }

    /// Each row's group, as the groups' first rows name them.
    fn groups_of(grouping: &Grouping) -> Vec<IdxSize> {
        grouping.group_of_row.iter().map(|&g| grouping.first_rows[g as usize]).collect()
    }

    fn frame(months: &[Option<i32>], codes: &[Option<IdxSize>]) -> DataFrame {
        df!("month" => months, "code" => codes).unwrap()
    }

    #[test]
    fn rows_with_the_same_keys_share_a_group_and_a_null_key_is_a_group_of_its_own() {
        let rows = frame(
            &[Some(300), Some(301), Some(300), Some(300), None, Some(300)],
            &[Some(0), Some(0), Some(1), Some(0), Some(0), None],
        );
        let grouping = grouping(&rows, &["month", "code"]).unwrap();
        // Rows 0 and 3 share month 300 and code 0; every other row differs.
        assert_eq!(groups_of(&grouping), [0, 1, 2, 0, 4, 5]);
        assert_eq!(grouping.first_rows, [0, 1, 2, 4, 5]);
    }

    #[test]
    fn months_before_the_epoch_no_months_and_no_rows_group_as_any_others() {
        let rows = frame(&[Some(-5), Some(7), Some(-5)], &[Some(1), Some(1), Some(1)]);
        assert_eq!(groups_of(&grouping(&rows, &["month", "code"]).unwrap()), [0, 1, 0]);
        let rows = frame(&[None, None], &[Some(0), Some(1)]);
        assert_eq!(groups_of(&grouping(&rows, &["month", "code"]).unwrap()), [0, 1]);
        let rows = frame(&[], &[]);
        let none = grouping(&rows, &["month", "code"]).unwrap();
        assert!(none.group_of_row.is_empty() && none.first_rows.is_empty());
    }

    #[test]
    fn one_key_with_more_values_than_a_table_holds_is_hashed() {
        let rows = frame(&[Some(1), Some(1), Some(1)], &[Some(0), Some(2_000_000), Some(0)]);
        assert_eq!(groups_of(&grouping(&rows, &["code", "month"]).unwrap()), [0, 1, 0]);
    }

    #[test]
    fn keys_with_more_combinations_than_a_table_holds_group_the_same() {
        // Three keys of 1,024 values make 2^30 combinations: past the direct
        // table, so the rows are numbered by the first two before the third.
        let n = 5_000;
        let key = |shift: u32| -> Vec<Option<IdxSize>> {
            (0..n).map(|i| Some(((i * 7919) >> shift) % 1024)).collect()
        };
        let rows = df!("a" => key(0), "b" => key(3), "c" => key(6)).unwrap();
        let grouping = grouping(&rows, &["a", "b", "c"]).unwrap();
        let mut first_of: HashMap<(IdxSize, IdxSize, IdxSize), IdxSize> = HashMap::new();
        let expected: Vec<IdxSize> = (0..n as usize)
            .map(|row| {
                let k = |c: &str| rows.column(c).unwrap().idx().unwrap().get(row).unwrap();
                *first_of.entry((k("a"), k("b"), k("c"))).or_insert(row as IdxSize)
            })
            .collect();
        assert_eq!(groups_of(&grouping), expected);
        assert_eq!(grouping.first_rows.len(), first_of.len());
    }

    /// A key's digits are read array by array: keys in two pieces (as rows
    /// stacked chunk by chunk are), codes and whole numbers, with nulls, and
    /// renumbered past the direct table, group as the same keys in one piece.
    #[test]
    fn keys_in_pieces_group_as_in_one_piece() {
        let n = 5_000;
        let key = |shift: u32, modulus: IdxSize| -> Vec<Option<IdxSize>> {
            (0..n).map(|i| ((i % 11) != 0).then_some(((i * 7919) >> shift) % modulus)).collect()
        };
        let month: Vec<Option<i32>> = (0..n).map(|i| (i % 13 != 0).then_some(300 + (i % 7) as i32)).collect();
        let whole = df!(
            "a" => key(0, 1024), "b" => key(3, 1024), "c" => key(6, 1024), "d" => key(1, 3), "month" => month,
        )
        .unwrap();
        let mut rows = whole.slice(0, 1234);
        rows.vstack_mut(&whole.slice(1234, n as usize)).unwrap();
        assert_eq!(rows.column("a").unwrap().as_materialized_series().n_chunks(), 2);
        for k in [vec!["a", "b", "c", "d"], vec!["month", "a", "b", "c"], vec!["month", "d"]] {
            let in_pieces = grouping(&rows, &k).unwrap();
            assert_eq!(groups_of(&in_pieces), groups_of(&grouping(&whole, &k).unwrap()), "{k:?}");
            assert!(in_pieces.first_rows.len() < n as usize, "some rows share a group");
        }
    }

    #[test]
    fn sums_by_adds_each_counts_value_over_its_group() {
        let rows = df!(
            "month" => [300, 300, 301, 300],
            "stream" => [0 as IdxSize, 0, 0, 1],
            "c0" => [true, false, true, true],
            "c1" => [Some(10.5), Some(2.0), None, Some(1.0)],
        )
        .unwrap();
        let sums = sums_by(&rows, &[vec!["month", "stream"], vec!["stream"]], &[0, 1]).unwrap();
        let column = |frame: &DataFrame, name: &str| -> Vec<f64> {
            frame.column(name).unwrap().f64().unwrap().into_no_null_iter().collect()
        };
        assert_eq!(
            sums[0].column("month").unwrap().i32().unwrap().to_vec(),
            [Some(300), Some(301), Some(300)]
        );
        assert_eq!(column(&sums[0], "c0"), [1.0, 1.0, 1.0]);
        assert_eq!(column(&sums[0], "c1"), [12.5, 0.0, 1.0]);
        assert_eq!(column(&sums[1], "c0"), [2.0, 1.0]);
        assert_eq!(column(&sums[1], "c1"), [12.5, 1.0]);
    }

    /// Rolled up on codes, a null key is counted with a recorded "Not
    /// recorded" (as grouping the text with nulls filled in counted it), a
    /// dictionary without one gains it, and two keys' groups are joined.
    #[test]
    fn a_roll_up_counts_a_null_key_as_not_recorded_and_joins_two_keys() {
        let dictionaries: HashMap<String, Dictionary> = [
            ("stream", vec!["stage1", "enquiry"]),
            (case::SERVICE_AREA, vec!["Repairs", NOT_RECORDED]),
            (case::LEARNING_THEME, vec!["Delay"]),
        ]
        .into_iter()
        .map(|(name, values)| (name.to_string(), Dictionary::of(name.into(), &values)))
        .collect();
        let sums = df!(
            "month" => [300, 300, 300, 300, 301, 300],
            "stream" => [0 as IdxSize, 0, 0, 0, 1, 0],
            case::SERVICE_AREA => [Some(0 as IdxSize), None, Some(1), Some(0), Some(0), None],
            case::LEARNING_THEME => [Some(0 as IdxSize), Some(0), None, None, None, None],
            "c3" => [1.0, 2.0, 4.0, 8.0, 16.0, 32.0],
        )
        .unwrap();
        let rolled = |by: &[&str]| -> Vec<(i32, String, String, f64)> {
            let rolled = rolled_up(&sums, by, &[3], &dictionaries).unwrap();
            let column = |name: &str| rolled.column(name).unwrap().as_materialized_series().clone();
            let (month, stream, group, c3) =
                (column("month"), column("stream"), column("group"), column("c3"));
            let mut rows: Vec<_> = (0..rolled.height())
                .map(|i| {
                    (
                        month.i32().unwrap().get(i).unwrap(),
                        stream.str().unwrap().get(i).unwrap().to_string(),
                        group.str().unwrap().get(i).unwrap().to_string(),
                        c3.f64().unwrap().get(i).unwrap(),
                    )
                })
                .collect();
            rows.sort_by(|a, b| a.partial_cmp(b).unwrap());
            rows
        };
        let row = |month, stream: &str, group: &str, sum| (month, stream.to_string(), group.to_string(), sum);
        assert_eq!(rolled(&[]), [row(300, "stage1", ALL, 47.0), row(301, "enquiry", ALL, 16.0)]);
        assert_eq!(
            rolled(&[case::SERVICE_AREA]),
            [
                row(300, "stage1", NOT_RECORDED, 38.0),
                row(300, "stage1", "Repairs", 9.0),
                row(301, "enquiry", "Repairs", 16.0)
            ]
        );
        assert_eq!(
            rolled(&[case::LEARNING_THEME, case::SERVICE_AREA]),
            [
                row(300, "stage1", "Delay | Not recorded", 2.0),
                row(300, "stage1", "Delay | Repairs", 1.0),
                row(300, "stage1", "Not recorded | Not recorded", 36.0),
                row(300, "stage1", "Not recorded | Repairs", 8.0),
                row(301, "enquiry", "Not recorded | Repairs", 16.0),
            ]
        );
    }

    /// Every group's sum is taken in the order of its rows, the whole
    /// landlord's too: 1e16, then twenty ones, then -1e16 sum to 20 so (a
    /// sum that adds the ones to 1e16 one at a time, or in pieces on
    /// threads, loses some or all of them).
    #[test]
    fn a_roll_up_sums_each_group_in_the_order_of_its_rows() {
        let dictionaries: HashMap<String, Dictionary> =
            [("stream", vec!["stage1"]), (case::SERVICE_AREA, vec!["Repairs"])]
                .into_iter()
                .map(|(name, values)| (name.to_string(), Dictionary::of(name.into(), &values)))
                .collect();
        let values: Vec<f64> =
            std::iter::once(1e16).chain(std::iter::repeat_n(1.0, 20)).chain(std::iter::once(-1e16)).collect();
        let n = values.len();
        let sums = df!(
            "month" => vec![300; n],
            "stream" => vec![0 as IdxSize; n],
            case::SERVICE_AREA => vec![0 as IdxSize; n],
            "c0" => values,
        )
        .unwrap();
        for by in [&[][..], &[case::SERVICE_AREA][..]] {
            let rolled = rolled_up(&sums, by, &[0], &dictionaries).unwrap();
            assert_eq!(rolled.column("c0").unwrap().f64().unwrap().get(0), Some(20.0), "{by:?}");
        }
    }

    #[test]
    fn stream_codes_name_each_row_as_the_stream_expression_does() {
        let rows = df!(
            case::RECORD_TYPE => [Some(COMPLAINT), Some(COMPLAINT), Some("enquiry"), Some(COMPLAINT), None, Some("enquiry"), Some(COMPLAINT)],
            case::STAGE => [Some(1i32), Some(2), None, None, Some(1), Some(1), Some(3)],
        )
        .unwrap();
        let (codes, streams) = stream_codes(&rows).unwrap();
        let coded: Vec<Option<String>> = streams.decode(&codes).iter().map(|s| s.map(String::from)).collect();
        let expected = rows.clone().lazy().select([stream_expr().alias("stream")]).collect().unwrap();
        let expected: Vec<Option<String>> =
            expected.column("stream").unwrap().str().unwrap().iter().map(|s| s.map(String::from)).collect();
        assert_eq!(coded, expected);
        assert_eq!(coded[0].as_deref(), Some("stage1"));
        assert_eq!(coded[3], None);
        assert_eq!(coded[6].as_deref(), Some("stage3"));
    }
}
