//! The exports that refer to cases: post-complaint satisfaction surveys and
//! Housing Ombudsman determinations. Each row is checked, then linked to its
//! complaint so it can be counted by stage, service area and stock type like
//! any case. These exports are small (one row per survey or finding), so
//! their rules are written row by row.

use chrono::NaiveDate;
use polars::prelude::*;

use crate::buckets::Buckets;
use crate::config::InputConfig;
use crate::error::Result;
use crate::period::epoch_day;
use crate::quality::{ExportQuality, IssueList, ERROR, WARNING};
use crate::schema::{
    case, determination, survey, ExportSchema, SpellingTable, COMPLAINT, DETERMINATIONS, FIELDS_EXPECTED,
    FIELDS_FOUND, FILE, FINDING_SPELLINGS, NOT_RECORDED, ROW, SURVEYS,
};
use crate::validate::values::{self, date_hint, raw};

/// The case columns a linked row carries, so it can be broken down like a case.
const CASE_COLUMNS: [&str; 5] =
    [case::STOCK_TYPE, case::SERVICE_AREA, case::CATEGORY, case::CHANNEL, case::LEARNING_THEME];

/// What checking and linking one kind of export gave.
pub struct Linked {
    /// Usable rows with the case columns of their complaint.
    pub rows: DataFrame,
    /// Data-quality rows, in the shape of `Validated::issues`.
    pub issues: DataFrame,
    pub quality: ExportQuality,
}

/// A complaint row of a case: its stage, the date it was answered, and its
/// row in the cases frame.
type StageRow = (i32, Option<NaiveDate>, IdxSize);

/// The complaint rows of the cases an export refers to. Each distinct
/// reference in the export is numbered once; the case rows are then found
/// and grouped by that number, so a lookup is an index, not a hash of text,
/// and the index costs 8 bytes an export row and 16 a complaint row found.
struct CaseIndex {
    /// Each export row's case number, if it has a reference.
    numbers: Vec<Option<u32>>,
    /// Each case's rows in frame order, bucketed by case number.
    rows: Buckets<StageRow>,
}

impl CaseIndex {
    fn new(cases: &DataFrame, refs: &StringChunked) -> Result<CaseIndex> {
        let mut by_ref: PlHashMap<&str, u32> = PlHashMap::new();
        let numbers: Vec<Option<u32>> = refs
            .iter()
            .map(|r| {
                let next = by_ref.len() as u32;
                r.map(|r| *by_ref.entry(r).or_insert(next))
            })
            .collect();
        let (record_type, case_ref) =
            (cases.column(case::RECORD_TYPE)?.str()?, cases.column(case::REF)?.str()?);
        let (stage, responded) = (cases.column(case::STAGE)?.i32()?, cases.column(case::RESPONDED)?.date()?);
        // The complaint rows of a wanted case, with its number: a hash of
        // every complaint row's reference, so half the rows are looked up on
        // a second thread.
        //
        // The complaint rows are found by polars' comparison (of each
        // row's 16-byte view) and visited by their set bits; the other
        // columns are read from their arrays by place. By the columns' own
        // iterators, zipped, and the text compared, the 1M-row sample's
        // survey index took 29-45 ms and its Ombudsman index 7-8; now 23-35
        // and 4.
        let found = |from: usize, len: usize| -> Vec<(u32, StageRow)> {
            let complaint = record_type.slice(from as i64, len).equal(COMPLAINT);
            let (case_ref, stage) = (single(case_ref, from, len), single(stage, from, len));
            let responded = single(responded.physical(), from, len);
            let (refs, stage, responded) =
                (case_ref.downcast_as_array(), stage.downcast_as_array(), responded.downcast_as_array());
            let mut found = Vec::new();
            crate::memory::each_true_row(&complaint, |i| {
                let Some(&n) = refs.get(i).and_then(|r| by_ref.get(r)) else { return };
                let Some(s) = stage.get(i) else { return };
                found.push((n, (s, responded.get(i).and_then(epoch_day), (from + i) as IdxSize)));
            });
            found
        };
        let found = crate::parallel::halves(cases.height(), 2, found);
        let rows = Buckets::of(by_ref.len(), || found.iter().map(|&(n, row)| (n as usize, row)));
        Ok(CaseIndex { numbers, rows })
    }

    /// The number of the case export row `i` refers to, and its complaint
    /// rows; None if the case has no complaint row in the case exports.
    fn case(&self, i: usize) -> Option<(u32, &[StageRow])> {
        let n = self.numbers[i]?;
        let rows = self.rows.get(n as usize);
        (!rows.is_empty()).then_some((n, rows))
    }
}

/// Rows `from..from + len` of `column` as one array. The case rows hold one
/// array per column (as `memory::Gathered` leaves them), so this copies
/// nothing; a frame in several chunks has the slice joined.
fn single<T: PolarsDataType>(column: &ChunkedArray<T>, from: usize, len: usize) -> ChunkedArray<T> {
    column.slice(from as i64, len).rechunk().into_owned()
}

/// The case columns of the given complaint rows (None: not linked). A row
/// not linked has its breakdowns "Not recorded" and no theme.
fn case_columns(cases: &DataFrame, picks: &[Option<IdxSize>]) -> Result<Vec<Column>> {
    let idx: IdxCa = picks.iter().copied().collect();
    let taken = cases
        .select(CASE_COLUMNS)?
        .take(&idx)?
        .lazy()
        .with_columns(
            CASE_COLUMNS
                .iter()
                .filter(|c| **c != case::LEARNING_THEME)
                .map(|c| col(*c).fill_null(lit(NOT_RECORDED)))
                .collect::<Vec<_>>(),
        )
        .collect()?;
    Ok(taken.columns().to_vec())
}

/// The export's columns as trimmed text (`raw_<column>`), its own parsed
/// columns, and `shape`: why the row cannot be read at all (wrong number of
/// fields, or blank), or null. None of such a row's values is read.
fn parse_export(raw_frame: DataFrame, schema: &ExportSchema, parsed: Vec<Expr>) -> Result<DataFrame> {
    let blank = schema.names().fold(lit(true), |acc, c| acc.and(col(raw(c)).is_null()));
    let shape = when(col(FIELDS_FOUND).is_not_null())
        .then(concat_str(
            [
                lit("("),
                col(FIELDS_FOUND).cast(DataType::String),
                lit(" fields where the header has "),
                col(FIELDS_EXPECTED).cast(DataType::String),
                lit(")"),
            ],
            "",
            false,
        ))
        .when(blank)
        .then(lit(""))
        .otherwise(lit(NULL).cast(DataType::String));
    Ok(raw_frame
        .lazy()
        .with_columns(schema.names().map(|c| col(c).alias(raw(c))).collect::<Vec<_>>())
        .with_columns(parsed)
        .with_column(shape.alias("shape"))
        .collect()?)
}

/// A linked export's own date: present, valid, and not after the run date
/// (a later date is a keying error: nothing can have happened yet).
#[allow(clippy::too_many_arguments)]
fn check_date(
    issues: &mut IssueList,
    at: (u32, u32),
    case_ref: &str,
    column: &'static str,
    missing: &'static str,
    raw_day: Option<&str>,
    day: Option<NaiveDate>,
    input: &InputConfig,
    as_of: NaiveDate,
) {
    match (raw_day, day) {
        (None, _) => issues.push(at, case_ref, column, "", ERROR, missing, None),
        (Some(v), None) => issues.push(
            at,
            case_ref,
            column,
            v,
            ERROR,
            "not a valid date",
            Some(format!("in {} form", date_hint(input.date_format))),
        ),
        (Some(v), Some(d)) if d > as_of => issues.push(
            at,
            case_ref,
            column,
            v,
            ERROR,
            "date in the future (after the run date): not counted",
            Some(format!("(the run date is {})", as_of.format("%d/%m/%Y"))),
        ),
        _ => {}
    }
}

/// Report a row that cannot be read; true when there was one.
/// What every linked export reads first: the positions, the reference (and
/// the complaints it names), and each row's shape.
struct Rows<'a> {
    file: &'a UInt32Chunked,
    row: &'a UInt32Chunked,
    refs: &'a StringChunked,
    shape: &'a StringChunked,
}

impl<'a> Rows<'a> {
    fn of(parsed: &'a DataFrame) -> Result<Rows<'a>> {
        Ok(Rows {
            file: parsed.column(FILE)?.u32()?,
            row: parsed.column(ROW)?.u32()?,
            refs: parsed.column(&raw(case::REF))?.str()?,
            shape: parsed.column("shape")?.str()?,
        })
    }

    /// Row `i`'s position and case reference, or None if the row cannot be
    /// read at all (wrong number of fields, or blank); either problem, and a
    /// missing reference, is listed.
    fn read(&self, i: usize, issues: &mut IssueList) -> Option<((u32, u32), &'a str)> {
        let at = (self.file.get(i).unwrap_or(0), self.row.get(i).unwrap_or(0));
        match self.shape.get(i) {
            None => {}
            Some("") => {
                issues.push(at, "", "(row)", "", ERROR, "blank row", None);
                return None;
            }
            Some(fields) => {
                let kind = "wrong number of fields (an unquoted comma or line break?): row not read";
                issues.push(at, "", "(row)", "", ERROR, kind, Some(fields.to_string()));
                return None;
            }
        }
        let case_ref = self.refs.get(i).unwrap_or("");
        if case_ref.is_empty() {
            issues.push(at, "", case::REF, "", ERROR, "missing case reference", None);
        }
        Some((at, case_ref))
    }
}

/// Check the survey rows and link each to the complaint stage it is about.
///
/// A survey names its stage, or else belongs to the highest stage of its
/// case answered on or before the survey date (failing that, the highest
/// stage). Scores are 1 to 5; "5 - Very satisfied" reads as 5.
pub fn surveys(
    raw_frame: DataFrame,
    cases: &DataFrame,
    input: &InputConfig,
    as_of: NaiveDate,
) -> Result<Linked> {
    let parsed = parse_export(
        raw_frame,
        &SURVEYS,
        vec![
            values::days_expr(col(raw(survey::DATE)), input.date_format).alias(survey::DATE),
            col(raw(survey::SCORE))
                .str()
                .extract(lit(r"^([1-5])(?:\D|$)"), 1)
                .cast(DataType::Int32)
                .alias(survey::SCORE),
            col(raw(case::STAGE))
                .str()
                .extract(lit(r"(?i)^(?:stage\s*)?([12])$"), 1)
                .cast(DataType::Int32)
                .alias(case::STAGE),
        ],
    )?;
    let rows = Rows::of(&parsed)?;
    let refs = rows.refs;
    let index = CaseIndex::new(cases, refs)?;
    let date: Vec<Option<NaiveDate>> = parsed.column(survey::DATE)?.date()?.as_date_iter().collect();
    let (score, stage) = (parsed.column(survey::SCORE)?.i32()?, parsed.column(case::STAGE)?.i32()?);
    let (raw_date, raw_score, raw_stage) = (
        parsed.column(&raw(survey::DATE))?.str()?,
        parsed.column(&raw(survey::SCORE))?.str()?,
        parsed.column(&raw(case::STAGE))?.str()?,
    );

    let mut issues = IssueList::default();
    let mut seen: PlHashMap<(u32, i32), u32> = PlHashMap::with_capacity(parsed.height());
    let mut keep: Vec<(usize, i32, IdxSize)> = Vec::new();
    for (i, &day) in date.iter().enumerate() {
        let before = issues.errors();
        let Some((at, case_ref)) = rows.read(i, &mut issues) else { continue };
        let missing = "missing survey date";
        check_date(&mut issues, at, case_ref, survey::DATE, missing, raw_date.get(i), day, input, as_of);
        if score.get(i).is_none() {
            let v = raw_score.get(i).unwrap_or("");
            issues.push(at, case_ref, survey::SCORE, v, ERROR, "not a score from 1 to 5", None);
        }
        if raw_stage.get(i).is_some() && stage.get(i).is_none() {
            issues.push(
                at,
                case_ref,
                case::STAGE,
                raw_stage.get(i).unwrap_or(""),
                ERROR,
                "unknown stage",
                Some("(expected 1 or 2)".into()),
            );
        }
        if issues.errors() > before {
            continue;
        }
        let Some((case, stages)) = index.case(i) else {
            issues.push(
                at,
                case_ref,
                case::REF,
                case_ref,
                ERROR,
                "survey for a case not among the case rows used (not in the case export(s) or its row excluded): not counted",
                None,
            );
            continue;
        };
        let day = day.expect("checked");
        let pick = match stage.get(i) {
            Some(s) => stages.iter().find(|(st, ..)| *st == s).copied(),
            None => stages
                .iter()
                .filter(|(_, responded, _)| responded.is_some_and(|r| r <= day))
                .max_by_key(|(s, ..)| *s)
                .or_else(|| stages.iter().max_by_key(|(s, ..)| *s))
                .copied(),
        };
        let Some((s, _, idx)) = pick else {
            let v = raw_stage.get(i).unwrap_or("");
            issues.push(
                at,
                case_ref,
                case::STAGE,
                v,
                ERROR,
                "survey for a stage the case does not have: not counted",
                None,
            );
            continue;
        };
        if let Some(first) = seen.get(&(case, s)) {
            issues.push(
                at,
                case_ref,
                case::REF,
                &format!("{case_ref} / stage {s}"),
                ERROR,
                "duplicate survey for the same case and stage",
                Some(format!("(row {first} is used)")),
            );
            continue;
        }
        seen.insert((case, s), at.1);
        keep.push((i, s, idx));
    }
    let take: IdxCa = keep.iter().map(|(i, ..)| Some(*i as IdxSize)).collect();
    let mut out = parsed.select([FILE, ROW, survey::DATE, survey::SCORE])?.take(&take)?;
    out.with_column(Column::new(
        case::REF.into(),
        keep.iter().map(|(i, ..)| refs.get(*i).unwrap_or("")).collect::<Vec<_>>(),
    ))?;
    out.with_column(Column::new(case::RECORD_TYPE.into(), vec![COMPLAINT; keep.len()]))?;
    out.with_column(Column::new(case::STAGE.into(), keep.iter().map(|(_, s, _)| *s).collect::<Vec<i32>>()))?;
    let rows_read = parsed.height();
    // The export's own columns are freed before the case columns are
    // gathered (which reuse their memory): gathering them is the most a big
    // run holds at once.
    drop(seen);
    drop(parsed);
    drop(index);
    let of_case: Vec<Option<IdxSize>> = keep.iter().map(|(.., idx)| Some(*idx)).collect();
    with_cases(out, cases, &of_case, rows_read, issues, "surveys")
}

/// An export's usable rows (`rows`) with the case columns of each one's
/// case (`of_case`: its row in `cases`, if linked), its problems, and how
/// many of its `rows_read` were used.
fn with_cases(
    mut rows: DataFrame,
    cases: &DataFrame,
    of_case: &[Option<IdxSize>],
    rows_read: usize,
    issues: IssueList,
    export: &'static str,
) -> Result<Linked> {
    for c in case_columns(cases, of_case)? {
        rows.with_column(c)?;
    }
    let rows_excluded = rows_read - rows.height();
    let issues = issues.frame()?;
    let rows_with_warnings = crate::quality::rows_with_warnings(issues.clone().lazy())?;
    let rows_used = rows_read - rows_excluded;
    Ok(Linked {
        rows,
        issues,
        quality: ExportQuality { export, rows_read, rows_used, rows_excluded, rows_with_warnings },
    })
}

/// Whether a finding's category (trimmed text, null when blank) is
/// complaint handling, by its spelling key: false when blank.
fn is_complaint_handling(category: Expr) -> Expr {
    values::canonical_expr(category, SpellingTable::from(determination::COMPLAINT_HANDLING_SPELLINGS))
        .is_not_null()
}

/// Check the Ombudsman's findings and link each to its case where the
/// reference matches (the case's latest stage gives the service area). A
/// finding whose case is not in the exports still counts, with its service
/// area "Not recorded", and is listed as a warning. The finding's own
/// category is carried apart from the case's, as `finding_category`.
pub fn determinations(
    raw_frame: DataFrame,
    cases: &DataFrame,
    input: &InputConfig,
    as_of: NaiveDate,
) -> Result<Linked> {
    let complaint_handling = is_complaint_handling(col(raw(determination::CATEGORY)));
    let parsed = parse_export(
        raw_frame,
        &DETERMINATIONS,
        vec![
            values::days_expr(col(raw(determination::DATE)), input.date_format).alias(determination::DATE),
            values::canonical_expr(col(raw(determination::FINDING)), SpellingTable::from(FINDING_SPELLINGS))
                .alias(determination::FINDING),
            values::money_expr(col(raw(determination::COMPENSATION_ORDERED)))
                .alias(determination::COMPENSATION_ORDERED),
            col(raw(determination::ORDERS)).is_not_null().alias(determination::HAS_ORDERS),
            complaint_handling.clone().alias(determination::IS_COMPLAINT_HANDLING),
            // One label for every spelling, so the findings by category have one
            // complaint-handling row that agrees with the complaint-handling count.
            when(complaint_handling)
                .then(lit(determination::COMPLAINT_HANDLING))
                .otherwise(col(raw(determination::CATEGORY)).fill_null(lit(NOT_RECORDED)))
                .alias(determination::FINDING_CATEGORY),
        ],
    )?;
    let rows = Rows::of(&parsed)?;
    let refs = rows.refs;
    let index = CaseIndex::new(cases, refs)?;
    let date: Vec<Option<NaiveDate>> = parsed.column(determination::DATE)?.date()?.as_date_iter().collect();
    let (finding, amount) = (
        parsed.column(determination::FINDING)?.str()?,
        parsed.column(determination::COMPENSATION_ORDERED)?.f64()?,
    );
    let (raw_date, raw_finding, raw_amount) = (
        parsed.column(&raw(determination::DATE))?.str()?,
        parsed.column(&raw(determination::FINDING))?.str()?,
        parsed.column(&raw(determination::COMPENSATION_ORDERED))?.str()?,
    );
    let mut issues = IssueList::default();
    let mut keep: Vec<(usize, Option<IdxSize>)> = Vec::new();
    for (i, &day) in date.iter().enumerate() {
        let before = issues.errors();
        let Some((at, case_ref)) = rows.read(i, &mut issues) else { continue };
        let (raw_day, missing) = (raw_date.get(i), "missing determination date");
        check_date(&mut issues, at, case_ref, determination::DATE, missing, raw_day, day, input, as_of);
        match (raw_finding.get(i), finding.get(i)) {
            (None, _) => issues.push(at, case_ref, determination::FINDING, "", ERROR, "missing finding", None),
            (Some(v), None) => issues.push(at, case_ref, determination::FINDING, v, ERROR, "unknown finding", Some("(expected one of the Ombudsman's findings: severe maladministration, maladministration, service failure, partial maladministration, reasonable redress, no maladministration, outside jurisdiction, withdrawn)".into())),
            _ => {}
        }
        match (raw_amount.get(i), amount.get(i)) {
            (Some(v), None) => issues.push(
                at,
                case_ref,
                determination::COMPENSATION_ORDERED,
                v,
                ERROR,
                "not an amount of money",
                None,
            ),
            (Some(v), Some(a)) if a < 0.0 => issues.push(
                at,
                case_ref,
                determination::COMPENSATION_ORDERED,
                v,
                ERROR,
                "negative amount",
                None,
            ),
            _ => {}
        }
        if issues.errors() > before {
            continue;
        }
        let latest = index
            .case(i)
            .and_then(|(_, stages)| stages.iter().max_by_key(|(s, ..)| *s))
            .map(|(.., idx)| *idx);
        if latest.is_none() {
            issues.push(
                at,
                case_ref,
                case::REF,
                case_ref,
                WARNING,
                "determination for a case not among the case rows used (not in the case export(s) or its row excluded): counted without a service area",
                None,
            );
        }
        keep.push((i, latest));
    }
    let take: IdxCa = keep.iter().map(|(i, _)| Some(*i as IdxSize)).collect();
    let rows_read = parsed.height();
    let mut out = parsed
        .clone()
        .lazy()
        .select([
            col(FILE),
            col(ROW),
            col(raw(case::REF)).alias(case::REF),
            col(determination::DATE),
            col(determination::FINDING),
            col(determination::COMPENSATION_ORDERED).fill_null(lit(0.0)),
            col(determination::HAS_ORDERS),
            col(determination::FINDING_CATEGORY),
            col(determination::IS_COMPLAINT_HANDLING),
        ])
        .collect()?
        .take(&take)?;
    // Determinations follow the complaints process: counted in the
    // `complaints` stream (as stage 2, its last stage).
    out.with_column(Column::new(case::RECORD_TYPE.into(), vec![COMPLAINT; keep.len()]))?;
    out.with_column(Column::new(case::STAGE.into(), vec![2i32; keep.len()]))?;
    drop(index);
    let of_case: Vec<Option<IdxSize>> = keep.iter().map(|(_, idx)| *idx).collect();
    with_cases(out, cases, &of_case, rows_read, issues, "ombudsman")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn complaint_handling_is_recognised_by_its_spelling_key() {
        let categories = [
            Some("Complaint Handling"),
            Some("complaint-handling"),
            Some("Complaints handling"),
            Some("COMPLAINT_HANDLING"),
            Some("Handling of complaints"),
            Some("Complaint handling."),
            Some("Complaint"),
            Some("Handling"),
            Some("Complaint about repairs handling"),
            Some("Complaint handling and repairs"),
            Some("Repairs & Maintenance"),
            None,
        ];
        let frame = df!("category" => categories).unwrap();
        let found =
            frame.lazy().select([is_complaint_handling(col("category")).alias("ch")]).collect().unwrap();
        let found: Vec<Option<bool>> = found.column("ch").unwrap().bool().unwrap().iter().collect();
        let expected: Vec<Option<bool>> =
            [true, true, true, true, true, true, false, false, false, false, false, false].map(Some).to_vec();
        assert_eq!(found, expected);
    }

    /// The case index finds each wanted case's complaint rows as reading
    /// the rows one by one as text finds them, whatever the chunks: a null
    /// or other record type, a record type spelt past what a view holds, a
    /// null reference or stage, a case not wanted, and halves that cut the
    /// chunks anywhere.
    #[test]
    fn the_case_index_finds_complaint_rows_as_reading_each_row_would() {
        let (types, refs, stages, answered): (Vec<_>, Vec<_>, Vec<_>, Vec<_>) = [
            (Some(COMPLAINT), Some("A"), Some(1), Some(19_000)),
            (Some("compliment"), Some("A"), Some(1), None),
            (None, Some("B"), Some(1), None),
            (Some(COMPLAINT), None, Some(1), None),
            (Some(COMPLAINT), Some("B"), None, Some(19_002)),
            (Some(COMPLAINT), Some("B"), Some(2), None),
            (Some("complaint but longer than a view"), Some("A"), Some(2), None),
            (Some(COMPLAINT), Some("C"), Some(1), Some(19_003)),
            (Some(COMPLAINT), Some("A"), Some(2), Some(19_004)),
        ]
        .into_iter()
        .fold((vec![], vec![], vec![], vec![]), |(mut t, mut r, mut s, mut a), row| {
            t.push(row.0);
            r.push(row.1);
            s.push(row.2);
            a.push(row.3);
            (t, r, s, a)
        });
        // Two chunks per column, cut in different places.
        let text = |name: &str, v: &[Option<&str>], cut: usize| {
            let mut c = StringChunked::new(name.into(), &v[..cut]);
            c.append(&StringChunked::new(name.into(), &v[cut..])).unwrap();
            c.into_column()
        };
        let mut stage = Int32Chunked::new(case::STAGE.into(), &stages[..5]);
        stage.append(&Int32Chunked::new(case::STAGE.into(), &stages[5..])).unwrap();
        let responded = Int32Chunked::new(case::RESPONDED.into(), &answered).into_date();
        let cases = DataFrame::new(
            types.len(),
            vec![
                text(case::RECORD_TYPE, &types, 3),
                text(case::REF, &refs, 6),
                stage.into_column(),
                responded.into_column(),
            ],
        )
        .unwrap();
        let wanted = StringChunked::new("ref".into(), [Some("A"), None, Some("B"), Some("D"), Some("A")]);
        let index = CaseIndex::new(&cases, &wanted).unwrap();
        // Row by row, as text.
        let by_text = |want: &str| -> Vec<StageRow> {
            (0..types.len())
                .filter(|&i| types[i] == Some(COMPLAINT) && refs[i] == Some(want))
                .filter_map(|i| Some((stages[i]?, answered[i].and_then(epoch_day), i as IdxSize)))
                .collect()
        };
        let rows_of = |i: usize| index.case(i).map(|(_, rows)| rows.to_vec()).unwrap_or_default();
        assert_eq!(rows_of(0), by_text("A"));
        assert_eq!(rows_of(0).iter().map(|r| r.2).collect::<Vec<_>>(), [0, 8]);
        assert!(index.case(1).is_none(), "no reference");
        assert_eq!(rows_of(2), by_text("B"));
        assert_eq!(rows_of(2).iter().map(|r| r.2).collect::<Vec<_>>(), [5]);
        assert!(index.case(3).is_none(), "a case with no rows");
        assert_eq!(index.case(4).map(|(n, _)| n), index.case(0).map(|(n, _)| n), "one number a case");

        // A null record type whose view still holds "complaint" is no
        // complaint row.
        let kinds = StringChunked::new(case::RECORD_TYPE.into(), [COMPLAINT, COMPLAINT]);
        let array =
            kinds.downcast_as_array().clone().with_validity(Some([false, true].into_iter().collect()));
        let cases = DataFrame::new(
            2,
            vec![
                StringChunked::with_chunk(case::RECORD_TYPE.into(), array).into_column(),
                StringChunked::new(case::REF.into(), ["E", "E"]).into_column(),
                Int32Chunked::new(case::STAGE.into(), [1, 2]).into_column(),
                Int32Chunked::new(case::RESPONDED.into(), [None::<i32>, None]).into_date().into_column(),
            ],
        )
        .unwrap();
        let index = CaseIndex::new(&cases, &StringChunked::new("ref".into(), ["E"])).unwrap();
        assert_eq!(index.case(0).map(|(_, rows)| rows.to_vec()), Some(vec![(2, None, 1)]));
    }
}
