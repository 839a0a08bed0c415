//! The figures each report shows (`queries/reports.toml`) and the HouseMark
//! indicators (`queries/housemark.toml`): lists of figure ids beside the
//! metric definitions they name, so a report's headline figures change
//! without code.

use std::sync::OnceLock;

use serde::Deserialize;

pub const EMBEDDED_REPORTS: &str = include_str!("../../queries/reports.toml");
pub const EMBEDDED_HOUSEMARK: &str = include_str!("../../queries/housemark.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportFigures {
    pub smt: SmtFigures,
    pub monthly: MonthlyFigures,
    pub annual: AnnualFigures,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtFigures {
    pub comparison: Vec<String>,
    pub tiles: Vec<String>,
    pub repeats: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonthlyFigures {
    pub comparison: Vec<String>,
    pub tiles: Vec<String>,
    pub feedback_surveys: Vec<String>,
    pub feedback_ombudsman: Vec<String>,
    pub feedback: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnnualFigures {
    pub year_on_year: Vec<String>,
    pub quarter_by_quarter: Vec<String>,
}

pub fn report_figures() -> &'static ReportFigures {
    static FIGURES: OnceLock<ReportFigures> = OnceLock::new();
    FIGURES
        .get_or_init(|| toml::from_str(EMBEDDED_REPORTS).expect("queries/reports.toml is valid (unit test)"))
}

/// One HouseMark-style indicator: its id in `housemark.csv` and the figure
/// that gives it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub id: String,
    pub figure: String,
    pub definition: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct IndicatorFile {
    indicator: Vec<Indicator>,
}

pub fn housemark_indicators() -> &'static [Indicator] {
    static INDICATORS: OnceLock<Vec<Indicator>> = OnceLock::new();
    INDICATORS.get_or_init(|| {
        toml::from_str::<IndicatorFile>(EMBEDDED_HOUSEMARK)
            .expect("queries/housemark.toml is valid (unit test)")
            .indicator
    })
}

/// The ids as the view code takes them.
pub fn ids(list: &[String]) -> Vec<&str> {
    list.iter().map(String::as_str).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::Catalogue;

    fn assert_figure(id: &str, context: &str) {
        let catalogue = Catalogue::embedded();
        let (stream, measure) =
            id.split_once('_').unwrap_or_else(|| panic!("{context}: {id} is not <stream>_<measure>"));
        let m = catalogue.measure(measure).unwrap_or_else(|| panic!("{context}: no measure {measure}"));
        assert!(m.streams.iter().any(|s| s == stream), "{context}: {measure} is not made for {stream}");
    }

    #[test]
    fn every_listed_figure_is_a_figure_of_the_metrics() {
        let f = report_figures();
        let lists = [
            ("smt.comparison", &f.smt.comparison),
            ("smt.tiles", &f.smt.tiles),
            ("smt.repeats", &f.smt.repeats),
            ("monthly.comparison", &f.monthly.comparison),
            ("monthly.tiles", &f.monthly.tiles),
            ("monthly.feedback_surveys", &f.monthly.feedback_surveys),
            ("monthly.feedback_ombudsman", &f.monthly.feedback_ombudsman),
            ("monthly.feedback", &f.monthly.feedback),
            ("annual.year_on_year", &f.annual.year_on_year),
            ("annual.quarter_by_quarter", &f.annual.quarter_by_quarter),
        ];
        for (name, list) in lists {
            assert!(!list.is_empty(), "{name} is empty");
            for id in list {
                assert_figure(id, name);
            }
        }
    }

    #[test]
    fn housemark_indicators_name_real_figures() {
        for ind in housemark_indicators() {
            assert_figure(&ind.figure, &ind.id);
        }
        // Domain.md section 5's list: 20 from the case export, with
        // satisfaction (surveys) and the maladministration rate (Ombudsman).
        assert_eq!(housemark_indicators().len(), 22);
    }
}
