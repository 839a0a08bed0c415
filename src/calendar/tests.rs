use super::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn ew() -> Calendar {
    Calendar::embedded(Division::EnglandAndWales, &[]).unwrap()
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
}

impl Reference {
    fn working(&self, day: NaiveDate) -> bool {
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&day)
    }
    fn day_zero(&self, mut day: NaiveDate) -> NaiveDate {
        while !self.working(day) {
            day = day.succ_opt().unwrap();
        }
        day
    }
    fn add(&self, from: NaiveDate, n: u32) -> NaiveDate {
        let mut day = self.day_zero(from);
        let mut left = n;
        while left > 0 {
            day = day.succ_opt().unwrap();
            if self.working(day) {
                left -= 1;
            }
        }
        day
    }
}

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

#[test]
fn worked_example_saturday_receipt() {
    // Received Sat 4 Jan 2025 -> day 0 is Mon 6 Jan -> ack due Mon 13 Jan 2025.
    let cal = ew();
    assert_eq!(cal.day_zero(d("2025-01-04")).unwrap(), d("2025-01-06"));
    assert_eq!(cal.add_working_days(d("2025-01-04"), 5).unwrap(), d("2025-01-13"));
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
}

#[test]
fn agrees_with_reference_on_every_day_2019_to_2028() {
    let cal = ew();
    let reference = Reference { holidays: domain_holidays() };
    let end = d("2028-10-31"); // leave room for +40 working days inside the calendar
    for day in d("2019-01-01").iter_days().take_while(|x| *x <= end) {
        assert_eq!(cal.is_working_day(day).unwrap(), reference.working(day), "{day}");
        assert_eq!(cal.day_zero(day).unwrap(), reference.day_zero(day), "{day}");
        for n in [1u32, 5, 10, 20, 40] {
            let due = cal.add_working_days(day, n).unwrap();
            assert_eq!(due, reference.add(day, n), "{day} + {n}");
            assert!(reference.working(due), "due date {due} is not a working day");
            // counting back from the due date gives N again
            assert_eq!(cal.working_days_between(day, due).unwrap(), i64::from(n), "{day} + {n}");
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

#[test]
fn vectorised_forms_match_scalar_forms() {
    let cal = ew();
    let days: Vec<NaiveDate> = d("2024-12-14").iter_days().take(40).collect();
    let df = df!("day" => &days).unwrap();
    let out = df
        .lazy()
        .select([
            cal.nth_expr(cal.day_zero_ordinal_expr(col("day")) + lit(5)).alias("due"),
            (cal.through_expr(col("day")) - cal.day_zero_ordinal_expr(col("day"))).alias("between_self"),
        ])
        .collect()
        .unwrap();
    let due = out.column("due").unwrap().date().unwrap().as_date_iter().collect::<Vec<_>>();
    for (day, got) in days.iter().zip(due) {
        assert_eq!(got, Some(cal.add_working_days(*day, 5).unwrap()), "{day}");
    }
    let between = out.column("between_self").unwrap().i32().unwrap().into_no_null_iter().collect::<Vec<_>>();
    for (day, got) in days.iter().zip(between) {
        assert_eq!(i64::from(got), cal.working_days_between(*day, *day).unwrap(), "{day}");
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn day(offset: u32) -> NaiveDate {
        d("2019-01-01") + chrono::Days::new(u64::from(offset))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

        /// With any closure days: N working days on, then counted back, is N;
        /// the due date is a working day; and the slow reference agrees.
        #[test]
        fn add_then_count_back(start in 0u32..3560, n in 0u32..60, closures in prop::collection::vec(0u32..3650, 0..25)) {
            let closure_days: Vec<NaiveDate> = closures.iter().map(|c| day(*c)).collect();
            let cal = Calendar::embedded(Division::EnglandAndWales, &closure_days).unwrap();
            let mut holidays = domain_holidays();
            holidays.extend(closure_days.iter().copied());
            let reference = Reference { holidays };
            let from = day(start);
            let due = cal.add_working_days(from, n).unwrap();
            prop_assert_eq!(due, reference.add(from, n));
            prop_assert!(reference.working(due));
            prop_assert_eq!(cal.working_days_between(from, due).unwrap(), i64::from(n));
            prop_assert!(due >= from);
        }
    }
}
