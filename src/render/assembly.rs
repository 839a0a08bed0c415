//! The Customer Assembly report: the quarter for the tenants' panel, in
//! plain English. Counts below the small-number threshold are never shown as
//! numbers; quoted learning is screened for personal data, and what the
//! screen holds back goes to a review file for the analyst, not the report.
//! Every word a reader sees is in the template, so the report can be
//! translated there.

use std::collections::HashMap;

use serde::Serialize;

use crate::config::CustomerAssemblyConfig;
use crate::format;
use crate::metrics::benchmarks::{Benchmarks, Standing};
use crate::metrics::{Figure, LearningAction, Rag, Results, ThemeRow};
use crate::screen::{Reason, Screening};
use crate::sector::{Stock, TsmCode};

/// A count as residents see it: the number, or only that it is small.
#[derive(Debug, Clone, Serialize)]
pub struct Count {
    pub text: String,
    pub suppressed: bool,
}

fn count(n: f64, threshold: u32) -> Count {
    if n < f64::from(threshold) && n > 0.0 {
        Count { text: String::new(), suppressed: true }
    } else {
        Count { text: format::count(n), suppressed: false }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub received: Count,
    pub stage2: Count,
    pub responded: Count,
    /// On time, as "N in every 10"; None when too few responses to say.
    pub on_time_in_ten: Option<i64>,
    /// Of which the "in every 10" is made: stage 1 and 2 answers on time,
    /// and all of them.
    pub on_time: Count,
    pub answered: Count,
    /// What "on time" meant, for the sentence that says so.
    pub promise: Promise,
    pub previous_on_time_in_ten: Option<i64>,
    /// "better", "worse", "a little better" or "a little worse" (a change
    /// the "in every 10" rounding hides), "same" or "unknown", for the
    /// template's wording.
    pub trend: &'static str,
    /// The change under which the trend is "same", as the report words it
    /// ("2 in every 100").
    pub same_within: String,
}

/// The landlord's response timescales in working days, for the report's
/// "on time means" sentence.
#[derive(Debug, Clone, Serialize)]
pub struct Promise {
    pub stage1_days: Option<u32>,
    /// The stage 1 clock starts at receipt, not the acknowledgement.
    pub stage1_from_receipt: bool,
    /// None in a one-stage process, whose report says nothing of a stage 2.
    pub stage2_days: Option<u32>,
    pub stage2_from_receipt: bool,
}

impl Promise {
    fn of(ts: &crate::config::Timescales) -> Promise {
        let from_receipt = |stage| ts.stage(stage).clock_starts == crate::config::ClockStart::Receipt;
        Promise {
            stage1_days: ts.stage(1).respond,
            stage1_from_receipt: from_receipt(1),
            stage2_days: (ts.complaint.stages == 2).then(|| ts.stage(2).respond).flatten(),
            stage2_from_receipt: from_receipt(2),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Status {
    /// A figure id such as `stage1_on_time_pct`; the template words it.
    pub id: String,
    pub status: Rag,
    /// The figure as the other reports give it ("82.5%", "11.1"), and of
    /// how many; None when it would give a small count away
    /// ([`gives_away`]: a mean only needs the threshold behind it).
    pub value: Option<String>,
    pub part: Count,
    pub whole: Count,
    /// "82.5%", "10.0"; `better` is "higher" or "lower".
    pub target: String,
    pub better: crate::metrics::Better,
    /// "mean" figures are working days on average, which the report says.
    pub unit: Option<crate::metrics::Unit>,
    /// The figure's name, for a measure the template has no words of its own for.
    pub label: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Theme {
    pub theme: String,
    pub count: Count,
    pub actions: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Area {
    pub area: String,
    pub count: Count,
    pub other: bool,
}

/// Satisfaction with complaint handling, from the survey export.
#[derive(Debug, Clone, Serialize)]
pub struct Satisfaction {
    pub surveyed: Count,
    /// Satisfied, as "N in every 10"; None when too few surveys to say.
    pub in_ten: Option<i64>,
    /// Of `surveyed`, the scores of 4 or 5 out of 5.
    pub satisfied: Count,
}

/// What the Housing Ombudsman found in the quarter, from its export.
#[derive(Debug, Clone, Serialize)]
pub struct OmbudsmanFindings {
    /// Findings on the merits (the maladministration rate's denominator).
    pub findings: Count,
    /// Findings of severe maladministration, maladministration or service failure.
    pub failings: Count,
}

/// Which of the exports that refer to cases the run read.
#[derive(Debug, Clone, Copy)]
pub struct LinkedExports {
    pub surveys: bool,
    pub ombudsman: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Assembly {
    pub threshold: u32,
    pub summary: Summary,
    pub went_well: Vec<Status>,
    pub needs_work: Vec<Status>,
    pub themes: Vec<Theme>,
    pub free_text: bool,
    pub areas: Vec<Area>,
    /// Complaints about services not named in the table (each fewer than
    /// the threshold, or beyond the top five).
    pub other_services: Option<Count>,
    pub compensation: Option<String>,
    pub compensation_cases: Count,
    /// None when no survey export was read.
    pub satisfaction: Option<Satisfaction>,
    /// None when no Ombudsman export was read.
    pub ombudsman_findings: Option<OmbudsmanFindings>,
    pub how_to_complain: Option<String>,
    pub ombudsman: Option<String>,
    /// How we compare with other landlords; None without `[benchmarks]`.
    pub sector: Option<SectorComparison>,
}

/// Where our Tenant Satisfaction Measures stand among other landlords', as
/// figures and keys only: the template words every one.
#[derive(Debug, Clone, Serialize)]
pub struct SectorComparison {
    /// A release covers this year or an earlier one.
    pub available: bool,
    /// The year of the other landlords' figures, "2024-25".
    pub release_year: String,
    /// The release is for an earlier year than ours: the latest we have.
    pub latest_given: bool,
    /// Compared with a group of similar landlords (else with all landlords),
    /// and what makes them similar.
    pub similar: bool,
    pub same_type: bool,
    pub same_size: bool,
    pub same_region: bool,
    pub items: Vec<SectorItem>,
    /// Some figures rest on fewer than the threshold of complaints or
    /// answers, so they are not compared.
    pub held_back: bool,
    /// The number of complaints is compared only once the year is over.
    pub complaints_after_year_end: bool,
    /// A figure about the number of complaints is shown, so the template
    /// says why more or fewer is not simply better or worse.
    pub has_complaints: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct SectorItem {
    /// The template words each measure's sentence, and whose homes it is
    /// about (LCRA: tenants who rent; LCHO: shared owners).
    pub measure: TsmCode,
    /// 1 or 2; None for TP09.
    pub stage: Option<u8>,
    pub stock: Stock,
    /// How many landlords we are compared with.
    pub landlords: String,
    pub standing: Standing,
}

/// The sector comparison for the tenants' panel: the peer group's figures
/// where there is a peer group, and only figures with at least `threshold`
/// complaints or answers behind them (as every other figure of the report),
/// among at least `threshold` landlords.
pub fn sector_comparison(b: &Benchmarks, threshold: u32) -> SectorComparison {
    let t = f64::from(threshold);
    let similar = b.peers.similar();
    let mut held_back = false;
    let mut complaints_after_year_end = false;
    let mut items = Vec::new();
    for c in &b.figures {
        let measure = c.measure.code();
        // CH01's denominator is homes; the people behind it are the complaints.
        let people = if measure == TsmCode::Ch01 { c.own.numerator } else { c.own.denominator };
        let placed = if similar { c.peers.as_ref() } else { c.sector.as_ref() };
        let Some((placed, standing)) = placed.and_then(|p| Some((p, p.standing?))) else {
            complaints_after_year_end |= measure == TsmCode::Ch01 && b.year_to_date;
            continue;
        };
        if people < t || (placed.distribution.count as f64) < t {
            held_back = true;
            continue;
        }
        items.push(SectorItem {
            measure,
            stage: c.measure.stage(),
            stock: c.stock,
            landlords: format::count(placed.distribution.count as f64),
            standing,
        });
    }
    SectorComparison {
        available: b.release.is_some(),
        release_year: b.release.as_ref().map(|c| c.source.year.to_string()).unwrap_or_default(),
        latest_given: b.release.as_ref().is_some_and(|c| !c.covers_run_year),
        similar,
        same_type: b.peers.group.landlord_type,
        same_size: b.peers.group.size_band,
        same_region: b.peers.group.region,
        has_complaints: items.iter().any(|i| i.measure == TsmCode::Ch01),
        items,
        held_back,
        complaints_after_year_end,
    }
}

/// What the screen held back, for the analyst's review: where it is and
/// why, never the text itself (that is personal data, and the review file
/// is an output like any other). The analyst reads it in the case system.
#[derive(Debug, Clone)]
pub struct Held {
    /// The case whose learning action was held back; blank for a theme.
    pub case_ref: String,
    /// The theme, or "(held back)" when its own name was.
    pub theme: String,
    /// "learning action", or "learning theme" with its complaints.
    pub what: String,
    pub reasons: String,
}

/// A held theme's place in the review, its name being what was held.
const HELD_THEME: &str = "(held back)";

/// The on-time percentage, when at least `threshold` responses stand behind it.
/// Stage 1 and 2 answers on time in `period`, and the share, when the
/// share gives no small count away.
fn on_time<'a>(
    r: &'a Results,
    period: &crate::period::Period,
    threshold: u32,
) -> (Option<&'a Figure>, Option<f64>) {
    let f = r.figure("complaints_on_time_pct", period);
    let share =
        f.filter(|f| !gives_away(f.numerator, f.denominator.unwrap_or(0.0), threshold)).and_then(|f| f.value);
    (f, share)
}

/// A share of `whole` would give a small count away: too few behind it, or
/// a part, or the rest, of between 1 and the threshold (95% of 40 is 38,
/// so 2 were not).
fn gives_away(part: f64, whole: f64, threshold: u32) -> bool {
    let small = |n: f64| n > 0.0 && n < f64::from(threshold);
    whole < f64::from(threshold) || small(part) || small(whole - part)
}

/// A percentage as "N in every 10": never "10" unless all were, never "0"
/// unless none were.
fn in_ten(pct: f64) -> i64 {
    let n = (pct / 10.0).round() as i64;
    if pct >= 100.0 {
        10
    } else if pct <= 0.0 {
        0
    } else {
        n.clamp(1, 9)
    }
}

#[allow(clippy::too_many_arguments)]
pub fn assemble(
    r: &Results,
    catalogue: &crate::metrics::Catalogue,
    timescales: &crate::config::Timescales,
    actions: &[LearningAction],
    screening: &Screening,
    config: &CustomerAssemblyConfig,
    linked: LinkedExports,
    benchmarks: Option<&Benchmarks>,
) -> (Assembly, Vec<Held>) {
    let t = config.small_number_threshold;
    let n = |id: &str| r.figure(id, &r.period).map(|f| f.numerator).unwrap_or(0.0);
    let ((on_time_figure, now), (_, before)) = (on_time(r, &r.period, t), on_time(r, &r.previous, t));
    // Judged on the percentages, not the rounded "in every 10": a change of
    // under `same_within_points` is "about the same", which the report says.
    let within = config.same_within_points;
    // In tenths of a point, as the figures are given: 64.1 against 62.1 is a
    // change of 2.0, not of 1.9999.
    let tenths = |points: f64| (points * 10.0).round() as i64;
    let trend = match (now, before) {
        (Some(a), Some(b)) if tenths(a) - tenths(b) >= tenths(within) => "better",
        (Some(a), Some(b)) if tenths(b) - tenths(a) >= tenths(within) => "worse",
        (Some(_), Some(_)) => "same",
        _ => "unknown",
    };
    let (now, before) = (now.map(in_ten), before.map(in_ten));
    let trend = match trend {
        "better" if now == before => "a little better",
        "worse" if now == before => "a little worse",
        other => other,
    };
    let (went_well, needs_work): (Vec<Status>, Vec<Status>) = r
        .targets
        .iter()
        .filter(|t| t.status != Rag::None)
        .map(|target| {
            let f = r.figure(&target.id, &r.period);
            let percent = f.is_some_and(|f| f.unit == crate::metrics::Unit::Percent);
            let whole = f.and_then(|f| f.denominator).unwrap_or(0.0);
            // A mean gives no count away beyond how many are behind it.
            let hidden = |f: &&Figure| whole < f64::from(t) || (percent && gives_away(f.numerator, whole, t));
            Status {
                id: target.id.clone(),
                status: target.status,
                value: f.filter(|f| !hidden(f)).map(super::views::value),
                part: count(f.map_or(0.0, |f| f.numerator), t),
                whole: count(whole, t),
                target: format!("{}{}", format::one_place(target.target), if percent { "%" } else { "" }),
                better: target.better,
                unit: f.map(|f| f.unit),
                label: crate::format::mid_sentence(&crate::metrics::figure_label(catalogue, &target.id)),
            }
        })
        .partition(|s| s.status == Rag::Green);

    // Only themes big enough that no single case stands out are quoted.
    let quotable = |th: &ThemeRow| config.free_text && th.count >= f64::from(t);
    let (quoted, held) = quote_learning(&r.themes, actions, screening, &quotable, 3);
    let themes = quoted
        .into_iter()
        .map(|(th, actions)| Theme { theme: th.theme.clone(), count: count(th.count, t), actions })
        .collect();

    // Services with fewer complaints than the threshold are not named one
    // by one (their counts could then be worked out from the others): they
    // are counted together as "other services".
    let mut areas: Vec<(String, f64)> = r
        .by_group("stage1_received", "service_area")
        .iter()
        .filter(|f| f.numerator > 0.0)
        .map(|f| (f.group.clone(), f.numerator))
        .collect();
    areas.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let (named, small): (Vec<_>, Vec<_>) = areas
        .into_iter()
        .partition(|(name, c)| *c >= f64::from(t) && screening.screen.check(name).is_empty());
    let shown = named.len().min(5);
    let other: f64 = named.iter().skip(shown).chain(small.iter()).map(|(_, c)| c).sum();
    let areas: Vec<Area> = named
        .into_iter()
        .take(shown)
        .map(|(a, c)| Area { area: a, count: count(c, t), other: false })
        .collect();
    let other_services = (other > 0.0).then(|| count(other, t));

    let comp_cases = n("complaints_compensation_cases");
    let compensation = (comp_cases >= f64::from(t)).then(|| format::gbp(n("complaints_compensation_gbp")));
    let satisfaction = linked.surveys.then(|| {
        let surveyed = n("complaints_surveyed");
        let satisfaction = r.figure("complaints_satisfaction_pct", &r.period);
        let pct = satisfaction.and_then(|f| f.value);
        Satisfaction {
            surveyed: count(surveyed, t),
            in_ten: pct
                .filter(|_| !gives_away(satisfaction.map_or(0.0, |f| f.numerator), surveyed, t))
                .map(in_ten),
            satisfied: count(satisfaction.map_or(0.0, |f| f.numerator), t),
        }
    });
    let ombudsman_findings = linked.ombudsman.then(|| {
        let rate = r.figure("complaints_maladministration_rate_pct", &r.period);
        // Findings on the merits: outside jurisdiction and withdrawn are not
        // decisions about us. The Ombudsman publishes its decisions, so the
        // counts are given whatever their size.
        let shown = |n: f64| count(n, 0);
        OmbudsmanFindings {
            findings: shown(rate.and_then(|f| f.denominator).unwrap_or(0.0)),
            failings: shown(rate.map_or(0.0, |f| f.numerator)),
        }
    });
    let assembly = Assembly {
        threshold: t,
        summary: Summary {
            // New complaints: stage 2 requests are the same complaints again.
            received: count(n("stage1_received"), t),
            stage2: count(n("stage2_received"), t),
            responded: count(n("complaints_responded"), t),
            on_time_in_ten: now,
            on_time: count(on_time_figure.map_or(0.0, |f| f.numerator), t),
            answered: count(on_time_figure.and_then(|f| f.denominator).unwrap_or(0.0), t),
            promise: Promise::of(timescales),
            previous_on_time_in_ten: before,
            trend,
            // The margin as it is judged, in tenths: 2.25 is 2.3.
            same_within: crate::output::number(tenths(within) as f64 / 10.0),
        },
        went_well,
        needs_work,
        themes,
        free_text: config.free_text,
        areas,
        other_services,
        compensation,
        compensation_cases: count(comp_cases, t),
        satisfaction,
        ombudsman_findings,
        how_to_complain: config.how_to_complain.clone(),
        ombudsman: config.ombudsman.clone(),
        sector: benchmarks.map(|b| sector_comparison(b, t)),
    };
    (assembly, held)
}

/// The learning actions quoted under each theme with complaints: screened
/// for personal data, first line only (later lines are follow-ups), each
/// change once, at most `max` per theme; an action whose quoted line names a
/// resident anywhere in the export ([`ResidentNamed`]) is held on every
/// case. A theme whose name fails the screen, or was held back as it was
/// read, is left out; it and every action that fails go to the review list.
/// What the analyst lets through ([`crate::screen::Allowed`]) is not held.
pub fn quote_learning<'a, 'b>(
    themes: &'a [ThemeRow],
    actions: &'b [LearningAction],
    screening: &Screening,
    quotable: &dyn Fn(&ThemeRow) -> bool,
    max: usize,
) -> (Vec<(&'a ThemeRow, Vec<String>)>, Vec<Held>) {
    let Screening { screen, named, held_themes, allowed } = screening;
    let said = |reasons: &[Reason]| (!reasons.is_empty()).then(|| Reason::listed(reasons));
    // Actions repeat across cases ("Staff briefed", a standard fix), so
    // each distinct text is screened once. One that names a resident on
    // any row of the export is held on every case, as it is its quoted
    // line that would publish the name.
    let mut screened: HashMap<&'b str, Option<String>> = HashMap::new();
    let mut action_reasons = |text: &'b str| {
        let reasons = || {
            if allowed.allows(text) {
                return None;
            }
            let mut reasons = screen.check(text);
            if named.action(text) {
                reasons.push(Reason::ResidentName);
            }
            said(&reasons)
        };
        screened.entry(text).or_insert_with(reasons).clone()
    };
    let mut held = Vec::new();
    let mut out = Vec::new();
    for th in themes.iter().filter(|th| th.count > 0.0) {
        // Held back from every output as it was read, screened once there
        // (`themes::hold_back_personal`; the taxonomy's own are never held).
        let held_theme = held_themes.as_ref().and_then(|h| h.shown_as(&th.theme));
        let why = held_theme.and_then(|h| said(&h.reasons));
        if let Some(reasons) = why {
            let complaints = format::count(th.count);
            held.push(Held {
                // A case with the theme, for the analyst to look it up.
                case_ref: held_theme.map(|h| h.case_ref.clone()).unwrap_or_default(),
                theme: HELD_THEME.into(),
                what: format!(
                    "learning theme ({complaints} complaint{})",
                    if th.count == 1.0 { "" } else { "s" }
                ),
                reasons,
            });
            continue;
        }
        let mut quoted: Vec<String> = Vec::new();
        for a in actions.iter().filter(|a| a.theme == th.theme) {
            if let Some(reasons) = action_reasons(&a.action) {
                held.push(Held {
                    case_ref: a.case_ref.clone(),
                    theme: a.theme.clone(),
                    what: "learning action".into(),
                    reasons,
                });
            } else if quotable(th) && quoted.len() < max {
                let first = a.action.lines().next().unwrap_or_default().trim().to_string();
                if !first.is_empty() && !quoted.contains(&first) {
                    quoted.push(first);
                }
            }
        }
        out.push((th, quoted));
    }
    (out, held)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::theme_held_back;
    use crate::screen::{Allowed, ResidentNamed, Screen};
    use crate::themes::{HeldTheme, HeldThemes};

    #[test]
    fn small_counts_are_never_numbers() {
        assert!(count(4.0, 5).suppressed);
        assert_eq!(count(4.0, 5).text, "");
        assert_eq!(count(5.0, 5).text, "5");
        assert_eq!(count(0.0, 5).text, "0");
        assert_eq!(count(1250.0, 5).text, "1,250");
    }

    fn theme(name: &str, count: f64) -> ThemeRow {
        ThemeRow {
            theme: name.into(),
            count,
            recorded: count,
            inferred: 0.0,
            previous: 0.0,
            change: 0.0,
            counts_before: Vec::new(),
            average_before: None,
            emerging: false,
            by_service_area: Vec::new(),
        }
    }

    fn action(case: &str, theme: &str, text: &str) -> LearningAction {
        LearningAction { case_ref: case.into(), theme: theme.into(), action: text.into() }
    }

    /// Each action is screened, however often its text repeats: every case
    /// whose action fails is held with its own reference, and the actions
    /// that pass are quoted once each (first line), up to the most allowed.
    #[test]
    fn every_case_of_an_action_that_fails_the_screen_is_held() {
        let themes = [theme("Repairs", 5.0), theme("Noise", 0.0)];
        let actions = [
            action("C1", "Repairs", "Call Mrs Okafor back"),
            action("C2", "Repairs", "Staff briefed on call backs\nFollowed up"),
            action("C3", "Repairs", "Call Mrs Okafor back"),
            action("C4", "Repairs", "Staff briefed on call backs"),
            action("C5", "Repairs", "Repair logged the same day"),
            action("C6", "Repairs", "Surveyor visits within a week"),
            action("C7", "Noise", "Call Mrs Okafor back"),
        ];
        let screening = Screening {
            screen: Screen::new(&[]),
            named: ResidentNamed::default(),
            held_themes: None,
            allowed: Allowed::default(),
        };
        let (quoted, held) = quote_learning(&themes, &actions, &screening, &|_| true, 2);
        let held: Vec<(&str, &str, &str)> =
            held.iter().map(|h| (h.case_ref.as_str(), h.what.as_str(), h.reasons.as_str())).collect();
        let why = "name with a title";
        assert_eq!(held, [("C1", "learning action", why), ("C3", "learning action", why)]);
        assert_eq!(quoted.len(), 1, "a theme with no complaints is not quoted");
        assert_eq!(quoted[0].1, ["Staff briefed on call backs", "Repair logged the same day"]);
    }

    /// An action whose quoted line names a resident somewhere in the export
    /// is held on every case with that line, whatever its case, spacing and
    /// later lines; a theme held back as it was read is left out with its
    /// actions.
    #[test]
    fn an_action_naming_a_resident_is_held_wherever_its_quoted_line_is() {
        let themes = [theme("Repairs", 3.0), theme(&theme_held_back(1), 2.0)];
        let actions = [
            action("C1", "Repairs", "Apologised to Lucy\nCall booked"),
            action("C2", "Repairs", "apologised  to LUCY"),
            action("C3", "Repairs", "Call Mrs Okafor back"),
            action("C4", "Repairs", "Staff briefed"),
            action("C5", &theme_held_back(1), "Surveyor visits within a week"),
        ];
        let mut named = ResidentNamed::default();
        named.add_action("Apologised to Lucy");
        named.add_action("Call Mrs Okafor back");
        let held_themes = HeldThemes {
            themes: vec![HeldTheme {
                shown_as: theme_held_back(1),
                case_ref: "C9".into(),
                reasons: vec![Reason::Postcode, Reason::ResidentName],
            }],
            rows: 2,
        };
        let mut screening = Screening {
            screen: Screen::new(&[]),
            named,
            held_themes: Some(held_themes),
            allowed: Allowed::default(),
        };
        let (quoted, held) = quote_learning(&themes, &actions, &screening, &|_| true, 3);
        let held: Vec<(&str, &str, &str)> =
            held.iter().map(|h| (h.case_ref.as_str(), h.theme.as_str(), h.reasons.as_str())).collect();
        assert_eq!(
            held,
            [
                ("C1", "Repairs", "a resident's name"),
                ("C2", "Repairs", "a resident's name"),
                ("C3", "Repairs", "name with a title; a resident's name"),
                ("C9", HELD_THEME, "postcode; a resident's name"),
            ]
        );
        assert_eq!(quoted.len(), 1);
        assert_eq!(quoted[0].1, ["Staff briefed"]);
        // What the analyst has checked and lets through is quoted.
        screening.allowed = Allowed::new(&["APOLOGISED TO LUCY".to_string()]);
        let (quoted, held) = quote_learning(&themes, &actions, &screening, &|_| true, 3);
        assert_eq!(held.iter().filter(|h| h.case_ref.starts_with("C1") || h.case_ref == "C2").count(), 0);
        assert_eq!(quoted[0].1, ["Apologised to Lucy", "apologised  to LUCY", "Staff briefed"]);
    }

    /// The template picks each compared figure's sentence by its TSM code,
    /// and the words for whose homes it is about by its stock type, as
    /// they are written.
    #[test]
    fn compared_figures_are_named_as_the_template_reads_them() {
        let written = |v: serde_json::Value| v.as_str().unwrap().to_string();
        assert_eq!(written(serde_json::to_value(TsmCode::Ch02).unwrap()), "CH02");
        assert_eq!(written(serde_json::to_value(Stock::Lcho).unwrap()), "LCHO");
        let template = include_str!("../../report-templates/customer-assembly.html");
        for used in [
            "i.measure == \"CH02\"",
            "i.measure == \"TP09\"",
            "people[i.stock]",
            "homes[i.stock]",
            "\"LCRA\": ",
            "\"LCHO\": ",
        ] {
            assert!(template.contains(used), "{used}");
        }
    }
}
