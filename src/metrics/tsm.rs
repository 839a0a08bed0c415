//! The Regulator's Tenant Satisfaction Measures about complaints: CH01 and
//! CH02 counted from the cases, TP09 from the perception survey figures the
//! landlord supplies; and how each is made, in the words every report uses.

use serde::Serialize;

use super::catalogue::ALL_BREAKDOWN;
use super::cube::ALL;
use super::figures::{round_ratio, FigureMaker};
use crate::config::Config;
use crate::period::{month_index, FinancialYear, Period};
use crate::schema::{case, LCHO, LCRA};

/// A row of `tsm.csv`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TsmRow {
    pub measure: &'static str,
    pub stock_type: String,
    /// None for TP09, which is not counted by stage.
    pub stage: Option<u8>,
    pub numerator: f64,
    pub denominator: f64,
    /// One decimal place; None when it cannot be computed (the note says why).
    pub value: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The Tenant Satisfaction Measures CH01 and CH02 (domain.md section 4) over
/// the financial year to date at the end of `period` (the whole year when the
/// period is a year), for LCRA, LCHO and all stock, stage 1 and stage 2.
pub fn tsm(maker: &FigureMaker, period: &Period) -> (Period, Vec<TsmRow>) {
    let year = period.financial_year();
    let months = month_index(year.start())..=month_index(period.end());
    let per_1000 = maker.catalogue.measure("per_1000_homes").expect("queries define per_1000_homes");
    let on_time = maker.catalogue.measure("on_time_pct").expect("queries define on_time_pct");
    let mut rows = Vec::new();
    for (measure, def) in [("CH01", per_1000), ("CH02", on_time)] {
        for stock in [LCRA, LCHO, "all"] {
            for stage in [1u8, 2] {
                let (breakdown, group) =
                    if stock == "all" { (ALL_BREAKDOWN, ALL) } else { (case::STOCK_TYPE, stock) };
                let f = maker.figure(def, &format!("stage{stage}"), &months, "", year, breakdown, group);
                rows.push(TsmRow {
                    measure,
                    stock_type: stock.to_string(),
                    stage: Some(stage),
                    numerator: f.numerator,
                    denominator: f.denominator.unwrap_or(0.0),
                    value: f.value,
                    note: f.note,
                });
            }
        }
    }
    rows.extend(tp09(maker.config, year));
    (Period::Year(year), rows)
}

/// TP09 from the perception survey figures in `[tp09."<year>"]`: satisfied
/// (very or fairly) ÷ respondents who complained in the last 12 months and
/// answered the question. It is reported by stock type only, since the two
/// surveys are sampled apart.
fn tp09(config: &Config, year: FinancialYear) -> Vec<TsmRow> {
    let Some(answers) = config.tp09.get(&year) else { return Vec::new() };
    [("LCRA", answers.lcra), ("LCHO", answers.lcho)]
        .into_iter()
        .filter_map(|(stock, a)| {
            let a = a?;
            let (n, d) = (f64::from(a.satisfied), f64::from(a.respondents));
            Some(TsmRow {
                measure: "TP09",
                stock_type: stock.to_string(),
                stage: None,
                numerator: n,
                denominator: d,
                value: (d > 0.0).then(|| round_ratio(n * 100.0, d, 1)),
                note: (d == 0.0).then(|| "no respondents".to_string()),
            })
        })
        .collect()
}

/// How CH01 and CH02 are counted, as the reports and metrics.json state it.
pub const TSM_RULES: [&str; 2] = [
    "complaints received in the year (to date) at the stage ÷ homes owned of the stock type (latest [homes] entry at or before the year) × 1,000, to 1 decimal place; withdrawn complaints count, refused complaints do not; a complaint escalated to stage 2 counts once at each stage",
    "complaints responded to in the year (to date) at the stage within the timescale ÷ complaints responded to in the year at the stage × 100, to 1 decimal place; the timescale is the landlord's, by the working-day rules; withdrawn complaints without a response are not counted",
];

/// How TP09 is made, as the reports and metrics.json state it.
pub const TP09_RULE: &str = "respondents to the annual perception survey who said they had complained in the last 12 months and were very or fairly satisfied with the approach to complaints handling ÷ those who said they had complained and answered that question (very satisfied to very dissatisfied, as the Regulator divides: not everyone who said they had complained) × 100, to 1 decimal place; an input figure from [tp09.\"<year>\"] in the config, not counted from cases; LCRA and LCHO separately, with no combined figure";
