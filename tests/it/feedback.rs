//! Satisfaction surveys, Ombudsman determinations, learning themes and repeat
//! complainants, against `tests/fixtures/feedback`, whose answers were worked
//! out by hand (its README) before the code was written.

use crate::html::{table_rows, FINDINGS_BY_CATEGORY};
use crate::workdir::{files_below, Workdir};
use serde_json::Value;

fn run(wd: &Workdir, period: &str) -> Value {
    wd.redress("run").config("in/landlord.toml").period(period).out("out").run();
    wd.json(&format!("out/{period}/metrics.json"))
}

/// (numerator, denominator, value) of a figure.
fn figure(
    m: &Value,
    id: &str,
    period: &str,
    breakdown: &str,
    group: &str,
) -> (f64, Option<f64>, Option<f64>) {
    let f = m["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["id"] == id && f["period"] == period && f["breakdown"] == breakdown && f["group"] == group
        })
        .unwrap_or_else(|| panic!("no figure {id} {period} {breakdown} {group}"));
    (f["numerator"].as_f64().unwrap(), f["denominator"].as_f64(), f["value"].as_f64())
}

fn all(m: &Value, id: &str, period: &str) -> (f64, Option<f64>, Option<f64>) {
    figure(m, id, period, "all", "All")
}

#[test]
fn satisfaction_is_counted_by_survey_date_stage_and_service_area() {
    let wd = Workdir::with_fixture("feedback");
    let m = run(&wd, "2025-26");
    assert_eq!(all(&m, "complaints_satisfaction_pct", "2025-26"), (5.0, Some(9.0), Some(55.6)));
    assert_eq!(all(&m, "stage1_satisfaction_pct", "2025-26"), (4.0, Some(6.0), Some(66.7)));
    // FB01's survey has no stage and is dated after its stage 2 response.
    assert_eq!(all(&m, "stage2_satisfaction_pct", "2025-26"), (1.0, Some(3.0), Some(33.3)));
    assert_eq!(all(&m, "complaints_survey_response_rate_pct", "2025-26"), (9.0, Some(22.0), Some(40.9)));
    let area = |g| figure(&m, "complaints_satisfaction_pct", "2025-26", "service_area", g);
    assert_eq!(area("Repairs"), (4.0, Some(6.0), Some(66.7)));
    assert_eq!(area("Anti-social Behaviour"), (1.0, Some(2.0), Some(50.0)));
    let stock = |g| figure(&m, "complaints_satisfaction_pct", "2025-26", "stock_type", g);
    assert_eq!(stock("LCRA"), (4.0, Some(7.0), Some(57.1)));
    // Quarters, by survey date.
    assert_eq!(all(&m, "complaints_satisfaction_pct", "2025-26-Q1").2, Some(60.0));
    assert_eq!(all(&m, "complaints_satisfaction_pct", "2025-26-Q2").2, Some(66.7));
    assert_eq!(all(&m, "complaints_survey_response_rate_pct", "2025-26-Q2"), (3.0, Some(10.0), Some(30.0)));
}

#[test]
fn ombudsman_findings_and_maladministration_rate() {
    let wd = Workdir::with_fixture("feedback");
    let m = run(&wd, "2025-26");
    assert_eq!(all(&m, "complaints_maladministration_rate_pct", "2025-26"), (4.0, Some(7.0), Some(57.1)));
    assert_eq!(all(&m, "complaints_maladministration_rate_pct", "2025-26-Q1"), (1.0, Some(2.0), Some(50.0)));
    assert_eq!(all(&m, "complaints_maladministration_rate_pct", "2025-26-Q2"), (3.0, Some(3.0), Some(100.0)));
    assert_eq!(all(&m, "complaints_ombudsman_compensation_gbp", "2025-26").2, Some(1400.0));
    assert_eq!(all(&m, "complaints_finding_maladministration", "2025-26").2, Some(2.0));
    for finding in ["severe_maladministration", "service_failure", "partial_maladministration", "withdrawn"] {
        assert_eq!(all(&m, &format!("complaints_finding_{finding}"), "2025-26").2, Some(1.0), "{finding}");
    }
    let area = |g| figure(&m, "complaints_maladministration_rate_pct", "2025-26", "service_area", g);
    assert_eq!(area("Repairs"), (2.0, Some(4.0), Some(50.0)));
    // HX-2024-0007 matches no case: counted, without a service area.
    assert_eq!(area("Not recorded"), (1.0, Some(1.0), Some(100.0)));
}

#[test]
fn themes_recorded_and_inferred_and_repeat_complainants() {
    let wd = Workdir::with_fixture("feedback");
    let m = run(&wd, "2025-26");
    let rows = m["learning_themes"]["rows"].as_array().unwrap();
    let theme = |t: &str| {
        let r = rows.iter().find(|r| r["theme"] == t).unwrap_or_else(|| panic!("no theme {t}"));
        (r["count"].as_f64().unwrap(), r["inferred"].as_f64().unwrap())
    };
    assert_eq!(theme("Communication"), (7.0, 4.0));
    assert_eq!(theme("Repairs delays"), (6.0, 3.0));
    // FB19's description has "no reply" and "mould": the taxonomy's order decides.
    assert_eq!(theme("Damp and mould"), (5.0, 3.0));
    assert_eq!(theme("Missed appointments"), (2.0, 2.0));
    assert_eq!(theme("Staff conduct"), (1.0, 0.0));
    assert_eq!(all(&m, "complaints_theme_inferred", "2025-26").0, 12.0);

    // Each theme by the service area of its complaints (the README's table).
    let by_area = |t: &str| -> Vec<(String, f64)> {
        let r = rows.iter().find(|r| r["theme"] == t).unwrap();
        r["by_service_area"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| (a["service_area"].as_str().unwrap().to_string(), a["count"].as_f64().unwrap()))
            .collect()
    };
    let pairs = |v: &[(&str, f64)]| v.iter().map(|(a, n)| (a.to_string(), *n)).collect::<Vec<_>>();
    assert_eq!(
        by_area("Communication"),
        pairs(&[("Anti-social Behaviour", 4.0), ("Housing Management", 3.0)])
    );
    assert_eq!(by_area("Repairs delays"), pairs(&[("Repairs", 6.0)]));
    assert_eq!(by_area("Damp and mould"), pairs(&[("Repairs", 4.0), ("Housing Management", 1.0)]));
    assert_eq!(by_area("Staff conduct"), pairs(&[("Housing Management", 1.0)]));
    assert_eq!(
        figure(
            &m,
            "complaints_responded_by_theme",
            "2025-26",
            "theme_by_service_area",
            "Damp and mould | Housing Management"
        )
        .0,
        1.0
    );

    assert_eq!(all(&m, "stage1_repeat_complaint_pct", "2025-26"), (8.0, Some(19.0), Some(42.1)));
    assert_eq!(all(&m, "stage1_repeat_issue_pct", "2025-26"), (3.0, Some(19.0), Some(15.8)));
    assert_eq!(all(&m, "stage1_repeat_complaint_pct", "2025-26-Q2"), (4.0, Some(6.0), Some(66.7)));
    assert_eq!(m["repeat_households"]["households"], 7);
}

#[test]
fn a_taxonomy_in_the_config_changes_the_inferred_themes() {
    let wd = Workdir::with_fixture("feedback");
    // The same phrases with Communication first: FB19 ("no reply about the
    // mould") moves from Damp and mould to Communication.
    let original = wd.read("in/landlord.toml");
    let (head, _) = original.split_once("[themes.taxonomy]").unwrap();
    let config = format!(
        "{head}[themes.taxonomy]\n\
         \"Communication\" = [\"no reply\", \"not kept informed\", \"communication\"]\n\
         \"Damp and mould\" = [\"damp\", \"mould\", \"condensation\"]\n\
         \"Repairs delays\" = [\"repair delay\", \"still not fixed\", \"waiting for repair\"]\n\
         \"Missed appointments\" = [\"missed appointment\", \"no show\", \"did not turn up\"]\n"
    );
    wd.create("in/landlord.toml", config);
    let m = run(&wd, "2025-26");
    let rows = m["learning_themes"]["rows"].as_array().unwrap();
    let count = |t: &str| rows.iter().find(|r| r["theme"] == t).unwrap()["count"].as_f64().unwrap();
    assert_eq!((count("Communication"), count("Damp and mould")), (8.0, 4.0));
}

#[test]
fn bad_survey_and_ombudsman_rows_are_listed_by_file_row_and_column() {
    let wd = Workdir::with_fixture("feedback");
    run(&wd, "2025-26-Q2");
    let dq = wd.read("out/2025-26-Q2/data-quality.csv");
    for expected in [
        "in/surveys.csv,7,FB05,case_ref,FB05 / stage 1,duplicate survey for the same case and stage (row 5 is used),error",
        "in/surveys.csv,8,FB99,case_ref,FB99,survey for a case not among the case rows used (not in the case export(s) or its row excluded): not counted,error",
        "in/surveys.csv,9,FB09,score,6,not a score from 1 to 5,error",
        "in/surveys.csv,13,FB07,stage,2,survey for a stage the case does not have: not counted,error",
        "in/ombudsman.csv,9,HX-2024-0007,case_ref,HX-2024-0007,determination for a case not among the case rows used (not in the case export(s) or its row excluded): counted without a service area,warning",
        "in/ombudsman.csv,11,FB03,determination_date,,missing determination date,error",
    ] {
        assert!(dq.lines().any(|l| l == expected), "missing {expected:?} in\n{dq}");
    }
    assert_eq!(dq.lines().filter(|l| l.starts_with("in/surveys.csv")).count(), 7, "{dq}");
    let m = wd.json("out/2025-26-Q2/metrics.json");
    let other = m["data_quality"]["other_exports"].as_array().unwrap();
    assert_eq!(other[0]["export"], "surveys");
    assert_eq!((other[0]["rows_read"].as_u64(), other[0]["rows_excluded"].as_u64()), (Some(16), Some(7)));
    assert_eq!((other[1]["rows_read"].as_u64(), other[1]["rows_excluded"].as_u64()), (Some(11), Some(2)));
    // A warned finding is the Ombudsman export's, not a case row used with
    // a warning.
    assert_eq!(other[1]["rows_with_warnings"].as_u64(), Some(1));
    let case_rows_warned: std::collections::BTreeSet<&str> = dq
        .lines()
        .filter(|l| l.starts_with("in/cases.csv,") && l.ends_with(",warning"))
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    assert_eq!(m["data_quality"]["rows_with_warnings"].as_u64(), Some(case_rows_warned.len() as u64), "{dq}");
    // The reports' table says which export each problem is in, and the
    // sentence above it gives each export's counts apart.
    let smt = wd.read("out/2025-26-Q2/smt-report.html");
    let rows = table_rows(&smt, "Problems found in the exports");
    assert_eq!(rows[0], ["Problem", "Export", "Column", "Rows", "Effect"]);
    let row = |problem: &str| {
        rows.iter().find(|r| r[0].starts_with(problem)).unwrap_or_else(|| panic!("{problem}: {rows:?}"))
    };
    assert_eq!(row("not a score from 1 to 5")[1..], ["Surveys", "score", "2", "row excluded"]);
    assert_eq!(
        row("determination for a case not among the case rows used (not in the case export(s) or its row excluded)")[1..],
        ["Ombudsman", "case_ref", "1", "row used (warning)"]
    );
    let text: String =
        scraper::Html::parse_document(&smt).root_element().text().collect::<Vec<_>>().join(" ");
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("Survey export rows: 16 read, 9 used (0 with a warning), 7 excluded."), "{text}");
    assert!(
        text.contains("Ombudsman export rows: 11 read, 9 used (1 with a warning), 2 excluded."),
        "{text}"
    );
    // HouseMark gains its two indicators from these exports.
    let hm = wd.read("out/2025-26-Q2/housemark.csv");
    assert!(hm.contains("satisfaction_with_handling_pct,2025-26-Q2,66.7,2,3"), "{hm}");
    assert!(hm.contains("ombudsman_maladministration_rate_pct,2025-26-Q2,100.0,3,3"), "{hm}");
}

#[test]
fn no_household_reference_description_or_hash_reaches_any_output() {
    let wd = Workdir::with_fixture("feedback");
    run(&wd, "2025-26");
    run(&wd, "2025-26-Q2");
    let cases = wd.read("in/cases.csv");
    let mut secrets: Vec<String> = Vec::new();
    for line in cases.lines().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        let (household, description) = (fields[16], fields[17]);
        if !household.is_empty() {
            secrets.push(household.to_string());
        }
        if !description.is_empty() {
            secrets.push(description.to_string());
        }
    }
    secrets.extend(["Okafor", "Patel", "Brown", "Adeyemi"].map(String::from));
    let hash = regex::Regex::new(r"\d{12,}").unwrap();
    for path in files_below(&wd.path("out")) {
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).to_string();
        for s in &secrets {
            assert!(!text.contains(s.as_str()), "{s:?} in {}", path.display());
        }
        // A household hash is a 64-bit number: nothing that long is written.
        if !path.ends_with("run.json") && path.extension().is_some_and(|e| e != "html") {
            assert!(!hash.is_match(&text), "a long number in {}", path.display());
        }
    }
}

#[test]
fn surveys_and_determinations_dated_after_the_run_date_are_errors() {
    let wd = Workdir::with_fixture("feedback");
    // The fixture's run date is 30 April 2026.
    let surveys = wd.read("in/surveys.csv") + "FB02,2026-05-01,5,1\n";
    wd.create("in/surveys.csv", surveys);
    let findings = wd.read("in/ombudsman.csv") + "FB05,2026-06-30,Maladministration,,,\n";
    wd.create("in/ombudsman.csv", findings);
    let m = run(&wd, "2025-26-Q2");
    let dq = wd.read("out/2025-26-Q2/data-quality.csv");
    for expected in [
        "in/surveys.csv,17,FB02,survey_date,2026-05-01,date in the future (after the run date): not counted (the run date is 30/04/2026),error",
        "in/ombudsman.csv,12,FB05,determination_date,2026-06-30,date in the future (after the run date): not counted (the run date is 30/04/2026),error",
    ] {
        assert!(dq.lines().any(|l| l == expected), "missing {expected:?} in\n{dq}");
    }
    let other = m["data_quality"]["other_exports"].as_array().unwrap();
    assert_eq!((other[0]["rows_read"].as_u64(), other[0]["rows_excluded"].as_u64()), (Some(17), Some(8)));
    assert_eq!((other[1]["rows_read"].as_u64(), other[1]["rows_excluded"].as_u64()), (Some(12), Some(3)));
}

#[test]
fn the_customer_assembly_report_says_what_people_thought_and_what_the_ombudsman_found() {
    let wd = Workdir::with_fixture("feedback");
    let config = wd.read("in/landlord.toml") + "\n[customer_assembly]\nsmall_number_threshold = 1\n";
    wd.create("in/landlord.toml", config);
    let words = |period: &str| {
        run(&wd, period);
        let html = wd.read(&format!("out/{period}/customer-assembly.html"));
        let text = scraper::Html::parse_document(&html).root_element().text().collect::<String>();
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    // Q1: 3 of 5 surveys satisfied (60%); Ombudsman 1 of 2 findings on the merits.
    let q1 = words("2025-26-Q1");
    assert!(q1.contains("5 people told us. 6 in every 10 of them (3 of 5) were happy"), "{q1}");
    assert!(
        q1.contains(
            "made 2 findings about complaints we had handled. It found we got something wrong in 1 of them"
        ),
        "{q1}"
    );
    // Q2: 2 of 3 (66.7%); 3 of 3 on the merits (the withdrawn finding is not a decision).
    let q2 = words("2025-26-Q2");
    assert!(q2.contains("3 people told us. 7 in every 10"), "{q2}");
    assert!(q2.contains("made 3 findings"), "{q2}");

    // At the default threshold of 5 the small counts are not given, but for
    // the Ombudsman's findings, which it publishes itself.
    wd.fixture("feedback", "in");
    let q2 = words("2025-26-Q2");
    assert!(q2.contains("Fewer than 5 people answered our survey"), "{q2}");
    assert!(
        q2.contains("made 3 findings about complaints we had handled. It found we got something wrong in"),
        "{q2}"
    );
}

#[test]
fn smt_report_crosses_themes_with_service_areas_and_the_monthly_pack_shows_feedback() {
    let wd = Workdir::with_fixture("feedback");
    run(&wd, "2025-26-Q2");
    let smt = wd.read("out/2025-26-Q2/smt-report.html");
    // Q2 (README's cases table): Repairs delays FB09, FB12 and both their
    // stage 2s in Repairs; Communication FB10, FB16 (Housing Management) and
    // FB14 (ASB); Damp and mould FB15 (Repairs).
    let rows = table_rows(&smt, "Learning themes by service area");
    let expected: Vec<Vec<&str>> = vec![
        vec!["Theme", "Repairs", "Housing Management", "Anti-social Behaviour", "All service areas"],
        vec!["Repairs delays", "4", "0", "0", "4"],
        vec!["Communication", "0", "2", "1", "3"],
        vec!["Damp and mould", "1", "0", "0", "1"],
    ];
    assert_eq!(rows, expected);

    let pack = wd.read("out/2025-26-Q2/monthly-pack.html");
    let rows = table_rows(&pack, "Satisfaction, Ombudsman findings and repeat complaints: September 2025");
    let headers: Vec<&str> = rows.iter().skip(1).map(|r| r[0].as_str()).collect();
    assert_eq!(
        headers,
        [
            "All complaints: satisfied with how the complaint was handled",
            "All complaints: satisfaction surveys returned",
            "All complaints: Ombudsman findings",
            "All complaints: Ombudsman maladministration rate",
            "Stage 1: from a household that complained before (repeat complainants)",
            "Stage 1: repeat issues (same household, same category)",
        ]
    );
}

#[test]
fn findings_are_counted_by_the_ombudsmans_category_and_complaint_handling_failings_apart() {
    let wd = Workdir::with_fixture("feedback");
    let m = run(&wd, "2025-26");
    // The README's "Ombudsman by category": every spelling of complaint
    // handling is one group.
    let category = |id: &str, g: &str| figure(&m, id, "2025-26", "finding_category", g);
    let rate = "complaints_maladministration_rate_pct";
    assert_eq!(category(rate, "Complaint handling"), (3.0, Some(5.0), Some(60.0)));
    assert_eq!(category(rate, "Anti-social Behaviour"), (1.0, Some(1.0), Some(100.0)));
    assert_eq!(category(rate, "Damp & Mould"), (0.0, Some(1.0), Some(0.0)));
    assert_eq!(category(rate, "Not recorded"), (0.0, Some(0.0), None));
    assert_eq!(category("complaints_ombudsman_findings", "Complaint handling").0, 5.0);
    assert_eq!(category("complaints_finding_reasonable_redress", "Complaint handling").0, 1.0);
    assert_eq!(category("complaints_finding_outside_jurisdiction", "Not recorded").0, 1.0);
    let groups = |m: &Value, period: &str| -> Vec<String> {
        let mut g: Vec<String> = m["figures"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["breakdown"] == "finding_category" && f["period"] == period)
            .map(|f| f["group"].as_str().unwrap().to_string())
            .collect();
        g.sort();
        g.dedup();
        g
    };
    assert_eq!(
        groups(&m, "2025-26"),
        ["Anti-social Behaviour", "Complaint handling", "Damp & Mould", "Not recorded"]
    );
    // Only the Ombudsman's measures are broken down by it.
    assert!(m["figures"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["breakdown"] == "finding_category")
        .all(|f| f["measure"].as_str().unwrap().contains("finding")
            || f["measure"] == "maladministration_rate_pct"));

    // Failings in complaint handling: severe maladministration, maladministration
    // or service failure whose category is complaint handling.
    assert_eq!(all(&m, "complaints_complaint_handling_failings", "2025-26"), (3.0, None, Some(3.0)));
    assert_eq!(all(&m, "complaints_complaint_handling_failings", "2025-26-Q1").0, 1.0);
    assert_eq!(all(&m, "complaints_complaint_handling_failings", "2025-26-Q2").0, 2.0);
    assert_eq!(all(&m, "complaints_complaint_handling_failings", "2025-26-Q3").0, 0.0);
    let area = |g| figure(&m, "complaints_complaint_handling_failings", "2025-26", "service_area", g).0;
    assert_eq!((area("Repairs"), area("Not recorded")), (2.0, 1.0));

    // Q1's findings all have a category: the case and survey rows add no
    // "Not recorded" group, and the case figures are as before.
    let q1 = run(&wd, "2025-26-Q1");
    assert_eq!(groups(&q1, "2025-26-Q1"), ["Complaint handling"]);
    assert_eq!(all(&q1, "complaints_received", "2025-26-Q1").0, 10.0);
    assert_eq!(figure(&q1, "complaints_received", "2025-26-Q1", "category", "Damp and mould").0, 3.0);
}

#[test]
fn smt_report_shows_the_quarters_findings_by_the_ombudsmans_category() {
    let wd = Workdir::with_fixture("feedback");
    run(&wd, "2025-26-Q2");
    let smt = wd.read("out/2025-26-Q2/smt-report.html");
    // Q2: rows 2 and 7 (Anti-social Behaviour), 3 and 9 (complaint handling).
    let rows = table_rows(&smt, "Housing Ombudsman findings by the Ombudsman's category, Q2 2025-26");
    let expected: Vec<Vec<&str>> = vec![
        FINDINGS_BY_CATEGORY.to_vec(),
        vec!["Anti-social Behaviour", "2", "0", "1", "0", "0", "0", "0", "0", "1", "100.0%1 of 1"],
        vec!["Complaint handling", "2", "0", "1", "1", "0", "0", "0", "0", "0", "100.0%2 of 2"],
        vec!["All", "4", "0", "2", "1", "0", "0", "0", "0", "1", "100.0%3 of 3"],
    ];
    assert_eq!(rows, expected);
}

#[test]
fn a_case_dropped_for_due_dates_beyond_the_calendar_links_no_survey_or_determination() {
    // Z9's response falls due after the embedded calendar's last day (31
    // December 2028), so the schedule drops it. Its survey and determination
    // are linked to the rows the schedule kept, so as for a case not
    // exported: linking must not run on the rows as validation left them.
    let wd = Workdir::with_fixture("feedback");
    let add = |file: &str, rows: &str| {
        let text = wd.read(&format!("in/{file}"));
        wd.create(&format!("in/{file}"), format!("{text}{rows}"));
    };
    add(
        "cases.csv",
        "Z9,complaint,1,2028-12-15,2028-12-18,,,,,Repairs,Damp and mould,Phone,LCRA,,,,T-9009,\n",
    );
    add("surveys.csv", "Z9,2028-12-19,5,1\n");
    add("ombudsman.csv", "Z9,2028-12-19,Maladministration,Apology,100.00,Complaint Handling\n");
    wd.redress("validate").config("in/landlord.toml").as_of("2028-12-20").out("dq").run();
    let dq = wd.read("dq/data-quality.csv");
    let about = |case: &str| dq.lines().filter(|l| l.contains(&format!(",{case},"))).collect::<Vec<_>>();
    let z9 = about("Z9");
    assert!(z9.iter().any(|l| l.contains("its due dates fall after the working-day calendar ends")), "{dq}");
    assert!(
        z9.iter().any(|l| l.contains(
            "survey for a case not among the case rows used (not in the case export(s) or its row excluded)"
        )),
        "{dq}"
    );
    assert!(z9.iter().any(|l| l.contains("determination for a case not among the case rows used (not in the case export(s) or its row excluded)")), "{dq}");
}
