//! Reporting periods: a calendar month, a financial quarter or a financial
//! year (1 April to 31 March), and the `latest-*` forms a cron line uses.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A financial year, named by the calendar year it starts in: 2025 is "2025-26".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FinancialYear(pub i32);

impl FinancialYear {
    pub fn containing(day: NaiveDate) -> Self {
        FinancialYear(if day.month() >= 4 { day.year() } else { day.year() - 1 })
    }
    pub fn start(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0, 4, 1).expect("1 April exists")
    }
    pub fn end(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0 + 1, 3, 31).expect("31 March exists")
    }
}

impl fmt::Display for FinancialYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:02}", self.0, (self.0 + 1).rem_euclid(100))
    }
}

impl FromStr for FinancialYear {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let bad = || format!("'{s}' is not a financial year like 2025-26");
        let (start, end) = s.split_once('-').ok_or_else(bad)?;
        if start.len() != 4 || end.len() != 2 {
            return Err(bad());
        }
        let start: i32 = start.parse().map_err(|_| bad())?;
        let end: i32 = end.parse().map_err(|_| bad())?;
        if (start + 1).rem_euclid(100) != end {
            return Err(format!(
                "'{s}' is not a financial year: {start} is followed by {:02}",
                (start + 1) % 100
            ));
        }
        Ok(FinancialYear(start))
    }
}

impl Serialize for FinancialYear {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for FinancialYear {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// How long a period is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Granularity {
    Month,
    Quarter,
    Year,
}

/// A reporting period. Every period is identified by a small integer `index`
/// within its granularity (months since year 0, financial quarters since year 0,
/// financial years), which is what the metrics stage groups on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Period {
    Month { year: i32, month: u32 },
    Quarter { year: FinancialYear, quarter: u32 },
    Year(FinancialYear),
}

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Period {
    pub fn granularity(&self) -> Granularity {
        match self {
            Period::Month { .. } => Granularity::Month,
            Period::Quarter { .. } => Granularity::Quarter,
            Period::Year(_) => Granularity::Year,
        }
    }

    pub fn start(&self) -> NaiveDate {
        match *self {
            Period::Month { year, month } => NaiveDate::from_ymd_opt(year, month, 1).expect("valid month"),
            Period::Quarter { year, quarter } => year.start() + Months::new(3 * (quarter - 1)),
            Period::Year(fy) => fy.start(),
        }
    }

    pub fn end(&self) -> NaiveDate {
        let months = match self {
            Period::Month { .. } => 1,
            Period::Quarter { .. } => 3,
            Period::Year(_) => 12,
        };
        self.start() + Months::new(months) - chrono::Days::new(1)
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        day >= self.start() && day <= self.end()
    }

    pub fn financial_year(&self) -> FinancialYear {
        FinancialYear::containing(self.start())
    }

    /// The group key of this period (see [`Granularity`] keys in the metrics stage).
    pub fn index(&self) -> i32 {
        let months = month_index(self.start());
        match self.granularity() {
            Granularity::Month => months,
            Granularity::Quarter => (months - 3).div_euclid(3),
            Granularity::Year => (months - 3).div_euclid(12),
        }
    }

    pub fn from_index(granularity: Granularity, index: i32) -> Period {
        let months = match granularity {
            Granularity::Month => index,
            Granularity::Quarter => index * 3 + 3,
            Granularity::Year => index * 12 + 3,
        };
        let start = NaiveDate::from_ymd_opt(months.div_euclid(12), months.rem_euclid(12) as u32 + 1, 1)
            .expect("valid month");
        Period::of(granularity, start)
    }

    /// The period of a granularity that contains a day.
    pub fn of(granularity: Granularity, day: NaiveDate) -> Period {
        let fy = FinancialYear::containing(day);
        match granularity {
            Granularity::Month => Period::Month { year: day.year(), month: day.month() },
            Granularity::Quarter => {
                let months_in = (day.month() + 12 - 4) % 12;
                Period::Quarter { year: fy, quarter: months_in / 3 + 1 }
            }
            Granularity::Year => Period::Year(fy),
        }
    }

    /// The period `n` steps before this one (same granularity).
    pub fn back(&self, n: i32) -> Period {
        Period::from_index(self.granularity(), self.index() - n)
    }

    pub fn previous(&self) -> Period {
        self.back(1)
    }

    pub fn same_period_last_year(&self) -> Period {
        match self.granularity() {
            Granularity::Month => self.back(12),
            Granularity::Quarter => self.back(4),
            Granularity::Year => self.back(1),
        }
    }

    /// The last complete period of a granularity ending before `as_of`.
    pub fn latest_complete(granularity: Granularity, as_of: NaiveDate) -> Period {
        Period::of(granularity, as_of).previous()
    }

    /// Resolve a `--period` argument: `2025-09`, `2025-26-Q2`, `2025-26`,
    /// `latest-month`, `latest-quarter` or `latest-year`.
    pub fn parse(text: &str, as_of: NaiveDate) -> Result<Period> {
        let t = text.trim();
        match t.to_ascii_lowercase().as_str() {
            "latest-month" => return Ok(Period::latest_complete(Granularity::Month, as_of)),
            "latest-quarter" => return Ok(Period::latest_complete(Granularity::Quarter, as_of)),
            "latest-year" => return Ok(Period::latest_complete(Granularity::Year, as_of)),
            _ => {}
        }
        let bad = || {
            Error::Usage(format!(
                "period '{t}' is not one of: a month (2025-09), a financial quarter (2025-26-Q2), \
                 a financial year (2025-26), latest-month, latest-quarter, latest-year"
            ))
        };
        let parts: Vec<&str> = t.split('-').collect();
        match parts.as_slice() {
            [y, q]
                if q.len() == 2 && y.len() == 4 && t.chars().nth(5).is_some_and(|c| c.is_ascii_digit()) =>
            {
                let year: i32 = y.parse().map_err(|_| bad())?;
                let n: u32 = q.parse().map_err(|_| bad())?;
                // "2025-26" is a financial year; "2025-09" a month. A month
                // number is 1-12 and a year's successor never is 1-12 unless
                // the century turns (2099-00 or 2010-11, which is ambiguous!).
                if (year + 1).rem_euclid(100) == n as i32 {
                    Ok(Period::Year(FinancialYear(year)))
                } else if (1..=12).contains(&n) {
                    Ok(Period::Month { year, month: n })
                } else {
                    Err(bad())
                }
            }
            [_, _, q] if q.len() == 2 && q.to_ascii_uppercase().starts_with('Q') => {
                let fy: FinancialYear = t[..7].parse().map_err(|_| bad())?;
                let quarter: u32 = q[1..].parse().map_err(|_| bad())?;
                if !(1..=4).contains(&quarter) {
                    return Err(bad());
                }
                Ok(Period::Quarter { year: fy, quarter })
            }
            _ => Err(bad()),
        }
    }

    /// A short label for headings: "September 2025", "Q2 2025-26", "2025-26".
    pub fn label(&self) -> String {
        match *self {
            Period::Month { year, month } => format!("{} {year}", MONTH_NAMES[month as usize - 1]),
            Period::Quarter { year, quarter } => format!("Q{quarter} {year}"),
            Period::Year(fy) => fy.to_string(),
        }
    }
}

/// Months since the start of year 0 for a date: the basis of every period key.
pub fn month_index(day: NaiveDate) -> i32 {
    day.year() * 12 + day.month0() as i32
}

/// A polars date (days since 1970-01-01) as a calendar date; None beyond
/// the years chrono holds.
pub fn epoch_day(days: i32) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(days.checked_add(CE_TO_EPOCH)?)
}

/// A calendar date as a polars date: days since 1970-01-01.
pub fn epoch_days(day: NaiveDate) -> i32 {
    day.num_days_from_ce() - CE_TO_EPOCH
}

/// Days from 1 January of year 1 to 1 January 1970.
const CE_TO_EPOCH: i32 = 719_163;

impl fmt::Display for Period {
    /// The period's identifier, also its output folder name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Month { year, month } => write!(f, "{year}-{month:02}"),
            Period::Quarter { year, quarter } => write!(f, "{year}-Q{quarter}"),
            Period::Year(fy) => write!(f, "{fy}"),
        }
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn an_epoch_day_is_days_since_1970_and_none_past_chronos_years() {
        assert_eq!(epoch_day(0), Some(d("1970-01-01")));
        assert_eq!(epoch_day(20_454), Some(d("2026-01-01")));
        assert_eq!(epoch_day(-1), Some(d("1969-12-31")));
        // A null slot may hold any number: none of these may panic.
        assert_eq!(epoch_day(i32::MAX), None);
        assert_eq!(epoch_day(i32::MIN), None);
    }

    #[test]
    fn epoch_days_is_the_day_number_epoch_day_reads() {
        for (days, date) in
            [(0, "1970-01-01"), (20_454, "2026-01-01"), (-1, "1969-12-31"), (-719_162, "0001-01-01")]
        {
            assert_eq!(epoch_days(d(date)), days);
            assert_eq!(epoch_day(days), Some(d(date)));
        }
    }

    #[test]
    fn parses_each_form() {
        let as_of = d("2026-11-24");
        assert_eq!(Period::parse("2025-09", as_of).unwrap(), Period::Month { year: 2025, month: 9 });
        let q = Period::parse("2025-26-Q2", as_of).unwrap();
        assert_eq!((q.start(), q.end()), (d("2025-07-01"), d("2025-09-30")));
        let y = Period::parse("2025-26", as_of).unwrap();
        assert_eq!((y.start(), y.end()), (d("2025-04-01"), d("2026-03-31")));
        assert_eq!(q.to_string(), "2025-26-Q2");
        assert!(Period::parse("2025-26-Q5", as_of).is_err());
        assert!(Period::parse("2025-13", as_of).is_err());
        assert!(Period::parse("Q2", as_of).is_err());
    }

    #[test]
    fn latest_means_the_last_complete_period_before_as_of() {
        let as_of = d("2026-11-24");
        assert_eq!(Period::parse("latest-month", as_of).unwrap().to_string(), "2026-10");
        assert_eq!(Period::parse("latest-quarter", as_of).unwrap().to_string(), "2026-27-Q2");
        assert_eq!(Period::parse("latest-year", as_of).unwrap().to_string(), "2025-26");
        // On the first day of a quarter the quarter just ended is complete.
        assert_eq!(Period::parse("latest-quarter", d("2026-04-01")).unwrap().to_string(), "2025-26-Q4");
        assert_eq!(Period::parse("latest-year", d("2026-03-31")).unwrap().to_string(), "2024-25");
    }

    #[test]
    fn quarters_run_april_to_march() {
        assert_eq!(Period::of(Granularity::Quarter, d("2026-01-15")).to_string(), "2025-26-Q4");
        assert_eq!(Period::of(Granularity::Quarter, d("2025-04-01")).to_string(), "2025-26-Q1");
        assert_eq!(Period::of(Granularity::Quarter, d("2025-12-31")).to_string(), "2025-26-Q3");
        let q = Period::parse("2025-26-Q1", d("2026-01-01")).unwrap();
        assert_eq!(q.previous().to_string(), "2024-25-Q4");
        assert_eq!(q.same_period_last_year().to_string(), "2024-25-Q1");
    }

    #[test]
    fn index_round_trips() {
        for g in [Granularity::Month, Granularity::Quarter, Granularity::Year] {
            for day in [d("2019-01-01"), d("2024-03-31"), d("2024-04-01"), d("2028-12-31")] {
                let p = Period::of(g, day);
                assert_eq!(Period::from_index(g, p.index()), p);
                assert!(p.contains(day));
            }
        }
    }
}
