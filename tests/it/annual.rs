//! The annual documents: the Code self-assessment checked and set beside the
//! year's figures, the annual complaints report and TP09, against
//! `tests/fixtures/annual` (answers in its README) over the hand-checked year.

use crate::workdir::{Redress, Workdir};

const ANNUAL_CONFIG: &str = r#"
[annual_report]
self_assessment = "self-assessment.toml"
governing_body_response = "governing-body-response.md"
member_responsible_for_complaints = "Chair of the Residents' Committee"

[tp09."2024-25"]
lcra = { satisfied = 41, respondents = 120 }
"#;

fn annual_fixture() -> Workdir {
    let wd = Workdir::with_fixture("handchecked");
    wd.fixture("annual", "in");
    std::fs::create_dir_all(wd.path("in/evidence")).unwrap();
    std::fs::copy(
        crate::workdir::project().join("tests/fixtures/annual/evidence/complaints-policy.md"),
        wd.path("in/evidence/complaints-policy.md"),
    )
    .unwrap();
    let config = wd.read("in/landlord.toml") + ANNUAL_CONFIG;
    wd.create("in/landlord.toml", config);
    wd
}

/// `redress run` of the fixture's year 2024-25.
fn run_year(wd: &Workdir) -> Redress<'_> {
    wd.redress("run").config("in/landlord.toml").period("2024-25")
}

/// `redress validate-self-assessment` of the fixture's configuration.
fn validate(wd: &Workdir) -> Redress<'_> {
    wd.redress("validate-self-assessment").config("in/landlord.toml")
}

fn self_assessment_rows(wd: &Workdir, period: &str) -> Vec<csv::StringRecord> {
    let text = wd.read(&format!("out/{period}/self-assessment.csv"));
    csv::Reader::from_reader(text.as_bytes()).records().map(|r| r.unwrap()).collect()
}

#[test]
fn every_data_evidenced_provision_has_its_known_figures_and_check() {
    let wd = annual_fixture();
    let stderr = run_year(&wd).out("out").run();
    assert!(
        stderr.contains("; self-assessment: 74 provisions answered, 0 error(s), 5 check(s); wrote"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "one summary line for cron");
    let rows = self_assessment_rows(&wd, "2024-25");
    assert_eq!(rows.len(), 74, "one row per provision of the 2024 Code");
    let row = |id: &str| rows.iter().find(|r| &r[2] == id).unwrap_or_else(|| panic!("no provision {id}"));
    // (provision, comply, measured_for_the_year, check): the README's table.
    let expected = [
        ("2.3", "Yes", "All complaints: refused: 1; All complaints: refused, refusal reason: Outside 12-month window: 1", ""),
        ("2.4", "Yes", "All complaints: refused: 1; All complaints: refused, refusal reason: Outside 12-month window: 1", ""),
        ("5.2", "Yes", "Stage 1: received: 8; Stage 2: received: 3", ""),
        ("5.3", "No", "Stage 1: received: 8; Stage 2: received: 3", "Answered no, but the complaints process is configured with exactly two stages: check the answer."),
        ("6.2", "Yes", "Stage 1: acknowledged on time: 87.5% (7 of 8)", "Answered yes, but stage 1: acknowledged on time was 87.5% (7 of 8) for the year, below the 95% threshold: explain in the commentary."),
        ("6.3", "Yes", "Stage 1: responded to on time: 71.4% (5 of 7); Stage 1: average working days to respond: 14.9 (104 ÷ 7)", "Answered yes, but stage 1: responded to on time was 71.4% (5 of 7) for the year, below the 95% threshold: explain in the commentary."),
        ("6.4", "Yes", "Stage 1: responses with an agreed extension: 28.6% (2 of 7); Stage 1: extensions beyond the maximum: 1", "Answered yes, but stage 1: extensions beyond the maximum was 1 for the year: explain in the commentary."),
        ("6.11", "Yes", "Stage 2: acknowledged on time: 66.7% (2 of 3)", "Answered yes, but stage 2: acknowledged on time was 66.7% (2 of 3) for the year, below the 95% threshold: explain in the commentary."),
        ("6.14", "No", "Stage 2: responded to on time: 66.7% (2 of 3); Stage 2: average working days to respond: 22.7 (68 ÷ 3)", ""),
        ("6.15", "Yes", "Stage 2: responses with an agreed extension: 0.0% (0 of 3); Stage 2: extensions beyond the maximum: 0", ""),
        ("8.1", "Yes", "Stage 1: received: 8; Stage 2: received: 3; All complaints: responded to: 10", ""),
        ("9.7", "Yes", "No figures: the Housing Ombudsman export was not given ([ombudsman] in the configuration).", ""),
    ];
    for (id, comply, measured, check) in expected {
        let r = row(id);
        assert_eq!((&r[4], &r[7], &r[11]), (comply, measured, check), "provision {id}");
    }
    // Provisions the data cannot speak to carry no figures.
    assert_eq!(&row("1.2")[7], "");
    assert_eq!(rows.iter().filter(|r| !r[11].is_empty()).count(), 5);
    assert_eq!(&row("6.14")[9], "Weekly stage 2 due-date review by the Complaints Manager.");
    assert_eq!(&row("6.14")[10], "31 Jul 2025");

    // The same checks in metrics.json, for programs.
    let m = wd.json("out/2024-25/metrics.json");
    let sa = &m["self_assessment"];
    assert_eq!(
        (sa["provisions"].as_u64(), sa["yes"].as_u64(), sa["no"].as_u64()),
        (Some(74), Some(72), Some(2))
    );
    let checked: Vec<&str> =
        sa["checks"].as_array().unwrap().iter().map(|c| c["provision"].as_str().unwrap()).collect();
    assert_eq!(checked, ["5.3", "6.2", "6.3", "6.4", "6.11"]);
    assert_eq!(sa["problems"].as_array().unwrap().len(), 0);

    // TP09 from the config, in tsm.csv beside CH01 and CH02.
    let tsm = wd.read("out/2024-25/tsm.csv");
    assert!(tsm.lines().any(|l| l == "TP09,LCRA,,41,120,34.2"), "{tsm}");
    assert!(!tsm.contains("TP09,LCHO"), "{tsm}");
    assert!(tsm.lines().any(|l| l == "CH02,all,1,5,7,71.4"), "{tsm}");
}

#[test]
fn the_annual_report_holds_the_year_the_self_assessment_and_the_response() {
    let wd = annual_fixture();
    run_year(&wd).out("out").run();
    let html = wd.read("out/2024-25/annual-complaints-report.html");
    let doc = scraper::Html::parse_document(&html);
    let text: String = doc.root_element().text().collect::<Vec<_>>().join(" ");
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        // Against last year (2023-24 has only A10's... nothing received): the year's own figures.
        "Stage 1: responded to on time 71.4% 5 of 7",
        // Refused, by reason.
        "Complaints refused in 2024-25, by reason Reason Refused Outside 12-month window 1 All 1",
        // Non-compliance: the two "no"s and the flagged answers.
        "Does not comply. Two of the three stage 2 responses were on time.",
        "Weekly stage 2 due-date review by the Complaints Manager. 31 Jul 2025",
        // TP09 and its rule.
        "TP09 LCRA 34.2% 41 120",
        "an input figure from [tp09.\"<year>\"] in the config",
        // The self-assessment inside the report, and its summary.
        "we comply with 72 and do not yet comply with 2",
        "Section 6: Complaints stages",
        // Learning quoted from the year's closed complaints.
        "Added a weekly check on overdue repairs.",
        // The governing body's response (escaped: it holds < and &) and the MRC.
        "We accept its findings on <timeliness> & ask for a plan.",
        "Our Member Responsible for Complaints is the Chair of the Residents' Committee.",
    ] {
        assert!(text.contains(expected), "missing {expected:?}");
    }
    assert!(html.contains("&lt;timeliness&gt; &amp; ask"), "free text is escaped");
    // Quarter by quarter: stage 1 received (A4, A5 in Q1; A6 in Q2, A7 being
    // refused; A8 and A1 in Q3; A2, A3 and A9 in Q4).
    assert!(text.contains("Stage 1: received 2 1 2 3 8"), "quarters");
    // The standalone self-assessment and the index link.
    let sa = wd.read("out/2024-25/self-assessment.html");
    assert!(sa.contains("Check:"));
    let index = wd.read("out/2024-25/index.html");
    for href in ["annual-complaints-report.html", "self-assessment.html", "self-assessment.csv"] {
        assert!(index.contains(&format!("href=\"{href}\"")), "index links {href}");
    }
}

#[test]
fn validate_self_assessment_names_each_faulty_provision_and_exits_3() {
    let wd = annual_fixture();
    let out = validate(&wd).year("2024-25").output();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "", "a clean file prints no problems");
    assert!(String::from_utf8_lossy(&out.stderr).contains("74 provisions answered, 0 error(s), 0 warning(s)"));
    let faulty = wd
        .read("in/self-assessment.toml")
        .replacen("id = \"1.2\"\ncomply = \"yes\"", "id = \"1.2\"\ncomply = \"Partial\"", 1)
        .replacen("id = \"3.1\"\ncomply = \"yes\"", "id = \"3.1\"\ncomply = \"n/a\"", 1)
        .replacen("id = \"5.10\"\ncomply = \"yes\"", "id = \"5.10\"\ncomply = \"no\"", 1)
        .replacen(
            "id = \"4.1\"\ncomply = \"yes\"\nevidence = \"Complaints policy, section for provision 4.1.\"\nlinks = [\"evidence/complaints-policy.md\"]",
            "id = \"4.1\"\ncomply = \"yes\"\nevidence = \"Training log.\"\nlinks = [\"evidence/training-log-2024.xlsx\"]",
            1,
        )
        .replacen("[[provision]]\nid = \"7.2\"\n", "[[provision]]\nid = \"7.2-removed\"\n", 1);
    wd.create("in/faulty.toml", faulty);
    let out = validate(&wd).file("in/faulty.toml").year("2025-26").output();
    assert_eq!(out.status.code(), Some(3), "errors exit 3");
    let stdout = String::from_utf8_lossy(&out.stdout);
    for expected in [
        "provision 1.2: comply: \"Partial\" is not an answer: the Code allows only yes or no",
        "provision 3.1: comply: \"n/a\" is not an answer",
        "provision 5.10: action: a \"no\" needs the action that will bring compliance",
        "provision 5.10: target_date: a \"no\" needs the date by which the landlord will comply",
        "provision 4.1: links: \"evidence/training-log-2024.xlsx\" does not exist",
        "provision 7.2-removed: id: not a provision of the 2024 Code",
        "provision 7.2: comply: missing: every provision needs an answer",
        "year: the file answers for \"2024-25\", but the report is for 2025-26",
    ] {
        assert!(stdout.contains(expected), "missing {expected:?} in\n{stdout}");
    }
}

#[test]
fn strict_year_runs_refuse_a_faulty_self_assessment() {
    let wd = annual_fixture();
    let faulty = wd.read("in/self-assessment.toml").replacen("comply = \"yes\"", "comply = \"partial\"", 1);
    wd.create("in/self-assessment.toml", faulty);
    // Without the fixture's three faulty case rows, so that --strict has
    // only the self-assessment to refuse.
    let mut seen_a1 = false;
    let cases: String = wd
        .read("in/cases.csv")
        .lines()
        .filter(|l| {
            let duplicate = l.starts_with("A1,") && std::mem::replace(&mut seen_a1, true);
            !(l.starts_with("E1,") || l.starts_with("E3,") || duplicate)
        })
        .map(|l| format!("{l}\n"))
        .collect();
    wd.create("in/cases.csv", cases);
    // Without --strict the documents are written, with the problem listed for the officer.
    run_year(&wd).out("out").run();
    let sa = wd.read("out/2024-25/self-assessment.html");
    assert!(sa.contains("To fix in the self-assessment file before publishing"), "problems listed");
    assert!(sa.contains("provision 1.1: comply: &quot;partial&quot; is not an answer"), "problem named");
    let stderr = run_year(&wd).out("strict").strict().expect_exit(3);
    assert!(stderr.contains("1 error(s) to fix before publishing"), "{stderr}");
    assert!(!wd.exists("strict/2024-25/annual-complaints-report.html"));
}
