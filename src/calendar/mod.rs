//! Working days, by the rules of domain.md section 3.
//!
//! A working day is a Monday to Friday that is neither a bank holiday of the
//! landlord's division nor one of the landlord's extra closure days. All the
//! arithmetic reduces to two lookup tables built once per run:
//!
//! * `through[d]`: how many working days fall on or before date `d`;
//! * `nth[k]`: the date of the k-th working day of the calendar.
//!
//! "Day 0" of a clock started on date `d` is `d` itself if it is a working
//! day. If it is not, the landlord's [`NonWorkingReceipt`] rule decides: the
//! next working day, whose ordinal is `through[d - 1] + 1` (the default), or
//! the previous one, whose ordinal is `through[d]` (an error when no working
//! day of the calendar comes before `d`). The rule's ordinal for every date is
//! kept as a third table, `day_zero[d]`, which the scalar and the vectorised
//! forms both read, so the two cannot disagree on it. "N working days after day 0" is
//! `nth[ordinal + N]`; "working days taken up to `r`" is `through[r] - ordinal`.
//! The same tables are handed to polars as literal series, so the whole frame
//! is computed with `gather`s, never a per-row loop.

use std::collections::BTreeSet;
use std::path::Path;

use chrono::{Datelike, NaiveDate, Weekday};
use polars::prelude::*;
use serde::Deserialize;

use crate::config::{Division, NonWorkingReceipt};
use crate::error::{Error, Result};

/// The bank holidays 2019-2028 as gov.uk publishes them (`bank-holidays.json`).
pub const EMBEDDED_BANK_HOLIDAYS: &str = include_str!("bank-holidays.json");

#[derive(Debug, Deserialize)]
struct GovUkDivision {
    events: Vec<GovUkEvent>,
}

#[derive(Debug, Deserialize)]
struct GovUkEvent {
    date: NaiveDate,
}

/// Which holiday data a calendar was built from, for the run manifest.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CalendarSource {
    pub division: Division,
    pub bank_holidays: String,
    pub first_year: i32,
    pub last_year: i32,
    pub closure_days: Vec<NaiveDate>,
    pub non_working_receipt: NonWorkingReceipt,
}

#[derive(Debug, Clone)]
pub struct Calendar {
    first: NaiveDate,
    last: NaiveDate,
    /// `through[i + 1]` = working days on or before `first + i`; `through[0]`
    /// is the day before `first`, so that `d - 1` is always addressable.
    through: Vec<u32>,
    /// `nth[k]` = the k-th working day (1-based; `nth[0]` is a placeholder).
    nth: Vec<NaiveDate>,
    /// `day_zero[i]` = the ordinal of day 0 of a clock started on `first + i`
    /// under `source.non_working_receipt`; None where that rule finds no
    /// working day inside the calendar.
    day_zero: Vec<Option<u32>>,
    source: CalendarSource,
}

/// The day-0 table for a rule (see the module comment).
fn day_zero_table(through: &[u32], rule: NonWorkingReceipt) -> Vec<Option<u32>> {
    match rule {
        NonWorkingReceipt::NextWorkingDay => {
            through[..through.len() - 1].iter().map(|t| Some(t + 1)).collect()
        }
        // A working day is its own last working day, so `through[d]` serves
        // both cases; 0 means none on or before `d`.
        NonWorkingReceipt::PreviousWorkingDay => through[1..].iter().map(|&t| (t > 0).then_some(t)).collect(),
    }
}

impl Calendar {
    /// The calendar from the bank holidays bundled with redress. Like every
    /// constructor it places day 0 by the default rule: a calendar built from
    /// a configuration also takes [`Calendar::with_non_working_receipt`].
    pub fn embedded(division: Division, closure_days: &[NaiveDate]) -> Result<Self> {
        Self::from_gov_uk_json(EMBEDDED_BANK_HOLIDAYS, "embedded (gov.uk 2019-2028)", division, closure_days)
    }

    /// The calendar from a gov.uk `bank-holidays.json` file the landlord supplies.
    pub fn from_file(path: &Path, division: Division, closure_days: &[NaiveDate]) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::Calendar(format!("cannot read bank holidays file {}: {e}", path.display()))
        })?;
        Self::from_gov_uk_json(&text, &path.display().to_string(), division, closure_days)
    }

    pub fn from_gov_uk_json(
        json: &str,
        origin: &str,
        division: Division,
        closure_days: &[NaiveDate],
    ) -> Result<Self> {
        let mut file: std::collections::HashMap<String, GovUkDivision> = serde_json::from_str(json)
            .map_err(|e| Error::Calendar(format!("{origin} is not a gov.uk bank-holidays.json file: {e}")))?;
        let events = file
            .remove(division.key())
            .ok_or_else(|| Error::Calendar(format!("{origin} has no '{}' division", division.key())))?
            .events;
        let holidays: BTreeSet<NaiveDate> = events.iter().map(|e| e.date).collect();
        let (Some(first_hol), Some(last_hol)) = (holidays.first(), holidays.last()) else {
            return Err(Error::Calendar(format!("{origin} lists no bank holidays for {}", division.key())));
        };
        let first = NaiveDate::from_ymd_opt(first_hol.year(), 1, 1).expect("1 January exists");
        let last = NaiveDate::from_ymd_opt(last_hol.year(), 12, 31).expect("31 December exists");
        for &day in closure_days {
            if day < first || day > last {
                return Err(Error::Calendar(format!(
                    "closure day {day} is outside the calendar's years {}-{}",
                    first.year(),
                    last.year()
                )));
            }
        }
        let closures: BTreeSet<NaiveDate> = closure_days.iter().copied().collect();
        let mut through = vec![0u32];
        let mut nth = vec![first];
        let mut count = 0u32;
        for day in first.iter_days().take_while(|d| *d <= last) {
            let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
            if !weekend && !holidays.contains(&day) && !closures.contains(&day) {
                count += 1;
                nth.push(day);
            }
            through.push(count);
        }
        let non_working_receipt = NonWorkingReceipt::default();
        Ok(Calendar {
            first,
            last,
            day_zero: day_zero_table(&through, non_working_receipt),
            through,
            nth,
            source: CalendarSource {
                division,
                bank_holidays: origin.to_string(),
                first_year: first.year(),
                last_year: last.year(),
                closure_days: closures.into_iter().collect(),
                non_working_receipt,
            },
        })
    }

    /// The same calendar with day 0 of a clock started on a non-working day
    /// placed by `rule`.
    pub fn with_non_working_receipt(mut self, rule: NonWorkingReceipt) -> Self {
        self.day_zero = day_zero_table(&self.through, rule);
        self.source.non_working_receipt = rule;
        self
    }

    pub fn non_working_receipt(&self) -> NonWorkingReceipt {
        self.source.non_working_receipt
    }

    /// The first date a clock can start on: the calendar's first day, or
    /// under the previous-working-day rule its first working day (a clock
    /// started before that has no day 0 the calendar knows).
    pub fn first_clock_start(&self) -> NaiveDate {
        let i = self.day_zero.iter().position(Option::is_some).unwrap_or(self.day_zero.len());
        self.first + chrono::Days::new(i as u64)
    }

    pub fn source(&self) -> &CalendarSource {
        &self.source
    }

    pub fn first_day(&self) -> NaiveDate {
        self.first
    }

    pub fn last_day(&self) -> NaiveDate {
        self.last
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        day >= self.first && day <= self.last
    }

    fn offset(&self, day: NaiveDate) -> Result<usize> {
        if !self.contains(day) {
            return Err(Error::Calendar(format!(
                "{day} is outside the working-day calendar ({}-{}); supply a newer gov.uk bank-holidays.json in [calendar] bank_holidays_file",
                self.first.year(),
                self.last.year()
            )));
        }
        Ok((day - self.first).num_days() as usize)
    }

    pub fn is_working_day(&self, day: NaiveDate) -> Result<bool> {
        let i = self.offset(day)?;
        Ok(self.through[i + 1] > self.through[i])
    }

    /// Working days on or before `day`, counted from the calendar's start.
    pub fn working_days_through(&self, day: NaiveDate) -> Result<u32> {
        Ok(self.through[self.offset(day)? + 1])
    }

    /// The ordinal of day 0 for a clock started on `day`.
    fn day_zero_ordinal(&self, day: NaiveDate) -> Result<u32> {
        self.day_zero[self.offset(day)?].ok_or_else(|| {
            Error::Calendar(format!(
                "{day} has no working day on or before it in the working-day calendar ({}-{}), so no day 0 under non_working_receipt = \"previous_working_day\"; supply a gov.uk bank-holidays.json with earlier years in [calendar] bank_holidays_file",
                self.first.year(),
                self.last.year()
            ))
        })
    }

    fn nth(&self, ordinal: u32) -> Result<NaiveDate> {
        self.nth.get(ordinal as usize).copied().ok_or_else(|| {
            Error::Calendar(format!(
                "the result falls after the calendar's last year {}; supply a newer gov.uk bank-holidays.json",
                self.last.year()
            ))
        })
    }

    /// Day 0 of a clock started on `day`: that day if it is a working day,
    /// otherwise the next or the previous working day, by the calendar's
    /// [`NonWorkingReceipt`] rule.
    pub fn day_zero(&self, day: NaiveDate) -> Result<NaiveDate> {
        self.nth(self.day_zero_ordinal(day)?)
    }

    /// The last day that is "within `n` working days" of `from`: the n-th
    /// working day after day 0.
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> Result<NaiveDate> {
        self.nth(self.day_zero_ordinal(from)? + n)
    }

    /// Working days after day 0 of `from` up to and including `to`. Negative
    /// when `to` falls before day 0 (under the next-working-day rule, a reply
    /// on the weekend it was received).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> Result<i64> {
        Ok(i64::from(self.working_days_through(to)?) - i64::from(self.day_zero_ordinal(from)?))
    }

    // ---- vectorised forms, for whole frames -------------------------------

    fn epoch_offset(&self, date: Expr) -> Expr {
        date.cast(DataType::Int32) - lit(crate::period::epoch_days(self.first))
    }

    fn through_series(&self) -> Series {
        Series::new("through".into(), &self.through)
    }

    fn nth_series(&self) -> Series {
        Series::new("nth".into(), &self.nth)
    }

    /// `through[d]` for a date column (dates must lie inside the calendar).
    pub fn through_expr(&self, date: Expr) -> Expr {
        let idx = (self.epoch_offset(date) + lit(1)).cast(DataType::UInt32);
        lit(self.through_series()).gather(idx, true).cast(DataType::Int32)
    }

    /// The ordinal of day 0 for a date column; null where the rule finds no
    /// working day inside the calendar.
    pub fn day_zero_ordinal_expr(&self, date: Expr) -> Expr {
        let idx = self.epoch_offset(date).cast(DataType::UInt32);
        lit(Series::new("day_zero".into(), &self.day_zero)).gather(idx, true).cast(DataType::Int32)
    }

    /// The date of working day `ordinal`; null past the calendar's end.
    pub fn nth_expr(&self, ordinal: Expr) -> Expr {
        lit(self.nth_series()).gather(ordinal.cast(DataType::UInt32), true)
    }
}

/// A date as a polars `Date` literal. (`lit(NaiveDate)` is a nanosecond
/// datetime, which cannot hold years far from today, so comparisons with it
/// silently fail for a mistyped year such as 0025 or 2525.)
pub fn date_lit(day: NaiveDate) -> Expr {
    lit(crate::period::epoch_days(day)).cast(DataType::Date)
}

#[cfg(test)]
mod tests;
