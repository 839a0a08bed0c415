//! The bundled sample and its generator: the README's main command works with
//! no arguments, the committed sample is exactly what the generator makes, and
//! no personal data from the export reaches any output.

use crate::workdir::{files_below, project, Workdir};

/// Every file the generator writes, relative to its output folder.
const SAMPLE_FILES: [&str; 14] = [
    "landlord.toml",
    "cases.csv",
    "surveys.csv",
    "ombudsman.csv",
    "self-assessment.toml",
    "governing-body-response.md",
    "ombudsman-annual-letter.md",
    "evidence/complaints-policy.md",
    "evidence/board-minutes-2026-06.md",
    "evidence/staff-training-log.md",
    "rsh-tsm/TSM_2023-24_Full_Data_v1.1.xlsx",
    "rsh-tsm/TSM_2024-25_Full_Data_v1.0.xlsx",
    "rsh-tsm/README.md",
    "rsh-tsm/QUARTILES.md",
];

#[test]
fn run_with_no_arguments_reports_the_sample_landlords_latest_quarter() {
    let wd = Workdir::new();
    wd.sample();
    let stderr = wd.redress("run").run();
    assert!(
        stderr.contains("Northbrook Homes (sample data) 2026-27-Q2 as of 2026-10-09: 5000 rows read"),
        "{stderr}"
    );
    for file in ["metrics.json", "tsm.csv", "data-quality.csv", "run.json"] {
        assert!(wd.exists(&format!("reports/2026-27-Q2/{file}")), "{file}");
    }
    let tsm = wd.read("reports/2026-27-Q2/tsm.csv");
    assert_eq!(tsm.lines().count(), 13, "{tsm}");
    // Not a terminal: one summary line and nothing else.
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    // Every deliberate fault of the generator is caught.
    let dq = wd.read("reports/2026-27-Q2/data-quality.csv");
    for problem in [
        "missing case reference",
        "not a valid date",
        "response before receipt",
        "unknown outcome",
        "unknown stage",
        "negative amount",
        "not an amount of money",
        "duplicate of an earlier row",
        "extension beyond the maximum",
        "responded but no acknowledgement recorded",
    ] {
        assert!(dq.contains(problem), "data-quality.csv lacks {problem:?}");
    }
}

/// The sample export starts in April 2024, so a 2025-26 run has one year
/// before it in the data: each theme's average is of 2024-25 alone (the two
/// years before that are not in the data, not years of nothing), and a
/// theme is emerging only against it.
#[test]
fn learning_themes_are_compared_only_with_periods_the_export_covers() {
    let wd = Workdir::new();
    wd.sample();
    // An Ombudsman finding from long before says nothing of when the case
    // export starts.
    let old = "218800001,CMP-2019-000001,15/06/2021,Maladministration,,,Complaint Handling\n";
    wd.create("sample-data/ombudsman.csv", wd.read("sample-data/ombudsman.csv") + old);
    wd.redress("run").period("2025-26").run();
    let m = wd.json("reports/2025-26/metrics.json");
    let rows = m["learning_themes"]["rows"].as_array().unwrap();
    assert!(rows.len() >= 5, "{rows:?}");
    for r in rows {
        let before = r["counts_before"].as_array().unwrap();
        assert_eq!(before.len(), 1, "{r}");
        assert_eq!(before[0], r["previous"], "{r}");
        let emerging = r["count"].as_f64().unwrap() >= (1.5 * r["previous"].as_f64().unwrap()).max(5.0);
        assert_eq!(r["emerging"], emerging, "{r}");
    }
    assert!(rows.iter().any(|r| r["emerging"] == false), "{rows:?}");
}

#[test]
fn committed_sample_is_what_the_generator_makes() {
    let wd = Workdir::new();
    wd.redress("sample").rows(5000).seed(2026).out("made").run();
    assert_eq!(files_below(&wd.path("made")).len(), SAMPLE_FILES.len());
    for name in SAMPLE_FILES {
        let made = std::fs::read(wd.path(&format!("made/{name}"))).unwrap();
        let committed = std::fs::read(project().join("sample-data").join(name)).unwrap();
        assert!(
            made == committed,
            "sample-data/{name} differs from `redress sample --rows 5000 --seed 2026`"
        );
    }
}

#[test]
fn no_personal_data_from_the_export_reaches_any_output() {
    let wd = Workdir::new();
    wd.redress("sample").rows(3000).seed(99).out("s").run();
    for period in ["2025-26", "latest-month", "2025-26-Q3"] {
        wd.redress("run").config("s/landlord.toml").period(period).out("out").run();
    }
    wd.redress("validate").config("s/landlord.toml").out("out/dq").run();

    let mut reader = csv::Reader::from_path(wd.path("s/cases.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let personal = [
        "Customer Name",
        "Address",
        "Postcode",
        "Email",
        "Phone",
        "Case Notes",
        "Tenancy Reference",
        "Complaint Summary",
    ];
    let idx: Vec<usize> = personal
        .iter()
        .map(|p| headers.iter().position(|h| h.trim_start_matches('\u{feff}') == *p).unwrap())
        .collect();
    let mut values = std::collections::BTreeSet::new();
    for record in reader.records() {
        let record = record.unwrap();
        for &i in &idx {
            let v = record.get(i).unwrap_or("").trim();
            if v.len() >= 6 {
                values.insert(v.to_string());
            }
        }
    }
    // Survey respondents' names.
    let mut surveys = csv::Reader::from_path(wd.path("s/surveys.csv")).unwrap();
    for record in surveys.records() {
        let v = record.unwrap().get(4).unwrap_or("").trim().to_string();
        if v.len() >= 6 {
            values.insert(v);
        }
    }
    assert!(values.len() > 1000, "expected many personal values, got {}", values.len());
    // Every output, the analyst's review of what the screen held back too:
    // it says where and why, never the text.
    let outputs: Vec<_> = files_below(&wd.path("out")).into_iter().collect();
    assert!(outputs.iter().any(|p| p.to_string_lossy().contains("/review/")), "{outputs:?}");
    assert!(outputs.iter().any(|p| p.ends_with("customer-assembly.html")));
    assert!(outputs.len() >= 9, "{outputs:?}");
    let finder = aho_corasick::AhoCorasick::new(&values).unwrap();
    for file in outputs {
        let text = std::fs::read_to_string(&file).unwrap();
        if let Some(m) = finder.find(&text) {
            panic!("{} contains personal data {:?}", file.display(), &text[m.start()..m.end()]);
        }
    }
}
