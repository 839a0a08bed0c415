//! Published figures: a measure of the catalogue for a stream, a period of
//! whole months and a breakdown group, from the cube's cells, rounded as
//! published and carrying its numerator and denominator.

use serde::Serialize;

use super::catalogue::{Catalogue, MeasureDef, Unit, ALL_BREAKDOWN, BREAKDOWNS};
use super::cube::{Cube, ALL};
use crate::config::Config;
use crate::period::{month_index, FinancialYear, Period};
use crate::schema::case;

/// One published figure.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Figure {
    /// `<stream>_<measure>`, e.g. `stage1_on_time_pct`.
    pub id: String,
    pub measure: String,
    pub stream: String,
    pub period: String,
    pub breakdown: String,
    pub group: String,
    pub unit: Unit,
    /// Rounded as published: 1 decimal place (2 for money); null when the
    /// denominator is 0 or a figure it needs (homes owned) is missing.
    pub value: Option<f64>,
    pub numerator: f64,
    pub denominator: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

pub fn round(value: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (value * f).round() / f
}

/// `numerator ÷ denominator` rounded half away from zero. Scaling the
/// numerator first keeps whole-number ratios exact: 23 of 80 is 28.75 and
/// publishes as 28.8, where 23 / 80 × 100 would be 28.749… and round down.
pub fn round_ratio(numerator: f64, denominator: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (numerator * f / denominator).round() / f
}

fn months_of(period: &Period) -> std::ops::RangeInclusive<i32> {
    month_index(period.start())..=month_index(period.end())
}

/// The rows a figure counts: one group of a breakdown (the group "All" of
/// the whole-landlord breakdown for every row).
#[derive(Clone, Copy)]
pub struct Group<'a> {
    pub breakdown: &'static str,
    pub group: &'a str,
}

pub struct FigureMaker<'a> {
    pub cube: &'a Cube,
    pub catalogue: &'a Catalogue,
    pub config: &'a Config,
}

impl FigureMaker<'_> {
    /// Homes owned for a breakdown group in a financial year: the stock
    /// type's own, or every home given; with a note naming the stock types
    /// whose complaints are counted but whose homes are not given.
    fn homes(
        &self,
        year: FinancialYear,
        months: &std::ops::RangeInclusive<i32>,
        breakdown: &str,
        group: &str,
    ) -> std::result::Result<(f64, Option<String>), String> {
        let Some((_, h)) = self.config.homes_for(year) else {
            return Err(format!("no homes-owned figure for {year} or earlier in [homes]"));
        };
        if breakdown == case::STOCK_TYPE {
            return h.of_stock_type(group).map(|n| (f64::from(n), None)).ok_or_else(|| {
                format!("no homes figure for {group} in [homes] for {year} (give it under others)")
            });
        }
        let missing: Vec<&str> =
            self.cube.stock_types(months).into_iter().filter(|t| h.of_stock_type(t).is_none()).collect();
        let note = (!missing.is_empty()).then(|| {
            format!(
                "counts the complaints of {} residents, whose homes are not in [homes] for {year}",
                missing.join(" and ")
            )
        });
        Ok((f64::from(h.all()), note))
    }

    fn count(
        &self,
        reference: &str,
        months: &std::ops::RangeInclusive<i32>,
        stream: &str,
        Group { breakdown, group }: Group,
    ) -> f64 {
        let r = self.catalogue.count_ref(reference).expect("checked");
        self.cube.counts(months.clone(), r.stream.unwrap_or(stream), breakdown, group)[r.count]
    }

    /// One figure for a measure over any run of whole months.
    pub fn figure(
        &self,
        m: &MeasureDef,
        stream: &str,
        months: &std::ops::RangeInclusive<i32>,
        period_id: &str,
        year: FinancialYear,
        of: Group,
    ) -> Figure {
        let Group { breakdown, group } = of;
        let numerator = self.count(&m.numerator, months, stream, of);
        let mut denominator = m.denominator.as_ref().map(|d| self.count(d, months, stream, of));
        let mut note = None;
        let value = match m.unit {
            Unit::Count => Some(numerator),
            Unit::Gbp => Some(round(numerator, 2)),
            Unit::Percent | Unit::Mean => {
                let d = denominator.expect("checked");
                let scale = if m.unit == Unit::Percent { 100.0 } else { 1.0 };
                (d > 0.0).then(|| round_ratio(numerator * scale, d, 1))
            }
            Unit::Per1000Homes => match self.homes(year, months, breakdown, group) {
                Ok((h, missing)) => {
                    denominator = Some(h);
                    note = if h == 0.0 {
                        Some(format!("no homes of this stock type in [homes] for {year}"))
                    } else {
                        missing
                    };
                    (h > 0.0).then(|| round_ratio(numerator * 1000.0, h, 1))
                }
                Err(why) => {
                    note = Some(why);
                    None
                }
            },
        };
        Figure {
            id: format!("{stream}_{}", m.id),
            measure: m.id.clone(),
            stream: stream.to_string(),
            period: period_id.to_string(),
            breakdown: breakdown.to_string(),
            group: group.to_string(),
            unit: m.unit,
            value,
            numerator: round(numerator, 2),
            denominator,
            note,
        }
    }

    /// Every figure for a period: all measures, streams and breakdown groups
    /// (or only the whole-landlord figures when `all_only`).
    pub fn period_figures(&self, period: &Period, all_only: bool) -> Vec<Figure> {
        let months = months_of(period);
        let id = period.to_string();
        let mut out = Vec::new();
        for breakdown in BREAKDOWNS {
            if all_only && breakdown != ALL_BREAKDOWN {
                continue;
            }
            let groups = if breakdown == ALL_BREAKDOWN {
                vec![ALL.to_string()]
            } else {
                self.cube.groups(&months, breakdown)
            };
            for m in self.catalogue.measures.iter().filter(|m| m.has_breakdown(breakdown)) {
                for stream in &m.streams {
                    for g in &groups {
                        let of = Group { breakdown, group: g };
                        out.push(self.figure(m, stream, &months, &id, period.financial_year(), of));
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_is_half_away_from_zero_at_one_place() {
        assert_eq!(round(12.25, 1), 12.3);
        assert_eq!(round_ratio(80.0, 3.0, 1), 26.7);
        // 23 of 80 is exactly 28.75%: 28.8, not the 28.7 that 23 / 80 * 100 gives.
        assert_eq!(round_ratio(23.0 * 100.0, 80.0, 1), 28.8);
        for d in 1..=1000u32 {
            for n in 0..=d {
                let exact_tenths_x2 = 2000 * u64::from(n) / u64::from(d); // twice the value in tenths, floored
                let r = round_ratio(f64::from(n) * 100.0, f64::from(d), 1);
                // Half away from zero: the result is within half a tenth, ties upward.
                let tenths = (r * 10.0).round() as u64;
                assert!(exact_tenths_x2 / 2 <= tenths && tenths <= exact_tenths_x2 / 2 + 1, "{n}/{d} -> {r}");
                if 2000 * u64::from(n) % u64::from(d) == 0 && exact_tenths_x2 % 2 == 1 {
                    assert_eq!(tenths, exact_tenths_x2 / 2 + 1, "tie {n}/{d} must round up");
                }
            }
        }
    }
}
