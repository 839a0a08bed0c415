//! Which columns hold each figure and each landlord attribute of a sheet,
//! and the landlords gathered from every sheet of a release.

use std::collections::BTreeMap;
use std::path::Path;

use indexmap::IndexMap;

use super::workbook::{reading, text, DataRow, Header, Part, Table};
use super::{
    Figure, Landlord, LandlordType, Measure, Missing, MissingParts, Release, Rounding, SheetKind,
    SheetSummary, SizeBand, Stock,
};
use crate::error::Result;
use crate::period::FinancialYear;
use crate::schema::spelling_key as squash;

/// Where one figure's parts are in a sheet.
pub(super) struct FigureColumns {
    measure: Measure,
    stock: Stock,
    value: usize,
    counts: Counts,
}

pub(super) enum Counts {
    /// The release gives no counts for this figure.
    Absent,
    /// CH01/CH02: published numerator and denominator columns.
    Published { numerator: Option<usize>, denominator: Option<usize> },
    /// TP09: the five answer counts, very satisfied first.
    Answers([usize; 5]),
}

/// The TP09 answers in the order the release gives them; the first two are
/// "satisfied".
pub(super) const TP09_ANSWERS: [&str; 5] = [
    "very satisfied",
    "fairly satisfied",
    "neither satisfied nor dissatisfied",
    "fairly dissatisfied",
    "very dissatisfied",
];

impl Table {
    fn figure_columns(&self, path: &Path, notes: &mut Vec<String>) -> Result<Vec<FigureColumns>> {
        match self.kind {
            SheetKind::ManagementInfo => self.complaint_columns(path, notes),
            SheetKind::Perception(stock) => Ok(vec![self.tp09_columns(path, stock, notes)?]),
        }
    }

    /// CH01 and CH02 by stage for each stock: "LCRA - … (CH01 1)", with
    /// "(CH01 1 Numerator)" and "(CH01 1 Denominator)" beside it. LCRA and
    /// LCHO values must be there; combined is optional.
    fn complaint_columns(&self, path: &Path, notes: &mut Vec<String>) -> Result<Vec<FigureColumns>> {
        let mut columns = Vec::new();
        for stock in Stock::ALL {
            for measure in
                [Measure::Ch01Stage1, Measure::Ch01Stage2, Measure::Ch02Stage1, Measure::Ch02Stage2]
            {
                let (code, stage) = (measure.code().as_str(), measure.stage());
                let find =
                    |part: Part| move |h: &Header| h.stock == Some(stock) && h.tagged(code, stage, part);
                let what = |part: &str| {
                    let stage = stage.unwrap_or_default();
                    format!("{stock} {measure}{part} (a header starting \"{stock} -\" and ending \"({code} {stage}{part})\")")
                };
                let value = if stock == Stock::Combined {
                    self.optional_column(path, &what(""), find(Part::Value))?
                } else {
                    Some(self.column(path, &what(""), find(Part::Value))?)
                };
                let Some(value) = value else {
                    notes.push(format!("sheet \"{}\" has no {stock} {measure} column", self.sheet));
                    continue;
                };
                let numerator = self.optional_column(path, &what(" Numerator"), find(Part::Numerator))?;
                let denominator =
                    self.optional_column(path, &what(" Denominator"), find(Part::Denominator))?;
                if numerator.is_none() || denominator.is_none() {
                    notes.push(format!(
                        "sheet \"{}\" lacks the {stock} {measure} numerator or denominator column",
                        self.sheet
                    ));
                }
                columns.push(FigureColumns {
                    measure,
                    stock,
                    value,
                    counts: Counts::Published { numerator, denominator },
                });
            }
        }
        Ok(columns)
    }

    /// TP09: "Proportion of respondents who report that they are satisfied
    /// with their landlord's approach to complaints handling (TP09)", not
    /// "Proportion … complained in the last 12 months (TP09 responses)";
    /// and the five "Number of respondents … (TP09)" answer counts.
    fn tp09_columns(&self, path: &Path, stock: Stock, notes: &mut Vec<String>) -> Result<FigureColumns> {
        let value = self.column(
            path,
            "TP09 (\"Proportion of respondents who report that they are satisfied … (TP09)\")",
            |h| h.tagged("TP09", None, Part::Value) && h.starts("proportion of") && h.has("satisfied"),
        )?;
        let mut answers = [0; 5];
        for (slot, answer) in answers.iter_mut().zip(TP09_ANSWERS) {
            let what = format!("TP09 answer \"{answer}\" (\"Number of respondents … {answer} … (TP09)\")");
            let found = self.optional_column(path, &what, |h| {
                h.tagged("TP09", None, Part::Value) && h.starts("number of respondents") && h.has(answer)
            })?;
            let Some(column) = found else {
                notes.push(format!(
                    "sheet \"{}\" lacks the TP09 answer counts; TP09 has no numerator",
                    self.sheet
                ));
                return Ok(FigureColumns { measure: Measure::Tp09, stock, value, counts: Counts::Absent });
            };
            *slot = column;
        }
        Ok(FigureColumns { measure: Measure::Tp09, stock, value, counts: Counts::Answers(answers) })
    }
}

pub(super) type Reading = std::result::Result<f64, Missing>;

impl FigureColumns {
    fn figure(&self, row: &DataRow<'_>) -> Figure {
        let (numerator, denominator) = self.counts(row);
        let value = placeholder_zero(reading(row.cell(self.value)), numerator.as_ref(), denominator.as_ref());
        let part = |r: Option<Reading>| r.map_or((None, None), |r| (r.ok(), r.err()));
        let (value, value_missing) = part(Some(value));
        let (numerator, numerator_missing) = part(numerator);
        let (denominator, denominator_missing) = part(denominator);
        Figure {
            value,
            numerator,
            denominator,
            missing: MissingParts {
                value: value_missing,
                numerator: numerator_missing,
                denominator: denominator_missing,
            },
        }
    }

    /// Numerator and denominator, each `None` when the release has no column
    /// for it.
    fn counts(&self, row: &DataRow<'_>) -> (Option<Reading>, Option<Reading>) {
        match &self.counts {
            Counts::Absent => (None, None),
            Counts::Published { numerator, denominator } => {
                (numerator.map(|c| reading(row.cell(c))), denominator.map(|c| reading(row.cell(c))))
            }
            Counts::Answers(columns) => {
                let answers: Vec<Reading> = columns.iter().map(|&c| reading(row.cell(c))).collect();
                (Some(sum(&answers[..2])), Some(sum(&answers)))
            }
        }
    }
}

/// The total, or why the first missing count is missing.
pub(super) fn sum(readings: &[Reading]) -> Reading {
    readings.iter().try_fold(0.0, |total, r| r.map(|v| total + v))
}

/// The 2023-24 release prints 0 where a ratio cannot exist: stock the
/// landlord does not have ("[X]" counts), a count not given, or a zero
/// denominator (which 2024-25 marks "[U]"). Such a 0 is not a result and
/// would drag the quartiles down, so it is read as missing. A 0 with both
/// counts given and a positive denominator is a real 0.
pub(super) fn placeholder_zero(
    value: Reading,
    numerator: Option<&Reading>,
    denominator: Option<&Reading>,
) -> Reading {
    let (Ok(0.0), Some(numerator), Some(denominator)) = (value, numerator, denominator) else {
        return value;
    };
    match (numerator, denominator) {
        (Ok(_), Ok(d)) if *d > 0.0 => value,
        _ => Err(Missing::PlaceholderZero),
    }
}

/// Landlords gathered across sheets, keyed by code.
#[derive(Default)]
pub(super) struct ReleaseBuilder {
    pub(super) sheets: Vec<SheetSummary>,
    pub(super) landlords: IndexMap<String, Landlord>,
    pub(super) notes: Vec<String>,
}

impl ReleaseBuilder {
    pub(super) fn add_table(&mut self, path: &Path, table: &Table) -> Result<()> {
        let columns = table.figure_columns(path, &mut self.notes)?;
        let attributes = AttributeColumns::find(path, table)?;
        let rows = table.data_rows(&mut self.notes);
        let mut placeholders = 0;
        for row in &rows {
            let landlord = self.landlord(row, &attributes);
            for c in &columns {
                let figure = c.figure(row);
                placeholders += usize::from(figure.missing.value == Some(Missing::PlaceholderZero));
                landlord.figures.insert((c.measure, c.stock), figure);
            }
        }
        if placeholders > 0 {
            self.notes.push(format!(
                "sheet \"{}\": {placeholders} published 0s with no numerator or denominator behind them are read as missing",
                table.sheet
            ));
        }
        self.sheets.push(SheetSummary {
            name: table.sheet.clone(),
            kind: table.kind,
            header_row: table.header_row(),
            landlords: rows.len(),
        });
        Ok(())
    }

    /// The landlord for this row, created on first sight; an attribute
    /// missing from an earlier sheet is taken from this one. 2023-24 writes
    /// "Merged during year" for the size band and region of a landlord that
    /// merged: that is neither, so it is read as not known.
    fn landlord(&mut self, row: &DataRow<'_>, attributes: &AttributeColumns) -> &mut Landlord {
        let landlord = self.landlords.entry(row.code.clone()).or_insert_with(|| Landlord {
            code: row.code.clone(),
            name: row.name.clone(),
            landlord_type: None,
            size_band: None,
            region: None,
            figures: BTreeMap::new(),
        });
        let read = |column: Option<usize>| {
            column.and_then(|c| text(row.cell(c))).filter(|t| squash(t) != "mergedduringyear")
        };
        if landlord.landlord_type.is_none() {
            landlord.landlord_type = read(attributes.landlord_type).map(|t| LandlordType::parse(&t));
        }
        if landlord.size_band.is_none() {
            landlord.size_band = read(attributes.size_band).map(|t| SizeBand::parse(&t));
        }
        if landlord.region.is_none() {
            landlord.region = read(attributes.region);
        }
        landlord
    }

    pub(super) fn finish(self, path: &Path, year: FinancialYear, sha256: String) -> Release {
        let landlords: Vec<Landlord> = self.landlords.into_values().collect();
        let mut rounding = BTreeMap::new();
        for measure in Measure::ALL {
            for stock in Stock::ALL {
                let values = landlords.iter().filter_map(|l| l.value(measure, stock));
                rounding.insert((measure, stock), Rounding::infer(values));
            }
        }
        Release {
            source: path.to_path_buf(),
            sha256,
            year,
            sheets: self.sheets,
            landlords,
            notes: self.notes,
            rounding,
        }
    }
}

/// Where a sheet keeps the landlord's type, size band and region. Required
/// on the management-information sheet, which every landlord in the release
/// is on unless excluded; optional elsewhere.
pub(super) struct AttributeColumns {
    landlord_type: Option<usize>,
    size_band: Option<usize>,
    region: Option<usize>,
}

impl AttributeColumns {
    fn find(path: &Path, table: &Table) -> Result<AttributeColumns> {
        let required = table.kind == SheetKind::ManagementInfo;
        let find = |what: &str, matches: &dyn Fn(&Header) -> bool| {
            if required {
                table.column(path, what, matches).map(Some)
            } else {
                table.optional_column(path, what, matches)
            }
        };
        Ok(AttributeColumns {
            landlord_type: find("landlord type (\"Landlord type\")", &|h| h.starts("landlord type"))?,
            size_band: find(
                "size band (\"Landlord group size (homes owned, LCRA and LCHO combined)\")",
                &|h| h.starts("landlord group size") || (h.has("size") && h.has("homes owned")),
            )?,
            region: find("region (\"Landlord predominant region\")", &|h| h.has("predominant region"))?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_zero_only_without_counts_or_with_a_zero_denominator() {
        let zero: Reading = Ok(0.0);
        let given = |v: f64| -> Reading { Ok(v) };
        let x: Reading = Err(Missing::NotGiven);
        assert_eq!(placeholder_zero(zero, Some(&x), Some(&x)), Err(Missing::PlaceholderZero));
        assert_eq!(placeholder_zero(zero, Some(&x), Some(&given(685.0))), Err(Missing::PlaceholderZero));
        assert_eq!(
            placeholder_zero(zero, Some(&given(0.0)), Some(&given(0.0))),
            Err(Missing::PlaceholderZero)
        );
        assert_eq!(placeholder_zero(zero, Some(&given(0.0)), Some(&given(1200.0))), Ok(0.0));
        assert_eq!(placeholder_zero(zero, None, None), Ok(0.0), "no count columns: nothing to judge by");
        assert_eq!(placeholder_zero(given(35.4), Some(&x), Some(&x)), Ok(35.4));
    }
}
