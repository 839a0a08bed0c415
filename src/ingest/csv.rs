//! CSV exports, read in chunks of whole records: each chunk is decoded,
//! parsed as text (its record boundaries and field counts found by the same
//! walk, or by a scan first where its quoting is not plain) and handed on
//! before the next is read. A regular file's checksum is taken apart from
//! the parse ([`crate::digest::Pending`]); a pipe's, beside it.

use std::io::Cursor;
use std::path::Path;
use std::sync::Arc;

use polars::prelude::*;

use super::headers::{canonical_frame, map_headers};
use super::scan;
use super::tidy;
use super::{empty_frame, Checksum, InputFile, Reading};
use crate::config::Encoding;
use crate::error::{Error, Result};
use crate::schema::{FILE, ROW};

/// Turn one chunk of a CSV export into UTF-8. `lines_before` counts the
/// lines of earlier chunks, so a fault is placed by its line in the file.
fn decode<'a>(
    path: &Path,
    bytes: &'a [u8],
    encoding: Encoding,
    lines_before: usize,
) -> Result<std::borrow::Cow<'a, str>> {
    match encoding {
        Encoding::Windows1252 => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            Ok(std::borrow::Cow::Owned(text.into_owned()))
        }
        // The fast check says only whether the bytes are UTF-8; the
        // standard one, run only on a fault, says where.
        Encoding::Utf8 => match simdutf8::basic::from_utf8(bytes).or_else(|_| std::str::from_utf8(bytes)) {
            Ok(text) => Ok(std::borrow::Cow::Borrowed(text)),
            Err(e) => {
                let at = e.valid_up_to();
                let line = lines_before + memchr::memchr_iter(b'\n', &bytes[..at]).count() + 1;
                Err(Error::input(
                    path,
                    format!(
                        "is not valid UTF-8 (byte 0x{:02X} at line {line}); if it was saved as Windows-1252 (\"ANSI\"), set input.encoding = \"windows-1252\"",
                        bytes[at]
                    ),
                ))
            }
        },
    }
}

/// Where a chunk starts in its file, so messages and row numbers are the
/// file's, not the chunk's.
#[derive(Debug, Clone, Copy, Default)]
struct Position {
    rows: usize,
    lines: usize,
    bytes: usize,
}

/// The fixed part of reading a CSV export, settled from its header.
struct CsvLayout {
    delimiter: u8,
    fields: usize,
    chosen: Vec<(usize, &'static str)>,
}

impl CsvLayout {
    /// The fields read (those with a canonical column), in field order.
    fn projection(&self) -> Vec<usize> {
        self.chosen.iter().map(|(i, _)| *i).collect()
    }

    /// The records as the walk reads `projection` of them.
    fn records<'a>(&self, projection: &'a [usize]) -> scan::Records<'a> {
        scan::Records { delimiter: self.delimiter, projection, fields: self.fields }
    }
}

/// Read a CSV export in chunks of whole records of about `chunk_bytes`.
pub(super) fn read_csv(
    reading: Reading,
    mut source: impl std::io::Read,
    checksum: Checksum,
    each: &mut dyn FnMut(DataFrame) -> Result<()>,
) -> Result<InputFile> {
    let Reading { path, input, schema, chunk_bytes } = reading;
    let delimiter = u8::try_from(input.delimiter).map_err(|_| {
        Error::input(path, format!("delimiter '{}' is not a single-byte character", input.delimiter))
    })?;
    let mut hasher = crate::digest::Sha256::default();
    let mut block: Vec<u8> = Vec::new();
    let mut eof = false;
    let mut chunks = Chunks { layout: None, at: Position::default(), stalled: false };
    let mut want = chunk_bytes.max(1);
    let mut utf8 = (input.encoding == Encoding::Windows1252).then(Utf8Evidence::default);
    loop {
        let fresh = block.len();
        eof = eof || fill(path, &mut source, &mut block, want)?;
        // Where the parse takes the checksum, it takes the new bytes' on
        // another thread while the chunk is scanned and parsed.
        let new_bytes = &block[fresh..];
        if let Some(evidence) = utf8.as_mut() {
            evidence.see(new_bytes);
        }
        let boundary = match checksum {
            Checksum::Apart => chunks.take(reading, &block, eof, delimiter, each),
            Checksum::AsRead => std::thread::scope(|scope| {
                let hashing = scope.spawn(|| hasher.update(new_bytes));
                let boundary = chunks.take(reading, &block, eof, delimiter, each);
                hashing.join().expect("hashing does not panic");
                boundary
            }),
        }?;
        if boundary == 0 && !eof {
            // No whole record yet (a long record, or the header): read more.
            want = block.len() + chunk_bytes.max(1);
            continue;
        }
        block.drain(..boundary);
        want = chunk_bytes.max(1);
        if eof && block.iter().all(|b| matches!(b, b'\n' | b'\r')) {
            break;
        }
    }
    let Chunks { layout, at, .. } = chunks;
    let (_, mut file) =
        layout.ok_or_else(|| Error::input(path, "is empty: expected a header row and case rows"))?;
    if at.rows == 0 {
        // A header with no rows still gives a frame, with every column.
        each(empty_frame(schema).drop_many([FILE]))?;
    }
    if let Some(line) = utf8.and_then(|evidence| evidence.utf8_from()) {
        return Err(Error::input(
            path,
            format!(
                "is UTF-8 (line {line} has a character written in more than one byte, and no byte of the file is outside UTF-8), but its encoding is set to \"windows-1252\", which would read every \"£\" as \"Â£\": set encoding = \"utf-8\" for it ([input], or its own [surveys] or [ombudsman] section)"
            ),
        ));
    }
    if checksum == Checksum::AsRead {
        file.sha256 = hasher.finish();
    }
    file.rows = at.rows;
    Ok(file)
}

/// Whether an export set to be read as Windows-1252 is UTF-8 after all,
/// judged on the whole file as it is read: UTF-8 beyond ASCII, and no byte
/// anywhere that UTF-8 does not allow. Real Windows-1252 text beyond ASCII
/// almost always has such a byte ("£" alone is 0xA3), but a chunk of it
/// may happen not to ("É’" is valid UTF-8), so no chunk decides alone.
#[derive(Default)]
struct Utf8Evidence {
    /// The start of a character cut by the end of the bytes seen so far.
    carry: Vec<u8>,
    /// A byte UTF-8 does not allow was seen: the file is not UTF-8.
    invalid: bool,
    /// The line of the first character beyond ASCII.
    first_beyond_ascii: Option<usize>,
    lines: usize,
}

impl Utf8Evidence {
    fn see(&mut self, bytes: &[u8]) {
        if self.invalid || bytes.is_empty() {
            return;
        }
        let mut seen = std::mem::take(&mut self.carry);
        seen.extend_from_slice(bytes);
        match simdutf8::compat::from_utf8(&seen) {
            Ok(_) => {}
            // A character the next bytes finish.
            Err(e) if e.error_len().is_none() => self.carry = seen[e.valid_up_to()..].to_vec(),
            Err(_) => {
                self.invalid = true;
                return;
            }
        }
        if self.first_beyond_ascii.is_none() {
            if let Some(at) = seen.iter().position(|b| !b.is_ascii()) {
                self.first_beyond_ascii =
                    Some(self.lines + memchr::memchr_iter(b'\n', &seen[..at]).count() + 1);
            }
        }
        // A carried character holds no line feed.
        self.lines += memchr::memchr_iter(b'\n', bytes).count();
    }

    /// The line that shows the file is UTF-8, if it is.
    fn utf8_from(self) -> Option<usize> {
        (!self.invalid && self.carry.is_empty()).then_some(self.first_beyond_ascii).flatten()
    }
}

/// What reading a CSV export has settled so far: the header's layout (once
/// read) and where the next chunk starts in the file.
struct Chunks {
    layout: Option<(CsvLayout, InputFile)>,
    at: Position,
    /// The last take used none of the block (a record longer than it, or a
    /// quote left open): the walk is not tried again until some is used,
    /// so a block that grows for one long record is not walked each time.
    stalled: bool,
}

impl Chunks {
    /// Parse the whole records at the start of `block` and hand them on;
    /// returns how many bytes were used (0: not even the header yet).
    fn take(
        &mut self,
        reading: Reading,
        block: &[u8],
        eof: bool,
        delimiter: u8,
        each: &mut dyn FnMut(DataFrame) -> Result<()>,
    ) -> Result<usize> {
        let mut start = 0;
        if self.layout.is_none() {
            let (header_end, found) = header_layout(reading, block, eof, delimiter)?;
            let Some(found) = found else { return Ok(0) };
            self.layout = Some(found);
            // Lines and bytes count from the top of the file.
            self.at.lines += memchr::memchr_iter(b'\n', &block[..header_end]).count();
            self.at.bytes += header_end;
            start = header_end;
        }
        if !self.stalled {
            if let Some(taken) = self.take_plain(reading, &block[start..], eof, each)? {
                return Ok(start + taken);
            }
        }
        let (csv, _) = self.layout.as_ref().expect("header read");
        let (boundary, ragged) = complete_records(&block[start..], eof, csv);
        self.stalled = boundary == 0;
        if ragged.records == 0 {
            // Nothing but blank lines so far.
            return Ok(start + boundary);
        }
        let chunk = &block[start..start + boundary];
        if let Some(open) = ragged.never_closed {
            // The reader would take the rest of the file as the field, or
            // drop it: either way rows are lost without a word.
            let line = self.at.lines + memchr::memchr_iter(b'\n', &chunk[..open]).count() + 1;
            return Err(Error::input(reading.path, never_closed(line)));
        }
        let frame = parse_chunk(reading, chunk, csv, &ragged, self.at)?;
        self.at.rows += frame.height();
        self.at.lines += memchr::memchr_iter(b'\n', chunk).count();
        self.at.bytes += chunk.len();
        each(frame)?;
        Ok(start + boundary)
    }

    /// The whole records at the start of `bytes` read by the walk of
    /// [`scan`] alone, which finds the records and their field counts as it
    /// reads them, and how many bytes they take (with any empty lines after
    /// them, or before a record left unread); None when they are not plain
    /// (or there is no whole record yet), for the record scan and then the
    /// walk or the reader as before.
    ///
    /// Exports are almost always plain, and the record scan before the walk
    /// took about a quarter of the reading. The walk reads up to the last
    /// line feed (all of `bytes` at the end of the input); a record whose
    /// quoted field that line feed falls inside is left for the next read.
    /// Quotes in plain records are paired, so the chunk ends at a record's
    /// end with every quote closed, as the record scan ends one (which
    /// leaves empty lines at the end for the next chunk).
    fn take_plain(
        &mut self,
        reading: Reading,
        bytes: &[u8],
        eof: bool,
        each: &mut dyn FnMut(DataFrame) -> Result<()>,
    ) -> Result<Option<usize>> {
        let Reading { path, input, schema, .. } = reading;
        let (csv, _) = self.layout.as_ref().expect("header read");
        let end = match memchr::memrchr(b'\n', bytes) {
            _ if eof => bytes.len(),
            Some(at) => at + 1,
            None => return Ok(None),
        };
        let chunk = &bytes[..end];
        let text = decode(path, chunk, input.encoding, self.at.lines)?;
        let middle = scan::middle_line(text.as_bytes());
        let plain = scan::text_columns_in_halves(&text, csv.records(&csv.projection()), eof, middle);
        let Some(plain) = plain.filter(|plain| plain.end > 0) else {
            return Ok(None);
        };
        let (chunk, end) = match &text {
            std::borrow::Cow::Borrowed(_) => (&chunk[..plain.end], plain.end),
            // Windows-1252 is one byte a character: a record ends after as
            // many bytes as the text before it has characters.
            std::borrow::Cow::Owned(text) => {
                let end = text[..plain.end].chars().count();
                (&chunk[..end], end)
            }
        };
        let frame = if plain.records == 0 {
            None
        } else {
            let frame = scanned_frame(plain.columns, plain.records, self.at)?;
            Some(canonical_frame(frame, &csv.chosen, &plain.ragged, csv.fields as u32, schema)?)
        };
        self.at.rows += plain.records;
        // Line feeds are the same in the text as in the bytes it came from.
        self.at.lines += plain.line_feeds;
        self.at.bytes += chunk.len();
        if let Some(frame) = frame {
            each(frame)?;
        }
        Ok(Some(end))
    }
}

/// The frame of a chunk's scanned columns, numbered from the row after `at`.
fn scanned_frame(columns: Vec<StringChunked>, records: usize, at: Position) -> Result<DataFrame> {
    let first_row = at.rows as IdxSize + 1;
    let rows = IdxCa::from_vec(ROW.into(), (first_row..first_row + records as IdxSize).collect());
    let columns = std::iter::once(rows.into_column()).chain(columns.into_iter().map(IntoColumn::into_column));
    Ok(DataFrame::new_infer_height(columns.collect())?)
}

/// Read from `source` until `block` holds `want` bytes; true at the end of
/// the input. Memory is taken as the bytes arrive, so a small export does
/// not pay for a whole chunk.
fn fill(path: &Path, source: &mut impl std::io::Read, block: &mut Vec<u8>, want: usize) -> Result<bool> {
    use std::io::Read;
    let missing = want.saturating_sub(block.len());
    if missing == 0 {
        return Ok(false);
    }
    block.reserve_exact(missing);
    let read = source
        .take(missing as u64)
        .read_to_end(block)
        .map_err(|e| Error::input(path, format!("cannot read: {e}")))?;
    Ok(read < missing)
}

/// From the first block: where the records start (after any byte-order mark
/// and the header row) and the layout the header gives, or None when the
/// block does not yet hold the whole header.
fn header_layout(
    reading: Reading,
    block: &[u8],
    eof: bool,
    delimiter: u8,
) -> Result<(usize, Option<(CsvLayout, InputFile)>)> {
    let Reading { path, input, schema, .. } = reading;
    if block.starts_with(&[0xFF, 0xFE]) || block.starts_with(&[0xFE, 0xFF]) {
        return Err(Error::input(path, "is UTF-16 encoded; save the export as UTF-8 CSV"));
    }
    let bom = if block.starts_with(&[0xEF, 0xBB, 0xBF]) { 3 } else { 0 };
    let body = &block[bom..];
    if eof && body.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::input(path, "is empty: expected a header row and case rows"));
    }
    let end = match next_record(body, 0, delimiter, eof) {
        Some(header) if header.ended || eof => header.next,
        _ => return Ok((0, None)),
    };
    let header_bytes = decode(path, &body[..end], input.encoding, 0)?;
    let headers = read_header(path, header_bytes.as_bytes(), delimiter)?;
    let (chosen, mut file) = map_headers(path, &headers, input, schema)?;
    file.format = "csv";
    Ok((bom + end, Some((CsvLayout { delimiter, fields: headers.len(), chosen }, file))))
}

/// The length of the whole records at the start of `bytes` (all of them at
/// the end of the input), and their field counts.
///
/// A chunk also never ends after an odd number of quote characters: the
/// CSV reader pairs quotes across lines, so a stray quote must reach it
/// with the lines that follow, exactly as in a single read of the file.
fn complete_records(bytes: &[u8], eof: bool, csv: &CsvLayout) -> (usize, Ragged) {
    let (mut rows, mut blank_lines, mut records, mut pos) = (Vec::new(), Vec::new(), 0usize, 0usize);
    let mut cut = (0usize, 0usize, 0usize, 0usize); // bytes, records, ragged rows, blank runs
    let mut odd_quotes = false;
    let mut never_closed = None;
    while let Some(record) = next_record(bytes, pos, csv.delimiter, eof) {
        if !record.ended && !eof {
            break;
        }
        never_closed = record.open_quote;
        if record.start > pos {
            blank_lines.push(pos..record.start);
        }
        records += 1;
        if record.fields != csv.fields {
            rows.push((records as u32, record.fields as u32));
        }
        pos = record.next;
        odd_quotes ^= record.odd_quotes;
        if !odd_quotes {
            cut = (pos, records, rows.len(), blank_lines.len());
        }
    }
    if eof {
        if pos < bytes.len() {
            blank_lines.push(pos..bytes.len());
        }
        return (bytes.len(), Ragged { rows, records, blank_lines, never_closed });
    }
    rows.truncate(cut.2);
    blank_lines.truncate(cut.3);
    (cut.0, Ragged { rows, records: cut.1, blank_lines, never_closed: None })
}

/// The chunk without its empty lines, which the CSV reader would otherwise
/// read as rows of nothing (the scan and the `csv` crate skip them).
fn without_blank_lines<'a>(
    chunk: &'a [u8],
    blank_lines: &[std::ops::Range<usize>],
) -> std::borrow::Cow<'a, [u8]> {
    if blank_lines.is_empty() {
        return std::borrow::Cow::Borrowed(chunk);
    }
    let mut kept = Vec::with_capacity(chunk.len());
    let mut from = 0;
    for blank in blank_lines {
        kept.extend_from_slice(&chunk[from..blank.start]);
        from = blank.end;
    }
    kept.extend_from_slice(&chunk[from..]);
    std::borrow::Cow::Owned(kept)
}

/// Parse one chunk of whole records into the canonical text columns: by
/// the record walk of [`scan`] when its quoting is plain, else by polars'
/// CSV reader.
fn parse_chunk(
    reading: Reading,
    chunk: &[u8],
    csv: &CsvLayout,
    ragged: &Ragged,
    at: Position,
) -> Result<DataFrame> {
    let Reading { path, input, schema, .. } = reading;
    // Decoded as it stands in the file, so a fault is placed by the file's line.
    let text = decode(path, chunk, input.encoding, at.lines)?;
    let projection = csv.projection();
    let middle = scan::middle_line(text.as_bytes());
    let scanned = scan::text_columns_in_halves(&text, csv.records(&projection), true, middle)
        .filter(|plain| plain.records == ragged.records);
    let frame = match scanned {
        Some(plain) => scanned_frame(plain.columns, plain.records, at)?,
        None => {
            // Empty lines (plain ASCII) left out, as the reader would read
            // them as rows of nothing (the record scan skips them).
            let text = if ragged.blank_lines.is_empty() {
                text
            } else {
                let kept = without_blank_lines(chunk, &ragged.blank_lines);
                std::borrow::Cow::Owned(decode(path, &kept, input.encoding, at.lines)?.into_owned())
            };
            read_with_polars(path, text.as_bytes(), csv, &projection, at)?
        }
    };
    if frame.height() != ragged.records {
        return Err(Error::input(
            path,
            format!(
                "reading gave {} rows where the file has {} records; check its quoting",
                at.rows + frame.height(),
                at.rows + ragged.records
            ),
        ));
    }
    canonical_frame(frame, &csv.chosen, &ragged.rows, csv.fields as u32, schema)
}

/// The projected fields of whole records (no empty lines) as text, by
/// polars' CSV reader, with the row numbers of the file.
fn read_with_polars(
    path: &Path,
    bytes: &[u8],
    csv: &CsvLayout,
    projection: &[usize],
    at: Position,
) -> Result<DataFrame> {
    // Every column is read as text: parsing (dates, amounts, spellings) belongs
    // to validation, which can report each failure by row and column.
    let text_schema: Schema =
        (0..csv.fields).map(|i| Field::new(format!("c{i}").into(), DataType::String)).collect();
    CsvReadOptions::default()
        .with_has_header(false)
        .with_schema(Some(Arc::new(text_schema)))
        .with_projection(Some(Arc::new(projection.to_vec())))
        .with_row_index(Some(RowIndex { name: ROW.into(), offset: at.rows as IdxSize + 1 }))
        .map_parse_options(|o| {
            o.with_separator(csv.delimiter)
                .with_quote_char(Some(b'"'))
                .with_missing_is_null(true)
                .with_truncate_ragged_lines(true)
        })
        .into_reader_with_file_handle(Cursor::new(bytes))
        .finish()
        .map_err(|e| Error::input(path, csv_problem(bytes, &e.to_string(), at)))
        .and_then(|frame| tidied(frame, projection))
}

/// `frame` with its text columns `c<index>` tidied, as the walk tidies them.
fn tidied(mut frame: DataFrame, projection: &[usize]) -> Result<DataFrame> {
    for i in projection {
        let name = format!("c{i}");
        let text = tidy::column(frame.column(&name)?.str()?);
        frame.replace(&name, text.into_column())?;
    }
    Ok(frame)
}

struct Ragged {
    /// (1-based data row, fields found) for rows whose field count differs
    /// from the header's.
    rows: Vec<(u32, u32)>,
    records: usize,
    /// Byte ranges of empty lines: they hold no record and are not read.
    blank_lines: Vec<std::ops::Range<usize>>,
    /// At the end of the input, where a quoted field that is never closed
    /// opens: the file was cut short inside it (or a quote is missing).
    never_closed: Option<usize>,
}

/// The field counts of every record after the header, for the tests.
#[cfg(test)]
fn ragged_rows(bytes: &[u8], delimiter: u8, expected: usize) -> Ragged {
    let start = next_record(bytes, 0, delimiter, true).map_or(bytes.len(), |header| header.next);
    let csv = CsvLayout { delimiter, fields: expected, chosen: Vec::new() };
    complete_records(&bytes[start..], true, &csv).1
}

/// One record as the scan finds it.
struct Record {
    /// Where it starts, after any empty lines before it.
    start: usize,
    /// Where the next record may start.
    next: usize,
    fields: usize,
    /// Whether a line feed outside quotes ends it; if not, the bytes ran out
    /// first and the record may go on in the next read.
    ended: bool,
    /// Whether it holds an odd number of quote characters (a stray quote
    /// inside an unquoted field).
    odd_quotes: bool,
    /// Where its quoted field opens, when the bytes end inside it.
    open_quote: Option<usize>,
}

/// The record at `pos`, after any empty lines; None at the end of the input.
///
/// Records are read as the CSV reader reads them: a quote opens a quoted
/// field only at the start of a field, `""` inside one is a literal quote,
/// a record ends at a line feed outside quotes, and empty lines are skipped.
/// It jumps between delimiters, quotes and line feeds with `memchr` rather
/// than stepping byte by byte, as most of a field's bytes are none of those.
fn next_record(bytes: &[u8], pos: usize, delimiter: u8, eof: bool) -> Option<Record> {
    let mut pos = scan::record_start(bytes, pos)?;
    let (start, mut fields, mut odd_quotes) = (pos, 1, false);
    let unended = |fields, odd_quotes, open_quote| {
        Some(Record { start, next: bytes.len(), fields, ended: false, odd_quotes, open_quote })
    };
    let mut field_start = true;
    loop {
        if field_start && bytes.get(pos) == Some(&b'"') {
            match past_quoted(bytes, pos + 1, eof) {
                Some(end) => pos = end,
                None => return unended(fields, odd_quotes, Some(pos)),
            }
        }
        field_start = false;
        match memchr::memchr3(delimiter, b'\n', b'"', &bytes[pos..]) {
            Some(k) if bytes[pos + k] == delimiter => {
                fields += 1;
                pos += k + 1;
                field_start = true;
            }
            Some(k) if bytes[pos + k] == b'"' => {
                odd_quotes = !odd_quotes;
                pos += k + 1;
            }
            Some(k) => {
                return Some(Record {
                    start,
                    next: pos + k + 1,
                    fields,
                    ended: true,
                    odd_quotes,
                    open_quote: None,
                })
            }
            None => return unended(fields, odd_quotes, None),
        }
    }
}

/// The position just past a quoted field's closing quote (`pos` is just
/// after its opening quote); a doubled quote inside is a literal quote.
/// None if the bytes end first, or end on a quote that the next read may
/// double: at the end of the input (`eof`) that quote closes the field.
fn past_quoted(bytes: &[u8], mut pos: usize, eof: bool) -> Option<usize> {
    while let Some(k) = memchr::memchr(b'"', &bytes[pos..]) {
        pos += k + 1;
        match bytes.get(pos) {
            Some(b'"') => pos += 1,
            Some(_) => return Some(pos),
            None => return eof.then_some(pos),
        }
    }
    None
}

/// The message for a quoted field that opens on `line` and never closes.
fn never_closed(line: usize) -> String {
    format!(
        "is not valid CSV: the quoted field starting on line {line} is never closed (the file cut short, a missing closing quote, or a quote inside a field that is not doubled)"
    )
}

/// Say where a CSV the parser refused goes wrong, without quoting its
/// contents (they may be personal data).
fn csv_problem(bytes: &[u8], parser_message: &str, at: Position) -> String {
    // Doubled quotes toggle twice, so they never leave the state changed; a
    // file that ends inside quotes has a field that was never closed.
    let (mut line, mut open_at, mut quoted) = (at.lines + 1, 0usize, false);
    for &b in bytes {
        match b {
            b'"' => {
                quoted = !quoted;
                if quoted {
                    open_at = line;
                }
            }
            b'\n' => line += 1,
            _ => {}
        }
    }
    if quoted {
        return never_closed(open_at);
    }
    let near = parser_message
        .split("current offset in the file is ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse::<usize>().ok())
        .map(|n| format!(" near byte {}", at.bytes + n))
        .unwrap_or_default();
    format!("is not valid CSV{near}: check its quoting and delimiter")
}

/// The header row, parsed with the same quoting rules as the body.
fn read_header(path: &Path, bytes: &[u8], delimiter: u8) -> Result<Vec<String>> {
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(bytes);
    let mut record = csv::StringRecord::new();
    match reader.read_record(&mut record) {
        // The header row runs to the first line feed; the reader ends a
        // record at a carriage return too, so what follows it there is the
        // data, written with lone carriage returns, which no row would be
        // read from.
        Ok(true) if !bytes[reader.position().byte() as usize..].trim_ascii().is_empty() => Err(Error::input(
            path,
            "ends its lines with carriage returns alone (the old Mac format), so its rows cannot be read: save it with Windows (CRLF) or Unix (LF) line endings",
        )),
        Ok(true) => Ok(record.iter().map(|h| h.trim().to_string()).collect()),
        Ok(false) => Err(Error::input(path, "is empty: expected a header row and case rows")),
        Err(e) => Err(Error::input(path, format!("cannot read the header row: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Encoding, InputConfig};
    use crate::schema::{CASES, FIELDS_FOUND};
    use proptest::prelude::*;

    /// The field counts the `csv` crate finds, record by record.
    fn csv_crate_counts(bytes: &[u8]) -> Vec<usize> {
        let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(bytes);
        let mut record = csv::ByteRecord::new();
        let mut counts = Vec::new();
        while let Ok(true) = reader.read_byte_record(&mut record) {
            counts.push(record.len());
        }
        counts
    }

    /// Each record as the `csv` crate reads it: its first three fields
    /// (trimmed, and a blank is no value) and, when it has the wrong length,
    /// its field count.
    type Row = (Option<String>, Option<String>, Option<String>, Option<u32>);

    fn csv_crate_rows(bytes: &[u8]) -> Vec<Row> {
        let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(bytes);
        let cell =
            |r: &csv::StringRecord, i| r.get(i).map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
        reader
            .records()
            .map(|r| r.expect("well-formed"))
            .map(|r| (cell(&r, 0), cell(&r, 1), cell(&r, 2), (r.len() != 3).then_some(r.len() as u32)))
            .collect()
    }

    fn frame_rows(frame: &DataFrame) -> Vec<Row> {
        let text = |name| -> Vec<Option<String>> {
            let column = frame.column(name).unwrap().str().unwrap();
            column.iter().map(|v| v.map(str::to_string)).collect()
        };
        let (a, b, c) = (text("case_ref"), text("received_date"), text("stage"));
        let found: Vec<Option<u32>> = frame.column(FIELDS_FOUND).unwrap().u32().unwrap().iter().collect();
        (0..frame.height()).map(|i| (a[i].clone(), b[i].clone(), c[i].clone(), found[i])).collect()
    }

    fn scanned_counts(bytes: &[u8], expected: usize) -> Vec<usize> {
        let ragged = ragged_rows(bytes, b',', expected);
        (1..=ragged.records as u32)
            .map(|r| ragged.rows.iter().find(|(row, _)| *row == r).map_or(expected, |(_, n)| *n as usize))
            .collect()
    }

    #[test]
    fn short_and_long_rows_are_found_by_record_not_line() {
        let bytes = b"a,b,c\n1,2,3\n1,2\n\"x,y\",2,3\n\"multi\nline\",2,3\n1,2,3,4\r\n\n1,\"q\"\"uote\",3";
        let ragged = ragged_rows(bytes, b',', 3);
        assert_eq!(ragged.records, 6);
        assert_eq!(ragged.rows, vec![(2, 2), (5, 4)]);
    }

    #[test]
    fn an_unclosed_quote_runs_to_the_end_of_the_file() {
        let ragged = ragged_rows(b"a,b\n1,\"open\n2,3\n", b',', 2);
        assert_eq!((ragged.records, ragged.rows, ragged.never_closed), (1, vec![], Some(2)));
        // Closed, it is a record like any other: before a line feed, or by
        // the last byte of the input.
        let ragged = ragged_rows(b"a,b\n1,\"open\n2\"\n", b',', 2);
        assert_eq!((ragged.records, ragged.never_closed), (1, None));
        let ragged = ragged_rows(b"a,b\n1,\"a\rb\"\n2,\"closed at the end\"", b',', 2);
        assert_eq!((ragged.records, ragged.rows, ragged.never_closed), (2, vec![], None));
        let ragged = ragged_rows(b"a,b\n1,\"a \"\"quoted\"\"\"", b',', 2);
        assert_eq!((ragged.records, ragged.never_closed), (1, None));
    }

    /// Every chunk of `bytes` read `chunk_bytes` at a time, stacked.
    fn read_in_chunks(bytes: &[u8], chunk_bytes: usize) -> std::result::Result<(DataFrame, String), String> {
        read_in_chunks_as(bytes, chunk_bytes, Encoding::Utf8)
    }

    fn read_in_chunks_as(
        bytes: &[u8],
        chunk_bytes: usize,
        encoding: Encoding,
    ) -> std::result::Result<(DataFrame, String), String> {
        let mut input = InputConfig { encoding, ..InputConfig::default() };
        input.columns.insert("case_ref".into(), "h1".into());
        input.columns.insert("received_date".into(), "h2".into());
        input.columns.insert("stage".into(), "h3".into());
        let mut frames = Vec::new();
        let path = Path::new("chunks.csv");
        let reading = Reading { path, input: &input, schema: &CASES, chunk_bytes };
        let bytes = Cursor::new(bytes.to_vec());
        let file = super::super::read_source(reading, bytes, Checksum::AsRead, &mut |f| {
            frames.push(f);
            Ok(())
        })
        .map_err(|e| e.to_string())?;
        let mut frame = frames.remove(0);
        for more in frames {
            frame.vstack_mut_owned(more).unwrap();
        }
        assert_eq!(frame.height(), file.rows);
        Ok((frame, file.sha256))
    }

    #[test]
    fn a_record_cut_by_a_chunk_inside_quotes_is_read_whole() {
        let bytes = b"h1,h2,h3\nA,\"two\nlines\",1\nB,\"say \"\"hi\"\"\",2\r\nC,x\n";
        let (whole, sha) = read_in_chunks(bytes, 1 << 20).unwrap();
        assert_eq!(sha, crate::digest::sha256_hex(bytes));
        assert_eq!(
            whole.column("case_ref").unwrap().str().unwrap().iter().collect::<Vec<_>>(),
            [Some("A"), Some("B"), Some("C")]
        );
        assert_eq!(whole.column(FIELDS_FOUND).unwrap().u32().unwrap().get(2), Some(2));
        for chunk_bytes in 1..bytes.len() {
            let (chunked, chunked_sha) = read_in_chunks(bytes, chunk_bytes).unwrap();
            assert!(chunked.equals_missing(&whole), "chunks of {chunk_bytes} bytes");
            assert_eq!(chunked_sha, sha);
        }
    }

    /// A Windows-1252 export's chunks end where its records end in bytes,
    /// not in the decoded text (where "£" takes two bytes): read a few bytes
    /// at a time, with "£" inside quoted fields that run across lines, it
    /// gives the rows read at once.
    #[test]
    fn a_windows_1252_chunk_ends_where_its_record_ends_in_bytes() {
        let bytes = b"h1,h2,h3\nA,\"\xA35\n\xA36\",1\n\"B\xA3\",\"x\"\"\xA3\",2\r\n\n\xA3C,\"\xA3\n\",3\nD,\xA3\xA3,4\n";
        let (whole, _) = read_in_chunks_as(bytes, 1 << 20, Encoding::Windows1252).unwrap();
        assert_eq!(
            whole.column("case_ref").unwrap().str().unwrap().iter().collect::<Vec<_>>(),
            [Some("A"), Some("B£"), Some("£C"), Some("D")]
        );
        assert_eq!(
            whole.column("received_date").unwrap().str().unwrap().iter().collect::<Vec<_>>(),
            [Some("£5\n£6"), Some("x\"£"), Some("£"), Some("££")]
        );
        for chunk_bytes in 1..bytes.len() {
            let (chunked, _) = read_in_chunks_as(bytes, chunk_bytes, Encoding::Windows1252).unwrap();
            assert!(chunked.equals_missing(&whole), "chunks of {chunk_bytes} bytes");
        }
    }

    /// Set to Windows-1252, a file is refused as UTF-8 only when all of it
    /// is: a Windows-1252 "É’" that happens to be valid UTF-8 in the first
    /// chunk does not decide while a lone 0xA3 ("£") comes later, in any
    /// chunking, nor does a character cut between two reads.
    #[test]
    fn windows_1252_is_refused_as_utf_8_only_on_the_whole_file() {
        let mixed = b"h1,h2,h3\nCAF\xC9\x92S,2025-01-01,1\nB,2025-01-02,1\nC\xA3,2025-01-03,1\n";
        let utf8 = "h1,h2,h3\nCAFÉ’S,2025-01-01,1\nB,2025-01-02,1\nC£,2025-01-03,1\n".as_bytes();
        for chunk_bytes in 1..mixed.len() + 1 {
            let (frame, _) = read_in_chunks_as(mixed, chunk_bytes, Encoding::Windows1252).unwrap();
            assert_eq!(frame.height(), 3, "chunks of {chunk_bytes}");
        }
        for chunk_bytes in 1..utf8.len() + 1 {
            let message = read_in_chunks_as(utf8, chunk_bytes, Encoding::Windows1252).unwrap_err();
            assert!(
                message.contains("is UTF-8 (line 2 has a character written in more than one byte"),
                "{message}"
            );
        }
    }

    /// Each projected column of `text` as the scan reads it (None where it
    /// leaves the chunk to the reader) and as polars' reader does. Where
    /// the walk reads the chunk, it finds the records and field counts the
    /// record scan finds.
    #[allow(clippy::type_complexity)]
    fn scan_and_reader(
        text: &str,
        fields: usize,
        projection: &[usize],
    ) -> (Option<Vec<Vec<Option<String>>>>, std::result::Result<Vec<Vec<Option<String>>>, String>) {
        let csv = CsvLayout { delimiter: b',', fields, chosen: Vec::new() };
        let (_, ragged) = complete_records(text.as_bytes(), true, &csv);
        let values = |c: &StringChunked| c.iter().map(|v| v.map(str::to_string)).collect::<Vec<_>>();
        let scanned = scan::text_columns_in_halves(
            text,
            csv.records(projection),
            true,
            scan::line_past_middle(text.as_bytes()),
        )
        .inspect(|plain| {
            assert_eq!((plain.records, &plain.ragged), (ragged.records, &ragged.rows), "{text:?}")
        })
        .map(|plain| plain.columns.iter().map(values).collect());
        let kept = without_blank_lines(text.as_bytes(), &ragged.blank_lines);
        let read = read_with_polars(Path::new("p.csv"), &kept, &csv, projection, Position::default())
            .map_err(|e| e.to_string())
            .and_then(|frame| {
                if frame.height() != ragged.records {
                    return Err(format!("{} rows for {} records", frame.height(), ragged.records));
                }
                Ok(projection
                    .iter()
                    .map(|i| values(frame.column(&format!("c{i}")).unwrap().str().unwrap()))
                    .collect())
            });
        (scanned, read)
    }

    /// A field as exports write them: unquoted, or quoted around commas,
    /// line breaks (either kind), doubled quotes and text beyond ASCII,
    /// with spaces (a no-break one too) to be trimmed; and values too long
    /// to be held in a view, some repeated, some not.
    fn field() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a é\u{a0}]{0,3}",
            "( Repairs and maintenance|Anti-social behaviour |[a-z]{13,16})",
            "[a,\n é]{0,4}(\r\n)?(\"\")?[a\n\u{a0}]{0,2}".prop_map(|s| format!("\"{s}\"")),
        ]
    }

    proptest! {
        /// Text is judged UTF-8 as the standard library judges it, and a
        /// fault is placed at the byte and line it finds, whatever the
        /// mix of ASCII, characters of two to four bytes and stray bytes.
        #[test]
        fn utf8_is_checked_as_the_standard_library_checks_it(
            pieces in proptest::collection::vec(
                prop_oneof![
                    Just(b"a,b".to_vec()), Just(b"\n".to_vec()), Just("\u{a3}".as_bytes().to_vec()),
                    Just("\u{20ac}".as_bytes().to_vec()), Just("\u{1f3e0}".as_bytes().to_vec()),
                    Just(vec![0xA3]), Just(vec![0xE2, 0x82]), Just(vec![0xFF]),
                ],
                0..80,
            ),
        ) {
            let bytes = pieces.concat();
            let decoded = decode(Path::new("u.csv"), &bytes, Encoding::Utf8, 4);
            match std::str::from_utf8(&bytes) {
                Ok(text) => {
                    let decoded = decoded.map_err(|e| TestCaseError::fail(e.to_string()))?;
                    prop_assert_eq!(decoded.as_ref(), text);
                }
                Err(e) => {
                    let at = e.valid_up_to();
                    let line = 5 + bytes[..at].iter().filter(|&&b| b == b'\n').count();
                    let message = decoded.expect_err("not UTF-8").to_string();
                    let expected = format!("(byte 0x{:02X} at line {line})", bytes[at]);
                    prop_assert!(message.contains(&expected), "{} for {:?}", message, bytes);
                }
            }
        }

        /// Plain records (any mix of the fields above, rows of the wrong
        /// length, blank lines, CRLF, no line end at the end) are read by
        /// the scan, to the values the reader gives.
        #[test]
        fn the_scan_reads_plain_records_as_the_reader_does(
            rows in proptest::collection::vec(
                (
                    proptest::collection::vec(field(), 1..5),
                    prop_oneof![Just("\n"), Just("\r\n"), Just("\n\n"), Just("\r\n\r\n")],
                ),
                1..10,
            ),
            last_line_end in proptest::bool::ANY,
            fields in 1usize..5,
            skip in 0usize..4,
        ) {
            let mut text: String = rows.iter().map(|(f, end)| format!("{}{end}", f.join(","))).collect();
            if !last_line_end {
                text.truncate(text.trim_end_matches(['\r', '\n']).len());
            }
            let projection: Vec<usize> = (0..fields).filter(|i| *i != skip).collect();
            prop_assume!(!projection.is_empty());
            // A chunk of nothing but empty lines is never parsed.
            prop_assume!(text.bytes().any(|b| !matches!(b, b'\n' | b'\r')));
            let (scanned, read) = scan_and_reader(&text, fields, &projection);
            prop_assert!(scanned.is_some(), "plain records left to the reader: {:?}", text);
            prop_assert_eq!(scanned.unwrap(), read.map_err(TestCaseError::fail)?, "{:?}", text);
        }

        /// On any bytes at all, whatever the scan reads it reads as the
        /// reader does; what it leaves, the reader reads as before.
        #[test]
        fn whatever_the_scan_reads_the_reader_reads_alike(
            cells in proptest::collection::vec(
                prop_oneof![
                    Just("a"), Just("é"), Just(","), Just("\""), Just("\"\""), Just("\n"), Just("\r\n"),
                    Just("\r"), Just(" "),
                ],
                0..60,
            ),
            fields in 1usize..4,
        ) {
            let text = cells.join("");
            // A chunk of nothing but empty lines is never parsed.
            prop_assume!(text.bytes().any(|b| !matches!(b, b'\n' | b'\r')));
            let projection: Vec<usize> = (0..fields).collect();
            if let (Some(scanned), read) = scan_and_reader(&text, fields, &projection) {
                prop_assert_eq!(scanned, read.map_err(TestCaseError::fail)?, "{:?}", text);
            }
        }
    }

    proptest! {
        /// Chunks end only between records: on well-formed quoting (any
        /// mix of quoted fields with commas, line breaks and doubled quotes,
        /// rows of the wrong length, blank lines, CRLF), reading a few bytes
        /// at a time or all at once gives the rows the `csv` crate reads.
        #[test]
        fn chunked_reading_matches_reading_at_once(
            rows in proptest::collection::vec(
                (
                    proptest::collection::vec(
                        prop_oneof![
                            "[a ]{0,3}",
                            "[a,\n ]{0,4}(\"\")?[a\n]{0,2}".prop_map(|s| format!("\"{s}\"")),
                        ],
                        1..5,
                    ),
                    prop_oneof![Just("\n"), Just("\r\n"), Just("\n\n")],
                ),
                0..12,
            ),
            chunk_bytes in 1usize..40,
        ) {
            let body: String = rows.iter().map(|(fields, end)| format!("{}{end}", fields.join(","))).collect();
            let text = format!("h1,h2,h3\n{body}");
            let expected = csv_crate_rows(text.as_bytes());
            for chunk_bytes in [chunk_bytes, 1 << 20] {
                let (frame, _) = read_in_chunks(text.as_bytes(), chunk_bytes).map_err(TestCaseError::fail)?;
                prop_assert_eq!(frame_rows(&frame), expected.clone(), "chunks of {} bytes", chunk_bytes);
            }
        }

        /// On any bytes without a lone carriage return (where the CSV crate
        /// ends a record and polars does not), the scan agrees with the
        /// `csv` crate's reader record by record.
        #[test]
        fn the_scan_counts_fields_as_the_csv_crate_does(
            cells in proptest::collection::vec(
                prop_oneof![Just("a"), Just(","), Just("\""), Just("\n"), Just("\r\n"), Just(" ")],
                0..200,
            ),
        ) {
            let text = format!("h1,h2,h3\n{}", cells.join(""));
            let bytes = text.as_bytes();
            prop_assert_eq!(scanned_counts(bytes, 3), csv_crate_counts(bytes));
        }
    }
}
