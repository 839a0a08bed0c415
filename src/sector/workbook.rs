//! Reading a "TSM full data" release with calamine.
//!
//! Nothing is found by position: the Regulator moves things between releases
//! (the header row is row 3 in 2023-24 and row 10 or 11 in 2024-25, after
//! a block of notes; columns are inserted; footnote digits are glued to
//! headers, "(CH02 1)5"). Sheets are found by the end of their name, the
//! header row by its first cells, and each column by its words and the
//! measure code in its brackets.

use std::collections::HashSet;
use std::io::Cursor;
use std::path::Path;
use std::sync::LazyLock;

use calamine::{Data, Range, Reader};
use regex::Regex;

use super::columns::ReleaseBuilder;
use super::{Missing, Release, SheetKind, Stock};
use crate::error::{Error, Result};
use crate::period::FinancialYear;
use crate::schema::spelling_key as squash;

type Workbook = calamine::Sheets<Cursor<Vec<u8>>>;

pub(super) fn read(path: &Path) -> Result<Release> {
    let (mut book, sha256) = open(path)?;
    let mut release = ReleaseBuilder::default();
    let mut used_sheets = Vec::new();
    for (kind, required) in SHEETS {
        let Some(table) = Table::load(path, &mut book, kind, required)? else {
            release
                .notes
                .push(format!("no {} sheet: its figures are not in this release", sheet_pattern(kind)));
            continue;
        };
        release.add_table(path, &table)?;
        used_sheets.push(table.sheet.clone());
    }
    let year = release_year(path, &mut book, &used_sheets)?;
    Ok(release.finish(path, year, sha256))
}

/// The sheets read, and whether a release without one is unusable. Combined
/// perception is published only for the two or three landlords allowed to
/// survey LCRA and LCHO together.
const SHEETS: [(SheetKind, bool); 4] = [
    (SheetKind::ManagementInfo, true),
    (SheetKind::Perception(Stock::Lcra), true),
    (SheetKind::Perception(Stock::Lcho), true),
    (SheetKind::Perception(Stock::Combined), false),
];

/// The workbook and the SHA-256 of its bytes. The file is read into memory
/// once and parsed from there, so the checksum a run records is of exactly
/// the bytes its figures came from.
fn open(path: &Path) -> Result<(Workbook, String)> {
    if !path.is_file() {
        return Err(Error::input(path, "not found: expected the Regulator's TSM full data workbook (.xlsx)"));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::input(path, format!("cannot read: {e}")))?;
    let sha256 = crate::digest::sha256_hex(&bytes);
    let unreadable = |e: calamine::Error| Error::input(path, format!("cannot be read as a workbook: {e}"));
    // Chosen by extension, as calamine's own `open_workbook_auto` does, so a
    // damaged .xlsx says what is wrong with it rather than "cannot detect
    // file format".
    let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let book = match extension.as_deref() {
        Some("xlsx" | "xlsm") => calamine::open_workbook_from_rs::<calamine::Xlsx<_>, _>(Cursor::new(bytes))
            .map(calamine::Sheets::Xlsx)
            .map_err(|e| unreadable(e.into()))?,
        _ => calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(unreadable)?,
    };
    Ok((book, sha256))
}

/// How a sheet's name ends, as the Regulator writes it (for messages).
fn sheet_pattern(kind: SheetKind) -> &'static str {
    match kind {
        SheetKind::ManagementInfo => "*_Management_Info",
        SheetKind::Perception(Stock::Lcra) => "*_LCRA_Perception",
        SheetKind::Perception(Stock::Lcho) => "*_LCHO_Perception",
        SheetKind::Perception(Stock::Combined) => "*_Combined_Perception",
    }
}

/// The sheet of this kind, matched on the end of its name with spaces,
/// underscores and case ignored ("TSM24_Management _Info" in the contents
/// page is "TSM24_Management_Info" on the tab). "…_Man_Info_Not_Inc", the
/// list of landlords left out, does not match.
fn find_sheet(path: &Path, names: &[String], kind: SheetKind) -> Result<Option<String>> {
    let suffix = squash(sheet_pattern(kind));
    let found: Vec<&String> = names.iter().filter(|n| squash(n).ends_with(&suffix)).collect();
    match found.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some((*one).clone())),
        many => Err(Error::input(
            path,
            format!(
                "has {} sheets named like {}: {}",
                many.len(),
                sheet_pattern(kind),
                quoted(many.iter().copied())
            ),
        )),
    }
}

fn quoted<'a>(items: impl Iterator<Item = &'a String>) -> String {
    items.map(|s| format!("\"{s}\"")).collect::<Vec<_>>().join(", ")
}

/// A column header, reduced to what the matching looks at.
#[derive(Debug, Clone)]
pub(super) struct Header {
    pub(super) text: String,
    /// Lower-case words separated by single spaces, padded with a space at
    /// each end so `contains(" very satisfied ")` matches whole words only.
    pub(super) words: String,
    /// From a leading "LCRA - ", "LCHO - " or "Combined - ".
    pub(super) stock: Option<Stock>,
    pub(super) tag: Option<Tag>,
}

/// The measure code in a header's brackets: "(CH01 1 Numerator)",
/// "(CH02 2)", "(TP09)", "(TP09 responses)".
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Tag {
    pub(super) code: String,
    pub(super) stage: Option<u8>,
    pub(super) part: Part,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Part {
    Value,
    Numerator,
    Denominator,
    /// Any other word, such as "responses" in "(TP09 responses)".
    Other,
}

static TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\(\s*([A-Z]{2}\d{2})(?:[\s_]+(\d))?(?:[\s_]+([A-Z]+))?\s*\)").expect("valid regex")
});

impl Header {
    fn parse(text: &str) -> Header {
        let words = format!(" {} ", words(text));
        let stock =
            Stock::ALL.into_iter().find(|s| words.starts_with(&format!(" {} ", s.label().to_lowercase())));
        // The last bracketed code is the header's own: "(TP01) for each
        // survey method" ends in prose, not in another code.
        let tag = TAG.captures_iter(text).last().map(|c| Tag {
            code: c[1].to_uppercase(),
            stage: c.get(2).and_then(|s| s.as_str().parse().ok()),
            part: match c.get(3).map(|p| p.as_str().to_lowercase()).as_deref() {
                None => Part::Value,
                Some("numerator") => Part::Numerator,
                Some("denominator") => Part::Denominator,
                Some(_) => Part::Other,
            },
        });
        Header { text: text.trim().to_string(), words, stock, tag }
    }

    pub(super) fn tagged(&self, code: &str, stage: Option<u8>, part: Part) -> bool {
        self.tag.as_ref().is_some_and(|t| t.code == code && t.stage == stage && t.part == part)
    }

    pub(super) fn has(&self, phrase: &str) -> bool {
        self.words.contains(&format!(" {phrase} "))
    }

    pub(super) fn starts(&self, phrase: &str) -> bool {
        self.words.starts_with(&format!(" {phrase} "))
    }
}

/// Lower-case letters and digits, everything else one space.
pub(super) fn words(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// One sheet from its header row down.
pub(super) struct Table {
    pub(super) sheet: String,
    pub(super) kind: SheetKind,
    pub(super) range: Range<Data>,
    /// Index within `range` of the header row.
    pub(super) header_index: usize,
    pub(super) headers: Vec<Header>,
    pub(super) name_column: usize,
    pub(super) code_column: usize,
}

/// A landlord's row.
pub(super) struct DataRow<'a> {
    pub(super) name: String,
    pub(super) code: String,
    pub(super) cells: &'a [Data],
}

impl DataRow<'_> {
    pub(super) fn cell(&self, column: usize) -> Option<&Data> {
        self.cells.get(column)
    }
}

impl Table {
    /// The sheet of this kind, or `None` when it is absent and not required.
    fn load(path: &Path, book: &mut Workbook, kind: SheetKind, required: bool) -> Result<Option<Table>> {
        let names = book.sheet_names();
        let Some(sheet) = find_sheet(path, &names, kind)? else {
            if !required {
                return Ok(None);
            }
            return Err(Error::input(
                path,
                format!(
                    "has no sheet named like {}; its sheets are: {}",
                    sheet_pattern(kind),
                    quoted(names.iter())
                ),
            ));
        };
        let range = book
            .worksheet_range(&sheet)
            .map_err(|e| Error::input(path, format!("cannot read sheet \"{sheet}\": {e}")))?;
        Table::new(path, sheet, kind, range).map(Some)
    }

    fn new(path: &Path, sheet: String, kind: SheetKind, range: Range<Data>) -> Result<Table> {
        let Some((header_index, name_column, code_column)) = find_header_row(&range) else {
            return Err(Error::input(
                path,
                format!("sheet \"{sheet}\" has no header row starting \"Landlord name\", \"Landlord code\""),
            ));
        };
        let header_cells = range.rows().nth(header_index).unwrap_or_default();
        let headers =
            header_cells.iter().map(|c| Header::parse(&text(Some(c)).unwrap_or_default())).collect();
        Ok(Table { sheet, kind, range, header_index, headers, name_column, code_column })
    }

    /// The sheet's own row number (1-based) of an index into `range`.
    fn sheet_row(&self, index: usize) -> u32 {
        self.range.start().map_or(0, |(row, _)| row) + index as u32 + 1
    }

    pub(super) fn header_row(&self) -> u32 {
        self.sheet_row(self.header_index)
    }

    /// The one column `matches` picks; an error naming the sheet when there
    /// is none or more than one.
    pub(super) fn column(&self, path: &Path, what: &str, matches: impl Fn(&Header) -> bool) -> Result<usize> {
        self.optional_column(path, what, matches)?.ok_or_else(|| {
            Error::input(
                path,
                format!(
                    "sheet \"{}\" has no column for {what} in its header row (row {})",
                    self.sheet,
                    self.header_row()
                ),
            )
        })
    }

    /// As [`Table::column`], but absent is `None`; ambiguous is still an
    /// error, since picking one of two would be a guess.
    pub(super) fn optional_column(
        &self,
        path: &Path,
        what: &str,
        matches: impl Fn(&Header) -> bool,
    ) -> Result<Option<usize>> {
        let found: Vec<usize> = (0..self.headers.len()).filter(|&i| matches(&self.headers[i])).collect();
        match found.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(*one)),
            many => Err(Error::input(
                path,
                format!(
                    "sheet \"{}\" has {} columns that could be {what}: {}",
                    self.sheet,
                    many.len(),
                    quoted(many.iter().map(|&i| &self.headers[i].text))
                ),
            )),
        }
    }

    /// The landlord rows: below the header, down to the "Notes:" block the
    /// 2023-24 sheets end with. Blank rows are passed over; a row with a name
    /// but no code, or a code seen before in the sheet, is left out with a
    /// note.
    pub(super) fn data_rows(&self, notes: &mut Vec<String>) -> Vec<DataRow<'_>> {
        let mut rows = Vec::new();
        let mut seen = HashSet::new();
        for (index, cells) in self.range.rows().enumerate().skip(self.header_index + 1) {
            let sheet_row = self.sheet_row(index);
            let name = text(cells.get(self.name_column));
            let Some(code) = landlord_code(cells.get(self.code_column)) else {
                match name {
                    Some(name) if squash(&name).starts_with("notes") => break,
                    Some(name) => notes.push(format!(
                        "sheet \"{}\" row {sheet_row}: \"{name}\" has no landlord code and is left out",
                        self.sheet
                    )),
                    None => {}
                }
                continue;
            };
            if !seen.insert(code.clone()) {
                notes.push(format!(
                    "sheet \"{}\" row {sheet_row}: landlord {code} appears a second time; the first row is kept",
                    self.sheet
                ));
                continue;
            }
            rows.push(DataRow { name: name.unwrap_or_else(|| code.clone()), code, cells });
        }
        rows
    }

    /// The cell in landlord `code`'s row under the first header containing
    /// `header_phrase` (lower-case words), for tests on real cells.
    #[cfg(test)]
    pub(super) fn cell(&self, code: &str, header_phrase: &str) -> Option<&Data> {
        let column = self.headers.iter().position(|h| h.has(header_phrase))?;
        let index = self
            .range
            .rows()
            .position(|cells| landlord_code(cells.get(self.code_column)).as_deref() == Some(code))?;
        self.range.rows().nth(index)?.get(column)
    }
}

#[cfg(test)]
pub(super) fn open_table(path: &Path, kind: SheetKind) -> Result<Table> {
    let (mut book, _) = open(path)?;
    Table::load(path, &mut book, kind, true)?.ok_or_else(|| Error::input(path, "no such sheet"))
}

/// (row index, name column, code column) of the first row whose first two
/// non-empty cells are "Landlord name" and "Landlord code".
fn find_header_row(range: &Range<Data>) -> Option<(usize, usize, usize)> {
    range.rows().enumerate().find_map(|(index, cells)| {
        let mut filled = cells.iter().enumerate().filter(|(_, c)| !matches!(c, Data::Empty));
        let (name_column, name) = filled.next()?;
        let (code_column, code) = filled.next()?;
        let is = |cell: &Data, want: &str| text(Some(cell)).is_some_and(|t| squash(&t) == want);
        (is(name, "landlordname") && is(code, "landlordcode")).then_some((index, name_column, code_column))
    })
}

/// A cell as trimmed text; whole numbers without ".0".
pub(super) fn text(cell: Option<&Data>) -> Option<String> {
    let text = match cell? {
        Data::String(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Empty => String::new(),
        other => other.to_string().trim().to_string(),
    };
    (!text.is_empty()).then_some(text)
}

/// A landlord code as text: 2024-25 stores codes such as 4668 as numbers.
fn landlord_code(cell: Option<&Data>) -> Option<String> {
    text(cell).map(|t| t.to_uppercase())
}

/// A cell as a number, or why it is not one. Markers are never 0.
pub(super) fn reading(cell: Option<&Data>) -> std::result::Result<f64, Missing> {
    match cell {
        None | Some(Data::Empty) => Err(Missing::EmptyCell),
        Some(Data::Int(i)) => Ok(*i as f64),
        Some(Data::Float(f)) if f.is_finite() => Ok(*f),
        Some(Data::String(s)) => reading_text(s),
        Some(_) => Err(Missing::NotNumeric),
    }
}

fn reading_text(text: &str) -> std::result::Result<f64, Missing> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Missing::EmptyCell);
    }
    if let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        return Err(marker(inner.trim()));
    }
    text.replace(',', "").parse::<f64>().ok().filter(|f| f.is_finite()).ok_or(Missing::NotNumeric)
}

fn marker(letter: &str) -> Missing {
    let mut chars = letter.chars();
    match (chars.next().map(|c| c.to_ascii_uppercase()), chars.next()) {
        (Some('X'), None) => Missing::NotGiven,
        (Some('Z'), None) => Missing::NotRequired,
        (Some('E'), None) => Missing::Excluded,
        (Some('U'), None) => Missing::ZeroDenominator,
        (Some('S'), None) => Missing::Suppressed,
        (Some(c), None) if c.is_ascii_alphabetic() => Missing::OtherMarker(c),
        _ => Missing::NotNumeric,
    }
}

static SHEET_YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\s*TSM\s*(\d{2})[\s_]").expect("valid regex"));
static REPORTING_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)1\s+April\s+(\d{4})\s+to\s+31\s+March\s+(\d{4})").expect("valid regex")
});

/// The year the release covers. Sheets are named for the year the return is
/// made in ("TSM24_…" holds 1 April 2023 to 31 March 2024), and the
/// introduction sheet states the reporting year; either will do, and when
/// both are there they must agree.
fn release_year(path: &Path, book: &mut Workbook, sheets: &[String]) -> Result<FinancialYear> {
    let from_names = year_from_sheet_names(path, sheets)?;
    let from_introduction = year_from_introduction(book);
    match (from_names, from_introduction) {
        (Some(a), Some(b)) if a != b => Err(Error::input(
            path,
            format!("its sheet names say {a} but its introduction says the reporting year is {b}"),
        )),
        (Some(year), _) | (None, Some(year)) => Ok(year),
        (None, None) => Err(Error::input(
            path,
            "cannot tell which year it covers: expected sheets named like \"TSM25_Management_Info\" or an \
             introduction giving the reporting year \"1 April 2024 to 31 March 2025\"",
        )),
    }
}

fn year_from_sheet_names(path: &Path, sheets: &[String]) -> Result<Option<FinancialYear>> {
    let years: HashSet<i32> = sheets
        .iter()
        .filter_map(|s| SHEET_YEAR.captures(s))
        .filter_map(|c| c[1].parse::<i32>().ok())
        .map(|yy| 2000 + yy - 1)
        .collect();
    match years.len() {
        0 => Ok(None),
        1 => Ok(years.into_iter().next().map(FinancialYear)),
        _ => Err(Error::input(
            path,
            format!("its sheets are named for different years: {}", quoted(sheets.iter())),
        )),
    }
}

fn year_from_introduction(book: &mut Workbook) -> Option<FinancialYear> {
    let sheet = book.sheet_names().into_iter().find(|n| squash(n).contains("introduction"))?;
    let range = book.worksheet_range(&sheet).ok()?;
    range.cells().find_map(|(_, _, cell)| {
        let Data::String(s) = cell else { return None };
        let c = REPORTING_YEAR.captures(s)?;
        let (start, end): (i32, i32) = (c[1].parse().ok()?, c[2].parse().ok()?);
        (end == start + 1).then_some(FinancialYear(start))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sector::{LandlordType, Measure, Rounding, SizeBand};
    use rust_xlsxwriter::Workbook as XlsxWriter;

    #[test]
    fn markers_are_missing_never_zero() {
        let s = |t: &str| reading(Some(&Data::String(t.into())));
        assert_eq!(s("[X]"), Err(Missing::NotGiven));
        assert_eq!(s("[Z]"), Err(Missing::NotRequired));
        assert_eq!(s("[E]"), Err(Missing::Excluded));
        assert_eq!(s("[U]"), Err(Missing::ZeroDenominator));
        assert_eq!(s("[S]"), Err(Missing::Suppressed));
        assert_eq!(s(" [x] "), Err(Missing::NotGiven));
        assert_eq!(s("[c]"), Err(Missing::OtherMarker('C')));
        assert_eq!(s("[note 3]"), Err(Missing::NotNumeric));
        assert_eq!(s("Yes"), Err(Missing::NotNumeric));
        assert_eq!(s(""), Err(Missing::EmptyCell));
        assert_eq!(s("1,234.5"), Ok(1234.5));
        assert_eq!(reading(Some(&Data::Empty)), Err(Missing::EmptyCell));
        assert_eq!(reading(None), Err(Missing::EmptyCell));
        assert_eq!(reading(Some(&Data::Int(0))), Ok(0.0));
        assert_eq!(reading(Some(&Data::Float(72.6))), Ok(72.6));
    }

    #[test]
    fn headers_tolerate_footnotes_case_and_spacing() {
        let h = Header::parse(
            "LCRA - Proportion of stage one complaints responded to within the Housing Ombudsman’s \
             Complaint Handling Code timescales (CH02 1)5",
        );
        assert_eq!(h.stock, Some(Stock::Lcra));
        assert!(h.tagged("CH02", Some(1), Part::Value));
        let h = Header::parse("combined – number of dwelling units owned ( ch01_2  denominator )");
        assert_eq!(h.stock, Some(Stock::Combined));
        assert!(h.tagged("CH01", Some(2), Part::Denominator));
        let h = Header::parse(
            "Proportion of tenants who state they have complained in the last 12 months (TP09 responses)",
        );
        assert!(!h.tagged("TP09", None, Part::Value));
        let h = Header::parse(
            "Proportion of respondents who report that they are satisfied with the overall service from their \
             landlord (TP01) for each survey method - Telephone",
        );
        assert!(h.tagged("TP01", None, Part::Value));
    }

    #[test]
    fn answer_phrases_match_whole_words_only() {
        let very =
            Header::parse("Number of respondents who report that they are very dissatisfied with … (TP09)");
        assert!(very.has("very dissatisfied"));
        assert!(!very.has("very satisfied"));
    }

    #[test]
    fn codes_stored_as_numbers_read_as_text() {
        assert_eq!(landlord_code(Some(&Data::Float(4668.0))).as_deref(), Some("4668"));
        assert_eq!(landlord_code(Some(&Data::Int(5115))).as_deref(), Some("5115"));
        assert_eq!(landlord_code(Some(&Data::String(" lh4095 ".into()))).as_deref(), Some("LH4095"));
    }

    #[test]
    fn reads_a_release_found_by_names_not_positions() {
        let dir = tempfile::tempdir().unwrap();
        let release = Release::read(small_release(dir.path(), &MI_HEADERS, false)).unwrap();
        assert_eq!(release.year, FinancialYear(2024));
        let mi = release.sheet(SheetKind::ManagementInfo).unwrap();
        assert_eq!((mi.header_row, mi.landlords), (10, 2));
        assert_eq!(release.sheet(SheetKind::Perception(Stock::Lcra)).unwrap().header_row, 11);
        assert_eq!(release.landlords.len(), 3, "Gamma is only in the perception sheet");

        let alpha = release.landlord("l0001").unwrap();
        assert_eq!(alpha.name, "Alpha Homes");
        let ch01 = alpha.figure(Measure::Ch01Stage1, Stock::Lcra).unwrap();
        assert_eq!((ch01.value, ch01.numerator, ch01.denominator), (Some(70.2), Some(1500.0), Some(21368.0)));
        assert_eq!(
            alpha.figure(Measure::Ch01Stage2, Stock::Lcra).unwrap().missing.value,
            Some(Missing::ZeroDenominator)
        );
        let tp09 = alpha.figure(Measure::Tp09, Stock::Lcra).unwrap();
        assert_eq!(tp09.value, Some(41.3));
        assert_eq!(tp09.numerator, None, "two of the five answers are not in this sheet");

        let beta = release.landlord("4668").unwrap();
        assert_eq!(beta.landlord_type, Some(LandlordType::LocalAuthority));
        assert_eq!(beta.size_band, Some(SizeBand::Under5000));
        assert_eq!(beta.value(Measure::Ch01Stage1, Stock::Lcra), Some(0.0), "0 of 2500 homes is a real 0");
        assert_eq!(
            beta.figure(Measure::Ch02Stage1, Stock::Lcra).unwrap().missing.value,
            Some(Missing::Excluded)
        );
        assert_eq!(
            beta.figure(Measure::Ch01Stage1, Stock::Lcho).unwrap().missing.value,
            Some(Missing::NotGiven)
        );

        let gamma = release.landlord("L0003").unwrap();
        assert_eq!(gamma.figure(Measure::Tp09, Stock::Lcra).unwrap().missing.value, Some(Missing::Excluded));
        assert_eq!(gamma.size_band, Some(SizeBand::Over40000));

        assert!(
            release.notes.iter().any(|n| n.contains("L0001 appears a second time")),
            "{:?}",
            release.notes
        );
        assert!(
            release.notes.iter().any(|n| n.contains("no *_Combined_Perception sheet")),
            "{:?}",
            release.notes
        );
        assert_eq!(release.rounding(Measure::Ch01Stage1, Stock::Lcra), Rounding::HalfUp { decimals: 1 });
    }

    #[test]
    fn a_missing_file_names_the_file() {
        let err = Release::read("/nonexistent/TSM_2030-31.xlsx").unwrap_err();
        assert_eq!(err.exit_code(), crate::error::exit::INPUT);
        let message = err.to_string();
        assert!(
            message.contains("/nonexistent/TSM_2030-31.xlsx") && message.contains("not found"),
            "{message}"
        );
    }

    #[test]
    fn a_file_that_is_not_a_workbook_is_an_input_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tsm.xlsx");
        std::fs::write(&path, "Landlord name,Landlord code\n").unwrap();
        let message = Release::read(&path).unwrap_err().to_string();
        assert!(
            message.contains("tsm.xlsx") && message.contains("cannot be read as a workbook"),
            "{message}"
        );
    }

    #[test]
    fn a_missing_sheet_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let err = Release::read(small_release(dir.path(), &MI_HEADERS, true)).unwrap_err();
        assert_eq!(err.exit_code(), crate::error::exit::INPUT);
        let message = err.to_string();
        assert!(
            message.contains("release.xlsx") && message.contains("no sheet named like *_LCHO_Perception"),
            "{message}"
        );
    }

    #[test]
    fn a_missing_column_is_named_with_its_sheet() {
        let dir = tempfile::tempdir().unwrap();
        let mut headers = MI_HEADERS;
        headers[9] = "LCRA - Proportion of stage one complaints on time";
        let message = Release::read(small_release(dir.path(), &headers, false)).unwrap_err().to_string();
        assert!(message.contains("release.xlsx"), "{message}");
        assert!(
            message.contains("\"TSM25_Management_Info\" has no column for LCRA CH02 stage 1"),
            "{message}"
        );
    }

    #[test]
    fn an_ambiguous_column_is_an_error_not_a_guess() {
        let dir = tempfile::tempdir().unwrap();
        let mut headers = MI_HEADERS;
        headers[10] = "LCRA - a second stage one on-time column (CH02 1)";
        let message = Release::read(small_release(dir.path(), &headers, false)).unwrap_err().to_string();
        assert!(message.contains("2 columns that could be LCRA CH02 stage 1"), "{message}");
    }

    #[test]
    fn year_from_sheet_names_or_introduction() {
        let p = Path::new("x.xlsx");
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            year_from_sheet_names(p, &names(&["TSM24_Management_Info"])).unwrap(),
            Some(FinancialYear(2023))
        );
        assert_eq!(year_from_sheet_names(p, &names(&["Management_Info"])).unwrap(), None);
        assert!(
            year_from_sheet_names(p, &names(&["TSM24_LCRA_Perception", "TSM25_Management_Info"])).is_err()
        );
    }

    const MI_HEADERS: [&str; 15] = [
        "Landlord name",
        "Landlord code",
        "Landlord type",
        "Landlord group size (homes owned, LCRA and LCHO combined)",
        "Landlord predominant region",
        "LCRA - Number of stage one complaints … per 1,000 homes (CH01 1)",
        "LCRA - Number of stage one complaints … (CH01 1 Numerator)",
        "LCRA - Number of dwelling units owned … (CH01 1 Denominator)",
        "LCRA - Number of stage two complaints … per 1,000 homes (CH01 2)",
        "LCRA - Proportion of stage one complaints … (CH02 1)5",
        "LCRA - Proportion of stage two complaints … (CH02 2)",
        "LCHO - Number of stage one complaints … (CH01 1)",
        "LCHO - Number of stage two complaints … (CH01 2)",
        "LCHO - Proportion of stage one complaints … (CH02 1)",
        "LCHO - Proportion of stage two complaints … (CH02 2)",
    ];

    const PERCEPTION_HEADERS: [&str; 10] = [
        "Landlord name",
        "Landlord code",
        "Landlord type",
        "Landlord group size (homes owned, LCRA and LCHO combined)",
        "Landlord predominant region",
        "Proportion of respondents who report that they are satisfied with their landlord’s approach to complaints handling (TP09)7",
        "Proportion of respondents who state that they have complained in the last 12 months (TP09 responses)7",
        "Number of respondents who report that they are very satisfied with their landlord’s approach to complaints handling (TP09)",
        "Number of respondents who report that they are fairly satisfied with their landlord’s approach to complaints handling (TP09)",
        "Number of respondents who report that they are neither satisfied nor dissatisfied with their landlord’s approach to complaints handling (TP09)",
    ];

    fn write_sheet(book: &mut XlsxWriter, name: &str, first_row: u32, headers: &[&str], rows: &[Vec<&str>]) {
        let sheet = book.add_worksheet().set_name(name).unwrap();
        sheet.write_string(0, 0, name).unwrap();
        if first_row > 2 {
            sheet.write_string(2, 0, "Notes:").unwrap();
        }
        for (c, h) in headers.iter().enumerate() {
            sheet.write_string(first_row, c as u16, *h).unwrap();
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate().filter(|(_, v)| !v.is_empty()) {
                let (r, c) = (first_row + 1 + r as u32, c as u16);
                match v.parse::<f64>() {
                    Ok(n) => sheet.write_number(r, c, n).unwrap(),
                    Err(_) => sheet.write_string(r, c, *v).unwrap(),
                };
            }
        }
    }

    /// A small release in the 2024-25 shape: notes above the headers,
    /// footnote digits, numeric codes, "LA", markers.
    fn small_release(dir: &Path, mi_headers: &[&str], skip_lcho: bool) -> std::path::PathBuf {
        let mut book = XlsxWriter::new();
        let mi = vec![
            vec![
                "Alpha Homes",
                "L0001",
                "PRP",
                "5,000-40,000",
                "South",
                "70.2",
                "1500",
                "21368",
                "[U]",
                "79.4",
                "75",
                "[U]",
                "[U]",
                "[U]",
                "[U]",
            ],
            vec![""; 15],
            vec![
                "Beta Council",
                "4668",
                "LA",
                "<5,000",
                "North",
                "0",
                "0",
                "2500",
                "2",
                "[E]",
                "100",
                "[X]",
                "[X]",
                "[X]",
                "[X]",
            ],
            vec![
                "Alpha Homes again",
                "L0001",
                "PRP",
                "5,000-40,000",
                "South",
                "1",
                "1",
                "1",
                "1",
                "1",
                "1",
                "1",
                "1",
                "1",
                "1",
            ],
            vec!["Notes:"],
            vec!["1. Something", "", "", "", "", "1"],
        ];
        write_sheet(&mut book, "TSM25_Management_Info", 9, mi_headers, &mi);
        let lcra = vec![
            vec!["Alpha Homes", "L0001", "PRP", "5,000-40,000", "South", "41.3", "30", "133", "166", "82"],
            vec!["Gamma HA", "L0003", "PRP", ">40,000", "London", "[E]", "[E]", "[E]", "[E]", "[E]"],
        ];
        write_sheet(&mut book, "TSM25_LCRA_Perception", 10, &PERCEPTION_HEADERS, &lcra);
        if !skip_lcho {
            write_sheet(&mut book, "TSM25_LCHO_Perception", 9, &PERCEPTION_HEADERS, &[]);
        }
        book.add_worksheet().set_name("TSM25_Man_Info_Not_Inc").unwrap();
        let path = dir.join("release.xlsx");
        book.save(&path).unwrap();
        path
    }
}
