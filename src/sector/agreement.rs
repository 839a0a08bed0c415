//! Does the landlord's figure in the Regulator's release agree with the one
//! redress computes from its cases? A difference usually means a different
//! homes count, a stage counted differently, or a late correction, and a
//! report should say so before it benchmarks either figure.

use serde::Serialize;

use super::{Figure, Measure, Rounding};

/// The rule [`compare_with_published`] applies, in words for a report.
pub const AGREEMENT_RULE: &str = "Our figure is rounded as the release rounds that column (2024-25: \
     1 decimal place, half up; 2023-24: LCRA unrounded, LCHO and combined whole numbers) and must \
     then equal the published value to within one part in a billion (floating-point noise); where the \
     release publishes the numerator and denominator, ours must equal them exactly.";

/// Within this relative distance two values are the same number written two
/// ways (N × 1000 ÷ D against N ÷ D × 1000 differ in the last bits).
const RELATIVE_TOLERANCE: f64 = 1e-9;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Agreement {
    Equal,
    Differs(Difference),
    /// Nothing to compare, and why.
    NotComparable(&'static str),
}

/// What differs. Each count pair is (published, ours) and is present only
/// when the two differ.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Difference {
    pub published: f64,
    /// Ours, rounded as the release rounds.
    pub own: f64,
    pub numerator: Option<(f64, f64)>,
    pub denominator: Option<(f64, f64)>,
}

/// Compare a published figure (value, and numerator and denominator where
/// given) with redress's own numerator and denominator for the same measure,
/// by [`AGREEMENT_RULE`]. `rounding` is the release's for that column
/// ([`super::Release::rounding`]).
pub fn compare_with_published(
    measure: Measure,
    published: &Figure,
    rounding: Rounding,
    own_numerator: f64,
    own_denominator: f64,
) -> Agreement {
    let Some(published_value) = published.value else {
        return Agreement::NotComparable("the release gives no value for this figure");
    };
    if own_denominator <= 0.0 {
        return Agreement::NotComparable("our denominator is 0, so we have no value to compare");
    }
    let own = rounding.apply(own_numerator / own_denominator * measure.scale());
    let difference = Difference {
        published: published_value,
        own,
        numerator: differing(published.numerator, own_numerator),
        denominator: differing(published.denominator, own_denominator),
    };
    if same(published_value, own) && difference.numerator.is_none() && difference.denominator.is_none() {
        Agreement::Equal
    } else {
        Agreement::Differs(difference)
    }
}

fn same(a: f64, b: f64) -> bool {
    (a - b).abs() <= RELATIVE_TOLERANCE * a.abs().max(b.abs()).max(1.0)
}

fn differing(published: Option<f64>, own: f64) -> Option<(f64, f64)> {
    published.filter(|&p| p != own).map(|p| (p, own))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sector::MissingParts;

    fn figure(value: f64, numerator: f64, denominator: f64) -> Figure {
        Figure {
            value: Some(value),
            numerator: Some(numerator),
            denominator: Some(denominator),
            missing: MissingParts::default(),
        }
    }

    const ONE_DP: Rounding = Rounding::HalfUp { decimals: 1 };

    #[test]
    fn rounded_release_agrees_after_rounding_ours_the_same_way() {
        // 1960 ÷ 2468 × 100 = 79.416…, published as 79.4.
        let published = figure(79.4, 1960.0, 2468.0);
        assert_eq!(
            compare_with_published(Measure::Ch02Stage1, &published, ONE_DP, 1960.0, 2468.0),
            Agreement::Equal
        );
    }

    #[test]
    fn half_rounds_up_as_the_release_does() {
        // 1401 ÷ 2000 × 100 = 70.05 → 70.1, not 70.0.
        let published = figure(70.1, 1401.0, 2000.0);
        assert_eq!(
            compare_with_published(Measure::Ch02Stage1, &published, ONE_DP, 1401.0, 2000.0),
            Agreement::Equal
        );
        let published = figure(70.0, 1401.0, 2000.0);
        assert!(matches!(
            compare_with_published(Measure::Ch02Stage1, &published, ONE_DP, 1401.0, 2000.0),
            Agreement::Differs(_)
        ));
    }

    #[test]
    fn unrounded_release_agrees_up_to_floating_point_noise() {
        // Published as 3250 × 1000 ÷ 21406 by the Regulator; ours ÷ then ×.
        let published = figure(3250.0 * 1000.0 / 21406.0, 3250.0, 21406.0);
        let agreement =
            compare_with_published(Measure::Ch01Stage1, &published, Rounding::Unrounded, 3250.0, 21406.0);
        assert_eq!(agreement, Agreement::Equal);
    }

    #[test]
    fn a_different_homes_count_is_reported_even_where_the_rounded_values_agree() {
        // 2468 per 35317 homes and per 35320 homes both print as 69.9.
        let published = figure(69.9, 2468.0, 35317.0);
        let agreement = compare_with_published(Measure::Ch01Stage1, &published, ONE_DP, 2468.0, 35320.0);
        assert_eq!(
            agreement,
            Agreement::Differs(Difference {
                published: 69.9,
                own: 69.9,
                numerator: None,
                denominator: Some((35317.0, 35320.0)),
            })
        );
    }

    #[test]
    fn a_different_value_names_both() {
        let published = figure(79.4, 1960.0, 2468.0);
        let Agreement::Differs(d) =
            compare_with_published(Measure::Ch02Stage1, &published, ONE_DP, 1900.0, 2468.0)
        else {
            panic!("should differ")
        };
        assert_eq!((d.published, d.own), (79.4, 77.0));
        assert_eq!(d.numerator, Some((1960.0, 1900.0)));
        assert_eq!(d.denominator, None);
    }

    #[test]
    fn value_only_release_compares_the_value() {
        let published = Figure { value: Some(41.3), ..Figure::default() };
        assert_eq!(compare_with_published(Measure::Tp09, &published, ONE_DP, 299.0, 724.0), Agreement::Equal);
    }

    #[test]
    fn nothing_to_compare() {
        let marker = Figure::default();
        assert!(matches!(
            compare_with_published(Measure::Tp09, &marker, ONE_DP, 1.0, 2.0),
            Agreement::NotComparable(_)
        ));
        let published = figure(50.0, 1.0, 2.0);
        assert!(matches!(
            compare_with_published(Measure::Ch02Stage2, &published, ONE_DP, 0.0, 0.0),
            Agreement::NotComparable(_)
        ));
    }
}
