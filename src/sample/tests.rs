//! The generator's own checks: same seed, same bytes; the export's shape;
//! realistic shares, dates and timeliness; faults at the requested rate.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, Weekday};

use super::people::FIRST_NAMES;
use super::vocabulary::*;
use super::*;

fn gen(rows: usize, seed: u64, faulty_rate: f64) -> (tempfile::TempDir, SampleSummary) {
    let dir = tempfile::tempdir().unwrap();
    let summary = generate(&SampleOptions { rows, seed, faulty_rate }, dir.path()).unwrap();
    (dir, summary)
}

fn records(dir: &Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(dir.join("cases.csv")).unwrap();
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice()).expect("BOM");
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(body);
    assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), HEADER.to_vec());
    reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect()
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%d/%m/%Y").or_else(|_| NaiveDate::parse_from_str(s, "%Y-%m-%d")).ok()
}

const OUTCOMES: [&str; 10] = [
    "Upheld",
    "UPHELD",
    "Partially Upheld",
    "Partially upheld",
    "partly_upheld",
    "Not Upheld",
    "not upheld",
    "Not-Upheld",
    "Withdrawn",
    "Refused",
];

fn amount_ok(s: &str) -> bool {
    let t = s.trim_start_matches('£').replace(',', "");
    !t.is_empty() && t.parse::<f64>().is_ok_and(|v| v >= 0.0)
}

/// Which error-level fault a row shows, if any (duplicates are checked
/// by the caller).
fn fault_of(r: &[String]) -> Option<&'static str> {
    if r[F_REF].is_empty() {
        return Some("missing ref");
    }
    for col in [F_RECEIVED, F_ACK, F_REVISED, F_RESPONDED] {
        let v = &r[col];
        if !v.is_empty() && date(v).is_none() {
            return Some(if v.chars().next().unwrap().is_ascii_digit() {
                "impossible date"
            } else {
                "unparseable date"
            });
        }
    }
    if let (Some(rec), Some(resp)) = (date(&r[F_RECEIVED]), date(&r[F_RESPONDED])) {
        if resp < rec {
            return Some("responded before received");
        }
    }
    if !r[F_OUTCOME].is_empty() && !OUTCOMES.contains(&r[F_OUTCOME].as_str()) {
        return Some("unknown outcome");
    }
    if !["", "Stage 1", "Stage 2", "1", "2"].contains(&r[F_STAGE].as_str()) {
        return Some("unknown stage");
    }
    if r[F_COMP].starts_with('-') {
        return Some("negative compensation");
    }
    if !r[F_COMP].is_empty() && !amount_ok(&r[F_COMP]) {
        return Some("unparseable amount");
    }
    None
}

/// Fault kind counts, duplicates included.
fn faults(recs: &[Vec<String>]) -> HashMap<&'static str, usize> {
    let mut seen = HashSet::new();
    let mut counts = HashMap::new();
    for r in recs {
        let kind = fault_of(r).or_else(|| (!seen.insert(r.clone())).then_some("duplicate"));
        if let Some(k) = kind {
            *counts.entry(k).or_insert(0) += 1;
        }
    }
    counts
}

fn is_complaint(r: &[String]) -> bool {
    r[F_TYPE].is_empty() || r[F_TYPE] == "Complaint"
}

fn stage(r: &[String]) -> Option<u8> {
    match r[F_STAGE].as_str() {
        "Stage 1" | "1" => Some(1),
        "Stage 2" | "2" => Some(2),
        _ => None,
    }
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let (a, _) = gen(3000, 7, 0.01);
    let (b, _) = gen(3000, 7, 0.01);
    let (c, _) = gen(3000, 8, 0.01);
    for name in ["cases.csv", "landlord.toml"] {
        assert_eq!(
            std::fs::read(a.path().join(name)).unwrap(),
            std::fs::read(b.path().join(name)).unwrap(),
            "{name} differs between runs with the same seed"
        );
    }
    assert_ne!(
        std::fs::read(a.path().join("cases.csv")).unwrap(),
        std::fs::read(c.path().join("cases.csv")).unwrap()
    );
}

#[test]
fn bom_header_crlf_and_multiline_fields() {
    let (dir, summary) = gen(20_000, 1, 0.004);
    assert_eq!(summary.rows, 20_000);
    let names: Vec<&str> = ["cases.csv", "surveys.csv", "ombudsman.csv", "landlord.toml"]
        .into_iter()
        .chain(SELF_ASSESSMENT_FILES.iter().map(|(n, _)| *n))
        .chain(TSM_RELEASES.iter().map(|(n, _)| *n))
        .collect();
    assert_eq!(summary.files, names.iter().map(|n| dir.path().join(n)).collect::<Vec<_>>());
    let bytes = std::fs::read(dir.path().join("cases.csv")).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let header = format!("{}\r\n", HEADER.join(","));
    assert!(bytes[3..].starts_with(header.as_bytes()));
    assert!(bytes.ends_with(b"\r\n"));
    let recs = records(dir.path());
    assert_eq!(recs.len(), 20_000);
    let multiline_notes = recs.iter().filter(|r| r[F_NOTES].contains('\n')).count();
    let crlf_notes = recs.iter().filter(|r| r[F_NOTES].contains("\r\n")).count();
    let multiline_actions = recs.iter().filter(|r| r[F_ACTION].contains('\n')).count();
    assert!(multiline_notes > 1000 && crlf_notes > 500 && multiline_actions > 20);
    assert!(recs.iter().any(|r| r[F_ACTION].contains(',') && r[F_ACTION].contains('"')));
    // Personal data is present and looks real.
    let with = |col: usize| recs.iter().filter(|r| !r[col].is_empty()).count();
    assert_eq!(with(F_NAME), recs.len());
    assert_eq!(with(F_ADDRESS), recs.len());
    assert!(with(F_EMAIL) > recs.len() / 2 && with(F_PHONE) > recs.len() * 3 / 4);
    assert!(recs.iter().all(|r| r[F_NOTES].is_empty() || FIRST_NAMES.iter().any(|n| r[F_NOTES].contains(n))));
    assert!(recs.iter().all(|r| {
        let pc = &r[F_POSTCODE];
        let (out, inward) = pc.split_once(' ').unwrap();
        inward.len() == 3
            && out.len() >= 2
            && out.len() <= 4
            && out.chars().next().unwrap().is_ascii_uppercase()
    }));
    // ~1% ISO rows.
    let iso = recs.iter().filter(|r| r[F_RECEIVED].contains('-')).count() as f64 / recs.len() as f64;
    assert!((0.005..0.02).contains(&iso), "ISO share {iso}");
}

#[test]
fn record_type_shares() {
    let (dir, _) = gen(20_000, 2026, 0.004);
    let recs = records(dir.path());
    let n = recs.len() as f64;
    let share = |t: &str| recs.iter().filter(|r| r[F_TYPE] == t).count() as f64 / n;
    let complaints = recs.iter().filter(|r| is_complaint(r)).count() as f64 / n;
    let blank = recs.iter().filter(|r| r[F_TYPE].is_empty()).count() as f64 / n;
    assert!((0.675..0.725).contains(&complaints), "complaints {complaints}");
    assert!((0.012..0.035).contains(&blank), "blank {blank}");
    for (t, want, tol) in [
        ("Compliment", 0.17, 0.015),
        ("Suggestion", 0.06, 0.01),
        ("Enquiry", 0.04, 0.008),
        ("Feedback", 0.03, 0.007),
    ] {
        let got = share(t);
        assert!((got - want).abs() < tol, "{t}: {got} vs {want}");
    }
    // Non-complaints have no stage or outcome and FBK references.
    for r in recs.iter().filter(|r| !is_complaint(r)) {
        assert!(r[F_STAGE].is_empty() && r[F_OUTCOME].is_empty() && r[F_REF].starts_with("FBK-"));
    }
    // Tenure: ~87% LCRA, ~7% LCHO, ~3% blank, and from the rented homes
    // ~2.4% leasehold (half in the landlord's own spelling), ~0.8% market rent.
    let tenure = |t: &str| recs.iter().filter(|r| r[F_TENURE] == t).count() as f64 / n;
    assert!((tenure("LCRA") - 0.87).abs() < 0.02, "LCRA {}", tenure("LCRA"));
    assert!((tenure("LCHO") - 0.07).abs() < 0.015, "LCHO {}", tenure("LCHO"));
    assert!((tenure("") - 0.03).abs() < 0.01, "blank tenure {}", tenure(""));
    let leasehold = tenure("Leasehold") + tenure("Leaseholder (RTB)");
    assert!((leasehold - 0.024).abs() < 0.008, "leasehold {leasehold}");
    assert!(tenure("Leaseholder (RTB)") > 0.0 && tenure("Leasehold") > 0.0, "both spellings");
    assert!((tenure("Market Rent") - 0.008).abs() < 0.005, "market rent {}", tenure("Market Rent"));
}

#[test]
fn no_date_after_the_run_date_and_receipts_in_span() {
    let (dir, _) = gen(30_000, 3, 0.004);
    let recs = records(dir.path());
    let mut weekend = 0;
    for r in &recs {
        for col in [F_RECEIVED, F_ACK, F_REVISED, F_RESPONDED] {
            if let Some(d) = date(&r[col]) {
                assert!(d <= AS_OF, "{} {d} after the run date: {r:?}", HEADER[col]);
            }
        }
        if let Some(d) = date(&r[F_RECEIVED]) {
            assert!(d >= START && d <= END, "received {d}");
            if matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
                weekend += 1;
            }
        }
        if r[F_RESPONDED].is_empty() && is_complaint(r) {
            assert!(r[F_OUTCOME].is_empty() || r[F_OUTCOME] == "Withdrawn" || fault_of(r).is_some(), "{r:?}");
        }
    }
    let weekend = weekend as f64 / recs.len() as f64;
    assert!((0.005..0.05).contains(&weekend), "weekend share {weekend}");
    // Roughly in date order: the received date never runs far backwards.
    let mut latest = START;
    for r in &recs {
        if let Some(d) = date(&r[F_RECEIVED]) {
            assert!((latest - d).num_days() <= 31, "{d} long after {latest}");
            latest = latest.max(d);
        }
    }
    // Some cases are still open at the run date.
    assert!(recs.iter().any(|r| is_complaint(r) && r[F_RESPONDED].is_empty() && r[F_OUTCOME].is_empty()));
}

#[test]
fn every_stage_two_follows_a_responded_stage_one() {
    let (dir, _) = gen(30_000, 4, 0.01);
    let recs = records(dir.path());
    let mut s1: HashMap<&str, &Vec<String>> = HashMap::new();
    for r in recs.iter().filter(|r| is_complaint(r) && stage(r) == Some(1)) {
        s1.insert(&r[F_REF], r);
    }
    let mut s2 = 0;
    let mut refs = HashSet::new();
    for r in recs.iter().filter(|r| is_complaint(r) && stage(r) == Some(2)) {
        s2 += 1;
        refs.insert(r[F_REF].clone());
        let one = s1.get(r[F_REF].as_str()).unwrap_or_else(|| panic!("no stage 1 for {r:?}"));
        let responded = date(&one[F_RESPONDED]).expect("stage 1 responded");
        let received = date(&r[F_RECEIVED]).unwrap();
        assert!(responded < received, "{one:?} / {r:?}");
        assert!(!one[F_OUTCOME].eq_ignore_ascii_case("refused"));
        for col in [F_AREA, F_CATEGORY, F_TENURE, F_NAME, F_POSTCODE] {
            assert_eq!(one[col], r[col]);
        }
    }
    // 15-18% of stage 1 complaints with a response escalate.
    let responded = s1.values().filter(|r| !r[F_RESPONDED].is_empty()).count();
    let rate = refs.len() as f64 / responded as f64;
    assert!((0.14..0.19).contains(&rate), "escalation rate {rate} ({s2} stage 2 rows)");
}

#[test]
fn faulty_rows_at_the_requested_rate() {
    let rows = 50_000;
    let (dir, _) = gen(rows, 5, 0.01);
    let counts = faults(&records(dir.path()));
    let total: usize = counts.values().sum();
    let rate = total as f64 / rows as f64;
    assert!((0.008..0.012).contains(&rate), "fault rate {rate}: {counts:?}");
    for kind in [
        "missing ref",
        "impossible date",
        "unparseable date",
        "responded before received",
        "unknown outcome",
        "unknown stage",
        "negative compensation",
        "unparseable amount",
        "duplicate",
    ] {
        let n = counts.get(kind).copied().unwrap_or(0);
        assert!(n > 30, "{kind}: {n} ({counts:?})");
    }
    // And none at all when the rate is zero.
    let (dir, _) = gen(20_000, 5, 0.0);
    assert!(faults(&records(dir.path())).is_empty());
}

#[test]
fn timeliness_outcomes_and_compensation_are_realistic() {
    let (dir, _) = gen(60_000, 6, 0.0);
    let recs = records(dir.path());
    let cal = Calendar::embedded(Division::EnglandAndWales, &closure_days()).unwrap();
    let mut by_stage = [(0, 0, 0, 0, 0, 0, 0); 3]; // acked, ack on time, responded, on time, extended, rows, beyond max
    let mut outcomes: HashMap<&str, usize> = HashMap::new();
    let (mut decided, mut compensated, mut upheld_or_partial, mut themed, mut closed) = (0, 0, 0, 0, 0);
    for r in recs.iter().filter(|r| is_complaint(r)) {
        let s = stage(r).unwrap() as usize;
        let (respond, max_ext) = if s == 1 { (10, 10) } else { (20, 20) };
        let received = date(&r[F_RECEIVED]).unwrap();
        let ack_due = cal.add_working_days(received, 5).unwrap();
        let e = &mut by_stage[s];
        e.5 += 1;
        if let Some(ack) = date(&r[F_ACK]) {
            e.0 += 1;
            e.1 += usize::from(ack <= ack_due);
        }
        let clock = date(&r[F_ACK]).map_or(ack_due, |a| a.min(ack_due));
        let due = cal.add_working_days(clock, respond).unwrap();
        let cap = cal.add_working_days(due, max_ext).unwrap();
        let revised = date(&r[F_REVISED]);
        e.4 += usize::from(revised.is_some());
        e.6 += usize::from(revised.is_some_and(|d| d > cap));
        let due = revised.map_or(due, |d| d.max(due).min(cap));
        if let Some(resp) = date(&r[F_RESPONDED]) {
            if r[F_OUTCOME] != "Withdrawn" && r[F_OUTCOME] != "Refused" {
                e.2 += 1;
                e.3 += usize::from(resp <= due);
            }
        }
        if s == 1 && !r[F_OUTCOME].is_empty() {
            let o = r[F_OUTCOME].to_lowercase().replace(['_', '-'], " ").replace("partly", "partially");
            *outcomes
                .entry(match o.as_str() {
                    "upheld" => "upheld",
                    "partially upheld" => "partial",
                    "not upheld" => "not upheld",
                    "withdrawn" => "withdrawn",
                    "refused" => "refused",
                    other => panic!("outcome {other}"),
                })
                .or_insert(0) += 1;
            decided += 1;
            assert_eq!(r[F_REFUSAL].is_empty(), r[F_OUTCOME] != "Refused");
        }
        if !r[F_OUTCOME].is_empty() {
            closed += 1;
            themed += usize::from(!r[F_THEME].is_empty());
            if o_is_upheld_or_partial(&r[F_OUTCOME]) {
                upheld_or_partial += 1;
                compensated += usize::from(!r[F_COMP].is_empty());
            }
        } else {
            assert!(r[F_THEME].is_empty() && r[F_COMP].is_empty());
        }
    }
    let pct = |a: usize, b: usize| a as f64 / b as f64;
    let s1 = by_stage[1];
    let s2 = by_stage[2];
    let report = format!("stage 1 {s1:?}, stage 2 {s2:?}, outcomes {outcomes:?}");
    assert!((0.90..0.96).contains(&pct(s1.1, s1.0)), "s1 ack {report}");
    assert!((0.76..0.84).contains(&pct(s1.3, s1.2)), "s1 on time {report}");
    assert!((0.70..0.80).contains(&pct(s2.3, s2.2)), "s2 on time {report}");
    assert!((0.06..0.10).contains(&pct(s1.4, s1.5)), "s1 extended {report}");
    assert!((0.075..0.125).contains(&pct(s2.4, s2.5)), "s2 extended {report}");
    assert_eq!(s1.6 + s2.6, 0, "no extension beyond the maximum without faults: {report}");
    for (o, want, tol) in [
        ("upheld", 0.35, 0.02),
        ("partial", 0.25, 0.02),
        ("not upheld", 0.35, 0.02),
        ("withdrawn", 0.04, 0.015),
        ("refused", 0.015, 0.006),
    ] {
        let got = pct(outcomes[o], decided);
        assert!((got - want).abs() < tol, "{o}: {got} ({report})");
    }
    let comp = pct(compensated, upheld_or_partial);
    assert!((0.17..0.26).contains(&comp), "compensation share {comp}");
    let themes = pct(themed, closed);
    assert!((0.70..0.80).contains(&themes), "learning theme share {themes}");
}

fn o_is_upheld_or_partial(o: &str) -> bool {
    let o = o.to_lowercase();
    o == "upheld" || o.starts_with("partial") || o.starts_with("partly")
}

#[test]
fn compensation_formats_vary() {
    let (dir, _) = gen(40_000, 9, 0.0);
    let recs = records(dir.path());
    let comps: Vec<&str> = recs.iter().map(|r| r[F_COMP].as_str()).filter(|c| !c.is_empty()).collect();
    assert!(comps.iter().all(|c| amount_ok(c)));
    assert!(comps.iter().any(|c| c.starts_with('£') && c.ends_with(".00")));
    assert!(comps.iter().any(|c| c.starts_with('£') && c.contains(',')));
    assert!(comps.iter().any(|c| !c.starts_with('£')));
    let upheld = recs.iter().filter(|r| r[F_OUTCOME] == "UPHELD").count();
    let partly = recs.iter().filter(|r| r[F_OUTCOME] == "partly_upheld").count();
    let hyphen = recs.iter().filter(|r| r[F_OUTCOME] == "Not-Upheld").count();
    assert!(upheld > 0 && partly > 0 && hyphen > 0);
}

#[test]
fn warnings_appear_at_about_the_fault_rate() {
    let rows = 50_000;
    let (dir, _) = gen(rows, 10, 0.01);
    let recs = records(dir.path());
    let cal = Calendar::embedded(Division::EnglandAndWales, &closure_days()).unwrap();
    let mut no_ack = 0;
    let mut beyond = 0;
    for r in recs.iter().filter(|r| is_complaint(r) && fault_of(r).is_none()) {
        let Some(received) = date(&r[F_RECEIVED]) else {
            continue;
        };
        if r[F_ACK].is_empty() && !r[F_RESPONDED].is_empty() {
            no_ack += 1;
        }
        if let Some(rev) = date(&r[F_REVISED]) {
            let max = if stage(r) == Some(2) { 20 } else { 10 };
            let respond = max;
            let ack_due = cal.add_working_days(received, 5).unwrap();
            let clock = date(&r[F_ACK]).map_or(ack_due, |a| a.min(ack_due));
            let due = cal.add_working_days(clock, respond).unwrap();
            beyond += usize::from(rev > cal.add_working_days(due, max).unwrap());
        }
    }
    let per = |n: usize| n as f64 / rows as f64;
    assert!((0.003..0.007).contains(&per(no_ack)), "responded without ack {}", per(no_ack));
    assert!((0.003..0.007).contains(&per(beyond)), "extension beyond maximum {}", per(beyond));
}

#[test]
fn tiny_and_empty_runs() {
    for rows in [0, 1, 10, 100] {
        let (dir, summary) = gen(rows, 11, 0.5);
        assert_eq!(summary.rows, rows);
        assert_eq!(records(dir.path()).len(), rows);
        let toml = std::fs::read_to_string(dir.path().join("landlord.toml")).unwrap();
        assert!(!toml.contains("{{"));
    }
}

#[test]
fn landlord_homes_scale_to_forty_complaints_per_thousand() {
    let (dir, _) = gen(50_000, 12, 0.004);
    let recs = records(dir.path());
    let toml = std::fs::read_to_string(dir.path().join("landlord.toml")).unwrap();
    assert!(!toml.contains("{{"));
    // Only the placeholders changed.
    let template_lines: Vec<&str> = LANDLORD_TEMPLATE.lines().collect();
    let lines: Vec<&str> = toml.lines().collect();
    assert_eq!(template_lines.len(), lines.len());
    let changed: Vec<_> = template_lines.iter().zip(&lines).filter(|(a, b)| a != b).collect();
    // The three homes lines and the size band.
    assert_eq!(changed.len(), 4);
    // About 500,000 homes: the Regulator's top band.
    assert!(
        toml.contains("peer_attributes = { landlord_type = \"PRP\", size_band = \">40,000\" }"),
        "{toml}"
    );
    let homes = |fy: &str| -> (f64, f64) {
        let line = lines.iter().find(|l| l.starts_with(&format!("\"{fy}\""))).unwrap();
        let num = |key: &str| -> f64 {
            let rest = &line[line.find(key).unwrap() + key.len()..];
            rest.trim_start_matches([' ', '='])
                .split(|c: char| !c.is_ascii_digit())
                .next()
                .unwrap()
                .parse()
                .unwrap()
        };
        (num("lcra"), num("lcho"))
    };
    let mut previous_total = 0.0;
    let mut previous_share = 0.0;
    for (fy, from, to) in
        [("2024-25", ymd(2024, 4, 1), ymd(2025, 3, 31)), ("2025-26", ymd(2025, 4, 1), ymd(2026, 3, 31))]
    {
        let (lcra, lcho) = homes(fy);
        let total = lcra + lcho;
        assert!(total > previous_total && lcho / total > previous_share);
        assert!((lcho / total - 0.07).abs() < 0.005);
        previous_total = total;
        previous_share = lcho / total;
        let complaints = recs
            .iter()
            .filter(|r| is_complaint(r) && date(&r[F_RECEIVED]).is_some_and(|d| d >= from && d <= to))
            .count() as f64;
        let per_1000 = complaints / total * 1000.0;
        assert!((34.0..46.0).contains(&per_1000), "{fy}: {per_1000} per 1,000 homes");
    }
}
