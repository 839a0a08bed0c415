//! The Regulator's Tenant Satisfaction Measures about complaints: CH01 and
//! CH02 counted from the cases, TP09 from the perception survey figures the
//! landlord supplies; and how each is made, in the words every report uses.

use serde::Serialize;

use super::figures::{round_ratio, Figure, FigureMaker, Group};
use crate::config::{Ch02Timescales, ClockStart, Config, Timescales, CODE_STAGE1, CODE_STAGE2};
use crate::period::{month_index, FinancialYear, Period};
use crate::schema::{case, LCHO, LCRA, TSM_STOCK_TYPES};
use crate::sector::TsmCode;

/// A row of `tsm.csv`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TsmRow {
    pub measure: TsmCode,
    pub stock_type: String,
    /// None for TP09, which is not counted by stage.
    pub stage: Option<u8>,
    pub numerator: f64,
    pub denominator: f64,
    /// One decimal place; None when it cannot be computed (the note says why).
    pub value: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// CH02's timescales, which the Regulator expects published with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timescale: Option<TsmTimescale>,
}

/// The working days a CH02 row was measured against, and whether they are
/// the Complaint Handling Code's.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct TsmTimescale {
    pub acknowledge: u32,
    pub respond: Option<u32>,
    pub max_extension: u32,
    pub clock_starts: ClockStart,
    /// The stage's timescale is the Code's in every part.
    pub code: bool,
}

impl TsmTimescale {
    /// The timescale in words, for the reports' TSM return.
    pub fn describe(&self) -> String {
        let from = self.clock_starts.counted_from();
        let respond = match self.respond {
            Some(days) => format!("; respond within {days} of {from}"),
            None => String::new(),
        };
        let whose = if self.code { "the Code's" } else { "not the Code's" };
        format!(
            "acknowledge within {}{respond}; extend by at most {}; in working days ({whose})",
            self.acknowledge, self.max_extension
        )
    }

    /// The timescale CH02 is measured against at `stage`: the Code's, or
    /// the landlord's where `[timescales] ch02 = "landlord"`.
    fn of_stage(timescales: &Timescales, stage: u8) -> Self {
        let code = if stage == 1 { CODE_STAGE1 } else { CODE_STAGE2 };
        let own = match timescales.ch02 {
            Ch02Timescales::Code => code,
            Ch02Timescales::Landlord => timescales.stage(stage),
        };
        TsmTimescale {
            acknowledge: own.acknowledge,
            respond: own.respond,
            max_extension: own.max_extension,
            clock_starts: own.clock_starts,
            code: own == code,
        }
    }
}

/// The Tenant Satisfaction Measures CH01 and CH02 (domain.md section 4) over
/// the financial year to date at the end of `period` (the whole year when the
/// period is a year), for LCRA, LCHO and the two together, stage 1 and 2.
/// Complaints from residents of other stock (leasehold, market rent...) are
/// in every Code figure but in no TSM row.
pub fn tsm(maker: &FigureMaker, period: &Period) -> (Period, Vec<TsmRow>) {
    let year = period.financial_year();
    let months = month_index(year.start())..=month_index(period.end());
    let per_1000 = maker.catalogue.measure("per_1000_homes").expect("queries define per_1000_homes");
    let on_time = match maker.config.timescales.ch02 {
        Ch02Timescales::Code => "code_on_time_pct",
        Ch02Timescales::Landlord => "on_time_pct",
    };
    let on_time = maker.catalogue.measure(on_time).expect("queries define both on-time measures");
    let mut rows = Vec::new();
    for (measure, def) in [(TsmCode::Ch01, per_1000), (TsmCode::Ch02, on_time)] {
        let by_stage = [1u8, 2].map(|stage| {
            TSM_STOCK_TYPES.map(|stock| {
                let of = Group { breakdown: case::STOCK_TYPE, group: stock };
                maker.figure(def, &format!("stage{stage}"), &months, "", year, of)
            })
        });
        let timescale = |stage: u8| {
            (measure == TsmCode::Ch02).then(|| TsmTimescale::of_stage(&maker.config.timescales, stage))
        };
        for (k, stock) in TSM_STOCK_TYPES.into_iter().enumerate() {
            for (stage, parts) in [1u8, 2].into_iter().zip(&by_stage) {
                let f = &parts[k];
                rows.push(TsmRow {
                    measure,
                    stock_type: stock.to_string(),
                    stage: Some(stage),
                    numerator: f.numerator,
                    denominator: f.denominator.unwrap_or(0.0),
                    value: f.value,
                    note: f.note.clone(),
                    timescale: timescale(stage),
                });
            }
        }
        for (stage, parts) in [1u8, 2].into_iter().zip(&by_stage) {
            let mut row = social_stock(measure, year, parts);
            row.stage = Some(stage);
            row.timescale = timescale(stage);
            rows.push(row);
        }
    }
    rows.extend(tp09(maker.config, year));
    (Period::Year(year), rows)
}

/// The `all` row: LCRA and LCHO together, from their numerators and
/// denominators (never the whole landlord, which counts other stock too).
fn social_stock(measure: TsmCode, year: FinancialYear, parts: &[Figure; 2]) -> TsmRow {
    let numerator = parts.iter().map(|f| f.numerator).sum::<f64>();
    let denominator = parts.iter().map(|f| f.denominator).sum::<Option<f64>>();
    let (value, note) = match denominator {
        None => (None, parts.iter().find_map(|f| f.note.clone())),
        Some(d) if d > 0.0 => (Some(round_ratio(numerator * measure.scale(), d, 1)), None),
        Some(_) if measure == TsmCode::Ch01 => {
            (None, Some(format!("no homes of this stock type in [homes] for {year}")))
        }
        Some(_) => (None, None),
    };
    TsmRow {
        measure,
        stock_type: "all".to_string(),
        stage: None,
        numerator,
        denominator: denominator.unwrap_or(0.0),
        value,
        note,
        timescale: None,
    }
}

/// TP09 from the perception survey figures in `[tp09."<year>"]`: satisfied
/// (very or fairly) ÷ respondents who complained in the last 12 months and
/// answered the question. It is reported by stock type only, since the two
/// surveys are sampled apart.
fn tp09(config: &Config, year: FinancialYear) -> Vec<TsmRow> {
    let Some(answers) = config.tp09.get(&year) else { return Vec::new() };
    [(LCRA, answers.lcra), (LCHO, answers.lcho)]
        .into_iter()
        .filter_map(|(stock, a)| {
            let a = a?;
            let (n, d) = (f64::from(a.satisfied), f64::from(a.respondents));
            Some(TsmRow {
                measure: TsmCode::Tp09,
                stock_type: stock.to_string(),
                stage: None,
                numerator: n,
                denominator: d,
                value: (d > 0.0).then(|| round_ratio(n * 100.0, d, 1)),
                note: (d == 0.0).then(|| "no respondents".to_string()),
                timescale: None,
            })
        })
        .collect()
}

/// How CH01 and CH02 are counted, as the reports and metrics.json state
/// it, for the timescales CH02 is measured against.
pub fn tsm_rules(ch02: Ch02Timescales) -> [&'static str; 2] {
    [
        CH01_RULE,
        match ch02 {
            Ch02Timescales::Code => CH02_RULE_CODE,
            Ch02Timescales::Landlord => CH02_RULE_LANDLORD,
        },
    ]
}

const CH01_RULE: &str = "complaints received in the year (to date) at the stage from residents of low cost rental (LCRA) or low cost home ownership (LCHO) stock ÷ homes owned of the stock type (the latest homes-owned figures given for the year or before it) × 1,000, to 1 decimal place; \"all\" is LCRA and LCHO together; withdrawn complaints count, refused complaints do not; a complaint escalated to stage 2 counts once at each stage; complaints from residents of other stock (leasehold, market rent and the like) are in every Complaint Handling Code figure but not in CH01";

const CH02_RULE_CODE: &str = "complaints from LCRA or LCHO residents responded to in the year (to date) at the stage within the Complaint Handling Code's timescale ÷ such complaints responded to in the year at the stage × 100, to 1 decimal place; \"all\" is LCRA and LCHO together; the Code's timescale, in the landlord's working days (its bank holidays, closure days and day 0 rule), whatever its own timescales: stage 1 acknowledge within 5 working days, respond within 10 of the acknowledgement (never later than the day it was due), an agreed extension of at most 10 more; stage 2 the same with 20 and 20; published beside each row; withdrawn complaints without a response are not counted; complaints from residents of other stock are not in CH02";

const CH02_RULE_LANDLORD: &str = "complaints from LCRA or LCHO residents responded to in the year (to date) at the stage within the landlord's own timescale ÷ such complaints responded to in the year at the stage × 100, to 1 decimal place; \"all\" is LCRA and LCHO together; the landlord's timescale, not necessarily the Complaint Handling Code's the Regulator names (the landlord's setting), by the working-day rules, and published beside each row (acknowledge, respond and maximum extension in working days, and whether they are the Code's); withdrawn complaints without a response are not counted; complaints from residents of other stock are not in CH02";

/// How TP09 is made, as the reports and metrics.json state it.
pub const TP09_RULE: &str = "respondents to the annual perception survey who said they had complained in the last 12 months and were very or fairly satisfied with the approach to complaints handling ÷ those who said they had complained and answered that question (very satisfied to very dissatisfied, as the Regulator divides: not everyone who said they had complained) × 100, to 1 decimal place; an input figure from the landlord's survey results, not counted from cases; LCRA and LCHO separately, with no combined figure";
