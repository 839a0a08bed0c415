//! The core engine, end to end through the real binary: figures worked out by
//! hand, vendor-shaped exports, faulty rows, exit codes.

use crate::workdir::{files_below, project_file, Redress, Workdir};
use serde_json::Value;

/// The whole-landlord figure for an id in a period.
fn figure<'a>(m: &'a Value, id: &str, period: &str) -> &'a Value {
    m["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id && f["period"] == period && f["breakdown"] == "all")
        .unwrap_or_else(|| panic!("no figure {id} for {period}"))
}

fn assert_figure(m: &Value, id: &str, period: &str, value: f64, numerator: f64, denominator: Option<f64>) {
    let f = figure(m, id, period);
    assert_eq!(f["value"].as_f64(), Some(value), "{id} value: {f}");
    assert_eq!(f["numerator"].as_f64(), Some(numerator), "{id} numerator: {f}");
    assert_eq!(f["denominator"].as_f64(), denominator, "{id} denominator: {f}");
}

/// `redress run` with the fixture's configuration, copied into `in/`.
fn run(wd: &Workdir) -> Redress<'_> {
    wd.redress("run").config("in/landlord.toml")
}

/// A directory with the fixture in `in/`, after its year's run into `out/`.
fn run_handchecked(fixture: &str) -> Workdir {
    let wd = Workdir::with_fixture(fixture);
    run(&wd).period("2024-25").out("out").run();
    wd
}

/// The hand-worked answer for the year, `expected/tsm.csv`.
fn hand_worked_tsm() -> String {
    project_file("tests/fixtures/handchecked/expected/tsm.csv")
}

#[test]
fn tsm_matches_the_hand_worked_answer() {
    // Numerators and denominators in expected/tsm.csv were worked out by hand
    // from the rows of cases.csv (see tests/fixtures/handchecked/README.md).
    let wd = run_handchecked("handchecked");
    assert_eq!(wd.read("out/2024-25/tsm.csv"), hand_worked_tsm());
}

#[test]
fn figures_match_the_hand_worked_answers() {
    let wd = run_handchecked("handchecked");
    let m = wd.json("out/2024-25/metrics.json");
    let y = "2024-25";
    assert_figure(&m, "stage1_received", y, 8.0, 8.0, None);
    assert_figure(&m, "stage2_received", y, 3.0, 3.0, None);
    assert_figure(&m, "stage1_ack_on_time_pct", y, 87.5, 7.0, Some(8.0));
    assert_figure(&m, "stage1_on_time_pct", y, 71.4, 5.0, Some(7.0));
    assert_figure(&m, "stage1_avg_working_days", y, 14.9, 104.0, Some(7.0));
    assert_figure(&m, "stage1_upheld_pct", y, 28.6, 2.0, Some(7.0));
    assert_figure(&m, "stage1_partially_upheld_pct", y, 14.3, 1.0, Some(7.0));
    assert_figure(&m, "stage1_not_upheld_pct", y, 57.1, 4.0, Some(7.0));
    assert_figure(&m, "stage1_extended_pct", y, 28.6, 2.0, Some(7.0));
    assert_figure(&m, "stage1_extension_beyond_max", y, 1.0, 1.0, None);
    assert_figure(&m, "complaints_escalation_rate_pct", y, 42.9, 3.0, Some(7.0));
    assert_figure(&m, "stage1_compensation_gbp", y, 250.0, 250.0, None);
    assert_figure(&m, "complaints_compensation_gbp", y, 350.0, 350.0, None);
    assert_figure(&m, "stage1_withdrawn", y, 1.0, 1.0, None);
    assert_figure(&m, "stage1_refused", y, 1.0, 1.0, None);
    assert_figure(&m, "compliment_received", y, 1.0, 1.0, None);
    assert_figure(&m, "stage1_per_1000_homes", y, 3.7, 8.0, Some(2150.0));
    // Every percentage states its rule.
    let rule = m["definitions"]["on_time_pct"]["rule"].as_str().unwrap();
    assert!(rule.starts_with("responded_on_time ÷ responded_with_timescale × 100"), "{rule}");

    // The one open case at 1 June 2025: received Tue 20 May, 7 working days
    // old (26 May is a bank holiday), due 11 June, so not overdue.
    let open = m["open_cases"]["cases"].as_array().unwrap();
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(open[0]["case_ref"], "O1");
    assert_eq!(open[0]["age_working_days"], 7);
    assert_eq!(open[0]["due_date"], "2025-06-11");
    assert_eq!(open[0]["overdue"], false);
}

#[test]
fn breakdowns_add_up_to_the_whole() {
    let wd = run_handchecked("handchecked");
    let m = wd.json("out/2024-25/metrics.json");
    let figures = m["figures"].as_array().unwrap();
    for breakdown in ["stock_type", "service_area", "category", "channel"] {
        let parts: f64 = figures
            .iter()
            .filter(|f| {
                f["id"] == "stage1_responded" && f["period"] == "2024-25" && f["breakdown"] == breakdown
            })
            .map(|f| f["numerator"].as_f64().unwrap())
            .sum();
        assert_eq!(parts, 7.0, "stage1_responded by {breakdown}");
    }
}

#[test]
fn vendor_shaped_export_gives_the_same_figures_as_its_canonical_twin() {
    let canonical = run_handchecked("handchecked");
    let vendor = run_handchecked("handchecked/vendor");
    assert_eq!(vendor.read("out/2024-25/tsm.csv"), canonical.read("out/2024-25/tsm.csv"));
    let (a, b) = (canonical.json("out/2024-25/metrics.json"), vendor.json("out/2024-25/metrics.json"));
    assert_eq!(a["figures"], b["figures"]);
    assert_eq!(a["open_cases"], b["open_cases"]);
    // Same problems found, on the same rows.
    let rows = |wd: &Workdir| -> Vec<String> {
        wd.read("out/2024-25/data-quality.csv")
            .lines()
            .skip(1)
            .map(|l| l.split(',').skip(1).take(3).collect::<Vec<_>>().join(","))
            .collect()
    };
    assert_eq!(rows(&vendor), rows(&canonical));
}

#[test]
fn every_faulty_row_is_listed_and_the_run_goes_on() {
    let wd = run_handchecked("handchecked");
    let dq = wd.read("out/2024-25/data-quality.csv");
    let lines: Vec<&str> = dq.lines().collect();
    assert_eq!(lines[0], "file,row,case_ref,column,value,problem,severity");
    let errors: Vec<&str> = lines.iter().copied().filter(|l| l.ends_with(",error")).collect();
    assert_eq!(errors.len(), 3, "{dq}");
    assert!(
        errors[0].starts_with("in/cases.csv,16,E1,received_date,2024-02-30,not a valid date"),
        "{}",
        errors[0]
    );
    assert!(
        errors[1].starts_with("in/cases.csv,17,A1,case_ref,A1 / 1,\"duplicate of an earlier row"),
        "{}",
        errors[1]
    );
    assert!(errors[1].contains("row 1 of in/cases.csv"), "{}", errors[1]);
    assert_eq!(errors[2], "in/cases.csv,18,E3,responded_date,2024-07-30,response before receipt,error");
    let warnings = lines.iter().filter(|l| l.ends_with(",warning")).count();
    assert_eq!(warnings, 2, "{dq}");
    assert!(dq.contains("in/cases.csv,5,A5,extended_due_date,30/08/2024,extension beyond the maximum of 10 working days: counted only up to 02/07/2024,warning"));
    let m = wd.json("out/2024-25/metrics.json");
    assert_eq!(m["data_quality"]["rows_read"], 18);
    assert_eq!(m["data_quality"]["rows_excluded"], 3);
    assert_eq!(m["data_quality"]["rows_used"], 15);
}

#[test]
fn strict_mode_fails_with_exit_3_and_lists_the_problems() {
    let wd = Workdir::with_fixture("handchecked");
    let stderr = run(&wd).period("2024-25").out("out").strict().expect_exit(3);
    assert!(stderr.contains("3 row(s) have data errors; see out/data-quality.csv"), "{stderr}");
    assert!(wd.read("out/data-quality.csv").contains("response before receipt"));
    assert!(!wd.exists("out/2024-25"), "strict mode must not publish figures");
    // A period already published is left as it was: the failed run's list
    // of problems goes beside it, not into it.
    run(&wd).period("2024-25").out("out").run();
    let published = wd.read("out/2024-25/metrics.json");
    // That run got past the check, so the list beside the reports is
    // brought up to date: the period's own.
    assert_eq!(wd.read("out/data-quality.csv"), wd.read("out/2024-25/data-quality.csv"));
    run(&wd).period("2024-25").out("out").strict().expect_exit(3);
    assert_eq!(wd.read("out/2024-25/metrics.json"), published);
    assert!(wd.exists("out/data-quality.csv"));
    let stderr = wd.redress("validate").config("in/landlord.toml").out("dq").strict().expect_exit(3);
    assert!(stderr.contains("data-quality.csv"), "{stderr}");
    assert!(wd.read("dq/data-quality.csv").contains("response before receipt"));
}

#[test]
fn validate_writes_only_the_data_quality_report() {
    let wd = Workdir::with_fixture("handchecked");
    let stderr = wd.redress("validate").config("in/landlord.toml").out("dq").run();
    assert!(stderr.contains("18 rows read from 1 file(s), 15 used, 3 excluded"), "{stderr}");
    let written: Vec<_> = files_below(&wd.path("dq"))
        .into_iter()
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    assert_eq!(written, vec![wd.path("dq/data-quality.csv")], "only the report, beside the lock file");
}

#[test]
fn several_exports_are_read_as_one() {
    let wd = Workdir::with_fixture("handchecked");
    let all = wd.read("in/cases.csv");
    let lines: Vec<&str> = all.lines().collect();
    let (header, body) = (lines[0], &lines[1..]);
    wd.create("in/part1.csv", format!("{header}\n{}\n", body[..9].join("\n")));
    wd.create("in/part2.csv", format!("{header}\n{}\n", body[9..].join("\n")));
    run(&wd).cases("in/part1.csv").cases("in/part2.csv").period("2024-25").out("out").run();
    assert_eq!(wd.read("out/2024-25/tsm.csv"), hand_worked_tsm());
    // The duplicate of A1 (file 1, row 1) now sits in file 2, row 8.
    assert!(wd.read("out/2024-25/data-quality.csv").contains("in/part2.csv,8,A1,case_ref"));
}

#[test]
fn excel_workbook_gives_the_same_figures() {
    let wd = Workdir::with_fixture("handchecked");
    let text = wd.read("in/cases.csv");
    let mut book = rust_xlsxwriter::Workbook::new();
    let cover = book.add_worksheet();
    cover.set_name("Notes").unwrap();
    cover.write(0, 0, "Exported from the case system").unwrap();
    let sheet = book.add_worksheet();
    sheet.set_name("Cases").unwrap();
    let date_format = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    for (r, line) in text.lines().enumerate() {
        for (c, cell) in line.split(',').enumerate() {
            let (r, c) = (r as u32, c as u16);
            let is_date = r > 0 && (3..=6).contains(&c) && !cell.is_empty();
            match chrono::NaiveDate::parse_from_str(cell, "%Y-%m-%d") {
                Ok(d) if is_date => {
                    let dt = rust_xlsxwriter::ExcelDateTime::from_ymd(
                        d.format("%Y").to_string().parse().unwrap(),
                        d.format("%m").to_string().parse().unwrap(),
                        d.format("%d").to_string().parse().unwrap(),
                    )
                    .unwrap();
                    sheet.write_datetime_with_format(r, c, &dt, &date_format).unwrap();
                }
                _ if r > 0 && c == 13 && !cell.is_empty() => {
                    sheet.write_number(r, c, cell.parse::<f64>().unwrap()).unwrap();
                }
                _ if !cell.is_empty() => {
                    sheet.write_string(r, c, cell).unwrap();
                }
                _ => {}
            }
        }
    }
    book.save(wd.path("in/cases.xlsx")).unwrap();
    wd.create(
        "in/book.toml",
        wd.read("in/landlord.toml")
            .replace("cases = [\"cases.csv\"]", "cases = [\"cases.xlsx\"]\nsheet = \"Cases\""),
    );
    wd.redress("run").config("in/book.toml").period("2024-25").out("out").run();
    assert_eq!(wd.read("out/2024-25/tsm.csv"), hand_worked_tsm());
    // 2024-02-30 cannot be an Excel date: it arrives as text and is reported.
    assert!(wd.read("out/2024-25/data-quality.csv").contains("in/cases.xlsx,16,E1,received_date,2024-02-30"));
}

#[test]
fn same_inputs_give_byte_identical_outputs() {
    let wd = Workdir::with_fixture("handchecked");
    for out in ["a", "b"] {
        run(&wd).period("2024-25-Q4").out(out).run();
    }
    for file in [
        "metrics.json",
        "tsm.csv",
        "data-quality.csv",
        "housemark.csv",
        "smt-report.html",
        "monthly-pack.html",
        "index.html",
    ] {
        assert_eq!(
            wd.read(&format!("a/2024-25-Q4/{file}")),
            wd.read(&format!("b/2024-25-Q4/{file}")),
            "{file}"
        );
    }
    // run.json differs only in its timings.
    let strip = |wd: &Workdir, p: &str| {
        let mut v = wd.json(p);
        v.as_object_mut().unwrap().remove("timings");
        v
    };
    assert_eq!(strip(&wd, "a/2024-25-Q4/run.json"), strip(&wd, "b/2024-25-Q4/run.json"));
}

#[test]
fn personal_data_columns_never_reach_any_output() {
    let wd = run_handchecked("handchecked/vendor");
    let values = [
        "Margaret Okafor",
        "Okafor",
        "m.okafor@example.com",
        "07700 900461",
        "14 Larch Close",
        "WV3 7QJ",
        "Dylan Price",
        "dylanp@example.org",
        "01632 960218",
        "Mill Lane",
    ];
    for file in files_below(&wd.path("out")) {
        let text = std::fs::read_to_string(&file).unwrap();
        for v in values {
            assert!(!text.contains(v), "{} contains personal data {v:?}", file.display());
        }
    }
    let run = wd.json("out/2024-25/run.json");
    // The name is read (mapped as resident_name) and goes no further; the
    // email, phone and address columns are dropped unread.
    let dropped = run["inputs"][0]["dropped_columns"].as_array().unwrap();
    assert_eq!(dropped.len(), 3, "{dropped:?}");
}

#[test]
fn run_manifest_records_inputs_and_how_to_reproduce() {
    let wd = run_handchecked("handchecked");
    let run = wd.json("out/2024-25/run.json");
    assert_eq!(run["as_of"], "2025-06-01");
    assert_eq!(run["inputs"][0]["rows"], 18);
    // The checksum is taken apart from the parse (digest::Pending), and
    // must be the file's whole.
    use sha2::Digest;
    let digest = sha2::Sha256::digest(std::fs::read(wd.path("in/cases.csv")).unwrap());
    assert_eq!(run["inputs"][0]["sha256"].as_str().unwrap(), redress::digest::hex(&digest));
    assert_eq!(run["reproduce"], "redress run --config in/landlord.toml --period 2024-25 --as-of 2025-06-01");
    for stage in ["read_ms", "validate_ms", "calendar_ms", "metrics_ms", "render_ms", "total_ms"] {
        assert!(run["timings"][stage].is_number(), "{stage}");
    }
}

#[test]
fn missing_inputs_and_columns_are_input_errors_naming_them() {
    let wd = Workdir::with_fixture("handchecked");
    let stderr = run(&wd).cases("in/nope.csv").out("out").expect_exit(2);
    assert!(stderr.contains("input in/nope.csv: not found: given with --cases"), "{stderr}");
    assert!(!wd.exists("out"), "nothing is written, not even the lock, for a missing export");
    let config = wd.read("in/landlord.toml");
    wd.create("in/moved.toml", config.replace("cases.csv", "moved.csv"));
    let stderr = wd.redress("run").config("in/moved.toml").out("out").expect_exit(2);
    assert!(
        stderr.contains(
            "input in/moved.csv: not found: named by input.cases in in/moved.toml (a relative path there is taken from the config's folder)"
        ),
        "{stderr}"
    );
    wd.create("in/no-sa.toml", config + "\n[annual_report]\nself_assessment = \"sa.toml\"\n");
    let stderr = wd.redress("run").config("in/no-sa.toml").period("2024-25").out("out").expect_exit(1);
    assert!(stderr.contains("in/sa.toml: not found: named by annual_report.self_assessment"), "{stderr}");

    wd.create("in/nostage.csv", "case_ref,received_date\nX1,2024-05-01\n");
    let stderr = run(&wd).cases("in/nostage.csv").out("out").expect_exit(2);
    assert!(
        stderr.contains("in/nostage.csv") && stderr.contains("missing required column(s): stage"),
        "{stderr}"
    );

    wd.create("in/semicolon.csv", "case_ref;stage;received_date\nX1;1;2024-05-01\n");
    let stderr = run(&wd).cases("in/semicolon.csv").out("out").expect_exit(2);
    assert!(stderr.contains("input.delimiter = \";\""), "{stderr}");

    // Old Mac line endings: one "line", so no row would be read at all.
    let lf = wd.read("in/cases.csv");
    wd.create("in/mac.csv", lf.replace("\r\n", "\n").replace('\n', "\r"));
    let stderr = run(&wd).cases("in/mac.csv").out("out").expect_exit(2);
    assert!(stderr.contains("in/mac.csv") && stderr.contains("carriage returns alone"), "{stderr}");
    wd.create("in/windows.csv", lf.replace("\r\n", "\n").replace('\n', "\r\n"));
    run(&wd).cases("in/windows.csv").out("windows").run();

    let stderr = wd.redress("run").config("in/missing.toml").out("out").expect_exit(1);
    assert!(stderr.contains("in/missing.toml"), "{stderr}");
}

#[test]
fn config_errors_name_the_key_and_exit_1() {
    let wd = Workdir::with_fixture("handchecked");
    wd.create("in/typo.toml", "landlord = \"T\"\n[timescales.complaint.stage1]\nrespnd = 10\n");
    let stderr = wd.redress("run").config("in/typo.toml").out("out").expect_exit(1);
    assert!(stderr.contains("respnd") && stderr.contains("in/typo.toml"), "{stderr}");
    let stderr = run(&wd).period("2025-Q7").out("out").expect_exit(1);
    assert!(stderr.contains("2025-Q7"), "{stderr}");
}

#[test]
fn latest_quarter_is_the_last_complete_one_before_as_of() {
    let wd = Workdir::with_fixture("handchecked");
    run(&wd).period("latest-quarter").as_of("2025-04-01").out("out").run();
    let m = wd.json("out/2024-25-Q4/metrics.json");
    assert_eq!(m["period"]["start"], "2025-01-01");
    assert_eq!(m["comparisons"]["previous"], "2024-25-Q3");
    assert_eq!(m["comparisons"]["same_period_last_year"], "2023-24-Q4");
    assert_eq!(m["trend_periods"].as_array().unwrap().len(), 8);
    // In-year TSM: 2024-25 to the end of Q4 is the whole year.
    assert_eq!(m["tsm"]["year"], "2024-25");
}

#[test]
fn one_stage_landlord_rejects_stage_2_rows() {
    let wd = Workdir::with_fixture("handchecked");
    let config = wd.read("in/landlord.toml") + "\n[timescales.complaint]\nstages = 1\n[timescales.complaint.stage1]\nacknowledge = 3\nclock_starts = \"receipt\"\n";
    wd.create("in/one.toml", config);
    wd.redress("run").config("in/one.toml").period("2024-25").out("out").run();
    let dq = wd.read("out/2024-25/data-quality.csv");
    assert_eq!(
        dq.matches("unknown stage (this landlord has a one-stage process: expected 1)").count(),
        3,
        "{dq}"
    );
    // From receipt: A4 received Mon 3 June 2024 is due 17 June without its
    // extension; with it (28 June, within 10 more days) it is on time.
    let m = wd.json("out/2024-25/metrics.json");
    assert_eq!(m["rules"]["timescales"]["stage1"]["clock_starts"], "receipt");
    assert!(m["rules"]["timescales"].get("stage2").is_none());
}

#[test]
fn calendar_calculator_gives_the_worked_examples() {
    let wd = Workdir::new();
    let add = |from: &str, days| wd.redress("calendar add").from(from).days(days);
    assert_eq!(add("2024-12-19", 5).stdout(), "2024-12-30\n");
    assert_eq!(add("30/12/2024", 10).stdout(), "2025-01-14\n");
    assert_eq!(add("2025-01-04", 5).stdout(), "2025-01-13\n");
    assert_eq!(wd.redress("calendar between").args(["2024-12-19", "2025-01-14"]).stdout(), "15\n");
    let stderr = add("2031-01-01", 5).expect_exit(1);
    assert!(stderr.contains("outside the working-day calendar"), "{stderr}");
}

/// A configuration counting a receipt on a non-working day as the previous
/// working day's.
const PREVIOUS_WORKING_DAY: &str = "\n[calendar]\nnon_working_receipt = \"previous_working_day\"\n";

#[test]
fn calendar_calculator_follows_the_configured_non_working_receipt_rule() {
    let wd = Workdir::new();
    wd.create("previous.toml", format!("landlord = \"T\"\n{PREVIOUS_WORKING_DAY}"));
    // stdout and the "day 0 is" line of stderr.
    let add = |config: Option<&str>, from: &str, days| {
        let cmd = wd.redress("calendar add").from(from).days(days);
        let out = match config {
            Some(c) => cmd.config(c),
            None => cmd,
        }
        .output();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "{stderr}");
        (String::from_utf8_lossy(&out.stdout).into_owned(), stderr.split(';').next().unwrap().to_string())
    };
    let previous = |from, days| add(Some("previous.toml"), from, days);
    // The unit tests' worked examples (src/calendar/tests.rs): day 0, the
    // acknowledgement due 5 working days after it, the stage 1 response due
    // 10 working days after that.
    for (received, day_zero, ack_due, response_due) in [
        ("2025-01-04", "Fri 03 Jan 2025", "2025-01-10", "2025-01-24"), // Saturday
        ("2025-01-05", "Fri 03 Jan 2025", "2025-01-10", "2025-01-24"), // Sunday
        ("2024-08-26", "Fri 23 Aug 2024", "2024-09-02", "2024-09-16"), // bank holiday Monday
        ("2025-04-21", "Thu 17 Apr 2025", "2025-04-28", "2025-05-13"), // Easter Monday, after Good Friday
        ("25/12/2025", "Wed 24 Dec 2025", "2026-01-05", "2026-01-19"), // Christmas Day
        ("2025-12-26", "Wed 24 Dec 2025", "2026-01-05", "2026-01-19"), // Boxing Day
    ] {
        let (due, stderr) = previous(received, 5);
        assert_eq!(due, format!("{ack_due}\n"), "{received}");
        assert_eq!(stderr, format!("day 0 is {day_zero}"), "{received}");
        assert_eq!(previous(ack_due, 10).0, format!("{response_due}\n"), "{received}");
    }
    // Without --config, and with a config that leaves the key out, Saturday's
    // day 0 is Monday.
    wd.create("default.toml", "landlord = \"T\"\n");
    for config in [None, Some("default.toml")] {
        assert_eq!(add(config, "2025-01-04", 5), ("2025-01-13\n".into(), "day 0 is Mon 06 Jan 2025".into()));
    }
    // Received Sat 4 Jan, answered Tue 28 Jan: 17 working days after Friday's
    // day 0, 16 after Monday's.
    let between = wd.redress("calendar between").args(["2025-01-04", "2025-01-28"]);
    assert_eq!(between.config("previous.toml").stdout(), "17\n");
    assert_eq!(wd.redress("calendar between").args(["2025-01-04", "2025-01-28"]).stdout(), "16\n");
    // Tue 1 Jan 2019, a holiday on the calendar's first day, has no working
    // day before it that the calendar knows.
    let stderr = wd.redress("calendar add").config("previous.toml").from("2019-01-01").days(5).expect_exit(1);
    assert!(stderr.contains("2019-01-01 has no working day on or before it"), "{stderr}");
    // A value the rule does not know is a config error naming the key and the choices.
    wd.create("typo.toml", "landlord = \"T\"\n[calendar]\nnon_working_receipt = \"friday\"\n");
    let stderr = wd.redress("calendar add").config("typo.toml").from("2025-01-04").days(5).expect_exit(1);
    for part in ["typo.toml", "non_working_receipt", "`next_working_day` or `previous_working_day`"] {
        assert!(stderr.contains(part), "{part} not in {stderr}");
    }
}

#[test]
fn handchecked_figures_under_the_previous_working_day_rule() {
    let wd = Workdir::with_fixture("handchecked");
    // O2, added to the fixture here: a stage 1 complaint received Wed 21 May
    // 2025 (a working day, so day 0 under either rule), acknowledged early on
    // Sat 24 May and still open at the run date, Sun 1 June 2025. Its
    // acknowledgement was due 22, 23, [26 bank holiday] 27, 28, 29 -> Thu 29
    // May. The response clock starts at day 0 of the acknowledgement:
    // - next working day: Tue 27 May -> due 28-30 May, 2-6, 9, 10 Jun = Tue 10 Jun;
    // - previous working day: Fri 23 May -> due 27-30 May, 2-6, 9 Jun = Mon 9 Jun.
    // Either way it is 6 working days old (22, 23, 27-30 May) and in 2025-26,
    // so none of the year's figures below counts it.
    let o2 = "O2,complaint,1,2025-05-21,2025-05-24,,,,,Repairs,Repair delay,Phone,LCRA,,,\n";
    wd.create("in/cases.csv", wd.read("in/cases.csv") + o2);
    wd.create("in/previous.toml", wd.read("in/landlord.toml") + PREVIOUS_WORKING_DAY);
    run(&wd).period("2024-25").out("next").run();
    wd.redress("run").config("in/previous.toml").period("2024-25").out("previous").run();
    let (next, previous) = (wd.json("next/2024-25/metrics.json"), wd.json("previous/2024-25/metrics.json"));
    let y = "2024-25";

    // The default rule: the hand-worked answers of the fixture's README.
    assert_figure(&next, "stage1_ack_on_time_pct", y, 87.5, 7.0, Some(8.0));
    assert_figure(&next, "stage1_on_time_pct", y, 71.4, 5.0, Some(7.0));
    assert_figure(&next, "stage1_avg_working_days", y, 14.9, 104.0, Some(7.0));

    // The only stage 1 row received on a non-working day is A2, Sat 4 Jan
    // 2025 (every other received and acknowledged date of the year is a
    // working day). Under the previous-working-day rule its day 0 is Fri 3
    // Jan, not Mon 6 Jan:
    // - acknowledgement due 6-10 Jan = Fri 10 Jan; acknowledged Mon 13 Jan, so
    //   late: 6 of 8 on time (A3 was already late) = 75.0%;
    // - the response clock starts at the due date, Fri 10 Jan, not at the
    //   late acknowledgement: due 13-17, 20-24 Jan = Fri 24 Jan; answered Tue
    //   28 Jan, late under either rule: still 5 of 7 = 71.4%;
    // - working days taken: after Fri 3 Jan to Tue 28 Jan is 6-10, 13-17,
    //   20-24, 27, 28 Jan = 17, not 16: (104 + 1) / 7 = 15.0.
    assert_figure(&previous, "stage1_ack_on_time_pct", y, 75.0, 6.0, Some(8.0));
    assert_figure(&previous, "stage1_on_time_pct", y, 71.4, 5.0, Some(7.0));
    assert_figure(&previous, "stage1_avg_working_days", y, 15.0, 105.0, Some(7.0));
    // The TSMs count responses by date and stage, not days: unchanged.
    assert_eq!(wd.read("previous/2024-25/tsm.csv"), hand_worked_tsm());
    // And no other figure of the year moves: only the ones above and their
    // all-complaints totals, which A2's stage 1 row also feeds.
    let year = |m: &Value| -> Vec<(String, Value)> {
        m["figures"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["period"] == y && f["breakdown"] == "all")
            .map(|f| (f["id"].as_str().unwrap().to_string(), f["numerator"].clone()))
            .collect()
    };
    let changed: Vec<String> =
        year(&next).into_iter().zip(year(&previous)).filter(|(a, b)| a != b).map(|(a, _)| a.0).collect();
    assert_eq!(
        changed,
        [
            "stage1_ack_on_time_pct",
            "complaints_ack_on_time_pct",
            "stage1_avg_working_days",
            "complaints_avg_working_days",
            // The Code's timescales are the fixture's: the same figure.
            "stage1_code_ack_on_time_pct"
        ],
        "figures of {y} that changed"
    );
    // With stage 2 (acknowledged on time: A2, A8; late: A4; working days
    // taken A2 22, A4 26, A8 20), all complaints: 9 of 11 acknowledged on time
    // becomes 8 of 11, and 172 working days over 10 responses becomes 173.
    assert_figure(&next, "complaints_ack_on_time_pct", y, 81.8, 9.0, Some(11.0));
    assert_figure(&previous, "complaints_ack_on_time_pct", y, 72.7, 8.0, Some(11.0));
    assert_figure(&next, "complaints_avg_working_days", y, 17.2, 172.0, Some(10.0));
    assert_figure(&previous, "complaints_avg_working_days", y, 17.3, 173.0, Some(10.0));

    // O2 shows the acknowledgement rule; O1 (received and due on working
    // days) is the same either way.
    let open = |m: &Value, i: usize| {
        let c = &m["open_cases"]["cases"][i];
        (c["case_ref"].clone(), c["due_date"].clone(), c["age_working_days"].clone())
    };
    for m in [&next, &previous] {
        assert_eq!(open(m, 0), ("O1".into(), "2025-06-11".into(), 7.into()));
    }
    assert_eq!(open(&next, 1), ("O2".into(), "2025-06-10".into(), 6.into()));
    assert_eq!(open(&previous, 1), ("O2".into(), "2025-06-09".into(), 6.into()));

    // The rule is recorded, and stated where every report says how its figures are made.
    assert_eq!(next["rules"]["calendar"]["non_working_receipt"], "next_working_day");
    assert_eq!(previous["rules"]["calendar"]["non_working_receipt"], "previous_working_day");
    let day_zero = |m: &Value| m["rules"]["working_days"][1].as_str().unwrap().to_string();
    assert!(day_zero(&previous).starts_with("Day 0 is the day of receipt, or the previous working day if that is not a working day (a Saturday receipt counts as Friday"), "{}", day_zero(&previous));
    let report = wd.read("previous/2024-25/annual-complaints-report.html");
    assert!(
        report.contains(
            "or the previous working day if that is not a working day (a Saturday receipt counts as Friday"
        ),
        "annual report lacks the rule"
    );
    assert!(wd.read("next/2024-25/annual-complaints-report.html").contains(&day_zero(&next)));
}

#[test]
fn a_clock_started_before_the_calendars_first_working_day_is_a_data_error_under_the_previous_rule() {
    // Tue 1 Jan 2019, a holiday on the built-in calendar's first day: the next
    // working day is Wed 2 Jan, but no previous one is known.
    let wd = Workdir::with_fixture("handchecked");
    let x1 = "X1,complaint,1,2019-01-01,2019-01-01,,2019-01-10,upheld,,Repairs,Repair delay,Phone,LCRA,,,\n";
    wd.create("in/cases.csv", wd.read("in/cases.csv") + x1);
    wd.create("in/previous.toml", wd.read("in/landlord.toml") + PREVIOUS_WORKING_DAY);
    wd.redress("validate").config("in/previous.toml").out("previous").run();
    let dq = wd.read("previous/data-quality.csv");
    for column in ["received_date", "acknowledged_date"] {
        let line = format!("in/cases.csv,19,X1,{column},2019-01-01,\"before the working-day calendar's first working day (02/01/2019), so it has no previous working day to count as day 0 (non_working_receipt = previous_working_day);");
        assert!(dq.contains(&line), "{line} not in\n{dq}");
    }
    wd.redress("validate").config("in/landlord.toml").out("next").run();
    assert!(!wd.read("next/data-quality.csv").contains("X1"));
}

#[test]
fn windows_1252_exports_are_refused_by_default_and_decoded_when_configured() {
    let wd = Workdir::with_fixture("handchecked");
    // "£" in Windows-1252 is the single byte 0xA3.
    let mut bytes = b"case_ref,stage,received_date,responded_date,outcome,compensation\r\n".to_vec();
    bytes.extend_from_slice(b"W1,1,2024-06-03,2024-06-10,upheld,\xa325.00\r\n");
    wd.create("in/ansi.csv", &bytes);
    let stderr = run(&wd).cases("in/ansi.csv").out("out").expect_exit(2);
    assert!(
        stderr.contains("in/ansi.csv") && stderr.contains("not valid UTF-8 (byte 0xA3 at line 2)"),
        "{stderr}"
    );
    assert!(stderr.contains("encoding = \"windows-1252\""), "{stderr}");

    let config = wd.read("in/landlord.toml").replace("[input]", "[input]\nencoding = \"windows-1252\"");
    wd.create("in/ansi.toml", config);
    wd.redress("run").config("in/ansi.toml").cases("in/ansi.csv").period("2024-25").out("out").run();
    let m = wd.json("out/2024-25/metrics.json");
    assert_figure(&m, "stage1_compensation_gbp", "2024-25", 25.0, 25.0, None);
    // The same export saved as UTF-8 ("£" in two bytes) and read as
    // Windows-1252 would give "Â£25.00", not an amount: refused, saying why.
    let utf8 = "case_ref,stage,received_date,responded_date,outcome,compensation\r\nW1,1,2024-06-03,2024-06-10,upheld,£25.00\r\n";
    wd.create("in/utf8.csv", utf8);
    let stderr = wd
        .redress("run")
        .config("in/ansi.toml")
        .cases("in/utf8.csv")
        .period("2024-25")
        .out("out")
        .expect_exit(2);
    assert!(
        stderr.contains("in/utf8.csv: is UTF-8 (line 2 has a character written in more than one byte"),
        "{stderr}"
    );
}

#[test]
fn a_newer_gov_uk_bank_holidays_file_extends_the_calendar() {
    let wd = Workdir::new();
    wd.create(
        "bh.json",
        r#"{"england-and-wales": {"division": "england-and-wales", "events": [
            {"title": "New Year’s Day", "date": "2029-01-01", "notes": "", "bunting": true},
            {"title": "Good Friday", "date": "2029-03-30", "notes": "", "bunting": false},
            {"title": "Easter Monday", "date": "2029-04-02", "notes": "", "bunting": true}]}}"#,
    );
    wd.create(
        "l.toml",
        "landlord = \"T\"\n[calendar]\nbank_holidays_file = \"bh.json\"\nclosure_days = [\"2029-03-29\"]\n",
    );
    // Wed 28 March 2029 + 2 working days: Thu 29 closed, Fri 30 and Mon 2 holidays.
    let add = |from: &str| wd.redress("calendar").config("l.toml").arg("add").from(from).days(2);
    let out = add("2029-03-28").output();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "2029-04-04\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = add("2028-12-01").expect_exit(1);
    assert!(stderr.contains("outside the working-day calendar (2029-2029)"), "{stderr}");
}

/// A landlord's own names for record types ("Service request" for an
/// enquiry) are read once `[input.record_types]` names them; until then
/// such a row is excluded, and the data-quality line says where they go.
#[test]
fn a_landlords_own_record_type_names_are_read_once_mapped() {
    let wd = Workdir::with_fixture("handchecked");
    let extra = "S1,Service request,,2025-02-03,2025-02-04,,,,,Repairs,Repair delay,Phone,LCRA,,,\n";
    wd.create("in/cases.csv", wd.read("in/cases.csv") + extra);
    run(&wd).period("2024-25").out("before").run();
    let dq = wd.read("before/2024-25/data-quality.csv");
    assert!(
        dq.contains("in/cases.csv,19,S1,record_type,Service request,\"unknown record type (expected complaint, compliment, suggestion, enquiry or feedback; the export's own names go in [input.record_types])\",error"),
        "{dq}"
    );
    let before = wd.json("before/2024-25/metrics.json");
    let config = wd.read("in/landlord.toml") + "\n[input.record_types]\nenquiry = [\"Service Request\"]\n";
    wd.create("in/landlord.toml", config);
    run(&wd).period("2024-25").out("after").run();
    assert!(!wd.read("after/2024-25/data-quality.csv").contains("S1,"));
    let after = wd.json("after/2024-25/metrics.json");
    let received = |m: &Value| figure(m, "enquiry_received", "2024-25")["numerator"].as_f64().unwrap();
    assert_eq!(received(&after), received(&before) + 1.0);
    // Only the record types there are.
    let bad = wd.read("in/landlord.toml").replace("enquiry = [", "service_request = [");
    wd.create("in/bad.toml", bad);
    let stderr = wd.redress("run").config("in/bad.toml").out("out").expect_exit(1);
    assert!(stderr.contains("input.record_types: 'service_request' is not a record type"), "{stderr}");
}
