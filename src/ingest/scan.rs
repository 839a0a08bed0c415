//! A chunk's text columns read in one walk over its records, for chunks whose
//! quoting is plain; polars' CSV reader reads any other chunk.
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
//! a quoted one is empty text, `""` inside quotes is one quote, a carriage
//! return before the line feed that ends a record is not part of the value,
//! missing fields are no value and fields past the header's are ignored.
//!
//! The walk visits only the delimiters, quotes and line feeds, found by one
//! `memchr` search over the whole chunk: a search per field costs more than
//! the field's few bytes.

use memchr::{memchr3_iter, Memchr3};
use polars::prelude::*;

/// The projected columns (`projection`: field indices, ascending) of the
/// `records` records in `chunk`, each named `c<index>` as the reader names
/// them; None if the chunk is not plain or the records found are not
/// `records`, for the reader to read instead.
pub(super) fn text_columns(
    chunk: &str,
    delimiter: u8,
    projection: &[usize],
    records: usize,
) -> Option<Vec<StringChunked>> {
    let bytes = chunk.as_bytes();
    // A delimiter beyond ASCII could cut a character in two.
    if !delimiter.is_ascii() || matches!(delimiter, b'"' | b'\n' | b'\r') || has_lone_carriage_return(bytes) {
        return None;
    }
    let last = *projection.last()?;
    let mut slot_of = vec![None; last + 1];
    for (slot, &field) in projection.iter().enumerate() {
        slot_of[field] = Some(slot);
    }
    let mut columns: Vec<StringChunkedBuilder> =
        projection.iter().map(|i| StringChunkedBuilder::new(format!("c{i}").into(), records)).collect();
    let mut walk = Walk { bytes, delimiter, marks: memchr3_iter(delimiter, b'\n', b'"', bytes) };
    let mut unescaped = String::new();
    let (mut pos, mut found) = (0, 0);
    while let Some(start) = record_start(bytes, pos) {
        pos = start;
        let mut index = 0;
        let mut filled = 0;
        loop {
            let field = walk.field(pos)?;
            if let Some(Some(slot)) = slot_of.get(index) {
                let column = &mut columns[*slot];
                match field.value {
                    Value::Missing => column.append_null(),
                    Value::Text(range) => column.append_value(&chunk[range]),
                    Value::Doubled(range) => {
                        unescaped.clear();
                        unescaped.push_str(&chunk[range].replace("\"\"", "\""));
                        column.append_value(&unescaped);
                    }
                }
                filled = slot + 1;
            }
            pos = field.next;
            if field.ends_record {
                break;
            }
            index += 1;
        }
        for column in &mut columns[filled..] {
            column.append_null();
        }
        found += 1;
    }
    (found == records).then(|| columns.into_iter().map(|c| c.finish()).collect())
}

/// [`text_columns`] of a chunk's two halves, read on two threads: `middle`
/// is where the second half's first record starts and how many records
/// come before it (None: read on this thread alone). Each column is the two
/// halves' pieces, in order.
pub(super) fn text_columns_in_halves(
    chunk: &str,
    delimiter: u8,
    projection: &[usize],
    records: usize,
    middle: Option<(usize, usize)>,
) -> Option<Vec<StringChunked>> {
    let Some((at, before)) = middle else {
        return text_columns(chunk, delimiter, projection, records);
    };
    let (first, second) = chunk.split_at(at);
    let (first, second) = crate::parallel::both(
        || text_columns(first, delimiter, projection, before),
        || text_columns(second, delimiter, projection, records - before),
    );
    let mut columns = first?;
    for (column, more) in columns.iter_mut().zip(second?) {
        column.append_owned(more).ok()?;
    }
    Some(columns)
}

/// A carriage return not followed by a line feed: the reader's handling of
/// it (inside a value, or ending one at the end of the input) is left to
/// the reader. CRLF exports have one before every line feed, so this looks
/// at each and finds none.
fn has_lone_carriage_return(bytes: &[u8]) -> bool {
    memchr::memchr_iter(b'\r', bytes).any(|at| bytes.get(at + 1) != Some(&b'\n'))
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
    marks: Memchr3<'a>,
}

impl Walk<'_> {
    /// The next delimiter, line feed or quote at or after `from`.
    fn mark(&mut self, from: usize) -> Option<usize> {
        self.marks.find(|&at| at >= from)
    }

    /// The field starting at `pos`; None if it is not plain.
    fn field(&mut self, pos: usize) -> Option<Field> {
        let bytes = self.bytes;
        if bytes.get(pos) == Some(&b'"') {
            let (close, doubled) = self.closing_quote(pos + 1)?;
            let range = pos + 1..close;
            let value = if doubled { Value::Doubled(range) } else { Value::Text(range) };
            let after = close + 1;
            let (next, ends_record) = match bytes.get(after) {
                None => (after, true),
                Some(&b) if b == self.delimiter => (after + 1, false),
                Some(b'\n') => (after + 1, true),
                // Always before a line feed (see `has_lone_carriage_return`).
                Some(b'\r') => (after + 2, true),
                Some(_) => return None,
            };
            return Some(Field { value, next, ends_record });
        }
        let (end, ends_record) = match self.mark(pos) {
            Some(at) if bytes[at] == b'"' => return None,
            Some(at) => (at, bytes[at] == b'\n'),
            None => (bytes.len(), true),
        };
        // The carriage return of a CRLF ends the line, not the value.
        let value_end = if ends_record && end > pos && bytes[end - 1] == b'\r' { end - 1 } else { end };
        let value = if value_end == pos { Value::Missing } else { Value::Text(pos..value_end) };
        Some(Field { value, next: (end + 1).min(bytes.len()), ends_record })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn values(column: &StringChunked) -> Vec<Option<String>> {
        column.iter().map(|v| v.map(str::to_string)).collect()
    }

    #[test]
    fn fields_are_read_as_the_reader_reads_them() {
        let chunk = "a,\"b,\"\"c\"\"\",,\"\"\r\n\n\"x\ny\",z\r\n1,2,3,4,5\n";
        let columns = text_columns(chunk, b',', &[0, 1, 3], 3).expect("plain");
        assert_eq!(columns[0].name().as_str(), "c0");
        assert_eq!(values(&columns[0]), [Some("a"), Some("x\ny"), Some("1")].map(|v| v.map(String::from)));
        assert_eq!(values(&columns[1]), [Some("b,\"c\""), Some("z"), Some("2")].map(|v| v.map(String::from)));
        assert_eq!(values(&columns[2]), [Some(""), None, Some("4")].map(|v| v.map(String::from)));
    }

    #[test]
    fn quoting_that_is_not_plain_is_left_to_the_reader() {
        for chunk in ["a\"b,c\n", "\"a\"b,c\n", "\"open,c\n", "a\rb,c\n", "a\r,c\n", "a,b\r"] {
            assert!(text_columns(chunk, b',', &[0, 1], 1).is_none(), "{chunk:?}");
        }
    }

    #[test]
    fn a_record_count_that_differs_is_left_to_the_reader() {
        assert!(text_columns("a,b\nc,d\n", b',', &[0], 3).is_none());
    }
}
