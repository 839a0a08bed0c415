//! A chunk's text columns read in one walk over its records, for chunks whose
//! quoting is plain; polars' CSV reader reads any other chunk.
//!
//! The reader read every chunk before: it walks each chunk twice (once to
//! split it among threads, once to parse), on top of the walk that finds the
//! chunk's records. Exports are almost always plain, so this walk builds the
//! columns itself and the reader is kept for the rare chunk that is not.
//!
//! A record is *plain* when every field is either unquoted, holding no quote
//! and no carriage return (bar one just before the line feed that ends the
//! record), or quoted, with its closing quote followed by the delimiter or
//! the end of the record. For such records the values are exactly the
//! reader's, and a property test holds the two equal: an unquoted empty
//! field is no value, a quoted one is empty text, `""` inside quotes is one
//! quote, a carriage return before the line feed is not part of the value,
//! missing fields are no value and fields past the header's are ignored.

use polars::prelude::*;

/// One field of a plain record, where it lies in the chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Unquoted {
        start: usize,
        end: usize,
    },
    /// Between the quotes, and whether a doubled quote is inside.
    Quoted {
        start: usize,
        end: usize,
        doubled: bool,
    },
}

/// The projected columns (`projection`: field indices, ascending) of the
/// `records` records in `bytes`, each named `c<index>` as the reader names
/// them; None if a record is not plain or the records found are not
/// `records`, for the reader to read instead.
///
/// A delimiter beyond ASCII could cut a character in two: such files are
/// left to the reader too.
pub(super) fn text_columns(
    chunk: &str,
    delimiter: u8,
    projection: &[usize],
    records: usize,
) -> Option<Vec<StringChunked>> {
    if !delimiter.is_ascii() {
        return None;
    }
    let bytes = chunk.as_bytes();
    let last = *projection.last()?;
    let mut slot_of = vec![None; last + 1];
    for (slot, &field) in projection.iter().enumerate() {
        slot_of[field] = Some(slot);
    }
    let mut columns: Vec<StringChunkedBuilder> =
        projection.iter().map(|i| StringChunkedBuilder::new(format!("c{i}").into(), records)).collect();
    let mut unescaped = String::new();
    let (mut pos, mut found) = (0, 0);
    while let Some(next) = record_start(bytes, pos) {
        let mut filled = 0;
        pos = next_plain_record(bytes, next, delimiter, |index, field| {
            let Some(Some(slot)) = slot_of.get(index) else { return };
            let column = &mut columns[*slot];
            match field {
                Field::Unquoted { start, end } if start == end => column.append_null(),
                Field::Unquoted { start, end } | Field::Quoted { start, end, doubled: false } => {
                    column.append_value(&chunk[start..end])
                }
                Field::Quoted { start, end, doubled: true } => {
                    unescaped.clear();
                    unescaped.push_str(&chunk[start..end].replace("\"\"", "\""));
                    column.append_value(&unescaped);
                }
            }
            filled = slot + 1;
        })?;
        for column in &mut columns[filled..] {
            column.append_null();
        }
        found += 1;
    }
    (found == records).then(|| columns.into_iter().map(|c| c.finish()).collect())
}

/// Where the record at or after `pos` starts, past empty lines (which hold
/// no record, as the record scan and the reader agree); None at the end.
fn record_start(bytes: &[u8], mut pos: usize) -> Option<usize> {
    while bytes.get(pos).is_some_and(|b| matches!(b, b'\n' | b'\r')) {
        pos += 1;
    }
    (pos < bytes.len()).then_some(pos)
}

/// Walk the plain record at `pos`, telling `each` every field's index and
/// place; returns where the next record may start, or None if the record is
/// not plain (see the module's notes).
fn next_plain_record(
    bytes: &[u8],
    mut pos: usize,
    delimiter: u8,
    mut each: impl FnMut(usize, Field),
) -> Option<usize> {
    let mut index = 0;
    loop {
        if bytes.get(pos) == Some(&b'"') {
            let (end, doubled) = closing_quote(bytes, pos + 1)?;
            each(index, Field::Quoted { start: pos + 1, end, doubled });
            pos = end + 1;
            match bytes.get(pos) {
                Some(&b) if b == delimiter => {}
                None => return Some(pos),
                Some(b'\n') => return Some(pos + 1),
                Some(b'\r') => match bytes.get(pos + 1) {
                    None => return Some(pos + 1),
                    Some(b'\n') => return Some(pos + 2),
                    Some(_) => return None,
                },
                Some(_) => return None,
            }
        } else {
            let (end, ended_by) = match memchr::memchr3(delimiter, b'\n', b'"', &bytes[pos..]) {
                Some(k) => (pos + k, Some(bytes[pos + k])),
                None => (bytes.len(), None),
            };
            if ended_by == Some(b'"') {
                return None;
            }
            let record_ends = ended_by != Some(delimiter);
            // A carriage return before the line feed (or at the end of the
            // chunk) ends the line, not the value.
            let value_end = if record_ends && end > pos && bytes[end - 1] == b'\r' { end - 1 } else { end };
            if memchr::memchr(b'\r', &bytes[pos..value_end]).is_some() {
                return None;
            }
            each(index, Field::Unquoted { start: pos, end: value_end });
            if record_ends {
                return Some((end + 1).min(bytes.len()));
            }
            pos = end;
        }
        // At a delimiter: one more field follows it, even at the very end.
        pos += 1;
        index += 1;
    }
}

/// Where the quoted field whose text starts at `pos` (just past its opening
/// quote) ends (at its closing quote), and whether it holds a doubled
/// quote; None if it is never closed.
fn closing_quote(bytes: &[u8], mut pos: usize) -> Option<(usize, bool)> {
    let mut doubled = false;
    loop {
        let at = pos + memchr::memchr(b'"', &bytes[pos..])?;
        if bytes.get(at + 1) == Some(&b'"') {
            doubled = true;
            pos = at + 2;
        } else {
            return Some((at, doubled));
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
        for chunk in ["a\"b,c\n", "\"a\"b,c\n", "\"open,c\n", "a\rb,c\n", "a\r,c\n"] {
            assert!(text_columns(chunk, b',', &[0, 1], 1).is_none(), "{chunk:?}");
        }
    }

    #[test]
    fn a_record_count_that_differs_is_left_to_the_reader() {
        assert!(text_columns("a,b\nc,d\n", b',', &[0], 3).is_none());
    }
}
