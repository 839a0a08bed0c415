//! Rows that repeat another: a second row for the same case and stage (or
//! record type, for other feedback), and a stage 2 with no stage 1 row.

use polars::prelude::*;

use crate::error::Result;
use crate::schema::{case, COMPLAINT, FILE, RECORD_TYPE_SPELLINGS, ROW};

/// The key that makes a row unique: case and stage for complaints, case and
/// record type for other feedback.
pub(super) fn duplicate_key() -> Expr {
    when(col(case::RECORD_TYPE).eq(lit(COMPLAINT)))
        .then(col(case::STAGE).cast(DataType::String))
        .otherwise(col(case::RECORD_TYPE))
}

/// What one hash pass over the usable rows (in file and row order) finds:
/// the later occurrences of each key ([`duplicate_key`]) and the stage 2
/// complaints whose case has no stage 1 row. A window per key over a million
/// rows costs far more.
pub(super) struct Occurrences {
    pub is_duplicate: BooleanChunked,
    pub without_stage_1: BooleanChunked,
    /// For each duplicate, in row order: the position of the row it repeats.
    pub first_of_duplicates: IdxCa,
}

pub(super) fn first_occurrences(rows: &DataFrame) -> Result<Occurrences> {
    let case_ref = rows.column(case::REF)?.str()?;
    let record_type = rows.column(case::RECORD_TYPE)?.str()?;
    let stage = rows.column(case::STAGE)?.i32()?;
    // The key's second half packed in one number (record type, and stage for
    // a complaint), so an entry is 32 bytes: over a big export the table is
    // the biggest thing validation holds.
    let kind = |record_type: Option<&str>, stage: Option<i32>| -> i64 {
        let Some(t) = record_type else { return -1 };
        let type_index = RECORD_TYPE_SPELLINGS.iter().position(|(c, _)| *c == t).map_or(-2, |i| i as i64);
        let stage = if t == COMPLAINT { stage.map_or(-1, i64::from) } else { 0 };
        (type_index << 32) | (stage & 0xffff_ffff)
    };
    let complaint_stage = |s: i64| kind(Some(COMPLAINT), Some(s as i32));
    let (second, first_stage) = (complaint_stage(2), complaint_stage(1));
    let keys =
        || case_ref.iter().zip(record_type.iter().zip(stage.iter())).map(|(c, (t, s))| (c, kind(t, s)));
    let mut first: PlHashMap<(Option<&str>, i64), IdxSize> = PlHashMap::with_capacity(rows.height());
    let mut is_duplicate = Vec::with_capacity(rows.height());
    let mut first_of_duplicates = Vec::new();
    for (at, key) in keys().enumerate() {
        let earliest = *first.entry(key).or_insert(at as IdxSize);
        let later = earliest != at as IdxSize;
        if later {
            first_of_duplicates.push(earliest);
        }
        is_duplicate.push(later);
    }
    let without_stage_1: BooleanChunked = keys()
        .map(|(case_ref, k)| Some(k == second && !first.contains_key(&(case_ref, first_stage))))
        .collect();
    Ok(Occurrences {
        is_duplicate: BooleanChunked::from_slice("is_duplicate".into(), &is_duplicate),
        without_stage_1: without_stage_1.with_name("without_stage_1".into()),
        first_of_duplicates: IdxCa::from_vec("first".into(), first_of_duplicates),
    })
}

/// The data-quality rows in `issues` that are not about one of `rows` (by
/// file and row number): a duplicate's row warnings go with the row.
pub(super) fn without_rows(issues: DataFrame, rows: &DataFrame) -> Result<DataFrame> {
    if rows.height() == 0 {
        return Ok(issues);
    }
    let at = |frame: &DataFrame| -> Result<Vec<(Option<u32>, Option<u32>)>> {
        let (file, row) = (frame.column(FILE)?.u32()?, frame.column(ROW)?.u32()?);
        Ok(file.iter().zip(row.iter()).collect())
    };
    let gone: PlHashSet<_> = at(rows)?.into_iter().collect();
    let keep: BooleanChunked = at(&issues)?.into_iter().map(|r| Some(!gone.contains(&r))).collect();
    Ok(issues.filter(&keep)?)
}
