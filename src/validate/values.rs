//! Reading one value from its text (tidied as it was loaded, `ingest::tidy`):
//! a date, a stage, a coded spelling, an amount.
//!
//! These run once per cell over millions of rows, so each is a plain Rust
//! function over a column (one pass, no regular expression, a cache for the
//! few distinct spellings of a coded column) wrapped as a polars expression.
//! The rules are the ones the README documents; the tests below pin them.

use chrono::NaiveDate;
use polars::prelude::*;
use polars_arrow::bitmap::MutableBitmap;

use crate::config::DateFormat;
use std::sync::Arc;

use crate::schema::SpellingTable;

/// A day written `dd/mm/yyyy` (or with `-` or `.` between the parts) or
/// `yyyy-mm-dd`, as `format` allows. A time after the day ("14:32",
/// "T09:00:00") is ignored: only the day matters. The year must have four
/// digits, so "06/01/25" is refused rather than read as the year 25, and an
/// impossible day such as 31/02/2025 is refused.
pub fn day(text: &str, format: DateFormat) -> Option<NaiveDate> {
    let text = text.split(['T', ' ']).next().unwrap_or("");
    let iso = || {
        let [y, m, d] = parts(text, |c| c == '-')?;
        (y.len() == 4 && m.len() <= 2 && d.len() <= 2).then_some((y, m, d))
    };
    let uk = || {
        let [d, m, y] = parts(text, |c| matches!(c, '/' | '-' | '.'))?;
        (y.len() == 4 && m.len() <= 2 && d.len() <= 2).then_some((y, m, d))
    };
    let (y, m, d) = match format {
        DateFormat::Iso => iso()?,
        DateFormat::Uk => uk()?,
        DateFormat::Auto => iso().or_else(uk)?,
    };
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// Exactly three non-empty runs of ASCII digits between separators.
fn parts(text: &str, separator: impl Fn(char) -> bool) -> Option<[&str; 3]> {
    let mut pieces = text.split(separator);
    let out = [pieces.next()?, pieces.next()?, pieces.next()?];
    let digits = |p: &&str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    (pieces.next().is_none() && out.iter().all(digits)).then_some(out)
}

/// Each cell of a text column read by `read`, each distinct cell once:
/// exports repeat a few thousand dates, a few dozen amounts and a handful
/// of spellings over millions of rows. The cells are numbered by
/// [`crate::memory::codes`], which knows most rows by their 16-byte view
/// without reading their text, and each row's value is then looked up by
/// its number.
fn each_distinct<N: PolarsNumericType>(
    values: &StringChunked,
    read: impl Fn(&str) -> Option<N::Native>,
) -> ChunkedArray<N> {
    let (at, dictionary) = crate::memory::codes(values);
    let read: Vec<Option<N::Native>> = dictionary.values().map(&read).collect();
    // `codes` gives one chunk.
    let codes = at.downcast_as_array();
    // A null cell has code 0, which an all-null column's values lack.
    let value = |code: IdxSize| read.get(code as usize).copied().flatten();
    let parsed: Vec<N::Native> = codes.values().iter().map(|&c| value(c).unwrap_or_default()).collect();
    // When every distinct value reads, the cells' own nulls are the
    // column's; otherwise each row is looked at, as a null's code 0 may be
    // a value that reads.
    let validity = if read.iter().all(Option::is_some) {
        codes.validity().cloned()
    } else {
        Some(codes.iter().map(|c| c.is_some_and(|&c| value(c).is_some())).collect::<MutableBitmap>().into())
    };
    ChunkedArray::from_vec_validity(values.name().clone(), parsed, validity)
}

/// A column of days, as [`day`] reads each cell.
pub fn days(values: &StringChunked, format: DateFormat) -> DateChunked {
    each_distinct::<Int32Type>(values, |v| day(v, format).map(crate::period::epoch_days)).into_date()
}

/// A column of coded values mapped to canonical spellings; an unknown
/// spelling becomes null.
///
/// Each row's spelling is found as its place among the table's values, and
/// the values gathered by place: each stored once, as interning stores them.
pub fn canonical_values(values: &StringChunked, table: &SpellingTable) -> StringChunked {
    let canonical = table.values();
    let place = |v: &str| {
        let value = table.canonical(v)?;
        canonical.iter().position(|c| *c == value).map(|at| at as IdxSize)
    };
    let at = each_distinct::<IdxType>(values, place);
    crate::memory::Dictionary::of(values.name().clone(), &canonical).decode(&at)
}

/// The first run of ASCII digits in a cell, as a number ("Stage 2" is 2).
pub fn first_number(text: &str) -> Option<i32> {
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let digits = &text[start..];
    let end = digits.find(|c: char| !c.is_ascii_digit()).unwrap_or(digits.len());
    digits[..end].parse().ok()
}

/// A column of [`first_number`]s.
pub fn first_numbers(values: &StringChunked) -> Int32Chunked {
    each_distinct::<Int32Type>(values, first_number)
}

/// The expression form of a column function: `f` maps a text column to a
/// column of `dtype`.
fn over_text<F>(e: Expr, dtype: DataType, f: F) -> Expr
where
    F: Fn(&StringChunked) -> Column + Send + Sync + 'static,
{
    e.map(move |c| Ok(f(c.str()?)), move |_, field| Ok(Field::new(field.name().clone(), dtype.clone())))
}

/// [`days`] as an expression.
pub fn days_expr(e: Expr, format: DateFormat) -> Expr {
    over_text(e, DataType::Date, move |c| days(c, format).into_column())
}

/// [`canonical_values`] as an expression.
pub fn canonical_expr(e: Expr, table: impl Into<Arc<SpellingTable>>) -> Expr {
    let table = table.into();
    over_text(e, DataType::String, move |c| canonical_values(c, &table).into_column())
}

/// [`first_numbers`] as an expression.
pub fn first_number_expr(e: Expr) -> Expr {
    over_text(e, DataType::Int32, |c| first_numbers(c).into_column())
}

/// The column that keeps a cell's text (tidied as loaded) beside its parsed
/// value, for the data-quality report to quote.
pub fn raw(column: &str) -> String {
    format!("raw_{column}")
}

/// How dates must be written, for messages.
pub fn date_hint(format: DateFormat) -> &'static str {
    match format {
        DateFormat::Auto => "dd/mm/yyyy or yyyy-mm-dd",
        DateFormat::Uk => "dd/mm/yyyy",
        DateFormat::Iso => "yyyy-mm-dd",
    }
}

/// Pounds as exports write them: "£1,250.00", "1250", "75", "-£50.00",
/// with any whitespace and "GBP" (or "gbp") ignored. Anything else
/// ("1.250,00", "1e3", "NaN") is not an amount: None.
pub fn money(text: &str) -> Option<f64> {
    let mut stripped = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("GBP") || rest.starts_with("gbp") {
            rest = &rest[3..];
            continue;
        }
        if !c.is_whitespace() {
            stripped.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    if !well_formed_amount(&stripped) {
        return None;
    }
    stripped.retain(|c| c != '£' && c != ',');
    stripped.parse().ok()
}

/// `-?£?(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?`, whole, in ASCII digits.
fn well_formed_amount(text: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let text = text.strip_prefix('-').unwrap_or(text);
    let text = text.strip_prefix('£').unwrap_or(text);
    let (pounds, pence) = match text.split_once('.') {
        Some((pounds, pence)) => (pounds, Some(pence)),
        None => (text, None),
    };
    if pence.is_some_and(|p| p.len() > 2 || !digits(p)) {
        return false;
    }
    let mut groups = pounds.split(',');
    let first = groups.next().unwrap_or("");
    let thousands: Vec<&str> = groups.collect();
    if thousands.is_empty() {
        return digits(first);
    }
    digits(first) && first.len() <= 3 && thousands.iter().all(|g| g.len() == 3 && digits(g))
}

/// A column of [`money`].
pub fn amounts(values: &StringChunked) -> Float64Chunked {
    each_distinct::<Float64Type>(values, money)
}

/// [`amounts`] as an expression.
pub fn money_expr(text: Expr) -> Expr {
    over_text(text, DataType::Float64, |c| amounts(c).into_column())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn uk_and_iso_days_are_read_as_the_format_allows() {
        assert_eq!(day("05/01/2025", DateFormat::Auto), ymd(2025, 1, 5));
        assert_eq!(day("5/1/2025", DateFormat::Uk), ymd(2025, 1, 5));
        assert_eq!(day("05-01-2025", DateFormat::Uk), ymd(2025, 1, 5));
        assert_eq!(day("05.01.2025", DateFormat::Uk), ymd(2025, 1, 5));
        assert_eq!(day("2025-01-05", DateFormat::Auto), ymd(2025, 1, 5));
        assert_eq!(day("2025-1-5", DateFormat::Iso), ymd(2025, 1, 5));
        assert_eq!(day("2025-01-05", DateFormat::Uk), None);
        assert_eq!(day("05/01/2025", DateFormat::Iso), None);
    }

    #[test]
    fn a_time_after_the_day_is_ignored() {
        assert_eq!(day("05/01/2025 14:32", DateFormat::Auto), ymd(2025, 1, 5));
        assert_eq!(day("2025-01-05T09:00:00", DateFormat::Auto), ymd(2025, 1, 5));
    }

    #[test]
    fn two_digit_years_impossible_days_and_words_are_refused() {
        for bad in ["06/01/25", "31/02/2025", "2025-13-01", "5th Jan 2025", "", "05/01/2025/1", "0x/01/2025"]
        {
            assert_eq!(day(bad, DateFormat::Auto), None, "{bad}");
        }
        assert_eq!(day("29/02/2024", DateFormat::Auto), ymd(2024, 2, 29));
    }

    /// Each cell is read as reading it alone would, whatever the chunks,
    /// nulls, repeats, cells that do not read, and long values (whose text
    /// is apart from their view, stored once or not).
    #[test]
    fn each_distinct_reads_every_cell_as_reading_it_alone_would() {
        let long = "a value too long to be held in its view: 7";
        let cells =
            [Some("12"), None, Some(long), Some("x"), Some("12"), Some(long), None, Some("3"), Some(long)];
        let read = |v: &str| v.chars().last()?.to_digit(10).map(|d| d as i32);
        let alone =
            |cells: &[Option<&str>]| -> Vec<Option<i32>> { cells.iter().map(|c| c.and_then(read)).collect() };
        let read_each = |column: &StringChunked| -> Vec<Option<i32>> {
            each_distinct::<Int32Type>(column, read).iter().collect()
        };
        let mut chunked = StringChunked::new("c".into(), &cells[..4]);
        chunked.append(&StringChunked::new("c".into(), &cells[4..])).unwrap();
        assert!(chunked.chunks().len() > 1);
        let once = crate::memory::stored_once("c".into(), cells.iter().copied());
        for column in [chunked, once] {
            assert_eq!(read_each(&column), alone(&cells));
        }
        // Every cell reads: the nulls are the cells'.
        let readable = [Some("1"), None, Some("2"), Some("1")];
        assert_eq!(read_each(&StringChunked::new("c".into(), &readable)), alone(&readable));
        // No cell at all, or none with a value.
        assert_eq!(read_each(&StringChunked::new("c".into(), [None::<&str>, None])), [None, None]);
        assert!(read_each(&StringChunked::new("c".into(), Vec::<&str>::new())).is_empty());
    }

    #[test]
    fn a_column_of_days_keeps_nulls_and_epoch_days() {
        let ca = StringChunked::new("d".into(), [Some("01/01/1970"), None, Some("x"), Some("2024-02-29")]);
        let got: Vec<Option<NaiveDate>> = days(&ca, DateFormat::Auto).as_date_iter().collect();
        assert_eq!(got, vec![ymd(1970, 1, 1), None, None, ymd(2024, 2, 29)]);
    }

    #[test]
    fn spellings_compare_without_case_spacing_or_punctuation() {
        const PARTIAL: crate::schema::Spellings =
            &[("partially_upheld", &["partiallyupheld", "partlyupheld"])];
        let table = SpellingTable::from(PARTIAL);
        for s in ["Partially Upheld", "partly_upheld", "PARTLY-UPHELD", " partially upheld "] {
            assert_eq!(table.canonical(s), Some("partially_upheld"), "{s}");
        }
        assert_eq!(table.canonical("upheld"), None);
        assert_eq!(crate::schema::spelling_key("Café Upheld!"), "cafupheld");
    }

    /// A column's spellings become the canonical values, each stored once
    /// however many rows hold it; an unknown spelling is no value.
    #[test]
    fn a_column_of_spellings_holds_each_canonical_value_once() {
        let table = SpellingTable::from(crate::schema::OUTCOME_SPELLINGS);
        let spellings = ["Partially Upheld", "partly upheld", "Not upheld", "upheld", "maybe"];
        let values: Vec<Option<&str>> = (0..100).map(|i| Some(spellings[i % 5])).chain([None]).collect();
        let column =
            canonical_values(&StringChunked::from_iter_options("o".into(), values.into_iter()), &table);
        let expected: Vec<Option<&str>> = (0..100)
            .map(|i| {
                [Some("partially_upheld"), Some("partially_upheld"), Some("not_upheld"), Some("upheld"), None]
                    [i % 5]
            })
            .chain([None])
            .collect();
        assert_eq!(column.iter().collect::<Vec<_>>(), expected);
        assert_eq!(column.name().as_str(), "o");
        let stored: usize = column.downcast_iter().map(|a| a.total_buffer_len()).sum();
        assert!(stored <= table.values().iter().map(|v| v.len()).sum::<usize>(), "{stored} bytes");
    }

    #[test]
    fn amounts_are_read_as_exports_write_them() {
        for (text, pounds) in [
            ("£1,250.00", Some(1250.0)),
            ("1250", Some(1250.0)),
            ("75", Some(75.0)),
            ("-£50.00", Some(-50.0)),
            (" £ 12.5 GBP", Some(12.5)),
            ("gbp1,000", Some(1000.0)),
            ("12,345,678.9", Some(12_345_678.9)),
            ("1.250,00", None),
            ("1e3", None),
            ("NaN", None),
            ("£-50", None),
            ("1,25", None),
            ("1234,567", None),
            ("12.345", None),
            (".5", None),
            ("", None),
            ("GGBPBP", None),
        ] {
            assert_eq!(money(text), pounds, "{text}");
        }
    }

    /// The amounts as the regular expressions and polars' cast read them,
    /// before [`money`] replaced them: whitespace and "GBP" removed, the
    /// shape checked, "£" and "," removed, the rest cast to a number.
    fn money_by_regex(values: &StringChunked) -> Vec<Option<f64>> {
        let text = col("v");
        let stripped = text.str().replace_all(lit(r"\s|GBP|gbp"), lit(""), false);
        let well_formed =
            stripped.clone().str().contains(lit(r"^-?£?(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$"), true);
        let expr = when(well_formed)
            .then(stripped.str().replace_all(lit(r"[£,]"), lit(""), false))
            .otherwise(lit(NULL).cast(DataType::String))
            .cast(DataType::Float64);
        let frame =
            DataFrame::new_infer_height(vec![values.clone().with_name("v".into()).into_column()]).unwrap();
        let out = frame.lazy().select([expr.alias("m")]).collect().unwrap();
        out.column("m").unwrap().f64().unwrap().iter().collect()
    }

    proptest::proptest! {
        #[test]
        fn amounts_are_read_as_the_regular_expressions_read_them(
            cells in proptest::collection::vec("[-£,. 0-9GBPgbp\u{a0}\u{663}e]{0,9}|-?£?[0-9]{1,3}(,[0-9]{3}){0,3}(\\.[0-9]{1,3})?", 1..40),
        ) {
            let values = StringChunked::new("v".into(), cells.iter().map(|c| Some(c.as_str())).collect::<Vec<_>>());
            let expected = money_by_regex(&values);
            let got: Vec<Option<f64>> = amounts(&values).iter().collect();
            let bits = |v: &[Option<f64>]| v.iter().map(|x| x.map(f64::to_bits)).collect::<Vec<_>>();
            proptest::prop_assert_eq!(bits(&got), bits(&expected), "{:?}", cells);
        }
    }

    #[test]
    fn the_first_number_in_a_cell_is_the_stage() {
        assert_eq!(first_number("Stage 2"), Some(2));
        assert_eq!(first_number("1"), Some(1));
        assert_eq!(first_number("stage two"), None);
        assert_eq!(first_number("99999999999"), None);
    }
}
