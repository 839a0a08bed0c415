//! The simulation: complaints received day by day, each stage acknowledged,
//! extended, answered (or not) with the real working-day calendar, escalated
//! to stage 2, surveyed and taken to the Ombudsman; compliments and other
//! feedback beside them. Rows are written as they are made ([`rows`]).

mod rows;

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, VecDeque};
use std::fmt::Write as _;
use std::io::Write;

use chrono::{Datelike, NaiveDate, Weekday};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::faults::*;
use super::people::*;
use super::vocabulary::*;
use super::{ymd, SampleOptions, AS_OF, END, START};
use crate::calendar::Calendar;
use crate::error::{Error, Result};

// ---- the simulation -----------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    Upheld,
    Partial,
    NotUpheld,
    Withdrawn,
    Refused,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tenure {
    Lcra,
    Lcho,
    /// LCRA, written blank.
    Blank,
    /// Residents outside social stock: in every Code figure, never in the
    /// TSM. The export spells leasehold two ways, one of them the landlord's
    /// own (`[input.stock_types]` in the sample config).
    Leasehold {
        own_spelling: bool,
    },
    MarketRent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Case {
    ref_year: i32,
    ref_seq: u32,
    area: u8,
    category: u8,
    tenure: Tenure,
    channel: u8,
    person: Person,
    iso_dates: bool,
}

/// A stage 2 row waiting for its escalation date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Escalation {
    received: NaiveDate,
    seq: u64,
    case: Case,
}

impl Ord for Escalation {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.received, self.seq).cmp(&(other.received, other.seq))
    }
}

impl PartialOrd for Escalation {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// One simulated complaint stage, already cut off at the run date.
#[derive(Debug, Clone, Copy)]
pub(super) struct StageSim {
    ack: Option<NaiveDate>,
    revised: Option<NaiveDate>,
    responded: Option<NaiveDate>,
    outcome: Option<Outcome>,
    refusal: Option<usize>,
    /// Whole pounds.
    compensation: Option<u32>,
    theme: Option<usize>,
    action: Option<(usize, Option<usize>)>,
    /// A warning shape was applied.
    warned: bool,
}

/// Counts for the summary and the landlord configuration.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Counts {
    pub(super) rows: usize,
    pub(super) complaint_rows: usize,
}

pub(super) enum GenError {
    Csv(csv::Error),
    Lib(Error),
}

impl From<csv::Error> for GenError {
    fn from(e: csv::Error) -> Self {
        GenError::Csv(e)
    }
}

impl From<Error> for GenError {
    fn from(e: Error) -> Self {
        GenError::Lib(e)
    }
}

/// Dates rendered once, as `dd/mm/yyyy` and `yyyy-mm-dd`.
pub(super) struct DateText {
    base: i32,
    uk: Vec<String>,
    iso: Vec<String>,
}

impl DateText {
    fn new() -> Self {
        let first = ymd(2023, 1, 1);
        let last = ymd(2027, 12, 31);
        let mut uk = Vec::new();
        let mut iso = Vec::new();
        for d in first.iter_days().take_while(|d| *d <= last) {
            uk.push(format!("{:02}/{:02}/{:04}", d.day(), d.month(), d.year()));
            iso.push(format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()));
        }
        DateText { base: first.num_days_from_ce(), uk, iso }
    }

    fn push(&self, out: &mut String, d: NaiveDate, iso: bool) {
        let i = (d.num_days_from_ce() - self.base) as usize;
        out.push_str(if iso { &self.iso[i] } else { &self.uk[i] });
    }
}

/// Maps the i-th of n rows to a receipt date, so that volumes follow a
/// weekly, seasonal and yearly pattern and rows come out in date order.
pub(super) struct DaySchedule {
    days: Vec<NaiveDate>,
    cumulative: Vec<f64>,
    pos: usize,
}

impl DaySchedule {
    fn new(cal: &Calendar) -> Result<Self> {
        let mut days = Vec::new();
        let mut cumulative = Vec::new();
        let mut total = 0.0;
        for d in START.iter_days().take_while(|d| *d <= END) {
            let weekend = matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
            let base = if weekend {
                0.05
            } else if !cal.is_working_day(d)? {
                0.08
            } else {
                1.0
            };
            let seasonal =
                [1.12, 1.08, 1.0, 0.95, 0.95, 0.95, 0.93, 0.88, 1.0, 1.05, 1.10, 0.97][d.month0() as usize];
            let years = (d - START).num_days() as f64 / 365.25;
            total += base * seasonal * (1.0 + 0.08 * years);
            days.push(d);
            cumulative.push(total);
        }
        Ok(DaySchedule { days, cumulative, pos: 0 })
    }

    /// The receipt date of row `slot` of `rows`; `slot` must not decrease.
    fn day(&mut self, slot: usize, rows: usize) -> NaiveDate {
        let total = *self.cumulative.last().expect("the span has days");
        let target = (slot as f64 + 0.5) / rows as f64 * total;
        while self.pos + 1 < self.days.len() && self.cumulative[self.pos] < target {
            self.pos += 1;
        }
        self.days[self.pos]
    }
}

/// Weighted choice from small tables.
pub(super) fn pick<T>(rng: &mut ChaCha8Rng, table: &[(T, u32)]) -> usize {
    let total: u32 = table.iter().map(|(_, w)| *w).sum();
    let mut x = rng.random_range(0..total);
    for (i, (_, w)) in table.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= *w;
    }
    table.len() - 1
}

pub(super) fn is_winter(d: NaiveDate) -> bool {
    matches!(d.month(), 11 | 12 | 1 | 2)
}

/// How stretched the team handling a case is: multiplies lateness. Areas
/// differ; Repairs and Gas struggle in winter (damp and mould, heating);
/// some quarters are worse across the board (a winter backlog, a system
/// change in summer 2025) and the landlord slowly improves.
pub(super) fn pressure(area: usize, d: NaiveDate) -> f64 {
    let months = (d.year() - 2024) * 12 + d.month() as i32 - 4;
    let quarter = (months.max(0) / 3) as usize;
    const QUARTERS: [f64; 10] = [1.05, 1.0, 1.25, 1.2, 0.95, 1.2, 1.05, 0.95, 0.8, 0.85];
    let mut p = AREAS[area].2 * QUARTERS[quarter.min(QUARTERS.len() - 1)];
    if is_winter(d) && (area == REPAIRS || area == GAS) {
        p *= 1.45;
    }
    p
}

/// A geometric-looking number of days with the given mean, at least 1.
pub(super) fn tail_days(rng: &mut ChaCha8Rng, mean: f64, cap: u32) -> u32 {
    let u: f64 = rng.random::<f64>();
    let x = -(1.0 - u).ln() * mean;
    (1 + x as u32).min(cap)
}

pub(super) struct Generator<'a> {
    rng: ChaCha8Rng,
    /// The Ombudsman's categories come from a stream of their own, so that
    /// adding them left every other value the seed gives as it was.
    category_rng: ChaCha8Rng,
    /// Draws leaseholders and market renters from the rented homes on a
    /// stream of their own too, so the rest of the sample is as it was before
    /// they were added.
    tenure_rng: ChaCha8Rng,
    cal: &'a Calendar,
    rows: usize,
    faulty_rate: f64,
    dates: DateText,
    fields: [String; 24],
    /// Survey and Ombudsman rows made as complaints close, written after
    /// the case row that caused them.
    pending_surveys: Vec<[String; 5]>,
    pending_findings: Vec<[String; 7]>,
    /// Recent complainants, some of whom complain again.
    recent: VecDeque<Person>,
    households: u32,
    pending_faults: VecDeque<Fault>,
    pending_warnings: VecDeque<Warning>,
    fault_turn: usize,
    warning_turn: usize,
    impossible_turn: usize,
    unparseable_turn: usize,
    /// (slot at which to write, the row to repeat).
    duplicates: VecDeque<(usize, Vec<String>)>,
    escalations: BinaryHeap<Reverse<Escalation>>,
    escalation_seq: u64,
    complaint_seq: (i32, u32),
    feedback_seq: (i32, u32),
    counts: Counts,
}

impl<'a> Generator<'a> {
    pub(super) fn new(opts: &SampleOptions, cal: &'a Calendar) -> Self {
        let faulty_rate = if opts.faulty_rate.is_finite() { opts.faulty_rate.clamp(0.0, 1.0) } else { 0.0 };
        let mut category_rng = ChaCha8Rng::seed_from_u64(opts.seed);
        category_rng.set_stream(1);
        let mut tenure_rng = ChaCha8Rng::seed_from_u64(opts.seed);
        tenure_rng.set_stream(2);
        Generator {
            rng: ChaCha8Rng::seed_from_u64(opts.seed),
            category_rng,
            tenure_rng,
            cal,
            rows: opts.rows,
            faulty_rate,
            dates: DateText::new(),
            fields: Default::default(),
            pending_surveys: Vec::new(),
            pending_findings: Vec::new(),
            recent: VecDeque::new(),
            households: 0,
            pending_faults: VecDeque::new(),
            pending_warnings: VecDeque::new(),
            fault_turn: 0,
            warning_turn: 0,
            impossible_turn: 0,
            unparseable_turn: 0,
            duplicates: VecDeque::new(),
            escalations: BinaryHeap::new(),
            escalation_seq: 0,
            complaint_seq: (0, 0),
            feedback_seq: (0, 0),
            counts: Counts::default(),
        }
    }

    /// A rented home's tenure: most are LCRA; some complaints come from
    /// leaseholders and market renters.
    fn outside_social_stock(&mut self) -> Tenure {
        let x = self.tenure_rng.random::<f64>();
        if x < 0.025 {
            Tenure::Leasehold { own_spelling: x < 0.0125 }
        } else if x < 0.033 {
            Tenure::MarketRent
        } else {
            Tenure::Lcra
        }
    }

    pub(super) fn run<W: Write>(
        &mut self,
        csv: &mut csv::Writer<W>,
        surveys: &mut csv::Writer<W>,
        findings: &mut csv::Writer<W>,
    ) -> std::result::Result<Counts, GenError> {
        csv.write_record(HEADER)?;
        surveys.write_record(SURVEY_HEADER)?;
        findings.write_record(OMBUDSMAN_HEADER)?;
        let mut schedule = DaySchedule::new(self.cal)?;
        for slot in 0..self.rows {
            let day = schedule.day(slot, self.rows);
            if self.faulty_rate > 0.0 {
                if self.rng.random::<f64>() < self.faulty_rate {
                    self.pending_faults.push_back(FAULTS[self.fault_turn % FAULTS.len()]);
                    self.fault_turn += 1;
                }
                if self.rng.random::<f64>() < self.faulty_rate {
                    self.pending_warnings.push_back(WARNINGS[self.warning_turn % WARNINGS.len()]);
                    self.warning_turn += 1;
                }
            }
            if self.duplicates.front().is_some_and(|(at, _)| *at <= slot) {
                let (_, row) = self.duplicates.pop_front().expect("checked");
                csv.write_record(&row)?;
                self.counts.complaint_rows += 1;
            } else if self.escalations.peek().is_some_and(|Reverse(e)| e.received <= day) {
                let Reverse(e) = self.escalations.pop().expect("checked");
                self.stage_two(e)?;
                csv.write_record(&self.fields)?;
                self.counts.complaint_rows += 1;
            } else if self.rng.random::<f64>() < RECORD_TYPES[0].1 {
                let duplicate = self.stage_one(day)?;
                csv.write_record(&self.fields)?;
                self.counts.complaint_rows += 1;
                if duplicate {
                    let later = (slot + self.rng.random_range(1..200usize)).min(self.rows - 1);
                    self.duplicates.push_back((later, self.fields.to_vec()));
                }
            } else {
                self.feedback(day)?;
                csv.write_record(&self.fields)?;
            }
            self.counts.rows += 1;
            for row in self.pending_surveys.drain(..) {
                surveys.write_record(&row)?;
            }
            for row in self.pending_findings.drain(..) {
                findings.write_record(&row)?;
            }
        }
        Ok(self.counts)
    }

    fn clear(&mut self) {
        for f in &mut self.fields {
            f.clear();
        }
    }

    // ---- cases ----------------------------------------------------------------

    fn next_ref(seq: &mut (i32, u32), year: i32) -> (i32, u32) {
        if seq.0 != year {
            *seq = (year, 0);
        }
        seq.1 += 1;
        *seq
    }

    fn new_case(&mut self, day: NaiveDate, complaint: bool) -> Case {
        let rng = &mut self.rng;
        let mut area_weights = [(0u8, 0u32); 9];
        for (i, a) in AREAS.iter().enumerate() {
            let mut w = a.1;
            if is_winter(day) && i == REPAIRS {
                w = w * 5 / 4;
            }
            area_weights[i] = (i as u8, w);
        }
        let area = pick(rng, &area_weights);
        let cats = CATEGORIES[area];
        let mut cat_weights = [(0u8, 0u32); 8];
        for (i, c) in cats.iter().enumerate() {
            let w = if is_winter(day) { (c.1 as f64 * c.2).round() as u32 } else { c.1 };
            cat_weights[i] = (i as u8, w.max(1));
        }
        let category = pick(rng, &cat_weights[..cats.len()]);
        let lcho_p = if area == HOME_OWNERSHIP { 0.85 } else { 0.0202 };
        let tenure = if rng.random::<f64>() < lcho_p {
            Tenure::Lcho
        } else if rng.random::<f64>() < 0.032 {
            Tenure::Blank
        } else {
            self.outside_social_stock()
        };
        // Out of hours (weekends, bank holidays) only the web form and email work.
        let out_of_hours = matches!(self.cal.is_working_day(day), Ok(false));
        let rng = &mut self.rng;
        let channel = if out_of_hours {
            if rng.random::<f64>() < 0.7 {
                2
            } else {
                1
            }
        } else {
            pick(rng, &CHANNELS)
        };
        // About one complaint in eight comes from a household that
        // complained in the last year or so.
        let person = match self.recent.len() {
            n if complaint && n > 20 && self.rng.random::<f64>() < 0.125 => {
                self.recent[self.rng.random_range(0..n)]
            }
            _ => {
                let p = self.new_person();
                if complaint {
                    self.recent.push_back(p);
                    if self.recent.len() > RECENT_COMPLAINANTS {
                        self.recent.pop_front();
                    }
                }
                p
            }
        };
        let (ref_year, ref_seq) = if complaint {
            Self::next_ref(&mut self.complaint_seq, day.year())
        } else {
            Self::next_ref(&mut self.feedback_seq, day.year())
        };
        let iso_dates = self.rng.random::<f64>() < 0.01;
        Case {
            ref_year,
            ref_seq,
            area: area as u8,
            category: category as u8,
            tenure,
            channel: channel as u8,
            person,
            iso_dates,
        }
    }

    fn new_person(&mut self) -> Person {
        self.households += 1;
        let household = self.households;
        let rng = &mut self.rng;
        let town = rng.random_range(0..TOWNS.len());
        Person {
            household,
            first: rng.random_range(0..FIRST_NAMES.len()) as u8,
            last: rng.random_range(0..LAST_NAMES.len()) as u8,
            flat: if rng.random::<f64>() < 0.18 { rng.random_range(1..40u8) } else { 0 },
            house: if rng.random::<f64>() < 0.8 {
                rng.random_range(1..120u16)
            } else {
                rng.random_range(120..400u16)
            },
            street: rng.random_range(0..STREETS.len()) as u8,
            suffix: rng.random_range(0..SUFFIXES.len()) as u8,
            town: town as u8,
            district: rng.random_range(1..=TOWNS[town].2),
            sector: rng.random_range(0..10u8),
            unit: [
                POSTCODE_UNIT_LETTERS[rng.random_range(0..POSTCODE_UNIT_LETTERS.len())],
                POSTCODE_UNIT_LETTERS[rng.random_range(0..POSTCODE_UNIT_LETTERS.len())],
            ],
            email_style: if rng.random::<f64>() < 0.25 { 0 } else { rng.random_range(1..5u8) },
            email_num: rng.random_range(1..99u8),
            phone_kind: if rng.random::<f64>() < 0.08 {
                0
            } else {
                pick(rng, &[(1u8, 70), (2, 15), (3, 8), (4, 7)]) as u8 + 1
            },
            phone_num: rng.random_range(0..1000u16),
        }
    }

    /// Simulates one complaint stage received on `received`.
    fn simulate(
        &mut self,
        stage: u8,
        received: NaiveDate,
        area: usize,
        warning: Option<Warning>,
    ) -> Result<StageSim> {
        let cal = self.cal;
        let p = pressure(area, received);
        let (respond_days, max_ext, ack_late_base, late_base, ext_rate) =
            if stage == 1 { (10, 10, 0.06, 0.20, 0.08) } else { (20, 20, 0.06, 0.25, 0.10) };

        // Acknowledgement.
        let ack_due = cal.add_working_days(received, 5)?;
        let ack_k = if self.rng.random::<f64>() < (ack_late_base * p).min(0.5) {
            5 + tail_days(&mut self.rng, 2.5, 15)
        } else {
            [0, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 5][self.rng.random_range(0..12usize)]
        };
        let ack = cal.add_working_days(received, ack_k)?;
        let clock = ack.min(ack_due);
        let due = cal.add_working_days(clock, respond_days)?;

        // Outcome.
        let outcome = if stage == 1 {
            [Outcome::Upheld, Outcome::Partial, Outcome::NotUpheld, Outcome::Withdrawn, Outcome::Refused]
                [pick(&mut self.rng, &[((), 350), ((), 250), ((), 350), ((), 40), ((), 15)])]
        } else {
            [Outcome::Upheld, Outcome::Partial, Outcome::NotUpheld, Outcome::Withdrawn]
                [pick(&mut self.rng, &[((), 280), ((), 270), ((), 410), ((), 40)])]
        };

        // Extension.
        let beyond = warning == Some(Warning::ExtensionBeyondMaximum);
        let extension = if beyond {
            Some(max_ext + 1 + self.rng.random_range(0..8u32))
        } else if matches!(outcome, Outcome::Refused) {
            None
        } else if self.rng.random::<f64>() < ext_rate * (0.6 + 0.4 * p) {
            Some(if self.rng.random::<f64>() < 0.5 { max_ext } else { self.rng.random_range(3..=max_ext) })
        } else {
            None
        };
        let revised = match extension {
            Some(e) => Some(cal.add_working_days(due, e)?),
            None => None,
        };
        let effective_due = match extension {
            Some(e) => cal.add_working_days(due, e.min(max_ext))?,
            None => due,
        };

        // Response (or withdrawal).
        let on_time_p = if extension.is_some() { 0.88 } else { 1.0 - (late_base * p).min(0.7) };
        let (mut responded, closed) = match outcome {
            Outcome::Refused => {
                let r = cal.add_working_days(ack, self.rng.random_range(0..=3))?;
                (Some(r), r)
            }
            Outcome::Withdrawn => {
                let r = cal.add_working_days(ack, self.rng.random_range(1..=8))?;
                (if self.rng.random::<f64>() < 0.55 { None } else { Some(r) }, r)
            }
            _ => {
                let r = if self.rng.random::<f64>() < on_time_p {
                    let span = cal.working_days_between(clock, effective_due)?.max(1) as u32;
                    let k = if self.rng.random::<f64>() < 0.35 {
                        self.rng.random_range(1..=span)
                    } else {
                        self.rng.random_range(span.saturating_sub(4).max(1)..=span)
                    };
                    cal.add_working_days(clock, k)?
                } else {
                    let mean = if stage == 1 { 5.0 } else { 8.0 };
                    cal.add_working_days(effective_due, tail_days(&mut self.rng, mean, 80))?
                };
                (Some(r), r)
            }
        };
        if let Some(r) = responded {
            responded = Some(r.max(ack));
        }

        // Cut off at the run date.
        let ack = (ack <= AS_OF).then_some(ack);
        let revised = revised.filter(|d| *d <= AS_OF);
        let open = closed > AS_OF || responded.is_some_and(|r| r > AS_OF);
        let (responded, outcome) = if open { (None, None) } else { (responded, Some(outcome)) };

        let mut sim = StageSim {
            ack,
            revised,
            responded,
            outcome,
            refusal: None,
            compensation: None,
            theme: None,
            action: None,
            warned: false,
        };
        match warning {
            Some(Warning::RespondedWithoutAck) if sim.responded.is_some() => {
                sim.ack = None;
                sim.warned = true;
            }
            Some(Warning::ExtensionBeyondMaximum) if sim.revised.is_some() => sim.warned = true,
            _ => {}
        }
        if let Some(o) = sim.outcome {
            self.close(stage, area, &mut sim, o);
        }
        Ok(sim)
    }

    /// Refusal reason, compensation and learning for a decided stage.
    fn close(&mut self, stage: u8, area: usize, sim: &mut StageSim, outcome: Outcome) {
        let rng = &mut self.rng;
        if outcome == Outcome::Refused {
            sim.refusal = Some(pick(rng, &REFUSAL_REASONS));
        }
        let comp_p = match outcome {
            Outcome::Upheld | Outcome::Partial => {
                if stage == 1 {
                    0.20
                } else {
                    0.35
                }
            }
            Outcome::NotUpheld => 0.01,
            _ => 0.0,
        };
        if rng.random::<f64>() < comp_p {
            const AMOUNTS: [(u32, u32); 14] = [
                (25, 10),
                (50, 20),
                (75, 12),
                (100, 15),
                (125, 8),
                (150, 8),
                (200, 7),
                (250, 6),
                (300, 4),
                (400, 3),
                (500, 3),
                (750, 2),
                (1250, 1),
                (2000, 1),
            ];
            let mut amount = AMOUNTS[pick(rng, &AMOUNTS)].0;
            if stage == 2 && rng.random::<f64>() < 0.4 {
                amount *= 2;
            }
            if outcome == Outcome::NotUpheld {
                amount = 25; // a goodwill gesture
            }
            sim.compensation = Some(amount);
        }
        let theme_p = match outcome {
            Outcome::Upheld | Outcome::Partial => 0.90,
            Outcome::NotUpheld => 0.62,
            _ => 0.30,
        };
        if rng.random::<f64>() < theme_p {
            let theme = self.theme_for(area);
            sim.theme = Some(theme);
            if self.rng.random::<f64>() < 0.85 {
                let action = self.rng.random_range(0..ACTIONS[theme].len());
                let follow = (self.rng.random::<f64>() < 0.06)
                    .then(|| self.rng.random_range(0..ACTION_FOLLOW_UPS.len()));
                sim.action = Some((action, follow));
            }
        }
    }

    fn theme_for(&mut self, area: usize) -> usize {
        // Themes follow the service area most of the time; communication
        // and record keeping turn up everywhere.
        let r = self.rng.random::<f64>();
        if r < 0.25 {
            return T_COMMS;
        }
        if r < 0.32 {
            return [T_RECORDS, T_POLICY, T_STAFF][self.rng.random_range(0..3usize)];
        }
        match area {
            REPAIRS => [T_REPAIRS, T_REPAIRS, T_DAMP, T_MISSED, T_QUALITY][self.rng.random_range(0..5usize)],
            GAS => [T_REPAIRS, T_MISSED, T_POLICY][self.rng.random_range(0..3usize)],
            2 => T_ASB,
            1 => [T_STAFF, T_POLICY, T_ASB, T_RECORDS][self.rng.random_range(0..4usize)],
            3 | HOME_OWNERSHIP => [T_RECORDS, T_POLICY, T_STAFF][self.rng.random_range(0..3usize)],
            _ => [T_STAFF, T_POLICY, T_RECORDS, T_QUALITY][self.rng.random_range(0..4usize)],
        }
    }

    /// A new complaint's stage 1 row, in `self.fields`. Returns whether the
    /// row is to be repeated later as a duplicate fault.
    fn stage_one(&mut self, day: NaiveDate) -> Result<bool> {
        let case = self.new_case(day, true);
        let fault = self.pending_faults.pop_front();
        let warning = self.pending_warnings.front().copied();
        let sim = self.simulate(1, day, case.area as usize, warning)?;
        if sim.warned {
            self.pending_warnings.pop_front();
        }
        self.render_complaint(&case, 1, day, &sim);

        // Escalation: a fault leaves the case alone, so every stage 2 row has
        // a clean stage 1 row.
        if fault.is_none() {
            if let (Some(responded), Some(outcome)) = (sim.responded, sim.outcome) {
                let p = match outcome {
                    Outcome::Upheld => 0.085,
                    Outcome::Partial => 0.18,
                    Outcome::NotUpheld => 0.26,
                    _ => 0.0,
                };
                if self.rng.random::<f64>() < p {
                    let wait = self.rng.random_range(1..=20);
                    let received = self.cal.add_working_days(responded, wait)?;
                    if received <= END {
                        self.escalation_seq += 1;
                        self.escalations.push(Reverse(Escalation {
                            received,
                            seq: self.escalation_seq,
                            case,
                        }));
                    }
                }
            }
        }

        let Some(fault) = fault else { return Ok(false) };
        self.apply_fault(fault, day, &sim);
        Ok(fault == Fault::Duplicate)
    }

    fn stage_two(&mut self, e: Escalation) -> Result<()> {
        let mut case = e.case;
        if self.rng.random::<f64>() < 0.3 {
            case.channel = pick(&mut self.rng, &CHANNELS) as u8;
        }
        let sim = self.simulate(2, e.received, case.area as usize, None)?;
        self.render_complaint(&case, 2, e.received, &sim);
        Ok(())
    }

    fn apply_fault(&mut self, fault: Fault, day: NaiveDate, sim: &StageSim) {
        let f = &mut self.fields;
        match fault {
            Fault::MissingRef => f[F_REF].clear(),
            Fault::ImpossibleDate => {
                self.impossible_turn += 1;
                if self.impossible_turn % 2 == 1 {
                    f[F_RECEIVED].clear();
                    f[F_RECEIVED].push_str("31/02/2025");
                } else {
                    let col = if sim.responded.is_some() { F_RESPONDED } else { F_RECEIVED };
                    f[col].clear();
                    f[col].push_str("29/02/2025");
                }
            }
            Fault::UnparseableDate => {
                self.unparseable_turn += 1;
                let col = if self.unparseable_turn % 2 == 1 || sim.responded.is_none() {
                    F_RECEIVED
                } else {
                    F_RESPONDED
                };
                f[col].clear();
                f[col].push_str("next Tuesday");
            }
            Fault::RespondedBeforeReceived => {
                let before = day - chrono::Duration::days(self.rng.random_range(1..=30));
                f[F_RESPONDED].clear();
                self.dates.push(&mut f[F_RESPONDED], before, false);
                if f[F_OUTCOME].is_empty() {
                    f[F_OUTCOME].push_str("Not Upheld");
                }
            }
            Fault::UnknownOutcome => {
                f[F_OUTCOME].clear();
                f[F_OUTCOME].push_str("Resolved");
            }
            Fault::UnknownStage => {
                f[F_STAGE].clear();
                f[F_STAGE].push_str("Stage 3");
            }
            Fault::NegativeCompensation => {
                f[F_COMP].clear();
                f[F_COMP].push_str("-£50.00");
            }
            Fault::UnparseableAmount => {
                f[F_COMP].clear();
                f[F_COMP].push_str("fifty pounds");
            }
            Fault::Duplicate => {}
        }
    }

    /// A compliment, suggestion, enquiry or feedback row.
    fn feedback(&mut self, day: NaiveDate) -> Result<()> {
        let total: f64 = RECORD_TYPES[1..].iter().map(|t| t.1).sum();
        let mut x = self.rng.random::<f64>() * total;
        let mut kind = RECORD_TYPES.len() - 1;
        for (i, t) in RECORD_TYPES.iter().enumerate().skip(1) {
            if x < t.1 {
                kind = i;
                break;
            }
            x -= t.1;
        }
        let case = self.new_case(day, false);
        let cal = self.cal;
        let ack = if self.rng.random::<f64>() < 0.03 {
            None
        } else {
            let k = if self.rng.random::<f64>() < 0.9 {
                self.rng.random_range(0..=3)
            } else {
                self.rng.random_range(4..=9)
            };
            Some(cal.add_working_days(day, k)?)
        };
        let respond_p = match RECORD_TYPES[kind].0 {
            "Suggestion" => 0.92,
            "Enquiry" => 0.15,
            "Feedback" => 0.10,
            _ => 0.02,
        };
        let responded = if self.rng.random::<f64>() < respond_p {
            let k = if self.rng.random::<f64>() < 0.82 {
                self.rng.random_range(3..=20)
            } else {
                self.rng.random_range(21..=40)
            };
            let r = cal.add_working_days(day, k)?;
            Some(match ack {
                Some(a) => r.max(a),
                None => r,
            })
        } else {
            None
        };
        let ack = ack.filter(|d| *d <= AS_OF);
        let responded = responded.filter(|d| *d <= AS_OF);

        self.clear();
        let iso = case.iso_dates;
        let f = &mut self.fields;
        let _ = write!(f[F_REF], "FBK-{}-{:06}", case.ref_year, case.ref_seq);
        f[F_TYPE].push_str(RECORD_TYPES[kind].0);
        self.dates.push(&mut f[F_RECEIVED], day, iso);
        if let Some(a) = ack {
            self.dates.push(&mut f[F_ACK], a, iso);
        }
        if let Some(r) = responded {
            self.dates.push(&mut f[F_RESPONDED], r, iso);
        }
        self.write_case_columns(&case);
        self.write_notes(&case, kind);
        Ok(())
    }
}
