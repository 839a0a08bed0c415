//! A chunk's text columns read in one walk over its records, for chunks whose
//! quoting is plain; any other chunk goes to the record scan and polars' CSV
//! reader (`csv::parse_chunk`).
//!
//! The reader read every chunk before: it walks each chunk twice (once to
//! split it among threads, once to parse), on top of the walk that finds the
//! chunk's records. Exports are almost always plain, so this walk builds the
//! columns itself and the reader is kept for the rare chunk that is not.
//!
//! A chunk is *plain* when every carriage return in it comes just before a
//! line feed, and every field is either unquoted, holding no quote, or
//! quoted, with its closing quote followed by the delimiter or the end of
//! the record. For such chunks the values are exactly the reader's, and a
//! property test holds the two equal: an unquoted empty field is no value,
//! `""` inside quotes is one quote, a carriage return before the line feed
//! that ends a record is not part of the value, missing fields are no value
//! and fields past the header's are ignored. Each value is tidied as it is
//! copied ([`super::tidy`]), as the reader's are after.
//!
//! The walk visits only the delimiters, quotes and line feeds, found 64
//! bytes at a time as a bit mask ([`Marks`]): a search per field costs more
//! than the field's few bytes, and so does a `memchr` search per mark when
//! a mark comes every dozen bytes. It counts each record's fields as it
//! goes, and finds where the chunk's last whole record ends, so a plain
//! chunk needs no scan for its records first (`csv::Chunks::take_plain`);
//! only a chunk it leaves goes to that scan and then to the walk or the
//! reader.

use polars::prelude::*;

use super::tidy;
use crate::memory::OnceStored;

/// What the walk reads of a chunk of plain records.
pub(super) struct Plain {
    /// The projected fields, each named `c<index>` as the reader names them.
    pub columns: Vec<StringChunked>,
    pub records: usize,
    /// (1-based record, fields found) for records whose field count is not
    /// the header's.
    pub ragged: Vec<(u32, u32)>,
    /// Where the records read end: the chunk's end, the start of a record
    /// it does not finish, or where the walk stopped at `until` (see
    /// [`text_columns`]).
    pub end: usize,
    /// The line feeds before `end`, so the chunk's lines need no count of
    /// their own.
    pub line_feeds: usize,
}

/// What every walk over one export's records shares.
#[derive(Clone, Copy)]
pub(super) struct Records<'a> {
    pub delimiter: u8,
    /// The fields read, by index, ascending.
    pub projection: &'a [usize],
    /// How many fields the header has.
    pub fields: usize,
}

/// The projected columns of the records in `chunk`; None if the chunk is
/// not plain, for the record scan and the reader to read instead.
///
/// A `whole` chunk holds whole records; otherwise it ends on a line feed
/// that may fall inside a quoted field, whose record is then left unread
/// (`end` is its start) for the next read to finish. With `until`, the walk
/// stops at the first record that starts there or later.
pub(super) fn text_columns(
    chunk: &str,
    records: Records,
    whole: bool,
    until: Option<usize>,
) -> Option<Plain> {
    let Records { delimiter, projection, fields } = records;
    let bytes = chunk.as_bytes();
    // A delimiter beyond ASCII could cut a character in two.
    if !delimiter.is_ascii() || matches!(delimiter, b'"' | b'\n' | b'\r') {
        return None;
    }
    // The bytes up to `until` are checked for a lone carriage return and
    // their line feeds counted here, in one pass; a record the walk reads
    // across `until` is checked once it is read.
    let checked = until.unwrap_or(bytes.len()).min(bytes.len());
    let line_feeds_checked = line_feeds(&bytes[..checked])?;
    // Each record's values are staged in field order, one per column.
    debug_assert!(projection.windows(2).all(|w| w[0] < w[1]), "projection in field order");
    let mut projected = vec![false; *projection.last()? + 1];
    for &field in projection {
        projected[field] = true;
    }
    // At most a record a line up to `until` (the record that runs across it
    // has a line feed before it), and one more without a line feed at the
    // end of the input; what is left is given back once the walk is done.
    let capacity = line_feeds_checked + 1;
    let mut columns: Vec<OnceStored> =
        projection.iter().map(|_| OnceStored::with_capacity(capacity)).collect();
    let mut walk = Walk { bytes, delimiter, marks: Marks::new(bytes, delimiter) };
    let mut unescaped = String::new();
    // A record's projected values, kept until it is known to end in the chunk.
    let mut staged: Vec<Value> = Vec::with_capacity(projection.len());
    let (mut pos, mut records, mut ragged) = (0, 0u32, Vec::new());
    let mut end = bytes.len();
    'records: while let Some(start) = record_start(bytes, pos) {
        if let Some(until) = until.filter(|&until| start >= until) {
            // Only empty lines between the last record and `until`: the
            // walk from `until` starts at this record too.
            end = if pos <= until { until } else { start };
            break;
        }
        pos = start;
        let mut index = 0;
        staged.clear();
        loop {
            let field = match walk.field(pos) {
                Ok(field) => field,
                Err(Halt::OpenQuote) if !whole => {
                    end = start;
                    break 'records;
                }
                Err(_) => return None,
            };
            if projected.get(index).copied().unwrap_or(false) {
                staged.push(field.value);
            }
            pos = field.next;
            if field.ends_record {
                break;
            }
            index += 1;
        }
        for (column, value) in
            columns.iter_mut().zip(staged.drain(..).map(Some).chain(std::iter::repeat_with(|| None)))
        {
            match value {
                None | Some(Value::Missing) => column.push_null(),
                Some(Value::Text(range)) => match tidy::value(&chunk[range]) {
                    Some(text) => column.push(text),
                    None => column.push_null(),
                },
                Some(Value::Doubled(range)) => {
                    unescaped.clear();
                    unescaped.push_str(&chunk[range].replace("\"\"", "\""));
                    column.push_apart(tidy::value(&unescaped));
                }
            }
        }
        records += 1;
        if index + 1 != fields {
            ragged.push((records, index as u32 + 1));
        }
    }
    let line_feeds = match end.cmp(&checked) {
        std::cmp::Ordering::Greater => line_feeds_checked + line_feeds(&bytes[checked..end])?,
        std::cmp::Ordering::Less => {
            line_feeds_checked - memchr::memchr_iter(b'\n', &bytes[end..checked]).count()
        }
        std::cmp::Ordering::Equal => line_feeds_checked,
    };
    let columns = columns
        .into_iter()
        .zip(projection)
        .map(|(column, i)| {
            // A text column kept for every row keeps its views, so a line
            // counted for a record that did not start there (a line break
            // in a quoted field) would cost 16 bytes a row to the end:
            // `finish` gives back what is beyond the views.
            StringChunked::with_chunk(format!("c{i}").into(), column.finish())
        })
        .collect();
    Some(Plain { columns, records: records as usize, ragged, end, line_feeds })
}

/// [`text_columns`] of a chunk's two halves, read on two threads: `middle`
/// is a guess at where a record starts (None: read on this thread alone).
///
/// The first half is walked from the chunk's first record until a record
/// starts at `middle` or later, and the second from `middle` on. If a
/// record starts at `middle` exactly (or only empty lines lie between the
/// last record and the one after `middle`), the guess was right and the
/// halves are joined; if not (a quoted field runs across it), the second half's
/// walk is dropped and the rest is read on from where the first half's
/// stopped. Each column is the halves' pieces, in order.
pub(super) fn text_columns_in_halves(
    chunk: &str,
    records: Records,
    whole: bool,
    middle: Option<usize>,
) -> Option<Plain> {
    // A record starts only after a line feed.
    let Some(at) = middle.filter(|&at| at > 0 && at < chunk.len() && chunk.as_bytes()[at - 1] == b'\n')
    else {
        return text_columns(chunk, records, whole, None);
    };
    let (first, second) = crate::parallel::both(
        || text_columns(chunk, records, whole, Some(at)),
        || text_columns(&chunk[at..], records, whole, None),
    );
    let mut plain = first?;
    let rest = match plain.end {
        end if end == at => second?,
        // The first half read on past the guess to its record's end.
        end if end > at && end < chunk.len() => {
            drop(second);
            text_columns(&chunk[end..], records, whole, None)?
        }
        // It stopped at a record the chunk does not finish, or at the end.
        _ => return Some(plain),
    };
    for (column, more) in plain.columns.iter_mut().zip(rest.columns) {
        column.append_owned(more).ok()?;
    }
    let before = plain.records as u32;
    plain.ragged.extend(rest.ragged.into_iter().map(|(record, found)| (record + before, found)));
    plain.records += rest.records;
    plain.end += rest.end;
    plain.line_feeds += rest.line_feeds;
    Some(plain)
}

/// Where a chunk may be cut in two for [`text_columns_in_halves`], if it
/// is big enough for a second thread to pay: see [`line_past_middle`].
pub(super) fn middle_line(chunk: &[u8]) -> Option<usize> {
    (chunk.len() >= HALVES_FROM_BYTES).then(|| line_past_middle(chunk)).flatten()
}

/// Just past the first line feed from the middle of `chunk` on: a guess at
/// where a record starts, which the halves' walk checks.
pub(super) fn line_past_middle(chunk: &[u8]) -> Option<usize> {
    memchr::memchr(b'\n', &chunk[chunk.len() / 2..]).map(|k| chunk.len() / 2 + k + 1)
}

/// Chunks smaller than this are read on one thread: a second costs more
/// than it saves.
const HALVES_FROM_BYTES: usize = 1 << 20;

/// A carriage return not followed by a line feed: the reader's handling of
/// it (inside a value, or ending one at the end of the input) is left to
/// the reader. CRLF exports have one before every line feed, so this looks
/// at each and finds none.
fn has_lone_carriage_return(bytes: &[u8]) -> bool {
    memchr::memchr_iter(b'\r', bytes).any(|at| bytes.get(at + 1) != Some(&b'\n'))
}

/// The line feeds in `bytes`, or None if it has a lone carriage return
/// ([`has_lone_carriage_return`]; one at the very end counts): the walk's
/// check and its count of the lines in one pass, 64 bytes at a time, where
/// they were two `memchr` passes over the chunk (and the chunk's lines a
/// third). Each pass over a 32 MiB chunk is a trip through memory.
#[cfg(target_arch = "x86_64")]
pub(super) fn line_feeds(bytes: &[u8]) -> Option<usize> {
    let mut blocks = bytes.chunks_exact(64);
    let mut count = 0;
    // The block before ended in a carriage return, so this one must start
    // with a line feed.
    let mut open = false;
    for block in &mut blocks {
        let (line_feeds, returns) = line_ends_in(block.try_into().expect("64 bytes"));
        if open && line_feeds & 1 == 0 {
            return None;
        }
        // Each return but the last needs a line feed in the bit above.
        if returns & !(line_feeds >> 1) & !(1 << 63) != 0 {
            return None;
        }
        open = returns >> 63 == 1;
        count += line_feeds.count_ones() as usize;
    }
    let rest = blocks.remainder();
    if open && rest.first() != Some(&b'\n') {
        return None;
    }
    (!has_lone_carriage_return(rest)).then(|| count + memchr::memchr_iter(b'\n', rest).count())
}

/// The line feeds and carriage returns of a block, a bit each, by SSE2.
#[cfg(target_arch = "x86_64")]
fn line_ends_in(block: &[u8; 64]) -> (u64, u64) {
    use std::arch::x86_64::{__m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8};
    // SAFETY: every x86-64 processor has SSE2, and each load is of sixteen
    // bytes of the block, unaligned.
    unsafe {
        let [line_feed, carriage_return] = [b'\n', b'\r'].map(|b| _mm_set1_epi8(b as i8));
        let (mut feeds, mut returns) = (0u64, 0u64);
        for (k, sixteen) in block.chunks_exact(16).enumerate() {
            let v = _mm_loadu_si128(sixteen.as_ptr().cast::<__m128i>());
            feeds |= u64::from(_mm_movemask_epi8(_mm_cmpeq_epi8(v, line_feed)) as u16) << (16 * k);
            returns |= u64::from(_mm_movemask_epi8(_mm_cmpeq_epi8(v, carriage_return)) as u16) << (16 * k);
        }
        (feeds, returns)
    }
}

/// [`line_feeds`] by `memchr`'s two passes, elsewhere (its search is
/// vectorised on every target; a byte at a time here would be slower).
#[cfg(not(target_arch = "x86_64"))]
pub(super) fn line_feeds(bytes: &[u8]) -> Option<usize> {
    (!has_lone_carriage_return(bytes)).then(|| memchr::memchr_iter(b'\n', bytes).count())
}

/// Where the record at or after `pos` starts, past empty lines (which hold
/// no record, as the record scan and the reader agree); None at the end.
pub(super) fn record_start(bytes: &[u8], mut pos: usize) -> Option<usize> {
    while bytes.get(pos).is_some_and(|b| matches!(b, b'\n' | b'\r')) {
        pos += 1;
    }
    (pos < bytes.len()).then_some(pos)
}

/// A field's value, as the reader reads it.
enum Value {
    /// An unquoted empty field.
    Missing,
    Text(std::ops::Range<usize>),
    /// Quoted text holding doubled quotes, each to be read as one.
    Doubled(std::ops::Range<usize>),
}

/// Why a walk stops short of a field.
enum Halt {
    /// A quote that is not plain (see the module's notes).
    NotPlain,
    /// A quoted field the chunk does not close.
    OpenQuote,
}

/// One field: its value, where the next field or record starts, and
/// whether it was the record's last.
struct Field {
    value: Value,
    next: usize,
    ends_record: bool,
}

/// The walk over a chunk's delimiters, line feeds and quotes, in order.
struct Walk<'a> {
    bytes: &'a [u8],
    delimiter: u8,
    marks: Marks<'a>,
}

impl Walk<'_> {
    /// The next delimiter, line feed or quote at or after `from`.
    fn mark(&mut self, from: usize) -> Option<usize> {
        self.marks.find(|&at| at >= from)
    }

    /// The field starting at `pos`, or why the walk stops there.
    fn field(&mut self, pos: usize) -> Result<Field, Halt> {
        let bytes = self.bytes;
        if bytes.get(pos) == Some(&b'"') {
            let (close, doubled) = self.closing_quote(pos + 1).ok_or(Halt::OpenQuote)?;
            let range = pos + 1..close;
            let value = if doubled { Value::Doubled(range) } else { Value::Text(range) };
            let after = close + 1;
            let (next, ends_record) = match bytes.get(after) {
                None => (after, true),
                Some(&b) if b == self.delimiter => (after + 1, false),
                Some(b'\n') => (after + 1, true),
                // Always before a line feed (see `has_lone_carriage_return`).
                Some(b'\r') => (after + 2, true),
                Some(_) => return Err(Halt::NotPlain),
            };
            return Ok(Field { value, next, ends_record });
        }
        let (end, ends_record) = match self.mark(pos) {
            Some(at) if bytes[at] == b'"' => return Err(Halt::NotPlain),
            Some(at) => (at, bytes[at] == b'\n'),
            None => (bytes.len(), true),
        };
        // The carriage return of a CRLF ends the line, not the value.
        let value_end = if ends_record && end > pos && bytes[end - 1] == b'\r' { end - 1 } else { end };
        let value = if value_end == pos { Value::Missing } else { Value::Text(pos..value_end) };
        Ok(Field { value, next: (end + 1).min(bytes.len()), ends_record })
    }

    /// The closing quote of the quoted field whose text starts at `pos`, and
    /// whether a doubled quote comes before it; None if it is never closed.
    fn closing_quote(&mut self, mut pos: usize) -> Option<(usize, bool)> {
        let mut doubled = false;
        loop {
            let at = self.marks.find(|&at| at >= pos && self.bytes[at] == b'"')?;
            if self.bytes.get(at + 1) == Some(&b'"') {
                doubled = true;
                pos = at + 2;
            } else {
                return Some((at, doubled));
            }
        }
    }
}

/// The places of a delimiter, line feed or quote in `bytes`, in order.
///
/// Each block of 64 bytes is compared with the three at once into a mask
/// of one bit a byte; the marks are then the mask's set bits, lowest first.
/// In an export a mark comes every dozen bytes or so, where a `memchr`
/// search per mark would start again each time: on the 1M-row export this
/// finds its 32 million marks in a third of the time.
struct Marks<'a> {
    bytes: &'a [u8],
    delimiter: u8,
    /// Where the block of `mask` starts.
    block: usize,
    /// The block's marks not yet given.
    mask: u64,
}

impl<'a> Marks<'a> {
    fn new(bytes: &'a [u8], delimiter: u8) -> Marks<'a> {
        let mut marks = Marks { bytes, delimiter, block: 0, mask: 0 };
        marks.mask = marks.block_mask();
        marks
    }

    /// The marks of the block starting at `self.block` (a shorter one at
    /// the end), as bits.
    fn block_mask(&self) -> u64 {
        let rest = &self.bytes[self.block.min(self.bytes.len())..];
        match rest.first_chunk::<64>() {
            Some(block) => marks_in(block, self.delimiter),
            None => marks_one_by_one(rest, self.delimiter),
        }
    }
}

impl Iterator for Marks<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            if self.block + 64 >= self.bytes.len() {
                return None;
            }
            self.block += 64;
            self.mask = self.block_mask();
        }
        let at = self.block + self.mask.trailing_zeros() as usize;
        self.mask &= self.mask - 1;
        Some(at)
    }
}

/// The delimiters, line feeds and quotes of a block, a bit each, by SSE2:
/// sixteen bytes a comparison.
#[cfg(target_arch = "x86_64")]
fn marks_in(block: &[u8; 64], delimiter: u8) -> u64 {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };
    // SAFETY: every x86-64 processor has SSE2, and each load is of sixteen
    // bytes of the block, unaligned.
    unsafe {
        let [delimiter, line_feed, quote] = [delimiter, b'\n', b'"'].map(|b| _mm_set1_epi8(b as i8));
        let mut mask = 0u64;
        for (k, sixteen) in block.chunks_exact(16).enumerate() {
            let v = _mm_loadu_si128(sixteen.as_ptr().cast::<__m128i>());
            let hits = _mm_or_si128(
                _mm_or_si128(_mm_cmpeq_epi8(v, delimiter), _mm_cmpeq_epi8(v, line_feed)),
                _mm_cmpeq_epi8(v, quote),
            );
            mask |= u64::from(_mm_movemask_epi8(hits) as u16) << (16 * k);
        }
        mask
    }
}

/// [`marks_in`] a byte at a time, elsewhere.
#[cfg(not(target_arch = "x86_64"))]
fn marks_in(block: &[u8; 64], delimiter: u8) -> u64 {
    marks_one_by_one(block, delimiter)
}

/// The marks of up to 64 bytes, a bit each, a byte at a time: the short
/// block at the end of a chunk.
fn marks_one_by_one(bytes: &[u8], delimiter: u8) -> u64 {
    debug_assert!(bytes.len() <= 64);
    bytes
        .iter()
        .enumerate()
        .fold(0, |mask, (i, &b)| mask | u64::from(b == delimiter || b == b'\n' || b == b'"') << i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::bytes_outside_views;
    use proptest::prelude::*;

    /// Every length up to a few blocks, so none (empty, a block less a
    /// byte, exactly one or two blocks, a block and a byte) is left to
    /// chance: marks at the first and last byte of each, and between.
    #[test]
    fn marks_are_found_at_every_length_and_at_each_end() {
        for len in 0..=200 {
            for pattern in [b"a,\"b\nc" as &[u8], b",", b"x", b"\n\n\"\""] {
                let bytes: Vec<u8> = pattern.iter().copied().cycle().take(len).collect();
                let expected: Vec<usize> = memchr::memchr3_iter(b',', b'\n', b'"', &bytes).collect();
                assert_eq!(Marks::new(&bytes, b',').collect::<Vec<_>>(), expected, "{len} of {pattern:?}");
            }
        }
    }

    proptest::proptest! {
        /// The marks are the bytes `memchr` finds, at any length (whole
        /// blocks, a short last block, none), with any delimiter.
        #[test]
        fn marks_are_the_delimiters_line_feeds_and_quotes_in_order(
            bytes in proptest::collection::vec(proptest::prop_oneof![
                Just(b','), Just(b'\n'), Just(b'"'), Just(b';'), Just(b'\t'), Just(b'a'), Just(0xE9u8), any::<u8>()
            ], 0..300),
            delimiter in proptest::prop_oneof![Just(b','), Just(b';'), Just(b'\t'), Just(b'|')],
        ) {
            let expected: Vec<usize> = memchr::memchr3_iter(delimiter, b'\n', b'"', &bytes).collect();
            proptest::prop_assert_eq!(Marks::new(&bytes, delimiter).collect::<Vec<_>>(), expected);
        }
    }

    /// Comma-separated records whose header has `fields` fields, of which
    /// those in `projection` are read.
    fn comma(projection: &[usize], fields: usize) -> Records<'_> {
        Records { delimiter: b',', projection, fields }
    }

    fn values(column: &StringChunked) -> Vec<Option<String>> {
        column.iter().map(|v| v.map(str::to_string)).collect()
    }

    /// Each value as the reader reads it, tidied: trimmed of any
    /// whitespace (an ideographic or no-break space too), and no value if
    /// nothing is left, quoted or not.
    #[test]
    fn fields_are_read_as_the_reader_reads_them_tidied() {
        let chunk =
            " a ,\"b,\"\"c\"\"\",,\"\"\r\n\n\"x\ny \",\u{3000}z\r\n1,2,3, 4\t,5\n   ,\" \",x,\u{a0}\n";
        let plain = text_columns(chunk, comma(&[0, 1, 3], 4), true, None).expect("plain");
        let columns = &plain.columns;
        assert_eq!(columns[0].name().as_str(), "c0");
        let expected = |v: [Option<&str>; 4]| v.map(|v| v.map(String::from));
        assert_eq!(values(&columns[0]), expected([Some("a"), Some("x\ny"), Some("1"), None]));
        assert_eq!(values(&columns[1]), expected([Some("b,\"c\""), Some("z"), Some("2"), None]));
        assert_eq!(values(&columns[2]), expected([None, None, Some("4"), None]));
        // The second and third records have a field count other than the header's.
        assert_eq!((plain.records, plain.ragged, plain.end), (4, vec![(2, 2), (3, 5)], chunk.len()));
    }

    /// A long value that repeats is stored once a chunk; values that mostly
    /// differ are stored as they come, once the walk has given up looking
    /// them up, and every value reads as written.
    #[test]
    fn a_long_value_that_repeats_is_stored_once() {
        let areas = ["Repairs and maintenance", "Anti-social behaviour", "Estates"];
        let rows: Vec<(String, &str)> =
            (0..3000).map(|i| (format!("REF-2026-{i:06}"), areas[i % 3])).collect();
        let chunk: String = rows.iter().map(|(r, a)| format!("{r},{a}\n")).collect();
        let plain = text_columns(&chunk, comma(&[0, 1], 2), true, None).expect("plain");
        let expected = |column: usize| -> Vec<Option<String>> {
            rows.iter().map(|row| Some(if column == 0 { row.0.clone() } else { row.1.to_string() })).collect()
        };
        assert_eq!(values(&plain.columns[0]), expected(0));
        assert_eq!(values(&plain.columns[1]), expected(1));
        // "Estates" is short enough to be held in its views.
        assert_eq!(bytes_outside_views(&plain.columns[1]), areas[0].len() + areas[1].len());
        assert_eq!(bytes_outside_views(&plain.columns[0]), rows.iter().map(|r| r.0.len()).sum::<usize>());
    }

    #[test]
    fn quoting_that_is_not_plain_is_left_to_the_reader() {
        for chunk in ["a\"b,c\n", "\"a\"b,c\n", "\"open,c\n", "a\rb,c\n", "a\r,c\n", "a,b\r"] {
            assert!(text_columns(chunk, comma(&[0, 1], 1), true, None).is_none(), "{chunk:?}");
        }
    }

    #[test]
    fn a_record_the_chunk_does_not_finish_is_left_for_the_next_read() {
        let chunk = "a,1\nb,\"x\n";
        let plain = text_columns(chunk, comma(&[0, 1], 2), false, None).unwrap();
        assert_eq!((plain.records, plain.end), (1, chunk.find('b').unwrap()));
        assert_eq!(values(&plain.columns[1]), [Some("1".to_string())]);
        // A chunk of whole records that leaves a quote open is not plain.
        assert!(text_columns(chunk, comma(&[0, 1], 2), true, None).is_none());
    }

    /// The columns, record count, field counts and end of a walk.
    type Read = (Vec<Vec<Option<String>>>, usize, Vec<(u32, u32)>, usize, usize);

    fn read(plain: Plain) -> Read {
        (plain.columns.iter().map(values).collect(), plain.records, plain.ragged, plain.end, plain.line_feeds)
    }

    #[test]
    fn halves_read_as_one_walk_wherever_the_guess_falls() {
        let chunk = "a,1\nb,\"x\ny\"\nc\n\nd,4\ne,\"open\n";
        let whole = read(text_columns(chunk, comma(&[0, 1], 2), false, None).unwrap());
        assert_eq!((whole.1, &whole.2, whole.3), (4, &vec![(3, 1)], chunk.find('e').unwrap()));
        // Cut at each line feed: at a record's start, inside a quoted
        // field, among empty lines, and inside the record left unread.
        for (at, _) in chunk.match_indices('\n') {
            let halves = text_columns_in_halves(chunk, comma(&[0, 1], 2), false, Some(at + 1)).unwrap();
            assert_eq!(read(halves), whole, "cut after byte {at}");
        }
        // A cut that does not follow a line feed is not taken, even inside
        // a character, where a cut would be no place to start a walk.
        let chunk = "é,1\nb,2\n";
        let halves = text_columns_in_halves(chunk, comma(&[0, 1], 2), false, Some(1)).unwrap();
        assert_eq!(read(halves), read(text_columns(chunk, comma(&[0, 1], 2), false, None).unwrap()));
    }

    /// A lone carriage return leaves a chunk to the reader wherever the cut
    /// falls: before it, after it, or inside the quoted field it is in,
    /// which the first half reads past the cut (its part past the cut is
    /// checked once read).
    #[test]
    fn a_lone_carriage_return_is_found_wherever_the_cut_falls() {
        let chunk = "a,1\nb,\"x\nz\ry\"\nc,3\nd,4\n";
        assert!(text_columns(chunk, comma(&[0, 1], 2), false, None).is_none());
        for (at, _) in chunk.match_indices('\n') {
            let halves = text_columns_in_halves(chunk, comma(&[0, 1], 2), false, Some(at + 1));
            assert!(halves.is_none(), "cut after byte {at}");
        }
    }

    proptest::proptest! {
        /// Bytes thick with line ends, across the 64-byte blocks and the
        /// short block after them: a lone carriage return is found where
        /// `memchr` finds it (at a block's end, the next block's start, the
        /// very end), and the line feeds counted where there is none.
        #[test]
        fn line_feeds_are_counted_and_lone_returns_found_as_memchr_finds_them(
            bytes in proptest::collection::vec(proptest::sample::select(b"\r\n\na,".to_vec()), 0..300),
            crlf in proptest::bool::ANY,
        ) {
            // Half the cases are CRLF text, so a count is often expected.
            let bytes = if crlf {
                bytes.iter().filter(|b| **b != b'\r').flat_map(|&b| if b == b'\n' { vec![b'\r', b'\n'] } else { vec![b] }).collect()
            } else {
                bytes
            };
            let expected = (!has_lone_carriage_return(&bytes)).then(|| memchr::memchr_iter(b'\n', &bytes).count());
            proptest::prop_assert_eq!(line_feeds(&bytes), expected, "{:?}", String::from_utf8_lossy(&bytes));
        }

        /// Plain records (quoted fields with delimiters, line breaks and
        /// doubled quotes, rows of the wrong length, empty lines, CRLF),
        /// maybe ending inside a quoted field: cut after any line feed, the
        /// halves read what one walk reads.
        #[test]
        fn halves_cut_after_any_line_feed_read_as_one_walk(
            rows in proptest::collection::vec(
                (
                    proptest::collection::vec(
                        proptest::prop_oneof![
                            "[a ]{0,3}",
                            "[a,\n ]{0,4}(\"\")?[a\n]{0,2}".prop_map(|s| format!("\"{s}\"")),
                        ],
                        1..4,
                    ),
                    proptest::prop_oneof![proptest::strategy::Just("\n"), proptest::strategy::Just("\r\n"), proptest::strategy::Just("\n\n")],
                ),
                1..10,
            ),
            open_end in proptest::bool::ANY,
            whole in proptest::bool::ANY,
        ) {
            let mut chunk: String = rows.iter().map(|(fields, end)| format!("{}{end}", fields.join(","))).collect();
            if open_end {
                chunk.push_str("a,\"open\n");
            }
            // A chunk of whole records that ends inside a quoted field is
            // not plain, cut or not.
            let one = text_columns(&chunk, comma(&[0, 2], 3), whole, None).map(read);
            proptest::prop_assert_eq!(one.is_none(), whole && open_end);
            if let Some((.., end, line_feeds)) = &one {
                proptest::prop_assert_eq!(*line_feeds, chunk[..*end].matches('\n').count());
            }
            for (at, _) in chunk.match_indices('\n') {
                let halves = text_columns_in_halves(&chunk, comma(&[0, 2], 3), whole, Some(at + 1)).map(read);
                proptest::prop_assert_eq!(&halves, &one, "cut after byte {} of {:?}", at, chunk);
            }
        }
    }
}
