//! Complaints from every resident (issue #16): leasehold, market-rent and
//! other residents' complaints count in every Complaint Handling Code figure,
//! and only LCRA and LCHO complaints in CH01 and CH02. Every figure below is
//! worked out by hand in `tests/fixtures/tenures/README.md`.

use serde_json::Value;

use crate::workdir::Workdir;

fn year_run() -> Workdir {
    let wd = Workdir::with_fixture("tenures");
    wd.redress("run").config("in/landlord.toml").period("2025-26").out("out").run();
    wd
}

fn figure<'a>(m: &'a Value, id: &str, breakdown: &str, group: &str) -> &'a Value {
    m["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["id"] == id && f["period"] == "2025-26" && f["breakdown"] == breakdown && f["group"] == group
        })
        .unwrap_or_else(|| panic!("no figure {id} {breakdown}={group}"))
}

/// (value, numerator, denominator) of a figure.
fn parts(f: &Value) -> (Option<f64>, f64, Option<f64>) {
    (f["value"].as_f64(), f["numerator"].as_f64().unwrap(), f["denominator"].as_f64())
}

#[test]
fn code_figures_count_every_residents_complaint() {
    let wd = year_run();
    let m = wd.json("out/2025-26/metrics.json");
    let all = |id: &str| parts(figure(&m, id, "all", "All"));
    assert_eq!(all("stage1_received"), (Some(8.0), 8.0, None));
    assert_eq!(all("stage2_received"), (Some(2.0), 2.0, None));
    assert_eq!(all("complaints_refused"), (Some(1.0), 1.0, None));
    assert_eq!(all("stage1_on_time_pct"), (Some(71.4), 5.0, Some(7.0)));
    assert_eq!(all("stage2_on_time_pct"), (Some(50.0), 1.0, Some(2.0)));
    assert_eq!(all("stage1_upheld_pct"), (Some(57.1), 4.0, Some(7.0)));
    // Every home given (LCRA, LCHO and leasehold) divides every complaint,
    // and the figure says whose homes are missing.
    let per_1000 = figure(&m, "complaints_per_1000_homes", "all", "All");
    assert_eq!(parts(per_1000), (Some(6.7), 10.0, Some(1500.0)));
    assert_eq!(
        per_1000["note"],
        "counts the complaints of Commercial and Market rent residents, whose homes are not in [homes] for 2025-26"
    );
    let by_stock = |group: &str| parts(figure(&m, "stage1_received", "stock_type", group)).1;
    let counts: Vec<f64> =
        ["LCRA", "LCHO", "Leasehold", "Market rent", "Commercial"].iter().map(|g| by_stock(g)).collect();
    assert_eq!(counts, [3.0, 1.0, 2.0, 1.0, 1.0], "the landlord's own spelling (RTB lessee) is Leasehold");
    assert_eq!(
        parts(figure(&m, "stage1_per_1000_homes", "stock_type", "Leasehold")),
        (Some(6.7), 2.0, Some(300.0))
    );
    let market = figure(&m, "stage1_per_1000_homes", "stock_type", "Market rent");
    assert_eq!(parts(market), (None, 1.0, None));
    assert!(market["note"].as_str().unwrap().contains("no homes figure for Market rent"), "{market}");
    // The SMT-style breakdown in the annual report lists them by stock type, with the rule.
    let report = wd.read("out/2025-26/annual-complaints-report.html");
    assert!(report.contains("Complaints by stock type, 2025-26"), "stock type table");
    assert!(report.contains("only LCRA (low cost rental) and LCHO (low cost home ownership) complaints are in the Tenant Satisfaction Measures"));
}

#[test]
fn the_tenant_satisfaction_measures_count_lcra_and_lcho_only_with_their_timescales() {
    let wd = year_run();
    let expected = "\
measure,stock_type,stage,numerator,denominator,value,acknowledge_working_days,respond_working_days,max_extension_working_days,response_clock_starts,code_timescales\r
CH01,LCRA,1,3,1000,3.0,,,,,\r
CH01,LCRA,2,1,1000,1.0,,,,,\r
CH01,LCHO,1,1,200,5.0,,,,,\r
CH01,LCHO,2,0,200,0.0,,,,,\r
CH01,all,1,4,1200,3.3,,,,,\r
CH01,all,2,1,1200,0.8,,,,,\r
CH02,LCRA,1,2,3,66.7,5,10,10,acknowledgement,yes\r
CH02,LCRA,2,0,1,0.0,5,20,20,acknowledgement,yes\r
CH02,LCHO,1,1,1,100.0,5,10,10,acknowledgement,yes\r
CH02,LCHO,2,0,0,,5,20,20,acknowledgement,yes\r
CH02,all,1,3,4,75.0,5,10,10,acknowledgement,yes\r
CH02,all,2,0,1,0.0,5,20,20,acknowledgement,yes\r
";
    assert_eq!(wd.read("out/2025-26/tsm.csv"), expected);
    let report = wd.read("out/2025-26/annual-complaints-report.html");
    assert!(
        report.contains("acknowledge within 5; respond within 10 of the acknowledgement; extend by at most 10; in working days (the Code&#x27;s)"),
        "the CH02 timescales in the TSM return"
    );
}

#[test]
fn an_unknown_stock_type_is_excluded_naming_every_known_one() {
    let wd = year_run();
    let quality = wd.read("out/2025-26/data-quality.csv");
    assert!(quality.contains(
        "in/cases.csv,11,C9,stock_type,Garage,\"unknown stock type (expected LCRA, LCHO, Leasehold, Market rent, Freehold, Commercial or Other)\",error"
    ), "{quality}");
    assert_eq!(quality.lines().count(), 2, "one problem: {quality}");
}

/// CH02 is "within the Complaint Handling Code timescales": a landlord
/// whose own stage 1 is stricter (5 working days from receipt) reports its
/// own figure everywhere else, and CH02 by the Code's unless it asks for its
/// own. LCRA stage 1 (README's table): C1 received Mon 2 Jun, answered
/// 10 Jun, is late by 5 days from receipt (due Mon 9 Jun) and on time by the
/// Code's (due 17 Jun); C2 is late by both; C10 (13 Jun, answered 20 Jun,
/// due Fri 20 Jun either way) is on time by both.
#[test]
fn ch02_is_measured_against_the_codes_timescales_unless_the_landlord_says() {
    let wd = Workdir::with_fixture("tenures");
    let strict = "\n[timescales.complaint.stage1]\nrespond = 5\nclock_starts = \"receipt\"\n";
    let config = wd.read("in/landlord.toml") + strict;
    wd.create("in/landlord.toml", &config);
    wd.redress("run").config("in/landlord.toml").period("2025-26").out("out").run();
    let tsm = wd.read("out/2025-26/tsm.csv");
    assert!(tsm.contains("CH02,LCRA,1,2,3,66.7,5,10,10,acknowledgement,yes\r\n"), "{tsm}");
    assert!(tsm.contains("CH02,LCRA,2,0,1,0.0,5,20,20,acknowledgement,yes\r\n"), "{tsm}");
    let m = wd.json("out/2025-26/metrics.json");
    let lcra = |id: &str| parts(figure(&m, id, "stock_type", "LCRA"));
    assert_eq!(lcra("stage1_on_time_pct"), (Some(33.3), 1.0, Some(3.0)), "the landlord's own timescale");
    assert_eq!(lcra("stage1_code_on_time_pct"), (Some(66.7), 2.0, Some(3.0)), "the Code's");
    let rule = m["tsm"]["rules"]["CH02"].as_str().unwrap();
    assert!(rule.contains("within the Complaint Handling Code's timescale"), "{rule}");

    wd.create(
        "in/landlord.toml",
        config.replace(
            "[timescales.complaint.stage1]",
            "[timescales]\nch02 = \"landlord\"\n[timescales.complaint.stage1]",
        ),
    );
    wd.redress("run").config("in/landlord.toml").period("2025-26").out("out").run();
    let tsm = wd.read("out/2025-26/tsm.csv");
    assert!(tsm.contains("CH02,LCRA,1,1,3,33.3,5,5,10,receipt,no\r\n"), "{tsm}");
    let m = wd.json("out/2025-26/metrics.json");
    assert!(m["tsm"]["rules"]["CH02"].as_str().unwrap().contains("the landlord's own timescale"));
}
