//! The Customer Assembly report: plain English, no personal data, no small
//! numbers.

use crate::workdir::{files_below, Workdir};
use scraper::Html;

/// The text a reader sees: the body (not the stylesheet in the head).
fn text_of(html: &str) -> String {
    let doc = Html::parse_document(html);
    let body = doc.select(&scraper::Selector::parse("body").unwrap()).next().expect("a body");
    body.text().collect::<Vec<_>>().join(" ")
}

/// A quarter's export: a complaint about Repairs received, acknowledged and
/// answered in 2024-25 Q4 (`R0`, `R1`...) for each of `rows`, the values
/// of the columns `extra` names.
fn quarter_export(extra: &str, rows: &[&str]) -> String {
    let mut csv = format!(
        "case_ref,stage,received_date,acknowledged_date,responded_date,outcome,service_area,{extra}\n"
    );
    for (i, values) in rows.iter().enumerate() {
        csv.push_str(&format!("R{i},1,06/01/2025,07/01/2025,14/01/2025,upheld,Repairs,{values}\n"));
    }
    csv
}

/// The learning themes of the responses in 2024-25 Q4 and their counts, as
/// `out`'s metrics.json gives them, by name.
fn themes_responded(wd: &Workdir, out: &str) -> Vec<(String, f64)> {
    let m = wd.json(&format!("{out}/2024-25-Q4/metrics.json"));
    let mut themes: Vec<(String, f64)> = m["figures"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["id"] == "complaints_responded"
                && f["period"] == "2024-25-Q4"
                && f["breakdown"] == "learning_theme"
        })
        .map(|f| (f["group"].as_str().unwrap().to_string(), f["numerator"].as_f64().unwrap()))
        .collect();
    themes.sort_by(|a, b| a.0.cmp(&b.0));
    themes
}

fn setup(extra_config: &str) -> Workdir {
    let wd = Workdir::with_fixture("handchecked");
    // Learning notes as officers really write them, personal data and all.
    let cases = wd
        .read("in/cases.csv")
        .replace(
            "Added a weekly check on overdue repairs.",
            "\"Added a weekly check on overdue repairs. Agreed with Priya Shah, who asked to be called on 07700 900461.\"",
        )
        .replace("Rewrote the service charge letter.", "Rewrote the service charge letter and sent it to m.okafor@example.com.");
    // The third note, "Second-visit inspections for disputed work.", holds
    // none and is left as it is.
    wd.create("in/cases.csv", cases);
    let config = wd.read("in/landlord.toml") + "\n[customer_assembly]\n" + extra_config;
    wd.create("in/landlord.toml", config);
    wd.redress("run").config("in/landlord.toml").period("2024-25-Q4").out("out").run();
    wd
}

#[test]
fn screened_learning_is_published_and_personal_data_goes_to_review_only() {
    let wd = setup("small_number_threshold = 1\nfree_text = true\npeople_names = [\"Priya Shah\"]\n");
    let html = wd.read("out/2024-25-Q4/customer-assembly.html");
    for leak in ["Priya", "Shah", "07700", "900461", "okafor", "example.com"] {
        assert!(!html.contains(leak), "the published report contains {leak:?}");
    }
    // The clean note is quoted under its theme.
    assert!(text_of(&html).contains("Second-visit inspections for disputed work."), "{html}");
    // The held-back notes are listed for the analyst, with why.
    let review = wd.read("out/2024-25-Q4/review/customer-assembly-review.csv");
    let lines: Vec<&str> = review.lines().collect();
    assert_eq!(lines[0], "case_ref,theme,held_back,reason");
    assert!(lines.contains(&"A1,Repairs delays,learning action,phone number; listed name"), "{review}");
    assert!(lines.contains(&"A3,Communication,learning action,email address"), "{review}");
    assert_eq!(lines.len(), 3, "{review}");
    // Where and why, never the text: the review file is an output too.
    for leak in ["Priya", "Shah", "07700", "900461", "okafor", "example.com"] {
        assert!(!review.contains(leak), "the review file contains {leak:?}");
    }
    // The review file is not part of the published set.
    assert!(!wd.read("out/2024-25-Q4/index.html").contains("review"), "index links the review file");
}

/// The handchecked export split in two, the rows of A1, A3 and A4 in a file
/// with a name column and the rest in one without, listed in `order`, with
/// learning actions that name residents: by a first name no list holds, on
/// a duplicate row, in another quarter, and on another case in other case
/// and spacing.
fn resident_named_run(order: [&str; 2]) -> Workdir {
    let wd = Workdir::with_fixture("handchecked");
    let cases = wd.read("in/cases.csv");
    let mut lines = cases.lines();
    let header = lines.next().unwrap();
    let (mut named, mut plain) = (format!("{header},Customer Name\n"), format!("{header}\n"));
    for line in lines {
        let fields: Vec<&str> = line.split(',').collect();
        let (case, stage) = (fields[0], fields[2]);
        let line = match (case, stage) {
            ("A1", _) => line.replace(
                "Added a weekly check on overdue repairs.",
                "\"Apologised to Siobhan; added a weekly check.\nFollow-up booked.\"",
            ),
            ("A3", _) => line.replace("Rewrote the service charge letter.", "apologised to SIOBHAN;  added a weekly check."),
            ("A4", "1") => line.replace("Introduced a damp survey within 10 days.", "Wrote to Priti about the survey."),
            ("A2", "1") => line.replace("not upheld,,Repairs,Quality of work,Web form,LCRA,,,", "not upheld,,Repairs,Quality of work,Web form,LCRA,,Repairs delays,Wrote to Priti about the survey."),
            _ => line.to_string(),
        };
        match case {
            "A1" => named.push_str(&format!("{line},Ms Siobhan Kearney\n")),
            "A3" => named.push_str(&format!("{line},Ann Lee\n")),
            "A4" => named.push_str(&format!("{line},Priti Vora\n")),
            _ => plain.push_str(&format!("{line}\n")),
        }
    }
    wd.create("in/named.csv", named);
    wd.create("in/plain.csv", plain);
    let config = wd.read("in/landlord.toml").replace(
        "cases = [\"cases.csv\"]",
        &format!(
            "cases = [\"{}\", \"{}\"]\ncolumns = {{ resident_name = \"Customer Name\" }}",
            order[0], order[1]
        ),
    ) + "\n[customer_assembly]\nsmall_number_threshold = 1\nfree_text = true\n";
    wd.create("in/landlord.toml", config);
    wd.redress("run").config("in/landlord.toml").period("2024-25-Q4").out("out").run();
    wd
}

/// With the export's name column mapped, a learning action whose quoted
/// line names a resident anywhere in the export is held back on every case
/// that has that line, whichever file has the name column and whichever is
/// read first; the names reach no output.
#[test]
fn an_action_naming_a_resident_is_held_back_wherever_its_quoted_line_is() {
    for order in [["named.csv", "plain.csv"], ["plain.csv", "named.csv"]] {
        let wd = resident_named_run(order);
        let review = wd.read("out/2024-25-Q4/review/customer-assembly-review.csv");
        let lines: Vec<&str> = review.lines().collect();
        assert_eq!(
            lines,
            [
                "case_ref,theme,held_back,reason",
                // Its own resident, by a first name alone.
                "A1,Repairs delays,learning action,a resident's name",
                // A4's line, on another resident's case, in another quarter
                // and another file.
                "A2,Repairs delays,learning action,a resident's name",
                // A1's quoted line, in other case and spacing.
                "A3,Communication,learning action,a resident's name",
            ],
            "{order:?}: {review}"
        );
        // The action that names no one is still quoted.
        let html = wd.read("out/2024-25-Q4/customer-assembly.html");
        assert!(text_of(&html).contains("Second-visit inspections for disputed work."), "{html}");
        for path in files_below(&wd.path("out")) {
            let written = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).to_lowercase();
            for name in ["siobhan", "kearney", "priti", "vora", "ann lee"] {
                assert!(!written.contains(name), "{} contains {name:?}", path.display());
            }
        }
    }
}

#[test]
fn without_free_text_no_note_is_quoted() {
    let wd = setup("small_number_threshold = 1\n");
    let text = text_of(&wd.read("out/2024-25-Q4/customer-assembly.html"));
    assert!(!text.contains("Second-visit inspections"), "{text}");
    assert!(text.contains("Repairs delays"), "themes are still named: {text}");
}

#[test]
fn counts_below_the_threshold_never_appear_as_numbers() {
    // With a threshold of 1,000 every count in this small quarter is small.
    let wd = setup("small_number_threshold = 1000\nfree_text = true\n");
    let text = text_of(&wd.read("out/2024-25-Q4/customer-assembly.html"));
    assert!(text.contains("We received fewer than 1000 new complaints this quarter."), "{text}");
    assert!(text.contains("We had fewer than 1000 requests to look again"), "{text}");
    // Remove the numbers that are not counts: dates, the quarter, the
    // Ombudsman's phone number, "stage 2", "in every 10" shares and the
    // threshold itself. No other digit may remain.
    let mut rest = text.clone();
    for allowed in [
        "1 Jan 2025",
        "31 Mar 2025",
        "Q4 2024-25",
        "0300 111 3000",
        "stage 2",
        "in every 10",
        // What "on time" means: the timescales, not counts.
        "within 10 working days",
        "within 20 working days",
        "fewer than 1000",
        "Fewer than 1000",
        "at least 1000",
    ] {
        rest = rest.replace(allowed, "");
    }
    let rest = regex::Regex::new(r"We answered \d+").unwrap().replace_all(&rest, "").into_owned();
    let rest = regex::Regex::new(r"when it was \d+").unwrap().replace_all(&rest, "").into_owned();
    assert!(!rest.chars().any(|c| c.is_ascii_digit()), "a count appears as a number:\n{rest}");
    // And money is not given where so few were paid.
    assert!(!text.contains('£'), "{text}");
}

#[test]
fn plain_english_summary_with_counts_at_the_default_threshold() {
    let wd = setup("");
    let text = text_of(&wd.read("out/2024-25-Q4/customer-assembly.html"));
    // Q4 2024-25: new (stage 1) complaints A2, A3 and A9: fewer than 5.
    // Four responses is too few to say "N in every 10".
    assert!(text.contains("We received fewer than 5 new complaints this quarter."), "{text}");
    assert!(!text.contains("in every 10"), "{text}");
    assert!(text.contains("Housing Ombudsman"), "{text}");
}

#[test]
fn small_services_are_not_named_so_their_counts_cannot_be_worked_out() {
    // Six new complaints about Repairs, one about Lettings: naming Lettings
    // as "fewer than 5" beside a total of 7 would give the 1 away.
    let wd = Workdir::new();
    let mut csv = quarter_export("learning_theme", &["Mrs Okafor at 3 Elm Road"; 6]);
    csv.push_str("L1,1,06/01/2025,07/01/2025,14/01/2025,upheld,Lettings,\n");
    wd.create("cases.csv", csv);
    wd.create("l.toml", "landlord = \"T\"\nas_of = \"2025-06-01\"\n[input]\ncases = [\"cases.csv\"]\n");
    wd.redress("run").config("l.toml").period("2024-25-Q4").out("out").run();
    let text = text_of(&wd.read("out/2024-25-Q4/customer-assembly.html"));
    assert!(text.contains("We received 7 new complaints"), "{text}");
    assert!(text.contains("Repairs 6"), "{text}");
    assert!(!text.contains("Lettings"), "a service below the threshold is named: {text}");
    assert!(text.contains("Other services fewer than 5"), "{text}");
    // A theme named after a person and an address is held back, not published.
    assert!(!text.contains("Okafor") && !text.contains("Elm Road"), "{text}");
    let review = wd.read("out/2024-25-Q4/review/customer-assembly-review.csv");
    assert!(
        review.contains(
            ",(held back),learning theme (6 complaints),house number and street; name with a title"
        ),
        "{review}"
    );
    assert!(!review.contains("Okafor") && !review.contains("Elm Road"), "{review}");
}

/// A recorded theme whose name holds personal data (a titled name, or a
/// resident's name, in any spelling) is held back from every output, the
/// internal reports and metrics.json included, each under a name of its own
/// so its figures stay its own; the notes say how many, why, and a case of
/// each. A theme of the taxonomy is never held, whoever's name it shares a
/// word with.
#[test]
fn a_theme_naming_a_person_is_held_back_from_every_output() {
    let wd = Workdir::new();
    let csv = quarter_export(
        "learning_theme,Customer Name",
        &[
            "Mark's fencing,Mark Green",
            "Green spaces,Mark Green",
            "Visit to Mrs Okafor,Tom Hale",
            "Repairs delays,Ann Lee",
            "MARK\u{2019}S  FENCING,Tom Hale",
            "theme held back  1 (Personal data),Ann Lee",
        ],
    );
    wd.create("cases.csv", csv);
    wd.create(
        "l.toml",
        "landlord = \"T\"\nas_of = \"2025-06-01\"\n[input]\ncases = [\"cases.csv\"]\ncolumns = { resident_name = \"Customer Name\" }\n[themes.taxonomy]\n\"Green spaces\" = [\"grass\"]\n\"Repairs delays\" = [\"repair\"]\n",
    );
    let stderr = wd.redress("run").config("l.toml").period("2024-25-Q4").out("out").run();
    for path in files_below(&wd.path("out")) {
        let written = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).to_lowercase();
        for leak in ["fencing", "okafor", "mark green", "ann lee", "tom hale"] {
            assert!(!written.contains(leak), "{} contains {leak:?}", path.display());
        }
    }
    let note = "4 recorded learning theme(s), on 4 usable row(s) of every period, held back from every output as their names may hold personal data (name with a title; a resident's name; the shape of a held theme's name), each shown under a name of its own: \"Theme held back 1 (personal data)\" (case R0), \"Theme held back 2 (personal data)\" (case R2), \"Theme held back 3 (personal data)\" (case R4), \"Theme held back 4 (personal data)\" (case R5)";
    assert!(stderr.contains(&format!("redress: note: {note}")), "{stderr}");
    let themes = themes_responded(&wd, "out");
    assert_eq!(
        themes,
        [
            ("Green spaces".to_string(), 1.0),
            ("Repairs delays".to_string(), 1.0),
            ("Theme held back 1 (personal data)".to_string(), 1.0),
            ("Theme held back 2 (personal data)".to_string(), 1.0),
            ("Theme held back 3 (personal data)".to_string(), 1.0),
            ("Theme held back 4 (personal data)".to_string(), 1.0),
        ]
    );
    let review = wd.read("out/2024-25-Q4/review/customer-assembly-review.csv");
    for line in [
        "R0,(held back),learning theme (1 complaint),a resident's name",
        "R2,(held back),learning theme (1 complaint),name with a title",
        "R4,(held back),learning theme (1 complaint),a resident's name",
        "R5,(held back),learning theme (1 complaint),the shape of a held theme's name",
    ] {
        assert!(review.lines().any(|l| l == line), "{line}: {review}");
    }
}

/// A false alarm the analyst has checked is let through by
/// `screen_allows`: the theme keeps its name in every output and its
/// actions are quoted.
#[test]
fn what_the_analyst_lets_through_keeps_its_name() {
    let wd = Workdir::new();
    let csv = quarter_export(
        "learning_theme,learning_action",
        &["MS Teams meetings,Calls now offered by video"; 2],
    );
    wd.create("cases.csv", csv);
    let config = "landlord = \"T\"\nas_of = \"2025-06-01\"\n[input]\ncases = [\"cases.csv\"]\n[customer_assembly]\nsmall_number_threshold = 1\nfree_text = true\n";
    wd.create("held.toml", config);
    wd.create("allowed.toml", format!("{config}screen_allows = [\"ms teams  meetings\"]\n"));
    wd.redress("run").config("held.toml").period("2024-25-Q4").out("held").run();
    let held = vec![("Theme held back 1 (personal data)".to_string(), 2.0)];
    assert_eq!(themes_responded(&wd, "held"), held, "a title and a word: a false alarm");
    wd.redress("run").config("allowed.toml").period("2024-25-Q4").out("allowed").run();
    assert_eq!(themes_responded(&wd, "allowed"), [("MS Teams meetings".to_string(), 2.0)]);
    let text = text_of(&wd.read("allowed/2024-25-Q4/customer-assembly.html"));
    assert!(text.contains("Calls now offered by video"), "{text}");
}

/// "About the same" is a change under `same_within_points`, and the report
/// says where that line is.
#[test]
fn the_change_since_last_quarter_is_judged_by_the_stated_margin() {
    let wide = text_of(
        &setup("small_number_threshold = 1\nsame_within_points = 100\n")
            .read("out/2024-25-Q4/customer-assembly.html"),
    );
    let wide = wide.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(wide.contains("That is about the same as last quarter, when it was"), "{wide}");
    assert!(wide.contains("(We call a change of less than 100 in every 100 \"about the same\".)"), "{wide}");
    let narrow = text_of(
        &setup("small_number_threshold = 1\nsame_within_points = 0.001\n")
            .read("out/2024-25-Q4/customer-assembly.html"),
    );
    assert!(
        narrow.contains("better than last quarter")
            || narrow.contains("not as good as last quarter")
            || narrow.contains("a little worse than last quarter"),
        "{narrow}"
    );
    assert!(!narrow.contains("about the same"), "{narrow}");
}

/// The words of the sample quarter's Customer Assembly report, one space
/// apart, with one line of its config replaced.
fn sample_quarter_words(line: &str, by: &str) -> String {
    let wd = Workdir::new();
    wd.sample();
    let config = wd.read("sample-data/landlord.toml");
    assert!(config.contains(line), "{line:?}");
    wd.create("sample-data/landlord.toml", config.replace(line, by));
    wd.redress("run").run();
    let text = text_of(&wd.read("reports/2026-27-Q2/customer-assembly.html"));
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The sample's quarter answered 81.5% on time (303 of 372) against 83.2%
/// (287 of 345): "8 in every 10" both times. Beyond the margin, the report
/// says it is a little worse without two equal "in every 10"s saying so.
#[test]
fn a_change_the_rounding_hides_is_called_a_little_better_or_worse() {
    let text = sample_quarter_words("[customer_assembly]\n", "[customer_assembly]\nsame_within_points = 1\n");
    assert!(text.contains("We answered 372 complaints, counting second looks, and 8 in every 10 of them on time (303 of 372). That is a little worse than last quarter, though it was also about 8 in every 10."), "{text}");
}

/// A target's figure is given only with at least the threshold of answers
/// behind it: "100.0% (1 of 1)" would give away the one. With a threshold
/// above every count of the sample's quarter, no percentage, average or
/// count of a target appears, and each target is still said.
#[test]
fn a_targets_figure_with_few_behind_it_is_not_given() {
    let text = sample_quarter_words("small_number_threshold = 5\n", "small_number_threshold = 1000\n");
    assert!(
        text.contains("We did not meet our target for answering new complaints on time: we do not give the figure, as it would show a count of fewer than 1000 people; our target is at least 90.0%."),
        "{text}"
    );
    // A share whose part, or rest, is small gives it away: at a threshold
    // of 50, stage 2's 75.9% (44 of 58) would show that 14 were late.
    let text50 = sample_quarter_words("small_number_threshold = 5\n", "small_number_threshold = 50\n");
    assert!(!text50.contains("75.9%") && !text50.contains("44 of 58"), "{text50}");
    assert!(text50.contains("82.5% (259 of 314)"), "{text50}");
    // Take away the targets and the threshold: no other digit may remain.
    let how_we_did = &text[text.find("How we did").unwrap()..text.find("What people thought").unwrap()];
    let targets = regex::Regex::new(r"our target is at (least|most) \d+\.\d%?").unwrap();
    let rest = targets.replace_all(how_we_did, "").replace("fewer than 1000", "");
    assert!(!rest.chars().any(|c| c.is_ascii_digit()), "{rest}");
}
