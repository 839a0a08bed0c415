//! The HTML reports and the HouseMark file: key figures match the metrics and
//! the hand-worked fixture, the HTML is well formed and accessible in
//! structure, free text can never become markup, templates can be replaced.

use crate::workdir::{files_below, project_file, Redress, Workdir};
use scraper::{Html, Selector};

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

/// `redress run` of the fixture's configuration, copied into `in/`, for the quarter 2024-25-Q4.
fn quarter(wd: &Workdir) -> Redress<'_> {
    wd.redress("run").config("in/landlord.toml").period("2024-25-Q4")
}

/// A directory with the hand-checked fixture in `in/`, after the quarter's run into `out/`.
fn run_quarter() -> Workdir {
    let wd = Workdir::with_fixture("handchecked");
    quarter(&wd).out("out").run();
    wd
}

#[test]
fn quarter_run_produces_the_smt_report_monthly_pack_housemark_and_index() {
    let wd = run_quarter();
    let mut produced: Vec<String> = files_below(&wd.path("out/2024-25-Q4"))
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    produced.sort();
    assert_eq!(
        produced,
        [
            "customer-assembly-review.csv",
            "customer-assembly.html",
            "data-quality.csv",
            "housemark.csv",
            "index.html",
            "metrics.json",
            "monthly-pack.html",
            "run.json",
            "smt-report.html",
            "tsm.csv"
        ]
    );
    // The index links every other file produced, and every link resolves.
    let index = Html::parse_document(&wd.read("out/2024-25-Q4/index.html"));
    let hrefs: Vec<String> =
        index.select(&sel("main a")).map(|a| a.value().attr("href").unwrap().to_string()).collect();
    // The analyst's review file (held-back personal data) is deliberately not linked.
    assert!(wd.exists("out/2024-25-Q4/review/customer-assembly-review.csv"));
    assert!(!hrefs.iter().any(|h| h.contains("review")), "{hrefs:?}");
    for name in produced.iter().filter(|n| *n != "index.html" && *n != "customer-assembly-review.csv") {
        assert!(hrefs.contains(name), "index.html does not link {name}");
    }
    for href in &hrefs {
        assert!(wd.exists(&format!("out/2024-25-Q4/{href}")), "{href}");
    }
}

#[test]
fn housemark_file_has_the_hand_worked_quarter() {
    let wd = run_quarter();
    let text = wd.read("out/2024-25-Q4/housemark.csv");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "indicator,period,value,numerator,denominator");
    assert_eq!(lines.len(), 23, "{text}");
    // January to March 2025: stage 1 received A2, A3, A9; stage 2 received
    // A2's escalation; stage 1 responded A1 (on time), A2 (late), A3 (on
    // time); compensation £100 on A2's stage 2 response.
    for expected in [
        "stage1_received,2024-25-Q4,3,3,",
        "stage2_received,2024-25-Q4,1,1,",
        "stage1_per_1000_homes,2024-25-Q4,1.4,3,2150",
        "stage1_on_time_pct,2024-25-Q4,66.7,2,3",
        "stage2_on_time_pct,2024-25-Q4,100.0,1,1",
        "escalation_rate_pct,2024-25-Q4,33.3,1,3",
        "compensation_paid_gbp,2024-25-Q4,100.00,100,",
        "refused_complaints,2024-25-Q4,0,0,",
    ] {
        assert!(lines.contains(&expected), "missing {expected:?} in\n{text}");
    }
}

#[test]
fn year_run_gives_housemark_rows_for_each_quarter() {
    let wd = Workdir::with_fixture("handchecked");
    wd.redress("run").config("in/landlord.toml").period("2024-25").out("out").run();
    let text = wd.read("out/2024-25/housemark.csv");
    assert_eq!(text.lines().count(), 1 + 4 * 22);
    for q in 1..=4 {
        assert!(text.contains(&format!(",2024-25-Q{q},")), "Q{q}");
    }
    assert!(text.contains("stage2_received,2024-25-Q2,1,1,"), "{text}"); // A4's escalation, July 2024
    assert!(!wd.exists("out/2024-25/smt-report.html"), "the SMT report is quarterly");
}

#[test]
fn smt_report_shows_the_figures_with_numerators_and_denominators() {
    let wd = run_quarter();
    let html = wd.read("out/2024-25-Q4/smt-report.html");
    let doc = Html::parse_document(&html);
    let comparison = doc.select(&sel("#comparison table")).next().expect("comparison table");
    let row = comparison
        .select(&sel("tbody tr"))
        .find(|r| r.text().collect::<String>().contains("Stage 1: responded to on time"))
        .expect("stage 1 on time row");
    let cells: Vec<String> = row.select(&sel("td")).map(|c| c.text().collect::<String>()).collect();
    // This quarter: A1 and A3 on time, A2 late. Previous quarter: A8 on time.
    assert_eq!(cells[0], "66.7%2 of 3");
    assert_eq!(cells[1], "100.0%1 of 1");
    assert_eq!(row.select(&sel("td")).next().unwrap().value().attr("title"), Some("2 of 3"));
    // Dates in UK form; money with £ and separators.
    assert!(html.contains("(1 Jan 2025 to 31 Mar 2025). Figures as of 1 Jun 2025."), "period line");
    assert!(html.contains("£100.00"));
}

#[test]
fn reports_are_well_formed_self_contained_and_structured_for_screen_readers() {
    let wd = run_quarter();
    for name in ["smt-report.html", "monthly-pack.html", "index.html"] {
        let html = wd.read(&format!("out/2024-25-Q4/{name}"));
        let doc = Html::parse_document(&html);
        assert!(doc.errors.is_empty(), "{name}: {:?}", doc.errors);
        assert_eq!(doc.select(&sel("html[lang=en-GB]")).count(), 1, "{name}: language");
        assert_eq!(doc.select(&sel("h1")).count(), 1, "{name}: one h1");
        assert_eq!(doc.select(&sel("main#main")).count(), 1, "{name}: main landmark");
        assert_eq!(doc.select(&sel("a.skip-link[href='#main']")).count(), 1, "{name}: skip link");
        assert_eq!(doc.select(&sel("script")).count(), 0, "{name}: no scripts");
        // Nothing loaded from elsewhere: no external stylesheets, images or fonts.
        assert_eq!(doc.select(&sel("link[rel=stylesheet], img, iframe, object")).count(), 0, "{name}");
        for table in doc.select(&sel("table")) {
            assert_eq!(table.select(&sel("caption")).count(), 1, "{name}: table without caption");
            for th in table.select(&sel("th")) {
                assert!(th.value().attr("scope").is_some(), "{name}: th without scope");
            }
        }
        for svg in doc.select(&sel("svg")) {
            assert_eq!(svg.value().attr("role"), Some("img"), "{name}");
            assert_eq!(svg.select(&sel("title")).count(), 1, "{name}: chart without title");
            assert_eq!(svg.select(&sel("desc")).count(), 1, "{name}: chart without description");
        }
    }
    let smt = Html::parse_document(&wd.read("out/2024-25-Q4/smt-report.html"));
    assert_eq!(smt.select(&sel("svg")).count(), 3, "three trend charts");
    // Each chart has its data table beside it.
    assert_eq!(smt.select(&sel("figure.chart table")).count(), 3);
}

#[test]
fn free_text_in_the_export_and_config_is_never_markup() {
    let wd = Workdir::with_fixture("handchecked");
    let evil = "<script>alert(1)</script>";
    let img = "\"><img src=x onerror=alert(2)>";
    let cases = wd
        .read("in/cases.csv")
        .replace("Repairs delays", &format!("\"{}\"", img.replace('"', "\"\"")))
        .replace(",Repairs,", &format!(",{evil},"))
        .replace(",Service charges,", ",javascript:alert(3),")
        .replace("O1,", "<svg onload=alert(5)>,")
        .replace("Outside 12-month window", "<iframe src=javascript:alert(6)>")
        .replace(",Phone,", ",<style>body{display:none}</style>,");
    wd.create("in/cases.csv", cases);
    let config =
        wd.read("in/landlord.toml").replace("Hand-checked Housing", "<b onmouseover=alert(4)>Housing</b>");
    wd.create("in/landlord.toml", config);
    // Run on 12 June 2025, when the case with the hostile reference is overdue
    // and listed by reference in the monthly pack.
    quarter(&wd).out("out").as_of("2025-06-12").run();
    let pack: String =
        Html::parse_document(&wd.read("out/2024-25-Q4/monthly-pack.html")).root_element().text().collect();
    assert!(pack.contains("<svg onload=alert(5)>"), "the hostile case reference is listed, as text");
    for name in ["smt-report.html", "monthly-pack.html", "index.html"] {
        let html = wd.read(&format!("out/2024-25-Q4/{name}"));
        assert!(
            !html.contains("<svg onload") && !html.contains("<iframe") && !html.contains("<style>body"),
            "{name}"
        );
        assert!(!html.contains("<script"), "{name}: script tag");
        assert!(!html.contains("<img"), "{name}: img tag");
        assert!(!html.contains("<b onmouseover"), "{name}: markup from config");
        let doc = Html::parse_document(&html);
        assert_eq!(doc.select(&sel("script, img, [onerror], [onmouseover]")).count(), 0, "{name}");
        for a in doc.select(&sel("a")) {
            assert!(
                !a.value().attr("href").unwrap_or("").starts_with("javascript:"),
                "{name}: live javascript link"
            );
        }
    }
    // The text is still there for the reader, as text.
    let smt = Html::parse_document(&wd.read("out/2024-25-Q4/smt-report.html"));
    let text: String = smt.root_element().text().collect();
    assert!(text.contains(evil), "service area shown as text");
    assert!(text.contains("<b onmouseover=alert(4)>Housing</b>"), "landlord shown as text");
}

#[test]
fn a_templates_folder_restyles_a_report_without_recompiling() {
    let wd = Workdir::with_fixture("handchecked");
    let base = project_file("report-templates/base.html");
    wd.create(
        "mine/base.html",
        base.replace("<footer>", "<footer><p class=\"house\">Prepared by the Customer Resolution Team</p>"),
    );
    quarter(&wd).out("out").templates("mine").run();
    assert!(wd.read("out/2024-25-Q4/smt-report.html").contains("Prepared by the Customer Resolution Team"));
    // The same folder can be set in the config.
    let config = wd.read("in/landlord.toml") + "\n[reports]\ntemplates_dir = \"../mine\"\n";
    wd.create("in/styled.toml", config);
    wd.redress("run").config("in/styled.toml").period("2024-25-Q4").out("out2").run();
    assert!(wd
        .read("out2/2024-25-Q4/monthly-pack.html")
        .contains("Prepared by the Customer Resolution Team"));
    // A broken template is a clear render error (exit 4), not a panic.
    wd.create(
        "bad/smt-report.html",
        "{% extends \"base.html\" %}{% block content %}{{ no_such_thing.value }}{% endblock %}",
    );
    let stderr = quarter(&wd).out("out3").templates("bad").expect_exit(4);
    assert!(stderr.contains("smt-report.html"), "{stderr}");
    assert!(!wd.exists("out3/2024-25-Q4/metrics.json"), "a failed run writes nothing");
}

#[test]
fn monthly_pack_lists_what_needs_action_now() {
    let wd = Workdir::with_fixture("handchecked");
    // On 12 June 2025 O1 (received 20 May, due 11 June) is overdue, 16 working days old
    // (21 May to 12 June, less the 26 May bank holiday).
    wd.redress("run").config("in/landlord.toml").period("latest-month").as_of("2025-06-12").out("out").run();
    let html = wd.read("out/2025-05/monthly-pack.html");
    let doc = Html::parse_document(&html);
    let overdue = doc
        .select(&sel("#action table"))
        .find(|t| t.text().collect::<String>().contains("Overdue complaints"))
        .expect("overdue table");
    let row: String = overdue.select(&sel("tbody tr")).next().unwrap().text().collect::<Vec<_>>().join("|");
    assert_eq!(row, "O1|Stage 1|Repairs|20 May 2025|11 Jun 2025|16");
}

/// A run before its period ends says so at the top of every report; a run
/// after it says nothing of the kind.
#[test]
fn a_period_not_yet_over_is_said_to_be_so_in_every_report() {
    let wd = Workdir::with_fixture("handchecked");
    let run = |out: &str, as_of: &str| {
        quarter(&wd).as_of(as_of).out(out).run();
    };
    run("part", "2025-02-14");
    run("whole", "2025-06-01");
    let reports = |out: &str| {
        files_below(&wd.path(&format!("{out}/2024-25-Q4")))
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "html"))
            .collect::<Vec<_>>()
    };
    assert!(reports("part").len() >= 3);
    for page in reports("part") {
        let html = std::fs::read_to_string(&page).unwrap();
        assert!(
            html.contains("This period is not over yet.</strong> Its figures run only to 14 Feb 2025"),
            "{}",
            page.display()
        );
    }
    for page in reports("whole") {
        assert!(!std::fs::read_to_string(&page).unwrap().contains("not over yet"), "{}", page.display());
    }
}
