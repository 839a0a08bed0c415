//! Satisfaction surveys, Ombudsman determinations, learning themes and repeat
//! complainants, against `tests/fixtures/feedback`, whose answers were worked
//! out by hand (its README) before the code was written.

mod workdir;

use serde_json::Value;
use workdir::{files_below, Workdir};

fn run(wd: &Workdir, period: &str) -> Value {
    wd.run(&["run", "--config", "in/landlord.toml", "--period", period, "--out", "out"]);
    serde_json::from_str(&wd.read(&format!("out/{period}/metrics.json"))).unwrap()
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
    let wd = Workdir::new();
    wd.fixture("feedback", "in");
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
    let wd = Workdir::new();
    wd.fixture("feedback", "in");
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
    let wd = Workdir::new();
    wd.fixture("feedback", "in");
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

    assert_eq!(all(&m, "stage1_repeat_complaint_pct", "2025-26"), (8.0, Some(19.0), Some(42.1)));
    assert_eq!(all(&m, "stage1_repeat_issue_pct", "2025-26"), (3.0, Some(19.0), Some(15.8)));
    assert_eq!(all(&m, "stage1_repeat_complaint_pct", "2025-26-Q2"), (4.0, Some(6.0), Some(66.7)));
    assert_eq!(m["repeat_households"]["households"], 7);
}

#[test]
fn a_taxonomy_in_the_config_changes_the_inferred_themes() {
    let wd = Workdir::new();
    wd.fixture("feedback", "in");
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
    let wd = Workdir::new();
    wd.fixture("feedback", "in");
    run(&wd, "2025-26-Q2");
    let dq = wd.read("out/2025-26-Q2/data-quality.csv");
    for expected in [
        "in/surveys.csv,7,FB05,case_ref,FB05 / stage 1,duplicate survey for the same case and stage (row 5 is used),error",
        "in/surveys.csv,8,FB99,case_ref,FB99,survey for a case not in the case export(s): not counted,error",
        "in/surveys.csv,9,FB09,score,6,not a score from 1 to 5,error",
        "in/surveys.csv,13,FB07,stage,2,survey for a stage the case does not have: not counted,error",
        "in/ombudsman.csv,9,HX-2024-0007,case_ref,HX-2024-0007,determination for a case not in the case export(s): counted without a service area,warning",
        "in/ombudsman.csv,11,FB03,determination_date,,missing determination date,error",
    ] {
        assert!(dq.lines().any(|l| l == expected), "missing {expected:?} in\n{dq}");
    }
    assert_eq!(dq.lines().filter(|l| l.starts_with("in/surveys.csv")).count(), 7, "{dq}");
    let m: Value = serde_json::from_str(&wd.read("out/2025-26-Q2/metrics.json")).unwrap();
    let other = m["data_quality"]["other_exports"].as_array().unwrap();
    assert_eq!(other[0]["export"], "surveys");
    assert_eq!((other[0]["rows_read"].as_u64(), other[0]["rows_excluded"].as_u64()), (Some(16), Some(7)));
    assert_eq!((other[1]["rows_read"].as_u64(), other[1]["rows_excluded"].as_u64()), (Some(11), Some(2)));
    // HouseMark gains its two indicators from these exports.
    let hm = wd.read("out/2025-26-Q2/housemark.csv");
    assert!(hm.contains("satisfaction_with_handling_pct,2025-26-Q2,66.7,2,3"), "{hm}");
    assert!(hm.contains("ombudsman_maladministration_rate_pct,2025-26-Q2,100.0,3,3"), "{hm}");
}

#[test]
fn no_household_reference_description_or_hash_reaches_any_output() {
    let wd = Workdir::new();
    wd.fixture("feedback", "in");
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
