//! Unattended operation on bad files: each shape of bad input gives its
//! documented outcome (a clear error naming the file, or rows excluded and
//! listed), never a panic; runs never interleave or half-publish.

use crate::workdir::{files_below, Redress, Workdir};

const CONFIG: &str = "landlord = \"Bad Inputs Housing\"\nas_of = \"2025-06-01\"\n[homes]\n\"2024-25\" = { lcra = 1000, lcho = 100 }\n";
const HEADER: &str =
    "case_ref,stage,received_date,acknowledged_date,responded_date,outcome,compensation,learning_action";

fn setup(csv: impl AsRef<[u8]>) -> Workdir {
    let wd = Workdir::new();
    wd.create("landlord.toml", CONFIG);
    wd.create("cases.csv", csv);
    wd
}

/// `redress <subcommand>` of `setup`'s config and cases.
fn on_cases<'a>(wd: &'a Workdir, subcommand: &str) -> Redress<'a> {
    wd.redress(subcommand).config("landlord.toml").cases("cases.csv")
}

fn validate(wd: &Workdir) -> (String, String) {
    let stderr = on_cases(wd, "validate").out("dq").run();
    (stderr, wd.read("dq/data-quality.csv"))
}

fn fails(wd: &Workdir, code: i32) -> String {
    on_cases(wd, "validate").out("dq").expect_exit(code)
}

#[test]
fn empty_file_is_an_input_error() {
    let stderr = fails(&setup(""), 2);
    assert!(stderr.contains("cases.csv: is empty"), "{stderr}");
    let stderr = fails(&setup("\u{feff}\r\n"), 2);
    assert!(stderr.contains("is empty"), "{stderr}");
}

#[test]
fn header_only_file_runs_with_no_rows() {
    let wd = setup(format!("{HEADER}\r\n"));
    let (stderr, dq) = validate(&wd);
    assert!(stderr.contains("0 rows read"), "{stderr}");
    assert_eq!(dq.lines().count(), 1);
    on_cases(&wd, "run").period("2024-25").out("out").run();
    assert!(wd.read("out/2024-25/tsm.csv").contains("CH01,all,1,0,1100,0.0"));
}

#[test]
fn wrong_delimiter_and_missing_columns_name_the_fix() {
    let stderr = fails(&setup("case_ref;stage;received_date\nA;1;2024-05-01\n"), 2);
    assert!(stderr.contains("set input.delimiter = \";\""), "{stderr}");
    let stderr = fails(&setup("case_ref\tstage\treceived_date\nA\t1\t2024-05-01\n"), 2);
    assert!(stderr.contains("set input.delimiter = \"\\t\""), "{stderr}");
    let stderr = fails(&setup("reference,stage\nA,1\n"), 2);
    assert!(stderr.contains("missing required column(s): case_ref, received_date"), "{stderr}");
}

#[test]
fn windows_1252_is_refused_with_the_line_never_mojibake() {
    let stderr = fails(&setup(b"case_ref,stage,received_date,compensation\nA,1,2024-05-01,\xa310\n"), 2);
    assert!(stderr.contains("byte 0xA3 at line 2"), "{stderr}");
    assert!(!stderr.contains('\u{fffd}'), "{stderr}");
}

#[test]
fn truncated_files_are_handled() {
    // The last line cut short: it has too few fields, so it is excluded and listed.
    let (_, dq) = validate(&setup(format!("{HEADER}\nA1,1,2024-05-01,,,,,\nA2,1,2024-0")));
    assert!(dq.contains("cases.csv,2,,(row),,has 3 fields where the header has 8"), "{dq}");
    // Cut inside a quoted field: the file cannot be parsed; say where, without
    // echoing the field (it may hold personal data).
    let stderr =
        fails(&setup(format!("{HEADER}\nA1,1,2024-05-01,,,,,\"Spoke to Mrs Jane Doe at 12 High Street")), 2);
    assert!(stderr.contains("quoted field starting on line 2 is never closed"), "{stderr}");
    assert!(!stderr.contains("Jane Doe"), "{stderr}");
    // Cut just after a doubled quote, with whole records before it: the
    // reader would have taken the cut record as a short row and the run
    // gone on without the rest of the file.
    let stderr =
        fails(&setup(format!("{HEADER}\nA1,1,2024-05-01,,,,,\nA2,1,2024-05-02,,,,,\"Agreed a \"\"")), 2);
    assert!(stderr.contains("quoted field starting on line 3 is never closed"), "{stderr}");
}

#[test]
fn a_one_megabyte_field_is_read() {
    let big = "x".repeat(1 << 20);
    let (stderr, dq) =
        validate(&setup(format!("{HEADER}\nA1,1,2024-05-01,2024-05-02,2024-05-10,upheld,,\"{big}\"\n")));
    assert!(stderr.contains("1 rows read from 1 file(s), 1 used"), "{stderr}");
    assert_eq!(dq.lines().count(), 1);
}

#[test]
fn duplicate_headers() {
    // Two columns that both mean case_ref: refuse, naming both.
    let stderr = fails(&setup("case_ref,Case Ref,stage,received_date\nA,B,1,2024-05-01\n"), 2);
    assert!(
        stderr.contains("columns 1 (\"case_ref\") and 2 (\"Case Ref\") both map to case_ref"),
        "{stderr}"
    );
    // Duplicated columns that are not read do not matter.
    let (stderr, _) = validate(&setup("case_ref,Notes,stage,received_date,Notes\nA,x,1,2024-05-01,y\n"));
    assert!(stderr.contains("1 used"), "{stderr}");
}

#[test]
fn impossible_and_out_of_range_dates_are_excluded_and_listed() {
    let csv = format!(
        "{HEADER}\nF1,1,2025-07-01,,,,,\nO1,1,1999-12-31,,,,,\nL1,1,29/02/2025,,,,,\nL2,1,29/02/2024,,,,,\n"
    );
    let (stderr, dq) = validate(&setup(csv));
    assert!(stderr.contains("4 rows read from 1 file(s), 1 used, 3 excluded"), "{stderr}");
    assert!(dq.contains("cases.csv,1,F1,received_date,2025-07-01,date in the future (after the run date 01/06/2025),error"), "{dq}");
    assert!(
        dq.contains(
            "cases.csv,2,O1,received_date,1999-12-31,date outside the working-day calendar (2019 to 2028)"
        ),
        "{dq}"
    );
    assert!(dq.contains("cases.csv,3,L1,received_date,29/02/2025,not a valid date"), "{dq}");
    assert!(!dq.contains(",L2,"), "29 February 2024 is a real date: {dq}");
}

#[test]
fn stage_2_without_stage_1_and_negative_compensation() {
    let csv = format!("{HEADER}\nS2,2,2024-05-01,,,,,\nN1,1,2024-05-01,,2024-05-09,upheld,-£25.00,\n");
    let (_, dq) = validate(&setup(csv));
    assert!(
        dq.contains(
            "cases.csv,1,S2,stage,2,stage 2 with no stage 1 row for the same case in the export,warning"
        ),
        "{dq}"
    );
    assert!(dq.contains("cases.csv,2,N1,compensation,'-£25.00,negative amount,error"), "{dq}");
}

#[test]
fn formula_looking_cells_never_become_live_formulas_in_csv_outputs() {
    let csv = format!("{HEADER}\n\"=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",1,,,,,,\n+SUM(A1),1,2024-05-01,,,Resolved,,\n@cmd,7,2024-05-01,,,,,\n");
    let (_, dq) = validate(&setup(csv));
    let mut reader = csv::Reader::from_reader(dq.as_bytes());
    let mut seen = 0;
    for record in reader.records() {
        let record = record.unwrap();
        for field in record.iter() {
            assert!(!field.starts_with(['=', '+', '-', '@']), "live formula cell {field:?} in\n{dq}");
        }
        seen += 1;
    }
    assert_eq!(seen, 3, "{dq}");
    assert!(dq.contains("'=HYPERLINK"), "{dq}");
}

#[test]
fn a_second_run_into_the_same_directory_waits_its_turn() {
    let wd = setup(format!("{HEADER}\nA1,1,2024-05-01,,,,,\n"));
    std::fs::create_dir_all(wd.path("dq")).unwrap();
    let held = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(wd.path("dq/.redress.lock"))
        .unwrap();
    held.lock().unwrap();
    let stderr = fails(&wd, 5);
    assert!(stderr.contains("another redress run is writing here"), "{stderr}");
    assert!(!wd.exists("dq/data-quality.csv"));
    drop(held);
    validate(&wd);
}

#[test]
fn a_failed_run_leaves_the_previous_reports_untouched() {
    let wd = Workdir::with_fixture("handchecked");
    let quarter = || wd.redress("run").config("in/landlord.toml").period("2024-25-Q4").out("out");
    quarter().run();
    let before: Vec<(std::path::PathBuf, Vec<u8>)> =
        files_below(&wd.path("out")).into_iter().map(|p| (p.clone(), std::fs::read(&p).unwrap())).collect();
    // A newer export with a fault the run cannot get past (a broken template).
    wd.create(
        "bad/smt-report.html",
        "{% extends \"base.html\" %}{% block content %}{{ missing.value }}{% endblock %}",
    );
    quarter().templates("bad").expect_exit(4);
    // And an unreadable export.
    quarter().cases("in/gone.csv").expect_exit(2);
    for (path, bytes) in before {
        assert_eq!(std::fs::read(&path).unwrap(), bytes, "{} changed", path.display());
    }
    let leftovers: Vec<_> =
        files_below(&wd.path("out")).into_iter().filter(|p| p.to_string_lossy().ends_with(".tmp")).collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn two_digit_years_and_far_years_are_refused_not_guessed() {
    let csv = format!("{HEADER}\nY1,1,06/01/25,07/01/25,20/01/25,upheld,,\nY2,1,2024-05-01,,01/02/2525,upheld,,\nY3,1,0025-01-06,,,,,\n");
    let (stderr, dq) = validate(&setup(csv));
    assert!(stderr.contains("3 rows read from 1 file(s), 0 used, 3 excluded"), "{stderr}\n{dq}");
    assert!(dq.contains("cases.csv,1,Y1,received_date,06/01/25,not a valid date"), "{dq}");
    assert!(
        dq.contains("cases.csv,2,Y2,responded_date,01/02/2525,date outside the working-day calendar"),
        "{dq}"
    );
    assert!(
        dq.contains("cases.csv,3,Y3,received_date,0025-01-06,date outside the working-day calendar"),
        "{dq}"
    );
}

#[test]
fn rows_with_the_wrong_number_of_fields_are_excluded_without_echoing_them() {
    // An unquoted "£1,250.00" and an unquoted comma in a name shift every
    // later value; a short row has lost its end.
    let csv = "Case Ref,Tenant Name,Stage,Received Date,Outcome,Responded Date,Compensation\n\
               P1,Jane Doe,1,06/01/2025,upheld,20/01/2025,£1,250.00\n\
               P2,Smith, John,1,06/01/2025,upheld,20/01/2025,\n\
               P3,Ann Lee,1,06/01/2025,upheld\n\
               P4,Raj Patel,1,06/01/2025,upheld,20/01/2025,£50.00\n";
    let wd = setup(csv);
    wd.create(
        "landlord.toml",
        format!("{CONFIG}[input.columns]\nreceived_date = \"Received Date\"\nresponded_date = \"Responded Date\"\n"),
    );
    let (stderr, dq) = validate(&wd);
    assert!(stderr.contains("4 rows read from 1 file(s), 1 used, 3 excluded"), "{stderr}\n{dq}");
    assert!(dq.contains("cases.csv,1,,(row),,has 8 fields where the header has 7"), "{dq}");
    assert!(dq.contains("cases.csv,2,,(row),,has 8 fields where the header has 7"), "{dq}");
    assert!(dq.contains("cases.csv,3,,(row),,has 5 fields where the header has 7"), "{dq}");
    for name in ["Jane", "John", "Smith", "Ann Lee", "Raj"] {
        assert!(!dq.contains(name), "{name} in {dq}");
    }
}

#[test]
fn blank_rows_are_listed_once() {
    let (stderr, dq) = validate(&setup(format!("{HEADER}\nA1,1,2024-05-01,,,,,\n,,,,,,,\n")));
    assert!(stderr.contains("2 rows read from 1 file(s), 1 used, 1 excluded"), "{stderr}");
    assert_eq!(
        dq.lines().filter(|l| l.contains(",2,")).collect::<Vec<_>>(),
        vec!["cases.csv,2,,(row),,blank row,error"]
    );
}

#[test]
fn empty_lines_between_and_after_rows_are_not_rows() {
    // Exports often end with an empty line, or have one between batches; the
    // CSV reader alone read each as a row and the run refused the file.
    let csv = format!("{HEADER}\r\nE1,1,2024-05-01,,,,,\r\n\r\nE2,1,2024-05-02,,,,,\r\n\r\n\r\n");
    let (stderr, dq) = validate(&setup(csv));
    assert!(stderr.contains("2 rows read from 1 file(s), 2 used, 0 excluded"), "{stderr}");
    assert_eq!(dq.lines().count(), 1, "{dq}");
}

#[test]
fn only_well_formed_amounts_are_money() {
    let csv = format!(
        "{HEADER}\nM1,1,2024-05-01,,2024-05-09,upheld,NaN,\nM2,1,2024-05-01,,2024-05-09,upheld,\"1.250,00\",\nM3,1,2024-05-01,,2024-05-09,upheld,1e3,\nM4,1,2024-05-01,,2024-05-09,upheld,\"£1,250.00\",\nM5,1,2024-05-01,,2024-05-09,upheld,GBP 75,\n"
    );
    let (_, dq) = validate(&setup(csv));
    for m in ["M1", "M2", "M3"] {
        assert!(
            dq.contains(&format!(",{m},compensation,")) && dq.contains("not an amount of money"),
            "{m}: {dq}"
        );
    }
    assert!(!dq.contains(",M4,compensation") && !dq.contains(",M5,compensation"), "{dq}");
}

#[test]
fn due_dates_beyond_the_calendar_are_errors() {
    let wd = setup(format!("{HEADER}\nZ1,1,15/12/2028,18/12/2028,20/12/2028,upheld,,\nZ2,1,01/12/2028,04/12/2028,08/12/2028,upheld,,\n"));
    let stderr = on_cases(&wd, "validate").out("dq").as_of("2028-12-20").run();
    let dq = wd.read("dq/data-quality.csv");
    // Z1's response is due in January 2029; Z2's (8 December) is not.
    assert!(stderr.contains("2 rows read from 1 file(s), 1 used, 1 excluded"), "{stderr}\n{dq}");
    assert!(dq.contains("cases.csv,1,Z1,received_date,15/12/2028,its due dates fall after the working-day calendar ends (31/12/2028)"), "{dq}");
}

#[test]
fn open_case_ages_and_weekend_extensions() {
    // Received Saturday 4 January 2025, run on Sunday 5 January: 0 working days old.
    let wd = setup(format!("{HEADER}\nW1,1,04/01/2025,,,,,\n"));
    on_cases(&wd, "run").as_of("2025-01-05").period("2024-25-Q3").out("out").run();
    let m = wd.json("out/2024-25-Q3/metrics.json");
    assert_eq!(m["open_cases"]["cases"][0]["age_working_days"], 0);

    // Received and acknowledged Friday 10 January 2025: the maximum extended
    // due date is Friday 7 February; an agreed Sunday 9 February adds no
    // working day, so it is not beyond the maximum.
    let wd = setup("case_ref,stage,received_date,acknowledged_date,extended_due_date,responded_date,outcome\nX1,1,10/01/2025,10/01/2025,09/02/2025,07/02/2025,upheld\n");
    let (_, dq) = validate(&wd);
    assert!(!dq.contains("extension beyond"), "{dq}");
}

#[test]
fn a_duplicate_row_is_listed_as_a_duplicate_and_not_for_its_warnings() {
    // Both rows respond without an acknowledgement (a warning). The second
    // repeats the case and stage, so it is excluded: it is listed once, as a
    // duplicate, and its warning goes with it. The row warnings are found
    // chunk by chunk, before duplicates are known.
    let csv =
        format!("{HEADER}\nD1,1,2024-05-01,,2024-05-09,upheld,,\nD1,1,2024-05-01,,2024-05-10,upheld,,\n");
    let (stderr, dq) = validate(&setup(csv));
    assert!(stderr.contains("2 rows read from 1 file(s), 1 used, 1 excluded"), "{stderr}");
    let rows: Vec<&str> = dq.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{dq}");
    assert!(rows[0].contains(",D1,acknowledged_date,,responded but no acknowledgement"), "{dq}");
    assert!(rows[0].ends_with(",warning"), "{dq}");
    assert!(rows[1].contains(",D1,case_ref,D1 / 1,\"duplicate of an earlier row"), "{dq}");
    assert!(rows[1].ends_with(",error"), "{dq}");
}

#[test]
fn a_second_run_replaces_the_period_folder_whole_and_readable_by_others() {
    let wd = Workdir::with_fixture("handchecked");
    let quarter = || wd.redress("run").config("in/landlord.toml").period("2024-25-Q4").out("out");
    quarter().run();
    // A file the run does not write, and the folder a run killed before its
    // swap would leave: neither outlives the next run.
    wd.create("out/2024-25-Q4/stale.html", "from an older run");
    wd.create("out/.2024-25-Q4.redress-killed/metrics.json", "half a set");
    quarter().run();
    assert!(!wd.exists("out/2024-25-Q4/stale.html"));
    assert!(!wd.exists("out/.2024-25-Q4.redress-killed"));
    assert!(wd.exists("out/2024-25-Q4/metrics.json") && wd.exists("out/2024-25-Q4/smt-report.html"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Made as any new file is (the umask decides), not owner-only.
        let control = wd.create("control.txt", "x");
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        for file in files_below(&wd.path("out/2024-25-Q4")) {
            assert_eq!(mode(&file), mode(&control), "{}", file.display());
        }
    }
}

#[test]
fn a_column_the_config_maps_but_the_export_lacks_is_an_input_error() {
    // The export calls it "compensation"; the config says "Amount Paid (£)".
    let wd = setup(format!("{HEADER}\nA1,1,2024-05-01,,,,,\n"));
    wd.create(
        "landlord.toml",
        "landlord = \"Bad Inputs Housing\"\nas_of = \"2025-06-01\"\n[input.columns]\ncompensation = \"Amount Paid (£)\"\n[homes]\n\"2024-25\" = { lcra = 1000, lcho = 100 }\n",
    );
    let stderr = fails(&wd, 2);
    assert!(
        stderr.contains("has no column the config maps to compensation (mapped from \"Amount Paid (£)\")"),
        "{stderr}"
    );
}

#[test]
fn periods_after_the_run_date_and_missing_template_folders_are_usage_errors() {
    let wd = setup(format!("{HEADER}\nA1,1,2024-05-01,,,,,\n"));
    let stderr = on_cases(&wd, "run").period("2026-27").out("out").expect_exit(1);
    assert!(stderr.contains("the period 2026-27 starts after the run date (2025-06-01)"), "{stderr}");
    let stderr = on_cases(&wd, "run").period("2024-25").out("out").templates("no-such").expect_exit(1);
    assert!(stderr.contains("--templates no-such: not a folder"), "{stderr}");
    let stderr =
        on_cases(&wd, "run").period("2024-25").out("out").arg("--queries").arg("nope.toml").expect_exit(1);
    assert!(stderr.contains("queries nope.toml: cannot read"), "{stderr}");
    assert!(!wd.exists("out/2024-25"));
}

/// A quoted field closed by the file's last byte is whole, also where the
/// chunk is not plain (a carriage return inside a quoted field).
#[test]
fn a_quoted_field_closed_at_the_end_of_the_file_is_read() {
    let wd =
        setup(format!("{HEADER}\nA1,1,2024-05-01,,,,,\"a\rb\"\nA2,1,2024-05-02,,,,,\"closed at the end\""));
    let (stderr, _) = validate(&wd);
    assert!(stderr.contains("2 rows read from 1 file(s), 2 used"), "{stderr}");
}

/// An older export without a mapped column beside a newer one with it is
/// read, and every run's log and report says which file lacks what.
#[test]
fn a_mapped_column_only_some_case_exports_have_is_read_and_said() {
    let wd = Workdir::new();
    wd.create(
        "landlord.toml",
        "landlord = \"Bad Inputs Housing\"\nas_of = \"2025-06-01\"\n[input.columns]\ncompensation = \"Amount Paid\"\n[homes]\n\"2024-25\" = { lcra = 1000, lcho = 100 }\n",
    );
    wd.create(
        "old.csv",
        "case_ref,stage,received_date,responded_date,outcome\nA1,1,2024-05-01,2024-05-08,upheld\n",
    );
    wd.create(
        "new.csv",
        "case_ref,stage,received_date,responded_date,outcome,Amount Paid\nA2,1,2024-06-03,2024-06-10,upheld,25.00\n",
    );
    let stderr = wd
        .redress("run")
        .config("landlord.toml")
        .cases("old.csv")
        .cases("new.csv")
        .period("2024-25")
        .out("out")
        .run();
    let note = "old.csv has no column for compensation, which the config maps and another file of its export has: its rows are read without it";
    assert!(stderr.contains(&format!("redress: note: {note}")), "{stderr}");
    let m = wd.json("out/2024-25/metrics.json");
    assert_eq!(m["data_quality"]["notes"][0], note);
    wd.redress("run")
        .config("landlord.toml")
        .cases("old.csv")
        .cases("new.csv")
        .period("2024-25-Q1")
        .out("out")
        .run();
    assert!(wd.read("out/2024-25-Q1/smt-report.html").contains(&format!("<li>{note}</li>")));
    let compensation = m["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "stage1_compensation_gbp" && f["period"] == "2024-25" && f["breakdown"] == "all")
        .unwrap()["numerator"]
        .as_f64();
    assert_eq!(compensation, Some(25.0));
}

/// A column left unread because the header of its own name is mapped to
/// another, and a resident's name column left unmapped, are each said in
/// the run's log and metrics.json; the column the note is about stays
/// unread ("Not recorded" in every breakdown by it).
#[test]
fn a_column_another_mapping_shadows_and_an_unmapped_name_are_said() {
    let wd = Workdir::new();
    wd.create(
        "landlord.toml",
        "landlord = \"Bad Inputs Housing\"\nas_of = \"2025-06-01\"\n[input.columns]\nlearning_theme = \"Category\"\n[homes]\n\"2024-25\" = { lcra = 1000, lcho = 100 }\n",
    );
    wd.create(
        "cases.csv",
        "case_ref,stage,received_date,responded_date,outcome,Category,learning_action,Customer Name\nA1,1,2024-05-01,2024-05-08,upheld,Repairs delays,Apologised to Lucy,Lucy Smith\n",
    );
    let stderr =
        wd.redress("run").config("landlord.toml").cases("cases.csv").period("2024-25").out("out").run();
    let notes = [
        "cases.csv: its header \"Category\" is mapped to learning_theme, so category is not read; if the export has a header of its own for category, map it in the config",
        "cases.csv has a column \"Customer Name\" that looks like the resident's name: mapping it (resident_name = \"Customer Name\" in [input.columns]) lets the screen hold back a learning action that names its own resident by a first name alone",
    ];
    let m = wd.json("out/2024-25/metrics.json");
    for (i, note) in notes.iter().enumerate() {
        assert!(stderr.contains(&format!("redress: note: {note}")), "{stderr}");
        assert_eq!(m["data_quality"]["notes"][i].as_str().unwrap(), *note);
    }
    let by_category: Vec<&str> = m["figures"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["id"] == "complaints_received" && f["period"] == "2024-25" && f["breakdown"] == "category"
        })
        .map(|f| f["group"].as_str().unwrap())
        .collect();
    assert_eq!(by_category, ["Not recorded"]);
    // The notes advise on the config: the log and metrics.json give them,
    // the published annual report does not.
    assert!(!wd.read("out/2024-25/annual-complaints-report.html").contains("is not read"));
}

/// A wrapper that stops reading (a closed pipe on stderr and stdout) does
/// not change the exit code: the run still succeeds, or still fails with
/// its own code, where it used to panic with 101.
#[test]
fn a_closed_pipe_does_not_change_the_exit_code() {
    use std::process::Stdio;
    let wd = Workdir::with_fixture("handchecked");
    let exit_with_pipes_closed = |r: Redress| {
        let mut child = r.command().stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        drop(child.stdout.take());
        drop(child.stderr.take());
        child.wait().unwrap().code()
    };
    let run = wd.redress("run").config("in/landlord.toml").period("2024-25").out("out").arg("-v");
    assert_eq!(exit_with_pipes_closed(run), Some(0));
    assert!(wd.exists("out/2024-25/metrics.json"));
    let missing = wd.redress("run").config("in/landlord.toml").cases("in/nope.csv").out("out");
    assert_eq!(exit_with_pipes_closed(missing), Some(2));
    let calendar = wd.redress("calendar").arg("add").from("2024-12-19").days(5);
    assert_eq!(exit_with_pipes_closed(calendar), Some(0));
}

/// Every case row excluded (a wrong run date, date format or export) is not
/// a quarter without complaints: strict or not, the run stops with exit 3,
/// lists the rows where `validate` would, and leaves the published period
/// as it was. An export with no rows at all still runs (above).
#[test]
fn a_run_whose_every_case_row_is_excluded_publishes_nothing() {
    let wd = setup(format!("{HEADER}\nA1,1,2025-05-01,,,,,\n"));
    on_cases(&wd, "run").period("2025-26-Q1").out("out").run();
    let published = wd.read("out/2025-26-Q1/metrics.json");
    wd.create("cases.csv", format!("{HEADER}\nF1,1,2025-07-01,,,,,\nF2,1,29/02/2025,,,,,\n"));
    let stderr = on_cases(&wd, "run").period("2025-26-Q1").out("out").expect_exit(3);
    assert!(
        stderr.contains("every one of the 2 case row(s) read has a data error, so no report is made; see out/data-quality.csv"),
        "{stderr}"
    );
    assert_eq!(wd.read("out/2025-26-Q1/metrics.json"), published);
    assert!(wd
        .read("out/data-quality.csv")
        .contains("cases.csv,2,F2,received_date,29/02/2025,not a valid date"));
    // `validate` lists them, as ever.
    assert!(validate(&wd).1.contains(",F1,"));
}
