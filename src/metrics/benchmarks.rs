//! The run's Tenant Satisfaction Measures set beside the sector's (issue
//! #17): for each CH01, CH02 and TP09 figure redress makes, the quartiles of
//! every landlord in the Regulator's release and of the landlord's peers,
//! where the figure falls among them, and, where the landlord is in the
//! release for the run's own year, its published figure beside ours.
//!
//! Figures only: what they are called and how a position is put in words is
//! the render stage's business (the Customer Assembly report words them in
//! its template).

use std::path::PathBuf;

use chrono::NaiveDate;
use serde::Serialize;

use super::TsmRow;
use crate::config::BenchmarksConfig;
use crate::period::FinancialYear;
use crate::sector::{
    compare_with_published, position, Agreement, Band, Distribution, Figure, Judgement, Measure,
    PeerAttributes, PeerGroup, Release, Rounding, Stock, TsmCode,
};

/// A release as the outputs name it.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    pub path: PathBuf,
    /// The file name alone, for captions.
    pub file: String,
    pub sha256: String,
    pub year: FinancialYear,
}

impl Source {
    fn of(release: &Release) -> Source {
        Source {
            path: release.source.clone(),
            file: release
                .source
                .file_name()
                .map_or_else(|| release.source.display().to_string(), |n| n.to_string_lossy().into_owned()),
            sha256: release.sha256.clone(),
            year: release.year,
        }
    }
}

/// The release compared with.
#[derive(Debug, Clone, Serialize)]
pub struct Chosen {
    pub source: Source,
    /// False when the release is for an earlier year: the latest given.
    pub covers_run_year: bool,
}

/// Which release serves a year: the one covering it, else the latest earlier
/// one (the Regulator publishes a year's figures some months after it ends,
/// so a run for the current year has only earlier ones), else none. A later
/// release is never used: the sector's future is not a benchmark.
pub fn choose(releases: &[Release], year: FinancialYear) -> Option<&Release> {
    let given: Vec<FinancialYear> = releases.iter().map(|r| r.year).collect();
    let chosen = chosen_year(&given, year)?;
    releases.iter().find(|r| r.year == chosen)
}

fn chosen_year(given: &[FinancialYear], year: FinancialYear) -> Option<FinancialYear> {
    if given.contains(&year) {
        return Some(year);
    }
    given.iter().copied().filter(|y| *y < year).max()
}

/// Where the landlord's own attributes (type, size) for its peer group came
/// from; written in lower case in metrics.json.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AttributesFrom {
    /// The landlord's own row in the release.
    Release,
    /// `[benchmarks] peer_attributes`.
    Config,
    None,
}

/// The peer group as formed for this run.
#[derive(Debug, Clone, Serialize)]
pub struct Peers {
    pub group: PeerGroup,
    pub attributes: PeerAttributes,
    pub attributes_from: AttributesFrom,
    /// "PRP landlords, 5,000-40,000 homes".
    pub description: String,
    /// Why no peer group could be formed, when none could.
    pub problem: Option<String>,
}

impl Peers {
    /// The group compares no attribute, so its members are every landlord in
    /// the release: a second "similar landlords" comparison would only repeat
    /// the sector's, and calling all landlords similar would mislead.
    pub fn is_every_landlord(&self) -> bool {
        self.group == PeerGroup::SECTOR
    }

    /// Our figures are set among a group narrower than the sector: one that
    /// compares an attribute and could be formed. Every report decides by
    /// this, so none words a group the others do not show.
    pub fn similar(&self) -> bool {
        self.problem.is_none() && !self.is_every_landlord()
    }
}

/// The landlord's own row in the release compared with.
#[derive(Debug, Clone, Serialize)]
pub struct Landlord {
    pub code: String,
    /// The name the release gives it; None when the code is not in it.
    pub name: Option<String>,
}

/// Where a value stands among a distribution, one step finer than
/// [`Band`]: a value on the median is neither above nor below it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    AboveUpperQuartile,
    AboveMedian,
    AtMedian,
    BelowMedian,
    BelowLowerQuartile,
}

/// One distribution and where our figure stands in it.
#[derive(Debug, Clone, Serialize)]
pub struct Placed {
    pub distribution: Distribution,
    /// None when our figure is not placed (see [`Compared::not_placed`]).
    pub standing: Option<Standing>,
    /// Better or worse than the median, only for a measure where higher is
    /// better (never CH01).
    pub judgement: Option<Judgement>,
}

/// Our own figure, as `tsm.csv` has it.
#[derive(Debug, Clone, Serialize)]
pub struct Own {
    pub value: Option<f64>,
    pub numerator: f64,
    pub denominator: f64,
    /// Why there is no value, as `tsm.csv` says it (no homes given, no
    /// respondents).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The landlord's figure as the Regulator published it, and whether ours
/// agrees by [`crate::sector::AGREEMENT_RULE`].
#[derive(Debug, Clone, Serialize)]
pub struct Published {
    pub figure: Figure,
    pub rounding: Rounding,
    pub agreement: Agreement,
}

#[derive(Debug, Clone, Serialize)]
pub struct Compared {
    pub measure: Measure,
    pub stock: Stock,
    pub own: Own,
    /// Every landlord in the release that published the figure.
    pub sector: Option<Placed>,
    /// The peer group's landlords that published it.
    pub peers: Option<Placed>,
    /// Why our figure is not placed among the others, when it is not.
    pub not_placed: Option<NotPlaced>,
    pub published: Option<Published>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Benchmarks {
    /// The run's financial year, and the day our figures run to.
    pub year: FinancialYear,
    pub to: NaiveDate,
    /// Our figures cover the year so far, not all of it (a quarter or month
    /// before the year's end).
    pub year_to_date: bool,
    /// Every release given, in the order given.
    pub given: Vec<Source>,
    pub release: Option<Chosen>,
    pub peers: Peers,
    pub landlord: Option<Landlord>,
    /// Empty when no release serves the year.
    pub figures: Vec<Compared>,
}

/// Which release a run compares with, as the outputs state it.
pub const RELEASE_RULE: &str = "The Regulator's release covering the run's financial year is used; where \
     none of the releases given covers it, the latest release for an earlier year, labelled as that year's \
     figures; a release for a later year is never used.";

/// How a position is put in words, as the outputs state it.
pub const DIRECTION_RULE: &str = "CH02 and TP09 are better when higher, so a figure above the median is \
     better than half of the landlords' and one below it worse. CH01 has no better direction: fewer complaints can \
     mean tenants find it hard to complain as easily as it can mean fewer problems, so CH01 is only ever \
     higher or lower than other landlords', never better or worse.";

/// Why our figure is not placed among the other landlords'.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotPlaced {
    /// We have no figure: no rows, or no denominator.
    NoFigure,
    /// A CH01 count of the year so far would sit low among whole years.
    YearToDate,
}

impl NotPlaced {
    /// The reason, as the outputs state it.
    pub fn reason(self) -> &'static str {
        match self {
            NotPlaced::NoFigure => "we have no figure for it",
            NotPlaced::YearToDate => "CH01 counts the complaints of the year so far, so it is not set among other landlords' figures for a whole year",
        }
    }
}

impl Serialize for NotPlaced {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.reason())
    }
}
const NOT_COMPARABLE_YEAR_TO_DATE: &str =
    "our figure covers the year so far, the published one the whole year";

/// Compare the run's TSM rows (`tsm` over `year` up to `to`) with the
/// releases. Only the LCRA and LCHO rows are compared: the release's
/// "combined" figures are those of the few landlords allowed to report both
/// stocks as one, not a sum comparable with our "all".
pub fn compare(
    config: &BenchmarksConfig,
    releases: &[Release],
    year: FinancialYear,
    to: NaiveDate,
    tsm: &[TsmRow],
) -> Benchmarks {
    let year_to_date = to < year.end();
    let chosen = choose(releases, year);
    let own_row = config.landlord_code.as_deref().and_then(|code| chosen.and_then(|r| r.landlord(code)));
    let (attributes, attributes_from) = match (own_row, &config.peer_attributes) {
        (Some(l), _) => (l.attributes(), AttributesFrom::Release),
        (None, Some(a)) => (a.clone(), AttributesFrom::Config),
        (None, None) => (PeerAttributes::default(), AttributesFrom::None),
    };
    let group = config.peer_group;
    let members = chosen.map(|r| group.members(&attributes, &r.landlords));
    let problem = match (&members, own_row, &config.landlord_code) {
        (Some(Err(e)), None, Some(code)) => Some(format!(
            "{e}: landlord {code} is not in the release and [benchmarks] peer_attributes is not given"
        )),
        (Some(Err(e)), _, _) => Some(e.to_string()),
        _ => None,
    };
    let peers =
        Peers { group, description: group.describe(&attributes), attributes, attributes_from, problem };
    let figures = match chosen {
        None => Vec::new(),
        Some(release) => {
            let peer_landlords = members.and_then(Result::ok);
            let published_for = own_row.filter(|_| release.year == year);
            tsm.iter()
                .filter_map(|row| Some((row, measure_of(row)?)))
                .map(|(row, (measure, stock))| {
                    let own = Own {
                        value: row.value,
                        numerator: row.numerator,
                        denominator: row.denominator,
                        note: row.note.clone(),
                    };
                    let not_placed = match own.value {
                        None => Some(NotPlaced::NoFigure),
                        Some(_) if year_to_date && measure.code() == TsmCode::Ch01 => {
                            Some(NotPlaced::YearToDate)
                        }
                        Some(_) => None,
                    };
                    let value = own.value.filter(|_| not_placed.is_none());
                    let place = |d: Distribution| placed(d, value, measure);
                    let published = published_for.and_then(|l| l.figure(measure, stock)).map(|figure| {
                        let rounding = release.rounding(measure, stock);
                        let agreement = if year_to_date {
                            Agreement::NotComparable(NOT_COMPARABLE_YEAR_TO_DATE)
                        } else {
                            compare_with_published(measure, figure, rounding, own.numerator, own.denominator)
                        };
                        Published { figure: *figure, rounding, agreement }
                    });
                    Compared {
                        measure,
                        stock,
                        own,
                        sector: Distribution::of_landlords(&release.landlords, measure, stock).map(place),
                        peers: peer_landlords
                            .as_ref()
                            .and_then(|p| Distribution::of_landlords(p.iter().copied(), measure, stock))
                            .map(place),
                        not_placed,
                        published,
                    }
                })
                .collect()
        }
    };
    Benchmarks {
        year,
        to,
        year_to_date,
        given: releases.iter().map(Source::of).collect(),
        release: chosen.map(|r| Chosen { source: Source::of(r), covers_run_year: r.year == year }),
        landlord: config
            .landlord_code
            .as_ref()
            .map(|code| Landlord { code: code.trim().to_uppercase(), name: own_row.map(|l| l.name.clone()) }),
        peers,
        figures,
    }
}

/// The measure and stock of a `tsm.csv` row; None for the "all" rows.
fn measure_of(row: &TsmRow) -> Option<(Measure, Stock)> {
    let stock = match row.stock_type.as_str() {
        "LCRA" => Stock::Lcra,
        "LCHO" => Stock::Lcho,
        _ => return None,
    };
    let measure = match (row.measure, row.stage) {
        (TsmCode::Ch01, Some(1)) => Measure::Ch01Stage1,
        (TsmCode::Ch01, Some(2)) => Measure::Ch01Stage2,
        (TsmCode::Ch02, Some(1)) => Measure::Ch02Stage1,
        (TsmCode::Ch02, Some(2)) => Measure::Ch02Stage2,
        (TsmCode::Tp09, None) => Measure::Tp09,
        _ => return None,
    };
    Some((measure, stock))
}

fn placed(distribution: Distribution, value: Option<f64>, measure: Measure) -> Placed {
    let at = value.map(|v| (v, position(v, &distribution, measure)));
    Placed {
        distribution,
        standing: at.map(|(v, p)| standing(v, p.band, distribution.median)),
        judgement: at.and_then(|(_, p)| p.judgement),
    }
}

fn standing(value: f64, band: Band, median: f64) -> Standing {
    match band {
        Band::AboveUpperQuartile => Standing::AboveUpperQuartile,
        Band::MedianToUpperQuartile if value > median => Standing::AboveMedian,
        Band::MedianToUpperQuartile => Standing::AtMedian,
        Band::LowerQuartileToMedian => Standing::BelowMedian,
        Band::BelowLowerQuartile => Standing::BelowLowerQuartile,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const QUARTERS: Distribution =
        Distribution { count: 4, lower_quartile: 1.75, median: 2.5, upper_quartile: 3.25 };

    fn stand(value: f64, measure: Measure) -> (Option<Standing>, Option<Judgement>) {
        let p = placed(QUARTERS, Some(value), measure);
        (p.standing, p.judgement)
    }

    #[test]
    fn where_our_attributes_came_from_is_written_in_lower_case() {
        for (from, written) in [
            (AttributesFrom::Release, "release"),
            (AttributesFrom::Config, "config"),
            (AttributesFrom::None, "none"),
        ] {
            assert_eq!(serde_json::to_value(from).unwrap(), written);
        }
    }

    #[test]
    fn a_value_on_the_median_is_at_it_not_above() {
        assert_eq!(stand(2.5, Measure::Ch02Stage1), (Some(Standing::AtMedian), None));
        assert_eq!(stand(2.6, Measure::Ch02Stage1), (Some(Standing::AboveMedian), Some(Judgement::Better)));
        assert_eq!(stand(3.25, Measure::Tp09).0, Some(Standing::AboveMedian));
        assert_eq!(stand(3.3, Measure::Tp09).0, Some(Standing::AboveUpperQuartile));
        assert_eq!(stand(1.75, Measure::Tp09), (Some(Standing::BelowMedian), Some(Judgement::Worse)));
        assert_eq!(stand(1.7, Measure::Tp09).0, Some(Standing::BelowLowerQuartile));
    }

    #[test]
    fn ch01_stands_but_is_never_judged() {
        assert_eq!(stand(4.0, Measure::Ch01Stage1), (Some(Standing::AboveUpperQuartile), None));
        assert_eq!(stand(1.0, Measure::Ch01Stage2), (Some(Standing::BelowLowerQuartile), None));
    }

    #[test]
    fn no_value_no_standing() {
        let p = placed(QUARTERS, None, Measure::Ch02Stage2);
        assert_eq!((p.standing, p.judgement), (None, None));
    }

    #[test]
    fn the_release_of_the_year_else_the_latest_earlier_never_a_later() {
        let fy = FinancialYear;
        let given = [fy(2023), fy(2024)];
        assert_eq!(chosen_year(&given, fy(2024)), Some(fy(2024)));
        assert_eq!(chosen_year(&given, fy(2023)), Some(fy(2023)));
        assert_eq!(chosen_year(&given, fy(2026)), Some(fy(2024)));
        assert_eq!(chosen_year(&[fy(2024), fy(2021)], fy(2023)), Some(fy(2021)));
        assert_eq!(chosen_year(&given, fy(2022)), None);
        assert_eq!(chosen_year(&[], fy(2024)), None);
    }
}
