//! The metric definitions of `queries/metrics.toml`, read and checked: each
//! *count* (which rows, by which date) and each *measure* made from counts.

use std::path::Path;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::schema::{case, determination, survey};

pub const EMBEDDED_QUERIES: &str = include_str!("../../queries/metrics.toml");

/// The streams of work figures are made for. `complaints` is stage 1 + 2.
pub const STREAMS: [&str; 7] =
    ["stage1", "stage2", "complaints", "compliment", "suggestion", "enquiry", "feedback"];
/// The columns figures are broken down by; `all` is the whole landlord.
/// `theme_by_service_area` crosses two: its groups read "theme | area".
/// `finding_category` is the Ombudsman's category of a finding, on the
/// Ombudsman's rows only.
pub const BREAKDOWNS: [&str; 9] = [
    ALL_BREAKDOWN,
    case::STOCK_TYPE,
    case::SERVICE_AREA,
    case::CATEGORY,
    case::CHANNEL,
    case::LEARNING_THEME,
    case::REFUSAL_REASON,
    THEME_BY_SERVICE_AREA,
    determination::FINDING_CATEGORY,
];
/// The whole landlord.
pub const ALL_BREAKDOWN: &str = "all";
/// The crossed breakdown of learning themes by service area: its groups
/// read "theme | area".
pub const THEME_BY_SERVICE_AREA: &str = "theme_by_service_area";
/// The breakdowns a measure gets when it lists none: the whole landlord and
/// the case columns every figure is broken down by.
pub const DEFAULT_BREAKDOWNS: [&str; 5] =
    [ALL_BREAKDOWN, case::STOCK_TYPE, case::SERVICE_AREA, case::CATEGORY, case::CHANNEL];

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum PeriodBy {
    ReceivedDate,
    RespondedDate,
    /// Counts over the survey export (linked to its complaints).
    SurveyDate,
    /// Counts over the Ombudsman export (linked to its cases).
    DeterminationDate,
}

impl PeriodBy {
    pub(super) const ALL: [PeriodBy; 4] =
        [PeriodBy::ReceivedDate, PeriodBy::RespondedDate, PeriodBy::SurveyDate, PeriodBy::DeterminationDate];

    pub(super) fn column(self) -> &'static str {
        match self {
            PeriodBy::ReceivedDate => case::RECEIVED,
            PeriodBy::RespondedDate => case::RESPONDED,
            PeriodBy::SurveyDate => survey::DATE,
            PeriodBy::DeterminationDate => determination::DATE,
        }
    }

    /// The export whose rows the count reads.
    pub(super) fn source(self) -> &'static str {
        match self {
            PeriodBy::ReceivedDate | PeriodBy::RespondedDate => "cases",
            PeriodBy::SurveyDate => "surveys",
            PeriodBy::DeterminationDate => "ombudsman",
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CountDef {
    pub id: String,
    pub period_by: PeriodBy,
    #[serde(rename = "where")]
    pub condition: String,
    #[serde(default)]
    pub sum: Option<String>,
    pub describe: String,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Count,
    Percent,
    Mean,
    Gbp,
    #[serde(rename = "per_1000_homes")]
    Per1000Homes,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    Higher,
    Lower,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MeasureDef {
    pub id: String,
    pub label: String,
    pub unit: Unit,
    pub numerator: String,
    #[serde(default)]
    pub denominator: Option<String>,
    #[serde(default)]
    pub better: Option<Better>,
    pub streams: Vec<String>,
    #[serde(default)]
    pub breakdowns: Option<Vec<String>>,
    #[serde(default)]
    pub describe: Option<String>,
}

impl MeasureDef {
    pub fn has_breakdown(&self, breakdown: &str) -> bool {
        match &self.breakdowns {
            Some(b) => b.iter().any(|x| x == breakdown),
            None => DEFAULT_BREAKDOWNS.contains(&breakdown),
        }
    }
}

/// The metric definitions: counts and the measures made from them.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    #[serde(rename = "count")]
    pub counts: Vec<CountDef>,
    #[serde(rename = "measure")]
    pub measures: Vec<MeasureDef>,
}

/// A reference to a count from a measure: `received` or `received@stage2`.
#[derive(Debug, Clone, Copy)]
pub(super) struct CountRef<'a> {
    pub count: usize,
    pub stream: Option<&'a str>,
}

impl Catalogue {
    /// The definitions shipped in `queries/metrics.toml`.
    pub fn embedded() -> &'static Catalogue {
        static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
        CATALOGUE.get_or_init(|| {
            Catalogue::parse(EMBEDDED_QUERIES)
                .expect("queries/metrics.toml is valid (checked by a unit test)")
        })
    }

    pub fn load(path: &Path) -> Result<Catalogue> {
        // Named as the queries file, not the config: `--queries` gave it.
        let err = |m: String| Error::Usage(format!("queries {}: {m}", path.display()));
        let text = std::fs::read_to_string(path).map_err(|e| err(format!("cannot read: {e}")))?;
        Catalogue::parse(&text).map_err(err)
    }

    pub fn parse(text: &str) -> std::result::Result<Catalogue, String> {
        let catalogue: Catalogue = toml::from_str(text).map_err(|e| e.to_string().trim_end().to_string())?;
        catalogue.check()?;
        Ok(catalogue)
    }

    fn check(&self) -> std::result::Result<(), String> {
        for c in &self.counts {
            let _ = polars::sql::sql_expr(&c.condition)
                .map_err(|e| format!("count {}: where = \"{}\": {e}", c.id, c.condition))?;
        }
        for m in &self.measures {
            self.count_ref(&m.numerator).map_err(|e| format!("measure {}: numerator: {e}", m.id))?;
            if let Some(d) = &m.denominator {
                self.count_ref(d).map_err(|e| format!("measure {}: denominator: {e}", m.id))?;
            }
            let needs_denominator = matches!(m.unit, Unit::Percent | Unit::Mean);
            if needs_denominator != m.denominator.is_some() {
                return Err(format!(
                    "measure {}: a {:?} measure {} a denominator",
                    m.id,
                    m.unit,
                    if needs_denominator { "needs" } else { "takes no" }
                ));
            }
            for s in &m.streams {
                if !STREAMS.contains(&s.as_str()) {
                    return Err(format!(
                        "measure {}: unknown stream '{s}'; expected one of {}",
                        m.id,
                        STREAMS.join(", ")
                    ));
                }
            }
            for b in m.breakdowns.iter().flatten() {
                if !BREAKDOWNS.contains(&b.as_str()) {
                    return Err(format!(
                        "measure {}: unknown breakdown '{b}'; expected one of {}",
                        m.id,
                        BREAKDOWNS.join(", ")
                    ));
                }
            }
        }
        Ok(())
    }

    pub(super) fn count_ref<'a>(&self, text: &'a str) -> std::result::Result<CountRef<'a>, String> {
        let (name, stream) = match text.split_once('@') {
            Some((n, s)) => (n, Some(s)),
            None => (text, None),
        };
        let count = self
            .counts
            .iter()
            .position(|c| c.id == name)
            .ok_or_else(|| format!("no count named '{name}'"))?;
        if let Some(s) = stream {
            if !STREAMS.contains(&s) {
                return Err(format!("unknown stream '{s}' in '{text}'"));
            }
        }
        Ok(CountRef { count, stream })
    }

    pub fn measure(&self, id: &str) -> Option<&MeasureDef> {
        self.measures.iter().find(|m| m.id == id)
    }

    /// A measure's rule for a report's reader: what is counted above and
    /// below the line, in the counts' own words, without the ids
    /// `queries/metrics.toml` and metrics.json name them by ([`Self::rule`]).
    pub fn rule_in_words(&self, m: &MeasureDef) -> String {
        let describe = |r: &str| {
            let cr = self.count_ref(r).expect("checked");
            let c = &self.counts[cr.count];
            match cr.stream {
                Some(s) => format!("{} (at {})", c.describe, s.replace("stage", "stage ")),
                None => c.describe.clone(),
            }
        };
        let mut rule = match (m.unit, &m.denominator) {
            (Unit::Percent, Some(d)) => {
                format!("Counted: {}. Out of: {}. As a percentage.", describe(&m.numerator), describe(d))
            }
            (Unit::Mean, Some(d)) => {
                format!("Added up: {}. Divided by: {}.", describe(&m.numerator), describe(d))
            }
            (Unit::Per1000Homes, _) => {
                format!("Per 1,000 homes owned: {}.", describe(&m.numerator).trim_end_matches('.'))
            }
            _ => crate::format::sentence(&describe(&m.numerator)),
        };
        if let Some(extra) = &m.describe {
            rule.push(' ');
            rule.push_str(&crate::format::sentence(extra));
        }
        rule
    }

    /// Targets are set per stream and measure: `stage1_on_time_pct`.
    pub fn target_ids(&self) -> Vec<String> {
        self.measures
            .iter()
            .filter(|m| m.better.is_some())
            .flat_map(|m| m.streams.iter().map(move |s| format!("{s}_{}", m.id)))
            .collect()
    }

    pub fn has_target(&self, id: &str) -> bool {
        self.target_ids().iter().any(|t| t == id)
    }

    /// The rule of a measure in words, from its definition.
    pub fn rule(&self, m: &MeasureDef) -> String {
        let describe = |r: &str| {
            let cr = self.count_ref(r).expect("checked");
            let c = &self.counts[cr.count];
            match cr.stream {
                Some(s) => format!("{} ({s}): {}", c.id, c.describe),
                None => format!("{}: {}", c.id, c.describe),
            }
        };
        let formula = match (m.unit, &m.denominator) {
            (Unit::Percent, Some(d)) => format!("{} ÷ {} × 100", m.numerator, d),
            (Unit::Mean, Some(d)) => format!("{} ÷ {}", m.numerator, d),
            (Unit::Per1000Homes, _) => format!("{} ÷ homes owned × 1,000", m.numerator),
            _ => m.numerator.clone(),
        };
        let mut parts = vec![formula, describe(&m.numerator)];
        if let Some(d) = &m.denominator {
            parts.push(describe(d));
        }
        if let Some(extra) = &m.describe {
            parts.push(extra.clone());
        }
        parts.join("; ")
    }
}

/// Targets are set per stream and measure (`stage1_on_time_pct`) for
/// measures with a direction; the message names an unknown one.
impl Catalogue {
    pub fn check_targets<'a>(
        &self,
        targets: impl IntoIterator<Item = &'a String>,
    ) -> std::result::Result<(), String> {
        for id in targets {
            if !self.has_target(id) {
                return Err(format!(
                    "targets: '{id}' is not a measure with a target; expected one of {}",
                    self.target_ids().join(", ")
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{breakdown_columns, prepared, Breakdown};

    #[test]
    fn the_breakdowns_are_the_schemas_breakdown_columns() {
        let always: Vec<&str> = breakdown_columns(Breakdown::Always).collect();
        let mut defaults: Vec<&str> = DEFAULT_BREAKDOWNS[1..].to_vec();
        defaults.sort();
        let mut sorted = always.clone();
        sorted.sort();
        assert_eq!(defaults, sorted, "every Always column is a default breakdown");
        let listed: std::collections::BTreeSet<&str> = BREAKDOWNS.into_iter().collect();
        for c in always.into_iter().chain(breakdown_columns(Breakdown::OnRequest)) {
            assert!(listed.contains(c), "{c} is a breakdown column of the schema but not in BREAKDOWNS");
        }
    }

    #[test]
    fn the_definitions_document_every_prepared_column() {
        let header: String = EMBEDDED_QUERIES
            .lines()
            .take_while(|l| l.starts_with('#') || l.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        for name in prepared::ALL.into_iter().chain(determination::COUNTED) {
            assert!(header.contains(name), "queries/metrics.toml does not document the column {name}");
        }
    }

    #[test]
    fn a_target_for_a_measure_without_a_direction_is_refused_by_name() {
        let c = Catalogue::embedded();
        assert!(c.check_targets([&"stage1_on_time_pct".to_string()]).is_ok());
        let err = c.check_targets([&"stage1_ontime".to_string()]).unwrap_err();
        assert!(err.contains("stage1_ontime"), "{err}");
        assert!(c.check_targets([&"stage1_received".to_string()]).is_err());
    }

    #[test]
    fn embedded_queries_are_valid() {
        let c = Catalogue::parse(EMBEDDED_QUERIES).unwrap();
        assert!(c.measure("on_time_pct").is_some());
        assert!(c.has_target("stage1_on_time_pct"));
        assert!(!c.has_target("stage1_received"));
    }

    #[test]
    fn bad_definitions_are_refused_with_the_measure_named() {
        let text = EMBEDDED_QUERIES.replace("numerator = \"responded_on_time\"", "numerator = \"on_tiem\"");
        let err = Catalogue::parse(&text).unwrap_err();
        assert!(err.contains("on_time_pct") && err.contains("on_tiem"), "{err}");
        let text = EMBEDDED_QUERIES.replace("where = \"is_upheld\"", "where = \"is_upheld AND (\"");
        assert!(Catalogue::parse(&text).unwrap_err().contains("count upheld"));
    }
}
