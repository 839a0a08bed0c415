//! The annual documents: the Code self-assessment checked and set beside the
//! year's figures, the annual complaints report and TP09, against
//! `tests/fixtures/annual` (answers in its README) over the hand-checked year.

use crate::html::{strings, table_rows, FINDINGS_BY_CATEGORY};
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
        stderr.contains("; self-assessment: 72 provisions answered, 0 error(s), 5 check(s); wrote"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "one summary line for cron");
    let rows = self_assessment_rows(&wd, "2024-25");
    // One row per provision the Ombudsman's form asks: the 2024 Code's 73
    // paragraphs but 1.1, which the fixture leaves unanswered (not an error).
    assert_eq!(rows.len(), 72, "one row per provision on the Ombudsman's form");
    assert!(!rows.iter().any(|r| &r[2] == "1.1" || &r[2] == "1.7"));
    assert!(rows.iter().all(|r| &r[12] == "yes"), "every row is on the form");
    let row = |id: &str| rows.iter().find(|r| &r[2] == id).unwrap_or_else(|| panic!("no provision {id}"));
    // (provision, comply, measured_for_the_year, check): the README's table.
    let expected = [
        ("2.3", "Yes", "All complaints: refused: 1; All complaints: refused, refusal reason: Outside 12-month window: 1", ""),
        ("4.3", "Yes", "No figures: the Housing Ombudsman export was not given ([ombudsman] in the configuration).", ""),
        ("2.4", "Yes", "All complaints: refused: 1; All complaints: refused, refusal reason: Outside 12-month window: 1", ""),
        ("5.2", "Yes", "Stage 1: received: 8; Stage 2: received: 3", ""),
        ("5.3", "No", "Stage 1: received: 8; Stage 2: received: 3", "Answered no, but the complaints process is configured with exactly two stages."),
        ("6.2", "Yes", "Stage 1: acknowledged within the Code's timescale: 87.5% (7 of 8)", "Answered yes, but stage 1: acknowledged within the Code's timescale was 87.5% (7 of 8) for the year, below the 95% threshold."),
        ("6.3", "Yes", "Stage 1: responded to within the Code's timescale: 71.4% (5 of 7); Stage 1: average working days to respond: 14.9 (104 ÷ 7)", "Answered yes, but stage 1: responded to within the Code's timescale was 71.4% (5 of 7) for the year, below the 95% threshold."),
        ("6.4", "Yes", "Stage 1: responses with an agreed extension: 28.6% (2 of 7); Stage 1: extensions beyond the Code's maximum: 1", "Answered yes, but stage 1: extensions beyond the Code's maximum was 1 for the year."),
        ("6.11", "Yes", "Stage 2: acknowledged within the Code's timescale: 66.7% (2 of 3)", "Answered yes, but stage 2: acknowledged within the Code's timescale was 66.7% (2 of 3) for the year, below the 95% threshold."),
        ("6.14", "No", "Stage 2: responded to within the Code's timescale: 66.7% (2 of 3); Stage 2: average working days to respond: 22.7 (68 ÷ 3)", ""),
        ("6.15", "Yes", "Stage 2: responses with an agreed extension: 0.0% (0 of 3); Stage 2: extensions beyond the Code's maximum: 0", ""),
        ("8.1", "Yes", "Stage 1: received: 8; Stage 2: received: 3; All complaints: responded to: 10", ""),
        ("8.4", "Yes", "No figures: the Housing Ombudsman export was not given ([ombudsman] in the configuration).", ""),
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
        (Some(72), Some(70), Some(2))
    );
    let checked: Vec<&str> =
        sa["checks"].as_array().unwrap().iter().map(|c| c["provision"].as_str().unwrap()).collect();
    assert_eq!(checked, ["5.3", "6.2", "6.3", "6.4", "6.11"]);
    assert_eq!(sa["problems"].as_array().unwrap().len(), 0);

    // TP09 from the config, in tsm.csv beside CH01 and CH02.
    let tsm = wd.read("out/2024-25/tsm.csv");
    assert!(tsm.lines().any(|l| l == "TP09,LCRA,,41,120,34.2,,,,,"), "{tsm}");
    assert!(!tsm.contains("TP09,LCHO"), "{tsm}");
    assert!(tsm.lines().any(|l| l == "CH02,all,1,5,7,71.4,5,10,10,acknowledgement,yes"), "{tsm}");
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
        "an input figure from the landlord's survey results",
        // The self-assessment inside the report, its approval and its summary.
        "The self-assessment was completed by the Complaints Manager on 12 May 2025 and approved by the Customer Services Committee on 29 May 2025.",
        "Of the 72 provisions on the Housing Ombudsman's self-assessment form, we comply with 70 and do not yet comply with 2.",
        // When the year's submission is due: 2,000 + 150 homes, more than 1,000.
        "We own 2,150 social homes (2,000 low-cost rental and 150 low-cost home ownership, our figures from 2024-25), more than 1,000, so we must send our annual submission for 2024-25 to the Housing Ombudsman, with this report, the self-assessment and the governing body's response, by 30 Sep 2025. The Ombudsman's rule: landlords with more than 1,000 homes submit by 30 September after the end of the financial year (here 31 Mar 2025).",
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
    assert!(!text.contains("not yet approved"), "an approved year carries no notice");
    // Quarter by quarter: stage 1 received (A4, A5 in Q1; A6 in Q2, A7 being
    // refused; A8 and A1 in Q3; A2, A3 and A9 in Q4).
    assert!(text.contains("Stage 1: received 2 1 2 3 8"), "quarters");
    // The standalone self-assessment and the index link.
    let sa = wd.read("out/2024-25/self-assessment.html");
    assert!(sa.contains("Check:"));
    assert!(sa.contains("completed by the Complaints Manager on 12 May 2025; approved by the Customer Services Committee on 29 May 2025."));
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
    assert!(String::from_utf8_lossy(&out.stderr).contains("72 provisions answered, 0 error(s), 0 warning(s)"));
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
    assert!(sa.contains("provision 1.2: comply: &quot;partial&quot; is not an answer"), "problem named");
    let stderr = run_year(&wd).out("strict").strict().expect_exit(3);
    assert!(stderr.contains("1 error(s) to fix before publishing"), "{stderr}");
    assert!(!wd.exists("strict/2024-25/annual-complaints-report.html"));
}

/// The annual report's text, whitespace collapsed.
fn report_text(wd: &Workdir, file: &str) -> String {
    let html = wd.read(&format!("out/2024-25/{file}"));
    let doc = scraper::Html::parse_document(&html);
    let text: String = doc.root_element().text().collect::<Vec<_>>().join(" ");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn a_self_assessment_not_yet_approved_is_flagged_in_words_and_approval_dates_are_checked() {
    let wd = annual_fixture();
    let unapproved = wd
        .read("in/self-assessment.toml")
        .replace("approved_by = \"Customer Services Committee\"\napproved_on = \"2025-05-29\"\n", "");
    wd.create("in/self-assessment.toml", &unapproved);
    // Not approved is a warning: the run publishes, with a notice.
    let stderr = run_year(&wd).out("out").run();
    assert!(stderr.contains("self-assessment: 72 provisions answered, 0 error(s), 5 check(s)"), "{stderr}");
    let report = report_text(&wd, "annual-complaints-report.html");
    for expected in [
        "The self-assessment in this report is not yet approved by the governing body",
        "Not yet approved by the governing body This self-assessment has not been recorded as approved by the governing body.",
        "warning: approved_on: missing: not yet approved by the governing body",
    ] {
        assert!(report.contains(expected), "missing {expected:?}");
    }
    assert!(!report.contains("approved by the Customer Services Committee"));
    let sa = report_text(&wd, "self-assessment.html");
    assert!(
        sa.contains(
            "completed by the Complaints Manager on 12 May 2025; not yet approved by the governing body."
        ),
        "{sa}"
    );
    assert!(sa.contains("Not yet approved by the governing body This self-assessment has not been recorded"));
    let out = validate(&wd).year("2024-25").output();
    assert_eq!(out.status.code(), Some(0), "a warning does not fail validation");
    assert!(String::from_utf8_lossy(&out.stdout).contains(
        "warning: approved_on: missing: not yet approved by the governing body (give approved_by, the governing body or committee that approved it, and approved_on, the date)"
    ));
    assert!(String::from_utf8_lossy(&out.stderr).contains("72 provisions answered, 0 error(s), 1 warning(s)"));

    // Approved before it was completed, or after the run date (the config's
    // as_of, 1 Jun 2025, for validate-self-assessment too): errors.
    for (on, problem) in [
        ("2025-05-11", "error: approved_on: 2025-05-11 is before completed_on, 2025-05-12"),
        ("2025-06-02", "error: approved_on: 2025-06-02 is after the run date, 2025-06-01"),
        ("2025-13-01", "error: approved_on: \"2025-13-01\" is not a date (yyyy-mm-dd)"),
    ] {
        let file = unapproved.replace(
            "completed_on = \"2025-05-12\"\n",
            &format!("completed_on = \"2025-05-12\"\napproved_by = \"Board\"\napproved_on = \"{on}\"\n"),
        );
        wd.create("in/self-assessment.toml", &file);
        let out = validate(&wd).output();
        assert_eq!(out.status.code(), Some(3), "{on}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains(problem),
            "{on}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        // A yearly run checks it too, against its own run date.
        let stderr = run_year(&wd).out("out").run();
        assert!(
            stderr.contains("self-assessment: 72 provisions answered, 1 error(s), 5 check(s)"),
            "{on}: {stderr}"
        );
        assert!(report_text(&wd, "annual-complaints-report.html").contains(problem), "{on}");
    }
}

#[test]
fn the_submission_deadline_follows_the_homes_configured_for_the_year() {
    let wd = annual_fixture();
    let config = wd.read("in/landlord.toml");
    // 1,000 homes or fewer: within six months of the year's end.
    wd.create(
        "in/landlord.toml",
        config.replace("{ lcra = 2000, lcho = 150 }", "{ lcra = 900, lcho = 100 }"),
    );
    run_year(&wd).out("out").run();
    assert!(report_text(&wd, "annual-complaints-report.html").contains(
        "We own 1,000 social homes (900 low-cost rental and 100 low-cost home ownership, our figures from 2024-25), not more than 1,000, so we must send our annual submission for 2024-25 to the Housing Ombudsman, with this report, the self-assessment and the governing body's response, by 30 Sep 2025. The Ombudsman's rule: landlords with 1,000 homes or fewer submit within six months of the end of their financial year (here 31 Mar 2025)."
    ));
    // No [homes] entry for the year: the report says so and gives no date.
    wd.create(
        "in/landlord.toml",
        config.replace(
            "\"2024-25\" = { lcra = 2000, lcho = 150 }",
            "\"2025-26\" = { lcra = 2000, lcho = 150 }",
        ),
    );
    run_year(&wd).out("out").run();
    let report = report_text(&wd, "annual-complaints-report.html");
    assert!(report.contains(
        "The number of homes we own is not configured for 2024-25 ([homes] in the configuration), so this report cannot say when our annual submission is due at the Housing Ombudsman"
    ));
    assert!(!report.contains("we must send our annual submission"), "no deadline without homes");
}

#[test]
fn a_provision_the_form_does_not_ask_may_be_answered_and_is_shown_but_not_counted() {
    let wd = annual_fixture();
    let answered = wd.read("in/self-assessment.toml")
        + "\n[[provision]]\nid = \"1.1\"\ncomply = \"yes\"\nevidence = \"Policy <introduction> & aims.\"\n";
    wd.create("in/self-assessment.toml", answered);
    let stderr = run_year(&wd).out("out").run();
    assert!(stderr.contains("self-assessment: 72 provisions answered, 0 error(s), 5 check(s)"), "{stderr}");
    let rows = self_assessment_rows(&wd, "2024-25");
    assert_eq!(rows.len(), 73);
    // In its place (first), marked as not on the form.
    assert_eq!((&rows[0][2], &rows[0][4], &rows[0][12]), ("1.1", "Yes", "no"));
    let m: serde_json::Value = serde_json::from_str(&wd.read("out/2024-25/metrics.json")).unwrap();
    let sa = &m["self_assessment"];
    assert_eq!((sa["provisions"].as_u64(), sa["yes"].as_u64()), (Some(72), Some(70)));
    let text = report_text(&wd, "self-assessment.html");
    assert!(text.contains("1.1 (not on the Ombudsman's form)"), "{text}");
    assert!(text.contains("we comply with 70 and do not yet comply with 2. Each \"No\""));
    assert!(text.contains("We also answered 1 paragraph of the Code that the form does not ask; it is shown, marked \"not on the Ombudsman's form\", and not counted here."));
    assert!(wd.read("out/2024-25/self-assessment.html").contains("Policy &lt;introduction&gt; &amp; aims."));
}

// ---- the Ombudsman's findings about complaint handling, and its annual letter
//
// Over the feedback fixture (tests/fixtures/feedback), whose Ombudsman export
// has a category column worked out by hand in its README ("Ombudsman by
// category"), with the annual fixture's self-assessment answered for 2025-26.

const OMBUDSMAN_YEAR_CONFIG: &str = r#"
[annual_report]
self_assessment = "self-assessment.toml"
ombudsman_annual_letter = "ombudsman-annual-letter.md"
"#;

fn ombudsman_year() -> Workdir {
    let wd = Workdir::with_fixture("feedback");
    let answers = crate::workdir::project_file("tests/fixtures/annual/self-assessment.toml").replacen(
        "year = \"2024-25\"",
        "year = \"2025-26\"",
        1,
    );
    wd.create("in/self-assessment.toml", answers);
    wd.create(
        "in/evidence/complaints-policy.md",
        crate::workdir::project_file("tests/fixtures/annual/evidence/complaints-policy.md"),
    );
    let config = wd.read("in/landlord.toml") + OMBUDSMAN_YEAR_CONFIG;
    wd.create("in/landlord.toml", config);
    wd
}

/// `redress run` of the feedback fixture's year (or another), into `out/`.
fn run_ombudsman_year<'a>(wd: &'a Workdir, period: &'a str) -> Redress<'a> {
    wd.redress("run").config("in/landlord.toml").period(period).out("out")
}

/// The report's text, whitespace collapsed.
fn text_of(wd: &Workdir, file: &str) -> String {
    let doc = scraper::Html::parse_document(&wd.read(file));
    let text: String = doc.root_element().text().collect::<Vec<_>>().join(" ");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_annual_report_lists_the_years_complaint_handling_failings_and_the_findings_by_category() {
    let wd = ombudsman_year();
    run_ombudsman_year(&wd, "2025-26").run();
    let html = wd.read("out/2025-26/annual-complaints-report.html");
    // The README's "Ombudsman by category": rows 1, 3 (FB09) and 9
    // (HX-2024-0007, no such case) are failings in complaint handling; rows 4
    // and 5 are about complaint handling but found no failing.
    assert_eq!(
        table_rows(
            &html,
            "The Housing Ombudsman's findings of a failing in our complaint handling, determined in 2025-26"
        ),
        strings(&[
            &["Determination date", "Case reference", "Finding"],
            &["20 Jun 2025", "FB01", "Severe maladministration"],
            &["18 Jul 2025", "HX-2024-0007", "Maladministration"],
            &["30 Sep 2025", "FB09", "Service failure"],
        ])
    );
    let text = text_of(&wd, "out/2025-26/annual-complaints-report.html");
    assert!(text.contains("Non-compliance with the Code"), "the list is in the non-compliance section");
    assert!(text.contains(
        "In 2025-26 the Housing Ombudsman found a failing in our complaint handling 3 times: a finding of severe maladministration, maladministration or service failure in a determination the Ombudsman categorised as complaint handling."
    ));
    let section = html.split("id=\"non-compliance\"").nth(1).unwrap().split("</section>").next().unwrap();
    assert!(section.contains("HX-2024-0007"), "listed in the non-compliance section");
    // Findings by the Ombudsman's category, with each rate's working.
    assert_eq!(
        table_rows(&html, "Housing Ombudsman findings by the Ombudsman's category, 2025-26"),
        strings(&[
            &FINDINGS_BY_CATEGORY,
            &["Complaint handling", "5", "1", "1", "1", "0", "1", "1", "0", "0", "60.0%3 of 5"],
            &["Anti-social Behaviour", "2", "0", "1", "0", "0", "0", "0", "0", "1", "100.0%1 of 1"],
            &["Damp & Mould", "1", "0", "0", "0", "1", "0", "0", "0", "0", "0.0%0 of 1"],
            &["Not recorded", "1", "0", "0", "0", "0", "0", "0", "1", "0", "–0 of 0"],
            &["All", "9", "1", "2", "1", "1", "1", "1", "1", "1", "57.1%4 of 7"],
        ])
    );
    assert!(html.contains("Damp &amp; Mould"), "categories are escaped");

    // metrics.json: the count with the other figures, and the list.
    let m = wd.json("out/2025-26/metrics.json");
    let figure = |id: &str, breakdown: &str, group: &str| {
        m["figures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| {
                f["id"] == id
                    && f["period"] == "2025-26"
                    && f["breakdown"] == breakdown
                    && f["group"] == group
            })
            .map(|f| (f["numerator"].as_f64().unwrap(), f["denominator"].as_f64(), f["value"].as_f64()))
            .unwrap_or_else(|| panic!("no figure {id} {breakdown} {group}"))
    };
    assert_eq!(figure("complaints_complaint_handling_failings", "all", "All"), (3.0, None, Some(3.0)));
    let listed = &m["ombudsman_complaint_handling_failings"];
    assert_eq!(listed["status"], "listed");
    assert_eq!(listed["count"], 3);
    let cases: Vec<(&str, &str, &str)> = listed["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["determination_date"].as_str().unwrap(),
                f["case_ref"].as_str().unwrap(),
                f["finding"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        cases,
        [
            ("2025-06-20", "FB01", "severe maladministration"),
            ("2025-07-18", "HX-2024-0007", "maladministration"),
            ("2025-09-30", "FB09", "service failure"),
        ]
    );
}

#[test]
fn the_self_assessment_flags_a_yes_to_4_3_and_8_4_in_a_year_of_complaint_handling_failings() {
    let wd = ombudsman_year();
    let stderr = run_ombudsman_year(&wd, "2025-26").run();
    assert!(stderr.contains("self-assessment: 72 provisions answered, 0 error(s)"), "{stderr}");
    let text = wd.read("out/2025-26/self-assessment.csv");
    let rows: Vec<csv::StringRecord> =
        csv::Reader::from_reader(text.as_bytes()).records().map(|r| r.unwrap()).collect();
    let row = |id: &str| rows.iter().find(|r| &r[2] == id).unwrap_or_else(|| panic!("no provision {id}"));
    let measured =
        "All complaints: Ombudsman findings of a failing in complaint handling: 3; All complaints: Ombudsman findings: 9";
    let check = "Answered yes, but all complaints: Ombudsman findings of a failing in complaint handling was 3 for the year.";
    for id in ["4.3", "8.4"] {
        assert_eq!((&row(id)[4], &row(id)[7], &row(id)[11]), ("Yes", measured, check), "provision {id}");
    }
    // 9.7 shows the Ombudsman's outcomes as before, and flags nothing.
    assert_eq!(&row("9.7")[11], "");
    let m = wd.json("out/2025-26/metrics.json");
    let checked: Vec<&str> = m["self_assessment"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["provision"].as_str().unwrap())
        .collect();
    assert!(checked.contains(&"4.3") && checked.contains(&"8.4"), "{checked:?}");
    let report = text_of(&wd, "out/2025-26/annual-complaints-report.html");
    assert!(report.contains(&format!("Check: {check}")), "the flag is in the annual report too");

    // A "no" is never flagged by this rule.
    let answers = wd.read("in/self-assessment.toml").replacen(
        "id = \"4.3\"\ncomply = \"yes\"",
        "id = \"4.3\"\ncomply = \"no\"\naction = \"Train every officer.\"\ntarget_date = \"2026-09-30\"",
        1,
    );
    wd.create("in/self-assessment.toml", answers);
    run_ombudsman_year(&wd, "2025-26").run();
    let text = wd.read("out/2025-26/self-assessment.csv");
    let rows: Vec<csv::StringRecord> =
        csv::Reader::from_reader(text.as_bytes()).records().map(|r| r.unwrap()).collect();
    let r = rows.iter().find(|r| &r[2] == "4.3").unwrap();
    assert_eq!((&r[4], &r[11]), ("No", ""));
    let r = rows.iter().find(|r| &r[2] == "8.4").unwrap();
    assert_eq!(&r[11], check);
}

#[test]
fn a_year_without_failings_without_a_category_column_or_without_the_export_says_which() {
    // 2024-25: the export has no finding dated in it, so no failing, no flag.
    let wd = ombudsman_year();
    let answers = wd.read("in/self-assessment.toml").replacen("year = \"2025-26\"", "year = \"2024-25\"", 1);
    wd.create("in/self-assessment.toml", answers);
    run_ombudsman_year(&wd, "2024-25").run();
    let text = text_of(&wd, "out/2024-25/annual-complaints-report.html");
    assert!(text.contains(
        "In 2024-25 the Housing Ombudsman made no finding of severe maladministration, maladministration or service failure about our complaint handling."
    ));
    let csv_text = wd.read("out/2024-25/self-assessment.csv");
    let row = csv::Reader::from_reader(csv_text.as_bytes())
        .records()
        .map(|r| r.unwrap())
        .find(|r| &r[2] == "4.3")
        .unwrap();
    assert_eq!(
        (&row[7], &row[11]),
        ("All complaints: Ombudsman findings of a failing in complaint handling: 0; All complaints: Ombudsman findings: 0", "")
    );

    // Without a category column: no table by category, and the report, the
    // SMT report and the self-assessment say so rather than show none.
    let wd = ombudsman_year();
    let without: String =
        wd.read("in/ombudsman.csv").lines().map(|l| format!("{}\n", l.rsplit_once(',').unwrap().0)).collect();
    wd.create("in/ombudsman.csv", without);
    run_ombudsman_year(&wd, "2025-26").run();
    let no_column = "The Housing Ombudsman export has no category column ([ombudsman.columns] category in the configuration)";
    let text = text_of(&wd, "out/2025-26/annual-complaints-report.html");
    assert!(text.contains(&format!(
        "{no_column}, so this report cannot tell which of the Ombudsman's findings were about our complaint handling."
    )));
    assert!(
        text.contains(&format!("{no_column}, so the findings cannot be shown by the Ombudsman's category."))
    );
    assert!(!text.contains("findings by the Ombudsman's category"), "no table by category");
    assert!(text.contains(
        "No figures: the Housing Ombudsman export has no category column ([ombudsman.columns] category in the configuration)."
    ));
    assert!(
        !text.contains("Check: Answered yes, but all complaints: Ombudsman"),
        "no flag without categories"
    );
    let m = wd.json("out/2025-26/metrics.json");
    assert_eq!(m["ombudsman_complaint_handling_failings"]["status"], "no_category_column");
    run_ombudsman_year(&wd, "2025-26-Q2").run();
    let smt = text_of(&wd, "out/2025-26-Q2/smt-report.html");
    assert!(
        smt.contains(&format!("{no_column}, so the findings cannot be shown by the Ombudsman's category."))
    );

    // Without an Ombudsman export at all.
    let wd = ombudsman_year();
    let config = wd.read("in/landlord.toml").replace("[ombudsman]\nfiles = [\"ombudsman.csv\"]\n", "");
    wd.create("in/landlord.toml", config);
    run_ombudsman_year(&wd, "2025-26").run();
    let text = text_of(&wd, "out/2025-26/annual-complaints-report.html");
    assert!(text.contains(
        "No Housing Ombudsman export was given ([ombudsman] in the configuration), so this report cannot list the Ombudsman's findings about our complaint handling."
    ));
    assert!(text.contains(
        "No figures: the Housing Ombudsman export was not given ([ombudsman] in the configuration)."
    ));
}

#[test]
fn the_ombudsmans_annual_letter_is_published_escaped_in_its_own_section() {
    let wd = ombudsman_year();
    run_ombudsman_year(&wd, "2025-26").run();
    let html = wd.read("out/2025-26/annual-complaints-report.html");
    let doc = scraper::Html::parse_document(&html);
    let select = |s: &str| scraper::Selector::parse(s).unwrap();
    let section = doc.select(&select("section#ombudsman-letter")).next().expect("a section of its own");
    let heading: String = section.select(&select("h2")).next().unwrap().text().collect();
    assert_eq!(heading, "The Housing Ombudsman's annual letter");
    let paragraphs: Vec<String> =
        section.select(&select(".response p")).map(|p| p.text().collect()).collect();
    assert_eq!(
        paragraphs,
        [
            "Dear Chief Executive,",
            "Our casework with you in 2024-25 found <script>alert(\"letter\")</script> failings in complaint handling & in repairs.",
            "Yours sincerely, Housing Ombudsman (fixture)",
        ]
    );
    assert!(html.contains("&lt;script&gt;alert(&quot;letter&quot;)&lt;&#x2f;script&gt; failings in complaint handling &amp; in repairs."), "the letter is escaped");
    assert!(!html.contains("<script>"), "no script reaches the report");
    assert!(html.contains("href=\"#ombudsman-letter\""), "the contents link to it");

    // Not configured: the report says the letter is not included.
    let config =
        wd.read("in/landlord.toml").replace("ombudsman_annual_letter = \"ombudsman-annual-letter.md\"\n", "");
    wd.create("in/landlord.toml", &config);
    run_ombudsman_year(&wd, "2025-26").run();
    assert!(text_of(&wd, "out/2025-26/annual-complaints-report.html").contains(
        "The Housing Ombudsman's annual letter to us is not included in this report (annual_report.ombudsman_annual_letter in the configuration)."
    ));

    // Configured but missing: a configuration error naming the key and the file.
    let config = config.replace(
        "[annual_report]\n",
        "[annual_report]\nombudsman_annual_letter = \"letters/no-such-letter.md\"\n",
    );
    wd.create("in/landlord.toml", config);
    let stderr = run_ombudsman_year(&wd, "2025-26").expect_exit(1);
    assert!(
        stderr.contains("not found: named by annual_report.ombudsman_annual_letter")
            && stderr.contains("no-such-letter.md"),
        "{stderr}"
    );
}
