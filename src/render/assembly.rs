//! The Customer Assembly report: the quarter for the tenants' panel, in
//! plain English. Counts below the small-number threshold are never shown as
//! numbers; quoted learning is screened for personal data, and what the
//! screen holds back goes to a review file for the analyst, not the report.
//! Every word a reader sees is in the template, so the report can be
//! translated there.

use serde::Serialize;

use super::format;
use crate::config::CustomerAssemblyConfig;
use crate::metrics::{LearningAction, Rag, Results};
use crate::screen::Screen;

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
    pub previous_on_time_in_ten: Option<i64>,
    /// "better", "worse", "same" or "unknown", for the template's wording.
    pub trend: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Status {
    /// A figure id such as `stage1_on_time_pct`; the template words it.
    pub id: String,
    pub status: Rag,
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
    pub compensation: Option<String>,
    pub compensation_cases: Count,
    pub how_to_complain: Option<String>,
    pub ombudsman: Option<String>,
}

/// A learning action held back by the screen.
#[derive(Debug, Clone)]
pub struct Held {
    pub case_ref: String,
    pub theme: String,
    pub reasons: String,
    pub text: String,
}

/// "N in every 10" for a share, when at least `threshold` responses.
fn in_ten(r: &Results, period: &crate::period::Period, threshold: u32) -> Option<i64> {
    let f = r.figure("complaints_on_time_pct", period)?;
    if f.denominator.unwrap_or(0.0) < f64::from(threshold) {
        return None;
    }
    f.value.map(|v| (v / 10.0).round() as i64)
}

pub fn assemble(
    r: &Results,
    actions: &[LearningAction],
    config: &CustomerAssemblyConfig,
) -> (Assembly, Vec<Held>) {
    let t = config.small_number_threshold;
    let n = |id: &str| r.figure(id, &r.period).map(|f| f.numerator).unwrap_or(0.0);
    let now = in_ten(r, &r.period, t);
    let before = in_ten(r, &r.previous, t);
    let trend = match (now, before) {
        (Some(a), Some(b)) if a > b => "better",
        (Some(a), Some(b)) if a < b => "worse",
        (Some(_), Some(_)) => "same",
        _ => "unknown",
    };
    let (went_well, needs_work): (Vec<Status>, Vec<Status>) = r
        .targets
        .iter()
        .filter(|t| t.status != Rag::None)
        .map(|t| Status { id: t.id.clone(), status: t.status })
        .partition(|s| s.status == Rag::Green);

    let screen = Screen::new(&config.people_names);
    let mut held = Vec::new();
    let themes = r
        .themes
        .iter()
        .filter(|th| th.count > 0.0)
        .map(|th| {
            let mut quoted: Vec<String> = Vec::new();
            // Only themes big enough that no single case stands out are quoted.
            let quotable = config.free_text && th.count >= f64::from(t);
            for a in actions.iter().filter(|a| a.theme == th.theme) {
                let reasons = screen.check(&a.action);
                if !reasons.is_empty() {
                    held.push(Held {
                        case_ref: a.case_ref.clone(),
                        theme: a.theme.clone(),
                        reasons: reasons.iter().map(|r| r.as_str()).collect::<Vec<_>>().join("; "),
                        text: a.action.clone(),
                    });
                } else if quotable && quoted.len() < 3 && !quoted.contains(&a.action) {
                    quoted.push(a.action.clone());
                }
            }
            Theme { theme: th.theme.clone(), count: count(th.count, t), actions: quoted }
        })
        .collect();

    let mut areas: Vec<(String, f64)> = r
        .by_group("complaints_received", "service_area")
        .iter()
        .map(|f| (f.group.clone(), f.numerator))
        .collect();
    areas.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let areas = areas
        .into_iter()
        .take(5)
        .filter(|(_, c)| *c > 0.0)
        .map(|(a, c)| Area { area: a, count: count(c, t) })
        .collect();

    let comp_cases = n("complaints_compensation_cases");
    let compensation = (comp_cases >= f64::from(t)).then(|| format::gbp(n("complaints_compensation_gbp")));
    let assembly = Assembly {
        threshold: t,
        summary: Summary {
            received: count(n("complaints_received"), t),
            stage2: count(n("stage2_received"), t),
            responded: count(n("complaints_responded"), t),
            on_time_in_ten: now,
            previous_on_time_in_ten: before,
            trend,
        },
        went_well,
        needs_work,
        themes,
        free_text: config.free_text,
        areas,
        compensation,
        compensation_cases: count(comp_cases, t),
        how_to_complain: config.how_to_complain.clone(),
        ombudsman: config.ombudsman.clone(),
    };
    (assembly, held)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_counts_are_never_numbers() {
        assert!(count(4.0, 5).suppressed);
        assert_eq!(count(4.0, 5).text, "");
        assert_eq!(count(5.0, 5).text, "5");
        assert_eq!(count(0.0, 5).text, "0");
        assert_eq!(count(1250.0, 5).text, "1,250");
    }
}
