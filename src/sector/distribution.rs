//! Quartiles of a measure over a set of landlords, and where one value sits
//! among them.

use serde::Serialize;

use super::{Direction, Landlord, Measure, Stock};

/// The quartile method, in words a report can print under a benchmark table.
pub const QUARTILE_METHOD: &str = "Quartiles are calculated as Excel's QUARTILE.INC does (R's type 7): \
     the published values are sorted and the quartile is read at position (n − 1) × p counting from 0 \
     (p = 0.25, 0.5, 0.75), interpolating linearly between the two neighbouring values; landlords \
     whose figure is not published are left out.";

/// The `p`-quantile of ascending `sorted` values by linear interpolation
/// between closest ranks, as Excel's `QUARTILE.INC`/`PERCENTILE.INC` and R's
/// default (type 7) compute it: position h = (n − 1)·p counting from 0, then
/// x\[⌊h⌋\] + (h − ⌊h⌋)·(x\[⌊h⌋ + 1\] − x\[⌊h⌋\]). Chosen because it is what an
/// analyst checking a report in Excel gets, and it never leaves the range of
/// the data. `None` for no values or `p` outside 0..=1.
pub fn quartile_inc(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() || !(0.0..=1.0).contains(&p) {
        return None;
    }
    let position = (sorted.len() - 1) as f64 * p;
    let below = position.floor() as usize;
    let fraction = position - below as f64;
    let low = sorted[below];
    Some(match sorted.get(below + 1) {
        Some(&high) if fraction > 0.0 => low + fraction * (high - low),
        _ => low,
    })
}

/// How many landlords published a figure and its quartiles.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Distribution {
    pub count: usize,
    pub lower_quartile: f64,
    pub median: f64,
    pub upper_quartile: f64,
}

impl Distribution {
    /// Quartiles of the finite values; `None` when there are none.
    pub fn of(values: impl IntoIterator<Item = f64>) -> Option<Distribution> {
        let mut sorted: Vec<f64> = values.into_iter().filter(|v| v.is_finite()).collect();
        sorted.sort_by(f64::total_cmp);
        Some(Distribution {
            count: sorted.len(),
            lower_quartile: quartile_inc(&sorted, 0.25)?,
            median: quartile_inc(&sorted, 0.5)?,
            upper_quartile: quartile_inc(&sorted, 0.75)?,
        })
    }

    /// Quartiles of one measure for one stock over these landlords, leaving
    /// out those with no published value (a marker is never a 0).
    pub fn of_landlords<'a>(
        landlords: impl IntoIterator<Item = &'a Landlord>,
        measure: Measure,
        stock: Stock,
    ) -> Option<Distribution> {
        Distribution::of(landlords.into_iter().filter_map(|l| l.value(measure, stock)))
    }
}

/// Which quarter of the distribution a value falls in. A value equal to a
/// quartile belongs to the inner band: at the lower quartile it is
/// "lower quartile to median", at the median or the upper quartile it is
/// "median to upper quartile".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Band {
    BelowLowerQuartile,
    LowerQuartileToMedian,
    MedianToUpperQuartile,
    AboveUpperQuartile,
}

impl Band {
    pub fn phrase(self) -> &'static str {
        match self {
            Band::BelowLowerQuartile => "below the lower quartile",
            Band::LowerQuartileToMedian => "between the lower quartile and the median",
            Band::MedianToUpperQuartile => "between the median and the upper quartile",
            Band::AboveUpperQuartile => "above the upper quartile",
        }
    }
}

/// Better or worse than the median, for a measure where higher is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Judgement {
    Better,
    Worse,
}

/// Where a value sits: its band always, a judgement only where the measure
/// has a better direction and the value is off the median.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Position {
    pub band: Band,
    pub judgement: Option<Judgement>,
}

/// Place `value` in `distribution`. The judgement compares with the median,
/// so "better" means better than the middle landlord; for CH01 there is none
/// (see [`Measure::direction`]).
pub fn position(value: f64, distribution: &Distribution, measure: Measure) -> Position {
    let d = distribution;
    let band = if value < d.lower_quartile {
        Band::BelowLowerQuartile
    } else if value < d.median {
        Band::LowerQuartileToMedian
    } else if value <= d.upper_quartile {
        Band::MedianToUpperQuartile
    } else {
        Band::AboveUpperQuartile
    };
    let judgement = match measure.direction() {
        Direction::Neither => None,
        Direction::HigherIsBetter if value > d.median => Some(Judgement::Better),
        Direction::HigherIsBetter if value < d.median => Some(Judgement::Worse),
        Direction::HigherIsBetter => None,
    };
    Position { band, judgement }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quartiles(values: &[f64]) -> Option<(usize, f64, f64, f64)> {
        Distribution::of(values.iter().copied())
            .map(|d| (d.count, d.lower_quartile, d.median, d.upper_quartile))
    }

    #[test]
    fn four_values_interpolate_between_ranks() {
        // h = 3p: 0.75 → 1 + 0.75·(2 − 1); 1.5 → 2 + 0.5·(3 − 2); 2.25 → 3 + 0.25·(4 − 3).
        assert_eq!(quartiles(&[1.0, 2.0, 3.0, 4.0]), Some((4, 1.75, 2.5, 3.25)));
    }

    #[test]
    fn unsorted_input_is_sorted_first() {
        assert_eq!(quartiles(&[4.0, 1.0, 3.0, 2.0]), Some((4, 1.75, 2.5, 3.25)));
    }

    #[test]
    fn odd_count_lands_on_ranks() {
        // n = 5: h = 1, 2, 3 exactly.
        assert_eq!(quartiles(&[10.0, 20.0, 30.0, 40.0, 50.0]), Some((5, 20.0, 30.0, 40.0)));
    }

    #[test]
    fn odd_count_with_fractional_positions() {
        // n = 7: h = 1.5, 3, 4.5 → 2 + 0.5·(3 − 2), 5, 8 + 0.5·(13 − 8).
        assert_eq!(quartiles(&[1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 21.0]), Some((7, 2.5, 5.0, 10.5)));
    }

    #[test]
    fn even_count_of_six() {
        // n = 6: h = 1.25, 2.5, 3.75 → 2 + 0.25·2, 4 + 0.5·4, 8 + 0.75·8.
        assert_eq!(quartiles(&[0.0, 2.0, 4.0, 8.0, 16.0, 32.0]), Some((6, 2.5, 6.0, 14.0)));
    }

    #[test]
    fn one_value_is_every_quartile() {
        assert_eq!(quartiles(&[42.0]), Some((1, 42.0, 42.0, 42.0)));
    }

    #[test]
    fn two_values() {
        assert_eq!(quartiles(&[10.0, 20.0]), Some((2, 12.5, 15.0, 17.5)));
    }

    #[test]
    fn no_values_no_distribution() {
        assert_eq!(quartiles(&[]), None);
        assert_eq!(quartile_inc(&[], 0.5), None);
    }

    #[test]
    fn non_finite_values_are_left_out() {
        assert_eq!(quartiles(&[f64::NAN, 1.0, 2.0, 3.0, 4.0, f64::INFINITY]), Some((4, 1.75, 2.5, 3.25)));
    }

    #[test]
    fn extremes_and_out_of_range_p() {
        let sorted = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quartile_inc(&sorted, 0.0), Some(1.0));
        assert_eq!(quartile_inc(&sorted, 1.0), Some(4.0));
        assert_eq!(quartile_inc(&sorted, 1.5), None);
        assert_eq!(quartile_inc(&sorted, -0.1), None);
    }

    const QUARTERS: Distribution =
        Distribution { count: 4, lower_quartile: 1.75, median: 2.5, upper_quartile: 3.25 };

    fn band(value: f64) -> Band {
        position(value, &QUARTERS, Measure::Ch02Stage1).band
    }

    #[test]
    fn bands_between_quartiles() {
        assert_eq!(band(1.0), Band::BelowLowerQuartile);
        assert_eq!(band(2.0), Band::LowerQuartileToMedian);
        assert_eq!(band(3.0), Band::MedianToUpperQuartile);
        assert_eq!(band(4.0), Band::AboveUpperQuartile);
    }

    #[test]
    fn a_value_on_a_quartile_belongs_to_the_inner_band() {
        assert_eq!(band(1.75), Band::LowerQuartileToMedian);
        assert_eq!(band(2.5), Band::MedianToUpperQuartile);
        assert_eq!(band(3.25), Band::MedianToUpperQuartile);
    }

    #[test]
    fn higher_is_better_judged_against_the_median() {
        let judge = |v, m| position(v, &QUARTERS, m).judgement;
        assert_eq!(judge(3.0, Measure::Ch02Stage2), Some(Judgement::Better));
        assert_eq!(judge(4.0, Measure::Tp09), Some(Judgement::Better));
        assert_eq!(judge(2.0, Measure::Ch02Stage1), Some(Judgement::Worse));
        assert_eq!(judge(1.0, Measure::Tp09), Some(Judgement::Worse));
        assert_eq!(judge(2.5, Measure::Tp09), None);
    }

    #[test]
    fn ch01_is_never_better_or_worse() {
        for value in [0.0, 1.0, 1.75, 2.5, 3.0, 100.0] {
            for measure in [Measure::Ch01Stage1, Measure::Ch01Stage2] {
                assert_eq!(position(value, &QUARTERS, measure).judgement, None);
            }
        }
        assert_eq!(position(100.0, &QUARTERS, Measure::Ch01Stage1).band, Band::AboveUpperQuartile);
    }

    #[test]
    fn a_flat_distribution_puts_its_value_at_the_median() {
        let flat = Distribution { count: 9, lower_quartile: 100.0, median: 100.0, upper_quartile: 100.0 };
        assert_eq!(
            position(100.0, &flat, Measure::Ch02Stage2),
            Position { band: Band::MedianToUpperQuartile, judgement: None }
        );
        assert_eq!(
            position(99.0, &flat, Measure::Ch02Stage2),
            Position { band: Band::BelowLowerQuartile, judgement: Some(Judgement::Worse) }
        );
    }
}
