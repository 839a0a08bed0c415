//! Sector benchmarking (issue #17): where a landlord's complaint measures sit
//! among other large landlords', from the Regulator of Social Housing's annual
//! "TSM full data" workbook (Crown copyright, Open Government Licence v3).
//!
//! A board reading "CH02 stage 1: 84%" cannot tell whether that is good; the
//! Regulator publishes every large landlord's CH01, CH02 and TP09 each year,
//! so the same figure can be set against the sector's quartiles or a peer
//! group's. This module holds the pieces the report stage needs:
//!
//! * [`Release::read`]: one year's workbook, each landlord's published
//!   figures with their numerators and denominators, markers kept as
//!   [`Missing`] rather than read as 0;
//! * [`Distribution`]: count and quartiles of one measure over a set of
//!   landlords, by the method stated in [`QUARTILE_METHOD`];
//! * [`PeerGroup`]: which landlords count as peers (same type and size band by
//!   default), configurable as `[benchmarks] peer_group`;
//! * [`position`]: which quartile band a value falls in, and whether that is
//!   better or worse only where the measure has a better direction;
//! * [`compare_with_published`]: whether the landlord's own published figure
//!   agrees with the one redress computes from the landlord's cases.

pub use crate::config::{LandlordType, PeerAttributes, PeerGroup, SizeBand};

mod agreement;
mod columns;
mod distribution;
mod peers;
mod workbook;

#[cfg(test)]
mod real_releases;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::Result;
use crate::period::FinancialYear;

pub use agreement::{compare_with_published, Agreement, Difference, AGREEMENT_RULE};
pub use distribution::{position, quartile_inc, Band, Distribution, Judgement, Position, QUARTILE_METHOD};
pub use peers::MissingAttribute;

/// The Regulator's codes of the complaint measures among the Tenant
/// Satisfaction Measures, written as it writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TsmCode {
    Ch01,
    Ch02,
    Tp09,
}

impl TsmCode {
    pub fn as_str(self) -> &'static str {
        match self {
            TsmCode::Ch01 => "CH01",
            TsmCode::Ch02 => "CH02",
            TsmCode::Tp09 => "TP09",
        }
    }

    /// What numerator ÷ denominator is multiplied by: CH01 is per 1,000 homes,
    /// the others are percentages.
    pub fn scale(self) -> f64 {
        match self {
            TsmCode::Ch01 => 1000.0,
            TsmCode::Ch02 | TsmCode::Tp09 => 100.0,
        }
    }
}

impl fmt::Display for TsmCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for TsmCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// The complaint measures a release is read for. CH01 and CH02 come by stage
/// because the Regulator publishes them by stage; TP09 has none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Measure {
    /// Stage 1 complaints per 1,000 homes.
    Ch01Stage1,
    /// Stage 2 complaints per 1,000 homes.
    Ch01Stage2,
    /// Stage 1 complaints answered within the Code's timescales, %.
    Ch02Stage1,
    /// Stage 2 complaints answered within the Code's timescales, %.
    Ch02Stage2,
    /// Tenants satisfied with the approach to complaints handling, %.
    Tp09,
}

impl Measure {
    pub const ALL: [Measure; 5] =
        [Measure::Ch01Stage1, Measure::Ch01Stage2, Measure::Ch02Stage1, Measure::Ch02Stage2, Measure::Tp09];

    /// The Regulator's code, as it appears in the workbook headers.
    pub fn code(self) -> TsmCode {
        match self {
            Measure::Ch01Stage1 | Measure::Ch01Stage2 => TsmCode::Ch01,
            Measure::Ch02Stage1 | Measure::Ch02Stage2 => TsmCode::Ch02,
            Measure::Tp09 => TsmCode::Tp09,
        }
    }

    pub fn stage(self) -> Option<u8> {
        match self {
            Measure::Ch01Stage1 | Measure::Ch02Stage1 => Some(1),
            Measure::Ch01Stage2 | Measure::Ch02Stage2 => Some(2),
            Measure::Tp09 => None,
        }
    }

    /// What numerator ÷ denominator is multiplied by ([`TsmCode::scale`]).
    pub fn scale(self) -> f64 {
        self.code().scale()
    }

    /// CH01 has no better direction: fewer complaints can mean tenants find
    /// the process hard to use as easily as it means fewer problems, so a
    /// report may say "higher" or "lower" but never "better".
    pub fn direction(self) -> Direction {
        match self.code() {
            TsmCode::Ch01 => Direction::Neither,
            _ => Direction::HigherIsBetter,
        }
    }
}

impl fmt::Display for Measure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.stage() {
            Some(stage) => write!(f, "{} stage {stage}", self.code()),
            None => f.write_str(self.code().as_str()),
        }
    }
}

/// Whether a higher value of a measure is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Direction {
    HigherIsBetter,
    /// Higher or lower, but neither better nor worse (CH01).
    Neither,
}

/// The stock a figure covers. `Combined` is published only by the few
/// landlords the Regulator lets report LCRA and LCHO together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stock {
    Lcra,
    Lcho,
    Combined,
}

impl Stock {
    pub const ALL: [Stock; 3] = [Stock::Lcra, Stock::Lcho, Stock::Combined];

    pub fn label(self) -> &'static str {
        match self {
            Stock::Lcra => "LCRA",
            Stock::Lcho => "LCHO",
            Stock::Combined => "Combined",
        }
    }
}

impl fmt::Display for Stock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl Serialize for Stock {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.label())
    }
}

/// Why a number is absent. A benchmark that read any of these as 0 would drag
/// the sector's quartiles down, so they are kept apart from numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Missing {
    /// `[X]`: the landlord left the question blank.
    NotGiven,
    /// `[Z]`: no answer was required.
    NotRequired,
    /// `[E]`: the Regulator excluded the figure (see its notes column).
    Excluded,
    /// `[U]`: the denominator was 0, so there is no ratio.
    ZeroDenominator,
    /// `[S]` (2024-25 perception sheets): suppressed for too few surveys.
    Suppressed,
    /// Another `[…]` marker a later release may introduce.
    OtherMarker(char),
    /// The cell is empty.
    EmptyCell,
    /// The cell holds text that is neither a number nor a marker.
    NotNumeric,
    /// A 0 published where the numerator or denominator is not given or the
    /// denominator is 0: the 2023-24 release fills stock a landlord does not
    /// have (and uncomputable ratios) with 0 instead of a marker.
    PlaceholderZero,
}

impl Missing {
    /// The marker as the workbook prints it, where it is one.
    pub fn marker(self) -> Option<String> {
        match self {
            Missing::NotGiven => Some("[X]".into()),
            Missing::NotRequired => Some("[Z]".into()),
            Missing::Excluded => Some("[E]".into()),
            Missing::ZeroDenominator => Some("[U]".into()),
            Missing::Suppressed => Some("[S]".into()),
            Missing::OtherMarker(c) => Some(format!("[{c}]")),
            Missing::EmptyCell | Missing::NotNumeric | Missing::PlaceholderZero => None,
        }
    }
}

/// One published figure: the value the Regulator prints and, where the
/// release gives them, the counts behind it. For TP09 the counts are derived:
/// numerator = very + fairly satisfied, denominator = all five answers, which
/// is how the Regulator's unweighted TP09 values are computed.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Figure {
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    /// Why each part is `None`: `None` here where the part is a number, or
    /// where the release has no column for it at all.
    pub missing: MissingParts,
}

#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct MissingParts {
    pub value: Option<Missing>,
    pub numerator: Option<Missing>,
    pub denominator: Option<Missing>,
}

/// How a release rounds a column of values, so that redress's own figure can
/// be rounded the same way before the two are compared. Read off the values
/// themselves ([`Rounding::infer`]) because the releases differ: 2023-24 LCRA
/// is unrounded but its LCHO and combined columns are whole numbers; 2024-25
/// is 1 decimal place throughout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Rounding {
    Unrounded,
    /// Rounded to this many decimal places, halves away from zero (Excel's
    /// `ROUND`).
    HalfUp {
        decimals: u8,
    },
}

impl Rounding {
    /// More places than this and a column is taken to be unrounded.
    const MAX_DECIMALS: u8 = 4;

    /// The fewest decimal places that show every value exactly; unrounded
    /// when some value needs more than four (or there are no values).
    pub fn infer(values: impl IntoIterator<Item = f64>) -> Rounding {
        let mut widest = None;
        for value in values {
            match decimals_shown(value) {
                Some(d) => widest = Some(widest.map_or(d, |w: u8| w.max(d))),
                None => return Rounding::Unrounded,
            }
        }
        widest.map_or(Rounding::Unrounded, |decimals| Rounding::HalfUp { decimals })
    }

    /// `value` as the release would have printed it.
    pub fn apply(self, value: f64) -> f64 {
        match self {
            Rounding::Unrounded => value,
            Rounding::HalfUp { decimals } => round_half_up(value, decimals),
        }
    }
}

impl fmt::Display for Rounding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rounding::Unrounded => f.write_str("not rounded"),
            Rounding::HalfUp { decimals: 0 } => f.write_str("rounded to whole numbers, half up"),
            Rounding::HalfUp { decimals: 1 } => f.write_str("rounded to 1 decimal place, half up"),
            Rounding::HalfUp { decimals } => write!(f, "rounded to {decimals} decimal places, half up"),
        }
    }
}

fn decimals_shown(value: f64) -> Option<u8> {
    (0..=Rounding::MAX_DECIMALS).find(|&d| {
        let scaled = value * 10f64.powi(i32::from(d));
        (scaled - scaled.round()).abs() < 1e-6
    })
}

/// Round half away from zero, as Excel's `ROUND` and the Regulator do. A
/// ratio that is exactly a half on paper (70.05) is often held a hair below
/// it in binary (70.04999…), so the magnitude is nudged up by one part in
/// 10^12 first: far more than that error, far less than the gap between two
/// ratios of whole counts below a million.
pub fn round_half_up(value: f64, decimals: u8) -> f64 {
    let factor = 10f64.powi(i32::from(decimals));
    let scaled = value.abs() * factor * (1.0 + 1e-12);
    ((scaled + 0.5).floor() / factor).copysign(value)
}

/// One landlord in a release, gathered from every sheet it appears in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Landlord {
    /// The Regulator's code ("L4240", "45UB"), upper case. Some codes are
    /// stored as numbers in the 2024-25 workbook; they are read as text.
    pub code: String,
    pub name: String,
    pub landlord_type: Option<LandlordType>,
    pub size_band: Option<SizeBand>,
    /// The Regulator's predominant region ("South", "London", "Mixed"…).
    pub region: Option<String>,
    pub figures: BTreeMap<(Measure, Stock), Figure>,
}

impl Landlord {
    pub fn figure(&self, measure: Measure, stock: Stock) -> Option<&Figure> {
        self.figures.get(&(measure, stock))
    }

    /// The published value, when there is one.
    pub fn value(&self, measure: Measure, stock: Stock) -> Option<f64> {
        self.figure(measure, stock).and_then(|f| f.value)
    }

    /// What a peer group compares.
    pub fn attributes(&self) -> PeerAttributes {
        PeerAttributes {
            landlord_type: self.landlord_type.clone(),
            size_band: self.size_band.clone(),
            region: self.region.clone(),
        }
    }
}

/// Which sheet of a release a table came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SheetKind {
    /// `…_Management_Info`: CH01 and CH02.
    ManagementInfo,
    /// `…_LCRA_Perception`, `…_LCHO_Perception`, `…_Combined_Perception`: TP09.
    Perception(Stock),
}

/// A sheet as read, for a report's notes and for checking a new release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SheetSummary {
    pub name: String,
    pub kind: SheetKind,
    /// The sheet row (1-based) holding "Landlord name", "Landlord code"….
    pub header_row: u32,
    pub landlords: usize,
}

/// One year's "TSM full data" workbook.
#[derive(Debug, Clone, Serialize)]
pub struct Release {
    pub source: PathBuf,
    /// Of the file's bytes, as parsed.
    pub sha256: String,
    /// The year the figures cover: sheets named `TSM24_…` hold 2023-24.
    pub year: FinancialYear,
    pub sheets: Vec<SheetSummary>,
    /// Management-information order, then landlords found only in a
    /// perception sheet.
    pub landlords: Vec<Landlord>,
    /// What the reader did that a report may need to mention (optional
    /// columns not found, duplicate rows dropped, zeros read as missing).
    pub notes: Vec<String>,
    rounding: BTreeMap<(Measure, Stock), Rounding>,
}

impl Release {
    /// Read a release. A missing or unreadable file, or a missing sheet or
    /// column, is an input error naming the file and what was not found.
    pub fn read(path: impl AsRef<Path>) -> Result<Release> {
        workbook::read(path.as_ref())
    }

    /// The landlord with this Regulator code (case and surrounding spaces
    /// ignored).
    pub fn landlord(&self, code: &str) -> Option<&Landlord> {
        let code = code.trim().to_uppercase();
        self.landlords.iter().find(|l| l.code == code)
    }

    /// How the release rounds this measure's values for this stock.
    pub fn rounding(&self, measure: Measure, stock: Stock) -> Rounding {
        self.rounding.get(&(measure, stock)).copied().unwrap_or(Rounding::Unrounded)
    }

    pub fn sheet(&self, kind: SheetKind) -> Option<&SheetSummary> {
        self.sheets.iter().find(|s| s.kind == kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_up_rounds_halves_away_from_zero_despite_binary_representation() {
        // 1401 / 2000 * 100 = 70.05 on paper, 70.04999… in binary.
        assert_eq!(round_half_up(1401.0 / 2000.0 * 100.0, 1), 70.1);
        assert_eq!(round_half_up(2.5, 0), 3.0);
        assert_eq!(round_half_up(0.25, 1), 0.3);
        assert_eq!(round_half_up(-2.5, 0), -3.0);
        assert_eq!(round_half_up(70.04, 1), 70.0);
        assert_eq!(round_half_up(151.826_590_675_511_5, 1), 151.8);
    }

    #[test]
    fn rounding_is_inferred_from_the_widest_value() {
        assert_eq!(Rounding::infer([1.0, 2.0, 100.0]), Rounding::HalfUp { decimals: 0 });
        assert_eq!(Rounding::infer([69.9, 100.0, 5.3]), Rounding::HalfUp { decimals: 1 });
        assert_eq!(Rounding::infer([78.411_405_295_315_69, 100.0]), Rounding::Unrounded);
        assert_eq!(Rounding::infer([]), Rounding::Unrounded);
    }

    #[test]
    fn landlord_types_of_both_releases_are_one_vocabulary() {
        assert_eq!(LandlordType::parse("PRP"), LandlordType::Prp);
        assert_eq!(LandlordType::parse("LARP"), LandlordType::LocalAuthority);
        assert_eq!(LandlordType::parse(" LA "), LandlordType::LocalAuthority);
        assert_eq!(LandlordType::parse("Co-op"), LandlordType::Other("Co-op".into()));
    }

    #[test]
    fn size_bands_of_both_releases_are_one_vocabulary() {
        assert_eq!(SizeBand::parse("<5,000"), SizeBand::Under5000);
        assert_eq!(SizeBand::parse("5,000-40,000"), SizeBand::From5000To40000);
        assert_eq!(SizeBand::parse(">40000"), SizeBand::Over40000);
        assert_eq!(SizeBand::parse(">40,000"), SizeBand::Over40000);
        assert_eq!(SizeBand::parse("Merged during year"), SizeBand::Other("Merged during year".into()));
    }

    #[test]
    fn measures_name_themselves_as_the_regulator_does() {
        assert_eq!(Measure::Ch02Stage1.to_string(), "CH02 stage 1");
        assert_eq!(Measure::Tp09.to_string(), "TP09");
        assert_eq!(Measure::Ch01Stage2.scale(), 1000.0);
        assert_eq!(Measure::Ch01Stage1.direction(), Direction::Neither);
        assert_eq!(Measure::Tp09.direction(), Direction::HigherIsBetter);
        // The code is written the same in every output: text, CSV and JSON.
        for (code, written) in [(TsmCode::Ch01, "CH01"), (TsmCode::Ch02, "CH02"), (TsmCode::Tp09, "TP09")] {
            assert_eq!((code.as_str(), code.to_string()), (written, written.to_string()));
            assert_eq!(serde_json::to_value(code).unwrap(), written);
        }
    }
}
