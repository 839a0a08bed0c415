//! Sector benchmarking (issue #17): the run's TSM figures beside the
//! Regulator's published releases in `sample-data/rsh-tsm/`. The quartiles
//! asserted here are the hand computation in `sample-data/rsh-tsm/QUARTILES.md`
//! (sections 1 to 5, 7 and 8), not the code's.

use scraper::{Html, Selector};
use sha2::Digest;

use crate::html::{columns, rows_with_working, RowWithWorking};
use crate::workdir::{project, Workdir};

const RELEASE_2023_24: &str = "TSM_2023-24_Full_Data_v1.1.xlsx";
const RELEASE_2024_25: &str = "TSM_2024-25_Full_Data_v1.0.xlsx";

fn row<'a>(rows: &'a [RowWithWorking], header: &str) -> Vec<&'a str> {
    let (_, cells) = rows.iter().find(|(h, _)| h == header).unwrap_or_else(|| panic!("no row {header}"));
    cells.iter().map(|(t, _)| t.as_str()).collect()
}

fn working<'a>(rows: &'a [RowWithWorking], header: &str, cell: usize) -> &'a str {
    let (_, cells) = rows.iter().find(|(h, _)| h == header).unwrap_or_else(|| panic!("no row {header}"));
    &cells[cell].1
}

/// The text a reader sees in one section of a report.
fn section_text(html: &str, id: &str) -> String {
    let doc = Html::parse_document(html);
    let sel = Selector::parse(&format!("section#{id}")).unwrap();
    let section = doc.select(&sel).next().unwrap_or_else(|| panic!("no section #{id}"));
    section.text().collect::<Vec<_>>().join(" ").split_whitespace().collect::<Vec<_>>().join(" ")
}

fn figure<'a>(
    metrics: &'a serde_json::Value,
    measure: &str,
    stage: Option<u8>,
    stock: &str,
) -> &'a serde_json::Value {
    metrics["benchmarks"]["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["measure"] == measure && f["stage"] == serde_json::json!(stage) && f["stock_type"] == stock
        })
        .unwrap_or_else(|| panic!("no benchmark figure {measure} {stage:?} {stock}"))
}

fn close(value: &serde_json::Value, expected: f64) -> bool {
    value.as_f64().is_some_and(|v| (v - expected).abs() < 1e-9)
}

fn sha256_of(path: std::path::PathBuf) -> String {
    sha2::Sha256::digest(std::fs::read(path).unwrap()).iter().map(|b| format!("{b:02x}")).collect()
}

/// The sample's 2024-25 year against the 2024-25 release. Our figures are
/// the sample's tsm.csv; the peer group is PRPs with 5,000-40,000 homes
/// (`peer_attributes` in the sample config).
#[test]
fn the_sample_year_sits_among_its_peers_at_the_hand_worked_quartiles() {
    let wd = Workdir::new();
    wd.sample();
    wd.redress("run").period("2024-25").run();
    let html = wd.read("reports/2024-25/annual-complaints-report.html");
    let rows = rows_with_working(
        &html,
        "Tenant Satisfaction Measures, 2024-25, against the sector's 2024-25 figures",
    );
    // Columns: ours, peer median, position among peers, all landlords' median, position among all.
    // QUARTILES.md 7: peers 84.0 / 95.5 / 98.7, n = 109; 1: all 72.6 / 89.9 / 96.7, n = 353.
    assert_eq!(
        row(&rows, "CH02 stage 1, LCRA"),
        [
            "74.6%",
            "95.5%",
            "lower quartile: worse than three in four similar landlords",
            "89.9%",
            "below the median: worse than half of landlords"
        ]
    );
    assert_eq!(working(&rows, "CH02 stage 1, LCRA", 0), "724 of 971");
    assert_eq!(working(&rows, "CH02 stage 1, LCRA", 1), "quartiles 84.0% to 98.7%; 109 landlords");
    assert_eq!(working(&rows, "CH02 stage 1, LCRA", 3), "quartiles 72.6% to 96.7%; 353 landlords");
    // QUARTILES.md 8: TP09 LCHO peers 18.45 / 24.8 / 31.125, n = 38; 5: all 16.5 / 23.4 / 29.4.
    assert_eq!(
        row(&rows, "TP09, LCHO"),
        [
            "31.0%",
            "24.8%",
            "above the median: better than half of similar landlords",
            "23.4%",
            "upper quartile: better than three in four landlords"
        ]
    );
    assert_eq!(working(&rows, "TP09, LCHO", 1), "quartiles 18.5% to 31.1%; 38 landlords");
    // QUARTILES.md 2 and 8: TP09 LCRA all 29.6 / 35.5 / 42.1; peers 34.5 / 38.8 / 43.2.
    assert_eq!(
        row(&rows, "TP09, LCRA"),
        [
            "33.6%",
            "38.8%",
            "lower quartile: worse than three in four similar landlords",
            "35.5%",
            "below the median: worse than half of landlords"
        ]
    );
    // QUARTILES.md 4: CH01 stage 1 LCRA peers 41.5 / 57.7 / 88.6. CH01 is
    // only ever higher or lower.
    assert_eq!(
        row(&rows, "CH01 stage 1, LCRA"),
        [
            "32.1 per 1,000 homes",
            "57.7 per 1,000 homes",
            "lower quartile: lower than three in four similar landlords",
            "53.9 per 1,000 homes",
            "lower quartile: lower than three in four landlords"
        ]
    );
    // QUARTILES.md 8: CH01 stage 1 LCHO peers 23.825 / 34.8 / 44.55, n = 38.
    assert_eq!(row(&rows, "CH01 stage 1, LCHO")[2], "below the median: lower than half of similar landlords");
    for (header, cells) in rows.iter().filter(|(h, _)| h.starts_with("CH01")) {
        for (text, _) in cells {
            assert!(!text.contains("better") && !text.contains("worse"), "{header}: {text}");
        }
    }
    assert_eq!(rows.len(), 10, "CH01 and CH02 by stage for LCRA and LCHO, and TP09 for both");
    let sector = section_text(&html, "tsm");
    assert!(sector.contains("Similar landlords: PRP landlords, 5,000-40,000 homes"), "{sector}");
    assert!(sector.contains(&format!("the sector's 2024-25 figures, from {RELEASE_2024_25}")), "{sector}");
    assert!(sector.contains("Open Government Licence v3.0"), "{sector}");

    let release_sha = sha256_of(project().join("sample-data/rsh-tsm").join(RELEASE_2024_25));
    let metrics = wd.json("reports/2024-25/metrics.json");
    let b = &metrics["benchmarks"];
    assert_eq!(b["release"]["file"], RELEASE_2024_25);
    assert_eq!(b["release"]["sha256"], release_sha.as_str());
    assert_eq!(b["release"]["covers_run_year"], true);
    assert_eq!(b["peer_group"]["description"], "PRP landlords, 5,000-40,000 homes");
    let f = figure(&metrics, "CH02", Some(1), "LCRA");
    assert_eq!(f["peers"]["count"], 109);
    assert!(close(&f["peers"]["lower_quartile"], 84.0) && close(&f["peers"]["median"], 95.5));
    assert!(close(&f["peers"]["upper_quartile"], 98.7));
    assert_eq!(
        (&f["peers"]["position"], &f["peers"]["judgement"]),
        (&"below_lower_quartile".into(), &"worse".into())
    );
    assert_eq!(f["all"]["count"], 353);
    let f = figure(&metrics, "TP09", None, "LCHO");
    assert!(close(&f["peers"]["lower_quartile"], 18.1 + 0.25 * (19.5 - 18.1)), "{f}");
    assert!(close(&f["peers"]["upper_quartile"], 30.6 + 0.75 * (31.3 - 30.6)), "{f}");
    let f = figure(&metrics, "CH01", Some(1), "LCRA");
    assert_eq!(
        (&f["peers"]["position"], &f["peers"]["judgement"]),
        (&"below_lower_quartile".into(), &serde_json::Value::Null)
    );
    for key in ["release", "quartiles", "position", "agreement"] {
        assert!(b["rules"][key].as_str().is_some_and(|r| r.len() > 50), "rule {key}");
    }
    assert_eq!(wd.read("reports/2024-25/tsm.csv").lines().count(), 15, "tsm.csv keeps its rows");

    // Both releases are inputs of the run, with their checksums.
    let run = wd.json("reports/2024-25/run.json");
    let inputs = run["inputs"].as_array().unwrap();
    for file in [RELEASE_2023_24, RELEASE_2024_25] {
        let input = inputs
            .iter()
            .find(|i| i["path"].as_str().unwrap().ends_with(file))
            .unwrap_or_else(|| panic!("run.json does not list {file}"));
        assert_eq!(input["sha256"], sha256_of(project().join("sample-data/rsh-tsm").join(file)).as_str());
        assert_eq!(input["format"], "xlsx");
        assert_eq!(input["rows"], 360, "landlords");
    }
}

/// A quarter of the sample's 2026-27: no release covers it, so the 2024-25
/// release is used and labelled as that year's; CH01 so far in the year is
/// not placed among whole years.
#[test]
fn a_later_year_uses_the_latest_release_and_says_so() {
    let wd = Workdir::new();
    wd.sample();
    wd.redress("run").run();
    let smt = wd.read("reports/2026-27-Q2/smt-report.html");
    let text = section_text(&smt, "sector");
    assert!(text.contains("the sector's 2024-25 figures, the latest given"), "{text}");
    assert!(text.contains("No release for 2026-27 was given"), "{text}");
    let rows = rows_with_working(&smt, "Tenant Satisfaction Measures, 2026-27 to 30 Sep 2026, against the sector's 2024-25 figures, the latest given");
    assert_eq!(row(&rows, "CH01 stage 1, LCRA")[2], "not placed: a count of the year so far");
    assert_eq!(
        row(&rows, "CH02 stage 1, LCRA")[1..3],
        ["95.5%", "lower quartile: worse than three in four similar landlords"]
    );
    let metrics = wd.json("reports/2026-27-Q2/metrics.json");
    assert_eq!(metrics["benchmarks"]["release"]["label"], "the sector's 2024-25 figures, the latest given");
    assert_eq!(metrics["benchmarks"]["year_to_date"], true);

    let assembly = wd.read("reports/2026-27-Q2/customer-assembly.html");
    let text = section_text(&assembly, "other-landlords");
    assert!(
        text.contains("Of 109 similar landlords, we answered complaints from our tenants on time less often than most of them: 3 in 4 did better."),
        "{text}"
    );
    assert!(text.contains("The latest we have are other landlords' figures for 2024-25"), "{text}");
    assert!(
        text.contains(
            "We compare how many complaints we receive with other landlords once the year is over."
        ),
        "{text}"
    );
    for jargon in ["quartile", "median", "CH0", "TP09", "LCRA", "LCHO", "peer"] {
        assert!(!text.contains(jargon), "the tenants' report says {jargon:?}: {text}");
    }
}

/// The tenants' report follows its own rules: a figure with fewer complaints
/// behind it than the threshold is not compared, and CH01 comes with why
/// fewer is not simply better.
#[test]
fn the_tenants_report_compares_only_figures_with_enough_people_behind_them() {
    let wd = Workdir::new();
    wd.sample();
    // 2024-25-Q4 closes the year: CH01 is placed. LCHO stage 2 has 9
    // responses (5 on time) and 9 complaints: held back below 10.
    let config = wd
        .read("sample-data/landlord.toml")
        .replace("small_number_threshold = 5", "small_number_threshold = 10");
    wd.create("sample-data/landlord.toml", config);
    wd.redress("run").period("2024-25-Q4").run();
    let text = section_text(&wd.read("reports/2024-25-Q4/customer-assembly.html"), "other-landlords");
    assert!(text.contains("Of 109 similar landlords, we received fewer complaints for every 1,000 homes we rent out than most of them: 3 in 4 received more."), "{text}");
    assert!(text.contains("Fewer complaints is not always better."), "{text}");
    assert!(text.contains("We do not compare a figure when fewer than 10 people are behind it"), "{text}");
    assert!(!text.contains("when our shared owners asked us to look again"), "{text}");
    assert!(text.contains("fewer of our tenants who had complained were happy with how we handled it than at most of them: 3 in 4 did better"), "{text}");
}

/// The sample's config with a peer group that compares no attribute.
fn comparing_nothing(wd: &Workdir) -> String {
    let sample = wd.read("sample-data/landlord.toml");
    let group = "peer_group = { landlord_type = true, size_band = true, region = false }";
    assert!(sample.contains(group), "the sample's config no longer sets {group}");
    sample.replace(group, "peer_group = { landlord_type = false, size_band = false, region = false }")
}

/// A peer group that compares no attribute is every landlord: the tenants'
/// report says "landlords", never "similar landlords".
#[test]
fn a_peer_group_comparing_nothing_is_every_landlord_in_the_tenants_report() {
    let wd = Workdir::new();
    wd.sample();
    let config = comparing_nothing(&wd);
    wd.create("sample-data/landlord.toml", config);
    wd.redress("run").period("2024-25-Q4").run();
    let text = section_text(&wd.read("reports/2024-25-Q4/customer-assembly.html"), "other-landlords");
    assert!(!text.contains("similar"), "{text}");
    // Every landlord of the release with the figure (QUARTILES.md counts 354).
    assert!(
        text.contains("Of 354 landlords, we received fewer complaints for every 1,000 homes we rent out"),
        "{text}"
    );
}

/// A peer group that compares no attribute is every landlord: the annual and
/// SMT reports compare with all landlords once, say why, and name the
/// setting that forms a group; the sample's real group keeps both comparisons.
#[test]
fn a_peer_group_comparing_nothing_is_compared_once_in_the_annual_and_smt_reports() {
    let wd = Workdir::new();
    wd.sample();
    let config = comparing_nothing(&wd);
    wd.create("sample-data/every.toml", config);
    let all = ["Measure", "Ours", "All landlords: median", "Position among all landlords"];
    let every_landlord = "No peer group is set: [benchmarks] peer_group compares none of landlord type, size band and region, so every figure is compared with all landlords.";
    for (config, out) in [("sample-data/every.toml", "every"), ("sample-data/landlord.toml", "similar")] {
        wd.redress("run").config(config).period("2024-25").out(out).run();
        wd.redress("run").config(config).period("2024-25-Q4").out(out).run();
        let annual = wd.read(&format!("{out}/2024-25/annual-complaints-report.html"));
        let smt = wd.read(&format!("{out}/2024-25-Q4/smt-report.html"));
        for (html, section) in [(&annual, "tsm"), (&smt, "sector")] {
            let headings = columns(html, "Tenant Satisfaction Measures, 2024-25, against");
            let rows = rows_with_working(html, "Tenant Satisfaction Measures, 2024-25, against");
            let text = section_text(html, section);
            if out == "every" {
                assert_eq!(headings, all, "{section}");
                assert!(rows.iter().all(|(_, cells)| cells.len() == 3), "{section}: {rows:?}");
                assert!(text.contains(every_landlord), "{section}: {text}");
                assert!(!text.contains("Similar landlords"), "{section}: {text}");
                assert!(!text.contains("among similar landlords"), "{section}: {text}");
            } else {
                assert_eq!(
                    headings,
                    [
                        "Measure",
                        "Ours",
                        "Similar landlords: median",
                        "Position among similar landlords",
                        "All landlords: median",
                        "Position among all landlords"
                    ],
                    "{section}"
                );
                assert!(
                    text.contains("Similar landlords: PRP landlords, 5,000-40,000 homes"),
                    "{section}: {text}"
                );
                assert!(!text.contains("No peer group is set"), "{section}: {text}");
            }
        }
        // metrics.json keeps its shape: the group says it compares nothing,
        // and its distribution is every landlord's.
        let metrics = wd.json(&format!("{out}/2024-25/metrics.json"));
        let f = figure(&metrics, "CH02", Some(1), "LCRA");
        if out == "every" {
            assert_eq!(metrics["benchmarks"]["peer_group"]["description"], "all landlords");
            assert_eq!(f["peers"], f["all"]);
        } else {
            assert_eq!(f["peers"]["count"], 109);
        }
    }
}

/// The hand-checked landlord as Adur District Council (45UB): its own
/// published 2024-25 figures beside the fixture's, which differ, and its
/// peers the local authorities with fewer than 5,000 homes (QUARTILES.md 3).
#[test]
fn a_real_landlords_published_figures_are_set_beside_ours_and_differences_flagged() {
    let wd = Workdir::with_fixture("handchecked");
    for file in [RELEASE_2023_24, RELEASE_2024_25] {
        std::fs::copy(project().join("sample-data/rsh-tsm").join(file), wd.path(&format!("in/{file}")))
            .unwrap();
    }
    let config = wd.read("in/landlord.toml")
        + &format!("\n[benchmarks]\ntsm_files = [\"{RELEASE_2023_24}\", \"{RELEASE_2024_25}\"]\nlandlord_code = \"45UB\"\n");
    wd.create("in/landlord.toml", config);
    wd.redress("run").config("in/landlord.toml").period("2024-25").out("out").run();
    let html = wd.read("out/2024-25/annual-complaints-report.html");
    let published = rows_with_working(
        &html,
        "Our figures beside those the Regulator published for Adur District Council (45UB) for 2024-25",
    );
    // Published 42 of 171 = 24.6% against the fixture's 3 of 5 (README).
    assert_eq!(
        row(&published, "CH02 stage 1, LCRA"),
        ["24.6%", "60.0%", "Differs: a restatement or a counting difference worth explaining"]
    );
    assert_eq!(working(&published, "CH02 stage 1, LCRA", 0), "42 of 171");
    assert_eq!(
        working(&published, "CH02 stage 1, LCRA", 2),
        "published 24.6%, ours 60.0%; numerator 42 against our 3; denominator 171 against our 5"
    );
    // 171 ÷ 2,516 × 1,000 = 67.96, published 68.0; ours 6 ÷ 2,000 × 1,000 = 3.0.
    assert_eq!(row(&published, "CH01 stage 1, LCRA")[..2], ["68.0 per 1,000 homes", "3.0 per 1,000 homes"]);
    // Adur has no LCHO stock: [U] in the release.
    assert_eq!(
        row(&published, "CH02 stage 1, LCHO"),
        ["[U]", "100.0%", "Not compared: the release gives no value for this figure"]
    );
    let text = section_text(&html, "tsm");
    assert!(
        text.contains("Similar landlords: LARP landlords, <5,000 homes, as the release describes us."),
        "{text}"
    );
    assert!(text.contains("must then equal the published value"), "the agreement rule is stated: {text}");
    // QUARTILES.md 3: 52 local authorities under 5,000 homes, 66.175 / 88.4 / 96.4.
    let rows = rows_with_working(
        &html,
        "Tenant Satisfaction Measures, 2024-25, against the sector's 2024-25 figures",
    );
    assert_eq!(
        row(&rows, "CH02 stage 1, LCRA")[1..3],
        ["88.4%", "lower quartile: worse than three in four similar landlords"]
    );
    assert_eq!(working(&rows, "CH02 stage 1, LCRA", 1), "quartiles 66.2% to 96.4%; 52 landlords");

    let metrics = wd.json("out/2024-25/metrics.json");
    assert_eq!(metrics["benchmarks"]["landlord"]["name"], "Adur District Council");
    let f = figure(&metrics, "CH02", Some(1), "LCRA");
    assert_eq!(f["published"]["agreement"]["status"], "differs");
    assert_eq!(f["published"]["numerator"], 42.0);
    assert!(close(&f["peers"]["lower_quartile"], 66.175));
}

/// A landlord's name from the release is text from a file: escaped.
#[test]
fn text_from_the_release_is_escaped() {
    let wd = Workdir::with_fixture("handchecked");
    std::fs::copy(project().join("sample-data/rsh-tsm").join(RELEASE_2024_25), wd.path("in/tsm.xlsx"))
        .unwrap();
    // Durham Aged Mineworkers' Homes Association, whose code 5125 the
    // release stores as a number.
    let config = wd.read("in/landlord.toml")
        + "\n[benchmarks]\ntsm_files = [\"tsm.xlsx\"]\nlandlord_code = \"5125\"\n";
    wd.create("in/landlord.toml", config);
    wd.redress("run").config("in/landlord.toml").period("2024-25").out("out").run();
    let html = wd.read("out/2024-25/annual-complaints-report.html");
    assert!(html.contains("Durham Aged Mineworkers&#x27; Homes Association"), "the name is shown, escaped");
    assert!(!html.contains("Mineworkers' Homes"), "the name is not raw");
}

/// The hand-checked year with only a later release: every report says no
/// release covers the year, and none shows an empty table.
#[test]
fn a_year_no_release_covers_says_so_in_every_report() {
    let wd = Workdir::with_fixture("handchecked");
    std::fs::copy(
        project().join("sample-data/rsh-tsm").join(RELEASE_2024_25),
        wd.path(&format!("in/{RELEASE_2024_25}")),
    )
    .unwrap();
    let config = wd.read("in/landlord.toml")
        + &format!("\n[benchmarks]\ntsm_files = [\"{RELEASE_2024_25}\"]\npeer_attributes = {{ landlord_type = \"PRP\", size_band = \"<5,000\" }}\n");
    wd.create("in/landlord.toml", config);
    let sentence = "no release of the Regulator's Tenant Satisfaction Measures covers 2023-24 or an earlier year (the one given ([benchmarks] tsm_files) is for 2024-25)";
    for period in ["2023-24", "2023-24-Q4"] {
        wd.redress("run").config("in/landlord.toml").period(period).out("out").run();
        let metrics = wd.json(&format!("out/{period}/metrics.json"));
        let b = &metrics["benchmarks"];
        assert!(b["statement"].as_str().unwrap().contains(sentence), "{b}");
        assert_eq!((&b["release"], b["figures"].as_array().unwrap().len()), (&serde_json::Value::Null, 0));
    }
    let annual = section_text(&wd.read("out/2023-24/annual-complaints-report.html"), "tsm");
    assert!(annual.contains(sentence), "{annual}");
    let smt = section_text(&wd.read("out/2023-24-Q4/smt-report.html"), "sector");
    assert!(smt.contains(sentence), "{smt}");
    assert!(!smt.contains("Measure Ours"), "no empty table: {smt}");
    let assembly = section_text(&wd.read("out/2023-24-Q4/customer-assembly.html"), "other-landlords");
    assert!(assembly.contains("We cannot compare ourselves with other landlords yet."), "{assembly}");
}

#[test]
fn a_missing_release_exits_2_naming_it_and_writes_nothing() {
    let wd = Workdir::with_fixture("handchecked");
    let config = wd.read("in/landlord.toml")
        + "\n[benchmarks]\ntsm_files = [\"rsh-tsm/TSM_2030-31.xlsx\"]\nlandlord_code = \"45UB\"\n";
    wd.create("in/landlord.toml", config);
    let stderr = wd.redress("run").config("in/landlord.toml").period("2024-25").out("out").expect_exit(2);
    assert!(stderr.contains("TSM_2030-31.xlsx") && stderr.contains("not found"), "{stderr}");
    assert!(!wd.exists("out/2024-25"), "nothing written");
    // The releases are read beside the exports; a missing export is still
    // the error reported.
    let stderr = wd
        .redress("run")
        .config("in/landlord.toml")
        .cases("in/nope.csv")
        .period("2024-25")
        .out("out")
        .expect_exit(2);
    assert!(stderr.contains("nope.csv") && !stderr.contains("TSM_2030-31"), "{stderr}");
    // A file that is not a workbook is as unusable.
    wd.create("in/rsh-tsm/TSM_2030-31.xlsx", "landlord,code\n");
    let stderr = wd.redress("run").config("in/landlord.toml").period("2024-25").out("out").expect_exit(2);
    assert!(
        stderr.contains("TSM_2030-31.xlsx") && stderr.contains("cannot be read as a workbook"),
        "{stderr}"
    );
}

#[test]
fn an_unknown_key_in_benchmarks_is_a_configuration_error_naming_it() {
    let wd = Workdir::with_fixture("handchecked");
    let config =
        wd.read("in/landlord.toml") + "\n[benchmarks]\ntsm_file = [\"tsm.xlsx\"]\nlandlord_code = \"45UB\"\n";
    wd.create("in/landlord.toml", config);
    let stderr = wd.redress("run").config("in/landlord.toml").period("2024-25").out("out").expect_exit(1);
    assert!(stderr.contains("tsm_file"), "{stderr}");
}

/// Without `[benchmarks]` no release is read and no output mentions one:
/// the sample's year run with and without the section.
#[test]
fn without_benchmarks_the_outputs_are_as_before() {
    let wd = Workdir::new();
    wd.sample();
    let config = wd.read("sample-data/landlord.toml");
    let (start, end) =
        (config.find("# Sector benchmarking").unwrap(), config.find("# The annual complaints").unwrap());
    wd.create("sample-data/plain.toml", format!("{}{}", &config[..start], &config[end..]));
    wd.redress("run").period("2024-25").out("with").run();
    wd.redress("run").config("sample-data/plain.toml").period("2024-25").out("without").run();
    assert_eq!(wd.read("with/2024-25/tsm.csv"), wd.read("without/2024-25/tsm.csv"));
    assert!(wd.json("with/2024-25/metrics.json").get("benchmarks").is_some());
    let without = wd.json("without/2024-25/metrics.json");
    assert!(without.get("benchmarks").is_none(), "metrics.json has a benchmarks key");
    let run = wd.json("without/2024-25/run.json");
    assert_eq!(run["inputs"].as_array().unwrap().len(), 3, "the three exports only");
    let annual = wd.read("without/2024-25/annual-complaints-report.html");
    assert!(!annual.contains("h-tsm-sector") && !annual.contains("Compared with other landlords"));
    wd.redress("run").config("sample-data/plain.toml").out("without").run();
    let smt = wd.read("without/2026-27-Q2/smt-report.html");
    let assembly = wd.read("without/2026-27-Q2/customer-assembly.html");
    assert!(!smt.contains("id=\"sector\"") && !smt.contains("href=\"#sector\""));
    assert!(!assembly.contains("other-landlords"));
}
