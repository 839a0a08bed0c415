use super::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn ew() -> Calendar {
    Calendar::embedded(Division::EnglandAndWales, &[]).unwrap()
}

/// England and Wales, a Saturday receipt counting as Friday's.
fn ew_previous() -> Calendar {
    ew().with_non_working_receipt(NonWorkingReceipt::PreviousWorkingDay)
}

/// England and Wales bank holidays exactly as domain.md section 3 tabulates
/// them, typed in independently of the embedded JSON.
const DOMAIN_TABLE: &[(i32, &str)] = &[
    (2019, "01-01 04-19 04-22 05-06 05-27 08-26 12-25 12-26"),
    (2020, "01-01 04-10 04-13 05-08 05-25 08-31 12-25 12-28"),
    (2021, "01-01 04-02 04-05 05-03 05-31 08-30 12-27 12-28"),
    (2022, "01-03 04-15 04-18 05-02 06-02 06-03 08-29 09-19 12-26 12-27"),
    (2023, "01-02 04-07 04-10 05-01 05-08 05-29 08-28 12-25 12-26"),
    (2024, "01-01 03-29 04-01 05-06 05-27 08-26 12-25 12-26"),
    (2025, "01-01 04-18 04-21 05-05 05-26 08-25 12-25 12-26"),
    (2026, "01-01 04-03 04-06 05-04 05-25 08-31 12-25 12-28"),
    (2027, "01-01 03-26 03-29 05-03 05-31 08-30 12-27 12-28"),
    (2028, "01-03 04-14 04-17 05-01 05-29 08-28 12-25 12-26"),
];

fn domain_holidays() -> BTreeSet<NaiveDate> {
    DOMAIN_TABLE.iter().flat_map(|(y, days)| days.split(' ').map(move |md| d(&format!("{y}-{md}")))).collect()
}

/// The slow reference: walk day by day, straight from the wording of the rules.
struct Reference {
    holidays: BTreeSet<NaiveDate>,
    rule: NonWorkingReceipt,
}

impl Reference {
    fn working(&self, day: NaiveDate) -> bool {
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&day)
    }
    /// None when walking back leaves the calendar (it starts on 1 January 2019).
    fn day_zero(&self, mut day: NaiveDate) -> Option<NaiveDate> {
        while !self.working(day) {
            day = match self.rule {
                NonWorkingReceipt::NextWorkingDay => day.succ_opt().unwrap(),
                NonWorkingReceipt::PreviousWorkingDay => day.pred_opt().filter(|d| *d >= d_2019())?,
            };
        }
        Some(day)
    }
    fn add(&self, from: NaiveDate, n: u32) -> Option<NaiveDate> {
        let mut day = self.day_zero(from)?;
        let mut left = n;
        while left > 0 {
            day = day.succ_opt().unwrap();
            if self.working(day) {
                left -= 1;
            }
        }
        Some(day)
    }
}

fn d_2019() -> NaiveDate {
    d("2019-01-01")
}

const RULES: [NonWorkingReceipt; 2] =
    [NonWorkingReceipt::NextWorkingDay, NonWorkingReceipt::PreviousWorkingDay];

#[test]
fn embedded_england_and_wales_matches_domain_table() {
    let json: serde_json::Value = serde_json::from_str(EMBEDDED_BANK_HOLIDAYS).unwrap();
    let dates: BTreeSet<NaiveDate> = json["england-and-wales"]["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| d(e["date"].as_str().unwrap()))
        .collect();
    assert_eq!(dates, domain_holidays());
}

#[test]
fn worked_example_christmas() {
    // Received Thu 19 Dec 2024 -> ack due Mon 30 Dec 2024 -> acknowledged 30 Dec
    // -> stage 1 response due Tue 14 Jan 2025 (1 Jan is a holiday).
    let cal = ew();
    let ack_due = cal.add_working_days(d("2024-12-19"), 5).unwrap();
    assert_eq!(ack_due, d("2024-12-30"));
    assert_eq!(cal.add_working_days(d("2024-12-30"), 10).unwrap(), d("2025-01-14"));
}

/// Day 0, the acknowledgement due date (5 working days) and the stage 1
/// response due date (10 working days after the acknowledgement due date)
/// of a complaint received on `received`.
fn stage1_dates(cal: &Calendar, received: &str) -> [NaiveDate; 3] {
    let received = d(received);
    let ack_due = cal.add_working_days(received, 5).unwrap();
    let response_due = cal.add_working_days(ack_due, 10).unwrap();
    // Answered on its due date, it took the 15 working days it was given.
    assert_eq!(cal.working_days_between(received, response_due).unwrap(), 15, "{received}");
    [cal.day_zero(received).unwrap(), ack_due, response_due]
}

/// `stage1_dates` under the next-working-day rule (the default), then under
/// the previous-working-day rule.
fn both_rules(received: &str) -> ([NaiveDate; 3], [NaiveDate; 3]) {
    (stage1_dates(&ew(), received), stage1_dates(&ew_previous(), received))
}

fn dates<const N: usize>(days: [&str; N]) -> [NaiveDate; N] {
    days.map(d)
}

#[test]
fn worked_example_saturday_receipt() {
    // Received Sat 4 Jan 2025.
    // Next: day 0 Mon 6 Jan; ack due 7, 8, 9, 10, 13 -> Mon 13 Jan; response
    // due 14-17, 20-24, 27 -> Mon 27 Jan.
    // Previous: day 0 Fri 3 Jan; ack due 6-10 -> Fri 10 Jan; response due
    // 13-17, 20-24 -> Fri 24 Jan.
    let (next, previous) = both_rules("2025-01-04");
    assert_eq!(next, dates(["2025-01-06", "2025-01-13", "2025-01-27"]));
    assert_eq!(previous, dates(["2025-01-03", "2025-01-10", "2025-01-24"]));
}

#[test]
fn worked_example_sunday_receipt() {
    // Received Sun 5 Jan 2025: the same day 0 as the Saturday under either
    // rule, so the same dates.
    let (next, previous) = both_rules("2025-01-05");
    assert_eq!(next, dates(["2025-01-06", "2025-01-13", "2025-01-27"]));
    assert_eq!(previous, dates(["2025-01-03", "2025-01-10", "2025-01-24"]));
}

#[test]
fn worked_example_bank_holiday_monday_receipt() {
    // Received on the summer bank holiday, Mon 26 Aug 2024.
    // Next: day 0 Tue 27 Aug; ack due 28, 29, 30 Aug, 2, 3 Sep -> Tue 3 Sep;
    // response due 4-6, 9-13, 16, 17 -> Tue 17 Sep.
    // Previous: day 0 Fri 23 Aug; ack due [26 holiday] 27-30 Aug, 2 Sep ->
    // Mon 2 Sep; response due 3-6, 9-13, 16 -> Mon 16 Sep.
    let (next, previous) = both_rules("2024-08-26");
    assert_eq!(next, dates(["2024-08-27", "2024-09-03", "2024-09-17"]));
    assert_eq!(previous, dates(["2024-08-23", "2024-09-02", "2024-09-16"]));
}

#[test]
fn worked_example_easter_monday_receipt() {
    // Received Easter Monday 21 Apr 2025; Good Friday 18 Apr and early May
    // bank holiday 5 May are holidays too.
    // Next: day 0 Tue 22 Apr; ack due 23, 24, 25, 28, 29 -> Tue 29 Apr;
    // response due 30 Apr, 1, 2, [5 holiday] 6-9, 12, 13, 14 -> Wed 14 May.
    // Previous: back over the weekend and Good Friday to day 0 Thu 17 Apr; ack
    // due [18, 21 holidays] 22-25, 28 -> Mon 28 Apr; response due 29, 30 Apr,
    // 1, 2, [5 holiday] 6-9, 12, 13 -> Tue 13 May.
    let (next, previous) = both_rules("2025-04-21");
    assert_eq!(next, dates(["2025-04-22", "2025-04-29", "2025-05-14"]));
    assert_eq!(previous, dates(["2025-04-17", "2025-04-28", "2025-05-13"]));
}

#[test]
fn worked_example_christmas_day_receipt() {
    // Received Christmas Day, Thu 25 Dec 2025 (26 Dec and 1 Jan 2026 are
    // holidays too).
    // Next: day 0 Mon 29 Dec; ack due 30, 31 Dec, 2, 5, 6 Jan -> Tue 6 Jan
    // 2026; response due 7-9, 12-16, 19, 20 -> Tue 20 Jan.
    // Previous: day 0 Wed 24 Dec; ack due 29, 30, 31 Dec, 2, 5 Jan -> Mon 5
    // Jan 2026; response due 6-9, 12-16, 19 -> Mon 19 Jan.
    let (next, previous) = both_rules("2025-12-25");
    assert_eq!(next, dates(["2025-12-29", "2026-01-06", "2026-01-20"]));
    assert_eq!(previous, dates(["2025-12-24", "2026-01-05", "2026-01-19"]));
}

#[test]
fn worked_example_boxing_day_receipt() {
    // Received Boxing Day, Fri 26 Dec 2025: the same day 0 as Christmas Day
    // under either rule (the next working day is still Mon 29 Dec, the
    // previous still Wed 24 Dec), so the same dates.
    let (next, previous) = both_rules("2025-12-26");
    assert_eq!(next, dates(["2025-12-29", "2026-01-06", "2026-01-20"]));
    assert_eq!(previous, dates(["2025-12-24", "2026-01-05", "2026-01-19"]));
}

#[test]
fn worked_example_saturday_acknowledgement_starts_the_clock_by_the_same_rule() {
    // Received Wed 21 May 2025, a working day, so day 0 under either rule;
    // ack due 22, 23, [26 bank holiday] 27, 28, 29 -> Thu 29 May. Acknowledged
    // early, on Sat 24 May. The response clock starts at day 0 of the
    // acknowledgement (never later than its due date), as timescales.rs does.
    // Next: Tue 27 May; due 28-30 May, 2-6, 9, 10 Jun -> Tue 10 Jun.
    // Previous: Fri 23 May; due 27-30 May, 2-6, 9 Jun -> Mon 9 Jun.
    for (cal, clock_start, due) in
        [(ew(), "2025-05-27", "2025-06-10"), (ew_previous(), "2025-05-23", "2025-06-09")]
    {
        let ack_due = cal.add_working_days(d("2025-05-21"), 5).unwrap();
        assert_eq!(ack_due, d("2025-05-29"));
        let start = cal.day_zero(d("2025-05-24")).unwrap().min(ack_due);
        assert_eq!(start, d(clock_start), "{:?}", cal.non_working_receipt());
        assert_eq!(cal.add_working_days(start, 10).unwrap(), d(due), "{:?}", cal.non_working_receipt());
    }
}

#[test]
fn worked_example_late_acknowledgement_buys_no_time() {
    // Received Mon 3 Mar 2025: ack due day 5 = Mon 10 Mar; acknowledged late on
    // day 7 (Wed 12 Mar); the 10-day clock still runs from 10 Mar -> due 24 Mar.
    let cal = ew();
    let ack_due = cal.add_working_days(d("2025-03-03"), 5).unwrap();
    assert_eq!(ack_due, d("2025-03-10"));
    let acked = cal.add_working_days(d("2025-03-03"), 7).unwrap();
    assert_eq!(acked, d("2025-03-12"));
    let clock_start = acked.min(ack_due);
    assert_eq!(cal.add_working_days(clock_start, 10).unwrap(), d("2025-03-24"));
}

#[test]
fn working_days_taken_counts_days_after_day_zero_through_response() {
    let cal = ew();
    // Received Thu 19 Dec 2024: working days after day 0 are 20, 23, 24, 27 and 30 December.
    assert_eq!(cal.working_days_between(d("2024-12-19"), d("2024-12-19")).unwrap(), 0);
    assert_eq!(cal.working_days_between(d("2024-12-19"), d("2024-12-20")).unwrap(), 1);
    assert_eq!(cal.working_days_between(d("2024-12-19"), d("2024-12-30")).unwrap(), 5);
    // A weekend receipt answered the same weekend took no working days.
    assert_eq!(cal.working_days_between(d("2025-01-04"), d("2025-01-05")).unwrap(), -1);
    assert_eq!(cal.working_days_between(d("2025-01-04"), d("2025-01-06")).unwrap(), 0);
    // Counted from Friday's day 0, the same weekend takes none and the Monday one.
    let cal = ew_previous();
    assert_eq!(cal.working_days_between(d("2025-01-04"), d("2025-01-05")).unwrap(), 0);
    assert_eq!(cal.working_days_between(d("2025-01-04"), d("2025-01-06")).unwrap(), 1);
}

/// The calendar's forms over a column of days, computed by polars: day 0,
/// day 0 plus each of `ns` working days, and the working days taken from each
/// day to itself.
struct Vectorised {
    day_zero: Vec<Option<NaiveDate>>,
    due: Vec<Vec<Option<NaiveDate>>>,
    between_self: Vec<Option<i32>>,
}

fn vectorised(cal: &Calendar, days: &[NaiveDate], ns: &[u32]) -> Vectorised {
    let df = df!("day" => days).unwrap();
    let zero = || cal.day_zero_ordinal_expr(col("day"));
    let mut exprs = vec![
        cal.nth_expr(zero()).alias("day_zero"),
        (cal.through_expr(col("day")) - zero()).alias("between_self"),
    ];
    exprs.extend(ns.iter().map(|n| cal.nth_expr(zero() + lit(*n as i32)).alias(format!("due{n}"))));
    let out = df.lazy().select(exprs).collect().unwrap();
    let dates = |name: &str| out.column(name).unwrap().date().unwrap().as_date_iter().collect::<Vec<_>>();
    Vectorised {
        day_zero: dates("day_zero"),
        due: ns.iter().map(|n| dates(&format!("due{n}"))).collect(),
        between_self: out.column("between_self").unwrap().i32().unwrap().iter().collect(),
    }
}

const NS: [u32; 5] = [1, 5, 10, 20, 40];

#[test]
fn agrees_with_reference_on_every_day_2019_to_2028() {
    let end = d("2028-10-31"); // leave room for +40 working days inside the calendar
    for rule in RULES {
        let cal = ew().with_non_working_receipt(rule);
        let reference = Reference { holidays: domain_holidays(), rule };
        for day in d_2019().iter_days().take_while(|x| *x <= end) {
            assert_eq!(cal.is_working_day(day).unwrap(), reference.working(day), "{day}");
            let Some(day_zero) = reference.day_zero(day) else {
                // Only Tue 1 Jan 2019, a holiday on the calendar's first day,
                // under the previous-working-day rule.
                assert_eq!((rule, day), (NonWorkingReceipt::PreviousWorkingDay, d_2019()));
                assert!(cal.day_zero(day).is_err() && cal.add_working_days(day, 1).is_err(), "{day}");
                continue;
            };
            assert_eq!(cal.day_zero(day).unwrap(), day_zero, "{rule:?} {day}");
            for n in NS {
                let due = cal.add_working_days(day, n).unwrap();
                assert_eq!(Some(due), reference.add(day, n), "{rule:?} {day} + {n}");
                assert!(reference.working(due), "due date {due} is not a working day");
                // counting back from the due date gives N again
                assert_eq!(cal.working_days_between(day, due).unwrap(), i64::from(n), "{rule:?} {day} + {n}");
            }
        }
    }
}

#[test]
fn vectorised_forms_match_scalar_forms_on_every_day_2019_to_2028() {
    let days: Vec<NaiveDate> = d_2019().iter_days().take_while(|x| *x <= d("2028-12-31")).collect();
    for rule in RULES {
        let cal = ew().with_non_working_receipt(rule);
        let v = vectorised(&cal, &days, &NS);
        for (i, day) in days.iter().enumerate() {
            // Where the scalar form is an error (no day 0, or a due date past
            // the calendar's end) the vectorised one is null, never a date.
            assert_eq!(v.day_zero[i], cal.day_zero(*day).ok(), "{rule:?} {day}");
            for (n, due) in NS.iter().zip(&v.due) {
                assert_eq!(due[i], cal.add_working_days(*day, *n).ok(), "{rule:?} {day} + {n}");
            }
            let between = cal.working_days_between(*day, *day).ok().map(|b| b as i32);
            assert_eq!(v.between_self[i], between, "{rule:?} {day}");
        }
    }
}

#[test]
fn dates_outside_the_calendar_are_errors_not_guesses() {
    let cal = ew();
    assert!(cal.day_zero(d("2018-12-31")).is_err());
    assert!(cal.add_working_days(d("2029-01-01"), 1).is_err());
    let err = cal.add_working_days(d("2028-12-20"), 20).unwrap_err();
    assert!(err.to_string().contains("after the calendar's last year 2028"), "{err}");
    // Sat 30 Dec 2028: the next working day is past the calendar's end.
    assert!(cal.day_zero(d("2028-12-30")).is_err());
    assert_eq!(cal.first_clock_start(), d_2019());
}

#[test]
fn previous_working_day_before_the_calendar_starts_is_an_error_not_a_guess() {
    // Tue 1 Jan 2019 is a holiday on the calendar's first day: no working day
    // on or before it is known, so it has no day 0.
    let cal = ew_previous();
    let err = cal.day_zero(d_2019()).unwrap_err().to_string();
    assert!(err.contains("2019-01-01 has no working day on or before it"), "{err}");
    assert!(err.contains("previous_working_day"), "{err}");
    assert!(cal.working_days_between(d_2019(), d("2019-01-10")).is_err());
    assert_eq!(cal.first_clock_start(), d("2019-01-02"));
    assert_eq!(cal.day_zero(d("2019-01-02")).unwrap(), d("2019-01-02"));
    // Scotland also closes on 2 January: its first clock starts Thu 3 Jan.
    let sc = Calendar::embedded(Division::Scotland, &[])
        .unwrap()
        .with_non_working_receipt(NonWorkingReceipt::PreviousWorkingDay);
    assert_eq!(sc.first_clock_start(), d("2019-01-03"));
    // At the other end the previous working day is inside the calendar:
    // Sat 30 Dec 2028 counts as Fri 29 Dec.
    assert_eq!(cal.day_zero(d("2028-12-30")).unwrap(), d("2028-12-29"));
}

#[test]
fn the_rule_is_recorded_in_the_source() {
    let json = |cal: &Calendar| serde_json::to_value(cal.source()).unwrap()["non_working_receipt"].clone();
    assert_eq!(json(&ew()), "next_working_day");
    assert_eq!(json(&ew_previous()), "previous_working_day");
    // A closure day counts as a non-working day for the rule too: Mon 29 Dec
    // 2025 closed, a receipt that day counts as Wed 24 Dec's.
    let closed = Calendar::embedded(Division::EnglandAndWales, &[d("2025-12-29")])
        .unwrap()
        .with_non_working_receipt(NonWorkingReceipt::PreviousWorkingDay);
    assert_eq!(closed.day_zero(d("2025-12-29")).unwrap(), d("2025-12-24"));
}

#[test]
fn closure_days_are_not_working_days() {
    let closures = [d("2025-12-29"), d("2025-12-30"), d("2025-12-31")];
    let cal = Calendar::embedded(Division::EnglandAndWales, &closures).unwrap();
    // Received Mon 22 Dec 2025: 23, 24, [25, 26 holidays, 29-31 closed], 1 Jan holiday, 2, 5, 6
    assert_eq!(cal.add_working_days(d("2025-12-22"), 5).unwrap(), d("2026-01-06"));
    assert!(Calendar::embedded(Division::EnglandAndWales, &[d("2031-01-02")]).is_err());
}

#[test]
fn scotland_and_northern_ireland_differ_where_they_should() {
    let sc = Calendar::embedded(Division::Scotland, &[]).unwrap();
    let ni = Calendar::embedded(Division::NorthernIreland, &[]).unwrap();
    let ew = ew();
    // 2 January 2025 (Thursday): Scottish holiday only.
    assert!(!sc.is_working_day(d("2025-01-02")).unwrap());
    assert!(ew.is_working_day(d("2025-01-02")).unwrap());
    // Easter Monday 21 April 2025: not a Scottish holiday.
    assert!(sc.is_working_day(d("2025-04-21")).unwrap());
    // St Patrick's Day, Monday 17 March 2025, and the Twelfth, Monday 14 July 2025 (substitute).
    assert!(!ni.is_working_day(d("2025-03-17")).unwrap());
    assert!(!ni.is_working_day(d("2025-07-14")).unwrap());
    // St Andrew's Day 2025 falls on a Sunday: substitute Monday 1 December.
    assert!(!sc.is_working_day(d("2025-12-01")).unwrap());
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn day(offset: u32) -> NaiveDate {
        d("2019-01-01") + chrono::Days::new(u64::from(offset))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

        /// With any closure days, under either rule: N working days on, then
        /// counted back, is N; the due date is a working day; day 0 lies on
        /// the rule's side of the start; the slow reference agrees; and so
        /// does the vectorised form.
        #[test]
        fn add_then_count_back(
            start in 0u32..3560,
            n in 0u32..60,
            closures in prop::collection::vec(0u32..3650, 0..25),
            previous in any::<bool>(),
        ) {
            let rule = if previous { NonWorkingReceipt::PreviousWorkingDay } else { NonWorkingReceipt::NextWorkingDay };
            let closure_days: Vec<NaiveDate> = closures.iter().map(|c| day(*c)).collect();
            let cal = Calendar::embedded(Division::EnglandAndWales, &closure_days).unwrap().with_non_working_receipt(rule);
            let mut holidays = domain_holidays();
            holidays.extend(closure_days.iter().copied());
            let reference = Reference { holidays, rule };
            let from = day(start);
            let v = vectorised(&cal, &[from], &[n]);
            let Some(expected) = reference.add(from, n) else {
                // Counting back from the start of the calendar found no working day.
                prop_assert!(previous && from < cal.first_clock_start());
                prop_assert!(cal.add_working_days(from, n).is_err());
                prop_assert_eq!(v.due[0][0], None);
                return Ok(());
            };
            let due = cal.add_working_days(from, n).unwrap();
            prop_assert_eq!(due, expected);
            prop_assert_eq!(v.due[0][0], Some(due));
            prop_assert!(reference.working(due));
            prop_assert_eq!(cal.working_days_between(from, due).unwrap(), i64::from(n));
            let day_zero = cal.day_zero(from).unwrap();
            prop_assert_eq!(v.day_zero[0], Some(day_zero));
            let on_its_side = if previous { day_zero <= from } else { day_zero >= from };
            prop_assert!(on_its_side, "day 0 {} for {}", day_zero, from);
            prop_assert!(due >= day_zero);
        }
    }
}
