//! The sector comparison as the outputs show it: the `benchmarks` section of
//! `metrics.json`, and the tables and sentences the annual and SMT reports
//! share. The Customer Assembly report words it in its own template from
//! [`super::assembly::SectorComparison`].

use serde::Serialize;
use serde_json::json;

use super::views::{Cell, Table};
use crate::format;
use crate::metrics::benchmarks::{
    AttributesFrom, Benchmarks, Compared, NotPlaced, Placed, Standing, DIRECTION_RULE, RELEASE_RULE,
};
use crate::sector::{
    round_half_up, Agreement, Figure, Judgement, Measure, TsmCode, AGREEMENT_RULE, QUARTILE_METHOD,
};

/// What the Regulator's data is, and the attribution its licence asks for.
pub const SOURCE: &str = "Regulator of Social Housing, Tenant Satisfaction Measures: full data";
pub const LICENCE: &str =
    "Contains public sector information licensed under the Open Government Licence v3.0. © Crown copyright.";

/// How the release a run compares with is named: "the sector's 2024-25
/// figures", and ", the latest given" when it is not the run's own year.
pub fn release_label(b: &Benchmarks) -> Option<String> {
    b.release.as_ref().map(|c| {
        let latest = if c.covers_run_year { "" } else { ", the latest given" };
        format!("the sector's {} figures{latest}", c.source.year)
    })
}

/// Why nothing is compared: no release covers the run's year or an earlier one.
pub fn no_release_statement(b: &Benchmarks) -> String {
    let given: Vec<String> = b.given.iter().map(|s| s.year.to_string()).collect();
    let given = match given.as_slice() {
        [] => "none was given ([benchmarks] tsm_files in the configuration)".to_string(),
        [one] => format!("the one given ([benchmarks] tsm_files) is for {one}"),
        many => format!("those given ([benchmarks] tsm_files) are for {}", many.join(", ")),
    };
    format!(
        "These figures are not compared with other landlords': no release of the Regulator's Tenant Satisfaction Measures covers {} or an earlier year ({given}).",
        b.year
    )
}

/// A TSM value as published: "33.6 per 1,000 homes", "74.7%".
fn shown(measure: Measure, value: f64) -> String {
    match measure.code() {
        TsmCode::Ch01 => format!("{} per 1,000 homes", bare(measure, value)),
        _ => bare(measure, value),
    }
}

/// A value without "per 1,000 homes", for a range beside one that has it.
fn bare(measure: Measure, value: f64) -> String {
    let v = format::one_place(round_half_up(value, 1));
    match measure.code() {
        TsmCode::Ch01 => v,
        _ => format!("{v}%"),
    }
}

/// How a value was made: "1,097 ÷ 32,639 homes × 1,000", "763 of 1,021".
fn working(measure: Measure, numerator: f64, denominator: f64) -> String {
    let (n, d) = (format::count(numerator), format::count(denominator));
    match measure.code() {
        TsmCode::Ch01 => format!("{n} ÷ {d} homes × 1,000"),
        _ => format!("{n} of {d}"),
    }
}

/// "CH02 stage 1, LCRA".
pub fn figure_name(c: &Compared) -> String {
    format!("{}, {}", c.measure, c.stock)
}

/// Where a figure stands, in words that never call CH01 better or worse.
pub fn standing_words(standing: Standing, measure: Measure, whom: &str) -> String {
    let (up, down) = if measure.direction() == crate::sector::Direction::HigherIsBetter {
        ("better", "worse")
    } else {
        ("higher", "lower")
    };
    match standing {
        Standing::AboveUpperQuartile => format!("upper quartile: {up} than three in four {whom}"),
        Standing::AboveMedian => format!("above the median: {up} than half of {whom}"),
        Standing::AtMedian => format!("at the median of {whom}"),
        Standing::BelowMedian => format!("below the median: {down} than half of {whom}"),
        Standing::BelowLowerQuartile => format!("lower quartile: {down} than three in four {whom}"),
    }
}

/// `missing` says why there is no distribution, when there is none.
fn median_cell(measure: Measure, placed: Option<&Placed>, missing: &str) -> Cell {
    match placed {
        None => Cell { text: "–".into(), working: Some(missing.into()), numeric: true },
        Some(p) => {
            let d = p.distribution;
            Cell {
                text: shown(measure, d.median),
                working: Some(format!(
                    "quartiles {} to {}; {} landlords",
                    bare(measure, d.lower_quartile),
                    bare(measure, d.upper_quartile),
                    format::count(d.count as f64)
                )),
                numeric: true,
            }
        }
    }
}

fn position_cell(c: &Compared, placed: Option<&Placed>, whom: &str) -> Cell {
    let text = match (placed.and_then(|p| p.standing), c.not_placed) {
        (Some(s), _) => standing_words(s, c.measure, whom),
        (None, Some(NotPlaced::YearToDate)) => "not placed: a count of the year so far".to_string(),
        (None, Some(why)) => format!("not placed: {}", why.reason()),
        (None, None) => "–".to_string(),
    };
    Cell::text(text)
}

fn own_cell(c: &Compared) -> Cell {
    match c.own.value {
        Some(v) => Cell {
            text: shown(c.measure, v),
            working: Some(working(c.measure, c.own.numerator, c.own.denominator)),
            numeric: true,
        },
        None => {
            let why = c.own.note.as_deref().unwrap_or("the denominator is 0");
            Cell { text: "–".into(), working: Some(format!("no figure: {why}")), numeric: true }
        }
    }
}

/// What the annual and SMT reports say when the peer group compares no
/// attribute: the rule the comparison used, and the setting that changes it.
pub const EVERY_LANDLORD: &str =
    "No peer group is set: [benchmarks] peer_group compares none of landlord type, \
     size band and region, so every figure is compared with all landlords. Setting any of them to true in \
     [benchmarks] peer_group adds a comparison with similar landlords.";

/// Each figure against the peer group's and all landlords' quartiles; against
/// all landlords' alone when the peer group is every landlord.
pub fn comparison_table(b: &Benchmarks, ours: &str) -> Table {
    let label = release_label(b).unwrap_or_default();
    let peer_columns = !b.peers.is_every_landlord();
    let columns: &[(&str, bool)] = if peer_columns {
        &[
            ("Ours", true),
            ("Similar landlords: median", true),
            ("Position among similar landlords", false),
            ("All landlords: median", true),
            ("Position among all landlords", false),
        ]
    } else {
        &[("Ours", true), ("All landlords: median", true), ("Position among all landlords", false)]
    };
    let mut t =
        Table::new(format!("Tenant Satisfaction Measures, {ours}, against {label}"), "Measure", columns);
    let no_peers = match b.peers.problem {
        Some(_) => "no group of similar landlords could be formed",
        None => "no similar landlord published it",
    };
    for c in &b.figures {
        let mut cells = vec![own_cell(c)];
        if peer_columns {
            cells.push(median_cell(c.measure, c.peers.as_ref(), no_peers));
            cells.push(position_cell(c, c.peers.as_ref(), "similar landlords"));
        }
        cells.push(median_cell(c.measure, c.sector.as_ref(), "no landlord published it"));
        cells.push(position_cell(c, c.sector.as_ref(), "landlords"));
        t.row(figure_name(c), cells);
    }
    t.empty = "None of our figures is also in the release.".into();
    t
}

fn published_cell(measure: Measure, f: &Figure) -> Cell {
    match f.value {
        Some(v) => Cell {
            text: shown(measure, v),
            working: Some(match (f.numerator, f.denominator) {
                (Some(n), Some(d)) => working(measure, n, d),
                // A weighted TP09, say: the release gives the percentage alone.
                _ => "published as a percentage alone, without its counts".into(),
            }),
            numeric: true,
        },
        None => Cell {
            text: f.missing.value.and_then(|m| m.marker()).unwrap_or_else(|| "–".into()),
            working: Some("not published".into()),
            numeric: true,
        },
    }
}

/// "Agrees", or "Differs" with what differs; the flag a reader looks for.
fn agreement_cell(measure: Measure, agreement: &Agreement) -> Cell {
    match agreement {
        Agreement::Equal => Cell::text("Agrees"),
        Agreement::Differs(d) => {
            let mut parts =
                vec![format!("published {}, ours {}", shown(measure, d.published), shown(measure, d.own))];
            if let Some((p, o)) = d.numerator {
                parts.push(format!("numerator {} against our {}", format::count(p), format::count(o)));
            }
            if let Some((p, o)) = d.denominator {
                parts.push(format!("denominator {} against our {}", format::count(p), format::count(o)));
            }
            Cell {
                text: "Differs: a restatement or a counting difference worth explaining".into(),
                working: Some(parts.join("; ")),
                numeric: false,
            }
        }
        Agreement::NotComparable(why) => Cell::text(format!("Not compared: {why}")),
    }
}

/// The landlord's own published figures beside ours, when the release for
/// the run's year has the landlord's code.
pub fn published_table(b: &Benchmarks) -> Option<Table> {
    let landlord = b.landlord.as_ref()?;
    let name = landlord.name.as_ref()?;
    let rows: Vec<&Compared> = b.figures.iter().filter(|c| c.published.is_some()).collect();
    if rows.is_empty() {
        return None;
    }
    let year = b.release.as_ref().map(|c| c.source.year.to_string()).unwrap_or_default();
    let mut t = Table::new(
        format!("Our figures beside those the Regulator published for {name} ({}) for {year}", landlord.code),
        "Measure",
        &[("Published", true), ("Ours", true), ("Agreement", false)],
    );
    for c in rows {
        let p = c.published.as_ref().expect("filtered on published");
        t.row(
            figure_name(c),
            vec![published_cell(c.measure, &p.figure), own_cell(c), agreement_cell(c.measure, &p.agreement)],
        );
    }
    Some(t)
}

/// The sector comparison as the annual and SMT reports lay it out.
#[derive(Debug, Clone, Serialize)]
pub struct SectorView {
    /// None when no release serves the year: `statement` says so.
    pub table: Option<Table>,
    pub statement: Option<String>,
    pub intro: Vec<String>,
    pub published: Option<Table>,
    /// Why the landlord's published figures are not shown, when a code is
    /// configured but they are not.
    pub published_note: Option<String>,
    /// (term, sentence) pairs: the rules behind the table.
    pub rules: Vec<(String, String)>,
}

/// `ours` names the period our figures cover ("2024-25", "2026-27 to date").
pub fn view(b: &Benchmarks, ours: &str) -> SectorView {
    let Some(chosen) = &b.release else {
        return SectorView {
            table: None,
            statement: Some(no_release_statement(b)),
            intro: Vec::new(),
            published: None,
            published_note: None,
            rules: vec![("Choice of release".into(), RELEASE_RULE.into())],
        };
    };
    let label = release_label(b).unwrap_or_default();
    let mut intro = vec![format!(
        "Each figure is set beside the same measure as the Regulator of Social Housing published it for every landlord with 1,000 homes or more: {label}, from {}.",
        chosen.source.file
    )];
    if !chosen.covers_run_year {
        intro.push(format!(
            "No release for {} was given, so our {ours} figures are compared with {}'s.",
            b.year, chosen.source.year
        ));
    }
    let peers = &b.peers;
    intro.push(match (&peers.problem, peers.attributes_from) {
        _ if peers.is_every_landlord() => EVERY_LANDLORD.to_string(),
        (Some(problem), _) => format!("No group of similar landlords could be formed: {problem}."),
        (None, AttributesFrom::Release) => {
            format!("Similar landlords: {}, as the release describes us.", peers.description)
        }
        (None, AttributesFrom::Config) => {
            format!("Similar landlords: {}, as our own settings describe us.", peers.description)
        }
        (None, _) => format!("Similar landlords: {}.", peers.description),
    });
    if b.year_to_date {
        intro.push(format!(
            "Our figures are for the year so far, to {}; the sector's are for whole years. CH01 counts the complaints of the year so far, so it is not placed among whole-year figures.",
            format::uk_date(b.to)
        ));
    }
    let published = published_table(b);
    let published_note = match (&b.landlord, published.is_some()) {
        (Some(_), true) | (None, _) => None,
        (Some(l), false) if l.name.is_none() => Some(format!(
            "Landlord {} is not in the {} release, so no published figure is set beside ours.",
            l.code, chosen.source.year
        )),
        (Some(l), false) if !chosen.covers_run_year => Some(format!(
            "The release is for {}, not {}, so the figures published for {} are not set beside ours.",
            chosen.source.year, b.year, l.code
        )),
        (Some(l), false) => Some(format!("The release publishes none of our figures for {}.", l.code)),
    };
    let mut rules = vec![
        ("Position".to_string(), DIRECTION_RULE.to_string()),
        ("Quartiles".to_string(), QUARTILE_METHOD.to_string()),
        ("Choice of release".to_string(), RELEASE_RULE.to_string()),
    ];
    if published.is_some() {
        rules.push(("Agreement".to_string(), AGREEMENT_RULE.to_string()));
    }
    rules.push((
        "Source".to_string(),
        // The checksum is in metrics.json and run.json: 64 characters with
        // nowhere to break would make a phone scroll sideways.
        format!("{SOURCE}, {} ({}). {LICENCE}", chosen.source.year, chosen.source.file),
    ));
    SectorView {
        table: Some(comparison_table(b, ours)),
        statement: None,
        intro,
        published,
        published_note,
        rules,
    }
}

/// The `benchmarks` section of `metrics.json`: every figure with both
/// distributions, its position, the published figure and the agreement, and
/// the rules and the source behind them.
pub fn json(b: &Benchmarks) -> serde_json::Value {
    let placed = |p: &Option<Placed>| {
        p.as_ref().map(|p| {
            json!({
                "count": p.distribution.count,
                "lower_quartile": p.distribution.lower_quartile,
                "median": p.distribution.median,
                "upper_quartile": p.distribution.upper_quartile,
                "position": p.standing,
                "judgement": p.judgement.map(|j| match j {
                    Judgement::Better => "better",
                    Judgement::Worse => "worse",
                }),
            })
        })
    };
    let figures: Vec<serde_json::Value> = b
        .figures
        .iter()
        .map(|c| {
            json!({
                "measure": c.measure.code(),
                "stage": c.measure.stage(),
                "stock_type": c.stock.label(),
                "own": c.own,
                "all": placed(&c.sector),
                "peers": placed(&c.peers),
                "not_placed": c.not_placed,
                "published": c.published.as_ref().map(|p| json!({
                    "value": p.figure.value,
                    "numerator": p.figure.numerator,
                    "denominator": p.figure.denominator,
                    "missing": p.figure.missing,
                    "rounding": p.rounding.to_string(),
                    "agreement": agreement_json(&p.agreement),
                })),
            })
        })
        .collect();
    let source = |s: &crate::metrics::benchmarks::Source| json!({"file": s.file, "path": s.path, "sha256": s.sha256, "year": s.year.to_string()});
    json!({
        "year": b.year.to_string(),
        "to": b.to,
        "year_to_date": b.year_to_date,
        "releases_given": b.given.iter().map(source).collect::<Vec<_>>(),
        "release": b.release.as_ref().map(|c| {
            let mut v = source(&c.source);
            v["covers_run_year"] = json!(c.covers_run_year);
            v["label"] = json!(release_label(b));
            v
        }),
        "statement": b.release.is_none().then(|| no_release_statement(b)),
        "source": SOURCE,
        "licence": LICENCE,
        "peer_group": {
            "compares": b.peers.group,
            "attributes": b.peers.attributes,
            "attributes_from": b.peers.attributes_from,
            "description": b.peers.description,
            "problem": b.peers.problem,
        },
        "landlord": b.landlord.as_ref().map(|l| json!({"code": l.code, "name": l.name, "in_release": l.name.is_some()})),
        "rules": {
            "release": RELEASE_RULE,
            "quartiles": QUARTILE_METHOD,
            "position": DIRECTION_RULE,
            "agreement": AGREEMENT_RULE,
        },
        "figures": figures,
    })
}

fn agreement_json(a: &Agreement) -> serde_json::Value {
    match a {
        Agreement::Equal => json!({"status": "equal"}),
        Agreement::Differs(d) => json!({
            "status": "differs",
            "note": "a restatement or a counting difference worth explaining",
            "published": d.published,
            "own": d.own,
            "numerator": d.numerator.map(|(p, o)| json!({"published": p, "own": o})),
            "denominator": d.denominator.map(|(p, o)| json!({"published": p, "own": o})),
        }),
        Agreement::NotComparable(why) => json!({"status": "not_comparable", "reason": why}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::benchmarks::Own;
    use crate::sector::Stock;

    #[test]
    fn ch01_is_higher_or_lower_never_better_or_worse() {
        for s in [
            Standing::AboveUpperQuartile,
            Standing::AboveMedian,
            Standing::AtMedian,
            Standing::BelowMedian,
            Standing::BelowLowerQuartile,
        ] {
            for m in [Measure::Ch01Stage1, Measure::Ch01Stage2] {
                let words = standing_words(s, m, "landlords");
                assert!(!words.contains("better") && !words.contains("worse"), "{words}");
            }
        }
        assert_eq!(
            standing_words(Standing::AboveUpperQuartile, Measure::Ch01Stage1, "landlords"),
            "upper quartile: higher than three in four landlords"
        );
        assert_eq!(
            standing_words(Standing::AboveUpperQuartile, Measure::Ch02Stage1, "similar landlords"),
            "upper quartile: better than three in four similar landlords"
        );
        assert_eq!(
            standing_words(Standing::BelowLowerQuartile, Measure::Tp09, "landlords"),
            "lower quartile: worse than three in four landlords"
        );
    }

    fn compared(own: Own) -> Compared {
        Compared {
            measure: Measure::Ch01Stage1,
            stock: Stock::Lcra,
            own,
            sector: None,
            peers: None,
            not_placed: None,
            published: None,
        }
    }

    #[test]
    fn our_missing_figure_says_why_as_tsm_csv_does() {
        let no_homes = Own {
            value: None,
            numerator: 4.0,
            denominator: 0.0,
            note: Some("no homes of this stock type in [homes] for 2025-26".into()),
        };
        assert_eq!(
            own_cell(&compared(no_homes)).working.as_deref(),
            Some("no figure: no homes of this stock type in [homes] for 2025-26")
        );
        let no_note = Own { value: None, numerator: 0.0, denominator: 0.0, note: None };
        assert_eq!(own_cell(&compared(no_note)).working.as_deref(), Some("no figure: the denominator is 0"));
        let shown = Own { value: Some(3.3), numerator: 4.0, denominator: 1200.0, note: None };
        assert_eq!(own_cell(&compared(shown)).working.as_deref(), Some("4 ÷ 1,200 homes × 1,000"));
    }

    #[test]
    fn a_figure_not_placed_says_why_in_the_table_and_in_metrics_json() {
        let mut c = compared(Own { value: None, numerator: 0.0, denominator: 0.0, note: None });
        let position = |c: &Compared| position_cell(c, None, "landlords").text;
        c.not_placed = Some(NotPlaced::NoFigure);
        assert_eq!(position(&c), "not placed: we have no figure for it");
        c.not_placed = Some(NotPlaced::YearToDate);
        assert_eq!(position(&c), "not placed: a count of the year so far");
        c.not_placed = None;
        assert_eq!(position(&c), "–");
        assert_eq!(serde_json::to_value(NotPlaced::NoFigure).unwrap(), "we have no figure for it");
    }

    #[test]
    fn a_published_percentage_without_counts_says_so() {
        let alone =
            Figure { value: Some(71.3), numerator: None, denominator: None, missing: Default::default() };
        let cell = published_cell(Measure::Tp09, &alone);
        assert_eq!(cell.text, "71.3%");
        assert_eq!(cell.working.as_deref(), Some("published as a percentage alone, without its counts"));
        let counted = Figure { value: Some(75.0), numerator: Some(3.0), denominator: Some(4.0), ..alone };
        assert_eq!(published_cell(Measure::Tp09, &counted).working.as_deref(), Some("3 of 4"));
    }

    fn benchmarks(group: crate::sector::PeerGroup) -> Benchmarks {
        use crate::metrics::benchmarks::{Chosen, Peers, Source};
        use crate::period::FinancialYear;
        let d =
            crate::sector::Distribution { count: 4, lower_quartile: 1.75, median: 2.5, upper_quartile: 3.25 };
        let placed = Placed { distribution: d, standing: Some(Standing::AboveMedian), judgement: None };
        let own = Own { value: Some(3.0), numerator: 3.0, denominator: 1000.0, note: None };
        let source = Source {
            path: "r.xlsx".into(),
            file: "r.xlsx".into(),
            sha256: String::new(),
            year: FinancialYear(2024),
        };
        Benchmarks {
            year: FinancialYear(2024),
            to: chrono::NaiveDate::from_ymd_opt(2025, 3, 31).unwrap(),
            year_to_date: false,
            given: vec![source.clone()],
            release: Some(Chosen { source, covers_run_year: true }),
            peers: Peers {
                group,
                attributes: Default::default(),
                attributes_from: AttributesFrom::None,
                description: String::new(),
                problem: None,
            },
            landlord: None,
            figures: vec![Compared { sector: Some(placed.clone()), peers: Some(placed), ..compared(own) }],
        }
    }

    #[test]
    fn a_peer_group_of_every_landlord_is_not_shown_twice() {
        use crate::sector::PeerGroup;
        let every = benchmarks(PeerGroup::SECTOR);
        let t = comparison_table(&every, "2024-25");
        assert_eq!(t.columns, ["Measure", "Ours", "All landlords: median", "Position among all landlords"]);
        assert_eq!((t.numeric.len(), t.rows[0].cells.len()), (3, 3));
        let intro = view(&every, "2024-25").intro;
        assert!(intro.iter().any(|p| p == EVERY_LANDLORD), "{intro:?}");
        assert!(!intro.iter().any(|p| p.starts_with("Similar landlords")), "{intro:?}");

        let similar = benchmarks(PeerGroup::default());
        let t = comparison_table(&similar, "2024-25");
        assert_eq!(t.columns[2..4], ["Similar landlords: median", "Position among similar landlords"]);
        assert_eq!((t.numeric.len(), t.rows[0].cells.len()), (5, 5));
        assert!(!view(&similar, "2024-25").intro.iter().any(|p| p == EVERY_LANDLORD));
    }

    #[test]
    fn values_are_shown_as_the_release_rounds_them() {
        // 70.05 is held as 70.04999… in binary; the Regulator rounds half up.
        assert_eq!(shown(Measure::Ch02Stage1, 1401.0 / 2000.0 * 100.0), "70.1%");
        assert_eq!(shown(Measure::Ch01Stage1, 41.5), "41.5 per 1,000 homes");
        assert_eq!(shown(Measure::Ch02Stage1, 66.175), "66.2%");
        assert_eq!(shown(Measure::Tp09, 35.5), "35.5%");
    }
}
