//! Rows that repeat another: a second row for the same case and stage (or
//! record type, for other feedback), and a stage 2 with no stage 1 row.

use std::hash::BuildHasher;

use polars::prelude::*;

use crate::buckets::Buckets;
use crate::error::Result;
use crate::schema::{case, COMPLAINT, FILE, RECORD_TYPE_SPELLINGS, ROW};

/// The key that makes a row unique: case and stage for complaints, case and
/// record type for other feedback.
pub(super) fn duplicate_key() -> Expr {
    when(col(case::RECORD_TYPE).eq(lit(COMPLAINT)))
        .then(col(case::STAGE).cast(DataType::String))
        .otherwise(col(case::RECORD_TYPE))
}

/// What one pass over the rows without an error (in file and row order) finds: the
/// later occurrences of each key ([`duplicate_key`]) and the stage 2
/// complaints whose case has no stage 1 row. A window per key over a million
/// rows costs far more.
pub(super) struct Occurrences {
    pub is_duplicate: BooleanChunked,
    pub without_stage_1: BooleanChunked,
    /// For each duplicate, in row order: the position of the row it repeats.
    pub first_of_duplicates: IdxCa,
}

/// `faulty` rows (those with an error) are not judged: they repeat nothing
/// and nothing repeats them, so a faulty row never displaces a good one.
pub(super) fn first_occurrences(rows: &DataFrame, faulty: &BooleanChunked) -> Result<Occurrences> {
    let state = PlRandomState::default();
    first_occurrences_hashed(rows, faulty, &|case_ref| state.hash_one(case_ref), PARTITION_ROWS)
}

/// Rows a partition of [`first_occurrences_hashed`] holds, about: its table
/// then stays in the processor's cache, where one table for every row of a
/// big export is a cache miss a row.
const PARTITION_ROWS: usize = 8192;

/// [`first_occurrences`] with the case reference's hash given, so a test can
/// make every reference collide. Rows are split by that hash into
/// partitions, each holding every row of its cases in row order, and the
/// partitions are searched on two threads: a first occurrence, and a case's
/// stage 1, is always in the row's own partition.
fn first_occurrences_hashed(
    rows: &DataFrame,
    faulty: &BooleanChunked,
    hash: &(dyn Fn(Option<&str>) -> u64 + Sync),
    partition_rows: usize,
) -> Result<Occurrences> {
    let case_ref = rows.column(case::REF)?.str()?;
    let record_type = rows.column(case::RECORD_TYPE)?.str()?;
    let stage = rows.column(case::STAGE)?.i32()?;
    let height = rows.height();
    let bits = partition_bits(height, partition_rows);
    // Each half of the rows is hashed, its kinds read and its rows placed
    // in partitions on a thread of its own: on one thread, these were
    // most of the step's time. A partition's rows are then the first
    // half's followed by the second's, in row order. The kinds go straight
    // into their half of one array, and a half's hashes are dropped once
    // its rows are placed, where arrays joined after were a copy of every
    // row held beside the partitions.
    let mut kinds = vec![0i64; height];
    let halves = crate::parallel::halves_mut(&mut kinds, partition_rows, |from, kinds| {
        let (start, len) = (from as i64, kinds.len());
        let (types, stages) = (record_type.slice(start, len), stage.slice(start, len));
        for (k, (t, s)) in kinds.iter_mut().zip(types.iter().zip(stages.iter())) {
            *k = kind(t, s);
        }
        let hashes: Vec<u64> = case_ref.slice(start, len).iter().map(hash).collect();
        partitioned(&hashes, from, bits, &faulty.slice(start, len))
    });
    let refs = Refs::of(case_ref);
    let found = crate::parallel::halves(1 << bits, 2, |from, len| {
        let mut found = Found::default();
        for partition in from..from + len {
            let second = halves.get(1).map_or(&[][..], |h| h.get(partition));
            search(&[halves[0].get(partition), second], &kinds, &refs, &mut found);
        }
        vec![found]
    });
    let mut is_duplicate = vec![false; height];
    let mut without_stage_1 = vec![false; height];
    let mut repeats: Vec<(IdxSize, IdxSize)> = Vec::new();
    for f in found {
        for &(row, first) in &f.repeats {
            is_duplicate[row as usize] = true;
            repeats.push((row, first));
        }
        for &row in &f.without_stage_1 {
            without_stage_1[row as usize] = true;
        }
    }
    repeats.sort_unstable();
    Ok(Occurrences {
        is_duplicate: BooleanChunked::from_slice("is_duplicate".into(), &is_duplicate),
        without_stage_1: BooleanChunked::from_slice("without_stage_1".into(), &without_stage_1),
        first_of_duplicates: IdxCa::from_vec(
            "first".into(),
            repeats.into_iter().map(|(_, first)| first).collect(),
        ),
    })
}

/// The key's second half packed in one number: the record type, and the
/// stage for a complaint.
fn kind(record_type: Option<&str>, stage: Option<i32>) -> i64 {
    let Some(t) = record_type else { return -1 };
    let type_index = RECORD_TYPE_SPELLINGS.iter().position(|(c, _)| *c == t).map_or(-2, |i| i as i64);
    let stage = if t == COMPLAINT { stage.map_or(-1, i64::from) } else { 0 };
    (type_index << 32) | (stage & 0xffff_ffff)
}

fn complaint_stage(stage: i32) -> i64 {
    kind(Some(COMPLAINT), Some(stage))
}

/// What one thread's partitions found: each later occurrence with the row
/// it repeats, and the stage 2 rows whose case has no stage 1.
#[derive(Default)]
struct Found {
    repeats: Vec<(IdxSize, IdxSize)>,
    without_stage_1: Vec<IdxSize>,
}

/// Search one partition's rows (each with its case reference's hash), in
/// row order: the pieces are of consecutive runs of rows, each piece's
/// before the next's. Keys are compared by hash and kind, and a match is
/// confirmed on the text; keys whose hash is taken by another key are kept
/// apart.
fn search<'a>(partition: &[&[(u64, IdxSize)]], kinds: &[i64], refs: &Refs<'a>, found: &mut Found) {
    let text = |row: IdxSize| refs.text(row);
    let rows = || partition.iter().flat_map(|piece| piece.iter());
    let mut first: PlHashMap<(u64, i64), IdxSize> =
        PlHashMap::with_capacity(partition.iter().map(|piece| piece.len()).sum());
    let mut colliding: PlHashMap<(Option<&'a str>, i64), IdxSize> = PlHashMap::new();
    for &(hash, row) in rows() {
        let kind = kinds[row as usize];
        let mut earliest = *first.entry((hash, kind)).or_insert(row);
        if earliest != row && text(earliest) != text(row) {
            earliest = *colliding.entry((text(row), kind)).or_insert(row);
        }
        if earliest != row {
            found.repeats.push((row, earliest));
        }
    }
    let (second, first_stage) = (complaint_stage(2), complaint_stage(1));
    for &(hash, row) in rows() {
        if kinds[row as usize] != second {
            continue;
        }
        let has_stage_1 = match first.get(&(hash, first_stage)) {
            Some(&at) if text(at) == text(row) => true,
            _ => colliding.contains_key(&(text(row), first_stage)),
        };
        if !has_stage_1 {
            found.without_stage_1.push(row);
        }
    }
}

type TextChunk = <StringType as PolarsDataType>::Array;

/// The case references by row, for the rare look at a row's text (a key
/// met before), without joining the column's chunks into one copy.
struct Refs<'a> {
    chunks: Vec<&'a TextChunk>,
    /// The first row of each chunk.
    starts: Vec<usize>,
}

impl<'a> Refs<'a> {
    fn of(column: &'a StringChunked) -> Self {
        let chunks: Vec<&TextChunk> = column.downcast_iter().collect();
        let starts = chunks
            .iter()
            .scan(0, |start, chunk| {
                let at = *start;
                *start += chunk.len();
                Some(at)
            })
            .collect();
        Refs { chunks, starts }
    }

    fn text(&self, row: IdxSize) -> Option<&'a str> {
        let row = row as usize;
        let chunk = self.starts.partition_point(|&start| start <= row) - 1;
        self.chunks[chunk].get(row - self.starts[chunk])
    }
}

/// Bits of the hash that pick a row's partition: enough for partitions of
/// about `partition_rows` rows.
fn partition_bits(rows: usize, partition_rows: usize) -> u32 {
    (rows.div_ceil(partition_rows.max(1))).next_power_of_two().trailing_zeros().min(16)
}

/// Each row's (hash, row) in the partition the hash's top `bits` pick, the
/// rows of a partition in row order, numbered from `first_row`; `faulty`
/// rows are left out.
fn partitioned(
    hashes: &[u64],
    first_row: usize,
    bits: u32,
    faulty: &BooleanChunked,
) -> Buckets<(u64, IdxSize)> {
    let of = |hash: u64| if bits == 0 { 0 } else { (hash >> (64 - bits)) as usize };
    Buckets::of(1 << bits, || {
        let judged = hashes.iter().zip(faulty.iter()).enumerate().filter(|(_, (_, f))| *f == Some(false));
        judged.map(|(row, (&hash, _))| (of(hash), (hash, (first_row + row) as IdxSize)))
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// One table over every row, keyed by the text itself: the rule
    /// [`first_occurrences_hashed`] must keep however it splits the rows.
    fn by_one_table(rows: &DataFrame, faulty: &[bool]) -> (Vec<bool>, Vec<bool>, Vec<IdxSize>) {
        let case_ref = rows.column(case::REF).unwrap().str().unwrap();
        let record_type = rows.column(case::RECORD_TYPE).unwrap().str().unwrap();
        let stage = rows.column(case::STAGE).unwrap().i32().unwrap();
        let keys: Vec<(Option<&str>, i64)> = case_ref
            .iter()
            .zip(record_type.iter().zip(stage.iter()))
            .map(|(c, (t, s))| (c, kind(t, s)))
            .collect();
        let mut first: std::collections::HashMap<(Option<&str>, i64), IdxSize> = Default::default();
        let (mut is_duplicate, mut firsts) = (Vec::new(), Vec::new());
        for (at, key) in keys.iter().enumerate() {
            if faulty[at] {
                is_duplicate.push(false);
                continue;
            }
            let earliest = *first.entry(*key).or_insert(at as IdxSize);
            is_duplicate.push(earliest != at as IdxSize);
            if earliest != at as IdxSize {
                firsts.push(earliest);
            }
        }
        let without_stage_1 = keys
            .iter()
            .zip(faulty)
            .map(|(&(c, k), f)| {
                !f && k == complaint_stage(2) && !first.contains_key(&(c, complaint_stage(1)))
            })
            .collect();
        (is_duplicate, without_stage_1, firsts)
    }

    fn found(
        rows: &DataFrame,
        faulty: &[bool],
        hash: &(dyn Fn(Option<&str>) -> u64 + Sync),
        partition_rows: usize,
    ) -> (Vec<bool>, Vec<bool>, Vec<IdxSize>) {
        let faulty = BooleanChunked::from_slice("faulty".into(), faulty);
        let o = first_occurrences_hashed(rows, &faulty, hash, partition_rows).unwrap();
        let bools = |b: &BooleanChunked| b.iter().map(|v| v.unwrap()).collect::<Vec<_>>();
        (
            bools(&o.is_duplicate),
            bools(&o.without_stage_1),
            o.first_of_duplicates.iter().map(|v| v.unwrap()).collect(),
        )
    }

    /// Rows from a few cases, with stages, other record types and a missing
    /// reference, in chunks as validation stacks them.
    fn rows(picks: &[(u8, u8, u8)], chunk: usize) -> DataFrame {
        let row = |&(case_ref, record_type, stage): &(u8, u8, u8)| {
            let case_ref = (case_ref > 0).then(|| format!("CMP-{case_ref:03}-with-a-long-reference"));
            let record_type = ["complaint", "complaint", "compliment", "enquiry"][record_type as usize % 4];
            (case_ref, record_type, Some(i32::from(stage % 3)))
        };
        let mut frames = picks.chunks(chunk.max(1)).map(|part| {
            let rows: Vec<_> = part.iter().map(row).collect();
            df!(
                case::REF => rows.iter().map(|r| r.0.clone()).collect::<Vec<_>>(),
                case::RECORD_TYPE => rows.iter().map(|r| r.1).collect::<Vec<_>>(),
                case::STAGE => rows.iter().map(|r| r.2).collect::<Vec<_>>(),
            )
            .unwrap()
        });
        let mut all = frames.next().unwrap_or_else(|| rows(&[(1, 0, 1)], 1).slice(0, 0));
        for more in frames {
            all.vstack_mut_owned(more).unwrap();
        }
        all
    }

    #[test]
    fn a_worked_example() {
        // Rows: 0 A stage 1, 1 A stage 2, 2 B stage 2, 3 A stage 1 again,
        // 4 A compliment, 5 B stage 2 again.
        let frame = rows(&[(1, 0, 1), (1, 0, 2), (2, 1, 2), (1, 1, 1), (1, 2, 0), (2, 0, 2)], 4);
        let state = PlRandomState::default();
        let (is_duplicate, without_stage_1, firsts) =
            found(&frame, &[false; 6], &|c| state.hash_one(c), PARTITION_ROWS);
        assert_eq!(is_duplicate, [false, false, false, true, false, true]);
        assert_eq!(without_stage_1, [false, false, true, false, false, true]);
        assert_eq!(firsts, [0, 2]);
    }

    #[test]
    fn a_row_with_an_error_is_not_judged() {
        // Rows: 0 A stage 1 with an error, 1 A stage 1, 2 A stage 1 again,
        // 3 B stage 1 with an error, 4 B stage 2, 5 B stage 2 with an error.
        let frame = rows(&[(1, 0, 1), (1, 0, 1), (1, 0, 1), (2, 0, 1), (2, 0, 2), (2, 0, 2)], 4);
        let faulty = [true, false, false, true, false, true];
        let state = PlRandomState::default();
        let (is_duplicate, without_stage_1, firsts) = found(&frame, &faulty, &|c| state.hash_one(c), 2);
        // The faulty first row displaces nothing: row 1 is A's stage 1 and
        // row 2 repeats it; B's faulty stage 1 does not count, and B's
        // faulty second stage 2 repeats nothing.
        assert_eq!(is_duplicate, [false, false, true, false, false, false]);
        assert_eq!(without_stage_1, [false, false, false, false, true, false]);
        assert_eq!(firsts, [1]);
    }

    /// Rows as (case, record type, stage) picks: a dozen cases, so keys
    /// repeat often.
    fn picks() -> impl Strategy<Value = Vec<(u8, u8, u8)>> {
        proptest::collection::vec((0u8..12, 0u8..4, 0u8..3), 0..200)
    }

    /// Which rows have an error: one in five, for every row [`picks`] can give.
    fn faulty() -> impl Strategy<Value = Vec<bool>> {
        proptest::collection::vec(proptest::bool::weighted(0.2), 200)
    }

    proptest! {
        #[test]
        fn partitions_find_what_one_table_finds(
            picks in picks(),
            faulty in faulty(),
            chunk in 1usize..60,
            partition_rows in 1usize..40,
        ) {
            let frame = rows(&picks, chunk);
            let faulty = &faulty[..picks.len()];
            let state = PlRandomState::default();
            prop_assert_eq!(
                found(&frame, faulty, &|c| state.hash_one(c), partition_rows),
                by_one_table(&frame, faulty)
            );
        }

        #[test]
        fn colliding_hashes_find_what_one_table_finds(
            picks in picks(),
            faulty in faulty(),
            chunk in 1usize..60,
            buckets in 1u64..4,
        ) {
            let frame = rows(&picks, chunk);
            // Many references share a hash, so a key met before is often
            // another case's.
            let hash = |c: Option<&str>| c.map_or(0, |c| c.bytes().map(u64::from).sum::<u64>() % buckets) << 62;
            let faulty = &faulty[..picks.len()];
            prop_assert_eq!(found(&frame, faulty, &hash, 2), by_one_table(&frame, faulty));
        }
    }
}
